// Rule blocks in findSlots and explainStart (search.ts header), and their reasons in explain.ts:
// each kind on a resource and on the service, at its half-open bounds.
import { describe, expect, it } from 'vitest';
import { candidateReasons, type Layer } from '../../../server/src/engine/explain.ts';
import { IntervalSet } from '../../../server/src/engine/intervals.ts';
import { findSlotsByBruteForce } from '../../../server/src/engine/reference.ts';
import { explainStart, findSlots, type ResourceAvailability, type RuleBlock, type SearchInput } from '../../../server/src/engine/search.ts';

// Times are minutes after an arbitrary day's 00:00 UTC, scaled to ms; appointments last 60 minutes.
const M = 60_000;

function block(applies: RuleBlock['applies'], from: number, to: number, name = 'Rule', code: RuleBlock['code'] = 'GAP_RULE'): RuleBlock {
  return { from: from * M, to: to * M, applies, code, ruleId: `id-${name}`, ruleName: name };
}

interface ResourceSpec {
  free?: [number, number][];
  blocks?: RuleBlock[];
  working?: [number, number][];
}

function input(options: {
  resources: Record<string, ResourceSpec>;
  /** One required requirement per entry: [quantity, candidates with weights]. */
  requirements: [number, [string, number][]][];
  starts: number[];
  serviceBlocks?: RuleBlock[];
  before?: number;
  after?: number;
  earliest?: number;
}): SearchInput {
  const resources = new Map<string, ResourceAvailability>();
  for (const [id, spec] of Object.entries(options.resources)) {
    resources.set(id, {
      free: IntervalSet.from((spec.free ?? [[0, 1440]]).map(([s, e]) => [s * M, e * M] as const)),
      bufferBeforeMs: 0,
      bufferAfterMs: 0,
      ...(spec.blocks ? { blocks: spec.blocks } : {}),
      ...(spec.working ? { working: IntervalSet.from(spec.working.map(([s, e]) => [s * M, e * M] as const)) } : {}),
    });
  }
  return {
    service: { durationMs: 60 * M, bufferBeforeMs: (options.before ?? 0) * M, bufferAfterMs: (options.after ?? 0) * M },
    requirements: options.requirements.map(([quantity, candidates], i) => ({
      id: `q${i}`,
      name: `Requirement ${i}`,
      quantity,
      required: true,
      candidates: candidates.map(([resourceId, weight]) => ({ resourceId, weight })),
    })),
    resources,
    starts: options.starts.map((m) => m * M),
    now: 0,
    earliestStart: (options.earliest ?? 0) * M,
    latestStart: 1440 * M,
    ...(options.serviceBlocks ? { serviceBlocks: options.serviceBlocks } : {}),
  };
}

/** The offered starts in minutes; checked against the brute-force reference on the way. */
function offered(i: SearchInput): number[] {
  const slots = findSlots(i);
  expect(slots).toEqual(findSlotsByBruteForce(i));
  return slots.map((s) => s.start / M);
}

const around = [525, 540, 555, 585, 600, 615, 645, 660, 675];

describe('findSlots with rule blocks on a resource', () => {
  it("'start': forbids starts in [from, to), allows a start exactly at `to`", () => {
    const i = input({ resources: { a: { blocks: [block('start', 600, 660)] } }, requirements: [[1, [['a', 0]]]], starts: around });
    expect(offered(i)).toEqual([525, 540, 555, 585, 660, 675]);
  });

  it("'appointment': forbids starts whose appointment meets [from, to); ending exactly at `from` is allowed", () => {
    // 60-minute appointments meet [600, 660) for 540 < start < 660.
    const i = input({ resources: { a: { blocks: [block('appointment', 600, 660)] } }, requirements: [[1, [['a', 0]]]], starts: around });
    expect(offered(i)).toEqual([525, 540, 660, 675]);
  });

  it("'appointment' leaves the buffers out: set-up and turnover may overlap the block", () => {
    const i = input({ resources: { a: { blocks: [block('appointment', 600, 660)] } }, requirements: [[1, [['a', 0]]]], starts: around, before: 30, after: 30 });
    expect(offered(i)).toEqual([525, 540, 660, 675]);
  });

  it('takes unsorted, overlapping blocks together, and an empty block forbids nothing', () => {
    const blocks = [block('start', 640, 675), block('appointment', 630, 630), block('start', 600, 650), block('start', 540, 540)];
    const i = input({ resources: { a: { blocks } }, requirements: [[1, [['a', 0]]]], starts: around });
    expect(offered(i)).toEqual([525, 540, 555, 585, 675]);
  });

  it('hands a start to the next candidate when the best one is blocked', () => {
    const i = input({ resources: { a: { blocks: [block('start', 600, 615)] }, b: {} }, requirements: [[1, [['a', 10], ['b', 0]]]], starts: [585, 600, 615] });
    expect(findSlots(i).map((s) => [s.start / M, s.assignments[0]!.resourceIds])).toEqual([[585, ['a']], [600, ['b']], [615, ['a']]]);
  });

  it('counts a blocked resource out of quantities and distinct assignments', () => {
    // Two of {a, b, c} plus one of {c}: at 600 a is blocked, so b and c would both be needed twice over.
    const resources = { a: { blocks: [block('start', 600, 615)] }, b: {}, c: {} };
    const i = input({ resources, requirements: [[2, [['a', 0], ['b', 0], ['c', 0]]], [1, [['c', 0]]]], starts: [585, 600, 615] });
    expect(offered(i)).toEqual([585, 615]);
    const alone = input({ resources, requirements: [[2, [['a', 0], ['b', 0], ['c', 0]]]], starts: [585, 600, 615] });
    expect(findSlots(alone).map((s) => s.assignments[0]!.resourceIds)).toEqual([['a', 'b'], ['b', 'c'], ['a', 'b']]);
  });

  it('only applies a resource block to that resource', () => {
    const i = input({ resources: { a: { blocks: [block('start', 0, 1440)] }, b: {} }, requirements: [[1, [['b', 0]]]], starts: [600] });
    expect(offered(i)).toEqual([600]);
  });
});

describe('findSlots with service blocks', () => {
  const resources = { a: {}, b: {} };
  const requirements: [number, [string, number][]][] = [[1, [['a', 0], ['b', 0]]]];

  it("'start': forbids starts in [from, to) whatever the resources", () => {
    expect(offered(input({ resources, requirements, starts: around, serviceBlocks: [block('start', 600, 660, 'Limit', 'LIMIT_REACHED')] }))).toEqual([525, 540, 555, 585, 660, 675]);
  });

  it("'appointment': forbids starts whose appointment meets [from, to)", () => {
    expect(offered(input({ resources, requirements, starts: around, serviceBlocks: [block('appointment', 600, 660)] }))).toEqual([525, 540, 660, 675]);
  });

  it('combines with resource blocks', () => {
    const i = input({
      resources: { a: { blocks: [block('start', 525, 560)] }, b: { blocks: [block('start', 540, 600)] } },
      requirements,
      starts: around,
      serviceBlocks: [block('start', 645, 661), block('start', 0, 0)],
    });
    expect(offered(i)).toEqual([525, 585, 600, 615, 675]);
  });
});

describe('explainStart with rule blocks', () => {
  it('names the first block of a candidate that forbids the start, only when it is otherwise free', () => {
    const first = block('start', 600, 615, 'First');
    const i = input({
      resources: {
        ruled: { blocks: [block('start', 700, 715, 'Elsewhere'), first, block('appointment', 580, 620, 'Second')] },
        busyToo: { free: [[0, 610]], working: [[0, 1440]], blocks: [first] },
        free: {},
      },
      requirements: [[1, [['ruled', 0], ['busyToo', 0], ['free', 0]]]],
      starts: [600],
    });
    const explanation = explainStart(i, 600 * M);
    expect(explanation).toMatchObject({ bookable: true, blocker: null, rules: [] });
    expect(explanation.requirements[0]!.candidates.map((c) => [c.resourceId, c.canServe, c.blocker, c.rule?.ruleName ?? null])).toEqual([
      ['ruled', false, 'rule', 'First'],
      ['busyToo', false, 'busy', null],
      ['free', true, null, null],
    ]);
    expect(explanation.slot?.assignments[0]!.resourceIds).toEqual(['free']);
  });

  it('reports a requirement unmet when its only candidate is ruled out', () => {
    const i = input({ resources: { a: { blocks: [block('appointment', 650, 700)] } }, requirements: [[1, [['a', 0]]]], starts: [590, 600] });
    expect(explainStart(i, 600 * M)).toMatchObject({ bookable: false, blocker: 'requirement-unmet', rules: [], requirements: [{ met: false }] });
    // The appointment 590-650 ends exactly where the block begins.
    expect(explainStart(i, 590 * M)).toMatchObject({ bookable: true, blocker: null, requirements: [{ met: true, candidates: [{ blocker: null, rule: null }] }] });
  });

  it("blocks the start with 'rule', listing every service block that forbids it, before unmet requirements", () => {
    const limit = block('start', 600, 660, 'Daily limit', 'LIMIT_REACHED');
    const gap = block('appointment', 630, 700, 'Gap');
    const i = input({
      resources: { a: { blocks: [block('start', 0, 1440)] } },
      requirements: [[1, [['a', 0]]]],
      starts: [600, 660],
      serviceBlocks: [limit, block('start', 660, 700, 'Later'), gap],
    });
    expect(explainStart(i, 600 * M)).toMatchObject({ bookable: false, blocker: 'rule', rules: [limit, gap], requirements: [{ met: false }] });
    // Starting at `to` of the limit: only the later blocks apply.
    expect(explainStart(i, 660 * M).rules.map((r) => r.ruleName)).toEqual(['Later', 'Gap']);
  });

  it('puts the grid and the notice window before rules, and still lists them', () => {
    const limit = block('start', 0, 1440, 'Limit', 'LIMIT_REACHED');
    const i = input({ resources: { a: { blocks: [limit] } }, requirements: [[1, [['a', 0]]]], starts: [600], serviceBlocks: [limit], earliest: 700 });
    expect(explainStart(i, 610 * M)).toMatchObject({ blocker: 'not-a-start-time', rules: [limit] });
    const early = explainStart(i, 600 * M);
    expect(early).toMatchObject({ bookable: false, blocker: 'outside-notice-window', rules: [limit] });
    // The candidate could not serve even inside the window, so the rule is its blocker.
    expect(early.requirements[0]!.candidates[0]).toMatchObject({ canServe: false, blocker: 'rule', rule: limit });
  });

  it('leaves a candidate free of its blocks at their bounds, and of empty blocks', () => {
    const blocks = [block('start', 540, 600), block('appointment', 720, 800), block('appointment', 630, 630), block('start', 660, 660)];
    const i = input({ resources: { a: { blocks } }, requirements: [[1, [['a', 0]]]], starts: [600, 660] });
    for (const start of [600, 660]) expect(explainStart(i, start * M)).toMatchObject({ bookable: true, blocker: null, requirements: [{ candidates: [{ blocker: null, rule: null }] }] });
  });
});

describe('candidateReasons for rules', () => {
  const format = (ms: number) => `${String(Math.floor(ms / M / 60)).padStart(2, '0')}:${String((ms / M) % 60).padStart(2, '0')}`;
  const appointment = [600 * M, 660 * M] as const;
  const busy = [590 * M, 670 * M] as const;
  const workingDay: Layer = { layer: 'working', from: 480 * M, to: 1020 * M, reason: null };

  it('gives the rule itself as the reason, with its code and span', () => {
    expect(candidateReasons([workingDay], appointment, busy, 'rule', format, block('appointment', 660, 690, 'Room reset'))).toEqual([
      { code: 'GAP_RULE', message: 'Rule "Room reset" needs a gap (11:00 – 11:30 is kept clear)', from: 660 * M, to: 690 * M, ruleId: 'id-Room reset' },
    ]);
    expect(candidateReasons([workingDay], appointment, busy, 'rule', format, block('start', 0, 1440, 'Three a day', 'LIMIT_REACHED'))).toEqual([
      { code: 'LIMIT_REACHED', message: 'Rule "Three a day": limit reached (00:00 – 24:00)', from: 0, to: 1440 * M, ruleId: 'id-Three a day' },
    ]);
  });

  it('names the location whose opening hours close the time', () => {
    expect(candidateReasons([workingDay], appointment, busy, 'rule', format, block('appointment', 1320, 1440, 'Opening hours of Hall', 'LOCATION_CLOSED'))).toEqual([
      { code: 'LOCATION_CLOSED', message: 'Outside the opening hours (Opening hours of Hall): closed 22:00 – 24:00', from: 1320 * M, to: 1440 * M, ruleId: 'id-Opening hours of Hall' },
    ]);
  });
});

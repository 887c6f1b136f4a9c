// findSlots against the brute-force reference on thousands of random small instances: the same
// starts, scores and assignments (the tie-break is part of the contract), and every slot checked
// for validity on its own terms as well. Instances carry random rule blocks of both kinds, on
// resources and on the service, sometimes none.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet, type Interval } from '../../../server/src/engine/intervals.ts';
import { findSlotsByBruteForce } from '../../../server/src/engine/reference.ts';
import {
  PREFERRED_RESOURCE_BONUS,
  busyRange,
  explainStart,
  findSlots,
  type ResourceAvailability,
  type RuleBlock,
  type SearchInput,
  type Slot,
} from '../../../server/src/engine/search.ts';

const M = 60_000;
const GRID = 5; // minutes: every time in these instances is on a 5-minute grid over one day
const DAY = 1440 / GRID;

interface Shape {
  resourceCount: number;
  requirements: { min: number; max: number };
  candidates: number;
  quantity: number;
  starts: 'grid' | 'few';
}

const steps = (max: number) => fc.integer({ min: 0, max }).map((n) => n * GRID * M);

const freeTime = fc
  .array(fc.tuple(fc.integer({ min: 0, max: DAY }), fc.integer({ min: 0, max: 144 })), { maxLength: 6 })
  .map((pieces) => IntervalSet.from(pieces.map(([start, length]): Interval => [start * GRID * M, (start + length) * GRID * M])));

// Up to 3 hours long, empty ones included (they forbid nothing); on the grid, so starts and
// appointment ends often land exactly on a block's bounds.
const ruleBlock: fc.Arbitrary<RuleBlock> = fc.record({
  from: fc.integer({ min: -12, max: DAY }),
  length: fc.integer({ min: 0, max: 36 }),
  applies: fc.constantFrom('start' as const, 'appointment' as const),
  code: fc.constantFrom('GAP_RULE' as const, 'LIMIT_REACHED' as const),
  ruleId: fc.option(fc.constantFrom('rule-1', 'rule-2'), { nil: null }),
}).map(({ from, length, ...rest }) => ({ ...rest, from: from * GRID * M, to: (from + length) * GRID * M, ruleName: `Rule ${rest.ruleId ?? 'anonymous'}` }));

const ruleBlocks = fc.option(fc.array(ruleBlock, { maxLength: 3 }), { nil: undefined });

/** Whether a block forbids a slot, stated as in the search.ts header (a third statement besides the two solvers). */
function forbids(block: RuleBlock, start: number, end: number): boolean {
  if (block.applies === 'start') return block.from <= start && start < block.to;
  return block.from < block.to && block.from < end && start < block.to;
}

function instance(shape: Shape): fc.Arbitrary<SearchInput> {
  const ids = Array.from({ length: shape.resourceCount }, (_, i) => `r${i}`);
  const resource = fc.record({
    free: freeTime,
    bufferBeforeMs: steps(3),
    bufferAfterMs: steps(3),
    name: fc.option(fc.constantFrom('Ada', 'Bo'), { nil: undefined }),
    blocks: ruleBlocks,
  });
  const candidate = fc.record({ resourceId: fc.constantFrom(...ids, 'ghost'), weight: fc.integer({ min: -3, max: 3 }) });
  const requirement = fc.record({
    quantity: fc.integer({ min: 1, max: shape.quantity }),
    required: fc.boolean(),
    candidates: fc.array(candidate, { maxLength: shape.candidates }),
  });
  const starts = shape.starts === 'grid'
    ? fc.constantFrom(5, 10, 15, 30).map((step) => Array.from({ length: 1440 / step }, (_, k) => k * step * M))
    : fc.uniqueArray(fc.integer({ min: 0, max: DAY - 1 }), { minLength: 1, maxLength: 12 }).map((ks) => ks.map((k) => k * GRID * M));
  return fc
    .record({
      resources: fc.array(resource, { minLength: shape.resourceCount, maxLength: shape.resourceCount }),
      requirements: fc.array(requirement, { minLength: shape.requirements.min, maxLength: shape.requirements.max }),
      service: fc.record({ durationMs: fc.integer({ min: 1, max: 24 }).map((n) => n * GRID * M), bufferBeforeMs: steps(3), bufferAfterMs: steps(3) }),
      starts,
      now: steps(DAY / 4),
      earliestStart: steps(DAY / 2),
      latestStart: steps(DAY).map((t) => t + (DAY / 4) * GRID * M),
      preferred: fc.subarray(ids, { maxLength: 2 }),
      serviceBlocks: ruleBlocks,
    })
    .map(({ resources, requirements, preferred, serviceBlocks, ...rest }): SearchInput => ({
      ...rest,
      resources: new Map(resources.map(({ name, blocks, ...r }, i): [string, ResourceAvailability] => [ids[i]!, { ...r, ...(name === undefined ? {} : { name }), ...(blocks === undefined ? {} : { blocks }) }])),
      requirements: requirements.map((q, i) => ({ ...q, id: `q${i}`, name: `Requirement ${i}` })),
      preferredResourceIds: new Set(preferred),
      ...(serviceBlocks === undefined ? {} : { serviceBlocks }),
    }));
}

/** Checks a slot on its own terms, without either solver. */
function expectValid(input: SearchInput, slot: Slot): void {
  expect(input.starts).toContain(slot.start);
  expect(slot.start).toBeGreaterThanOrEqual(Math.max(input.now, input.earliestStart));
  expect(slot.start).toBeLessThanOrEqual(input.latestStart);
  expect(slot.end).toBe(slot.start + input.service.durationMs);
  expect(input.serviceBlocks?.filter((b) => forbids(b, slot.start, slot.end)) ?? []).toEqual([]);
  const used: string[] = [];
  let score = 0;
  input.requirements.forEach((requirement, q) => {
    const assignment = slot.assignments[q]!;
    expect(assignment.requirementId).toBe(requirement.id);
    const count = assignment.resourceIds.length;
    if (requirement.required) expect(count).toBe(requirement.quantity);
    else expect([0, requirement.quantity]).toContain(count);
    for (const id of assignment.resourceIds) {
      const resource = input.resources.get(id)!;
      const [busyStart, busyEnd] = busyRange(input.service, resource, slot.start);
      expect(resource.free.covers(busyStart, busyEnd)).toBe(true);
      expect(resource.blocks?.filter((b) => forbids(b, slot.start, slot.end)) ?? []).toEqual([]);
      const weight = Math.max(...requirement.candidates.filter((c) => c.resourceId === id).map((c) => c.weight));
      score += weight + (input.preferredResourceIds?.has(id) ? PREFERRED_RESOURCE_BONUS : 0);
      used.push(id);
    }
  });
  expect(new Set(used).size).toBe(used.length);
  expect(slot.score).toBe(score);
}

function check(input: SearchInput): void {
  const slots = findSlots(input);
  const reference = findSlotsByBruteForce(input);
  // Same starts, same best score, and the same assignment (the canonical tie-break).
  expect(slots.map((s) => s.start)).toEqual(reference.map((s) => s.start));
  expect(slots.map((s) => s.score)).toEqual(reference.map((s) => s.score));
  expect(slots).toEqual(reference);
  for (const slot of slots) expectValid(input, slot);
}

describe('findSlots matches the brute-force reference', () => {
  it('on 2,000 random instances: 1-3 requirements, 0-5 candidates from shared pools, quantity 1-2, full 5-30 minute grids', () => {
    fc.assert(
      fc.property(instance({ resourceCount: 6, requirements: { min: 1, max: 3 }, candidates: 5, quantity: 2, starts: 'grid' }), check),
      { numRuns: 2000 },
    );
  });

  it('on 1,000 denser instances that stress the matching: 2-4 requirements, quantity 1-3, 8 shared resources', () => {
    fc.assert(
      fc.property(instance({ resourceCount: 8, requirements: { min: 2, max: 4 }, candidates: 7, quantity: 3, starts: 'few' }), check),
      { numRuns: 1000 },
    );
  });

  it('explainStart agrees with findSlots on whether, and how, a start is offered', () => {
    fc.assert(
      fc.property(
        instance({ resourceCount: 6, requirements: { min: 1, max: 3 }, candidates: 5, quantity: 2, starts: 'few' }),
        fc.integer({ min: 0, max: DAY - 1 }),
        (input, k) => {
          const slots = findSlots(input);
          // Besides the grid and a random time: the starts just inside and outside every block, where an
          // off-by-one in the rules would show.
          const blocks = [...(input.serviceBlocks ?? []), ...[...input.resources.values()].flatMap((r) => r.blocks ?? [])];
          const edges = blocks.flatMap((b) => [b.from - input.service.durationMs, b.from, b.to].flatMap((t) => [t - GRID * M, t]));
          for (const start of new Set([...input.starts, k * GRID * M, ...edges])) {
            const explanation = explainStart(input, start);
            const offered = slots.find((s) => s.start === start) ?? null;
            expect(explanation.bookable).toBe(offered !== null);
            expect(explanation.slot).toEqual(offered);
            expect(explanation.blocker === null).toBe(offered !== null);
            if (explanation.blocker === 'requirement-unmet') {
              expect(explanation.requirements.some((q) => q.required && !q.met)).toBe(true);
            }
            const end = start + input.service.durationMs;
            expect(explanation.rules).toEqual(input.serviceBlocks?.filter((b) => forbids(b, start, end)) ?? []);
            if (explanation.blocker === 'rule') expect(explanation.rules.length).toBeGreaterThan(0);
            for (const candidate of explanation.requirements.flatMap((q) => q.candidates)) {
              const blocks = input.resources.get(candidate.resourceId)?.blocks ?? [];
              // The first forbidding block, exactly when nothing else already stops the candidate.
              expect(candidate.rule).toBe(candidate.blocker === 'rule' ? blocks.find((b) => forbids(b, start, end)) : null);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

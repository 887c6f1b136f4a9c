import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { wallClockStarts } from '../../../server/src/engine/grid.ts';
import { IntervalSet, type Interval } from '../../../server/src/engine/intervals.ts';
import { findSlotsByBruteForce } from '../../../server/src/engine/reference.ts';
import {
  PREFERRED_RESOURCE_BONUS,
  busyRange,
  explainStart,
  findSlots,
  type ResourceAvailability,
  type SearchInput,
  type SearchRequirement,
} from '../../../server/src/engine/search.ts';

// Times in these tests are minutes after an arbitrary day's 00:00 UTC, scaled to ms.
const M = 60_000;
const minutes = (...intervals: [number, number][]): Interval[] => intervals.map(([s, e]) => [s * M, e * M]);

interface ResourceSpec {
  free: [number, number][];
  before?: number;
  after?: number;
  name?: string;
  working?: [number, number][];
}

function input(options: {
  resources: Record<string, ResourceSpec>;
  requirements: (Omit<SearchRequirement, 'name' | 'candidates'> & { candidates: [string, number][] })[];
  duration?: number;
  before?: number;
  after?: number;
  starts?: number[];
  now?: number;
  earliest?: number;
  latest?: number;
  preferred?: string[];
}): SearchInput {
  const resources = new Map<string, ResourceAvailability>();
  for (const [id, spec] of Object.entries(options.resources)) {
    resources.set(id, {
      free: IntervalSet.from(minutes(...spec.free)),
      bufferBeforeMs: (spec.before ?? 0) * M,
      bufferAfterMs: (spec.after ?? 0) * M,
      ...(spec.name === undefined ? {} : { name: spec.name }),
      ...(spec.working === undefined ? {} : { working: IntervalSet.from(minutes(...spec.working)) }),
    });
  }
  return {
    service: { durationMs: (options.duration ?? 60) * M, bufferBeforeMs: (options.before ?? 0) * M, bufferAfterMs: (options.after ?? 0) * M },
    requirements: options.requirements.map((q) => ({ ...q, name: q.id, candidates: q.candidates.map(([resourceId, weight]) => ({ resourceId, weight })) })),
    resources,
    starts: (options.starts ?? Array.from({ length: 96 }, (_, k) => k * 15)).map((m) => m * M),
    now: (options.now ?? -10_000) * M,
    earliestStart: (options.earliest ?? -10_000) * M,
    latestStart: (options.latest ?? 10_000) * M,
    ...(options.preferred ? { preferredResourceIds: new Set(options.preferred) } : {}),
  };
}

const startMinutes = (i: SearchInput) => findSlots(i).map((s) => s.start / M);
const pick = (i: SearchInput, startMinute: number) => findSlots(i).find((s) => s.start === startMinute * M)?.assignments.map((a) => a.resourceIds);

describe('findSlots, one requirement (the SQL available_slots semantics)', () => {
  const practitioner = (candidates: [string, number][]) => ({ id: 'q', quantity: 1, required: true, candidates });

  it('offers the starts where the whole appointment fits in one free interval', () => {
    const i = input({ resources: { a: { free: [[540, 720]] } }, requirements: [practitioner([['a', 0]])] });
    expect(startMinutes(i)).toEqual([540, 555, 570, 585, 600, 615, 630, 645, 660]);
    expect(findSlots(i)[0]).toEqual({ start: 540 * M, end: 600 * M, score: 0, assignments: [{ requirementId: 'q', resourceIds: ['a'] }] });
  });

  it('needs service and resource buffers inside free time too', () => {
    // busy range = [s - (10 + 5), s + 60 + 20 + 10)
    const i = input({ resources: { a: { free: [[540, 720]], before: 5, after: 10 } }, requirements: [practitioner([['a', 0]])], before: 10, after: 20 });
    expect(startMinutes(i)).toEqual([555, 570, 585, 600, 615, 630]);
    expect(busyRange(i.service, i.resources.get('a')!, 555 * M)).toEqual([540 * M, 645 * M]);
  });

  it('covers a busy range spanning two adjacent free intervals (merged by IntervalSet.from)', () => {
    const i = input({ resources: { a: { free: [[540, 600], [600, 660]] } }, requirements: [practitioner([['a', 0]])] });
    expect(startMinutes(i)).toEqual([540, 555, 570, 585, 600]);
  });

  it('names the best candidate: weight, then name, then id', () => {
    const free: [number, number][] = [[0, 1440]];
    const starts = [600];
    expect(pick(input({ starts, resources: { a: { free }, b: { free } }, requirements: [practitioner([['a', 1], ['b', 2]])] }), 600)).toEqual([['b']]);
    expect(pick(input({ starts, resources: { a: { free, name: 'Zed' }, b: { free, name: 'Amy' } }, requirements: [practitioner([['a', 0], ['b', 0]])] }), 600)).toEqual([['b']]);
    expect(pick(input({ starts, resources: { b: { free }, a: { free } }, requirements: [practitioner([['b', 0], ['a', 0]])] }), 600)).toEqual([['a']]);
  });

  it('keeps to the notice window, inclusive at both ends, and never starts before now', () => {
    const base = { resources: { a: { free: [[0, 1440]] as [number, number][] } }, requirements: [practitioner([['a', 0]])], starts: [540, 555, 570, 585, 600] };
    expect(startMinutes(input({ ...base, earliest: 555, latest: 585 }))).toEqual([555, 570, 585]);
    expect(startMinutes(input({ ...base, now: 570, earliest: 555 }))).toEqual([570, 585, 600]);
  });

  it('has no slots for a required requirement with no candidates, or only unknown ones', () => {
    expect(findSlots(input({ resources: { a: { free: [[0, 1440]] } }, requirements: [practitioner([])] }))).toEqual([]);
    expect(findSlots(input({ resources: {}, requirements: [practitioner([['ghost', 5]])] }))).toEqual([]);
  });

  it('treats unsorted or repeated starts as a set', () => {
    const i = input({ resources: { a: { free: [[0, 1440]] } }, requirements: [practitioner([['a', 0]])], starts: [600, 540, 600, 570] });
    expect(startMinutes(i)).toEqual([540, 570, 600]);
  });

  it('rejects a non-positive quantity', () => {
    expect(() => findSlots(input({ resources: {}, requirements: [{ id: 'q', quantity: 0, required: true, candidates: [] }] }))).toThrow(RangeError);
  });
});

describe('findSlots, many requirements', () => {
  const everywhere: [number, number][] = [[0, 1440]];

  it('assigns distinct resources where greedy assignment would fail', () => {
    // Greedy gives x to "first" (weight 10) and then "second" has nothing; matching gives y to first.
    const i = input({
      starts: [600],
      resources: { x: { free: everywhere }, y: { free: everywhere } },
      requirements: [
        { id: 'first', quantity: 1, required: true, candidates: [['x', 10], ['y', 0]] },
        { id: 'second', quantity: 1, required: true, candidates: [['x', 0]] },
      ],
    });
    expect(findSlots(i)).toEqual([{ start: 600 * M, end: 660 * M, score: 0, assignments: [{ requirementId: 'first', resourceIds: ['y'] }, { requirementId: 'second', resourceIds: ['x'] }] }]);
  });

  it('fails a start when overlapping pools have too few distinct resources, and explains it', () => {
    const i = input({
      starts: [600],
      resources: { x: { free: everywhere }, y: { free: everywhere } },
      requirements: [
        { id: 'pair', quantity: 2, required: true, candidates: [['x', 0], ['y', 0]] },
        { id: 'one', quantity: 1, required: true, candidates: [['y', 0]] },
      ],
    });
    expect(findSlots(i)).toEqual([]);
    expect(explainStart(i, 600 * M)).toMatchObject({ bookable: false, blocker: 'resource-conflict', slot: null });
  });

  it('maximises the total weight over all requirements, with quantities', () => {
    const i = input({
      starts: [600],
      resources: { a: { free: everywhere }, b: { free: everywhere }, c: { free: everywhere }, d: { free: everywhere } },
      requirements: [
        { id: 'two', quantity: 2, required: true, candidates: [['a', 5], ['b', 4], ['c', 3], ['d', 0]] },
        { id: 'one', quantity: 1, required: true, candidates: [['a', 9], ['b', 1]] },
      ],
    });
    // a to "one" (9) + b, c to "two" (7) = 16 beats b to "one" (1) + a, c to "two" (8) = 9.
    expect(findSlots(i)[0]).toMatchObject({ score: 16, assignments: [{ resourceIds: ['b', 'c'] }, { resourceIds: ['a'] }] });
  });

  it('adds the preferred-resource bonus', () => {
    const i = input({
      starts: [600],
      resources: { a: { free: everywhere }, b: { free: everywhere } },
      requirements: [{ id: 'q', quantity: 1, required: true, candidates: [['a', 50], ['b', -10]] }],
      preferred: ['b'],
    });
    expect(findSlots(i)[0]).toMatchObject({ score: PREFERRED_RESOURCE_BONUS - 10, assignments: [{ resourceIds: ['b'] }] });
  });

  it('fills optional requirements when possible, and never lets them block a start', () => {
    const i = input({
      starts: [540, 600],
      resources: { p: { free: everywhere }, assistant: { free: [[600, 700]] } },
      requirements: [
        { id: 'practitioner', quantity: 1, required: true, candidates: [['p', 0]] },
        { id: 'assistant', quantity: 1, required: false, candidates: [['assistant', 0]] },
      ],
    });
    expect(findSlots(i).map((s) => s.assignments.map((a) => a.resourceIds))).toEqual([[['p'], []], [['p'], ['assistant']]]);
  });

  it('prefers filling an optional requirement over a higher weight for a required one', () => {
    const i = input({
      starts: [600],
      resources: { x: { free: everywhere }, y: { free: everywhere } },
      requirements: [
        { id: 'required', quantity: 1, required: true, candidates: [['x', 50], ['y', 0]] },
        { id: 'optional', quantity: 1, required: false, candidates: [['x', 0]] },
      ],
    });
    expect(pick(i, 600)).toEqual([['y'], ['x']]);
  });

  it('fills an optional requirement all or nothing', () => {
    const i = input({
      starts: [600],
      resources: { x: { free: everywhere } },
      requirements: [{ id: 'two helpers', quantity: 2, required: false, candidates: [['x', 3]] }],
    });
    expect(findSlots(i)[0]).toMatchObject({ score: 0, assignments: [{ resourceIds: [] }] });
  });

  it('an optional requirement with no candidates leaves every start open', () => {
    const i = input({ starts: [600], resources: {}, requirements: [{ id: 'extra', quantity: 1, required: false, candidates: [] }] });
    expect(findSlots(i)).toEqual([{ start: 600 * M, end: 660 * M, score: 0, assignments: [{ requirementId: 'extra', resourceIds: [] }] }]);
  });

  it('agrees with the brute-force reference on a DST-crossing window', () => {
    const zone = 'America/New_York';
    const window: Interval = [
      Temporal.PlainDate.from('2025-03-08').toZonedDateTime(zone).epochMilliseconds,
      Temporal.PlainDate.from('2025-03-11').toZonedDateTime(zone).epochMilliseconds,
    ];
    const day = (date: string, from: string, to: string): Interval => [
      Temporal.PlainDateTime.from(`${date}T${from}`).toZonedDateTime(zone).epochMilliseconds,
      Temporal.PlainDateTime.from(`${date}T${to}`).toZonedDateTime(zone).epochMilliseconds,
    ];
    // Free 01:00-06:00 local each day: on the 9th that is only 4 hours (02:00-03:00 does not exist).
    const free = IntervalSet.from(['2025-03-08', '2025-03-09', '2025-03-10'].map((d) => day(d, '01:00', '06:00')));
    const resource = { free, bufferBeforeMs: 0, bufferAfterMs: 0 };
    const i: SearchInput = {
      service: { durationMs: 60 * M, bufferBeforeMs: 0, bufferAfterMs: 0 },
      requirements: [{ id: 'q', name: 'Room', quantity: 1, required: true, candidates: [{ resourceId: 'r', weight: 0 }] }],
      resources: new Map([['r', resource]]),
      starts: wallClockStarts(window, zone, 30),
      now: window[0],
      earliestStart: window[0],
      latestStart: window[1],
    };
    const slots = findSlots(i);
    expect(slots).toEqual(findSlotsByBruteForce(i));
    const perDay = (date: string) => slots.filter((s) => Temporal.Instant.fromEpochMilliseconds(s.start).toZonedDateTimeISO(zone).toPlainDate().toString() === date).length;
    expect([perDay('2025-03-08'), perDay('2025-03-09'), perDay('2025-03-10')]).toEqual([9, 7, 9]); // 01:00..05:00; on the 9th 01:00, 01:30, 03:00..05:00
  });
});

describe('explainStart', () => {
  const requirement = (candidates: [string, number][]) => [{ id: 'q', quantity: 1, required: true, candidates }];

  it('tells buffer, busy, working hours, unknown and serving candidates apart', () => {
    const i = input({
      starts: [600],
      before: 10,
      resources: {
        serves: { free: [[0, 1440]] },
        buffer: { free: [[600, 700]] }, // the appointment fits, the 10-minute set-up does not
        busy: { free: [[0, 620]], working: [[0, 1440]] },
        off: { free: [[0, 620]], working: [[0, 620]] },
        opaque: { free: [[0, 620]] },
      },
      requirements: requirement([['serves', 0], ['buffer', 0], ['busy', 0], ['off', 0], ['opaque', 0], ['ghost', 0]]),
    });
    const explanation = explainStart(i, 600 * M);
    expect(explanation.bookable).toBe(true);
    expect(explanation.blocker).toBeNull();
    expect(explanation.slot).toEqual(findSlots(i)[0]);
    expect(explanation.requirements[0]!.candidates.map((c) => [c.resourceId, c.canServe, c.blocker])).toEqual([
      ['serves', true, null],
      ['buffer', false, 'buffer'],
      ['busy', false, 'busy'],
      ['off', false, 'no-working-hours'],
      ['opaque', false, 'unavailable'],
      ['ghost', false, 'unknown-resource'],
    ]);
  });

  it('reports starts off the grid, outside the notice window, and unmet requirements', () => {
    const base = { starts: [540, 600], resources: { a: { free: [[600, 700]] as [number, number][] } }, requirements: requirement([['a', 0]]) };
    expect(explainStart(input(base), 570 * M).blocker).toBe('not-a-start-time');
    const early = explainStart(input({ ...base, earliest: 610 }), 600 * M);
    expect(early).toMatchObject({ bookable: false, blocker: 'outside-notice-window' });
    expect(early.requirements[0]!.candidates[0]).toMatchObject({ canServe: false, blocker: 'outside-notice-window' });
    const unmet = explainStart(input(base), 540 * M);
    expect(unmet).toMatchObject({ bookable: false, blocker: 'requirement-unmet' });
    expect(unmet.requirements[0]).toMatchObject({ met: false });
  });
});

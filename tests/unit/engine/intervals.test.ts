import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet, IntervalTree, type Entry, type Interval } from '../../../server/src/engine/intervals.ts';

const set = (...intervals: Interval[]) => IntervalSet.from(intervals);

describe('IntervalSet.from', () => {
  it('sorts, merges overlapping and adjacent intervals, and drops empty ones', () => {
    expect(set([30, 40], [0, 10], [5, 12], [12, 20], [25, 25], [50, 45]).toArray()).toEqual([[0, 20], [30, 40]]);
  });

  it('keeps a gap of any size between intervals', () => {
    expect(set([0, 10], [11, 20]).toArray()).toEqual([[0, 10], [11, 20]]);
  });

  it('merges contained intervals into their container', () => {
    expect(set([0, 100], [10, 20], [30, 40]).toArray()).toEqual([[0, 100]]);
  });

  it('is empty for no intervals or only empty ones', () => {
    expect(set().size).toBe(0);
    expect(set([5, 5], [7, 3]).isEmpty).toBe(true);
    expect(set([5, 5]).toArray()).toEqual([]);
  });

  it('reports size, total length and index accessors', () => {
    const s = set([0, 10], [20, 25]);
    expect(s.size).toBe(2);
    expect(s.totalMs).toBe(15);
    expect([s.startAt(1), s.endAt(1)]).toEqual([20, 25]);
  });

  it('fromNormalised accepts normalised input and rejects anything else', () => {
    expect(IntervalSet.fromNormalised([[0, 5], [6, 9]]).toArray()).toEqual([[0, 5], [6, 9]]);
    expect(() => IntervalSet.fromNormalised([[0, 5], [5, 9]])).toThrow(RangeError); // adjacent
    expect(() => IntervalSet.fromNormalised([[6, 9], [0, 5]])).toThrow(RangeError); // unsorted
    expect(() => IntervalSet.fromNormalised([[0, 0]])).toThrow(RangeError); // empty
  });

  it('cannot be changed through toArray', () => {
    const s = set([0, 10]);
    const copy = s.toArray();
    (copy as [number, number][])[0]![1] = 99;
    expect(s.toArray()).toEqual([[0, 10]]);
  });
});

describe('IntervalSet algebra', () => {
  const a = set([0, 10], [20, 30], [40, 50]);
  const b = set([5, 25], [30, 40], [60, 70]);

  it('union merges overlaps and the adjacency it creates', () => {
    expect(a.union(b).toArray()).toEqual([[0, 50], [60, 70]]);
    expect(a.union(IntervalSet.empty)).toBe(a);
    expect(IntervalSet.empty.union(b)).toBe(b);
  });

  it('intersect keeps common time; touching intervals share nothing', () => {
    expect(a.intersect(b).toArray()).toEqual([[5, 10], [20, 25]]);
    expect(set([0, 10]).intersect(set([10, 20])).isEmpty).toBe(true);
    expect(set([0, 100]).intersect(set([10, 20], [30, 40])).toArray()).toEqual([[10, 20], [30, 40]]);
    expect(a.intersect(IntervalSet.empty).isEmpty).toBe(true);
  });

  it('subtract removes time, splitting intervals around contained removals', () => {
    expect(a.subtract(b).toArray()).toEqual([[0, 5], [25, 30], [40, 50]]);
    expect(set([0, 100]).subtract(set([10, 20], [30, 40])).toArray()).toEqual([[0, 10], [20, 30], [40, 100]]);
    expect(set([10, 20]).subtract(set([0, 100])).isEmpty).toBe(true);
    expect(set([0, 10]).subtract(set([10, 20])).toArray()).toEqual([[0, 10]]);
    expect(set([0, 10], [20, 30]).subtract(set([5, 25])).toArray()).toEqual([[0, 5], [25, 30]]);
  });

  it('equals compares contents', () => {
    expect(set([0, 5], [5, 10]).equals(set([0, 10]))).toBe(true);
    expect(set([0, 5]).equals(set([0, 6]))).toBe(false);
  });
});

describe('IntervalSet queries', () => {
  const free = set([0, 10], [20, 30]);

  it('covers a range inside one interval, including one ending exactly at its end', () => {
    expect(free.covers(0, 10)).toBe(true);
    expect(free.covers(2, 8)).toBe(true);
    expect(free.covers(20, 30)).toBe(true);
    expect(free.covers(25, 31)).toBe(false);
    expect(free.covers(-1, 5)).toBe(false);
    expect(free.covers(5, 25)).toBe(false); // spans the gap
    expect(free.covers(10, 20)).toBe(false);
    expect(free.covers(40, 50)).toBe(false);
  });

  it('covers a range spanning intervals that were adjacent in the input, because from merged them', () => {
    expect(set([0, 10], [10, 20]).covers(5, 15)).toBe(true);
  });

  it('treats an empty range as covered and as overlapping nothing (as Postgres ranges)', () => {
    expect(free.covers(15, 15)).toBe(true);
    expect(IntervalSet.empty.covers(3, 3)).toBe(true);
    expect(free.overlaps(5, 5)).toBe(false);
  });

  it('overlaps is half-open: touching is not overlapping', () => {
    expect(free.overlaps(10, 20)).toBe(false);
    expect(free.overlaps(9, 20)).toBe(true);
    expect(free.overlaps(10, 21)).toBe(true);
    expect(free.overlaps(-5, 0)).toBe(false);
    expect(free.overlaps(-5, 1)).toBe(true);
    expect(free.overlaps(30, 40)).toBe(false);
    expect(free.overlaps(22, 23)).toBe(true);
    expect(free.overlaps(-10, 100)).toBe(true);
    expect(IntervalSet.empty.overlaps(0, 1)).toBe(false);
  });

  it('finds the free interval containing an instant', () => {
    expect(free.freeIntervalContaining(0)).toEqual([0, 10]);
    expect(free.freeIntervalContaining(9.5)).toEqual([0, 10]);
    expect(free.freeIntervalContaining(10)).toBeUndefined();
    expect(free.freeIntervalContaining(29)).toEqual([20, 30]);
    expect(free.freeIntervalContaining(-1)).toBeUndefined();
    expect(free.contains(20)).toBe(true);
    expect(free.indexContaining(25)).toBe(1);
  });

  it('finds the first interval ending after an instant', () => {
    expect(free.firstEndingAfter(-5)).toBe(0);
    expect(free.firstEndingAfter(10)).toBe(1);
    expect(free.firstEndingAfter(30)).toBe(2);
  });
});

// Model: a set of integer points 0..99 (each point p stands for [p, p + 1)).
const MODEL_SIZE = 100;
const rawIntervals = fc.array(fc.tuple(fc.integer({ min: 0, max: MODEL_SIZE }), fc.integer({ min: 0, max: MODEL_SIZE })), { maxLength: 8 });
const toModel = (intervals: readonly Interval[]): boolean[] =>
  Array.from({ length: MODEL_SIZE }, (_, p) => intervals.some(([s, e]) => s <= p && p < e));
const fromModel = (points: boolean[]): Interval[] => {
  const out: [number, number][] = [];
  points.forEach((on, p) => {
    if (!on) return;
    const last = out[out.length - 1];
    if (last && last[1] === p) last[1] = p + 1;
    else out.push([p, p + 1]);
  });
  return out;
};

describe('IntervalSet properties (against a point model)', () => {
  it('from, union, intersect and subtract agree with set operations on points', () => {
    fc.assert(
      fc.property(rawIntervals, rawIntervals, (x, y) => {
        const [mx, my] = [toModel(x), toModel(y)];
        const [sx, sy] = [IntervalSet.from(x), IntervalSet.from(y)];
        expect(sx.toArray()).toEqual(fromModel(mx));
        expect(sx.union(sy).toArray()).toEqual(fromModel(mx.map((v, i) => v || my[i]!)));
        expect(sx.intersect(sy).toArray()).toEqual(fromModel(mx.map((v, i) => v && my[i]!)));
        expect(sx.subtract(sy).toArray()).toEqual(fromModel(mx.map((v, i) => v && !my[i]!)));
      }),
      { numRuns: 1000 },
    );
  });

  it('covers and overlaps agree with the point model', () => {
    fc.assert(
      fc.property(rawIntervals, fc.integer({ min: -2, max: MODEL_SIZE + 2 }), fc.integer({ min: 0, max: 30 }), (x, start, length) => {
        const s = IntervalSet.from(x);
        const m = toModel(x);
        const points = Array.from({ length }, (_, i) => start + i);
        const at = (p: number) => p >= 0 && p < MODEL_SIZE && m[p]!;
        expect(s.covers(start, start + length)).toBe(points.every(at));
        expect(s.overlaps(start, start + length)).toBe(points.some(at));
        const containing = s.freeIntervalContaining(start);
        expect(containing !== undefined).toBe(at(start));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('IntervalTree', () => {
  const entries: Entry<string>[] = [
    { start: 0, end: 10, value: 'a' },
    { start: 5, end: 15, value: 'b' },
    { start: 10, end: 20, value: 'c' }, // adjacent to a
    { start: 2, end: 3, value: 'd' }, // inside a
    { start: 0, end: 100, value: 'e' }, // contains everything
    { start: 50, end: 50, value: 'empty' },
    { start: 5, end: 15, value: 'b2' }, // duplicate range
  ];
  const tree = new IntervalTree(entries);
  const values = (found: Entry<string>[]) => found.map((e) => e.value).sort();

  it('drops empty entries', () => {
    expect(tree.size).toBe(6);
    expect(values(tree.overlapping(49, 51))).toEqual(['e']);
  });

  it('reports every overlapping entry, half-open', () => {
    expect(values(tree.overlapping(10, 11))).toEqual(['b', 'b2', 'c', 'e']); // a ends at 10
    expect(values(tree.overlapping(2, 3))).toEqual(['a', 'd', 'e']);
    expect(values(tree.overlapping(-5, 0))).toEqual([]);
    expect(values(tree.overlapping(20, 30))).toEqual(['e']);
    expect(values(tree.overlapping(100, 200))).toEqual([]);
    expect(values(tree.overlapping(-5, 200))).toEqual(['a', 'b', 'b2', 'c', 'd', 'e']);
  });

  it('finds entries containing an instant', () => {
    expect(values(tree.containing(10))).toEqual(['b', 'b2', 'c', 'e']);
    expect(values(tree.containing(100))).toEqual([]);
  });

  it('answers anyOverlap, false for empty queries and empty trees', () => {
    expect(tree.anyOverlap(99, 100)).toBe(true);
    expect(tree.anyOverlap(100, 101)).toBe(false);
    expect(tree.anyOverlap(5, 5)).toBe(false);
    expect(new IntervalTree<string>([]).anyOverlap(0, 10)).toBe(false);
    const allocations = IntervalTree.fromIntervals([[0, 10], [20, 30]]);
    expect(allocations.anyOverlap(10, 20)).toBe(false); // fits exactly between two bookings
    expect(allocations.anyOverlap(10, 21)).toBe(true);
    expect(allocations.overlapping(25, 26).map((e) => e.value)).toEqual([[20, 30]]);
  });

  it('agrees with a linear scan on random overlapping entries', () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 60 })).map(([start, length]) => ({ start, end: start + length }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.integer({ min: -10, max: 270 }), fc.integer({ min: 0, max: 50 }), (raw, start, length) => {
        const all = raw.map((e, i) => ({ ...e, value: i }));
        const t = new IntervalTree(all);
        const end = start + length;
        const expected = all.filter((e) => e.start < end && start < e.end && e.start < e.end && start < end).map((e) => e.value).sort((p, q) => p - q);
        expect(t.overlapping(start, end).map((e) => e.value).sort((p, q) => p - q)).toEqual(expected);
        expect(t.anyOverlap(start, end)).toBe(expected.length > 0);
        const stabbed = all.filter((e) => e.start <= start && start < e.end).map((e) => e.value).sort((p, q) => p - q);
        expect(t.containing(start).map((e) => e.value).sort((p, q) => p - q)).toEqual(stabbed);
      }),
      { numRuns: 1000 },
    );
  });
});

// Half-open intervals over epoch milliseconds, the TypeScript twin of Postgres' tstzrange '[)' and
// tstzmultirange: an interval [start, end) contains start and not end, so [a, b) and [b, c) touch
// without overlapping, and an interval with start >= end is empty (contains nothing, overlaps nothing).

/** A half-open interval [start, end) of epoch milliseconds. */
export type Interval = readonly [start: number, end: number];

/**
 * An immutable set of instants, stored as disjoint, sorted, merged intervals (like a tstzmultirange).
 * Adjacent intervals are merged too, so a range spanning [a, b) and [b, c) is covered by [a, c): a
 * booking may straddle the point where two working-hour blocks meet.
 */
// The only way to wrap arrays without copying, kept module-private so no caller can hold (and mutate) them.
let wrap!: (starts: Float64Array, ends: Float64Array) => IntervalSet;

export class IntervalSet {
  static {
    wrap = (starts, ends) => (starts.length === 0 ? IntervalSet.empty : new IntervalSet(starts, ends));
  }

  static readonly empty = new IntervalSet(new Float64Array(0), new Float64Array(0));

  // Parallel typed arrays: epoch ms are not small integers, so a plain array would box each one.
  private constructor(
    private readonly starts: Float64Array,
    private readonly ends: Float64Array,
  ) {}

  /** Normalises any intervals: sorts them, merges overlapping and adjacent ones, drops empty ones. */
  static from(intervals: Iterable<Interval>): IntervalSet {
    const nonEmpty: Interval[] = [];
    for (const interval of intervals) {
      if (interval[0] < interval[1]) nonEmpty.push(interval);
    }
    if (nonEmpty.length === 0) return IntervalSet.empty;
    nonEmpty.sort((a, b) => a[0] - b[0]);
    const builder = new Builder(nonEmpty.length);
    for (const [start, end] of nonEmpty) builder.add(start, end);
    return builder.build();
  }

  /** The intervals of a set already disjoint, sorted and non-adjacent (checked: throws otherwise). */
  static fromNormalised(intervals: readonly Interval[]): IntervalSet {
    const starts = new Float64Array(intervals.length);
    const ends = new Float64Array(intervals.length);
    let previousEnd = -Infinity;
    intervals.forEach(([start, end], i) => {
      if (!(start < end) || !(start > previousEnd)) throw new RangeError(`Interval ${i} [${start}, ${end}) is empty, unsorted, overlapping or adjacent`);
      starts[i] = start;
      ends[i] = end;
      previousEnd = end;
    });
    return new IntervalSet(starts, ends);
  }

  /** How many disjoint intervals the set has. */
  get size(): number {
    return this.starts.length;
  }

  get isEmpty(): boolean {
    return this.starts.length === 0;
  }

  /** Start of the i-th interval (0 <= i < size), for sweeps that should not allocate tuples. */
  startAt(i: number): number {
    return this.starts[i]!;
  }

  /** End of the i-th interval (0 <= i < size). */
  endAt(i: number): number {
    return this.ends[i]!;
  }

  toArray(): Interval[] {
    return Array.from(this.starts, (start, i): Interval => [start, this.ends[i]!]);
  }

  /** Total length in milliseconds. */
  get totalMs(): number {
    let total = 0;
    for (let i = 0; i < this.starts.length; i++) total += this.ends[i]! - this.starts[i]!;
    return total;
  }

  /** Instants in either set. O(n + m). */
  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    const builder = new Builder(this.size + other.size);
    let i = 0;
    let j = 0;
    // Feed both sorted lists in start order; the builder merges overlaps and adjacency.
    while (i < this.size || j < other.size) {
      if (j >= other.size || (i < this.size && this.starts[i]! <= other.starts[j]!)) {
        builder.add(this.starts[i]!, this.ends[i]!);
        i++;
      } else {
        builder.add(other.starts[j]!, other.ends[j]!);
        j++;
      }
    }
    return builder.build();
  }

  /** Instants in both sets. O(n + m). */
  intersect(other: IntervalSet): IntervalSet {
    const builder = new Builder(this.size + other.size);
    let i = 0;
    let j = 0;
    while (i < this.size && j < other.size) {
      const start = Math.max(this.starts[i]!, other.starts[j]!);
      const end = Math.min(this.ends[i]!, other.ends[j]!);
      if (start < end) builder.add(start, end);
      // The interval ending first cannot meet anything later in the other list.
      if (this.ends[i]! < other.ends[j]!) i++;
      else j++;
    }
    return builder.build();
  }

  /** Instants in this set and not in the other (working time minus bookings). O(n + m). */
  subtract(other: IntervalSet): IntervalSet {
    if (other.isEmpty || this.isEmpty) return this;
    const builder = new Builder(this.size + other.size);
    let j = 0;
    for (let i = 0; i < this.size; i++) {
      let start = this.starts[i]!;
      const end = this.ends[i]!;
      // Skip removals that end before this interval begins; they cannot affect later ones either.
      while (j < other.size && other.ends[j]! <= start) j++;
      let k = j;
      while (k < other.size && other.starts[k]! < end) {
        if (other.starts[k]! > start) builder.add(start, other.starts[k]!);
        start = Math.max(start, other.ends[k]!);
        if (start >= end) break;
        k++;
      }
      if (start < end) builder.add(start, end);
    }
    return builder.build();
  }

  /**
   * Index of the interval containing instant t (start <= t < end), or -1. O(log n).
   * Intervals are disjoint and sorted, so only the last one starting at or before t can contain it.
   */
  indexContaining(t: number): number {
    const i = this.lastStartingAtOrBefore(t);
    return i >= 0 && t < this.ends[i]! ? i : -1;
  }

  /** Index of the first interval ending after t (the first that can matter from t on), or size. O(log n). */
  firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The free interval containing instant t, if any. O(log n). */
  freeIntervalContaining(t: number): Interval | undefined {
    const i = this.indexContaining(t);
    return i < 0 ? undefined : [this.starts[i]!, this.ends[i]!];
  }

  /**
   * Whether [start, end) lies inside one interval of the set, i.e. "free for the whole range".
   * An empty range is covered (as in Postgres, where a multirange contains 'empty'). O(log n).
   */
  covers(start: number, end: number): boolean {
    if (!(start < end)) return true;
    const i = this.lastStartingAtOrBefore(start);
    return i >= 0 && end <= this.ends[i]!;
  }

  /** Whether any instant of [start, end) is in the set. An empty range overlaps nothing. O(log n). */
  overlaps(start: number, end: number): boolean {
    if (!(start < end)) return false;
    // The last interval starting before `end` is the only one that can reach past `start`:
    // earlier ones end before it starts.
    const i = this.lastStartingBefore(end);
    return i >= 0 && this.ends[i]! > start;
  }

  /** Whether instant t is in the set. O(log n). */
  contains(t: number): boolean {
    return this.indexContaining(t) >= 0;
  }

  equals(other: IntervalSet): boolean {
    if (this.size !== other.size) return false;
    for (let i = 0; i < this.size; i++) {
      if (this.starts[i] !== other.starts[i] || this.ends[i] !== other.ends[i]) return false;
    }
    return true;
  }

  /** Largest i with starts[i] <= t, or -1. */
  private lastStartingAtOrBefore(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Largest i with starts[i] < t, or -1. */
  private lastStartingBefore(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

/** Appends non-empty intervals in start order, merging each with the previous when they overlap or touch. */
class Builder {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
  }

  add(start: number, end: number): void {
    const last = this.count - 1;
    if (last >= 0 && start <= this.ends[last]!) {
      if (end > this.ends[last]!) this.ends[last] = end;
      return;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  build(): IntervalSet {
    return wrap(this.starts.slice(0, this.count), this.ends.slice(0, this.count));
  }
}

/** An interval with something attached to it, e.g. the allocation that makes a resource busy. */
export interface Entry<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

interface CentreNode<T> {
  readonly centre: number;
  /** Entries containing the centre (start <= centre < end), by start ascending. */
  readonly byStart: readonly Entry<T>[];
  /** The same entries, by end descending. */
  readonly byEnd: readonly Entry<T>[];
  readonly left: CentreNode<T> | null;
  readonly right: CentreNode<T> | null;
}

/**
 * A static interval tree over possibly overlapping entries (allocations, holds, imported busy time).
 *
 * An entry overlaps [s, e) iff it contains s, or it starts inside (s, e); the two cases are disjoint.
 * A centred interval tree answers "contains s" in O(log n + k) (each node stores the entries that
 * contain its centre, sorted both ways, so a query reads exactly the matching prefix), and the
 * entries sorted by start answer "starts inside (s, e)" with a binary search in O(log n + k).
 * Built once in O(n log n); rebuild it rather than mutating (the data is per-search).
 * Empty entries (start >= end) are dropped: they overlap nothing, as an empty tstzrange.
 */
export class IntervalTree<T> {
  private readonly root: CentreNode<T> | null;
  private readonly sortedByStart: readonly Entry<T>[];

  constructor(entries: Iterable<Entry<T>>) {
    const nonEmpty: Entry<T>[] = [];
    for (const entry of entries) if (entry.start < entry.end) nonEmpty.push(entry);
    nonEmpty.sort((a, b) => a.start - b.start || a.end - b.end);
    this.sortedByStart = nonEmpty;
    this.root = IntervalTree.build(nonEmpty);
  }

  static fromIntervals(intervals: Iterable<Interval>): IntervalTree<Interval> {
    const entries: Entry<Interval>[] = [];
    for (const interval of intervals) entries.push({ start: interval[0], end: interval[1], value: interval });
    return new IntervalTree(entries);
  }

  get size(): number {
    return this.sortedByStart.length;
  }

  /** Every entry overlapping [start, end), in no particular order. O(log n + k). */
  overlapping(start: number, end: number): Entry<T>[] {
    const found: Entry<T>[] = [];
    if (!(start < end)) return found;
    this.stab(start, found);
    for (let i = this.firstStartingAfter(start); i < this.sortedByStart.length; i++) {
      const entry = this.sortedByStart[i]!;
      if (entry.start >= end) break;
      found.push(entry);
    }
    return found;
  }

  /** Whether any entry overlaps [start, end). O(log n): it stops at the first witness. */
  anyOverlap(start: number, end: number): boolean {
    if (!(start < end)) return false;
    const i = this.firstStartingAfter(start);
    if (i < this.sortedByStart.length && this.sortedByStart[i]!.start < end) return true;
    return this.stabsAny(start);
  }

  /** Entries containing instant t (start <= t < end). O(log n + k). */
  containing(t: number): Entry<T>[] {
    const found: Entry<T>[] = [];
    this.stab(t, found);
    return found;
  }

  private stab(t: number, found: Entry<T>[]): void {
    let node = this.root;
    while (node) {
      if (t < node.centre) {
        // Every entry here ends after the centre, hence after t; those starting by t contain it.
        for (const entry of node.byStart) {
          if (entry.start > t) break;
          found.push(entry);
        }
        node = node.left;
      } else {
        // Every entry here starts at or before the centre, hence by t; those ending after t contain it.
        for (const entry of node.byEnd) {
          if (entry.end <= t) break;
          found.push(entry);
        }
        node = node.right;
      }
    }
  }

  private stabsAny(t: number): boolean {
    let node = this.root;
    while (node) {
      if (t < node.centre) {
        const first = node.byStart[0];
        if (first && first.start <= t) return true;
        node = node.left;
      } else {
        const first = node.byEnd[0];
        if (first && first.end > t) return true;
        node = node.right;
      }
    }
    return false;
  }

  /** Smallest i with sortedByStart[i].start > t. */
  private firstStartingAfter(t: number): number {
    let lo = 0;
    let hi = this.sortedByStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedByStart[mid]!.start <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Centres are medians of the entries' starts, so each side gets at most half of the entries and the
   * depth is O(log n). `entries` is sorted by start, and the partitions below keep that order.
   */
  private static build<T>(entries: Entry<T>[]): CentreNode<T> | null {
    if (entries.length === 0) return null;
    const centre = entries[entries.length >>> 1]!.start;
    const left: Entry<T>[] = [];
    const here: Entry<T>[] = [];
    const right: Entry<T>[] = [];
    for (const entry of entries) {
      if (entry.end <= centre) left.push(entry);
      else if (entry.start > centre) right.push(entry);
      else here.push(entry);
    }
    return {
      centre,
      byStart: here,
      byEnd: [...here].sort((a, b) => b.end - a.end),
      left: IntervalTree.build(left),
      right: IntervalTree.build(right),
    };
  }
}

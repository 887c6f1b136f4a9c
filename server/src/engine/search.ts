// Multi-resource slot search: which start times can a service be booked at, and with which resources.
// The semantics are app_public.available_slots' (docs/adr/0010-availability-semantics.md), generalised
// from one required resource to many requirements:
// - resource r can serve start s iff r's free set covers its busy range
//   [s - (service.bufferBefore + r.bufferBefore), s + duration + service.bufferAfter + r.bufferAfter)
//   (set-up and turnover happen in free working time), and none of r's rule blocks forbids s;
// - a rule block [from, to) forbids s when applies = 'start' and from <= s < to, or when
//   applies = 'appointment' and the appointment [s, s + duration) meets [from, to) (buffers not
//   included); an empty block forbids nothing. Blocks are the business rules the database enforces
//   on booking (sequence gaps, limits), so nothing is offered that it would reject;
// - s is bookable iff s is one of the given grid starts, max(now, earliestStart) <= s <= latestStart,
//   no service block forbids s, and every required requirement gets `quantity` distinct resources
//   that can serve s, no resource serving two requirements (pools may overlap);
// - optional requirements are filled all-or-nothing from the resources the required ones leave, and
//   never block a start;
// - the assignment offered is the best by (number of optional requirements filled, score), where the
//   score sums the candidates' preference weights plus PREFERRED_RESOURCE_BONUS per preferred resource.
//   Ties go to the first assignment in canonical order: requirements as given, each one's resources
//   in rank order (effective weight descending, then resource name, then id, as the SQL's
//   "weight desc, name, id"), earlier-ranked resources first, filling an optional before skipping it.
//
// Algorithm and cost, for S starts, R distinct candidate resources with F free intervals in all, and
// P candidates over all requirements:
// 1. Sweep: the starts a resource can serve within one free interval [a, b) are exactly those in
//    [a + before, b - after], a contiguous run of the sorted starts; one merge of a resource's free
//    intervals with the starts finds every run. O(F + R·S) with the per-resource servable bitmaps.
//    Rules: the starts a block forbids are a contiguous range of the sorted starts too, found by
//    binary search and cleared from the resource's bitmap (whose runs are then re-read from it) or,
//    for a service block, from the live starts. O(B·log S + R·S) for B blocks.
// 2. Propagate: per required requirement, a difference array over those runs counts the servable
//    candidates of every start; starts with fewer than `quantity` are dropped, and so are starts where
//    all required pools together have fewer distinct servable resources than the total quantity
//    (Hall's condition on the union). O(F + Q·S) for Q requirements.
// 3. Assign, only on the surviving starts: a depth-first branch and bound over the requirements'
//    slots. Candidates are visited in rank order, so weights only fall along a requirement's list and
//    a branch stops at the first candidate whose optimistic bound (its weight + the best unused
//    weights of the remaining slots, ignoring distinctness) cannot beat the best found; forward
//    checking drops a branch as soon as a later required requirement has too few unused candidates.
//    Worst case exponential in the total quantity (all-different matching with ties), in practice
//    O(P) per start: the first descent is usually optimal and every sibling fails its bound at once.
// Times are integer epoch ms and durations positive (schema checks), so the index ranges are exact.
// Preference weights are integers (-100..100 in the schema), so scores are exact and ties are real.
import type { Interval, IntervalSet } from './intervals.ts';

/** Added to the score for each resource the customer asked for (outweighs any sum of preference weights). */
export const PREFERRED_RESOURCE_BONUS = 1000;

export interface ServiceTiming {
  durationMs: number;
  bufferBeforeMs: number;
  bufferAfterMs: number;
}

export interface RequirementCandidate {
  resourceId: string;
  weight: number;
}

export interface SearchRequirement {
  id: string;
  name: string;
  quantity: number;
  required: boolean;
  candidates: readonly RequirementCandidate[];
}

/** Codes of the business rules that can block a start (the GraphQL error codes of the matching DB errors). */
export type RuleCode = 'GAP_RULE' | 'LIMIT_REACHED' | 'LOCATION_CLOSED';

export interface RuleBlock {
  /** Half-open [from, to), epoch ms. */
  from: number;
  to: number;
  /** 'start': a start in [from, to) is forbidden; 'appointment': forbidden when the appointment [start, start + duration) intersects [from, to) (buffers not included). */
  applies: 'start' | 'appointment';
  code: RuleCode;
  ruleId: string | null;
  ruleName: string;
}

export interface ResourceAvailability {
  /** Free time: working time plus open overrides, minus closed overrides, allocations and holds. */
  free: IntervalSet;
  bufferBeforeMs: number;
  bufferAfterMs: number;
  /** Ranks equally weighted candidates (then the id), as the SQL orders by name. */
  name?: string;
  /** Working time before bookings and holds are removed; lets explainStart tell 'busy' from 'no-working-hours'. */
  working?: IntervalSet;
  /** Rules restricting this resource (e.g. a sequence gap after another service on it, a full day); any order, may overlap. */
  blocks?: readonly RuleBlock[];
}

export interface SearchInput {
  service: ServiceTiming;
  requirements: readonly SearchRequirement[];
  resources: ReadonlyMap<string, ResourceAvailability>;
  /** Candidate start instants (wallClockStarts of the window). */
  starts: readonly number[];
  now: number;
  /** The notice window, inclusive at both ends: earliestStart <= start <= latestStart. */
  earliestStart: number;
  latestStart: number;
  preferredResourceIds?: ReadonlySet<string>;
  /** Rules restricting the whole booking whatever its resources (service concurrency, customer limits). */
  serviceBlocks?: readonly RuleBlock[];
}

export interface Assignment {
  requirementId: string;
  /** In rank order; empty for an optional requirement left unfilled. */
  resourceIds: string[];
}

export interface Slot {
  start: number;
  end: number;
  score: number;
  /** One per requirement, in the input's order. */
  assignments: Assignment[];
}

/** The range a resource is busy for when it serves an appointment starting at `start`. */
export function busyRange(service: ServiceTiming, resource: Pick<ResourceAvailability, 'bufferBeforeMs' | 'bufferAfterMs'>, start: number): Interval {
  return [
    start - (service.bufferBeforeMs + resource.bufferBeforeMs),
    start + service.durationMs + service.bufferAfterMs + resource.bufferAfterMs,
  ];
}

/** Whether a rule block forbids an appointment of `durationMs` starting at `start` (the header's definition). */
function forbids(block: RuleBlock, durationMs: number, start: number): boolean {
  if (block.applies === 'start') return block.from <= start && start < block.to;
  return block.from < block.to && start < block.to && start + durationMs > block.from;
}

/** The notice window as inclusive bounds; nothing starts in the past even with a zero notice. */
export function noticeWindow(input: Pick<SearchInput, 'now' | 'earliestStart' | 'latestStart'>): { from: number; to: number } {
  return { from: Math.max(input.now, input.earliestStart), to: input.latestStart };
}

interface RankedCandidate {
  resourceIndex: number;
  resourceId: string;
  /** Preference weight plus the preferred bonus. */
  weight: number;
}

interface PreparedRequirement {
  id: string;
  required: boolean;
  quantity: number;
  /** Known resources only (an unknown one can never serve), best first, without duplicates. */
  ranked: RankedCandidate[];
}

interface PreparedResource {
  id: string;
  free: IntervalSet;
  /** How far the busy range reaches before the start and after it. */
  before: number;
  after: number;
  blocks: readonly RuleBlock[];
}

interface Prepared {
  requirements: PreparedRequirement[];
  resources: PreparedResource[];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function prepare(input: SearchInput): Prepared {
  const resources: PreparedResource[] = [];
  const indexOf = new Map<string, number>();
  const preferred = input.preferredResourceIds;
  const requirements = input.requirements.map((requirement): PreparedRequirement => {
    if (!Number.isInteger(requirement.quantity) || requirement.quantity < 1) {
      throw new RangeError(`Requirement ${requirement.id} has quantity ${requirement.quantity}; it must be a positive integer`);
    }
    // A resource listed twice in one pool counts once, with its better weight.
    const byResource = new Map<string, RankedCandidate & { name: string }>();
    for (const candidate of requirement.candidates) {
      const resource = input.resources.get(candidate.resourceId);
      if (!resource) continue;
      let resourceIndex = indexOf.get(candidate.resourceId);
      if (resourceIndex === undefined) {
        resourceIndex = resources.length;
        indexOf.set(candidate.resourceId, resourceIndex);
        resources.push({
          id: candidate.resourceId,
          free: resource.free,
          before: input.service.bufferBeforeMs + resource.bufferBeforeMs,
          after: input.service.durationMs + input.service.bufferAfterMs + resource.bufferAfterMs,
          blocks: resource.blocks ?? [],
        });
      }
      const weight = candidate.weight + (preferred?.has(candidate.resourceId) ? PREFERRED_RESOURCE_BONUS : 0);
      const seen = byResource.get(candidate.resourceId);
      if (!seen || weight > seen.weight) {
        byResource.set(candidate.resourceId, { resourceIndex, resourceId: candidate.resourceId, weight, name: resource.name ?? '' });
      }
    }
    const ranked = [...byResource.values()]
      .sort((a, b) => b.weight - a.weight || compareText(a.name, b.name) || compareText(a.resourceId, b.resourceId))
      .map(({ resourceIndex, resourceId, weight }) => ({ resourceIndex, resourceId, weight }));
    return { id: requirement.id, required: requirement.required, quantity: requirement.quantity, ranked };
  });
  return { requirements, resources };
}

/** The grid starts inside the notice window, sorted and without duplicates. */
function startsInWindow(input: SearchInput): Float64Array {
  const { from, to } = noticeWindow(input);
  const kept: number[] = [];
  let sorted = true;
  for (const start of input.starts) {
    if (!(start >= from && start <= to)) continue;
    if (kept.length > 0 && start <= kept[kept.length - 1]!) sorted = false;
    kept.push(start);
  }
  if (sorted) return Float64Array.from(kept);
  // wallClockStarts returns sorted, distinct starts; anything else is normalised rather than trusted.
  const distinct = Float64Array.from(new Set(kept));
  return distinct.sort();
}

/**
 * Runs of start indices [lo, hi) a resource can serve: one per free interval, found by a single
 * merge of the free intervals with the sorted starts (step 1 in the header).
 */
function servableRuns(resource: PreparedResource, starts: Float64Array): number[] {
  const runs: number[] = [];
  const count = starts.length;
  if (count === 0) return runs;
  const free = resource.free;
  let lo = 0;
  let hi = 0;
  // Intervals ending before the first start's busy range begins cannot serve any start.
  for (let i = free.firstEndingAfter(starts[0]! - resource.before); i < free.size; i++) {
    const earliest = free.startAt(i) + resource.before;
    const latest = free.endAt(i) - resource.after;
    if (earliest > starts[count - 1]!) break;
    while (lo < count && starts[lo]! < earliest) lo++;
    if (hi < lo) hi = lo;
    while (hi < count && starts[hi]! <= latest) hi++;
    if (lo < hi) runs.push(lo, hi);
  }
  return runs;
}

/** The first index whose start is at or after `value` (after it when `strictly`), or starts.length. */
function firstIndexFrom(starts: Float64Array, value: number, strictly: boolean): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strictly ? starts[mid]! > value : starts[mid]! >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The index range [lo, hi) of the sorted starts a block forbids: `forbids` as a range (step 1 in the header). */
function forbiddenRange(block: RuleBlock, durationMs: number, starts: Float64Array): [number, number] {
  if (!(block.from < block.to)) return [0, 0];
  // 'appointment': [s, s + duration) meets [from, to) iff from - duration < s < to.
  const lo = block.applies === 'start' ? firstIndexFrom(starts, block.from, false) : firstIndexFrom(starts, block.from - durationMs, true);
  return [lo, firstIndexFrom(starts, block.to, false)];
}

/** The runs of set entries [lo, hi) of a bitmap, as servableRuns returns them. */
function runsOf(bitmap: Uint8Array): number[] {
  const runs: number[] = [];
  let s = 0;
  while (s < bitmap.length) {
    while (s < bitmap.length && !bitmap[s]) s++;
    const lo = s;
    while (s < bitmap.length && bitmap[s]) s++;
    if (lo < s) runs.push(lo, s);
  }
  return runs;
}

/** Depth-first branch and bound over one start's assignments (step 3 in the header). */
class AssignmentSearch {
  private readonly requirementCount: number;
  /** Per requirement: the candidates that can serve the current start, in rank order. */
  private readonly available: Int32Array[];
  private readonly availableWeight: Float64Array[];
  private readonly availableCount: Int32Array;
  private readonly used: Uint8Array;
  /** Where each requirement's picks go in `chosen`: picks of requirement q at slotOffset[q].. */
  private readonly slotOffset: Int32Array;
  private readonly chosen: Int32Array;
  private readonly filled: Uint8Array;
  /** Optimistic (optional fills, score) of requirements q.. , written by the node at q - 1. */
  private readonly restScore: Float64Array;
  private readonly restOptional: Int32Array;
  private best: { score: number; optional: number; chosen: Int32Array; filled: Uint8Array } | null = null;

  constructor(private readonly requirements: PreparedRequirement[], resourceCount: number) {
    this.requirementCount = requirements.length;
    this.available = requirements.map((q) => new Int32Array(q.ranked.length));
    this.availableWeight = requirements.map((q) => new Float64Array(q.ranked.length));
    this.availableCount = new Int32Array(requirements.length);
    this.used = new Uint8Array(resourceCount);
    this.slotOffset = new Int32Array(requirements.length + 1);
    requirements.forEach((q, i) => {
      this.slotOffset[i + 1] = this.slotOffset[i]! + q.quantity;
    });
    this.chosen = new Int32Array(this.slotOffset[requirements.length]!);
    this.filled = new Uint8Array(requirements.length);
    this.restScore = new Float64Array(requirements.length + 1);
    this.restOptional = new Int32Array(requirements.length + 1);
  }

  /** The best assignment at one start, given which resources can serve it; null if there is none. */
  solve(servable: (resourceIndex: number) => boolean): { score: number; chosen: Int32Array; filled: Uint8Array } | null {
    for (let q = 0; q < this.requirementCount; q++) {
      const ranked = this.requirements[q]!.ranked;
      const available = this.available[q]!;
      const weights = this.availableWeight[q]!;
      let n = 0;
      for (const candidate of ranked) {
        if (!servable(candidate.resourceIndex)) continue;
        available[n] = candidate.resourceIndex;
        weights[n] = candidate.weight;
        n++;
      }
      this.availableCount[q] = n;
    }
    this.best = null;
    this.descend(0, 0, 0, 0, 0);
    return this.best;
  }

  /** Whether an outcome (optional fills, score) would beat the best so far: strictly, so the first best found wins ties. */
  private improves(optional: number, score: number): boolean {
    const best = this.best;
    if (!best) return true;
    return optional !== best.optional ? optional > best.optional : score > best.score;
  }

  /**
   * Optimistic outcome of requirements from..end given the resources in use: each takes its best
   * unused candidates as if no other requirement wanted them. False if a required one cannot be met.
   */
  private boundRest(from: number): boolean {
    let score = 0;
    let optional = 0;
    for (let q = from; q < this.requirementCount; q++) {
      const requirement = this.requirements[q]!;
      const available = this.available[q]!;
      const weights = this.availableWeight[q]!;
      const count = this.availableCount[q]!;
      let sum = 0;
      let got = 0;
      for (let p = 0; p < count && got < requirement.quantity; p++) {
        if (this.used[available[p]!]) continue;
        sum += weights[p]!;
        got++;
      }
      if (got < requirement.quantity) {
        if (requirement.required) return false;
      } else if (requirement.required) {
        score += sum;
      } else {
        // Skipping it instead gives one optional fill fewer, which loses to this bound whatever the score.
        optional++;
        score += sum;
      }
    }
    this.restScore[from] = score;
    this.restOptional[from] = optional;
    return true;
  }

  /** Picks the k-th resource of requirement q from its available candidates at position `from` on. */
  private descend(q: number, k: number, from: number, score: number, optional: number): void {
    if (q === this.requirementCount) {
      if (this.improves(optional, score)) {
        this.best = { score, optional, chosen: this.chosen.slice(), filled: this.filled.slice() };
      }
      return;
    }
    const requirement = this.requirements[q]!;
    if (k === requirement.quantity) {
      this.filled[q] = 1;
      this.descend(q + 1, 0, 0, score, optional + (requirement.required ? 0 : 1));
      return;
    }
    if (!this.boundRest(q + 1)) return;
    const restScore = this.restScore[q + 1]!;
    const optionalIfFilled = optional + this.restOptional[q + 1]! + (requirement.required ? 0 : 1);
    const available = this.available[q]!;
    const weights = this.availableWeight[q]!;
    const count = this.availableCount[q]!;
    const need = requirement.quantity - k;
    for (let p = from; p < count; p++) {
      const resource = available[p]!;
      if (this.used[resource]) continue;
      // Own bound: this weight plus the next best unused ones for the remaining picks. Both parts only
      // shrink as p advances (rank order), so the first failure ends the loop.
      let own = weights[p]!;
      let got = 1;
      for (let x = p + 1; x < count && got < need; x++) {
        if (this.used[available[x]!]) continue;
        own += weights[x]!;
        got++;
      }
      if (got < need) break;
      if (!this.improves(optionalIfFilled, score + own + restScore)) break;
      this.used[resource] = 1;
      this.chosen[this.slotOffset[q]! + k] = resource;
      this.descend(q, k + 1, p + 1, score + weights[p]!, optional);
      this.used[resource] = 0;
    }
    if (k === 0 && !requirement.required) {
      this.filled[q] = 0;
      this.descend(q + 1, 0, 0, score, optional);
    }
  }

  toAssignments(chosen: Int32Array, filled: Uint8Array, resources: PreparedResource[]): Assignment[] {
    return this.requirements.map((requirement, q) => {
      const resourceIds: string[] = [];
      if (filled[q]) {
        for (let i = this.slotOffset[q]!; i < this.slotOffset[q + 1]!; i++) resourceIds.push(resources[chosen[i]!]!.id);
      }
      return { requirementId: requirement.id, resourceIds };
    });
  }
}

/** Bookable slots of a service among the given starts, each with its best resource assignment. */
export function findSlots(input: SearchInput): Slot[] {
  const { requirements, resources } = prepare(input);
  const starts = startsInWindow(input);
  const startCount = starts.length;
  if (startCount === 0) return [];

  // 1. Sweep.
  const durationMs = input.service.durationMs;
  const runs = resources.map((resource) => servableRuns(resource, starts));
  const servable = runs.map((resourceRuns) => {
    const bitmap = new Uint8Array(startCount);
    for (let i = 0; i < resourceRuns.length; i += 2) bitmap.fill(1, resourceRuns[i]!, resourceRuns[i + 1]!);
    return bitmap;
  });
  // Rules. Step 2 counts runs and step 3 reads bitmaps, so a resource whose bitmap lost starts gets
  // its runs re-read from it: both then describe the same servable starts.
  resources.forEach((resource, r) => {
    const bitmap = servable[r]!;
    let cleared = false;
    for (const block of resource.blocks) {
      const [lo, hi] = forbiddenRange(block, durationMs, starts);
      if (lo >= hi) continue;
      bitmap.fill(0, lo, hi);
      cleared = true;
    }
    if (cleared) runs[r] = runsOf(bitmap);
  });
  const alive = new Uint8Array(startCount).fill(1);
  for (const block of input.serviceBlocks ?? []) {
    const [lo, hi] = forbiddenRange(block, durationMs, starts);
    if (lo < hi) alive.fill(0, lo, hi);
  }

  // 2. Propagate.
  const counts = new Int32Array(startCount + 1);
  const keepWhereAtLeast = (resourceIndices: Iterable<number>, needed: number): void => {
    counts.fill(0);
    for (const r of resourceIndices) {
      const resourceRuns = runs[r]!;
      for (let i = 0; i < resourceRuns.length; i += 2) {
        counts[resourceRuns[i]!]!++;
        counts[resourceRuns[i + 1]!]!--;
      }
    }
    let running = 0;
    for (let s = 0; s < startCount; s++) {
      running += counts[s]!;
      if (running < needed) alive[s] = 0;
    }
  };
  const requiredPool = new Set<number>();
  let requiredQuantity = 0;
  for (const requirement of requirements) {
    if (!requirement.required) continue;
    keepWhereAtLeast(requirement.ranked.map((c) => c.resourceIndex), requirement.quantity);
    for (const candidate of requirement.ranked) requiredPool.add(candidate.resourceIndex);
    requiredQuantity += requirement.quantity;
  }
  if (requirements.filter((q) => q.required).length > 1) keepWhereAtLeast(requiredPool, requiredQuantity);

  // 3. Assign.
  const search = new AssignmentSearch(requirements, resources.length);
  const slots: Slot[] = [];
  for (let s = 0; s < startCount; s++) {
    if (!alive[s]) continue;
    const best = search.solve((r) => servable[r]![s] === 1);
    if (!best) continue;
    const start = starts[s]!;
    slots.push({ start, end: start + input.service.durationMs, score: best.score, assignments: search.toAssignments(best.chosen, best.filled, resources) });
  }
  return slots;
}

/** Why a candidate cannot serve a start. */
export type CandidateBlocker =
  | 'unknown-resource' // not in `resources` (inactive, or another location)
  | 'no-working-hours' // the appointment itself falls (partly) outside working time (needs `working`)
  | 'busy' // inside working time, but booked, held or closed for part of the appointment
  | 'unavailable' // the appointment itself is not free; pass `working` to tell the two above apart
  | 'buffer' // the appointment fits, its set-up or turnover time does not
  | 'rule' // it is free, but one of its rule blocks forbids the start
  | 'outside-notice-window'; // it could serve, but the start is too soon, too far ahead or past

/** Why a start is not offered. */
export type StartBlocker =
  | 'not-a-start-time' // not on the grid given in `starts`
  | 'outside-notice-window' // before max(now, earliestStart) or after latestStart
  | 'rule' // a service block forbids it (see `rules`)
  | 'requirement-unmet' // some required requirement has fewer servable candidates than its quantity
  | 'resource-conflict'; // each has enough on its own, but not enough distinct resources for all

export interface CandidateExplanation {
  resourceId: string;
  weight: number;
  canServe: boolean;
  blocker: CandidateBlocker | null;
  /** With blocker 'rule': the first of the resource's blocks that forbids the start; otherwise null. */
  rule: RuleBlock | null;
}

export interface RequirementExplanation {
  requirementId: string;
  name: string;
  required: boolean;
  quantity: number;
  /** Whether enough candidates can serve the start, ignoring the other requirements. */
  met: boolean;
  /** As given in the input (duplicates included). */
  candidates: CandidateExplanation[];
}

export interface StartExplanation {
  start: number;
  bookable: boolean;
  blocker: StartBlocker | null;
  /** Every service block that forbids the start, in the input's order (also when another blocker comes first). */
  rules: RuleBlock[];
  requirements: RequirementExplanation[];
  /** The slot findSlots offers at this start, if any. */
  slot: Slot | null;
}

function resourceBlocker(input: SearchInput, resourceId: string, start: number): { blocker: CandidateBlocker | null; rule: RuleBlock | null } {
  const resource = input.resources.get(resourceId);
  if (!resource) return { blocker: 'unknown-resource', rule: null };
  const appointmentEnd = start + input.service.durationMs;
  const [busyStart, busyEnd] = busyRange(input.service, resource, start);
  if (resource.free.covers(busyStart, busyEnd)) {
    // Rules only count where the resource is otherwise free: a booking or closure is the answer the
    // layers can explain, and the one that stays true if the rule is lifted.
    const rule = resource.blocks?.find((block) => forbids(block, input.service.durationMs, start)) ?? null;
    return { blocker: rule ? 'rule' : null, rule };
  }
  if (resource.free.covers(start, appointmentEnd)) return { blocker: 'buffer', rule: null };
  if (!resource.working) return { blocker: 'unavailable', rule: null };
  return { blocker: resource.working.covers(start, appointmentEnd) ? 'busy' : 'no-working-hours', rule: null };
}

/**
 * Why `start` is or is not offered, per requirement and candidate: the data for "why can't I book
 * 10:00?". Consistent with findSlots: `bookable` is true exactly when findSlots returns this start.
 * The start's blocker is the first of: not on the grid, outside the notice window, a service block
 * (listed in `rules`), a required requirement without enough servable candidates (a candidate with
 * a rule blocker does not count), no distinct assignment.
 */
export function explainStart(input: SearchInput, start: number): StartExplanation {
  const { from, to } = noticeWindow(input);
  const onGrid = input.starts.includes(start);
  const inWindow = start >= from && start <= to;
  const requirements = input.requirements.map((requirement): RequirementExplanation => {
    const servable = new Set<string>();
    const candidates = requirement.candidates.map((candidate): CandidateExplanation => {
      const { blocker, rule } = resourceBlocker(input, candidate.resourceId, start);
      if (blocker === null) servable.add(candidate.resourceId);
      return {
        resourceId: candidate.resourceId,
        weight: candidate.weight,
        canServe: blocker === null && inWindow,
        blocker: blocker ?? (inWindow ? null : 'outside-notice-window'),
        rule,
      };
    });
    return { requirementId: requirement.id, name: requirement.name, required: requirement.required, quantity: requirement.quantity, met: servable.size >= requirement.quantity, candidates };
  });
  const rules = (input.serviceBlocks ?? []).filter((block) => forbids(block, input.service.durationMs, start));
  const slot = onGrid && inWindow ? (findSlots({ ...input, starts: [start] })[0] ?? null) : null;
  let blocker: StartBlocker | null = null;
  if (!onGrid) blocker = 'not-a-start-time';
  else if (!inWindow) blocker = 'outside-notice-window';
  else if (rules.length > 0) blocker = 'rule';
  else if (requirements.some((q) => q.required && !q.met)) blocker = 'requirement-unmet';
  else if (!slot) blocker = 'resource-conflict';
  return { start, bookable: slot !== null, blocker, rules, requirements, slot };
}

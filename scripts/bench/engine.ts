// The scheduling engine on its own, in memory (no database): `npx tsx scripts/bench/engine.ts`, or
// runEngineBench from the main bench. Prints; asserts nothing; every loop is bounded.
//
// (a) IntervalSet.covers and IntervalTree.anyOverlap against a linear scan at 10, 1,000 and 100,000
//     intervals (the baseline).
// (b) findSlots on a generated clinic: 60 practitioners, 30 rooms, 15 devices working Mon-Fri
//     08:00-18:00 America/Chicago, 20,000 allocations over 30 days (about 45% of working time); a service needing 1 of 20
//     practitioners + 1 of 10 rooms + 1 of 5 devices, 60 minutes with 10-minute buffers, a 5-minute
//     step, a 7-day window that crosses the March DST change; against the brute-force reference
//     (the baseline). Goal: engine p95 <= 10 ms and >= 100x faster than brute force.
import { pathToFileURL } from 'node:url';
import { Temporal } from 'temporal-polyfill';
import { wallClockStarts } from '../../server/src/engine/grid.ts';
import { IntervalSet, IntervalTree, type Interval } from '../../server/src/engine/intervals.ts';
import { findSlotsByBruteForce } from '../../server/src/engine/reference.ts';
import { findSlots, type ResourceAvailability, type SearchInput } from '../../server/src/engine/search.ts';
import { random } from '../lib/random.ts'; // seeded, so every run measures the same dataset

const MINUTE = 60_000;
const ZONE = 'America/Chicago';
const FIRST_DAY = Temporal.PlainDate.from('2025-03-03'); // a Monday; DST starts on Sunday 2025-03-09
const DAYS = 30;
const ALLOCATIONS = 20_000;
const WINDOW = { from: Temporal.PlainDate.from('2025-03-06'), days: 7 };
const RUNS = { engine: 1000, engineWarmup: 100, reference: 3 };
const GOAL = { p95Ms: 10, speedup: 100 };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function timeRuns(fn: () => unknown, runs: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const opsPerSecond = (ops: number, ms: number) => (ms > 0 ? (ops / ms) * 1000 : Infinity);
const human = (n: number) => (n >= 1e6 ? `${fmt(n / 1e6, 1)}M` : n >= 1e3 ? `${fmt(n / 1e3, 1)}k` : fmt(n, 0));

// ------------------------------------------------------------------------------------------------
// (a) Interval queries

function microBench(log: (line: string) => void): void {
  log('(a) interval queries: ops/s, structure vs linear scan (same random queries, results checked equal)');
  for (const n of [10, 1_000, 100_000]) {
    const rand = random(n);
    // Disjoint free intervals with gaps, as a resource's free time.
    const free: Interval[] = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
      const start = t + 1 + Math.floor(rand() * 60);
      const end = start + 1 + Math.floor(rand() * 120);
      free.push([start, end]);
      t = end;
    }
    const span = t;
    const set = IntervalSet.from(free);
    // Overlapping entries, as allocations of many resources together.
    const entries = Array.from({ length: n }, (_, i) => {
      const start = Math.floor(rand() * span);
      return { start, end: start + 1 + Math.floor(rand() * 90), value: i };
    });
    const tree = new IntervalTree(entries);
    const queries = Array.from({ length: 1024 }, (): Interval => {
      const start = Math.floor(rand() * span);
      return [start, start + 1 + Math.floor(rand() * 60)];
    });

    const linearCovers = (s: number, e: number) => {
      for (const [fs, fe] of free) if (fs <= s && e <= fe) return true;
      return false;
    };
    const linearOverlap = (s: number, e: number) => {
      for (const entry of entries) if (entry.start < e && s < entry.end) return true;
      return false;
    };

    // Bounded: about 2e7 interval visits for a linear scan, at most 500,000 queries for a structure.
    const fastOps = 500_000;
    const slowOps = Math.max(200, Math.min(fastOps, Math.floor(2e7 / n)));
    const measure = (fn: (s: number, e: number) => boolean, ops: number) => {
      let hits = 0;
      const began = performance.now();
      for (let i = 0; i < ops; i++) {
        const q = queries[i & 1023]!;
        if (fn(q[0], q[1])) hits++;
      }
      return { perSecond: opsPerSecond(ops, performance.now() - began), hits, ops };
    };
    const agree = queries.every(([s, e]) => set.covers(s, e) === linearCovers(s, e) && tree.anyOverlap(s, e) === linearOverlap(s, e));
    const covers = measure((s, e) => set.covers(s, e), fastOps);
    const coversLinear = measure(linearCovers, slowOps);
    const overlap = measure((s, e) => tree.anyOverlap(s, e), fastOps);
    const overlapLinear = measure(linearOverlap, slowOps);
    log(`  n=${String(n).padEnd(7)} IntervalSet.covers ${human(covers.perSecond).padStart(7)}/s vs linear ${human(coversLinear.perSecond).padStart(7)}/s = ${fmt(covers.perSecond / coversLinear.perSecond, 1).padStart(8)}x`
      + `   IntervalTree.anyOverlap ${human(overlap.perSecond).padStart(7)}/s vs linear ${human(overlapLinear.perSecond).padStart(7)}/s = ${fmt(overlap.perSecond / overlapLinear.perSecond, 1).padStart(8)}x`
      + `   ${agree ? 'results identical' : 'RESULTS DIFFER'}`);
  }
}

// ------------------------------------------------------------------------------------------------
// (b) Search

interface Clinic {
  practitioners: string[];
  rooms: string[];
  devices: string[];
  working: Map<string, Interval[]>;
  allocations: Map<string, Interval[]>;
  buffers: Map<string, { before: number; after: number }>;
}

function localInstant(date: Temporal.PlainDate, hour: number, minute = 0): number {
  return date.toPlainDateTime({ hour, minute }).toZonedDateTime(ZONE, { disambiguation: 'compatible' }).epochMilliseconds;
}

function buildClinic(): Clinic {
  const rand = random(20_000);
  const name = (prefix: string, i: number) => `${prefix}-${String(i).padStart(2, '0')}`;
  const practitioners = Array.from({ length: 60 }, (_, i) => name('practitioner', i));
  const rooms = Array.from({ length: 30 }, (_, i) => name('room', i));
  const devices = Array.from({ length: 15 }, (_, i) => name('device', i));
  const all = [...practitioners, ...rooms, ...devices];
  const buffers = new Map(all.map((id) => [id, id.startsWith('room') ? { before: 0, after: 5 * MINUTE } : { before: 0, after: 0 }]));

  // Working hours: every weekday 08:00-18:00 local. The 20,000 allocations are shared out over the
  // resource-days (8 or 9 each), 15-45 minutes long, and the rest of the day is cut into random gaps
  // between them: never overlapping on one resource, and a realistic mix of short and long free gaps.
  const workdays = Array.from({ length: DAYS }, (_, d) => FIRST_DAY.add({ days: d })).filter((d) => d.dayOfWeek <= 5);
  const working = new Map<string, Interval[]>();
  const allocations = new Map<string, Interval[]>();
  const resourceDays = all.length * workdays.length;
  const extra = new Set<number>();
  while (extra.size < ALLOCATIONS % resourceDays) extra.add(Math.floor(rand() * resourceDays));
  const STEP = 5 * MINUTE;
  for (const [r, id] of all.entries()) {
    working.set(id, workdays.map((d): Interval => [localInstant(d, 8), localInstant(d, 18)]));
    const list: Interval[] = [];
    for (const [w, d] of workdays.entries()) {
      const count = Math.floor(ALLOCATIONS / resourceDays) + (extra.has(r * workdays.length + w) ? 1 : 0);
      const lengths = Array.from({ length: count }, () => (3 + Math.floor(rand() * 7)) * STEP);
      const freeSteps = (10 * 60 * MINUTE - lengths.reduce((a, b) => a + b, 0)) / STEP;
      // count sorted cut points in 0..freeSteps split the free time into count + 1 gaps.
      const cuts = Array.from({ length: count }, () => Math.floor(rand() * (freeSteps + 1))).sort((a, b) => a - b);
      let t = localInstant(d, 8);
      let previousCut = 0;
      for (const [i, length] of lengths.entries()) {
        t += (cuts[i]! - previousCut) * STEP;
        previousCut = cuts[i]!;
        list.push([t, t + length]);
        t += length;
      }
    }
    allocations.set(id, list);
  }
  return { practitioners, rooms, devices, working, allocations, buffers };
}

function buildFree(clinic: Clinic): Map<string, ResourceAvailability> {
  const resources = new Map<string, ResourceAvailability>();
  for (const [id, working] of clinic.working) {
    const workingSet = IntervalSet.from(working);
    const buffers = clinic.buffers.get(id)!;
    resources.set(id, {
      free: workingSet.subtract(IntervalSet.from(clinic.allocations.get(id)!)),
      working: workingSet,
      bufferBeforeMs: buffers.before,
      bufferAfterMs: buffers.after,
    });
  }
  return resources;
}

function searchBench(log: (line: string) => void): void {
  const began = performance.now();
  const clinic = buildClinic();
  const generatedMs = performance.now() - began;
  const buildSamples = timeRuns(() => buildFree(clinic), 20, 2);
  const resources = buildFree(clinic);
  const allocationCount = [...clinic.allocations.values()].reduce((n, list) => n + list.length, 0);

  const windowStart = localInstant(WINDOW.from, 0);
  const window: Interval = [windowStart, localInstant(WINDOW.from.add({ days: WINDOW.days }), 0)];
  let t = performance.now();
  const starts = wallClockStarts(window, ZONE, 5);
  const gridColdMs = performance.now() - t;
  t = performance.now();
  wallClockStarts(window, ZONE, 5);
  const gridWarmMs = performance.now() - t;

  const rand = random(7);
  const weight = () => Math.floor(rand() * 201) - 100;
  const every = <T>(list: T[], k: number, count: number) => list.filter((_, i) => i % k === 0).slice(0, count);
  const now = windowStart - 12 * 60 * MINUTE;
  const input: SearchInput = {
    service: { durationMs: 60 * MINUTE, bufferBeforeMs: 10 * MINUTE, bufferAfterMs: 10 * MINUTE },
    requirements: [
      { id: 'practitioner', name: 'Practitioner', quantity: 1, required: true, candidates: every(clinic.practitioners, 3, 20).map((resourceId) => ({ resourceId, weight: weight() })) },
      { id: 'room', name: 'Treatment room', quantity: 1, required: true, candidates: every(clinic.rooms, 3, 10).map((resourceId) => ({ resourceId, weight: weight() })) },
      { id: 'device', name: 'Ultrasound', quantity: 1, required: true, candidates: every(clinic.devices, 3, 5).map((resourceId) => ({ resourceId, weight: weight() })) },
    ],
    resources,
    starts,
    now,
    earliestStart: now + 60 * MINUTE,
    latestStart: now + 60 * 24 * 60 * MINUTE,
    preferredResourceIds: new Set([clinic.practitioners[3]!]),
  };

  log(`\n(b) findSlots, in memory: ${clinic.practitioners.length} practitioners, ${clinic.rooms.length} rooms, ${clinic.devices.length} devices, Mon-Fri 08:00-18:00 ${ZONE}, `
    + `${allocationCount} allocations over ${DAYS} days from ${FIRST_DAY.toString()} (generated in ${fmt(generatedMs, 0)} ms)`);
  log(`    service: 1 of 20 practitioners + 1 of 10 rooms (5 min turnover) + 1 of 5 devices, 60 min, 10 min buffers each side; `
    + `7-day window from ${WINDOW.from.toString()} across DST, 5-minute step: ${starts.length} starts`);
  log(`    build IntervalSets from raw intervals (105 resources: from + subtract):  p50 ${fmt(percentile(buildSamples, 50))} ms  p95 ${fmt(percentile(buildSamples, 95))} ms  (${buildSamples.length} runs)`);
  log(`    wallClockStarts (7 days, 5 min): ${fmt(gridColdMs)} ms cold, ${fmt(gridWarmMs, 3)} ms with the day cache`);

  const slots = findSlots(input);
  const engineSamples = timeRuns(() => findSlots(input), RUNS.engine, RUNS.engineWarmup);
  const reference = findSlotsByBruteForce(input);
  const referenceSamples = timeRuns(() => findSlotsByBruteForce(input), RUNS.reference, 0);
  const identical = JSON.stringify(slots) === JSON.stringify(reference);

  const engine = { p50: percentile(engineSamples, 50), p95: percentile(engineSamples, 95) };
  const brute = { p50: percentile(referenceSamples, 50), p95: percentile(referenceSamples, 95) };
  log(`    engine findSlots (from built free sets):  p50 ${fmt(engine.p50, 3).padStart(9)} ms  p95 ${fmt(engine.p95, 3).padStart(9)} ms  (${engineSamples.length} runs)`);
  log(`    brute-force reference (baseline):         p50 ${fmt(brute.p50, 1).padStart(9)} ms  p95 ${fmt(brute.p95, 1).padStart(9)} ms  (${referenceSamples.length} runs)`);
  log(`    results: engine ${slots.length} slots, reference ${reference.length}: ${identical ? 'identical (starts, scores, assignments)' : 'DIFFERENT'}`);
  const speedup = brute.p50 / engine.p50;
  const met = engine.p95 <= GOAL.p95Ms && speedup >= GOAL.speedup;
  log(`    reference / engine, p50: ${fmt(speedup, 0)}x (p95: ${fmt(brute.p95 / engine.p95, 0)}x); goal p95 <= ${GOAL.p95Ms} ms and >= ${GOAL.speedup}x: ${met ? 'met' : 'NOT met'}`);
  const heap = process.memoryUsage();
  log(`    memory: heap used ${fmt(heap.heapUsed / 2 ** 20, 1)} MiB of ${fmt(heap.heapTotal / 2 ** 20, 1)} MiB, rss ${fmt(heap.rss / 2 ** 20, 1)} MiB`);
}

export async function runEngineBench(log: (line: string) => void): Promise<void> {
  log('scheduling engine (server/src/engine), in memory, one process');
  microBench(log);
  searchBench(log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runEngineBench((line) => console.log(line));
}

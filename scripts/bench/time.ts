// Time benchmarks (issue: time zones and recurrence): (a) expanding a weekly rule for two years in 40
// zones; (b) slot search over a week with a DST change against a normal week, same data shape, same
// run (goal: at most 1.2x slower). In memory; prints, asserts nothing.
import { Temporal } from 'temporal-polyfill';
import { wallClockStarts } from '../../server/src/engine/grid.ts';
import { IntervalSet, type Interval } from '../../server/src/engine/intervals.ts';
import { expandRecurrence } from '../../server/src/engine/recurrence.ts';
import { findSlots, type ResourceAvailability, type SearchInput } from '../../server/src/engine/search.ts';

const ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu',
  'America/Sao_Paulo', 'America/Santiago', 'America/Asuncion', 'America/Mexico_City', 'America/St_Johns', 'America/Halifax', 'America/Havana',
  'Europe/London', 'Europe/Dublin', 'Europe/Berlin', 'Europe/Kyiv', 'Europe/Moscow', 'Europe/Lisbon', 'Africa/Casablanca', 'Africa/Cairo',
  'Africa/Johannesburg', 'Asia/Jerusalem', 'Asia/Tehran', 'Asia/Dubai', 'Asia/Kabul', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Kathmandu',
  'Asia/Dhaka', 'Asia/Yangon', 'Asia/Bangkok', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Adelaide', 'Australia/Sydney', 'Australia/Lord_Howe',
  'Pacific/Chatham', 'Pacific/Apia',
];
const MINUTE = 60_000;

function stats(samples: number[]): { p50: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(0.5 * s.length)]!, p95: s[Math.min(s.length - 1, Math.floor(0.95 * s.length))]! };
}
function time(runs: number, fn: () => unknown): number[] {
  for (let i = 0; i < Math.min(10, runs); i++) fn();
  return Array.from({ length: runs }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  });
}

function expansionBench(log: (line: string) => void): void {
  const window: Interval = [Date.parse('2027-01-01T00:00:00Z'), Date.parse('2029-01-01T00:00:00Z')];
  let instances = 0;
  const samples = time(5, () => {
    instances = 0;
    for (const zone of ZONES) {
      instances += expandRecurrence({ rrule: 'FREQ=WEEKLY;BYDAY=WE', dtstartLocal: '2027-01-06T09:00:00', timeZone: zone, durationMinutes: 60, window }).length;
    }
  });
  const s = stats(samples);
  log(`(a) weekly rule, 2 years, ${ZONES.length} zones: ${instances} instances; p50 ${s.p50.toFixed(1)} ms (${((s.p50 * 1000) / instances).toFixed(1)} µs per instance), p95 ${s.p95.toFixed(1)} ms`);
}

/** Deterministic pseudo-random numbers, so both weeks get the same data shape. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

function weekInput(zone: string, monday: Temporal.PlainDate): { input: Omit<SearchInput, 'starts'>; window: Interval } {
  const rand = random(42);
  const at = (d: Temporal.PlainDate, h: number) => d.toPlainDateTime({ hour: h }).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
  const days = Array.from({ length: 7 }, (_, i) => monday.add({ days: i }));
  const resources = new Map<string, ResourceAvailability>();
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const groups = { practitioner: ids('practitioner', 20), room: ids('room', 10), device: ids('device', 5) };
  for (const id of [...groups.practitioner, ...groups.room, ...groups.device]) {
    const working = IntervalSet.from(days.filter((d) => d.dayOfWeek <= 5).map((d): Interval => [at(d, 8), at(d, 18)]));
    const busy: Interval[] = [];
    for (const d of days.filter((x) => x.dayOfWeek <= 5)) {
      let t = at(d, 8);
      for (let k = 0; k < 6; k++) {
        t += Math.floor(rand() * 8) * 5 * MINUTE;
        const length = (6 + Math.floor(rand() * 6)) * 5 * MINUTE;
        busy.push([t, t + length]);
        t += length;
      }
    }
    resources.set(id, { free: working.subtract(IntervalSet.from(busy)), bufferBeforeMs: 0, bufferAfterMs: id.startsWith('room') ? 5 * MINUTE : 0 });
  }
  const requirement = (name: string, list: string[]) => ({ id: name, name, quantity: 1, required: true, candidates: list.map((resourceId) => ({ resourceId, weight: 0 })) });
  const window: Interval = [at(monday, 0), at(monday.add({ days: 7 }), 0)];
  return {
    window,
    input: {
      service: { durationMs: 60 * MINUTE, bufferBeforeMs: 10 * MINUTE, bufferAfterMs: 10 * MINUTE },
      requirements: [requirement('practitioner', groups.practitioner), requirement('room', groups.room), requirement('device', groups.device)],
      resources,
      now: window[0] - 86_400_000,
      earliestStart: window[0],
      latestStart: window[1],
    },
  };
}

function dstWeekBench(log: (line: string) => void): void {
  const zone = 'America/Chicago';
  const normal = weekInput(zone, Temporal.PlainDate.from('2027-02-22')); // no transition
  const dst = weekInput(zone, Temporal.PlainDate.from('2027-03-08')); // clocks spring forward on Sunday 2027-03-14
  const run = (w: typeof normal) => findSlots({ ...w.input, starts: wallClockStarts(w.window, zone, 5) });
  // Warm both (JIT, grid day cache) before timing, then interleave so neither gets the quieter moment.
  for (let i = 0; i < 50; i++) run(i % 2 ? normal : dst);
  const samplesNormal: number[] = [];
  const samplesDst: number[] = [];
  for (let i = 0; i < 300; i++) {
    samplesNormal.push(...time(1, () => run(normal)).slice(-1));
    samplesDst.push(...time(1, () => run(dst)).slice(-1));
  }
  const [a, b] = [stats(samplesNormal), stats(samplesDst)];
  log(`(b) slot search, ${zone}, 35 resources, 5-min grid, one week (grid + search, warm):`);
  log(`    normal week 2027-02-22: p50 ${a.p50.toFixed(3)} ms  p95 ${a.p95.toFixed(3)} ms (${run(normal).length} slots)`);
  log(`    DST week    2027-03-08: p50 ${b.p50.toFixed(3)} ms  p95 ${b.p95.toFixed(3)} ms (${run(dst).length} slots)`);
  const ratio = b.p50 / a.p50;
  log(`    DST / normal, p50: ${ratio.toFixed(2)}x (goal <= 1.2x: ${ratio <= 1.2 ? 'met' : 'NOT met'})`);
}

export function runTimeBench(log: (line: string) => void): void {
  log('time zones and recurrence, in memory');
  expansionBench(log);
  dstWeekBench(log);
}

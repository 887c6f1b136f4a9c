// The wall-clock grid of start times: a service offers starts every `step` minutes counted from local
// midnight at its location, read as instants with RFC 5545 semantics (DESIGN.md "Time semantics"),
// the same as app_public.available_slots' `starts` CTE.
import { Temporal } from 'temporal-polyfill';
import type { Interval } from './intervals.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * How one local day maps to instants. On a day without a UTC-offset change inside it (all but a
 * couple a year), local 00:00 + x is simply `midnight + x`, so the grid needs one Temporal call per day
 * instead of one per start (a polyfilled conversion costs ~20 µs; a 7-day, 5-minute grid has 2,016).
 * Other days resolve each time against the day's offset periods, with plain arithmetic.
 */
interface LocalDay {
  /** The day's wall-clock 00:00 read as if it were UTC: a local time's "local epoch" is this + its minutes. */
  readonly localEpoch: number;
  /** Local 00:00 as an instant ('compatible': shifted forward if midnight is in a gap). */
  readonly midnight: number;
  /** True when every local time of the day is midnight + its time of day. */
  readonly uniform: boolean;
  /** Chronological spans of constant UTC offset around the day (only for days that are not uniform). */
  readonly periods: readonly OffsetPeriod[];
}

interface OffsetPeriod {
  readonly from: number;
  readonly to: number;
  readonly offsetMs: number;
}

// Tz rules do not change while a process runs, so days can be cached for good; bounded so a
// long-lived server searching many zones and years cannot grow it without limit.
const DAY_CACHE_LIMIT = 20_000;
const dayCache = new Map<string, LocalDay>();

/**
 * The offset periods covering [from, to): the first starts at -Infinity and the last ends at +Infinity,
 * which is exact for any instant inside [from, to).
 */
function offsetPeriods(timeZone: string, from: number, to: number): OffsetPeriod[] {
  const periods: OffsetPeriod[] = [];
  let zoned = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(timeZone);
  let start = -Infinity;
  for (;;) {
    const next = zoned.getTimeZoneTransition('next');
    const end = next !== null && next.epochMilliseconds < to ? next.epochMilliseconds : Infinity;
    periods.push({ from: start, to: end, offsetMs: zoned.offsetNanoseconds / 1e6 });
    if (next === null || end === Infinity) return periods;
    start = end;
    zoned = next;
  }
}

/**
 * A local time (as a local epoch) to an instant, RFC 5545: among the instants showing that wall-clock
 * time take the earliest; if there is none (a gap), read it with the offset before the gap, which
 * shifts it forward by the gap's length.
 */
function resolveLocal(localEpoch: number, periods: readonly OffsetPeriod[]): number {
  for (const period of periods) {
    const t = localEpoch - period.offsetMs;
    if (t >= period.from && t < period.to) return t;
  }
  for (let i = 0; i + 1 < periods.length; i++) {
    const t = localEpoch - periods[i]!.offsetMs;
    if (t >= periods[i]!.to && localEpoch - periods[i + 1]!.offsetMs < periods[i + 1]!.from) return t;
  }
  throw new Error(`No instant for local epoch ${localEpoch}`); // unreachable for consistent tz data
}

function localDay(timeZone: string, date: Temporal.PlainDate): LocalDay {
  const key = `${timeZone} ${date.toString()}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const localEpoch = Date.UTC(date.year, date.month - 1, date.day);
  const midnightZoned = date.toPlainDateTime().toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  const midnight = midnightZoned.epochMilliseconds;
  // Uniform iff midnight was not shifted by a gap and no transition happens in the next 24 hours.
  // (A repeated local time before midnight cannot reach into this day: 00:00 would then be repeated
  // too, and 'compatible' would have picked its earlier instant, before that transition.)
  const shifted = midnight + midnightZoned.offsetNanoseconds / 1e6 !== localEpoch;
  const transition = midnightZoned.getTimeZoneTransition('next');
  const uniform = !shifted && (transition === null || transition.epochMilliseconds >= midnight + DAY_MS);
  // Offsets differ from UTC by less than a day, so every candidate instant of this day's local times
  // lies within two days either side of its local epoch.
  const periods = uniform ? [] : offsetPeriods(timeZone, localEpoch - 2 * DAY_MS, localEpoch + 3 * DAY_MS);
  const day: LocalDay = { localEpoch, midnight, uniform, periods };
  if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
  dayCache.set(key, day);
  return day;
}

/** Local date of an instant in a zone. */
function localDate(instant: number, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone).toPlainDate();
}

/**
 * Start instants on a `stepMinutes` grid counted from local midnight of each local day in `timeZone`
 * (k * step minutes after 00:00 for k = 0..floor(1439 / step)), converted with disambiguation
 * 'compatible': a time in a spring-forward gap shifts forward by the gap, a repeated time takes the
 * earlier instant. De-duplicated (two gap times can land on the same instant), sorted, and filtered to
 * window[0] <= t < window[1].
 */
export function wallClockStarts(window: Interval, timeZone: string, stepMinutes: number): number[] {
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1 || stepMinutes > 1440) {
    throw new RangeError(`stepMinutes must be an integer from 1 to 1440, got ${stepMinutes}`);
  }
  const [from, to] = window;
  if (!(from < to)) return [];
  const stepsPerDay = Math.floor(1439 / stepMinutes) + 1;
  const starts: number[] = [];
  // A day on each side of the window's local dates: a late time in a gap can shift into the next
  // day, and around a backward transition an early time of one day precedes late times of the last.
  let date = localDate(from, timeZone).subtract({ days: 1 });
  const lastDate = localDate(to, timeZone).add({ days: 1 });
  while (Temporal.PlainDate.compare(date, lastDate) <= 0) {
    const day = localDay(timeZone, date);
    for (let k = 0; k < stepsPerDay; k++) {
      const offset = k * stepMinutes * MINUTE_MS;
      const t = day.uniform ? day.midnight + offset : resolveLocal(day.localEpoch + offset, day.periods);
      if (t >= from && t < to) starts.push(t);
    }
    date = date.add({ days: 1 });
  }
  // Days are visited in order, but gap shifts can reorder or repeat instants at their seams.
  starts.sort((a, b) => a - b);
  let kept = 0;
  for (let i = 0; i < starts.length; i++) {
    if (i === 0 || starts[i] !== starts[kept - 1]) starts[kept++] = starts[i]!;
  }
  starts.length = kept;
  return starts;
}

// Recurring appointments resolved from the rule, never stored as offsets (DESIGN.md "Time
// semantics", ../shared/vectors/recurrence-sample.json): the RRULE is expanded with `rrule` on
// floating local wall-clock time, each nominal time is resolved in the series' zone with Temporal
// ('compatible': a gap time moves forward, a repeated time takes the earlier instant), then
// COUNT (before EXDATE), UNTIL (UTC, inclusive, by resolved start), EXDATE (nominal local times),
// de-duplication of equal instants and the window (by start, half-open) apply. Pure: no I/O, no clock.
import rrulePackage from 'rrule';
import { Temporal } from 'temporal-polyfill';
import type { Interval } from './intervals.ts';

const { RRule } = rrulePackage;
const MINUTE = 60_000;
/** Frequencies a booking may use; finer ones would book every hour or minute. */
const BOOKABLE = new Set(['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY']);

export type RecurrenceErrorCode = 'RRULE_INVALID' | 'RRULE_FREQUENCY' | 'RRULE_DTSTART' | 'RRULE_TOO_MANY' | 'TZINV';

export class RecurrenceError extends Error {
  constructor(message: string, readonly code: RecurrenceErrorCode) {
    super(message);
  }
}

export interface RecurrenceInput {
  /** An RRULE value, with or without the "RRULE:" prefix, e.g. FREQ=WEEKLY;BYDAY=WE;COUNT=6. */
  rrule: string;
  /** Nominal local start of the first instance, ISO 8601 without offset (may fall in a DST gap). */
  dtstartLocal: string;
  timeZone: string;
  durationMinutes: number;
  window: Interval;
  exdatesLocal?: readonly string[];
  /** Refuse to produce more instances than this (default 5,000). */
  maxInstances?: number;
}

export interface Occurrence {
  start: number;
  end: number;
  /** Actual wall-clock start in the series' zone (after any gap shift), ISO 8601 without offset. */
  startLocal: string;
  /** Nominal local start from the rule (what EXDATE matches). */
  nominalLocal: string;
}

function plainDateTime(value: string, what: string): Temporal.PlainDateTime {
  try {
    return Temporal.PlainDateTime.from(value);
  } catch {
    throw new RecurrenceError(`${what} "${value}" is not an ISO 8601 local date-time (e.g. 2026-03-04T09:00:00)`, 'RRULE_INVALID');
  }
}

/** Local wall-clock fields as a UTC Date: how rrule represents floating times. */
const floating = (t: Temporal.PlainDateTime) => new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
const fromFloating = (d: Date) => new Temporal.PlainDateTime(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
const iso = (t: Temporal.PlainDateTime) => t.toString({ smallestUnit: 'second' });

export function assertTimeZone(timeZone: string): void {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(timeZone);
  } catch {
    throw new RecurrenceError(`Unknown time zone "${timeZone}"`, 'TZINV');
  }
  if (!timeZone.includes('/') && timeZone !== 'UTC') {
    // Fixed offsets ("+05:00") and abbreviations are not IANA zones: series must follow DST rules.
    if (/^[+-]\d/.test(timeZone)) throw new RecurrenceError(`"${timeZone}" is an offset, not an IANA time zone`, 'TZINV');
  }
}

export function expandRecurrence(input: RecurrenceInput): Occurrence[] {
  assertTimeZone(input.timeZone);
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes <= 0) throw new RecurrenceError('durationMinutes must be a positive integer', 'RRULE_INVALID');
  const text = input.rrule.trim().replace(/^RRULE:/i, '');
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(text);
  } catch (error) {
    throw new RecurrenceError(`Invalid RRULE "${text}": ${(error as Error).message}`, 'RRULE_INVALID');
  }
  if (options.freq === undefined || options.freq === null) throw new RecurrenceError(`Invalid RRULE "${text}": FREQ is required`, 'RRULE_INVALID');
  const frequency = RRule.FREQUENCIES[options.freq];
  if (!frequency || !BOOKABLE.has(frequency)) throw new RecurrenceError(`FREQ=${frequency ?? options.freq} is not allowed for bookings (use DAILY, WEEKLY, MONTHLY or YEARLY)`, 'RRULE_FREQUENCY');
  if (options.count != null && options.until != null) throw new RecurrenceError('An RRULE may not have both COUNT and UNTIL (RFC 5545)', 'RRULE_INVALID');
  if (options.dtstart) throw new RecurrenceError('Give DTSTART as dtstartLocal, not inside the RRULE', 'RRULE_INVALID');

  const dtstart = plainDateTime(input.dtstartLocal, 'dtstartLocal');
  const exdates = new Set((input.exdatesLocal ?? []).map((e) => iso(plainDateTime(e, 'exdate'))));
  const until = options.until ? options.until.getTime() : null;
  const max = input.maxInstances ?? 5000;
  // Expand on floating time up to a bound safely past the window (and UNTIL) in any zone.
  const boundMs = Math.min(input.window[1], until ?? Infinity) + 2 * 86_400_000;
  let rule: InstanceType<typeof RRule>;
  try {
    rule = new RRule({ ...options, until: null, dtstart: floating(dtstart) });
  } catch (error) {
    throw new RecurrenceError(`Invalid RRULE "${text}": ${(error as Error).message}`, 'RRULE_INVALID');
  }
  const resolved: Occurrence[] = [];
  const seen = new Set<number>();
  let first = true;
  let pastBound = false;
  let generated = 0;
  const visit = (date: Date): boolean => {
    if (date.getTime() > boundMs) {
      pastBound = true; // nothing more can fall in the window (or before UNTIL)
      return false;
    }
    const nominal = fromFloating(date);
    if (first) {
      first = false;
      if (!nominal.equals(dtstart)) throw new RecurrenceError(`dtstartLocal ${iso(dtstart)} is not an instance of the rule (the first is ${iso(nominal)})`, 'RRULE_DTSTART');
    }
    if (++generated > max * 4) throw new RecurrenceError(`The rule produces more than ${max} instances here; narrow the window or bound the rule`, 'RRULE_TOO_MANY');
    const zoned = nominal.toZonedDateTime(input.timeZone, { disambiguation: 'compatible' });
    const start = zoned.epochMilliseconds;
    if (until !== null && start > until) return false;
    if (exdates.has(iso(nominal)) || seen.has(start)) return true;
    seen.add(start);
    if (start >= input.window[0] && start < input.window[1]) {
      if (resolved.length >= max) throw new RecurrenceError(`The rule produces more than ${max} instances in the window; narrow it`, 'RRULE_TOO_MANY');
      resolved.push({ start, end: start + input.durationMinutes * MINUTE, startLocal: iso(zoned.toPlainDateTime()), nominalLocal: iso(nominal) });
    }
    return true;
  };
  try {
    rule.all(visit);
  } catch (error) {
    if (error instanceof RecurrenceError) throw error;
    throw new RecurrenceError(`Invalid RRULE "${text}": ${(error as Error).message}`, 'RRULE_INVALID');
  }
  if (first && !pastBound) throw new RecurrenceError(`The rule has no instance at or after dtstartLocal ${iso(dtstart)}`, 'RRULE_DTSTART');
  return resolved.sort((a, b) => a.start - b.start);
}

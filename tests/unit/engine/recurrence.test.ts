// Every worked example of ../shared/vectors (copied to tests/fixtures) through the engine's
// recurrence expansion, plus the registered errors for bad rules.
import { describe, expect, it } from 'vitest';
import { expandRecurrence, RecurrenceError } from '../../../server/src/engine/recurrence.ts';
import { timeVectors } from '../../helpers/vectors.ts';

const vectors = timeVectors.vectors;

describe('expandRecurrence on the shared vectors', () => {
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(12));
  for (const v of vectors) {
    it(v.id, () => {
      const got = expandRecurrence({
        rrule: v.rrule, dtstartLocal: v.dtstart_local, timeZone: v.tz, durationMinutes: v.duration_minutes,
        window: [Date.parse(v.window_utc[0]), Date.parse(v.window_utc[1])], exdatesLocal: v.exdates_local,
      });
      expect(got.map((o) => ({ start_utc: new Date(o.start).toISOString().replace('.000Z', 'Z'), end_utc: new Date(o.end).toISOString().replace('.000Z', 'Z'), start_local: o.startLocal }))).toEqual(v.expected);
    });
  }
});

describe('bad rules', () => {
  const base = { dtstartLocal: '2026-03-04T09:00:00', timeZone: 'America/New_York', durationMinutes: 60, window: [Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-06-01T00:00:00Z')] as const };
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      expect(error).toBeInstanceOf(RecurrenceError);
      return (error as RecurrenceError).code;
    }
    return 'no error';
  };
  it('says what is wrong with a malformed RRULE', () => {
    expect(code(() => expandRecurrence({ ...base, rrule: 'FREQ=FORTNIGHTLY' }))).toBe('RRULE_INVALID');
    expect(code(() => expandRecurrence({ ...base, rrule: 'BYDAY=WE' }))).toBe('RRULE_INVALID');
    expect(code(() => expandRecurrence({ ...base, rrule: 'FREQ=WEEKLY;COUNT=3;UNTIL=20260401T000000Z' }))).toBe('RRULE_INVALID');
  });
  it('refuses sub-daily frequencies for bookings', () => {
    for (const freq of ['HOURLY', 'MINUTELY', 'SECONDLY']) expect(code(() => expandRecurrence({ ...base, rrule: `FREQ=${freq};COUNT=3` }))).toBe('RRULE_FREQUENCY');
  });
  it('refuses a dtstart that is not an instance of the rule', () => {
    expect(code(() => expandRecurrence({ ...base, rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=3' }))).toBe('RRULE_DTSTART');
  });
  it('refuses unknown zones and fixed offsets', () => {
    expect(code(() => expandRecurrence({ ...base, rrule: 'FREQ=DAILY;COUNT=3', timeZone: 'Mars/Base' }))).toBe('TZINV');
    expect(code(() => expandRecurrence({ ...base, rrule: 'FREQ=DAILY;COUNT=3', timeZone: '+05:00' }))).toBe('TZINV');
  });
  it('caps runaway expansions', () => {
    expect(code(() => expandRecurrence({ ...base, rrule: 'FREQ=DAILY', window: [0, Date.parse('2100-01-01T00:00:00Z')], maxInstances: 100 }))).toBe('RRULE_TOO_MANY');
  });
});

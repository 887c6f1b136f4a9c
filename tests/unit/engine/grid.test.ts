import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { wallClockStarts } from '../../../server/src/engine/grid.ts';
import type { Interval } from '../../../server/src/engine/intervals.ts';

const MINUTE = 60_000;
const instant = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds;
/** The instants of local midnight of two local dates in a zone, as a window. */
const localDays = (zone: string, first: string, afterLast: string): Interval => [
  Temporal.PlainDate.from(first).toZonedDateTime(zone).epochMilliseconds,
  Temporal.PlainDate.from(afterLast).toZonedDateTime(zone).epochMilliseconds,
];
const local = (zone: string, t: number) => Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(zone).toPlainDateTime().toString();

/** Every grid time converted one by one, the slow obvious way. */
function naiveStarts(window: Interval, zone: string, step: number): number[] {
  const first = Temporal.Instant.fromEpochMilliseconds(window[0]).toZonedDateTimeISO(zone).toPlainDate().subtract({ days: 1 });
  const last = Temporal.Instant.fromEpochMilliseconds(window[1]).toZonedDateTimeISO(zone).toPlainDate().add({ days: 1 });
  const out = new Set<number>();
  for (let d = first; Temporal.PlainDate.compare(d, last) <= 0; d = d.add({ days: 1 })) {
    for (let k = 0; k <= Math.floor(1439 / step); k++) {
      const t = d.toPlainDateTime({ hour: Math.floor((k * step) / 60), minute: (k * step) % 60 })
        .toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
      if (t >= window[0] && t < window[1]) out.add(t);
    }
  }
  return [...out].sort((a, b) => a - b);
}

describe('wallClockStarts', () => {
  it('counts k * step minutes from local midnight, floor(1439 / step) + 1 a day', () => {
    const window = localDays('Europe/Berlin', '2025-06-02', '2025-06-03');
    expect(wallClockStarts(window, 'Europe/Berlin', 30)).toHaveLength(48);
    const seven = wallClockStarts(window, 'Europe/Berlin', 7);
    expect(seven).toHaveLength(206); // 0, 7, ..., 1435 minutes
    expect(local('Europe/Berlin', seven[205]!)).toBe('2025-06-02T23:55:00');
    const daily = wallClockStarts(window, 'Europe/Berlin', 1440);
    expect(daily.map((t) => local('Europe/Berlin', t))).toEqual(['2025-06-02T00:00:00']);
  });

  it('filters to the half-open window', () => {
    const from = instant('2025-06-02T08:00:00Z');
    const starts = wallClockStarts([from, from + 60 * MINUTE], 'UTC', 15);
    expect(starts).toEqual([0, 15, 30, 45].map((m) => from + m * MINUTE));
    expect(wallClockStarts([from, from], 'UTC', 15)).toEqual([]);
    expect(wallClockStarts([from + 1, from + 15 * MINUTE + 1], 'UTC', 15)).toEqual([from + 15 * MINUTE]);
  });

  it('rejects a step that is not a whole number of minutes from 1 to 1440', () => {
    expect(() => wallClockStarts([0, 1], 'UTC', 0)).toThrow(RangeError);
    expect(() => wallClockStarts([0, 1], 'UTC', 7.5)).toThrow(RangeError);
    expect(() => wallClockStarts([0, 1], 'UTC', 1441)).toThrow(RangeError);
  });

  it('America/New_York spring forward: gap times shift forward by the hour and are offered once', () => {
    const zone = 'America/New_York';
    const starts = wallClockStarts(localDays(zone, '2025-03-09', '2025-03-10'), zone, 30);
    expect(starts).toHaveLength(46); // 02:00 and 02:30 become 03:00 and 03:30, already on the grid
    const around = starts.slice(3, 7).map((t) => local(zone, t));
    expect(around).toEqual(['2025-03-09T01:30:00', '2025-03-09T03:00:00', '2025-03-09T03:30:00', '2025-03-09T04:00:00']);
    expect(starts[4]).toBe(instant('2025-03-09T07:00:00Z')); // 03:00 EDT
  });

  it('America/New_York fall back: a repeated time takes the earlier instant only', () => {
    const zone = 'America/New_York';
    const starts = wallClockStarts(localDays(zone, '2025-11-02', '2025-11-03'), zone, 30);
    expect(starts).toHaveLength(48); // a 25-hour day, but each wall-clock time once
    expect(starts[2]).toBe(instant('2025-11-02T05:00:00Z')); // 01:00 EDT, not 01:00 EST
    expect(starts[3]).toBe(instant('2025-11-02T05:30:00Z')); // 01:30 EDT
    expect(starts[4]).toBe(instant('2025-11-02T07:00:00Z')); // 02:00 EST: 90 minutes later
  });

  it('Australia/Lord_Howe: the 30-minute shifts', () => {
    const zone = 'Australia/Lord_Howe';
    // 2025-10-05 02:00 +10:30 -> 02:30 +11: 02:00 and 02:15 shift onto 02:30 and 02:45.
    const spring = wallClockStarts(localDays(zone, '2025-10-05', '2025-10-06'), zone, 15);
    expect(spring).toHaveLength(94);
    expect(spring.slice(7, 10).map((t) => local(zone, t))).toEqual(['2025-10-05T01:45:00', '2025-10-05T02:30:00', '2025-10-05T02:45:00']);
    expect(spring[8]).toBe(instant('2025-10-04T15:30:00Z'));
    // 2025-04-06 02:00 +11 -> 01:30 +10:30: 01:30 and 01:45 occur twice; the earlier ones are taken.
    const autumn = wallClockStarts(localDays(zone, '2025-04-06', '2025-04-07'), zone, 15);
    expect(autumn).toHaveLength(96);
    expect(autumn[6]).toBe(instant('2025-04-05T14:30:00Z')); // 01:30 +11
    expect(autumn[7]).toBe(instant('2025-04-05T14:45:00Z')); // 01:45 +11
    expect(autumn[8]).toBe(instant('2025-04-05T15:30:00Z')); // 02:00 +10:30, 45 minutes later
  });

  it('America/Phoenix: no DST, every day the same grid', () => {
    const zone = 'America/Phoenix';
    const starts = wallClockStarts(localDays(zone, '2025-03-08', '2025-03-11'), zone, 5);
    expect(starts).toHaveLength(3 * 288);
    expect(starts[0]).toBe(instant('2025-03-08T07:00:00Z'));
    expect(starts.every((t, i) => i === 0 || t - starts[i - 1]! === 5 * MINUTE)).toBe(true);
  });

  it('Asia/Kathmandu: a +05:45 offset puts local midnight at 18:15 UTC', () => {
    const zone = 'Asia/Kathmandu';
    const starts = wallClockStarts(localDays(zone, '2025-03-09', '2025-03-10'), zone, 60);
    expect(starts).toHaveLength(24);
    expect(starts[0]).toBe(instant('2025-03-08T18:15:00Z'));
    expect(local(zone, starts[9]!)).toBe('2025-03-09T09:00:00');
  });

  it('America/Santiago: a gap at midnight moves the first start of the day to 01:00', () => {
    const zone = 'America/Santiago';
    const starts = wallClockStarts(localDays(zone, '2025-09-07', '2025-09-08'), zone, 60);
    expect(starts).toHaveLength(23);
    expect(local(zone, starts[0]!)).toBe('2025-09-07T01:00:00');
  });

  it('a window crossing DST matches converting every grid time one by one', () => {
    const zones = ['America/New_York', 'Australia/Lord_Howe', 'America/Phoenix', 'Asia/Kathmandu', 'America/Santiago', 'Europe/London', 'Pacific/Chatham'];
    const base = instant('2025-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 364 * 24 * 4 }),
        fc.integer({ min: 1, max: 4 * 24 * 4 }),
        fc.constantFrom(5, 7, 10, 15, 20, 30, 45, 60, 90, 1440),
        (zone, quarterHours, lengthQuarterHours, step) => {
          const from = base + quarterHours * 15 * MINUTE;
          const window: Interval = [from, from + lengthQuarterHours * 15 * MINUTE];
          expect(wallClockStarts(window, zone, step)).toEqual(naiveStarts(window, zone, step));
        },
      ),
      { numRuns: 150 },
    );
    // And the DST days themselves, explicitly.
    for (const [zone, day] of [['America/New_York', '2025-03-09'], ['America/New_York', '2025-11-02'], ['Australia/Lord_Howe', '2025-04-06'], ['Australia/Lord_Howe', '2025-10-05']] as const) {
      const window = localDays(zone, Temporal.PlainDate.from(day).subtract({ days: 1 }).toString(), Temporal.PlainDate.from(day).add({ days: 2 }).toString());
      expect(wallClockStarts(window, zone, 5)).toEqual(naiveStarts(window, zone, 5));
    }
  });

  it('matches one-by-one conversion around every 2025 transition of zones with unusual rules', () => {
    // Midnight gaps (Havana, Santiago), 30-minute (Lord_Howe) and 2-hour (Troll) shifts, negative DST
    // (Dublin), Ramadan suspensions (Casablanca), +12:45/+13:45 (Chatham).
    const zones = ['America/Havana', 'America/Santiago', 'Australia/Lord_Howe', 'Antarctica/Troll', 'Europe/Dublin', 'Africa/Casablanca', 'Pacific/Chatham', 'America/New_York'];
    let checked = 0;
    for (const [z, zone] of zones.entries()) {
      let zoned: Temporal.ZonedDateTime | null = Temporal.ZonedDateTime.from({ year: 2025, month: 1, day: 1, timeZone: zone });
      while ((zoned = zoned.getTimeZoneTransition('next')) && zoned.year === 2025) {
        const day = zoned.toPlainDate();
        const window = localDays(zone, day.subtract({ days: 1 }).toString(), day.add({ days: 2 }).toString());
        const step = [7, 15, 30, 45][(z + checked) % 4]!;
        expect(wallClockStarts(window, zone, step), `${zone} ${day.toString()} step ${step}`).toEqual(naiveStarts(window, zone, step));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

import { describe, it, expect } from 'vitest';
import {
  formatDuration,
  formatLocalDate,
  formatLocalTime,
  formatPrice,
  formatTimeOfDay,
  formatTimeZone,
  formatWeekdayHours,
  isoWeekdayOf,
  parseLocalDateTime,
  parseOpeningHours,
  weekdayLong,
  weekdayShort,
  weeklyHours,
} from '../../web/lib/format.ts';

const NBSP = '\u00a0';

describe('weekday names (ISO 1 = Monday)', () => {
  it('maps 1..7 to Mon..Sun', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(weekdayShort)).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    expect(weekdayLong(1)).toBe('Monday');
    expect(weekdayLong(7)).toBe('Sunday');
  });

  it('rejects values outside 1..7 (incl. JS Date 0 = Sunday)', () => {
    expect(() => weekdayShort(0)).toThrow(RangeError);
    expect(() => weekdayShort(8)).toThrow(RangeError);
    expect(() => weekdayShort(1.5)).toThrow(RangeError);
  });

  it('computes the ISO weekday of a calendar date without a time zone', () => {
    expect(isoWeekdayOf({ year: 2025, month: 1, day: 13 })).toBe(1); // Monday
    expect(isoWeekdayOf({ year: 2025, month: 1, day: 19 })).toBe(7); // Sunday
    expect(isoWeekdayOf({ year: 2024, month: 2, day: 29 })).toBe(4); // leap day, Thursday
  });
});

describe('opening hours', () => {
  const phoenix = [
    { weekday: 1, opens: '08:00', closes: '18:00' },
    { weekday: 2, opens: '08:00', closes: '18:00' },
    { weekday: 3, opens: '08:00', closes: '18:00' },
    { weekday: 4, opens: '08:00', closes: '18:00' },
    { weekday: 5, opens: '08:00', closes: '16:30' },
    { weekday: 6, opens: '9:00', closes: '13:00:00' },
  ];

  it('normalises times of day to HH:MM', () => {
    expect(formatTimeOfDay('08:00')).toBe('08:00');
    expect(formatTimeOfDay('9:30')).toBe('09:30');
    expect(formatTimeOfDay('18:00:00')).toBe('18:00');
    expect(formatTimeOfDay('noon')).toBe('noon');
  });

  it('renders a full week Monday-first, with the API abbreviation and closed days', () => {
    const lines = weeklyHours(phoenix, 'MST').map(formatWeekdayHours);
    expect(lines).toEqual([
      'Mon 08:00–18:00 MST',
      'Tue 08:00–18:00 MST',
      'Wed 08:00–18:00 MST',
      'Thu 08:00–18:00 MST',
      'Fri 08:00–16:30 MST',
      'Sat 09:00–13:00 MST',
      'Sun closed',
    ]);
  });

  it('keeps numeric-offset abbreviations verbatim (Asia/Kathmandu)', () => {
    const rows = weeklyHours([{ weekday: 7, opens: '10:00', closes: '17:00' }], '+0545');
    expect(rows[6]).toEqual({ weekday: 7, day: 'Sun', closed: false, hours: '10:00–17:00 +0545' });
    expect(rows.slice(0, 6).every((r) => r.closed && r.hours === 'closed')).toBe(true);
  });

  it('sorts and joins split shifts on one day, abbreviation once', () => {
    const rows = weeklyHours(
      [
        { weekday: 3, opens: '13:00', closes: '17:00' },
        { weekday: 3, opens: '08:00', closes: '12:00' },
      ],
      'CST',
    );
    expect(formatWeekdayHours(rows[2]!)).toBe('Wed 08:00–12:00, 13:00–17:00 CST');
  });

  it('omits the abbreviation when the API gives none', () => {
    expect(weeklyHours([{ weekday: 1, opens: '08:00', closes: '18:00' }], null)[0]!.hours).toBe('08:00–18:00');
  });

  it('parses the JSON scalar defensively', () => {
    expect(parseOpeningHours(phoenix)).toHaveLength(6);
    expect(parseOpeningHours('[{"weekday":2,"opens":"08:00","closes":"18:00"}]')).toEqual([
      { weekday: 2, opens: '08:00', closes: '18:00' },
    ]);
    expect(
      parseOpeningHours([
        { weekday: 0, opens: '08:00', closes: '18:00' },
        { weekday: 8, opens: '08:00', closes: '18:00' },
        { weekday: '1', opens: '08:00', closes: '18:00' },
        { weekday: 1, opens: 800, closes: '18:00' },
        null,
        'Mon',
        { weekday: 5, opens: '08:00', closes: '18:00' },
      ]),
    ).toEqual([{ weekday: 5, opens: '08:00', closes: '18:00' }]);
    expect(parseOpeningHours(null)).toEqual([]);
    expect(parseOpeningHours({})).toEqual([]);
    expect(parseOpeningHours('not json')).toEqual([]);
  });
});

describe('local time', () => {
  it('parses the zone-less wall clock string', () => {
    expect(parseLocalDateTime('2025-01-15T14:05:09')).toEqual({ year: 2025, month: 1, day: 15, hour: 14, minute: 5, second: 9 });
    expect(parseLocalDateTime('2025-01-15T14:05')).toEqual({ year: 2025, month: 1, day: 15, hour: 14, minute: 5, second: 0 });
    expect(parseLocalDateTime('2025-01-15T14:05:09.123456')?.second).toBe(9);
    expect(parseLocalDateTime('2025-01-15T14:05:09Z')).toBeNull();
    expect(parseLocalDateTime('2025-13-01T00:00:00')).toBeNull();
    expect(parseLocalDateTime('yesterday')).toBeNull();
  });

  it('shows HH:MM with the abbreviation, never shifting by the host zone', () => {
    expect(formatLocalTime('2025-01-15T14:05:09', 'MST')).toBe('14:05 MST');
    expect(formatLocalTime('2025-01-15T00:59:59', 'CST')).toBe('00:59 CST');
    expect(formatLocalTime('2025-07-01T23:45:00', '+0545')).toBe('23:45 +0545');
    expect(formatLocalTime('2025-07-01T23:45:00', '')).toBe('23:45');
    expect(formatLocalTime('garbage', 'GMT')).toBe('garbage GMT');
  });

  it('formats the local date', () => {
    expect(formatLocalDate('2025-01-15T14:05:09')).toBe('Wed 15 Jan 2025');
    expect(formatLocalDate('2024-12-31T23:59:59')).toBe('Tue 31 Dec 2024');
    expect(formatLocalDate('nope')).toBeNull();
  });

  it('labels the IANA zone with its abbreviation', () => {
    expect(formatTimeZone('America/Phoenix', 'MST')).toBe('America/Phoenix (MST)');
    expect(formatTimeZone('Asia/Kathmandu', '+0545')).toBe('Asia/Kathmandu (+0545)');
    expect(formatTimeZone('Europe/London', null)).toBe('Europe/London');
  });
});

describe('services', () => {
  it('formats durations in minutes', () => {
    expect(formatDuration(60)).toBe('60 min');
    expect(formatDuration(90)).toBe('90 min');
    expect(formatDuration(15)).toBe('15 min');
  });

  it('formats prices from minor units with Intl.NumberFormat', () => {
    expect(formatPrice(4500, 'USD')).toBe('$45.00');
    expect(formatPrice(12345, 'usd')).toBe('$123.45');
    expect(formatPrice(0, 'USD')).toBe('$0.00');
    expect(formatPrice(9950, 'EUR')).toBe('€99.50');
    expect(formatPrice(150000, 'USD')).toBe('$1,500.00');
    expect(formatPrice(4500, 'NPR')).toBe('NPR' + NBSP + '45.00');
    expect(formatPrice(9950, 'EUR', 'de-DE')).toBe('99,50' + NBSP + '€');
  });

  it('respects currencies without minor units', () => {
    expect(formatPrice(4500, 'JPY')).toBe('¥4,500');
  });

  it('degrades gracefully for missing prices and unknown currencies', () => {
    expect(formatPrice(null, 'USD')).toBe('—');
    expect(formatPrice(undefined, 'USD')).toBe('—');
    expect(formatPrice(Number.NaN, 'USD')).toBe('—');
    expect(formatPrice(4500, 'DOLLARS')).toBe('45.00 DOLLARS');
    expect(formatPrice(4500, null)).toBe('45.00 ???');
  });
});

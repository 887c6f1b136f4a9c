// Pure, dependency-free formatting helpers for the public page (unit-tested in
// tests/unit/web-format.test.ts). Nothing here reads the clock or the host time zone: wall-clock
// times arrive from the API already converted to the location's zone, and time zone
// abbreviations come from the API (tzdata), never from Intl's timeZoneName (ICU says "GMT+1").

export interface OpeningHoursEntry {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** "HH:MM" (seconds, if present, are dropped when formatting). */
  opens: string;
  closes: string;
}

export interface WeekdayHours {
  weekday: number;
  /** "Mon" … "Sun". */
  day: string;
  closed: boolean;
  /** "08:00–18:00 MST", "08:00–12:00, 13:00–17:00 MST" or "closed". */
  hours: string;
}

const WEEKDAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const WEEKDAY_LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MONTH_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const EN_DASH = '\u2013';

function isIsoWeekday(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 7;
}

function assertIsoWeekday(weekday: number): void {
  if (!isIsoWeekday(weekday)) throw new RangeError(`ISO weekday must be an integer 1..7, got ${String(weekday)}`);
}

/** 1 → "Mon" … 7 → "Sun". Throws RangeError outside 1..7. */
export function weekdayShort(weekday: number): string {
  assertIsoWeekday(weekday);
  return WEEKDAY_SHORT[weekday - 1] as string;
}

/** 1 → "Monday" … 7 → "Sunday". Throws RangeError outside 1..7. */
export function weekdayLong(weekday: number): string {
  assertIsoWeekday(weekday);
  return WEEKDAY_LONG[weekday - 1] as string;
}

const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/** "8:00" → "08:00", "18:30:00" → "18:30". Unrecognised input is returned unchanged. */
export function formatTimeOfDay(value: string): string {
  const m = TIME_OF_DAY.exec(value.trim());
  if (!m) return value;
  return `${(m[1] as string).padStart(2, '0')}:${m[2] as string}`;
}

/** Appends a time zone abbreviation when there is one: ("14:05", "MST") → "14:05 MST". */
export function withZoneAbbreviation(text: string, abbreviation: string | null | undefined): string {
  const abbr = abbreviation?.trim();
  return abbr ? `${text} ${abbr}` : text;
}

/**
 * Normalises the `openingHours` JSON scalar into valid entries. Accepts the decoded array or a
 * JSON string; drops entries without an ISO weekday or opens/closes strings. Anything else → [].
 */
export function parseOpeningHours(value: unknown): OpeningHoursEntry[] {
  let raw: unknown = value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(raw)) return [];
  const entries: OpeningHoursEntry[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { weekday, opens, closes } = item as Record<string, unknown>;
    if (!isIsoWeekday(weekday) || typeof opens !== 'string' || typeof closes !== 'string') continue;
    entries.push({ weekday, opens, closes });
  }
  return entries;
}

/**
 * One row per weekday, Monday first. Days without an entry are "closed"; several intervals on one
 * day are sorted by opening time and joined ("08:00–12:00, 13:00–17:00 MST").
 */
export function weeklyHours(entries: readonly OpeningHoursEntry[], abbreviation?: string | null): WeekdayHours[] {
  const rows: WeekdayHours[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    const intervals = entries
      .filter((e) => e.weekday === weekday)
      .map((e) => ({ opens: formatTimeOfDay(e.opens), closes: formatTimeOfDay(e.closes) }))
      .sort((a, b) => (a.opens < b.opens ? -1 : a.opens > b.opens ? 1 : 0));
    const closed = intervals.length === 0;
    const hours = closed
      ? 'closed'
      : withZoneAbbreviation(intervals.map((i) => `${i.opens}${EN_DASH}${i.closes}`).join(', '), abbreviation);
    rows.push({ weekday, day: weekdayShort(weekday), closed, hours });
  }
  return rows;
}

/** "Mon 08:00–18:00 MST" / "Sun closed". */
export function formatWeekdayHours(row: WeekdayHours): string {
  return `${row.day} ${row.hours}`;
}

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** Parses a zone-less wall-clock string "YYYY-MM-DDTHH:MM:SS" without involving any time zone. */
export function parseLocalDateTime(value: string): LocalDateTime | null {
  const m = LOCAL_DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  return { year, month, day, hour, minute, second };
}

/** ISO weekday (1 = Monday) of a calendar date; pure arithmetic on the date, no time zone. */
export function isoWeekdayOf(date: Pick<LocalDateTime, 'year' | 'month' | 'day'>): number {
  const jsDay = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay(); // 0 = Sunday
  return jsDay === 0 ? 7 : jsDay;
}

/** ("2025-01-15T14:05:09", "MST") → "14:05 MST". Unparseable input is returned as given. */
export function formatLocalTime(localTime: string, abbreviation?: string | null): string {
  const t = parseLocalDateTime(localTime);
  if (!t) return withZoneAbbreviation(localTime, abbreviation);
  const hhmm = `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  return withZoneAbbreviation(hhmm, abbreviation);
}

/** "2025-01-15T14:05:09" → "Wed 15 Jan 2025"; null when unparseable. */
export function formatLocalDate(localTime: string): string | null {
  const t = parseLocalDateTime(localTime);
  if (!t) return null;
  return `${weekdayShort(isoWeekdayOf(t))} ${t.day} ${MONTH_SHORT[t.month - 1] as string} ${t.year}`;
}

/** ("America/Phoenix", "MST") → "America/Phoenix (MST)". */
export function formatTimeZone(timeZone: string, abbreviation?: string | null): string {
  const abbr = abbreviation?.trim();
  return abbr ? `${timeZone} (${abbr})` : timeZone;
}

/** 60 → "60 min". */
export function formatDuration(minutes: number): string {
  return `${Math.round(minutes)} min`;
}

/**
 * Formats an amount held in the currency's minor unit (the API's `priceCents`) with
 * Intl.NumberFormat, honouring the currency's number of minor digits (USD 4500 → "$45.00",
 * JPY 4500 → "¥4,500"). A missing price gives "—"; an unknown currency code falls back to
 * "45.00 XYZ" instead of throwing.
 */
export function formatPrice(priceCents: number | null | undefined, currency: string | null | undefined, locale = 'en-US'): string {
  if (priceCents === null || priceCents === undefined || !Number.isFinite(priceCents)) return '\u2014';
  const code = (currency ?? '').trim().toUpperCase();
  let formatter: Intl.NumberFormat;
  try {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
  } catch {
    return `${(priceCents / 100).toFixed(2)} ${code || '???'}`.trim();
  }
  const minorDigits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(priceCents / 10 ** minorDigits);
}

// Instants cross the API as ISO 8601 strings and live in the engine as epoch milliseconds; the
// conversions go through Temporal (no Date arithmetic anywhere, no offset math by hand).
import { Temporal } from 'temporal-polyfill';

/** Epoch milliseconds of an ISO 8601 instant with offset or Z (RangeError otherwise). */
export const instantMs = (iso: string): number => Temporal.Instant.from(iso).epochMilliseconds;

/** ISO 8601 UTC with milliseconds, e.g. 2026-03-04T14:00:00.000Z. */
export const isoOf = (ms: number): string => Temporal.Instant.fromEpochMilliseconds(ms).toString({ fractionalSecondDigits: 3 });

export const nowMs = (): number => Temporal.Now.instant().epochMilliseconds;

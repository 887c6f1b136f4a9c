// Node's ICU and PostgreSQL each carry a tz database, possibly of different versions. Compare the
// wall-clock time both give for sample instants in zones whose rules changed recently; a
// disagreement is reported on /readyz instead of silently computing two answers.
import type pg from 'pg';
import { Temporal } from 'temporal-polyfill';

/** Zones with recent or scheduled rule changes, plus a few steady ones. */
export const TZ_SAMPLE_ZONES = [
  'Africa/Casablanca', 'America/Asuncion', 'America/Mexico_City', 'America/Nuuk', 'Europe/Kyiv',
  'Asia/Almaty', 'America/Phoenix', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London',
];

export interface TzdataComparison {
  nodeVersion: string | undefined;
  samples: number;
  mismatches: { zone: string; instant: string; node: string; postgres: string }[];
}

/** Noon UTC on the 15th of `months` consecutive months from `from`'s month. */
function sampleInstants(from: Temporal.Instant, months: number): Temporal.Instant[] {
  const first = from.toZonedDateTimeISO('UTC').toPlainDate().with({ day: 15 });
  return Array.from({ length: months }, (_, i) => first.add({ months: i }).toZonedDateTime({ timeZone: 'UTC', plainTime: '12:00' }).toInstant());
}

export function nodeWallClock(zone: string, instant: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Compares 36 monthly instants from `from` in every sample zone, in one query. */
export async function compareTzdata(client: Pick<pg.ClientBase, 'query'>, from: Temporal.Instant = Temporal.Now.instant()): Promise<TzdataComparison> {
  const instants = sampleInstants(from, 36);
  const { rows } = await client.query<{ zone: string; instant: Date; local: string }>(
    `select z as zone, i as instant, to_char(i at time zone z, 'YYYY-MM-DD"T"HH24:MI') as local
       from unnest($1::text[]) z cross join unnest($2::timestamptz[]) i`,
    [TZ_SAMPLE_ZONES, instants.map((i) => i.toString())],
  );
  return { nodeVersion: process.versions.tz, samples: rows.length, mismatches: disagreements(rows) };
}

/** The samples whose PostgreSQL wall-clock time differs from Node's for the same zone and instant. */
export function disagreements(rows: { zone: string; instant: Date; local: string }[]): TzdataComparison['mismatches'] {
  return rows
    .map((row) => ({ zone: row.zone, instant: row.instant.toISOString(), node: nodeWallClock(row.zone, row.instant), postgres: row.local }))
    .filter((row) => row.node !== row.postgres);
}

// The shared time vectors through GraphQL (previewRecurrence) and through SQL (to_utc, local_time):
// one definition of local time in TypeScript and PostgreSQL alike.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expandRecurrence } from '../../server/src/engine/recurrence.ts';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { timeVectors } from '../helpers/vectors.ts';

const sample = timeVectors;
const PREVIEW = `query($r: String!, $d: String!, $tz: String!, $m: Int!, $f: Datetime!, $t: Datetime!, $x: [String!], $dz: String) {
  previewRecurrence(rrule: $r, dtstartLocal: $d, timeZone: $tz, durationMinutes: $m, from: $f, to: $t, exdatesLocal: $x, displayTimeZone: $dz) {
    startUtc endUtc startLocal abbreviation utcOffset timeZone } }`;
const z = (iso: string) => new Date(iso).toISOString().replace('.000Z', 'Z');

let api: TestApi;
const db = new pg.Pool({ connectionString: inject('db').ownerUrl, max: 2 });
beforeAll(async () => {
  api = await startTestApi(inject('db'));
});
afterAll(async () => {
  await api?.close();
  await db.end();
});

describe('previewRecurrence runs every shared vector', () => {
  for (const v of sample.vectors) {
    it(v.id, async () => {
      const result = await api.gql<{ previewRecurrence: { startUtc: string; endUtc: string; startLocal: string; abbreviation: string; utcOffset: string }[] }>(PREVIEW, {
        tenant: 'meridian',
        variables: { r: v.rrule, d: v.dtstart_local, tz: v.tz, m: v.duration_minutes, f: v.window_utc[0], t: v.window_utc[1], x: v.exdates_local ?? null },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data!.previewRecurrence.map((i) => ({ start_utc: z(i.startUtc), end_utc: z(i.endUtc), start_local: i.startLocal }))).toEqual(v.expected);
      for (const instance of result.data!.previewRecurrence) expect(instance.utcOffset).toMatch(/^[+-]\d{2}:\d{2}$/);
    });
  }

  it('labels instances in another display zone with its tzdata abbreviation', async () => {
    const v = sample.vectors.find((x) => x.id === 'ny-weekly-we-0900-march')!;
    const result = await api.gql<{ previewRecurrence: { startLocal: string; abbreviation: string; utcOffset: string; timeZone: string }[] }>(PREVIEW, {
      tenant: 'meridian',
      variables: { r: v.rrule, d: v.dtstart_local, tz: v.tz, m: v.duration_minutes, f: v.window_utc[0], t: v.window_utc[1], dz: 'Asia/Kathmandu' },
    });
    expect(result.data!.previewRecurrence[0]).toMatchObject({ startLocal: '2026-03-04T19:45:00', abbreviation: '+0545', utcOffset: '+05:45', timeZone: 'Asia/Kathmandu' });
  });

  it('answers bad rules with registered codes', async () => {
    const v = sample.vectors[0]!;
    const vars = { r: v.rrule, d: v.dtstart_local, tz: v.tz, m: 60, f: v.window_utc[0], t: v.window_utc[1] };
    const cases: [Record<string, unknown>, string][] = [
      [{ r: 'FREQ=WEEKLY;BYDAY=XX' }, 'RRULE_INVALID'],
      [{ r: 'FREQ=HOURLY;COUNT=3' }, 'RRULE_FREQUENCY'],
      [{ r: 'FREQ=WEEKLY;BYDAY=TH;COUNT=3' }, 'RRULE_DTSTART'],
      [{ tz: 'Mars/Base' }, 'TZINV'],
      [{ dz: 'Mars/Base' }, 'TZINV'],
      [{ f: v.window_utc[1], t: v.window_utc[0] }, 'INVALID_RANGE'],
      [{ r: 'FREQ=DAILY', t: '2099-01-01T00:00:00Z' }, 'RRULE_TOO_MANY'],
    ];
    for (const [change, code] of cases) {
      const result = await api.gql(PREVIEW, { tenant: 'meridian', variables: { ...vars, ...change } });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(change)).toBe(code);
    }
  });
});

describe('SQL and TypeScript agree on local time', () => {
  it('to_utc resolves every nominal instance of every vector to the engine\'s instant', async () => {
    for (const v of sample.vectors) {
      const occurrences = expandRecurrence({ rrule: v.rrule, dtstartLocal: v.dtstart_local, timeZone: v.tz, durationMinutes: v.duration_minutes,
        window: [Date.parse(v.window_utc[0]), Date.parse(v.window_utc[1])], exdatesLocal: v.exdates_local });
      const { rows } = await db.query<{ t: Date }>(`select app_public.to_utc(l::timestamp, $2) as t from unnest($1::text[]) with ordinality u(l, n) order by n`,
        [occurrences.map((o) => o.nominalLocal), v.tz]);
      expect(rows.map((r) => r.t.getTime()), v.id).toEqual(occurrences.map((o) => o.start));
    }
  });

  it('local_time gives the vectors\' wall-clock time, offset and abbreviation', async () => {
    for (const i of sample.instants) {
      const { rows } = await db.query<{ local: string; utc_offset: string; abbreviation: string }>(
        `select to_char((z).local, 'YYYY-MM-DD"T"HH24:MI:SS') as local, (z).utc_offset, (z).abbreviation from (select app_public.local_time($1, $2) as z) x`, [i.utc, i.tz]);
      expect(rows[0], i.id).toEqual({ local: i.expected_local, utc_offset: i.expected_utc_offset, abbreviation: i.expected_abbreviation });
    }
  });
});

// Recurring bookings: every instance within the horizon is checked and booked at the same local time
// across DST; all-or-nothing and skip modes; edits are atomic; the horizon task extends series and
// re-resolves instances when the tz database changes, flagging collisions instead of moving them.
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { extendAllSeries } from '../../server/src/series.ts';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York
const id = (n: number) => `e7000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [DOC, ROOM, SERVICE] = [id(1), id(2), id(11)];
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 3 });
let api: TestApi;
let token: string;

// The first Wednesday at least 8 days ahead, as a local date in New York.
const firstWednesday = (() => {
  let d = Temporal.Now.plainDateISO('America/New_York').add({ days: 8 });
  while (d.dayOfWeek !== 3) d = d.add({ days: 1 });
  return d.toString();
})();

const SERIES = `mutation($input: BookRecurringInput!) { bookRecurring(input: $input) {
  seriesId horizonEnd booked { bookingId start startLocal abbreviation } skipped { start startLocal reason } } }`;
interface SeriesData {
  seriesId: string;
  horizonEnd: string;
  booked: { bookingId: string; start: string; startLocal: string; abbreviation: string }[];
  skipped: { start: string; startLocal: string; reason: string }[];
}
const gql = <T>(query: string, variables: Record<string, unknown>) => api.gql<T>(query, { token, variables });
const book = (input: Record<string, unknown>) => gql<{ bookRecurring: SeriesData }>(SERIES, {
  input: { serviceId: SERVICE, customer: { name: 'Series Customer', email: `series-${Math.random()}@example.test` }, rrule: 'FREQ=WEEKLY;BYDAY=WE', dtstartLocal: `${firstWednesday}T09:00:00`, ...input },
});

beforeAll(async () => {
  api = await startTestApi(db);
  token = await api.token('app_staff', NORTHGATE);
  await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
    ($1, $2, $4, 'practitioner', 'Series Doc', '{series}'), ($1, $3, $4, 'room', 'Series Room', '{series}')`, [NORTHGATE, DOC, ROOM, HALL]);
  await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, d, '08:00', '18:00' from unnest($2::uuid[]) r cross join generate_series(1, 5) d`, [NORTHGATE, [DOC, ROOM]]);
  await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes) values ($1, $2, $3, 'Series Therapy', 60, 30)`, [NORTHGATE, SERVICE, HALL]);
  await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
    ($1, $2, 'Therapist', 'practitioner', '{series}'), ($1, $2, 'Room', 'room', '{series}')`, [NORTHGATE, SERVICE]);
});
afterAll(async () => {
  await api?.close();
  await owner.end();
});

const clear = async () => {
  await owner.query(`delete from app_public.booking where service_id = $1`, [SERVICE]);
  await owner.query(`delete from app_public.booking_series where service_id = $1`, [SERVICE]);
};

describe('bookRecurring', () => {
  it('books every weekly instance within the horizon at 09:00 local, across the DST change', async () => {
    await clear();
    const result = await book({});
    expect(result.errors).toBeUndefined();
    const series = result.data!.bookRecurring;
    expect(series.booked.length).toBeGreaterThan(20); // 180-day horizon
    expect(series.skipped).toEqual([]);
    expect(new Set(series.booked.map((b) => b.startLocal.slice(11)))).toEqual(new Set(['09:00:00']));
    expect(new Set(series.booked.map((b) => b.abbreviation))).toEqual(new Set(['EST', 'EDT']));
    // 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z: the instant moves, the wall-clock time does not.
    expect(new Set(series.booked.map((b) => b.start.slice(11, 16)))).toEqual(new Set(['14:00', '13:00']));
    const { rows } = await owner.query(`select count(*)::int as n from app_public.booking_allocation a join app_public.booking b on b.id = a.booking_id where b.series_id = $1 and a.active`, [series.seriesId]);
    expect(rows[0].n).toBe(series.booked.length * 2);
  });

  it('is all or nothing: one taken instance fails the whole series and writes nothing', async () => {
    await clear();
    const first = (await book({})).data!.bookRecurring;
    const taken = first.booked[5]!;
    await clear();
    // A single booking on the sixth Wednesday.
    const single = await gql<{ createBooking: { bookingId: string } }>(`mutation($s: UUID!, $t: Datetime!) { createBooking(input: { serviceId: $s, start: $t, customer: { name: "Blocker" } }) { bookingId } }`, { s: SERVICE, t: taken.start });
    expect(single.errors).toBeUndefined();
    const before = (await owner.query(`select count(*)::int as n from app_public.booking_series where service_id = $1`, [SERVICE])).rows[0].n;
    const refused = await book({});
    expect(refused.errors?.[0]?.extensions?.code).toBe('SLOT_TAKEN');
    expect(Date.parse(String(refused.errors?.[0]?.extensions?.instance))).toBe(Date.parse(taken.start));
    expect((await owner.query(`select count(*)::int as n from app_public.booking_series where service_id = $1`, [SERVICE])).rows[0].n).toBe(before);
    expect((await owner.query(`select count(*)::int as n from app_public.booking where service_id = $1 and series_id is not null`, [SERVICE])).rows[0].n).toBe(0);

    const skipping = await book({ mode: 'SKIP_CONFLICTS' });
    expect(skipping.errors).toBeUndefined();
    const result = skipping.data!.bookRecurring;
    expect(result.skipped.map((s) => s.start)).toEqual([taken.start]);
    expect(result.booked.length).toBe(first.booked.length - 1);
    const conflicts = await owner.query(`select count(*)::int as n from app_public.series_conflict where series_id = $1`, [result.seriesId]);
    expect(conflicts.rows[0].n).toBe(1);
  });

  it('shows an operator in another zone the times in theirs', async () => {
    await clear();
    const result = await book({ displayTimeZone: 'Europe/London', rrule: 'FREQ=WEEKLY;BYDAY=WE;COUNT=2' });
    expect(result.errors).toBeUndefined();
    // 09:00 in New York is 14:00 in London (GMT) in winter.
    expect(result.data!.bookRecurring.booked[0]!.abbreviation).toMatch(/^(GMT|BST)$/);
    expect(result.data!.bookRecurring.booked[0]!.startLocal).toMatch(/T1[34]:00:00$/);
  });

  it('rejects bad rules with registered codes', async () => {
    for (const [input, code] of [
      [{ rrule: 'FREQ=MINUTELY' }, 'RRULE_FREQUENCY'],
      [{ rrule: 'FREQ=WEEKLY;BYDAY=TH' }, 'RRULE_DTSTART'],
      [{ rrule: 'FREQ=WEEKLY;BYDAY=QQ' }, 'RRULE_INVALID'],
      [{ timeZone: 'Mars/Base' }, 'TZINV'],
      [{ rrule: 'FREQ=YEARLY;COUNT=2', dtstartLocal: `${Number(firstWednesday.slice(0, 4)) + 2}${firstWednesday.slice(4)}T09:00:00` }, 'RRULE_BEYOND_HORIZON'],
    ] as const) {
      const result = await book(input);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
    }
  });
});

describe('editing a series', () => {
  it('moves this and following instances atomically, and refuses a move onto taken time without changing anything', async () => {
    await clear();
    const original = (await book({})).data!.bookRecurring;
    const from = original.booked[3]!.start;
    const UPDATE = `mutation($input: UpdateSeriesInput!) { updateSeries(input: $input) { seriesId booked { start startLocal } } }`;
    // Block 11:00 on the fifth Wednesday; moving to 11:00 from the fourth instance must fail and change nothing.
    const blockAt = Temporal.Instant.from(original.booked[4]!.start).add({ hours: 2 }).toString();
    expect((await gql(`mutation($s: UUID!, $t: Datetime!) { createBooking(input: { serviceId: $s, start: $t, customer: { name: "Blocker" } }) { bookingId } }`, { s: SERVICE, t: blockAt })).errors).toBeUndefined();
    const dtstart11 = `${Temporal.Instant.from(from).toZonedDateTimeISO('America/New_York').toPlainDate().toString()}T11:00:00`;
    const refused = await gql(UPDATE, { input: { seriesId: original.seriesId, from, dtstartLocal: dtstart11 } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('SLOT_TAKEN');
    const unchanged = await owner.query(`select count(*)::int as n from app_public.booking where series_id = $1 and status = 'confirmed'`, [original.seriesId]);
    expect(unchanged.rows[0].n).toBe(original.booked.length);

    const dtstart10 = dtstart11.replace('T11:', 'T10:');
    const moved = await gql<{ updateSeries: { seriesId: string; booked: { startLocal: string }[] } }>(UPDATE, { input: { seriesId: original.seriesId, from, dtstartLocal: dtstart10 } });
    expect(moved.errors).toBeUndefined();
    expect(new Set(moved.data!.updateSeries.booked.map((b) => b.startLocal.slice(11)))).toEqual(new Set(['10:00:00']));
    const kept = await owner.query(`select count(*)::int as n from app_public.booking where series_id = $1 and status = 'confirmed'`, [original.seriesId]);
    expect(kept.rows[0].n).toBe(3); // the first three instances stay at 09:00
    const status = await owner.query(`select status from app_public.booking_series where id = $1`, [original.seriesId]);
    expect(status.rows[0].status).toBe('ended');
  });

  it('cancels a whole series from now on', async () => {
    await clear();
    const series = (await book({})).data!.bookRecurring;
    const result = await gql<{ cancelSeries: { cancelled: number } }>(`mutation($s: UUID!) { cancelSeries(input: { seriesId: $s }) { cancelled } }`, { s: series.seriesId });
    expect(result.data!.cancelSeries.cancelled).toBe(series.booked.length);
    const active = await owner.query(`select count(*)::int as n from app_public.booking_allocation a join app_public.booking b on b.id = a.booking_id where b.series_id = $1 and a.active`, [series.seriesId]);
    expect(active.rows[0].n).toBe(0);
  });
});

describe('the horizon task', () => {
  it('books instances up to the horizon and re-resolves them after a tzdata change, flagging a collision', async () => {
    await clear();
    const series = (await book({})).data!.bookRecurring;
    const client = await owner.connect();
    try {
      // As if the horizon had been 60 days: later instances are not booked yet.
      const cut = Temporal.Now.instant().add({ hours: 24 * 60 }).toString();
      await client.query(`delete from app_public.booking where series_id = $1 and starts_at >= $2`, [series.seriesId, cut]);
      await client.query(`update app_public.booking_series set materialised_until = $2 where id = $1`, [series.seriesId, cut]);
      const extended = await extendAllSeries(client, { tzdataVersion: process.versions.tz });
      expect(extended.booked).toBeGreaterThan(0);
      const count = await client.query(`select count(*)::int as n from app_public.booking where series_id = $1 and status = 'confirmed'`, [series.seriesId]);
      expect(count.rows[0].n).toBe(series.booked.length);

      // As if the instances had been resolved with other tz rules: two are an hour off.
      const [a, b, moved] = [series.booked[2]!, series.booked[3]!, series.booked[4]!];
      await client.query('begin');
      await client.query(`select set_config('app.series_resolving', 'on', true)`); // as the task would have written them
      await client.query(`update app_public.booking set starts_at = starts_at + interval '1 hour', ends_at = ends_at + interval '1 hour' where id = any($1)`, [[a.bookingId, b.bookingId]]);
      await client.query('commit');
      // Staff moved one instance on its own: it is detached and stays where they put it.
      await client.query(`update app_public.booking set starts_at = starts_at + interval '2 hours', ends_at = ends_at + interval '2 hours' where id = $1`, [moved.bookingId]);
      await client.query(`update app_public.booking_series set tzdata_version = '1999z' where id = $1`, [series.seriesId]);
      // Someone books b's correct time meanwhile: b must not be moved onto it.
      await client.query(`select set_config('jwt.claims.tenant_id', $1, false)`, [NORTHGATE]);
      const blocker = await client.query<{ id: string }>(`insert into app_public.booking (tenant_id, service_id, customer_id, starts_at)
        select $1, $2, customer_id, $3 from app_public.booking where id = $4 returning id`, [NORTHGATE, SERVICE, b.start, b.bookingId]);
      await client.query(`insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ($1, $2, $3)`, [NORTHGATE, blocker.rows[0]!.id, DOC]);
      const report = await extendAllSeries(client, { tzdataVersion: process.versions.tz });
      expect(report.moved).toBeGreaterThanOrEqual(1);
      expect(report.conflicts).toBeGreaterThanOrEqual(1);
      const after = await client.query<{ id: string; starts_at: Date }>(`select id, starts_at from app_public.booking where id = any($1)`, [[a.bookingId, b.bookingId, moved.bookingId]]);
      const at = Object.fromEntries(after.rows.map((r) => [r.id, r.starts_at.toISOString()]));
      expect(at[a.bookingId]).toBe(new Date(a.start).toISOString()); // moved back to 09:00 local
      expect(Date.parse(at[b.bookingId]!)).toBe(Date.parse(b.start) + 3_600_000); // stays an hour off, flagged
      expect(Date.parse(at[moved.bookingId]!)).toBe(Date.parse(moved.start) + 7_200_000); // detached: not re-resolved
      const flagged = await client.query(`select reason from app_public.series_conflict where series_id = $1`, [series.seriesId]);
      expect(flagged.rows.map((r) => r.reason).join()).toMatch(/tz database/);
    } finally {
      await client.query(`select set_config('jwt.claims.tenant_id', '', false)`);
      client.release();
    }
  });
});

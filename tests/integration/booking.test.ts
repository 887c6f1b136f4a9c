// The booking flow through GraphQL, with both hold stores: holds hide time from others, confirm
// books atomically and idempotently, expired holds, cancel and reschedule, and hand-crafted requests.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York
const id = (n: number) => `e6000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DOC = id(1);
const ROOM = id(2);
const SERVICE = id(11);
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });

// A Thursday 3-5 weeks ahead; the doctor and room work 08:00-18:00 New York time that day.
const thursday = (() => {
  const d = new Date(Date.now() + 21 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((4 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
})();
const at = async (local: string) => (await owner.query<{ t: Date }>(`select app_public.to_utc($1, 'America/New_York') as t`, [`${thursday} ${local}`])).rows[0]!.t.toISOString();

beforeAll(async () => {
  await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
    ($1, $2, $4, 'practitioner', 'Flow Doc', '{flow}'), ($1, $3, $4, 'room', 'Flow Room', '{flow}')`, [NORTHGATE, DOC, ROOM, HALL]);
  await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, 4, '08:00', '18:00' from unnest($2::uuid[]) r`, [NORTHGATE, [DOC, ROOM]]);
  await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, buffer_after_minutes, slot_step_minutes, max_advance_days)
    values ($1, $2, $3, 'Flow Visit', 30, 10, 30, 120)`, [NORTHGATE, SERVICE, HALL]);
  await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
    ($1, $2, 'Doctor', 'practitioner', '{flow}'), ($1, $2, 'Room', 'room', '{flow}')`, [NORTHGATE, SERVICE]);
});
afterAll(() => owner.end());

interface Gql {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  data?: Record<string, unknown> | null;
}

const stores: [string, () => string | undefined][] = [
  ['redis', () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'],
  ['postgres', () => undefined],
];
describe.each(stores)('booking flow with the %s hold store', (store, redisUrl) => {
  let api: TestApi;
  const anon = (query: string, variables: Record<string, unknown>): Promise<Gql> => api.gql(query, { tenant: 'northgate', variables });
  const hold = (start: string, ttlSeconds?: number): Promise<Gql> =>
    anon(`mutation($s: UUID!, $t: Datetime!, $ttl: Int) { placeHold(input: { serviceId: $s, start: $t, ttlSeconds: $ttl }) { token expiresAt start end resources { id requirementId } } }`, { s: SERVICE, t: start, ttl: ttlSeconds });
  const confirm = (token: string, key?: string, email = `${store}@flow.test`): Promise<Gql> =>
    anon(`mutation($h: String!, $k: String, $e: String) { confirmBooking(input: { holdToken: $h, idempotencyKey: $k, customer: { name: "Flow Customer", email: $e } }) { bookingId replayed start end status startLocal abbreviation timeZone } }`, { h: token, k: key, e: email });
  const offered = async (holdToken?: string) => {
    const result = await anon(`query($s: UUID!, $f: Datetime!, $t: Datetime!, $h: String) { availableSlots(serviceId: $s, from: $f, to: $t, first: 500, holdToken: $h) { nodes { start heldByYou } } }`,
      { s: SERVICE, f: `${thursday}T00:00:00Z`, t: new Date(Date.parse(`${thursday}T00:00:00Z`) + 2 * 86_400_000).toISOString(), h: holdToken });
    return (result.data!.availableSlots as { nodes: { start: string; heldByYou: boolean }[] }).nodes;
  };
  const staffToken = () => api.token('app_staff', NORTHGATE, '00000000-0000-4000-8000-0000000000aa');

  beforeAll(async () => {
    api = await startTestApi(db, { redisUrl: redisUrl() });
    await owner.query(`delete from app_public.booking where service_id = $1`, [SERVICE]);
    await owner.query(`delete from app_private.hold where service_id = $1`, [SERVICE]);
  });
  afterAll(() => api?.close());

  it('a hold hides the time from others, shows it to its holder, and blocks a second hold', async () => {
    const start = await at('09:00');
    const placed = await hold(start);
    expect(placed.errors).toBeUndefined();
    const token = (placed.data!.placeHold as { token: string }).token;
    expect((await offered()).map((s) => s.start)).not.toContain(start);
    expect((await offered(token)).find((s) => s.start === start)?.heldByYou).toBe(true);
    const second = await hold(start);
    expect(second.errors?.[0]?.extensions?.code).toBe('HOLD_CONFLICT');
    expect((second.errors?.[0]?.extensions?.alternatives as unknown[]).length).toBeGreaterThan(0);
    await anon(`mutation($t: String!) { releaseHold(token: $t) }`, { t: token });
    expect((await offered()).map((s) => s.start)).toContain(start);
  });

  it('confirms a held slot once, idempotently even when two retries race', async () => {
    const start = await at('10:00');
    const token = ((await hold(start)).data!.placeHold as { token: string }).token;
    const key = `${store}-idem-${Date.now()}`;
    // Eight retries of one checkout arrive at once: one booking, seven replays of it.
    const results = await Promise.all(Array.from({ length: 8 }, () => confirm(token, key)));
    expect(results.map((r) => r.errors)).toEqual(Array(8).fill(undefined));
    const answers = results.map((r) => r.data!.confirmBooking as { bookingId: string; replayed: boolean });
    const a = results[0]!;
    const first = answers.find((x) => !x.replayed)!;
    expect(new Set(answers.map((x) => x.bookingId))).toEqual(new Set([first.bookingId]));
    expect(answers.filter((x) => !x.replayed)).toHaveLength(1);
    // Times come back in the location's zone with the tzdata abbreviation.
    expect(a.data!.confirmBooking).toMatchObject({ startLocal: `${thursday}T10:00:00`, timeZone: 'America/New_York' });
    expect((a.data!.confirmBooking as { abbreviation: string }).abbreviation).toMatch(/^E[SD]T$/);
    const { rows } = await owner.query(`select count(*)::int as n from app_public.booking_allocation where booking_id = $1 and active`, [first.bookingId]);
    expect(rows[0].n).toBe(2);
    const jobs = await owner.query(
      `select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
       where t.identifier = 'booking__confirmed' and j.payload->>'bookingId' = $1`, [first.bookingId]);
    expect(jobs.rows[0].n).toBe(1);
    expect((await offered()).map((s) => s.start)).not.toContain(start);
    // The hold is spent: confirming it again without the key books nothing more (the Postgres hold is
    // gone with the booking; a Redis hold lingers a few seconds over the booked time).
    expect(['HOLD_EXPIRED', 'SLOT_TAKEN']).toContain((await confirm(token)).errors?.[0]?.extensions?.code);
    const again = await owner.query(`select count(*)::int as n from app_public.booking where service_id = $1 and starts_at = $2 and status = 'confirmed'`, [SERVICE, start]);
    expect(again.rows[0].n).toBe(1);
  });

  it('confirms an expired hold while its time is still free, and refuses it once taken', async () => {
    const free = await at('11:00');
    const expiring = ((await hold(free, 1)).data!.placeHold as { token: string }).token;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const late = await confirm(expiring);
    expect(late.errors).toBeUndefined();

    const contested = await at('12:00');
    const mine = ((await hold(contested, 1)).data!.placeHold as { token: string }).token;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const theirs = ((await hold(contested)).data!.placeHold as { token: string }).token;
    expect((await confirm(theirs, undefined, `other-${store}@flow.test`)).errors).toBeUndefined();
    const refused = await confirm(mine);
    expect(refused.errors?.[0]?.extensions?.code).toBe('HOLD_EXPIRED');
    expect((refused.errors?.[0]?.extensions?.alternatives as unknown[]).length).toBeGreaterThan(0);
  });

  it('rejects hand-crafted starts that no search offers', async () => {
    const offGrid = await hold(await at('09:10'));
    expect(offGrid.errors?.[0]?.extensions?.code).toBe('SLOT_NOT_OFFERED');
    // 22:00 is after the doctor's hours and at the hall's closing time: the location's hours are named.
    const night = await hold(await at('22:00'));
    expect(night.errors?.[0]?.extensions?.code).toBe('LOCATION_CLOSED');
    const evening = await hold(await at('18:30'));
    expect(evening.errors?.[0]?.extensions?.code).toBe('SLOT_TAKEN');
    const past = await hold('2020-01-02T14:00:00.000Z');
    expect(past.errors?.[0]?.extensions?.code).toBe('SLOT_NOT_OFFERED');
  });

  it('lets staff book directly, cancel (freeing the time) and reschedule atomically', async () => {
    const token = await staffToken();
    const staff = (query: string, variables: Record<string, unknown>) => api.gql(query, { token, variables }) as Promise<Gql>;
    const create = (start: string) => staff(`mutation($s: UUID!, $t: Datetime!) { createBooking(input: { serviceId: $s, start: $t, customer: { name: "Walk In" } }) { bookingId start } }`, { s: SERVICE, t: start });
    const one = await create(await at('14:00'));
    expect(one.errors).toBeUndefined();
    const two = await create(await at('15:00'));
    const bookingOne = (one.data!.createBooking as { bookingId: string }).bookingId;
    const bookingTwo = (two.data!.createBooking as { bookingId: string }).bookingId;
    // Moving two onto one's time fails and changes nothing.
    const clash = await staff(`mutation($b: UUID!, $t: Datetime!) { rescheduleBooking(input: { bookingId: $b, start: $t }) { start } }`, { b: bookingTwo, t: await at('14:00') });
    expect(clash.errors?.[0]?.extensions?.code).toBe('SLOT_TAKEN');
    const unchanged = await owner.query(`select starts_at from app_public.booking where id = $1`, [bookingTwo]);
    expect(unchanged.rows[0].starts_at.toISOString()).toBe(await at('15:00'));
    // Cancelling one frees 14:00; now the move succeeds.
    expect((await staff(`mutation($b: UUID!) { cancelBooking(input: { bookingId: $b, reason: "test" }) { status } }`, { b: bookingOne })).errors).toBeUndefined();
    const moved = await staff(`mutation($b: UUID!, $t: Datetime!) { rescheduleBooking(input: { bookingId: $b, start: $t }) { start } }`, { b: bookingTwo, t: await at('14:00') });
    expect(moved.errors).toBeUndefined();
    const { rows } = await owner.query(`select lower(busy) as s from app_public.booking_allocation where booking_id = $1`, [bookingTwo]);
    expect(rows.map((r) => r.s.toISOString())).toEqual([await at('14:00'), await at('14:00')]);
  });

  it('does not let anonymous visitors book without a hold, nor cancel', async () => {
    const direct = await anon(`mutation($s: UUID!, $t: Datetime!) { createBooking(input: { serviceId: $s, start: $t, customer: { name: "X" } }) { bookingId } }`, { s: SERVICE, t: await at('16:00') });
    expect(direct.errors?.[0]?.extensions?.code).toBe('PERMISSION_DENIED');
  });
});

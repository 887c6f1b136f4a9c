// Races on the booking path: 10,000 booking attempts from 50 concurrent HTTP clients against 50
// slots of one resource set (both hold stores), raw concurrent SQL that bypasses the API, and two
// services that share one room. Whatever the interleaving: one booking per slot, no overlapping active
// allocations, and every loser gets a typed error with alternatives.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York
const ZONE = 'America/New_York';
const ATTEMPTS = 10_000;
const CLIENTS = 50;
const TARGETS = 50;
const LOSING_CODES = new Set(['HOLD_CONFLICT', 'SLOT_TAKEN', 'HOLD_EXPIRED']);
// Fresh ids every run: Redis outlives the test database, and its holds are keyed by resource id.
const run = randomUUID().slice(0, 8);
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
afterAll(() => owner.end());

// A Monday 3-5 weeks ahead (its date in UTC and in New York agree at local working hours).
const monday = (() => {
  const d = new Date(Date.now() + 21 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
})();
const localToUtc = async (days: number, hour: number, minute = 0): Promise<string> =>
  (await owner.query<{ t: Date }>(`select app_public.to_utc($1::date + make_interval(days => $2, hours => $3, mins => $4), $5) as t`, [monday, days, hour, minute, ZONE])).rows[0]!.t.toISOString();

interface Fixture {
  serviceId: string;
  resourceIds: string[];
  /** 50 non-overlapping starts: Mon-Fri 08:00-17:00 local, on the hour. */
  targets: string[];
}

/**
 * A service needing 1 practitioner + 1 room (each the only candidate), 60 min, no buffers, 60-min
 * step. Both work Mon-Fri 07:00-20:00, so 07:00, 18:00 and 19:00 stay free as alternatives.
 */
async function raceFixture(label: string): Promise<Fixture> {
  const [doc, room, serviceId] = [randomUUID(), randomUUID(), randomUUID()];
  const tag = `race-${label}-${run}`;
  await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
    ($1, $2, $4, 'practitioner', $5, array[$7]), ($1, $3, $4, 'room', $6, array[$7])`,
  [NORTHGATE, doc, room, HALL, `Race Doc ${label} ${run}`, `Race Room ${label} ${run}`, tag]);
  await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, wd, '07:00', '20:00' from unnest($2::uuid[]) r cross join generate_series(1, 5) wd`, [NORTHGATE, [doc, room]]);
  await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
    values ($1, $2, $3, $4, 60, 60, 120)`, [NORTHGATE, serviceId, HALL, `Race Visit ${label} ${run}`]);
  await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
    ($1, $2, 'Practitioner', 'practitioner', array[$3]), ($1, $2, 'Room', 'room', array[$3])`, [NORTHGATE, serviceId, tag]);
  const targets: string[] = [];
  for (let day = 0; day < 5; day++) for (let hour = 8; hour < 18; hour++) targets.push(await localToUtc(day, hour));
  expect(targets).toHaveLength(TARGETS);
  return { serviceId, resourceIds: [doc, room], targets };
}

interface GqlError {
  message: string;
  extensions?: { code?: string; alternatives?: { start: string }[] };
}
interface GqlReply {
  status: number;
  data?: Record<string, { token?: string; bookingId?: string } | null> | null;
  errors?: GqlError[];
}

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<GqlReply> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: response.status, errors: [{ message: text.slice(0, 200) }] };
  }
}

const PLACE_HOLD = `mutation($s: UUID!, $t: Datetime!) { placeHold(input: { serviceId: $s, start: $t }) { token expiresAt start end resources { id requirementId } } }`;
const CONFIRM = `mutation($h: String!, $e: String!, $k: String!) { confirmBooking(input: { holdToken: $h, idempotencyKey: $k, customer: { name: "Race Customer", email: $e }, notes: "race" }) { bookingId replayed } }`;

interface Hammered {
  attempts: number;
  seconds: number;
  confirmed: { bookingId: string; start: string }[];
  outcomes: Map<string, number>;
  /** Losers without a typed code, without alternatives, with the requested start among them, 5xx, INTERNAL. */
  violations: string[];
}

/** `attempts` placeHold (+ confirmBooking on a token) calls from `clients` concurrent clients, each on a random target. */
async function hammer(url: string, fixture: Fixture, label: string, attempts: number, clients: number): Promise<Hammered> {
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const confirmed: Hammered['confirmed'] = [];
  const violations: string[] = [];
  const checkLoss = (stage: string, start: string, reply: GqlReply) => {
    const error = reply.errors?.[0];
    const code = error?.extensions?.code ?? `HTTP ${reply.status}`;
    count(`${stage} ${code}`);
    const alternatives = error?.extensions?.alternatives;
    if (reply.status >= 500) violations.push(`${stage} ${start}: HTTP ${reply.status} ${error?.message}`);
    else if (!LOSING_CODES.has(code)) violations.push(`${stage} ${start}: code ${code}: ${error?.message}`);
    else if (!Array.isArray(alternatives) || alternatives.length === 0) violations.push(`${stage} ${start}: ${code} without alternatives`);
    else if (alternatives.some((a) => Date.parse(a.start) === Date.parse(start))) violations.push(`${stage} ${start}: ${code} offers the requested start as an alternative`);
  };
  const headers = { 'x-tenant': 'northgate' };
  let next = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < attempts) {
      const n = next++;
      const start = fixture.targets[Math.floor(Math.random() * fixture.targets.length)]!;
      const held = await post(url, PLACE_HOLD, { s: fixture.serviceId, t: start }, headers);
      const token = held.data?.placeHold?.token;
      if (!token) {
        checkLoss('placeHold', start, held);
        continue;
      }
      count('placeHold ok');
      const booked = await post(url, CONFIRM, { h: token, e: `race-${label}-${run}-${n}@race.test`, k: `race-${label}-${run}-${n}` }, headers);
      const bookingId = booked.data?.confirmBooking?.bookingId;
      if (bookingId) {
        count('confirmBooking ok');
        confirmed.push({ bookingId, start });
      } else {
        checkLoss('confirmBooking', start, booked);
      }
    }
  }));
  return { attempts, seconds: (performance.now() - began) / 1000, confirmed, outcomes, violations };
}

/** Pairs of overlapping active allocations on one resource (must be none). */
async function overlappingPairs(resourceIds: string[]): Promise<number> {
  const { rows } = await owner.query<{ n: number }>(
    `select count(*)::int as n from app_public.booking_allocation a
     join app_public.booking_allocation b on b.tenant_id = a.tenant_id and b.resource_id = a.resource_id and b.id <> a.id and b.busy && a.busy
     where a.active and b.active and a.resource_id = any($1::uuid[])`, [resourceIds]);
  return rows[0]!.n;
}

async function activeBookings(serviceId: string): Promise<{ n: number; starts: number }> {
  const { rows } = await owner.query<{ n: number; starts: number }>(
    `select count(*)::int as n, count(distinct starts_at)::int as starts from app_public.booking
     where service_id = $1 and status in ('pending_approval', 'confirmed')`, [serviceId]);
  return rows[0]!;
}

const stores: [string, () => string | undefined][] = [
  ['redis', () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'],
  ['postgres', () => undefined],
];

describe.each(stores)('10,000 booking attempts on 50 slots with the %s hold store', (store, redisUrl) => {
  let api: TestApi;
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await raceFixture(store);
    api = await startTestApi(db, { redisUrl: redisUrl() });
  });
  afterAll(() => api?.close());

  it(`books each slot exactly once; every loser gets a typed error with alternatives`, { timeout: 300_000 }, async () => {
    const result = await hammer(api.url, fixture, store, ATTEMPTS, CLIENTS);
    const summary = [...result.outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`race [${store} holds] ${result.attempts} attempts from ${CLIENTS} clients in ${result.seconds.toFixed(1)} s = `
      + `${(result.attempts / result.seconds).toFixed(0)} attempts/s; ${summary}`);
    if (result.violations.length) console.log(`race [${store} holds] ${result.violations.length} violations, e.g.\n  ${result.violations.slice(0, 10).join('\n  ')}`);

    expect(result.violations).toEqual([]);
    expect(result.confirmed).toHaveLength(TARGETS);
    expect(new Set(result.confirmed.map((c) => c.start)).size).toBe(TARGETS);
    expect(await activeBookings(fixture.serviceId)).toEqual({ n: TARGETS, starts: TARGETS });
    expect(await overlappingPairs(fixture.resourceIds)).toBe(0);
    // Each confirmed booking has both allocations, active.
    const { rows } = await owner.query<{ n: number }>(
      `select count(*)::int as n from app_public.booking_allocation where booking_id = any($1::uuid[]) and active`, [result.confirmed.map((c) => c.bookingId)]);
    expect(rows[0]!.n).toBe(2 * TARGETS);
  });
});

describe('contention below and beside the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(db);
  });
  afterAll(() => api?.close());

  it('raw concurrent SQL inserts that bypass the API are rejected by the database (23P01)', async () => {
    const [room, serviceId, customerId] = [randomUUID(), randomUUID(), randomUUID()];
    await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values ($1, $2, $3, 'room', $4, '{}')`,
      [NORTHGATE, room, HALL, `Raw Race Room ${run}`]);
    await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes) values ($1, $2, $3, $4, 60)`,
      [NORTHGATE, serviceId, HALL, `Raw Race ${run}`]);
    await owner.query(`insert into app_public.customer (tenant_id, id, name) values ($1, $2, 'Raw Racer')`, [NORTHGATE, customerId]);
    const base = Date.parse(await localToUtc(0, 9));
    const writers = 20;
    const clients = await Promise.all(Array.from({ length: writers }, async () => {
      const client = new pg.Client({ connectionString: db.ownerUrl });
      await client.connect();
      return client;
    }));
    try {
      // Every writer has its booking row in an open transaction before any allocation goes in; then
      // all insert an allocation at once, each a minute later than the previous (all overlap pairwise).
      let arrived = 0;
      let release!: () => void;
      const barrier = new Promise<void>((resolve) => (release = resolve));
      const results = await Promise.all(clients.map(async (client, i) => {
        const bookingId = randomUUID();
        try {
          await client.query('begin');
          await client.query(`insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) values ($1, $2, $3, $4, $5)`,
            [NORTHGATE, bookingId, serviceId, customerId, new Date(base + i * 60_000).toISOString()]);
          if (++arrived === writers) release();
          await barrier;
          await client.query(`insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ($1, $2, $3)`, [NORTHGATE, bookingId, room]);
          await client.query('commit');
          return 'committed';
        } catch (error) {
          if (arrived < writers) release(); // never leave the others waiting
          await client.query('rollback').catch(() => undefined);
          return (error as { code?: string }).code ?? String(error);
        }
      }));
      const tally = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
      console.log(`raw SQL race: ${JSON.stringify(tally)}`);
      expect(tally).toEqual({ committed: 1, '23P01': writers - 1 });
      const { rows } = await owner.query<{ n: number }>(`select count(*)::int as n from app_public.booking_allocation where resource_id = $1 and active`, [room]);
      expect(rows[0]!.n).toBe(1);
      expect(await overlappingPairs([room])).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  /** Two services (different practitioners) that need the same room; set up by the first shared-room test. */
  let shared: { token: string; serviceA: string; serviceB: string; room: string; resourceIds: string[] } | undefined;
  const CREATE = `mutation($s: UUID!, $t: Datetime!, $e: String!) { createBooking(input: { serviceId: $s, start: $t, customer: { name: "Shared Racer", email: $e } }) { bookingId serviceId } }`;
  const codesOf = (replies: GqlReply[]) => replies.reduce<Record<string, number>>((acc, r) => {
    const key = `${r.errors?.[0]?.extensions?.code ?? `HTTP ${r.status}`} (${r.errors?.[0]?.extensions?.alternatives?.length ? 'with' : 'without'} alternatives)`;
    return { ...acc, [key]: (acc[key] ?? 0) + 1 };
  }, {});

  it('two services sharing one room contend: exactly one booking holds the room', async () => {
    const [docA, docB, room, serviceA, serviceB, userId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const [tagA, tagB, tagRoom] = [`shared-a-${run}`, `shared-b-${run}`, `shared-room-${run}`];
    await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
      ($1, $2, $5, 'practitioner', $6, array[$9]), ($1, $3, $5, 'practitioner', $7, array[$10]), ($1, $4, $5, 'room', $8, array[$11])`,
    [NORTHGATE, docA, docB, room, HALL, `Shared Doc A ${run}`, `Shared Doc B ${run}`, `Shared Room ${run}`, tagA, tagB, tagRoom]);
    await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
      select $1, r, wd, '07:00', '20:00' from unnest($2::uuid[]) r cross join generate_series(1, 5) wd`, [NORTHGATE, [docA, docB, room]]);
    await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
      values ($1, $2, $4, $5, 60, 60, 120), ($1, $3, $4, $6, 60, 60, 120)`, [NORTHGATE, serviceA, serviceB, HALL, `Shared A ${run}`, `Shared B ${run}`]);
    await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
      ($1, $2, 'Practitioner', 'practitioner', array[$4]), ($1, $2, 'Room', 'room', array[$6]),
      ($1, $3, 'Practitioner', 'practitioner', array[$5]), ($1, $3, 'Room', 'room', array[$6])`, [NORTHGATE, serviceA, serviceB, tagA, tagB, tagRoom]);
    // A real staff member: the token's user exists and has a membership in the tenant.
    await owner.query(`insert into app_public.app_user (id, email, name) values ($1, $2, 'Race Staff')`, [userId, `race-staff-${run}@race.test`]);
    await owner.query(`insert into app_public.membership (tenant_id, user_id, role) values ($1, $2, 'staff')`, [NORTHGATE, userId]);
    const token = await api.token('app_staff', NORTHGATE, userId);
    shared = { token, serviceA, serviceB, room, resourceIds: [docA, docB, room] };
    const start = await localToUtc(1, 10);

    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      post(api.url, CREATE, { s: i % 2 ? serviceB : serviceA, t: start, e: `shared-${run}-${i}@race.test` }, { authorization: `Bearer ${token}` })));
    const won = replies.filter((r) => r.data?.createBooking?.bookingId);
    const lost = replies.filter((r) => !r.data?.createBooking?.bookingId);
    console.log(`shared room: ${won.length} booked, losers ${JSON.stringify(codesOf(lost))}`);
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(Array(39).fill('SLOT_TAKEN'));
    const { rows } = await owner.query<{ n: number; created_by: string }>(
      `select count(*)::int as n, min(b.created_by::text) as created_by from app_public.booking_allocation a join app_public.booking b on b.id = a.booking_id
       where a.resource_id = $1 and a.active and a.busy && tstzrange($2::timestamptz, $2::timestamptz + interval '60 minutes')`, [room, start]);
    expect(rows[0]).toEqual({ n: 1, created_by: userId });
    expect(await overlappingPairs([docA, docB, room])).toBe(0);
  });

  // Requests that pass the engine's check before the winner commits are refused inside
  // app_private.book (SLTKN). To make that interleaving certain, the room's advisory lock is held
  // while the requests arrive, so they all pass the check and queue in app_private.book.
  it('two services sharing one room contend: losers refused inside app_private.book get alternatives too', async () => {
    expect(shared).toBeDefined();
    const { token, serviceA, serviceB, room, resourceIds } = shared!;
    const start = await localToUtc(1, 14);
    const blocker = await owner.connect();
    let replies: GqlReply[];
    try {
      await blocker.query('begin');
      await blocker.query('select app_private.lock_resources($1, $2::uuid[])', [NORTHGATE, [room]]);
      const pending = Promise.all(Array.from({ length: 10 }, (_, i) =>
        post(api.url, CREATE, { s: i % 2 ? serviceB : serviceA, t: start, e: `shared-locked-${run}-${i}@race.test` }, { authorization: `Bearer ${token}` })));
      for (let waited = 0; waited < 10_000; waited += 50) {
        const { rows } = await owner.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`);
        if (rows[0]!.n >= 10) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await blocker.query('rollback');
      replies = await pending;
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
    }
    const lost = replies.filter((r) => !r.data?.createBooking?.bookingId);
    console.log(`shared room, lock held while the requests arrive: ${replies.length - lost.length} booked, losers ${JSON.stringify(codesOf(lost))}`);
    expect(replies.length - lost.length).toBe(1);
    expect(await overlappingPairs(resourceIds)).toBe(0);
    expect(lost.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(Array(9).fill('SLOT_TAKEN'));
    const without = lost.filter((r) => !r.errors?.[0]?.extensions?.alternatives?.length).map((r) => r.errors?.[0]?.message);
    expect(without).toEqual([]);
    for (const r of lost) expect(r.errors![0]!.extensions!.alternatives!.every((a) => Date.parse(a.start) !== Date.parse(start))).toBe(true);
  });
});

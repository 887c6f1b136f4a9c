// Business rules under concurrency: two or more transactions that each satisfy a rule alone but
// break it together must not all commit. Real concurrent connections as app_staff (through
// app_authenticator, with the claims the API sets), through app_private.book and through direct
// inserts into booking + booking_allocation: (a)/(b) a 30-minute sequence gap, (c) one booking per
// resource per day, (d) two concurrent bookings of a service, (e) one booking per customer per day.
// Each scenario has its own tenant (fresh ids), so nothing here meets the seed or other tests.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';

const db = inject('db');
const run = randomUUID().slice(0, 8);
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 3 });
const root = new pg.Pool({ connectionString: db.rootUrl, max: 1 });
const api = new pg.Pool({ connectionString: db.authUrl, max: 12 });
afterAll(async () => {
  await api.end();
  await owner.end();
  await root.end();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A start `days` UTC days after today at hh:mm (the fixtures' location is in UTC). */
function at(days: number, hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, h, m)).toISOString();
}

/** Resolves once `n` callers arrived (or rejects after a timeout, so a broken run cannot hang). */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    if (++arrived >= n) release();
    await Promise.race([all, sleep(10_000).then(() => Promise.reject(new Error('barrier timed out')))]);
  };
}

interface Fixture {
  tenantId: string;
  customerId: string;
  resources: Record<string, string[]>;
  services: Record<string, { id: string; requirementId: string }>;
}

/**
 * A tenant of its own with one location in UTC; `resources` kind → count (each works 00:00-24:00 all
 * week, tagged with its kind); `services` name → [minutes, kind] (one requirement: that kind).
 */
async function fixture(label: string, resources: Record<string, number>, services: Record<string, [number, string]>): Promise<Fixture> {
  const tenantId = randomUUID();
  const locationId = randomUUID();
  const customerId = randomUUID();
  await owner.query(`insert into app_public.tenant (id, slug, name) values ($1, $2, $3)`, [tenantId, `rules-race-${label}-${run}`, `Rules Race ${label} ${run}`]);
  await owner.query(`insert into app_public.location (tenant_id, id, name, time_zone) values ($1, $2, 'Race Site', 'UTC')`, [tenantId, locationId]);
  await owner.query(`insert into app_public.customer (tenant_id, id, name) values ($1, $2, 'Race Customer')`, [tenantId, customerId]);
  const f: Fixture = { tenantId, customerId, resources: {}, services: {} };
  for (const [kind, count] of Object.entries(resources)) {
    const ids = Array.from({ length: count }, () => randomUUID());
    await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags)
      select $1, r, $2, $3::text::app_public.resource_kind, $3::text || ' ' || n, array[$3::text] from unnest($4::uuid[]) with ordinality u (r, n)`, [tenantId, locationId, kind, ids]);
    await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
      select $1, r, d, '00:00', '24:00' from unnest($2::uuid[]) r cross join generate_series(1, 7) d`, [tenantId, ids]);
    f.resources[kind] = ids;
  }
  for (const [name, [minutes, kind]] of Object.entries(services)) {
    const id = randomUUID();
    const requirementId = randomUUID();
    await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
      values ($1, $2, $3, $4, $5, 30, 365)`, [tenantId, id, locationId, name, minutes]);
    await owner.query(`insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags)
      values ($1, $2, $3, 'Resource', $4::text::app_public.resource_kind, array[$4::text])`, [tenantId, requirementId, id, kind]);
    f.services[name] = { id, requirementId };
  }
  return f;
}

type Work = (client: pg.PoolClient) => Promise<unknown>;

/** createBooking's SQL: app_private.book for the fixture's customer. */
const book = (f: Fixture, service: string, resourceId: string, start: string, customerId = f.customerId): Work => async (client) => {
  const s = f.services[service]!;
  await client.query('select booking_id from app_private.book($1, $2, $3, $4, null, null, null, null, true)',
    [s.id, start, JSON.stringify([{ resourceId, requirementId: s.requirementId }]), JSON.stringify({ id: customerId })]);
};

/** A client that bypasses app_private.book: the booking row, then (after `between`) its allocation. */
const direct = (f: Fixture, service: string, resourceId: string, start: string, between?: () => Promise<void>, customerId = f.customerId): Work => async (client) => {
  const s = f.services[service]!;
  const { rows } = await client.query<{ id: string }>(
    'insert into app_public.booking (service_id, customer_id, starts_at) values ($1, $2, $3) returning id', [s.id, customerId, start]);
  await between?.();
  await client.query('insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ($1, $2, $3)',
    [rows[0]!.id, resourceId, s.requirementId]);
};

interface Tx {
  client: pg.PoolClient;
  pid: number;
  /** Runs `work` in the open transaction; the SQLSTATE it failed with, or null. */
  attempt(work: Work): Promise<string | null>;
  /** COMMIT after a successful attempt (ROLLBACK after a failed one); 'committed' or the SQLSTATE. */
  finish(): Promise<string>;
}

/** An API-like transaction: app_authenticator switches to app_staff with the tenant claim. */
async function staffTx(f: Fixture, isolation = 'read committed'): Promise<Tx> {
  const client = await api.connect();
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  await client.query(`begin isolation level ${isolation}`);
  await client.query('set local role app_staff');
  await client.query(`select set_config('jwt.claims.tenant_id', $1, true), set_config('jwt.claims.role', 'app_staff', true), set_config('jwt.claims.user_id', '', true)`, [f.tenantId]);
  let failed: string | null = null;
  return {
    client,
    pid,
    async attempt(work) {
      try {
        await work(client);
        return null;
      } catch (error) {
        failed = (error as { code?: string }).code ?? String(error);
        return failed;
      }
    },
    async finish() {
      try {
        if (failed) {
          await client.query('rollback');
          return failed;
        }
        await client.query('commit');
        return 'committed';
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        return (error as { code?: string }).code ?? String(error);
      } finally {
        client.release();
      }
    },
  };
}

/** All `works` at once, each in its own transaction: all begin, then all write, then each commits after a random pause. */
async function race(f: Fixture, works: Work[]): Promise<Record<string, number>> {
  const ready = barrier(works.length);
  const outcomes = await Promise.all(works.map(async (work) => {
    const tx = await staffTx(f);
    try {
      await ready();
    } catch (error) {
      await tx.finish();
      throw error;
    }
    await tx.attempt(work);
    await sleep(Math.random() * 5); // keep the lock a moment: the others queue behind it
    return tx.finish();
  }));
  return outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
}

/**
 * T1 writes and keeps its transaction open; T2 starts its write, which must wait for T1's lock
 * (seen in pg_stat_activity); then T1 commits. Returns both outcomes.
 */
async function overlapped(f: Fixture, first: Work, second: Work): Promise<[string, string]> {
  const t1 = await staffTx(f);
  const t2 = await staffTx(f);
  let pending: Promise<string | null> | undefined;
  let problem: unknown;
  try {
    const alone = await t1.attempt(first);
    if (alone) throw new Error(`the first write failed on its own: ${alone}`);
    pending = t2.attempt(second);
    await waitFor('the second transaction to wait for the first one\'s advisory lock', async () => {
      const { rows } = await root.query<{ wait_event: string | null }>('select wait_event from pg_stat_activity where pid = $1', [t2.pid]);
      return rows[0]?.wait_event === 'advisory';
    });
  } catch (error) {
    problem = error;
  }
  // Always end both transactions (the first one's commit releases the second).
  const firstOutcome = await t1.finish();
  await pending;
  const secondOutcome = await t2.finish();
  if (problem) throw problem;
  return [firstOutcome, secondOutcome];
}

async function activeBookings(f: Fixture, service?: string): Promise<number> {
  const { rows } = await owner.query<{ n: number }>(
    `select count(*)::int as n from app_public.booking where tenant_id = $1 and status in ('pending_approval', 'confirmed') and ($2::uuid is null or service_id = $2)`,
    [f.tenantId, service ? f.services[service]!.id : null]);
  return rows[0]!.n;
}

const timings: string[] = [];
afterAll(() => console.log(`rules race timings: ${timings.join(', ')}`));
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const began = performance.now();
  try {
    return await fn();
  } finally {
    timings.push(`${label} ${(performance.now() - began).toFixed(0)} ms`);
  }
}

describe('a 30-minute gap from Prep to Main on every resource: two bookings that each keep it alone, but not together', () => {
  const ROUNDS = 20;
  let f: Fixture;
  const setup = async () => {
    f ??= await fixture('gap', { practitioner: 2 }, { Prep: [30, 'practitioner'], Main: [30, 'practitioner'] });
    await owner.query(`insert into app_public.sequence_rule (tenant_id, name, first_service_id, second_service_id, gap_minutes)
      select $1, 'Prep then Main', $2, $3, 30 where not exists (select 1 from app_public.sequence_rule where tenant_id = $1)`,
    [f.tenantId, f.services.Prep!.id, f.services.Main!.id]);
    return f;
  };

  it('(a) app_private.book: the one that waited for the other\'s lock sees its booking (RLGAP), in both orders', async () => {
    await timed('(a) overlapped', async () => {
      const g = await setup();
      const [doc] = g.resources.practitioner!;
      expect(await overlapped(g, book(g, 'Prep', doc!, at(10, '10:00')), book(g, 'Main', doc!, at(10, '10:30')))).toEqual(['committed', 'RLGAP']);
      expect(await overlapped(g, book(g, 'Main', doc!, at(11, '10:30')), book(g, 'Prep', doc!, at(11, '10:00')))).toEqual(['committed', 'RLGAP']);
    });
  });

  it(`(a) app_private.book: ${ROUNDS} rounds of two concurrent transactions commit exactly one each`, async () => {
    await timed(`(a) ${ROUNDS} rounds`, async () => {
      const g = await setup();
      const [doc] = g.resources.practitioner!;
      for (let i = 0; i < ROUNDS; i++) {
        const day = 20 + i;
        const tally = await race(g, [book(g, 'Prep', doc!, at(day, '10:00')), book(g, 'Main', doc!, at(day, '10:30'))]);
        expect(tally, `round ${i}`).toEqual({ committed: 1, RLGAP: 1 });
      }
      const { rows } = await owner.query<{ days: number; bookings: number }>(
        `select count(distinct b.starts_at::date)::int as days, count(*)::int as bookings from app_public.booking b
         join app_public.booking_allocation a on a.booking_id = b.id and a.active where a.resource_id = $1 and b.starts_at >= $2`, [doc, at(20, '00:00')]);
      expect(rows[0]).toEqual({ days: ROUNDS, bookings: ROUNDS });
    });
  });

  it('(b) direct inserts into booking and booking_allocation: the triggers serialise them (RLGAP), in both orders', async () => {
    await timed('(b) overlapped', async () => {
      const g = await setup();
      const doc = g.resources.practitioner![1]!;
      expect(await overlapped(g, direct(g, 'Prep', doc, at(10, '10:00')), direct(g, 'Main', doc, at(10, '10:30')))).toEqual(['committed', 'RLGAP']);
      expect(await overlapped(g, direct(g, 'Main', doc, at(11, '10:30')), direct(g, 'Prep', doc, at(11, '10:00')))).toEqual(['committed', 'RLGAP']);
    });
  });

  it(`(b) direct inserts: ${ROUNDS} rounds of two concurrent transactions (both booking rows in before either allocation) commit exactly one each`, async () => {
    await timed(`(b) ${ROUNDS} rounds`, async () => {
      const g = await setup();
      const doc = g.resources.practitioner![1]!;
      for (let i = 0; i < ROUNDS; i++) {
        const day = 20 + i;
        const between = barrier(2);
        const tally = await race(g, [direct(g, 'Prep', doc, at(day, '10:00'), between), direct(g, 'Main', doc, at(day, '10:30'), between)]);
        expect(tally, `round ${i}`).toEqual({ committed: 1, RLGAP: 1 });
      }
      const { rows } = await owner.query<{ days: number; bookings: number }>(
        `select count(distinct b.starts_at::date)::int as days, count(*)::int as bookings from app_public.booking b
         join app_public.booking_allocation a on a.booking_id = b.id and a.active where a.resource_id = $1 and b.starts_at >= $2`, [doc, at(20, '00:00')]);
      expect(rows[0]).toEqual({ days: ROUNDS, bookings: ROUNDS });
    });
  });

  it('a booking written in a REPEATABLE READ transaction is refused (55000): its snapshot would not see what it waited for', async () => {
    const g = await setup();
    const [doc] = g.resources.practitioner!;
    for (const work of [book(g, 'Prep', doc!, at(50, '10:00')), direct(g, 'Prep', doc!, at(50, '12:00'))]) {
      const tx = await staffTx(g, 'repeatable read');
      await tx.attempt(work);
      expect(await tx.finish()).toBe('55000');
    }
  });
});

describe('limits under concurrent bookings', () => {
  it('(c) one booking per resource per day: 10 concurrent bookings of different times that day commit exactly one', async () => {
    await timed('(c)', async () => {
      const f = await fixture('day', { equipment: 1 }, { Scan: [60, 'equipment'] });
      const [scanner] = f.resources.equipment!;
      await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings, resource_id) values ($1, 'Once a day', 'resource_bookings', 'day', 1, $2)`,
        [f.tenantId, scanner]);
      const hours = Array.from({ length: 10 }, (_, i) => `${String(8 + i).padStart(2, '0')}:00`);
      expect(await race(f, hours.map((h) => book(f, 'Scan', scanner!, at(12, h))))).toEqual({ committed: 1, RLLIM: 9 });
      const between = barrier(10);
      expect(await race(f, hours.map((h) => direct(f, 'Scan', scanner!, at(13, h), between)))).toEqual({ committed: 1, RLLIM: 9 });
      expect(await activeBookings(f)).toBe(2);
    });
  });

  it('(d) two concurrent bookings of a service: 8 bookings at the same time on 8 rooms commit exactly two', async () => {
    await timed('(d)', async () => {
      const f = await fixture('concurrent', { room: 8 }, { Class: [60, 'room'] });
      await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, max_bookings, service_id) values ($1, 'Two at once', 'concurrent_bookings', 2, $2)`,
        [f.tenantId, f.services.Class!.id]);
      const rooms = f.resources.room!;
      expect(await race(f, rooms.map((room) => book(f, 'Class', room, at(12, '10:00'))))).toEqual({ committed: 2, RLLIM: 6 });
      // (No pause between the booking row and its allocation here: the booking row's trigger already takes the service's lock.)
      expect(await race(f, rooms.map((room) => direct(f, 'Class', room, at(13, '10:00'))))).toEqual({ committed: 2, RLLIM: 6 });
      // Overlapping, not equal: 10:00, 10:30 and 11:00 on different rooms; at most two at any instant.
      const starts = ['09:30', '10:00', '10:30', '09:30', '10:00', '10:30', '09:30', '10:00'];
      const tally = await race(f, rooms.map((room, i) => book(f, 'Class', room, at(14, starts[i]!))));
      expect(tally.committed).toBeGreaterThanOrEqual(1);
      const { rows } = await owner.query<{ peak: number }>(
        `select max((select count(*) from app_public.booking o where o.tenant_id = b.tenant_id and o.status = 'confirmed'
                       and o.starts_at <= b.starts_at and o.ends_at > b.starts_at))::int as peak
         from app_public.booking b where b.tenant_id = $1 and b.status = 'confirmed'`, [f.tenantId]);
      expect(rows[0]!.peak).toBe(2);
      expect(await activeBookings(f)).toBe(4 + tally.committed!);
    });
  });

  it('(e) one booking per customer per day: concurrent bookings by one customer on different resources commit exactly one', async () => {
    await timed('(e)', async () => {
      const f = await fixture('customer', { practitioner: 6 }, { Visit: [60, 'practitioner'] });
      await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings) values ($1, 'Once a day', 'customer_bookings', 'day', 1)`, [f.tenantId]);
      const docs = f.resources.practitioner!;
      expect(await race(f, docs.map((doc, i) => book(f, 'Visit', doc, at(12, `${String(9 + i).padStart(2, '0')}:00`))))).toEqual({ committed: 1, RLLIM: 5 });
      // The booking row's trigger takes the customer's lock, so the allocation follows at once.
      expect(await race(f, docs.map((doc, i) => direct(f, 'Visit', doc, at(13, `${String(9 + i).padStart(2, '0')}:00`))))).toEqual({ committed: 1, RLLIM: 5 });
      expect(await activeBookings(f)).toBe(2);
    });
  });
});

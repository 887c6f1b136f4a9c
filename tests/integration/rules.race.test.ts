// Business rules under concurrency: two or more transactions that each satisfy a rule alone but
// break it together must not all commit. Real concurrent connections as app_staff (through
// app_authenticator, with the claims the API sets), through app_private.book and through direct
// inserts into booking + booking_allocation: (a)/(b) a 30-minute sequence gap, (c) one booking per
// resource per day, (d) two concurrent bookings of a service, (e) one booking per customer per day,
// (f) the same customer limit between a direct writer and app_private.book on one resource (a
// deadlock while the booking row took the customer's lock before the allocation took the resource's),
// (g) 20 raw overlapping writers of one resource, (h) the customer limit between a direct writer of a
// two-resource booking and app_private.book on one of its resources (a deadlock while book took its
// resource before the customer), (i) staff approving a pending booking while its customer moves
// it (a deadlock while decide_booking took the resources before the booking row), and (j) an approval
// that waited for the row of a booking whose move then committed, against a direct writer of the
// moved-to and moved-from resources (a deadlock while decide_booking locked the resources it had read
// before taking the row, not the booking's resources after the move). No interleaving may
// end in a deadlock (40P01): every path takes the booking row (when it exists), then the customer's or
// service's lock (when such a limit exists), then the resources'.
// Each scenario has its own tenant (fresh ids), so nothing here meets the seed or other tests.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';

const db = inject('db');
const run = randomUUID().slice(0, 8);
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 3 });
const root = new pg.Pool({ connectionString: db.rootUrl, max: 1 });
const api = new pg.Pool({ connectionString: db.authUrl, max: 12 });
// (g) needs 20 transactions open at once.
const wide = new pg.Pool({ connectionString: db.authUrl, max: 20 });
afterAll(async () => {
  await api.end();
  await wide.end();
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
 * week, tagged with its kind); `services` name → [minutes, kind, quantity = 1] (one requirement: that
 * many resources of that kind).
 */
async function fixture(label: string, resources: Record<string, number>, services: Record<string, [number, string, number?]>): Promise<Fixture> {
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
  for (const [name, [minutes, kind, quantity = 1]] of Object.entries(services)) {
    const id = randomUUID();
    const requirementId = randomUUID();
    await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
      values ($1, $2, $3, $4, $5, 30, 365)`, [tenantId, id, locationId, name, minutes]);
    await owner.query(`insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags, quantity)
      values ($1, $2, $3, 'Resource', $4::text::app_public.resource_kind, array[$4::text], $5)`, [tenantId, requirementId, id, kind, quantity]);
    f.services[name] = { id, requirementId };
  }
  return f;
}

type Work = (client: pg.PoolClient) => Promise<unknown>;

/** The resources argument of book and reschedule_booking: each resource for the service's one requirement. */
const resourcesJson = (f: Fixture, service: string, resourceIds: string | string[]): string =>
  JSON.stringify([resourceIds].flat().map((resourceId) => ({ resourceId, requirementId: f.services[service]!.requirementId })));

/** createBooking's SQL: app_private.book for the fixture's customer (of one resource, or several). */
const book = (f: Fixture, service: string, resourceIds: string | string[], start: string, customerId = f.customerId): Work => async (client) => {
  await client.query('select booking_id from app_private.book($1, $2, $3, $4, null, null, null, null, true)',
    [f.services[service]!.id, start, resourcesJson(f, service, resourceIds), JSON.stringify({ id: customerId })]);
};

/** book, after `before` (a barrier shared with the other writers of a round). */
const bookAfter = (before: () => Promise<void>, work: Work): Work => async (client) => {
  await before();
  await work(client);
};

/**
 * A client that bypasses app_private.book in steps: `row` inserts the booking row (no allocation yet:
 * its rules wait for the allocation, or for COMMIT), `allocate(r)` one allocation, `allocation` the
 * allocations of all `resourceIds`, one statement each, in the order given.
 */
function directSteps(f: Fixture, service: string, resourceIds: string | string[], start: string, customerId = f.customerId): { row: Work; allocate: (resourceId: string) => Work; allocation: Work } {
  const s = f.services[service]!;
  let bookingId: string | undefined;
  const allocate = (resourceId: string): Work => async (client) => {
    if (!bookingId) throw new Error('the booking row is not in yet');
    await client.query('insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ($1, $2, $3)',
      [bookingId, resourceId, s.requirementId]);
  };
  return {
    row: async (client) => {
      const { rows } = await client.query<{ id: string }>(
        'insert into app_public.booking (service_id, customer_id, starts_at) values ($1, $2, $3) returning id', [s.id, customerId, start]);
      bookingId = rows[0]!.id;
    },
    allocate,
    allocation: async (client) => {
      for (const resourceId of [resourceIds].flat()) await allocate(resourceId)(client);
    },
  };
}

/** directSteps in one work: the booking row, `between` (e.g. a barrier), then its allocations. */
const direct = (f: Fixture, service: string, resourceIds: string | string[], start: string, between?: () => Promise<void>, customerId = f.customerId): Work => async (client) => {
  const steps = directSteps(f, service, resourceIds, start, customerId);
  await steps.row(client);
  await between?.();
  await steps.allocation(client);
};

interface Tx {
  client: pg.PoolClient;
  pid: number;
  /** Runs `work` in the open transaction; the SQLSTATE it failed with, or null. */
  attempt(work: Work): Promise<string | null>;
  /**
   * COMMIT after a successful attempt (ROLLBACK after a failed one, or with 'rollback'); 'committed',
   * 'rolled back' or the SQLSTATE. Once: later calls return the same.
   */
  finish(end?: 'commit' | 'rollback'): Promise<string>;
}

/** An API-like transaction: app_authenticator switches to app_staff with the tenant claim (and a user, when given). */
async function staffTx(f: Fixture, isolation = 'read committed', pool = api, as: { role: 'app_staff' | 'app_customer'; userId: string } = { role: 'app_staff', userId: '' }): Promise<Tx> {
  const client = await pool.connect();
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  await client.query(`begin isolation level ${isolation}`);
  await client.query(`set local role ${as.role}`);
  await client.query(`select set_config('jwt.claims.tenant_id', $1, true), set_config('jwt.claims.role', $2, true), set_config('jwt.claims.user_id', $3, true)`,
    [f.tenantId, as.role, as.userId]);
  let failed: string | null = null;
  let finished: Promise<string> | undefined;
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
    finish(end = 'commit') {
      finished ??= (async () => {
        try {
          if (failed || end === 'rollback') {
            await client.query('rollback');
            return failed ?? 'rolled back';
          }
          await client.query('commit');
          return 'committed';
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          return (error as { code?: string }).code ?? String(error);
        } finally {
          client.release();
        }
      })();
      return finished;
    },
  };
}

/** All `works` at once, each in its own transaction: all begin, then all write, then each commits after a random pause. */
async function race(f: Fixture, works: Work[], pool = api): Promise<Record<string, number>> {
  const ready = barrier(works.length);
  const outcomes = await Promise.all(works.map(async (work) => {
    const tx = await staffTx(f, 'read committed', pool);
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
    await waitForAdvisory(t2.pid, 'the second transaction to wait for the first one\'s advisory lock');
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

/** Two staff transactions of the fixture, both ended (rolled back unless the script finished them) whatever happens. */
async function scripted(f: Fixture, script: (t1: Tx, t2: Tx) => Promise<void>): Promise<void> {
  const [t1, t2] = [await staffTx(f), await staffTx(f)];
  try {
    await script(t1, t2);
  } finally {
    await Promise.all([t1.finish('rollback'), t2.finish('rollback')]);
  }
}

/** Resolves once backend `pid` waits for an advisory lock. */
async function waitForAdvisory(pid: number, what: string): Promise<void> {
  await waitFor(what, async () => {
    const { rows } = await root.query<{ wait_event: string | null }>('select wait_event from pg_stat_activity where pid = $1', [pid]);
    return rows[0]?.wait_event === 'advisory';
  });
}

/** Resolves once backend `pid` waits for a row lock (another transaction's update or FOR UPDATE of the row). */
async function waitForRowLock(pid: number, what: string): Promise<void> {
  await waitFor(what, async () => {
    const { rows } = await root.query<{ wait_event_type: string | null; wait_event: string | null }>(
      'select wait_event_type, wait_event from pg_stat_activity where pid = $1', [pid]);
    return rows[0]?.wait_event_type === 'Lock' && ['transactionid', 'tuple'].includes(rows[0].wait_event ?? '');
  });
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
      // All eight booking rows in before any allocation: each allocation takes its room's lock, then the service's.
      const between = barrier(rooms.length);
      expect(await race(f, rooms.map((room) => direct(f, 'Class', room, at(13, '10:00'), between)))).toEqual({ committed: 2, RLLIM: 6 });
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
      // All six booking rows in before any allocation: each allocation takes the customer's lock, then its resource's.
      const between = barrier(docs.length);
      expect(await race(f, docs.map((doc, i) => direct(f, 'Visit', doc, at(13, `${String(9 + i).padStart(2, '0')}:00`), between)))).toEqual({ committed: 1, RLLIM: 5 });
      expect(await activeBookings(f)).toBe(2);
    });
  });
});

describe('(f) one booking per customer per day, a direct writer against app_private.book on one resource: never a deadlock', () => {
  const ROUNDS = 10;
  let f: Fixture;
  const setup = async () => {
    f ??= await fixture('deadlock', { practitioner: 1 }, { Visit: [60, 'practitioner'] });
    await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings)
      select $1, 'Once a day', 'customer_bookings', 'day', 1 where not exists (select 1 from app_public.booking_limit where tenant_id = $1)`, [f.tenantId]);
    return f;
  };
  // The two bookings never overlap (09:00 and 11:00, an hour each): the loser can only break the limit.

  it('booking row, then book, then the row\'s allocation (the old deadlock): the allocation waits for book\'s commit, then is RLLIM', async () => {
    await timed('(f) row-book-allocation', async () => {
      const g = await setup();
      const [doc] = g.resources.practitioner!;
      await scripted(g, async (t1, t2) => {
        const steps = directSteps(g, 'Visit', doc!, at(10, '09:00'));
        expect(await t1.attempt(steps.row)).toBeNull();
        // The booking row alone takes no lock: book goes through at once.
        expect(await t2.attempt(book(g, 'Visit', doc!, at(10, '11:00')))).toBeNull();
        const waiting = t1.attempt(steps.allocation);
        await waitForAdvisory(t1.pid, 'the allocation to wait for the resource lock held by book');
        expect(await t2.finish()).toBe('committed');
        expect(await waiting).toBe('RLLIM');
        expect(await t1.finish()).toBe('RLLIM');
      });
    });
  });

  it('one written before the other starts, in both orders: the second waits for the first (resource lock), then is RLLIM', async () => {
    await timed('(f) overlapped', async () => {
      const g = await setup();
      const [doc] = g.resources.practitioner!;
      expect(await overlapped(g, direct(g, 'Visit', doc!, at(11, '09:00')), book(g, 'Visit', doc!, at(11, '11:00')))).toEqual(['committed', 'RLLIM']);
      expect(await overlapped(g, book(g, 'Visit', doc!, at(12, '09:00')), direct(g, 'Visit', doc!, at(12, '11:00')))).toEqual(['committed', 'RLLIM']);
    });
  });

  it('a booking row that never gets an allocation is checked at COMMIT: it waits for book\'s customer lock and is RLLIM, or wins and book is RLLIM', async () => {
    await timed('(f) commit check', async () => {
      const g = await setup();
      const [doc] = g.resources.practitioner!;
      await scripted(g, async (t1, t2) => {
        expect(await t1.attempt(directSteps(g, 'Visit', doc!, at(13, '09:00')).row)).toBeNull();
        expect(await t2.attempt(book(g, 'Visit', doc!, at(13, '11:00')))).toBeNull();
        const committing = t1.finish();
        await waitForAdvisory(t1.pid, 'the COMMIT to wait for the customer lock held by book');
        expect(await t2.finish()).toBe('committed');
        expect(await committing).toBe('RLLIM');
      });
      await scripted(g, async (t1, t2) => {
        expect(await t1.attempt(directSteps(g, 'Visit', doc!, at(14, '09:00')).row)).toBeNull();
        expect(await t1.finish()).toBe('committed');
        expect(await t2.attempt(book(g, 'Visit', doc!, at(14, '11:00')))).toBe('RLLIM');
      });
    });
  });

  it(`${ROUNDS} rounds each of a direct writer (booking row in, then its allocation) or a bare booking row against book, all at once: exactly one commits`, async () => {
    await timed(`(f) ${2 * ROUNDS} rounds`, async () => {
      const g = await setup();
      const [doc] = g.resources.practitioner!;
      for (let i = 0; i < ROUNDS; i++) {
        const between = barrier(2);
        const tally = await race(g, [direct(g, 'Visit', doc!, at(20 + i, '09:00'), between), bookAfter(between, book(g, 'Visit', doc!, at(20 + i, '11:00')))]);
        expect(tally, `direct round ${i}`).toEqual({ committed: 1, RLLIM: 1 });
      }
      for (let i = 0; i < ROUNDS; i++) {
        const tally = await race(g, [directSteps(g, 'Visit', doc!, at(40 + i, '09:00')).row, book(g, 'Visit', doc!, at(40 + i, '11:00'))]);
        expect(tally, `bare row round ${i}`).toEqual({ committed: 1, RLLIM: 1 });
      }
      // One active booking on each day of this describe (10-14 and the rounds), none on a day twice.
      const { rows } = await owner.query<{ days: number; bookings: number }>(
        `select count(distinct starts_at::date)::int as days, count(*)::int as bookings from app_public.booking
         where tenant_id = $1 and status in ('pending_approval', 'confirmed')`, [g.tenantId]);
      expect(rows[0]).toEqual({ days: 5 + 2 * ROUNDS, bookings: 5 + 2 * ROUNDS });
    });
  });
});

describe('(g) 20 raw writers of one resource, each booking row in before any allocation, then all overlapping allocations at once', () => {
  const WRITERS = 20;
  const REPEATS = 5;
  it.each([
    ['no rules', false],
    ['a customer limit it stays under (customer lock, then the resource\'s)', true],
  ])(`tenant with %s: ${REPEATS} times 1 committed and ${WRITERS - 1} × 23P01, never 40P01`, async (label, limited) => {
    await timed(`(g) ${limited ? 'limited' : 'plain'}`, async () => {
      const f = await fixture(limited ? 'raw-limited' : 'raw', { room: 1 }, { Raw: [60, 'room'] });
      if (limited) {
        await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings) values ($1, 'Plenty', 'customer_bookings', 'day', 100)`, [f.tenantId]);
      }
      const [room] = f.resources.room!;
      const tallies: Record<string, number>[] = [];
      for (let r = 0; r < REPEATS; r++) {
        // Starts a minute apart: every pair of the hour-long appointments overlaps.
        const base = Date.parse(at(10 + r, '09:00'));
        const between = barrier(WRITERS);
        const works = Array.from({ length: WRITERS }, (_, i) => direct(f, 'Raw', room!, new Date(base + i * 60_000).toISOString(), between));
        tallies.push(await race(f, works, wide));
      }
      console.log(`(g) ${label}: ${JSON.stringify(tallies)}`);
      expect(tallies).toEqual(Array.from({ length: REPEATS }, () => ({ committed: 1, '23P01': WRITERS - 1 })));
      const { rows } = await owner.query<{ n: number; overlaps: number }>(
        `select count(*)::int as n,
                (select count(*)::int from app_public.booking_allocation x join app_public.booking_allocation y
                   on x.resource_id = y.resource_id and x.id < y.id and x.busy && y.busy and x.active and y.active where x.resource_id = $1) as overlaps
         from app_public.booking_allocation where resource_id = $1 and active`, [room]);
      expect(rows[0]).toEqual({ n: REPEATS, overlaps: 0 });
    });
  });
});

describe('(h) one booking per customer per day, a direct writer of a two-resource booking against app_private.book on one of its resources: never a deadlock', () => {
  const ROUNDS = 12;
  let f: Fixture;
  let lo: string;
  let hi: string;
  const setup = async () => {
    if (!f) {
      f = await fixture('multi', { practitioner: 2 }, { Pair: [60, 'practitioner', 2], Visit: [60, 'practitioner'] });
      await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings) values ($1, 'Once a day', 'customer_bookings', 'day', 1)`, [f.tenantId]);
      // lock_resources takes resources in uuid order (a uuid's text order): both orders below are tried.
      [lo, hi] = [...f.resources.practitioner!].sort() as [string, string];
    }
    return f;
  };
  // The direct writer books Pair (both practitioners) at 09:00, book a Visit at 11:00 on one of them:
  // they never overlap, so the loser can only break the limit (RLLIM), never the exclusion (23P01).

  it('booking row and its first allocation, then book on the other resource, then the second allocation (the old deadlock), in both resource orders', async () => {
    await timed('(h) row-allocation-book-allocation', async () => {
      const g = await setup();
      for (const [day, first, second] of [[10, lo, hi], [11, hi, lo]] as const) {
        await scripted(g, async (t1, t2) => {
          const steps = directSteps(g, 'Pair', [first, second], at(day, '09:00'));
          expect(await t1.attempt(steps.row)).toBeNull();
          expect(await t1.attempt(steps.allocate(first))).toBeNull();
          // book waits for the customer, holding no resource yet ...
          const booking = t2.attempt(book(g, 'Visit', second, at(day, '11:00')));
          await waitForAdvisory(t2.pid, 'book to wait for the customer lock held by the direct writer');
          // ... so the direct writer's second allocation takes that resource at once (it was 40P01).
          expect(await t1.attempt(steps.allocate(second)), `day ${day}`).toBeNull();
          expect(await t1.finish()).toBe('committed');
          expect(await booking, `day ${day}`).toBe('RLLIM');
          expect(await t2.finish()).toBe('RLLIM');
        });
      }
    });
  });

  it('one written before the other starts, in both orders: the second waits for the customer lock, then is RLLIM', async () => {
    await timed('(h) overlapped', async () => {
      const g = await setup();
      expect(await overlapped(g, direct(g, 'Pair', [lo, hi], at(12, '09:00')), book(g, 'Visit', hi, at(12, '11:00')))).toEqual(['committed', 'RLLIM']);
      expect(await overlapped(g, book(g, 'Visit', lo, at(13, '09:00')), direct(g, 'Pair', [hi, lo], at(13, '11:00')))).toEqual(['committed', 'RLLIM']);
    });
  });

  it(`${ROUNDS} rounds of the two at once, both resource orders, book starting after the direct writer's row or its first allocation: exactly one commits`, async () => {
    await timed(`(h) ${ROUNDS} rounds`, async () => {
      const g = await setup();
      for (let i = 0; i < ROUNDS; i++) {
        const [first, second] = i % 2 ? [hi, lo] : [lo, hi];
        const afterFirstAllocation = Math.floor(i / 2) % 2 === 0;
        const steps = directSteps(g, 'Pair', [first, second], at(20 + i, '09:00'));
        const between = barrier(2);
        const writer: Work = async (client) => {
          await steps.row(client);
          if (afterFirstAllocation) await steps.allocate(first)(client);
          await between();
          if (!afterFirstAllocation) await steps.allocate(first)(client);
          await steps.allocate(second)(client);
        };
        const tally = await race(g, [writer, bookAfter(between, book(g, 'Visit', second, at(20 + i, '11:00')))]);
        expect(tally, `round ${i} (${first === lo ? 'lo, hi' : 'hi, lo'}, book after the ${afterFirstAllocation ? 'first allocation' : 'row'})`).toEqual({ committed: 1, RLLIM: 1 });
      }
      // One active booking on each day of this describe (10-13 and the rounds), none on a day twice.
      const { rows } = await owner.query<{ days: number; bookings: number }>(
        `select count(distinct starts_at::date)::int as days, count(*)::int as bookings from app_public.booking
         where tenant_id = $1 and status in ('pending_approval', 'confirmed')`, [g.tenantId]);
      expect(rows[0]).toEqual({ days: 4 + ROUNDS, bookings: 4 + ROUNDS });
    });
  });
});

describe('(i) staff approve a pending booking while its customer moves it: never a deadlock, and the outcome is one order or the other', () => {
  const ROUNDS = 10;
  let f: Fixture;
  const staffUser = randomUUID();
  const customerUser = randomUUID();
  const setup = async () => {
    if (!f) {
      f = await fixture('approve', { practitioner: 3 }, { Consult: [60, 'practitioner'] });
      await owner.query(`update app_public.service set requires_approval = true where id = $1`, [f.services.Consult!.id]);
      // Limits it stays under: both booking-level locks (the customer's, the service's) are taken on every path.
      await owner.query(`insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings, service_id) values
        ($1, 'Plenty a day', 'customer_bookings', 'day', 100, null), ($1, 'Plenty at once', 'concurrent_bookings', null, 100, $2)`,
      [f.tenantId, f.services.Consult!.id]);
      await owner.query(`insert into app_public.app_user (id, email, name) values ($1, $2, 'Race Approver'), ($3, $4, 'Race Patient')`,
        [staffUser, `race-approver-${run}@example.test`, customerUser, `race-patient-${run}@example.test`]);
      await owner.query(`update app_public.customer set user_id = $1 where id = $2`, [customerUser, f.customerId]);
    }
    return f;
  };
  const staff = (g: Fixture) => staffTx(g, 'read committed', api, { role: 'app_staff', userId: staffUser });
  const patient = (g: Fixture) => staffTx(g, 'read committed', api, { role: 'app_customer', userId: customerUser });

  /** A pending request of the fixture's customer (written directly, as the owner), its id. */
  async function pendingRequest(g: Fixture, resourceId: string, start: string): Promise<string> {
    const client = await owner.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        `insert into app_public.booking (tenant_id, service_id, customer_id, status, starts_at) values ($1, $2, $3, 'pending_approval', $4) returning id`,
        [g.tenantId, g.services.Consult!.id, g.customerId, start]);
      await client.query('insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id) values ($1, $2, $3, $4)',
        [g.tenantId, rows[0]!.id, resourceId, g.services.Consult!.requirementId]);
      await client.query('commit');
      return rows[0]!.id;
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

  const approve = (bookingId: string): Work => async (client) => {
    await client.query(`select status from app_private.decide_booking($1, true, 'Approved')`, [bookingId]);
  };
  const move = (g: Fixture, bookingId: string, resourceId: string, start: string): Work => async (client) => {
    await client.query('select app_private.reschedule_booking($1, $2, $3)', [bookingId, start, resourcesJson(g, 'Consult', resourceId)]);
  };

  /**
   * Which order the two took, read from the final row, which must be coherent with one of them: moved
   * and then approved (confirmed, with this approver's decision), or approved and then moved by its
   * customer (pending approval again with a fresh timer, no decision). Either way at the new time, on
   * the new resource only.
   */
  async function outcome(g: Fixture, bookingId: string, resourceId: string, start: string): Promise<'moved, then approved' | 'approved, then moved'> {
    const { rows: [b] } = await owner.query<{ status: string; decided_by: string | null; decided_at: Date | null; decision_note: string | null;
      expires: boolean; starts_at: Date; allocations: [string, boolean][] }>(
      `select b.status, b.decided_by, b.decided_at, b.decision_note, b.approval_expires_at > now() as expires, b.starts_at,
              (select json_agg(json_build_array(a.resource_id, a.active)) from app_public.booking_allocation a where a.booking_id = b.id) as allocations
       from app_public.booking b where b.id = $1`, [bookingId]);
    expect(b!.starts_at.toISOString()).toBe(start);
    expect(b!.allocations).toEqual([[resourceId, true]]);
    const decision = { status: b!.status, decidedBy: b!.decided_by, decided: b!.decided_at !== null, note: b!.decision_note };
    if (b!.status === 'confirmed') {
      expect(decision).toEqual({ status: 'confirmed', decidedBy: staffUser, decided: true, note: 'Approved' });
      return 'moved, then approved';
    }
    expect(decision).toEqual({ status: 'pending_approval', decidedBy: null, decided: false, note: null });
    expect(b!.expires).toBe(true);
    return 'approved, then moved';
  }

  /**
   * The window between taking the booking row and the booking-level locks, held open: a third staff
   * transaction writes a booking of the same customer and service (another day, another resource) and
   * keeps the customer's and the service's locks until `release`.
   */
  async function holdBookingLevel(g: Fixture, day: number): Promise<Tx> {
    const blocker = await staffTx(g);
    expect(await blocker.attempt(direct(g, 'Consult', g.resources.practitioner![2]!, at(day, '08:00')))).toBeNull();
    return blocker;
  }

  it('the customer\'s move holds the row while it waits: the approval waits for the row, then approves the moved booking', async () => {
    await timed('(i) move first', async () => {
      const g = await setup();
      const [a, b] = g.resources.practitioner!;
      const id = await pendingRequest(g, a!, at(10, '10:00'));
      const [blocker, mover, approver] = [await holdBookingLevel(g, 9), await patient(g), await staff(g)];
      try {
        const moving = mover.attempt(move(g, id, b!, at(10, '14:00')));
        await waitForAdvisory(mover.pid, 'the move to hold the row and wait for the customer lock');
        const approving = approver.attempt(approve(id));
        await waitForRowLock(approver.pid, 'the approval to wait for the row held by the move');
        expect(await blocker.finish('rollback')).toBe('rolled back');
        expect(await moving).toBeNull();
        expect(await mover.finish()).toBe('committed');
        expect(await approving).toBeNull();
        expect(await approver.finish()).toBe('committed');
      } finally {
        await Promise.all([blocker, mover, approver].map((tx) => tx.finish('rollback')));
      }
      expect(await outcome(g, id, b!, at(10, '14:00'))).toBe('moved, then approved');
    });
  });

  it('the approval holds the row while it waits: the move waits for the row, then moves the approved booking, which is pending again without the decision', async () => {
    await timed('(i) approval first', async () => {
      const g = await setup();
      const [a, b] = g.resources.practitioner!;
      const id = await pendingRequest(g, a!, at(11, '10:00'));
      const [blocker, approver, mover] = [await holdBookingLevel(g, 9), await staff(g), await patient(g)];
      try {
        const approving = approver.attempt(approve(id));
        await waitForAdvisory(approver.pid, 'the approval to hold the row and wait for the customer lock');
        const moving = mover.attempt(move(g, id, b!, at(11, '14:00')));
        await waitForRowLock(mover.pid, 'the move to wait for the row held by the approval');
        expect(await blocker.finish('rollback')).toBe('rolled back');
        expect(await approving).toBeNull();
        expect(await approver.finish()).toBe('committed');
        expect(await moving).toBeNull();
        expect(await mover.finish()).toBe('committed');
      } finally {
        await Promise.all([blocker, approver, mover].map((tx) => tx.finish('rollback')));
      }
      expect(await outcome(g, id, b!, at(11, '14:00'))).toBe('approved, then moved');
    });
  });

  it(`${ROUNDS} rounds of the approval and the move at once: both commit, and the booking shows one order or the other`, async () => {
    await timed(`(i) ${ROUNDS} rounds`, async () => {
      const g = await setup();
      const [a, b] = g.resources.practitioner!;
      const seen: Record<string, number> = {};
      for (let i = 0; i < ROUNDS; i++) {
        // Alternate the direction of the move, so either resource is the lower uuid of the pair.
        const [from, to] = i % 2 ? [b!, a!] : [a!, b!];
        const id = await pendingRequest(g, from, at(20 + i, '10:00'));
        const txs = [await staff(g), await patient(g)];
        const works = [approve(id), move(g, id, to, at(20 + i, '14:00'))];
        const go = barrier(2);
        const outcomes = await Promise.all(txs.map(async (tx, k) => {
          try {
            await go();
          } catch (error) {
            await tx.finish('rollback');
            throw error;
          }
          await tx.attempt(works[k]!);
          await sleep(Math.random() * 5);
          return tx.finish();
        }));
        expect(outcomes, `round ${i}`).toEqual(['committed', 'committed']);
        const order = await outcome(g, id, to, at(20 + i, '14:00'));
        seen[order] = (seen[order] ?? 0) + 1;
      }
      console.log(`(i) ${ROUNDS} rounds: ${JSON.stringify(seen)}`);
    });
  });
});

describe('(j) staff approve a pending booking whose move commits while the approval waits for its row: the approval locks the moved-to resource, never a deadlock', () => {
  // decide_booking must read the booking's resources after SELECT ... FOR UPDATE. Read before it, the
  // approval locked the resource the booking had left (from-resource), then, updating the row, the one
  // it moved to (to-resource), in the opposite order to another writer holding to-resource and then
  // taking from-resource: 40P01. Read under the row lock, the approval only waits for to-resource.
  let f: Fixture;
  const staffUser = randomUUID();
  const customerUser = randomUUID();
  const otherCustomer = randomUUID();
  const setup = async () => {
    if (!f) {
      f = await fixture('stale', { practitioner: 2 }, { Consult: [60, 'practitioner'], Pair: [60, 'practitioner', 2] });
      await owner.query(`update app_public.service set requires_approval = true where id = $1`, [f.services.Consult!.id]);
      await owner.query(`insert into app_public.app_user (id, email, name) values ($1, $2, 'Race Approver'), ($3, $4, 'Race Patient')`,
        [staffUser, `race-j-approver-${run}@example.test`, customerUser, `race-j-patient-${run}@example.test`]);
      await owner.query(`update app_public.customer set user_id = $1 where id = $2`, [customerUser, f.customerId]);
      await owner.query(`insert into app_public.customer (tenant_id, id, name) values ($1, $2, 'Other Customer')`, [f.tenantId, otherCustomer]);
    }
    return f;
  };

  it('the move commits while the approval waits for the row, and a direct writer takes the to-resource then the from-resource: all commit, in both resource orders', async () => {
    await timed('(j) approval after a move', async () => {
      const g = await setup();
      const [lo, hi] = [...g.resources.practitioner!].sort() as [string, string];
      for (const [day, from, to] of [[10, hi, lo], [11, lo, hi]] as const) {
        const label = `day ${day}, ${from === hi ? 'hi to lo' : 'lo to hi'}`;
        const { rows: [request] } = await owner.query<{ id: string }>(
          `insert into app_public.booking (tenant_id, service_id, customer_id, status, starts_at) values ($1, $2, $3, 'pending_approval', $4) returning id`,
          [g.tenantId, g.services.Consult!.id, g.customerId, at(day, '10:00')]);
        const id = request!.id;
        await owner.query('insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id) values ($1, $2, $3, $4)',
          [g.tenantId, id, from, g.services.Consult!.requirementId]);
        const mover = await staffTx(g, 'read committed', api, { role: 'app_customer', userId: customerUser });
        const approver = await staffTx(g, 'read committed', api, { role: 'app_staff', userId: staffUser });
        const writer = await staffTx(g);
        try {
          // The customer moves the request to `to` (holding the row, and both resources' locks) ...
          expect(await mover.attempt(async (c) => {
            await c.query('select app_private.reschedule_booking($1, $2, $3)', [id, at(day, '14:00'), resourcesJson(g, 'Consult', to)]);
          }), label).toBeNull();
          // ... the approval waits for the row (it used to have read `from` already) ...
          const approving = approver.attempt(async (c) => {
            await c.query(`select status from app_private.decide_booking($1, true, 'Approved')`, [id]);
          });
          await waitForRowLock(approver.pid, 'the approval to wait for the row held by the move');
          // ... and another customer's two-resource booking (another time) waits for `to`.
          const steps = directSteps(g, 'Pair', [to, from], at(day, '08:00'), otherCustomer);
          expect(await writer.attempt(steps.row), label).toBeNull();
          const first = writer.attempt(steps.allocate(to));
          await waitForAdvisory(writer.pid, 'the direct writer to wait for the to-resource held by the move');
          expect(await mover.finish(), label).toBe('committed');
          // The writer holds `to`; the approval, now with the row, waits for `to` too (and holds nothing
          // the writer needs: it used to hold `from`).
          expect(await first, label).toBeNull();
          await waitForAdvisory(approver.pid, 'the approval to wait for the to-resource held by the direct writer');
          expect(await writer.attempt(steps.allocate(from)), `${label}: no 40P01`).toBeNull();
          expect(await writer.finish(), label).toBe('committed');
          expect(await approving, `${label}: no 40P01`).toBeNull();
          expect(await approver.finish(), label).toBe('committed');
        } finally {
          await Promise.all([mover, approver, writer].map((tx) => tx.finish('rollback')));
        }
        // The request approved at its new time, on `to` only; the writer's booking on both resources.
        const { rows: [b] } = await owner.query<{ status: string; decided_by: string | null; starts_at: Date; allocations: string[] }>(
          `select b.status, b.decided_by, b.starts_at,
                  (select array_agg(a.resource_id::text) from app_public.booking_allocation a where a.booking_id = b.id and a.active) as allocations
           from app_public.booking b where b.id = $1`, [id]);
        expect(b, label).toEqual({ status: 'confirmed', decided_by: staffUser, starts_at: new Date(at(day, '14:00')), allocations: [to] });
        const { rows: [pair] } = await owner.query<{ resources: string[] }>(
          `select array_agg(a.resource_id::text order by a.resource_id::text) as resources from app_public.booking b
           join app_public.booking_allocation a on a.booking_id = b.id and a.active where b.tenant_id = $1 and b.customer_id = $2 and b.starts_at = $3`,
          [g.tenantId, otherCustomer, at(day, '08:00')]);
        expect(pair!.resources, label).toEqual([lo, hi]);
      }
    });
  });
});

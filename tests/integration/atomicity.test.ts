// A booking is all or nothing even when the process making it dies: (a) a database session killed
// after app_private.book returned but before COMMIT, (b) an API server SIGKILLed while its
// createBooking waits for the resources' advisory lock. Neither leaves a booking, an allocation, a
// customer, a job or a lock behind, and the slot can be booked afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signToken } from '../../server/src/auth.ts';
import { startTestApi } from '../helpers/api.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York
const ZONE = 'America/New_York';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = randomUUID().slice(0, 8);
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 3 });
const root = new pg.Pool({ connectionString: db.rootUrl, max: 1 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Fixture {
  serviceId: string;
  doc: string;
  room: string;
  /** [{resourceId, requirementId}] as app_private.book takes them. */
  allocations: { resourceId: string; requirementId: string }[];
}

/** A service needing one practitioner and one room (each the only candidate), 60 min, 60-min step. */
async function fixture(label: string): Promise<Fixture> {
  const [doc, room, serviceId] = [randomUUID(), randomUUID(), randomUUID()];
  const tag = `atomic-${label}-${run}`;
  await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
    ($1, $2, $4, 'practitioner', $5, array[$7]), ($1, $3, $4, 'room', $6, array[$7])`,
  [NORTHGATE, doc, room, HALL, `Atomic Doc ${label} ${run}`, `Atomic Room ${label} ${run}`, tag]);
  await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, wd, '07:00', '20:00' from unnest($2::uuid[]) r cross join generate_series(1, 5) wd`, [NORTHGATE, [doc, room]]);
  await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
    values ($1, $2, $3, $4, 60, 60, 120)`, [NORTHGATE, serviceId, HALL, `Atomic Visit ${label} ${run}`]);
  const requirements = await owner.query<{ id: string; resource_kind: string }>(
    `insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
     ($1, $2, 'Practitioner', 'practitioner', array[$3]), ($1, $2, 'Room', 'room', array[$3]) returning id, resource_kind`, [NORTHGATE, serviceId, tag]);
  const requirementOf = (kind: string) => requirements.rows.find((r) => r.resource_kind === kind)!.id;
  return { serviceId, doc, room, allocations: [{ resourceId: doc, requirementId: requirementOf('practitioner') }, { resourceId: room, requirementId: requirementOf('room') }] };
}

// A weekday 3-5 weeks ahead, 10:00 New York time.
async function slot(dayOffset: number): Promise<string> {
  const d = new Date(Date.now() + 21 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7) + dayOffset);
  return (await owner.query<{ t: Date }>(`select app_public.to_utc($1::date + time '10:00', $2) as t`, [d.toISOString().slice(0, 10), ZONE])).rows[0]!.t.toISOString();
}

/** Everything a booking could have left: bookings and allocations at the slot, the customer, its job. */
async function leftovers(f: Fixture, start: string, email: string, bookingId?: string) {
  const { rows } = await owner.query<{ bookings: number; allocations: number; customers: number; jobs: number }>(
    `select (select count(*)::int from app_public.booking where service_id = $1 and starts_at = $2) as bookings,
            (select count(*)::int from app_public.booking_allocation where resource_id = any($3::uuid[]) and busy && tstzrange($2, $2::timestamptz + interval '60 minutes')) as allocations,
            (select count(*)::int from app_public.customer where tenant_id = $4 and email = $5) as customers,
            (select count(*)::int from graphile_worker._private_jobs j where j.payload->>'bookingId' = $6) as jobs`,
    [f.serviceId, start, [f.doc, f.room], NORTHGATE, email, bookingId ?? '']);
  return rows[0]!;
}

/** Advisory locks held or awaited by any backend of this database other than the caller's. */
async function advisoryLocks(pids?: number[]): Promise<{ pid: number; granted: boolean }[]> {
  const { rows } = await root.query<{ pid: number; granted: boolean }>(
    `select l.pid, l.granted from pg_locks l where l.locktype = 'advisory' and l.database = (select oid from pg_database where datname = current_database())
       and l.pid <> pg_backend_pid() and ($1::int[] is null or l.pid = any($1::int[]))`, [pids ?? null]);
  return rows;
}

async function backendsAlive(pids: number[]): Promise<number[]> {
  const { rows } = await root.query<{ pid: number }>(`select pid from pg_stat_activity where pid = any($1::int[])`, [pids]);
  return rows.map((r) => r.pid);
}

async function staffCreate(url: string, token: string, serviceId: string, start: string, email: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation($s: UUID!, $t: Datetime!, $e: String!) { createBooking(input: { serviceId: $s, start: $t, customer: { name: "Atomic Customer", email: $e } }) { bookingId } }`,
      variables: { s: serviceId, t: start, e: email },
    }),
  });
  return (await response.json()) as { data?: { createBooking: { bookingId: string } } | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

afterAll(async () => {
  await owner.end();
  await root.end();
});

describe('a booking transaction cut off before COMMIT leaves nothing behind', () => {
  it('(a) the database session dies after app_private.book returned a booking id', async () => {
    const f = await fixture('session');
    const start = await slot(0);
    const email = `atomic-session-${run}@atomic.test`;
    const session = new pg.Client({ connectionString: db.authUrl });
    const sessionErrors: Error[] = [];
    session.on('error', (error) => sessionErrors.push(error)); // the termination arrives as an 'error' event
    await session.connect();
    const pid = (await session.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    await session.query('begin');
    await session.query('set local role app_staff');
    await session.query(`select set_config('jwt.claims.tenant_id', $1, true)`, [NORTHGATE]);
    const booked = await session.query<{ booking_id: string; replayed: boolean }>(
      'select booking_id, replayed from app_private.book($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [f.serviceId, start, JSON.stringify(f.allocations), JSON.stringify({ name: 'Atomic Customer', email }), `atomic-session-${run}`, 'cut off', null, null, false]);
    const bookingId = booked.rows[0]!.booking_id;
    expect(booked.rows[0]!.replayed).toBe(false);
    // Inside the open transaction the booking and both allocations exist, and the transaction holds
    // three advisory locks: the two resources and the idempotency key.
    const inside = await session.query<{ allocations: number }>(`select count(*)::int as allocations from app_public.booking_allocation where booking_id = $1 and active`, [bookingId]);
    expect(inside.rows[0]!.allocations).toBe(2);
    expect((await advisoryLocks([pid])).filter((l) => l.granted)).toHaveLength(3);

    const killed = await root.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
    expect(killed.rows[0]!.ok).toBe(true);
    await waitFor('the terminated backend to exit', async () => (await backendsAlive([pid])).length === 0);
    await expect(session.query('commit')).rejects.toThrow();
    await session.end().catch(() => undefined);

    expect(await leftovers(f, start, email, bookingId)).toEqual({ bookings: 0, allocations: 0, customers: 0, jobs: 0 });
    expect(await owner.query('select 1 from app_public.booking where id = $1', [bookingId]).then((r) => r.rowCount)).toBe(0);
    expect(await advisoryLocks([pid])).toEqual([]);

    // The slot is bookable again, through the API.
    const api = await startTestApi(db);
    try {
      const again = await staffCreate(api.url, await api.token('app_staff', NORTHGATE), f.serviceId, start, email);
      expect(again.errors).toBeUndefined();
      expect(await leftovers(f, start, email, again.data!.createBooking.bookingId)).toEqual({ bookings: 1, allocations: 2, customers: 1, jobs: 1 });
    } finally {
      await api.close();
    }
  });

  describe('(b) the API server is SIGKILLed while createBooking waits for the resources\' lock', () => {
    const secret = `atomicity-test-secret-${randomUUID()}`;
    let server: ChildProcess | undefined;
    let serverOutput = '';
    let url = '';
    /** Authenticator connections open before the server started (the server's are the others). */
    let before = new Set<number>();
    afterAll(() => {
      if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    });

    const freePort = () => new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });

    async function authenticatorPids(): Promise<number[]> {
      const { rows } = await root.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and usename = 'app_authenticator'`);
      return rows.map((r) => r.pid);
    }

    beforeAll(async () => {
      before = new Set(await authenticatorPids());
      const port = await freePort();
      const env = { ...process.env };
      for (const key of ['DATABASE_URL', 'AUTH_DATABASE_URL', 'ROOT_DATABASE_URL', 'REDIS_URL', 'API_PORT', 'PORT', 'HOST']) delete env[key];
      server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
        cwd: repoRoot,
        env: { ...env, DATABASE_URL: db.ownerUrl, AUTH_DATABASE_URL: db.authUrl, API_PORT: String(port), JWT_SECRET: secret, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
      server.stderr!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
      url = `http://127.0.0.1:${port}`;
      await waitFor(`the API server on ${url} (output: ${serverOutput})`, async () => {
        if (server!.exitCode !== null) throw new Error(`the API server exited with ${server!.exitCode}: ${serverOutput}`);
        return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      }, 60_000);
    }, 90_000);

    it('leaves no booking, no lock and no connection, and the slot stays bookable', async () => {
      const f = await fixture('sigkill');
      const start = await slot(1);
      const email = `atomic-sigkill-${run}@atomic.test`;
      const token = await signToken({ role: 'app_staff', tenantId: NORTHGATE, userId: randomUUID() }, secret);

      // Hold the resources' advisory lock as the owner, so the server's booking transaction waits inside app_private.book.
      const blocker = await owner.connect();
      let request: Promise<unknown> | undefined;
      try {
        await blocker.query('begin');
        await blocker.query('select app_private.lock_resources($1, $2::uuid[])', [NORTHGATE, [f.doc, f.room]]);
        request = staffCreate(url, token, f.serviceId, start, email).then((r) => ({ reply: r }), (error: Error) => ({ error: error.message }));
        const waiting = await waitFor('the server\'s booking to wait for the advisory lock', async () => {
          const { rows } = await root.query<{ pid: number; query: string; state: string; wait_event: string }>(
            `select a.pid, a.query, a.state, a.wait_event from pg_stat_activity a join pg_locks l on l.pid = a.pid
             where a.datname = current_database() and l.locktype = 'advisory' and not l.granted and a.usename = 'app_authenticator'`);
          return rows[0];
        });
        expect(before.has(waiting.pid)).toBe(false);
        expect(waiting).toMatchObject({ state: 'active', wait_event: 'advisory' });
        expect(waiting.query).toContain('app_private.book');
        const serverPids = (await authenticatorPids()).filter((pid) => !before.has(pid));
        expect(serverPids).toContain(waiting.pid);

        const exited = new Promise<NodeJS.Signals | null>((resolve) => server!.once('exit', (_code, signal) => resolve(signal)));
        server!.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        expect(await request).toHaveProperty('error'); // the client sees the connection drop

        // Postgres notices the dead client only when the backend next talks to it: still waiting now.
        const orphaned = await backendsAlive([waiting.pid]);
        await blocker.query('rollback');
        await waitFor('every connection of the killed server to close', async () => (await backendsAlive(serverPids)).length === 0);
        console.log(`SIGKILL: the waiting backend ${orphaned.length ? 'outlived' : 'did not outlive'} the server until the lock was released; `
          + `${serverPids.length} server connections closed`);

        expect(await leftovers(f, start, email)).toEqual({ bookings: 0, allocations: 0, customers: 0, jobs: 0 });
        expect(await advisoryLocks(serverPids)).toEqual([]);
        expect(await advisoryLocks()).toEqual([]);
      } finally {
        await blocker.query('rollback').catch(() => undefined);
        blocker.release();
      }

      // A fresh API books the slot.
      const api = await startTestApi(db);
      try {
        const again = await staffCreate(api.url, await api.token('app_staff', NORTHGATE), f.serviceId, start, email);
        expect(again.errors).toBeUndefined();
        expect(await leftovers(f, start, email, again.data!.createBooking.bookingId)).toEqual({ bookings: 1, allocations: 2, customers: 1, jobs: 1 });
      } finally {
        await api.close();
      }
    });
  });
});

// The booking path under load, both hold stores side by side. Prints; asserts nothing; 127.0.0.1 only;
// every loop bounded.
//
// (a) Throughput: placeHold + confirmBooking through GraphQL, every booking on its own slot (500
//     practitioner/room pairs, one service each, so no two clients ever want the same resources at
//     once), 1,500 bookings at 50 and at 500 concurrent clients: confirmed bookings/s and
//     p50/p95/p99 of the whole booking. Baseline in the same run: plain INSERTs of a booking and its two allocations on the
//     owner pool (concurrency 50). Goal: >= 500 confirmed bookings/s with p99 < 250 ms at 500 clients.
// (b) Contention: 10,000 attempts on 50 slots of one practitioner + room from 50 clients, as in
//     tests/integration/race.test.ts: confirmed and duplicate counts, and the database work each hold
//     store causes: rolled-back transactions and deadlocks (pg_stat_database), lock waits (sampled from
//     pg_stat_activity, from a connection to another database so the sampling adds no transactions
//     here), and calls of app_private.book / hold_place / free_intervals (pg_stat_user_functions).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startTestApi, type TestApi } from '../../tests/helpers/api.ts';
import type { TestDatabase } from '../../tests/helpers/database.ts';

type Log = (line: string) => void;
type Store = 'redis' | 'postgres';

const ZONE = 'America/New_York';
const TENANT_SLUG = 'bench-booking';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const THROUGHPUT = { pairs: 500, bookings: 1_500, clients: [50, 500], warmup: 100, rawBookings: 2_000, rawConcurrency: 50 };
const CONTENTION = { attempts: 10_000, clients: 50, targets: 50, sampleMs: 25 };
const GOAL = { perSecond: 500, p99Ms: 250, clients: 500 };
const LOSING_CODES = new Set(['HOLD_CONFLICT', 'SLOT_TAKEN', 'HOLD_EXPIRED']);

const PLACE_HOLD = `mutation($s: UUID!, $t: Datetime!) { placeHold(input: { serviceId: $s, start: $t }) { token expiresAt start end resources { id requirementId } } }`;
const CONFIRM = `mutation($h: String!, $e: String!, $k: String!) { confirmBooking(input: { holdToken: $h, idempotencyKey: $k, customer: { name: "Bench Customer", email: $e } }) { bookingId replayed } }`;

interface GqlReply {
  status: number;
  data?: Record<string, { token?: string; bookingId?: string } | null> | null;
  errors?: { message: string; extensions?: { code?: string; alternatives?: { start: string }[] } }[];
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<GqlReply> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': TENANT_SLUG },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    try {
      return { status: response.status, ...(JSON.parse(text) as object) };
    } catch {
      return { status: response.status, errors: [{ message: text.slice(0, 200), extensions: { code: `HTTP ${response.status}` } }] };
    }
  } catch (error) {
    return { status: 0, errors: [{ message: (error as Error).message, extensions: { code: 'FETCH_FAILED' } }] };
  }
}

/** Runs `total` tasks from `concurrency` workers; returns the wall time in seconds. */
async function pool(total: number, concurrency: number, task: (n: number) => Promise<void>): Promise<number> {
  let next = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await task(next++);
  }));
  return (performance.now() - began) / 1000;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const tally = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const describeCounts = (counts: Map<string, number>) => [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Starts an API for a store; for Redis, checks /readyz that holds really are served from Redis. */
async function apiFor(db: TestDatabase, store: Store): Promise<TestApi> {
  return startTestApi(db, { redisUrl: store === 'redis' ? REDIS_URL : undefined });
}

async function holdStoreInUse(api: TestApi): Promise<string> {
  const response = await fetch(`${api.url}/readyz`);
  const body = (await response.json()) as { checks?: { holds?: string } };
  return body.checks?.holds ?? 'unknown';
}

// ------------------------------------------------------------------------------------------------
// Dataset: a tenant of its own (New York), 500 pairs with one service each, and per store one
// practitioner + room + service for the contention run.

interface Dataset {
  tenantId: string;
  locationId: string;
  customerId: string;
  /** First Monday at least three weeks ahead (local date). */
  monday: string;
  pairs: { serviceId: string; doc: string; room: string }[];
}

async function buildDataset(owner: pg.Pool): Promise<Dataset> {
  const client = await owner.connect();
  try {
    await client.query('begin');
    const tenantId = (await client.query<{ id: string }>(`insert into app_public.tenant (slug, name) values ($1, 'Bench Booking') returning id`, [TENANT_SLUG])).rows[0]!.id;
    const locationId = (await client.query<{ id: string }>(`insert into app_public.location (tenant_id, name, time_zone) values ($1, 'Bench Booking Clinic', $2) returning id`, [tenantId, ZONE])).rows[0]!.id;
    const customerId = (await client.query<{ id: string }>(`insert into app_public.customer (tenant_id, name) values ($1, 'Raw Insert Customer') returning id`, [tenantId])).rows[0]!.id;
    await client.query(
      `create temporary table bench_pairs on commit drop as
       select i, gen_random_uuid() as service_id, gen_random_uuid() as doc, gen_random_uuid() as room from generate_series(1, $1::integer) i`, [THROUGHPUT.pairs]);
    await client.query(
      `insert into app_public.resource (tenant_id, id, location_id, kind, name, tags)
       select $1, x.id, $2, x.kind::app_public.resource_kind, format('%s %s', initcap(x.kind), lpad(p.i::text, 3, '0')), array[format('pair-%s', p.i)]
       from bench_pairs p cross join lateral (values (p.doc, 'practitioner'), (p.room, 'room')) x(id, kind)`, [tenantId, locationId]);
    await client.query(
      `insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
       select $1, r, wd, '08:00', '18:00' from bench_pairs p cross join lateral (values (p.doc), (p.room)) x(r) cross join generate_series(1, 5) wd`, [tenantId]);
    await client.query(
      `insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
       select $1, service_id, $2, format('Pair Visit %s', lpad(i::text, 3, '0')), 60, 60, 120 from bench_pairs`, [tenantId, locationId]);
    await client.query(
      `insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags)
       select $1, p.service_id, x.name, x.kind::app_public.resource_kind, array[format('pair-%s', p.i)]
       from bench_pairs p cross join (values ('Practitioner', 'practitioner'), ('Room', 'room')) x(name, kind)`, [tenantId]);
    const pairs = (await client.query<{ serviceId: string; doc: string; room: string }>(`select service_id as "serviceId", doc, room from bench_pairs order by i`)).rows;
    const monday = (await client.query<{ d: string }>(
      `select (d + ((8 - extract(isodow from d)::int) % 7))::text as d from (select (now() at time zone $1)::date + 21 as d) x`, [ZONE])).rows[0]!.d;
    await client.query('commit');
    await client.query('analyze app_public.resource, app_public.availability_template, app_public.service, app_public.service_requirement');
    return { tenantId, locationId, customerId, monday, pairs };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Instants of local times on the dataset's week, in one query: [dayOffset, hour] -> ISO. */
async function instants(owner: pg.Pool | pg.Client, monday: string, times: [number, number][]): Promise<string[]> {
  const { rows } = await owner.query<{ t: Date }>(
    `select app_public.to_utc($1::date + make_interval(days => d, hours => h), $2) as t
     from unnest($3::int[], $4::int[]) with ordinality u(d, h, n) order by n`,
    [monday, ZONE, times.map(([d]) => d), times.map(([, h]) => h)]);
  return rows.map((r) => r.t.toISOString());
}

// ------------------------------------------------------------------------------------------------
// (a) Throughput

interface ThroughputRun {
  confirmed: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  failures: Map<string, number>;
}

/** `bookings` placeHold + confirmBooking, booking n on pair n % pairs at the n-th hour of `day`. */
async function bookingRun(api: TestApi, owner: pg.Pool, data: Dataset, day: number, firstHour: number, bookings: number, clients: number, label: string): Promise<ThroughputRun> {
  const hours = Math.ceil(bookings / data.pairs.length);
  const starts = await instants(owner, data.monday, Array.from({ length: hours }, (_, h) => [day, firstHour + h] as [number, number]));
  const failures = new Map<string, number>();
  const latencies: number[] = [];
  const seconds = await pool(bookings, clients, async (n) => {
    const pair = data.pairs[n % data.pairs.length]!;
    const start = starts[Math.floor(n / data.pairs.length)]!;
    const began = performance.now();
    const held = await post(api.url, PLACE_HOLD, { s: pair.serviceId, t: start });
    const token = held.data?.placeHold?.token;
    if (!token) {
      tally(failures, `placeHold ${held.errors?.[0]?.extensions?.code ?? held.status}`);
      return;
    }
    const booked = await post(api.url, CONFIRM, { h: token, e: `${label}-${n}@bench.test`, k: `${label}-${n}` });
    if (!booked.data?.confirmBooking?.bookingId) {
      tally(failures, `confirmBooking ${booked.errors?.[0]?.extensions?.code ?? booked.status}`);
      return;
    }
    latencies.push(performance.now() - began);
  });
  latencies.sort((a, b) => a - b);
  return { confirmed: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), failures };
}

/** Plain INSERTs of a booking and its two allocations (one implicit transaction each) on an owner pool of 50. */
async function rawInserts(db: TestDatabase, data: Dataset, day: number, firstHour: number): Promise<{ perSecond: number; p50: number; p99: number; failed: number }> {
  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: THROUGHPUT.rawConcurrency });
  try {
    const hours = Math.ceil(THROUGHPUT.rawBookings / data.pairs.length);
    const starts = await instants(owner, data.monday, Array.from({ length: hours }, (_, h) => [day, firstHour + h] as [number, number]));
    // Open every connection first, so the measurement is of inserts, not of connecting.
    await Promise.all(Array.from({ length: THROUGHPUT.rawConcurrency }, () => owner.query('select 1')));
    return await insertAll(owner, data, starts);
  } finally {
    await owner.end();
  }
}

async function insertAll(owner: pg.Pool, data: Dataset, starts: string[]): Promise<{ perSecond: number; p50: number; p99: number; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const seconds = await pool(THROUGHPUT.rawBookings, THROUGHPUT.rawConcurrency, async (n) => {
    const pair = data.pairs[n % data.pairs.length]!;
    const start = starts[Math.floor(n / data.pairs.length)]!;
    const bookingId = randomUUID();
    // Only generated uuids and ISO instants are inlined: one round trip, one implicit transaction.
    const sql = `insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at)
                   values ('${data.tenantId}', '${bookingId}', '${pair.serviceId}', '${data.customerId}', '${start}');
                 insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
                   values ('${data.tenantId}', '${bookingId}', '${pair.doc}'), ('${data.tenantId}', '${bookingId}', '${pair.room}')`;
    const began = performance.now();
    try {
      await owner.query(sql);
      latencies.push(performance.now() - began);
    } catch {
      failed++;
    }
  });
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}

async function throughputBench(db: TestDatabase, owner: pg.Pool, data: Dataset, stores: Store[], log: Log): Promise<void> {
  const began = performance.now();
  log(`(a) throughput: placeHold + confirmBooking over GraphQL, each booking on its own slot (${data.pairs.length} practitioner/room pairs, one service each, 60 min)`);
  log(`    ${THROUGHPUT.bookings} bookings per run after ${THROUGHPUT.warmup} warm-up bookings; latency = the whole booking (hold + confirm); one API process per store (pool of 20 connections)\n`);
  const results = new Map<string, ThroughputRun>();
  for (const [s, store] of stores.entries()) {
    const api = await apiFor(db, store);
    try {
      // Days: Mon/Tue for the first store's runs, Wed/Thu for the second's, Fri 08:00+ for warm-ups (and raw inserts from 12:00).
      await bookingRun(api, owner, data, 4, 8 + s, THROUGHPUT.warmup, 50, `warm-${store}`);
      for (const [c, clients] of THROUGHPUT.clients.entries()) {
        results.set(`${store}:${clients}`, await bookingRun(api, owner, data, 2 * s + c, 8, THROUGHPUT.bookings, clients, `tp-${store}-${clients}`));
      }
      if (store === 'redis') log(`    (the Redis run's holds were served by: ${await holdStoreInUse(api)})`);
    } finally {
      await api.close();
    }
  }
  const raw = await rawInserts(db, data, 4, 12);

  log(`${'clients'.padEnd(10)}${stores.map((s) => `${s} holds`.padEnd(58)).join('')}`);
  for (const clients of THROUGHPUT.clients) {
    const cells = stores.map((store) => {
      const r = results.get(`${store}:${clients}`)!;
      return `${fixed(r.perSecond).padStart(5)} bookings/s  p50 ${fixed(r.p50).padStart(5)}  p95 ${fixed(r.p95).padStart(5)}  p99 ${fixed(r.p99).padStart(5)} ms`.padEnd(58);
    });
    log(`${String(clients).padEnd(10)}${cells.join('')}`);
  }
  for (const store of stores) {
    for (const clients of THROUGHPUT.clients) {
      const r = results.get(`${store}:${clients}`)!;
      if (r.failures.size) log(`    ${store}, ${clients} clients: ${r.confirmed} confirmed; failures: ${describeCounts(r.failures)}`);
    }
  }
  log(`baseline: raw INSERT of booking + 2 allocations, owner pool, concurrency ${THROUGHPUT.rawConcurrency}: ${fixed(raw.perSecond)} bookings/s `
    + `(p50 ${fixed(raw.p50, 1)} ms, p99 ${fixed(raw.p99, 1)} ms${raw.failed ? `, ${raw.failed} failed` : ''})`);
  for (const store of stores) {
    const r = results.get(`${store}:${GOAL.clients}`)!;
    const met = r.perSecond >= GOAL.perSecond && r.p99 < GOAL.p99Ms;
    log(`goal >= ${GOAL.perSecond} confirmed bookings/s with p99 < ${GOAL.p99Ms} ms at ${GOAL.clients} clients, ${store} holds: ${met ? 'met' : 'NOT met'} `
      + `(${fixed(r.perSecond)}/s = ${fixed((100 * r.perSecond) / raw.perSecond)}% of the raw-insert ceiling, p99 ${fixed(r.p99)} ms)`);
  }
  log(`(a) took ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

// ------------------------------------------------------------------------------------------------
// (b) Contention

interface ContentionFixture {
  serviceId: string;
  resourceIds: string[];
  targets: string[];
}

/** One practitioner + one room (the only candidates), Mon-Fri 07:00-20:00; 50 targets Mon-Fri 08:00-17:00 of the week after next. */
async function contentionFixture(owner: pg.Client, data: Dataset, store: Store): Promise<ContentionFixture> {
  const [doc, room, serviceId] = [randomUUID(), randomUUID(), randomUUID()];
  const tag = `contention-${store}`;
  await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
    ($1, $2, $4, 'practitioner', $5, array[$7]), ($1, $3, $4, 'room', $6, array[$7])`,
  [data.tenantId, doc, room, data.locationId, `Contention Doc ${store}`, `Contention Room ${store}`, tag]);
  await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, wd, '07:00', '20:00' from unnest($2::uuid[]) r cross join generate_series(1, 5) wd`, [data.tenantId, [doc, room]]);
  await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days)
    values ($1, $2, $3, $4, 60, 60, 120)`, [data.tenantId, serviceId, data.locationId, `Contention Visit ${store}`]);
  await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
    ($1, $2, 'Practitioner', 'practitioner', array[$3]), ($1, $2, 'Room', 'room', array[$3])`, [data.tenantId, serviceId, tag]);
  const times: [number, number][] = [];
  for (let day = 7; day < 12; day++) for (let hour = 8; hour < 18; hour++) times.push([day, hour]);
  return { serviceId, resourceIds: [doc, room], targets: await instants(owner, data.monday, times) };
}

const TRACKED = ['app_private.book', 'app_private.hold_place', 'app_private.lock_resources', 'app_private.assert_bookable', 'app_private.free_intervals',
  'app_private.live_holds', 'app_hidden.slot_search_context'];

interface DbCounters {
  commits: number;
  rollbacks: number;
  deadlocks: number;
  functions: Map<string, number>;
  /** Total time inside each function (ms, including nested calls). */
  functionMs: Map<string, number>;
}

async function dbCounters(root: pg.Pool): Promise<DbCounters> {
  await root.query('select pg_stat_clear_snapshot()');
  const db = (await root.query<{ commits: string; rollbacks: string; deadlocks: string }>(
    `select xact_commit as commits, xact_rollback as rollbacks, deadlocks from pg_stat_database where datname = current_database()`)).rows[0]!;
  const fns = await root.query<{ name: string; calls: string; total_ms: number }>(
    `select schemaname || '.' || funcname as name, calls, total_time as total_ms from pg_stat_user_functions
     where schemaname || '.' || funcname = any($1::text[])`, [TRACKED]);
  return {
    commits: Number(db.commits),
    rollbacks: Number(db.rollbacks),
    deadlocks: Number(db.deadlocks),
    functions: new Map(fns.rows.map((r) => [r.name, Number(r.calls)])),
    functionMs: new Map(fns.rows.map((r) => [r.name, Number(r.total_ms)])),
  };
}

interface LockSamples {
  samples: number;
  waitingSum: number;
  advisorySum: number;
  transactionSum: number;
  maxWaiting: number;
  samplesWithWait: number;
}

/** Samples backends of `database` waiting for a heavyweight lock (advisory, transaction id, ...) until stopped. */
function sampleLocks(monitor: pg.Pool, database: string, everyMs: number): { stop(): Promise<LockSamples> } {
  const result: LockSamples = { samples: 0, waitingSum: 0, advisorySum: 0, transactionSum: 0, maxWaiting: 0, samplesWithWait: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await monitor.query<{ waiting: number; advisory: number; tx: number }>(
        `select count(*)::int as waiting, count(*) filter (where wait_event = 'advisory')::int as advisory,
                count(*) filter (where wait_event in ('transactionid', 'tuple'))::int as tx
         from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [database]);
      const r = rows[0]!;
      result.samples++;
      result.waitingSum += r.waiting;
      result.advisorySum += r.advisory;
      result.transactionSum += r.tx;
      result.maxWaiting = Math.max(result.maxWaiting, r.waiting);
      if (r.waiting > 0) result.samplesWithWait++;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return result;
    },
  };
}

interface ContentionRun {
  seconds: number;
  confirmedByClients: number;
  confirmedInDb: number;
  duplicateStarts: number;
  overlappingPairs: number;
  outcomes: Map<string, number>;
  confirmRequests: number;
  untyped: number;
  withoutAlternatives: number;
  counters: DbCounters;
  locks: LockSamples;
  holdsServedBy: string;
}

/** Runs fn on a connection of its own that closes afterwards (so its statistics are flushed at once). */
async function withOwner<T>(db: TestDatabase, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function contentionRun(db: TestDatabase, root: pg.Pool, monitor: pg.Pool, data: Dataset, store: Store): Promise<ContentionRun> {
  // Setup and checks run on connections that close right away: a backend flushes its statistics when
  // it exits, so none of that work lands in the measured window (of this store or the next).
  const fixture = await withOwner(db, (client) => contentionFixture(client, data, store));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = await dbCounters(root);
  const api = await apiFor(db, store);
  const outcomes = new Map<string, number>();
  let confirmedByClients = 0;
  let confirmRequests = 0;
  let untyped = 0;
  let withoutAlternatives = 0;
  const loss = (stage: string, reply: GqlReply) => {
    const code = reply.errors?.[0]?.extensions?.code ?? `HTTP ${reply.status}`;
    tally(outcomes, `${stage} ${code}`);
    if (!LOSING_CODES.has(code)) untyped++;
    else if (!reply.errors?.[0]?.extensions?.alternatives?.length) withoutAlternatives++;
  };
  const sampler = sampleLocks(monitor, db.name, CONTENTION.sampleMs);
  let seconds: number;
  let holdsServedBy = store as string;
  try {
    seconds = await pool(CONTENTION.attempts, CONTENTION.clients, async (n) => {
      const start = fixture.targets[Math.floor(Math.random() * fixture.targets.length)]!;
      const held = await post(api.url, PLACE_HOLD, { s: fixture.serviceId, t: start });
      const token = held.data?.placeHold?.token;
      if (!token) return loss('placeHold', held);
      tally(outcomes, 'placeHold ok');
      confirmRequests++;
      const booked = await post(api.url, CONFIRM, { h: token, e: `contention-${store}-${n}@bench.test`, k: `contention-${store}-${n}` });
      if (booked.data?.confirmBooking?.bookingId) {
        confirmedByClients++;
        tally(outcomes, 'confirmBooking ok');
      } else {
        loss('confirmBooking', booked);
      }
    });
    if (store === 'redis') holdsServedBy = await holdStoreInUse(api);
  } finally {
    await api.close(); // its backends exit and flush their statistics
  }
  const locks = await sampler.stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await dbCounters(root);
  const checks = (await withOwner(db, (client) => client.query<{ n: number; starts: number; pairs: number }>(
    `select (select count(*)::int from app_public.booking where service_id = $1 and status in ('pending_approval', 'confirmed')) as n,
            (select count(distinct starts_at)::int from app_public.booking where service_id = $1 and status in ('pending_approval', 'confirmed')) as starts,
            (select count(*)::int from app_public.booking_allocation a join app_public.booking_allocation b
               on b.tenant_id = a.tenant_id and b.resource_id = a.resource_id and b.id <> a.id and b.busy && a.busy
             where a.active and b.active and a.resource_id = any($2::uuid[])) as pairs`, [fixture.serviceId, fixture.resourceIds]))).rows[0]!;
  const functions = new Map([...after.functions].map(([name, calls]) => [name, calls - (before.functions.get(name) ?? 0)]));
  const functionMs = new Map([...after.functionMs].map(([name, ms]) => [name, ms - (before.functionMs.get(name) ?? 0)]));
  return {
    seconds,
    confirmedByClients,
    confirmedInDb: checks.n,
    duplicateStarts: checks.n - checks.starts,
    overlappingPairs: checks.pairs,
    outcomes,
    confirmRequests,
    untyped,
    withoutAlternatives,
    counters: { commits: after.commits - before.commits, rollbacks: after.rollbacks - before.rollbacks, deadlocks: after.deadlocks - before.deadlocks, functions, functionMs },
    locks,
    holdsServedBy,
  };
}

async function contentionBench(db: TestDatabase, root: pg.Pool, monitor: pg.Pool, data: Dataset, stores: Store[], log: Log): Promise<void> {
  const began = performance.now();
  log(`(b) contention: ${CONTENTION.attempts} attempts (placeHold, then confirmBooking on a token) from ${CONTENTION.clients} clients on ${CONTENTION.targets} slots of one practitioner + room`);
  // Function call counts need track_functions for the API's connections (new ones, opened after this).
  let tracked = false;
  try {
    await root.query(`alter database ${pg.escapeIdentifier(db.name)} set track_functions = 'all'`);
    tracked = true;
  } catch (error) {
    log(`    (no function call counts: ${(error as Error).message})`);
  }
  const runs = new Map<Store, ContentionRun>();
  try {
    for (const store of stores) runs.set(store, await contentionRun(db, root, monitor, data, store));
  } finally {
    if (tracked) await root.query(`alter database ${pg.escapeIdentifier(db.name)} reset track_functions`);
  }
  const row = (label: string, value: (r: ContentionRun) => string) => log(`${label.padEnd(52)}${stores.map((s) => value(runs.get(s)!).padStart(16)).join('')}`);
  log('');
  log(`${''.padEnd(52)}${stores.map((s) => `${s} holds`.padStart(16)).join('')}`);
  row('wall time, s', (r) => r.seconds.toFixed(1));
  row('attempts/s', (r) => fixed(CONTENTION.attempts / r.seconds));
  row('confirmed (clients / SQL count)', (r) => `${r.confirmedByClients} / ${r.confirmedInDb}`);
  row('duplicates (same start twice / overlapping pairs)', (r) => `${r.duplicateStarts} / ${r.overlappingPairs}`);
  row('losers without a typed code / without alternatives', (r) => `${r.untyped} / ${r.withoutAlternatives}`);
  row('holds granted / confirmBooking requests', (r) => `${r.outcomes.get('placeHold ok') ?? 0} / ${r.confirmRequests}`);
  row('transactions committed (pg_stat_database)', (r) => String(r.counters.commits));
  row('transactions rolled back (xact_rollback)', (r) => String(r.counters.rollbacks));
  row('deadlocks', (r) => String(r.counters.deadlocks));
  row(`lock waits: samples with a waiter / samples (${CONTENTION.sampleMs} ms)`, (r) => `${r.locks.samplesWithWait} / ${r.locks.samples}`);
  row('lock waits: waiting backends summed over samples', (r) => String(r.locks.waitingSum));
  row('  of which advisory (resource locks)', (r) => String(r.locks.advisorySum));
  row('  of which transaction id / tuple', (r) => String(r.locks.transactionSum));
  row('lock waits: est. backend-seconds waiting', (r) => ((r.locks.waitingSum * CONTENTION.sampleMs) / 1000).toFixed(2));
  row('lock waits: most backends waiting at once', (r) => String(r.locks.maxWaiting));
  for (const fn of TRACKED) row(`calls of ${fn}`, (r) => (tracked ? String(r.counters.functions.get(fn) ?? 0) : 'n/a'));
  row('time inside app_private.book, ms per call', (r) => (tracked ? fixed((r.counters.functionMs.get('app_private.book') ?? 0) / (r.counters.functions.get('app_private.book') || 1), 1) : 'n/a'));
  for (const store of stores) log(`${store} outcomes: ${describeCounts(runs.get(store)!.outcomes)}${store === 'redis' ? ` (holds served by: ${runs.get(store)!.holdsServedBy})` : ''}`);

  const redis = runs.get('redis');
  const postgres = runs.get('postgres');
  if (redis && postgres) {
    const ratio = (a: number, b: number) => {
      if (b === 0) return a === 0 ? 'both 0' : 'n/a (postgres 0)';
      const change = Math.round(100 * (1 - a / b));
      return `${(a / b).toFixed(2)} (${change >= 0 ? `${change}% less` : `${-change}% more`})`;
    };
    const work = (r: ContentionRun) => r.counters.rollbacks + r.locks.waitingSum;
    log('');
    log('database work, redis / postgres holds:');
    log(`  rolled-back transactions            ${ratio(redis.counters.rollbacks, postgres.counters.rollbacks)}`);
    log(`  lock waits (sampled waiter count)   ${ratio(redis.locks.waitingSum, postgres.locks.waitingSum)}`);
    log(`  advisory-lock waits                 ${ratio(redis.locks.advisorySum, postgres.locks.advisorySum)}`);
    log(`  rollbacks + lock waits              ${ratio(work(redis), work(postgres))}`);
    log(`  all transactions                    ${ratio(redis.counters.commits + redis.counters.rollbacks, postgres.counters.commits + postgres.counters.rollbacks)}`);
    if (tracked) {
      const calls = (r: ContentionRun, fn: string) => r.counters.functions.get(fn) ?? 0;
      log(`  app_private.book calls              ${ratio(calls(redis, 'app_private.book'), calls(postgres, 'app_private.book'))}`);
      log(`  lock_resources calls                ${ratio(calls(redis, 'app_private.lock_resources'), calls(postgres, 'app_private.lock_resources'))}`);
    }
    const less = (a: number, b: number) => (b === 0 ? 0 : 1 - a / b);
    const reduction = less(work(redis), work(postgres));
    const lockReduction = less(redis.locks.waitingSum, postgres.locks.waitingSum);
    log(`claim "Redis holds cut database contention by 90%+": measured ${(100 * reduction).toFixed(0)}% less rollbacks + lock waits `
      + `(${(100 * lockReduction).toFixed(0)}% less lock waits alone) -> ${reduction >= 0.9 && lockReduction >= 0.9 ? 'supported' : 'NOT supported'} by this run`);
  }
  log(`(b) took ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

// ------------------------------------------------------------------------------------------------

export async function runBookingBench(db: TestDatabase, log: Log): Promise<void> {
  const began = performance.now();
  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
  const root = new pg.Pool({ connectionString: db.rootUrl, max: 2 });
  // The lock sampler connects to the maintenance database: pg_stat_activity is cluster-wide.
  const monitorUrl = new URL(db.rootUrl);
  monitorUrl.pathname = '/postgres';
  const monitor = new pg.Pool({ connectionString: monitorUrl.toString(), max: 1 });
  try {
    const data = await buildDataset(owner);
    const stores: Store[] = (await redisReachable()) ? ['redis', 'postgres'] : ['postgres'];
    log(`booking path, 127.0.0.1, tenant ${TENANT_SLUG} (${ZONE}), week of ${data.monday}; dataset built in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    if (!stores.includes('redis')) log(`Redis at ${REDIS_URL} is not reachable: only the Postgres hold store is measured`);
    log('clients and API share this process (Node, one thread); Postgres runs on the same 2-core machine\n');
    await throughputBench(db, owner, data, stores, log);
    await owner.end(); // before (b): its connections' statistics must not trickle into the measured windows
    log('');
    await contentionBench(db, root, monitor, data, stores, log);
  } finally {
    if (!owner.ended) await owner.end();
    await root.end();
    await monitor.end();
  }
}

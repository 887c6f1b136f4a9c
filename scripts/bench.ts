// `npm run bench`: performance numbers with a baseline measured in the same run. Prints; asserts
// nothing. Targets 127.0.0.1 only, with bounded loops.
//
// Foundation benchmark: the public home-page query through the whole API (HTTP, JWT/tenant
// resolution, PostGraphile, RLS) against the same rows read by one hand-written SQL query on a
// direct connection (the baseline).
//
// resource_free_intervals: the availability functions on a dataset the bench builds itself (a tenant
// with one location, 500 resources working Mon-Fri 08:00-18:00, one resource with 200 allocations in
// the measured week and the others with 40 each), called as app_staff on a direct connection, against
// a naive per-minute scan in plain SQL over the same rows (the baseline). Goal: <= 2 ms per
// resource-week for app_private.free_intervals over many resources.
import '../server/src/polyfills.ts';
import pg from 'pg';
import { startTestApi } from '../tests/helpers/api.ts';
import { runBookingBench } from './bench/booking.ts';
import { runEngineBench } from './bench/engine.ts';
import { runSlotsBench } from './bench/slots.ts';
import { runTimeBench } from './bench/time.ts';
import { startTestServer } from '../tests/helpers/database.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const CONCURRENCY = 8;
const HOME = `{ currentTenant { name } locations(orderBy: NAME_ASC) { nodes { name timeZone timeZoneAbbreviation localTime openingHours
  services(orderBy: NAME_ASC) { nodes { name durationMinutes priceCents currency } } } } }`;
const BASELINE_SQL = `
  select l.name, l.time_zone, app_public.zone_abbreviation(l.time_zone), to_char(now() at time zone l.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS'),
         l.opening_hours, s.name, s.duration_minutes, s.price_cents, s.currency
  from app_public.location l left join app_public.service s on s.tenant_id = l.tenant_id and s.location_id = l.id and s.active
  where l.tenant_id = (select id from app_public.tenant where slug = 'meridian') order by l.name, s.name`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, fn: () => Promise<unknown>, concurrency = 1): Promise<{ p50: number; p95: number; perSecond: number }> {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const samples: number[] = [];
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ITERATIONS) {
        next++;
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  samples.sort((a, b) => a - b);
  const result = { p50: percentile(samples, 50), p95: percentile(samples, 95), perSecond: samples.length / elapsed };
  console.log(`${label.padEnd(44)} p50 ${result.p50.toFixed(2).padStart(7)} ms  p95 ${result.p95.toFixed(2).padStart(7)} ms  ${result.perSecond.toFixed(0).padStart(6)} req/s`);
  return result;
}

// ------------------------------------------------------------------------------------------------
// resource_free_intervals

const FREE_RESOURCES = 500;
const BUSY_ALLOCATIONS = 200; // of the measured resource: 40 a day, Mon-Fri, every 15 minutes
const OTHER_ALLOCATIONS = 40; // of each other resource: 8 a day, every 75 minutes
const FREE_RUNS = { single: 200, many: 20, naive: 5 };
const BENCH_ZONE = 'America/New_York';
const GOAL_MS_PER_RESOURCE_WEEK = 2;

// Free time of one resource, minute by minute: a minute is free when a weekly template covers it
// (its local day's start and end read with to_utc), or an open override does, and no closed override
// or active allocation does; consecutive free minutes are then merged into ranges.
const NAIVE_SQL = `
  with res as (
    select r.id, r.tenant_id, r.location_id from app_public.resource r where r.id = $1
  ),
  minutes as (
    select m from generate_series(lower($2::tstzrange), upper($2::tstzrange) - interval '1 minute', interval '1 minute') m
  ),
  free_minutes as (
    select minutes.m
    from minutes cross join res
    where (exists (select 1 from app_public.availability_template t
                   where t.tenant_id = res.tenant_id and t.resource_id = res.id
                     and t.weekday = extract(isodow from minutes.m at time zone t.time_zone)
                     and (t.valid_from is null or (minutes.m at time zone t.time_zone)::date >= t.valid_from)
                     and (t.valid_to is null or (minutes.m at time zone t.time_zone)::date <= t.valid_to)
                     and minutes.m >= app_public.to_utc((minutes.m at time zone t.time_zone)::date + t.start_time, t.time_zone)
                     and minutes.m < app_public.to_utc((minutes.m at time zone t.time_zone)::date + t.end_time, t.time_zone))
           or exists (select 1 from app_public.availability_override o
                      where o.tenant_id = res.tenant_id and (o.resource_id = res.id or o.location_id = res.location_id)
                        and o.kind = 'open' and o.during @> minutes.m))
      and not exists (select 1 from app_public.availability_override o
                      where o.tenant_id = res.tenant_id and (o.resource_id = res.id or o.location_id = res.location_id)
                        and o.kind = 'closed' and o.during @> minutes.m)
      and not exists (select 1 from app_public.booking_allocation a
                      where a.tenant_id = res.tenant_id and a.resource_id = res.id and a.active and a.busy @> minutes.m)
  ),
  islands as (
    select m, m - make_interval(mins => (row_number() over (order by m))::integer) as island from free_minutes
  )
  select tstzrange(min(m), max(m) + interval '1 minute', '[)')::text as free from islands group by island order by min(m)`;

interface FreeDataset {
  tenantId: string;
  busyResourceId: string;
  resourceIds: string[];
  window: string;
  rows: { resources: number; templates: number; allocations: number };
}

/** Builds the dataset as the owner: a tenant of its own, so the seeded tenants are untouched. */
async function buildFreeDataset(ownerUrl: string): Promise<FreeDataset> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query('begin');
    const tenant = await owner.query<{ id: string }>(`insert into app_public.tenant (slug, name) values ('bench', 'Bench Tenant') returning id`);
    const tenantId = tenant.rows[0]!.id;
    const location = await owner.query<{ id: string }>(
      `insert into app_public.location (tenant_id, name, time_zone) values ($1, 'Bench Campus', $2) returning id`,
      [tenantId, BENCH_ZONE],
    );
    const locationId = location.rows[0]!.id;
    await owner.query(
      `insert into app_public.resource (tenant_id, location_id, kind, name, tags)
       select $1, $2, 'room', format('Bench Room %s', lpad(i::text, 3, '0')), '{bench}' from generate_series(1, $3::integer) i`,
      [tenantId, locationId, FREE_RESOURCES],
    );
    await owner.query(
      `insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
       select r.tenant_id, r.id, wd, '08:00', '18:00' from app_public.resource r cross join generate_series(1, 5) wd where r.tenant_id = $1`,
      [tenantId],
    );
    const service = await owner.query<{ id: string }>(
      `insert into app_public.service (tenant_id, location_id, name, duration_minutes) values ($1, $2, 'Bench Slot', 10) returning id`,
      [tenantId, locationId],
    );
    const customer = await owner.query<{ id: string }>(`insert into app_public.customer (tenant_id, name) values ($1, 'Bench Customer') returning id`, [tenantId]);
    // The measured week: next Monday 00:00 to the Monday after, local time (7 days of instants).
    const week = await owner.query<{ monday: string; window: string }>(
      `select to_char(m, 'YYYY-MM-DD"T"HH24:MI:SS') as monday,
              tstzrange(app_public.to_utc(m, $1), app_public.to_utc(m + interval '7 days', $1), '[)')::text as window
       from (select date_trunc('week', now() at time zone $1) + interval '7 days' as m) w`,
      [BENCH_ZONE],
    );
    const { monday, window } = week.rows[0]!;
    const resources = await owner.query<{ id: string }>(`select id from app_public.resource where tenant_id = $1 order by name`, [tenantId]);
    const resourceIds = resources.rows.map((r) => r.id);
    const busyResourceId = resourceIds[0]!;
    // One booking per allocation, 10 minutes each, never overlapping per resource, all inside 08:00-18:00.
    await owner.query(
      `create temp table bench_plan on commit drop as
       select gen_random_uuid() as booking_id, r.id as resource_id,
              app_public.to_utc($2::timestamp + make_interval(days => d, mins => 480 + k * p.step), $3) as starts_at
       from app_public.resource r
       cross join lateral (select case when r.id = $4 then $5::integer / 5 else $6::integer / 5 end as per_day,
                                  case when r.id = $4 then 15 else 75 end as step) p
       cross join generate_series(0, 4) d
       cross join lateral generate_series(0, p.per_day - 1) k
       where r.tenant_id = $1`,
      [tenantId, monday, BENCH_ZONE, busyResourceId, BUSY_ALLOCATIONS, OTHER_ALLOCATIONS],
    );
    await owner.query(
      `insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at)
       select $1, booking_id, $2, $3, starts_at from bench_plan`,
      [tenantId, service.rows[0]!.id, customer.rows[0]!.id],
    );
    await owner.query(
      `insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) select $1, booking_id, resource_id from bench_plan`,
      [tenantId],
    );
    const counts = await owner.query<{ templates: number; allocations: number }>(
      `select (select count(*)::integer from app_public.availability_template where tenant_id = $1) as templates,
              (select count(*)::integer from app_public.booking_allocation where tenant_id = $1 and active and busy && $2::tstzrange) as allocations`,
      [tenantId, window],
    );
    await owner.query('commit');
    await owner.query('analyze app_public.resource, app_public.availability_template, app_public.availability_override, app_public.booking, app_public.booking_allocation');
    return { tenantId, busyResourceId, resourceIds, window, rows: { resources: resourceIds.length, ...counts.rows[0]! } };
  } catch (error) {
    await owner.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await owner.end();
  }
}

/** Runs fn sequentially after a warm-up; returns the sorted durations in ms. */
async function sample(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b);
}

function report(label: string, samples: number[], per = 1): { p50: number; p95: number } {
  const result = { p50: percentile(samples, 50) / per, p95: percentile(samples, 95) / per };
  const digits = result.p95 < 1 ? 3 : 2;
  console.log(`${label.padEnd(58)} p50 ${result.p50.toFixed(digits).padStart(8)} ms  p95 ${result.p95.toFixed(digits).padStart(8)} ms  (${samples.length} runs)`);
  return result;
}

async function benchFreeIntervals(ownerUrl: string, authUrl: string): Promise<void> {
  const began = performance.now();
  const data = await buildFreeDataset(ownerUrl);
  console.log(`\nresource_free_intervals, 127.0.0.1, one 7-day window ${data.window} (${BENCH_ZONE})`);
  console.log(`dataset: ${data.rows.resources} resources, ${data.rows.templates} weekly templates, ${data.rows.allocations} active allocations in the window `
    + `(${BUSY_ALLOCATIONS} on the measured resource, ${OTHER_ALLOCATIONS} on each other); built in ${((performance.now() - began) / 1000).toFixed(1)} s\n`);

  const client = new pg.Client({ connectionString: authUrl });
  await client.connect();
  try {
    await client.query('set role app_staff');
    await client.query(`select set_config('jwt.claims.tenant_id', $1, false)`, [data.tenantId]);

    const single = () => client.query<{ free: string }>(`select f::text as free from app_public.resource_free_intervals($1, $2::tstzrange) f`, [data.busyResourceId, data.window]);
    const many = () => client.query(`select * from app_private.free_intervals($1::uuid[], $2::tstzrange)`, [data.resourceIds, data.window]);
    const naive = () => client.query<{ free: string }>(NAIVE_SQL, [data.busyResourceId, data.window]);

    const fromFunction = (await single()).rows.map((r) => r.free);
    const fromNaive = (await naive()).rows.map((r) => r.free);
    const agree = fromFunction.length === fromNaive.length && fromFunction.every((f, i) => f === fromNaive[i]);
    const manyRows = (await many()).rowCount ?? 0;

    const a = report(`(a) resource_free_intervals, 1 resource x ${BUSY_ALLOCATIONS} allocations`, await sample(single, FREE_RUNS.single, 20));
    const bSamples = await sample(many, FREE_RUNS.many, 2);
    report(`(b) free_intervals, ${data.resourceIds.length} resources, total`, bSamples);
    const bPer = report(`    per resource-week`, bSamples, data.resourceIds.length);
    const c = report(`(c) baseline: per-minute scan in SQL, same resource`, await sample(naive, FREE_RUNS.naive, 1));

    console.log(`\nresults: function ${fromFunction.length} free intervals, baseline ${fromNaive.length}: ${agree ? 'identical' : 'DIFFERENT'}; `
      + `free_intervals over ${data.resourceIds.length} resources returned ${manyRows} intervals`);
    console.log(`baseline / function, p50: ${(c.p50 / a.p50).toFixed(0)}x (${c.p50.toFixed(1)} ms vs ${a.p50.toFixed(2)} ms)`);
    const met = bPer.p95 <= GOAL_MS_PER_RESOURCE_WEEK;
    console.log(`goal <= ${GOAL_MS_PER_RESOURCE_WEEK} ms per resource-week: ${met ? 'met' : 'NOT met'} (free_intervals p50 ${bPer.p50.toFixed(3)} ms, p95 ${bPer.p95.toFixed(3)} ms; `
      + `a single-resource call, p50 ${a.p50.toFixed(2)} ms, ${a.p50 <= GOAL_MS_PER_RESOURCE_WEEK ? 'within' : 'over'} it)`);
  } finally {
    await client.end();
  }
}

const server = await startTestServer();
const db = await server.createDatabase('slotwise_bench', { seed: true });
const api = await startTestApi(db);
const direct = new pg.Pool({ connectionString: db.ownerUrl, max: CONCURRENCY });
try {
  console.log(`home-page query, ${ITERATIONS} requests per row, 127.0.0.1\n`);
  const check = await api.gql(HOME, { tenant: 'meridian' });
  if (check.errors) throw new Error(JSON.stringify(check.errors));
  const baseline1 = await measure('baseline: one SQL query, direct (c=1)', () => direct.query(BASELINE_SQL));
  const api1 = await measure('GraphQL over HTTP, anonymous + RLS (c=1)', () => api.gql(HOME, { tenant: 'meridian' }));
  const baseline8 = await measure(`baseline: one SQL query, direct (c=${CONCURRENCY})`, () => direct.query(BASELINE_SQL), CONCURRENCY);
  const api8 = await measure(`GraphQL over HTTP, anonymous + RLS (c=${CONCURRENCY})`, () => api.gql(HOME, { tenant: 'meridian' }), CONCURRENCY);
  console.log(`\nAPI / baseline, p50 at c=1: ${(api1.p50 / baseline1.p50).toFixed(1)}x; throughput at c=${CONCURRENCY}: ${(api8.perSecond / baseline8.perSecond).toFixed(2)}x of baseline`);

  await benchFreeIntervals(db.ownerUrl, db.authUrl);

  console.log('');
  await runEngineBench((line) => console.log(line));
  console.log('');
  await runSlotsBench(db, api, (line) => console.log(line));
  console.log('');
  await runBookingBench(db, (line) => console.log(line));
  console.log('');
  runTimeBench((line) => console.log(line));
} finally {
  await direct.end();
  await api.close();
  await server.dropDatabase(db.name);
  await server.stop();
}

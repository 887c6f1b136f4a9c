// availableSlots on the dataset: one location (America/Chicago), 60 practitioners, 30 rooms,
// 15 devices, 20,000 allocations over 30 days; a service needing 1 of 20 qualified practitioners +
// 1 of 10 rooms + 1 of 5 devices, 60 min with 10-min buffers, 5-minute step, a 7-day window.
// Prints p50/p95 for the engine alone (on the context read from SQL), the brute-force reference on
// the same input, the SQL context read, and the whole GraphQL request. Then adds 20 sequence-gap rules
// and daily/weekly limits (docs/adr/0014-business-rules.md) and measures the same search again: the
// slowdown against rules-off in the same run (goal <= 1.5x). Bounded loops; 127.0.0.1 only.
import pg from 'pg';
import { searchInputFor, type SearchContext } from '../../server/src/availability.ts';
import { findSlotsByBruteForce } from '../../server/src/engine/reference.ts';
import { findSlots } from '../../server/src/engine/search.ts';
import type { TestApi } from '../../tests/helpers/api.ts';

const ZONE = 'America/Chicago';
const RUNS = { engine: 200, reference: 5, context: 50, graphql: 100 };
const GOALS = { engineP95: 10, graphqlP95: 50, speedup: 100, rulesSlowdown: 1.5 };

function stats(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

async function time(runs: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

interface SlotsDataset {
  tenantId: string;
  tenantSlug: string;
  serviceId: string;
  fillerId: string;
  from: string;
  to: string;
  allocations: number;
}

async function buildDataset(ownerUrl: string): Promise<SlotsDataset> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query('begin');
    const tenantId = (await owner.query<{ id: string }>(`insert into app_public.tenant (slug, name) values ('bench-slots', 'Bench Slots') returning id`)).rows[0]!.id;
    const locationId = (await owner.query<{ id: string }>(`insert into app_public.location (tenant_id, name, time_zone) values ($1, 'Bench Clinic', $2) returning id`, [tenantId, ZONE])).rows[0]!.id;
    // 60 practitioners (20 qualified), 30 rooms (10 tagged), 15 devices (5 tagged); rooms have 5-min turnover.
    await owner.query(
      `insert into app_public.resource (tenant_id, location_id, kind, name, tags, buffer_after_minutes)
       select $1, $2, kind::app_public.resource_kind, format('%s %s', initcap(kind), lpad(i::text, 2, '0')),
              case when i <= quota then array[kind, 'bench-qualified'] else array[kind] end,
              case when kind = 'room' then 5 else 0 end
       from (values ('practitioner', 60, 20), ('room', 30, 10), ('equipment', 15, 5)) k(kind, n, quota)
       cross join lateral generate_series(1, n) i`,
      [tenantId, locationId],
    );
    await owner.query(
      `insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
       select r.tenant_id, r.id, wd, '08:00', '18:00' from app_public.resource r cross join generate_series(1, 5) wd where r.tenant_id = $1`,
      [tenantId],
    );
    const filler = (await owner.query<{ id: string }>(`insert into app_public.service (tenant_id, location_id, name, duration_minutes) values ($1, $2, 'Bench Filler', 30) returning id`, [tenantId, locationId])).rows[0]!.id;
    const serviceId = (await owner.query<{ id: string }>(
      `insert into app_public.service (tenant_id, location_id, name, duration_minutes, buffer_before_minutes, buffer_after_minutes, slot_step_minutes, max_advance_days)
       values ($1, $2, 'Bench Trio', 60, 10, 10, 5, 60) returning id`, [tenantId, locationId])).rows[0]!.id;
    await owner.query(
      `insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
       ($1, $2, 'Practitioner', 'practitioner', '{bench-qualified}'), ($1, $2, 'Room', 'room', '{bench-qualified}'), ($1, $2, 'Device', 'equipment', '{bench-qualified}')`,
      [tenantId, serviceId],
    );
    const customerId = (await owner.query<{ id: string }>(`insert into app_public.customer (tenant_id, name) values ($1, 'Bench Customer') returning id`, [tenantId])).rows[0]!.id;
    // 20,000 bookings over the next 30 days: 30 min each, back to back (35 min apart, so the room's
    // 5-min turnover fits), nine a day per resource in a block that starts 08:00-11:00 depending on the
    // resource, so each resource has a busy half-day and free time that overlaps the others' unevenly.
    const monday = (await owner.query<{ d: string }>(`select (date_trunc('week', now() at time zone $1) + interval '7 days')::date::text as d`, [ZONE])).rows[0]!.d;
    // Two statements: allocation triggers read the booking, which a sibling CTE's insert would hide.
    await owner.query(
      `create temporary table bench_slots on commit drop as
       select r.id as resource_id, gen_random_uuid() as booking_id,
              app_public.to_utc((day + time '08:00' + make_interval(mins => k * 35 + (abs(hashtext(r.id::text)) % 4) * 60))::timestamp, $3) as starts_at
       from app_public.resource r
       cross join generate_series($2::date, $2::date + 29, interval '1 day') day
       cross join generate_series(0, 8) k
       where r.tenant_id = $1 and extract(isodow from day) <= 5
       order by day, k, r.id
       limit 20000`,
      [tenantId, monday, ZONE],
    );
    await owner.query(`insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) select $1, booking_id, $2, $3, starts_at from bench_slots`, [tenantId, filler, customerId]);
    await owner.query(`insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) select $1, booking_id, resource_id from bench_slots`, [tenantId]);
    await owner.query('commit');
    await owner.query('analyze');
    const allocations = Number((await owner.query(`select count(*) from app_public.booking_allocation where tenant_id = $1`, [tenantId])).rows[0].count);
    const from = (await owner.query<{ t: Date }>(`select app_public.to_utc($1::date + time '00:00', $2) as t`, [monday, ZONE])).rows[0]!.t;
    return { tenantId, tenantSlug: 'bench-slots', serviceId, fillerId: filler, from: from.toISOString(), to: new Date(from.getTime() + 7 * 86_400_000).toISOString(), allocations };
  } finally {
    await owner.end();
  }
}

/**
 * 20 gap rules between the searched service and the one all 20,000 bookings are of (so every rule
 * meets bookings: the worst case), in both directions and every scope, plus daily and weekly limits,
 * one of them full on one device.
 */
async function addRules(ownerUrl: string, data: SlotsDataset): Promise<void> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query(
      `insert into app_public.sequence_rule (tenant_id, name, first_service_id, second_service_id, gap_minutes, both_directions, resource_kind, resource_id)
       select $1, format('Bench gap %s', i), case when i % 2 = 0 then $2::uuid else $3::uuid end, case when i % 2 = 0 then $3::uuid else $2::uuid end,
              5 + (i % 4) * 5, i % 3 = 0,
              case when i % 10 <> 9 then (array['practitioner', 'room', 'equipment', null])[1 + i % 4]::app_public.resource_kind end,
              case when i % 10 = 9 then (select r.id from app_public.resource r where r.tenant_id = $1 and 'bench-qualified' = any(r.tags) order by r.name offset i limit 1) end
       from generate_series(0, 19) i`,
      [data.tenantId, data.fillerId, data.serviceId],
    );
    await owner.query(
      `insert into app_public.booking_limit (tenant_id, name, kind, period, max_bookings, resource_kind, resource_id) values
       ($1, 'Bench: ten a day per practitioner', 'resource_bookings', 'day', 10, 'practitioner', null),
       ($1, 'Bench: 46 a week per room', 'resource_bookings', 'week', 46, 'room', null),
       ($1, 'Bench: nine a day on one device (full)', 'resource_bookings', 'day', 9, null,
        (select r.id from app_public.resource r where r.tenant_id = $1 and r.kind = 'equipment' and 'bench-qualified' = any(r.tags) order by r.name limit 1))`,
      [data.tenantId],
    );
    await owner.query('analyze app_public.sequence_rule, app_public.booking_limit');
  } finally {
    await owner.end();
  }
}

export async function runSlotsBench(db: { ownerUrl: string; authUrl: string }, api: TestApi, log: (line: string) => void): Promise<void> {
  const began = performance.now();
  const data = await buildDataset(db.ownerUrl);
  log(`availableSlots, 127.0.0.1: 60 practitioners, 30 rooms, 15 devices, ${data.allocations} allocations over 30 days (built in ${((performance.now() - began) / 1000).toFixed(1)} s)`);
  log('service: 1 of 20 practitioners + 1 of 10 rooms + 1 of 5 devices, 60 min, 10-min buffers, 5-min step, 7-day window\n');

  const client = new pg.Client({ connectionString: db.authUrl });
  await client.connect();
  try {
    await client.query(`set role app_anonymous`);
    await client.query(`select set_config('app.tenant_slug', $1, false)`, [data.tenantSlug]);
    const readContext = async () =>
      (await client.query<{ c: SearchContext }>(`select app_hidden.slot_search_context($1, $2, $3) as c`, [data.serviceId, data.from, data.to])).rows[0]!.c;
    const context = await readContext();
    const window = [Date.parse(data.from), Date.parse(data.to)] as const;
    const input = searchInputFor(context, window);
    const engineSlots = findSlots(input);
    const referenceSlots = findSlotsByBruteForce(input);
    const same = JSON.stringify(engineSlots) === JSON.stringify(referenceSlots);

    const heapBefore = process.memoryUsage().heapUsed;
    const engine = stats(await time(RUNS.engine, 20, () => findSlots(input)));
    const build = stats(await time(RUNS.engine, 20, () => searchInputFor(context, window)));
    const heapAfter = process.memoryUsage().heapUsed;
    const reference = stats(await time(RUNS.reference, 1, () => findSlotsByBruteForce(input)));
    const sql = stats(await time(RUNS.context, 5, readContext));
    const query = `query($s: UUID!, $from: Datetime!, $to: Datetime!) { availableSlots(serviceId: $s, from: $from, to: $to, first: 500) {
      totalCount nodes { start startLocal abbreviation score assignments { requirementId resources { id name } } } } }`;
    const check = await api.gql<{ availableSlots: { totalCount: number } }>(query, { tenant: data.tenantSlug, variables: { s: data.serviceId, from: data.from, to: data.to } });
    if (check.errors) throw new Error(JSON.stringify(check.errors));
    const graphql = stats(await time(RUNS.graphql, 10, () => api.gql(query, { tenant: data.tenantSlug, variables: { s: data.serviceId, from: data.from, to: data.to } })));

    const row = (label: string, s: { p50: number; p95: number }, runs: number) =>
      log(`${label.padEnd(52)} p50 ${s.p50.toFixed(2).padStart(8)} ms  p95 ${s.p95.toFixed(2).padStart(8)} ms  (${runs} runs)`);
    row('engine alone (findSlots, input prepared)', engine, RUNS.engine);
    row('engine input from the SQL context (grid, interval sets)', build, RUNS.engine);
    row('brute-force reference, same input', reference, RUNS.reference);
    row('SQL context read (slot_search_context, 1 query)', sql, RUNS.context);
    row('GraphQL availableSlots over HTTP (first: 500)', graphql, RUNS.graphql);
    log('');
    log(`slots: ${engineSlots.length} offered (GraphQL totalCount ${check.data!.availableSlots.totalCount}); engine and reference identical: ${same}`);
    log(`engine vs brute force, p50: ${(reference.p50 / engine.p50).toFixed(0)}x faster (goal >= ${GOALS.speedup}x)`);
    log(`goals: engine p95 ${engine.p95.toFixed(2)} ms (<= ${GOALS.engineP95}: ${engine.p95 <= GOALS.engineP95 ? 'met' : 'NOT met'}), GraphQL p95 ${graphql.p95.toFixed(2)} ms (<= ${GOALS.graphqlP95}: ${graphql.p95 <= GOALS.graphqlP95 ? 'met' : 'NOT met'})`);

    // The same search with the business rules on.
    await addRules(db.ownerUrl, data);
    const ruled = await readContext();
    const ruledInput = searchInputFor(ruled, window);
    const ruledSlots = findSlots(ruledInput);
    const ruledSame = JSON.stringify(ruledSlots) === JSON.stringify(findSlotsByBruteForce(ruledInput));
    const ruledEngine = stats(await time(RUNS.engine, 20, () => findSlots(ruledInput)));
    const ruledSql = stats(await time(RUNS.context, 5, readContext));
    const ruledGraphql = stats(await time(RUNS.graphql, 10, () => api.gql(query, { tenant: data.tenantSlug, variables: { s: data.serviceId, from: data.from, to: data.to } })));
    log('');
    log(`with 20 gap rules and 3 limits: ${(ruled.blocks ?? []).length} blocks in the window, ${ruledSlots.length} slots offered (engine and reference identical: ${ruledSame})`);
    row('engine alone, rules on', ruledEngine, RUNS.engine);
    row('SQL context read, rules on', ruledSql, RUNS.context);
    row('GraphQL availableSlots over HTTP, rules on', ruledGraphql, RUNS.graphql);
    const slowdown = ruledGraphql.p50 / graphql.p50;
    log(`rules on vs off (same run), GraphQL p50 ${slowdown.toFixed(2)}x, p95 ${(ruledGraphql.p95 / graphql.p95).toFixed(2)}x; SQL context p50 ${(ruledSql.p50 / sql.p50).toFixed(2)}x; engine p50 ${(ruledEngine.p50 / engine.p50).toFixed(2)}x`);
    log(`goal: search slowdown with rules <= ${GOALS.rulesSlowdown}x: ${slowdown <= GOALS.rulesSlowdown ? 'met' : 'NOT met'}`);
    log(`memory: heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB (engine runs: ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB change), rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB`);
  } finally {
    await client.end();
  }
}

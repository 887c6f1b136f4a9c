// `npm run bench`: performance numbers with a baseline measured in the same run. Prints; asserts
// nothing. Targets 127.0.0.1 only, with bounded loops.
//
// Foundation benchmark: the public home-page query through the whole API (HTTP, JWT/tenant
// resolution, PostGraphile, RLS) against the same rows read by one hand-written SQL query on a
// direct connection (the baseline).
import '../server/src/polyfills.ts';
import pg from 'pg';
import { startTestApi } from '../tests/helpers/api.ts';
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
} finally {
  await direct.end();
  await api.close();
  await server.dropDatabase(db.name);
  await server.stop();
}

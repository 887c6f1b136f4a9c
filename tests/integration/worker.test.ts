// Jobs enqueued by SQL inside a transaction run exactly once after commit and never after rollback,
// even with two workers competing for them.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Runner } from 'graphile-worker';
import { createLogger } from '../../server/src/logger.ts';
import { startWorker } from '../../worker/src/runner.ts';

const db = inject('db');
let pool: pg.Pool;
const runners: Runner[] = [];
const completions = new Map<string, number>();

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
  await pool.query('delete from app_private.outbox');
  for (let i = 0; i < 2; i++) {
    const runner = await startWorker({ connectionString: db.ownerUrl, logger: createLogger('test-worker', 'silent'), concurrency: 3, pollInterval: 100, crontab: false });
    // Count only this test's jobs: other test files leave booking jobs in the shared queue.
    runner.events.on('job:success', ({ job }) => {
      const to = (job.payload as { to?: string } | null)?.to ?? '';
      if (job.task_identifier === 'message__send' && to.startsWith('committed-')) completions.set(job.id, (completions.get(job.id) ?? 0) + 1);
    });
    runners.push(runner);
  }
});

afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.stop()));
  await pool?.end();
});

async function enqueueIn(outcome: 'commit' | 'rollback', to: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select app_private.enqueue_job('message__send', json_build_object('channel', 'email', 'to', $1::text, 'subject', 'Booking confirmed', 'body', 'See you soon'))`, [to]);
    await client.query(outcome);
  } finally {
    client.release();
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('jobs enqueued from SQL', () => {
  it('run exactly once after commit and never after rollback', async () => {
    const committed = Array.from({ length: 20 }, (_, i) => `committed-${i}@example.test`);
    const rolledBack = Array.from({ length: 10 }, (_, i) => `rolled-back-${i}@example.test`);
    await Promise.all([...committed.map((to) => enqueueIn('commit', to)), ...rolledBack.map((to) => enqueueIn('rollback', to))]);

    const queued = async () => Number((await pool.query(`select count(*) from graphile_worker.jobs where task_identifier = 'message__send'`)).rows[0].count);
    await waitUntil(async () => (await queued()) === 0);
    // Settle: a duplicate run, if any, would show up within a few poll intervals.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const { rows } = await pool.query<{ recipient: string }>(
      `select recipient from app_private.outbox where recipient like 'committed-%' or recipient like 'rolled-back-%' order by recipient`);
    expect(rows.map((r) => r.recipient)).toEqual([...committed].sort());
    expect(completions.size).toBe(20);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
  });

  it('a failing job is retried, not lost, and leaves no outbox row', async () => {
    await pool.query(`select app_private.enqueue_job('message__send', '{"channel": "pigeon", "to": "x", "body": "y"}'::json)`);
    await waitUntil(async () => {
      const { rows } = await pool.query(`select attempts, last_error from graphile_worker.jobs where task_identifier = 'message__send'`);
      return rows.length === 1 && rows[0].attempts >= 1 && /needs \{channel/.test(rows[0].last_error ?? '');
    });
    const outbox = await pool.query(`select 1 from app_private.outbox where recipient = 'x'`);
    expect(outbox.rowCount).toBe(0);
    await pool.query(`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where task_identifier = 'message__send'))`);
  });
});

describe('booking notifications', () => {
  it('a confirmed booking sends the customer an email in their zone, through message__send', async () => {
    const tenant = '20000000-0000-4000-8000-000000000002';
    const customer = await pool.query<{ id: string }>(
      `insert into app_public.customer (tenant_id, name, email, preferred_time_zone) values ($1, 'Notified Person', 'notify@example.test', 'Asia/Kathmandu') returning id`, [tenant]);
    const booking = await pool.query<{ id: string }>(
      `insert into app_public.booking (tenant_id, service_id, customer_id, starts_at) values ($1, '23000000-0000-4000-8000-000000000001', $2, '2027-01-05T14:00:00Z') returning id`,
      [tenant, customer.rows[0]!.id]);
    await pool.query(`select app_private.enqueue_job('booking__confirmed', json_build_object('tenantId', $1::uuid, 'bookingId', $2::uuid))`, [tenant, booking.rows[0]!.id]);
    await waitUntil(async () => (await pool.query(`select 1 from app_private.outbox where recipient = 'notify@example.test'`)).rowCount === 1);
    const { rows } = await pool.query(`select subject, body from app_private.outbox where recipient = 'notify@example.test'`);
    expect(rows[0].subject).toBe('Your booking is confirmed');
    // 14:00Z is 19:45 in Kathmandu (+0545), the customer's zone.
    expect(rows[0].body).toContain('Tue 05 Jan 2027 19:45 +0545');
    expect(rows[0].body).toContain('Microscope Lab Session');
  });
});

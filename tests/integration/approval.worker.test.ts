// Approval timeouts end in the worker: a booking still pending approval past approval_expires_at is
// declined by approval__expire (its own timer job, enqueued by the booking trigger, or the
// every-minute sweep), and booking__declined emails the customer through message__send. A pending
// booking whose time has not run out is left alone.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Runner } from 'graphile-worker';
import { createLogger } from '../../server/src/logger.ts';
import { startWorker } from '../../worker/src/runner.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York, open weekdays from 08:00
// A fixture of our own in the seeded northgate tenant: a resource that needs approval and a service
// using it, so no demo booking or rule gets in the way. Bookings are at 10:00 local on weekdays.
const id = (n: number) => `ea000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const RESOURCE = id(2);
const SERVICE = id(3);
const REQUIREMENT = id(4);
const OWNER = randomUUID();
const run = randomUUID().slice(0, 8);
const EXPIRED_EMAIL = `approval-expired-${run}@example.test`;
const WAITING_EMAIL = `approval-waiting-${run}@example.test`;
const OWNER_EMAIL = `approval-owner-${run}@example.test`;

let pool: pg.Pool;
let runner: Runner | undefined;
/** Successful jobs of this file, by task: the booking ids (or message recipients) they ran for. */
const succeeded = new Map<string, string[]>();

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A customer and a pending booking with one allocation, at `startsAt`, whose approval runs out at
 * `expiresAt`; in one transaction, so the running worker never sees the booking without its allocation.
 * Returns what the transaction saw before commit.
 */
async function pendingBooking(email: string, startsAt: string, expiresAt: string): Promise<{ bookingId: string; status: string; active: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const customer = await client.query<{ id: string }>(
      `insert into app_public.customer (tenant_id, name, email, preferred_time_zone) values ($1, 'Approval Tester', $2, 'America/New_York') returning id`,
      [NORTHGATE, email]);
    const booking = await client.query<{ id: string }>(
      `insert into app_public.booking (tenant_id, service_id, customer_id, status, starts_at, approval_expires_at)
       values ($1, $2, $3, 'pending_approval', $4, $5) returning id`,
      [NORTHGATE, SERVICE, customer.rows[0]!.id, startsAt, expiresAt]);
    const bookingId = booking.rows[0]!.id;
    await client.query(
      `insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id) values ($1, $2, $3, $4)`,
      [NORTHGATE, bookingId, RESOURCE, REQUIREMENT]);
    const seen = await client.query<{ status: string; active: boolean }>(
      `select b.status::text, a.active from app_public.booking b join app_public.booking_allocation a on a.booking_id = b.id where b.id = $1`, [bookingId]);
    await client.query('commit');
    return { bookingId, ...seen.rows[0]! };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

const bookingRow = async (bookingId: string) =>
  (await pool.query<{ status: string; decision_note: string | null; decided_at: Date | null; decided_by: string | null; approval_expires_at: Date }>(
    `select status::text, decision_note, decided_at, decided_by, approval_expires_at from app_public.booking where id = $1`, [bookingId])).rows[0]!;
const allocationActive = async (bookingId: string) =>
  (await pool.query<{ active: boolean }>(`select active from app_public.booking_allocation where booking_id = $1`, [bookingId])).rows[0]!.active;
const outbox = async (recipient: string) =>
  (await pool.query<{ subject: string; body: string; tenant_id: string }>(
    `select subject, body, tenant_id from app_private.outbox where recipient = $1 order by id`, [recipient])).rows;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
  await pool.query(`insert into app_public.app_user (id, email, name) values ($1, $2, 'Spectrometer Owner')`, [OWNER, OWNER_EMAIL]);
  await pool.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, requires_approval, owner_user_id) values ($1, $2, $3, 'equipment', 'Approval Test Spectrometer', '{approval-test}', true, $4)`,
    [NORTHGATE, RESOURCE, HALL, OWNER]);
  await pool.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes) values ($1, $2, $3, 'Approval Test Session', 60)`,
    [NORTHGATE, SERVICE, HALL]);
  await pool.query(`insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags) values ($1, $2, $3, 'Spectrometer', 'equipment', '{approval-test}')`,
    [NORTHGATE, REQUIREMENT, SERVICE]);

  runner = await startWorker({ connectionString: db.ownerUrl, logger: createLogger('test-worker', 'silent'), concurrency: 3, pollInterval: 100, crontab: false });
  runner.events.on('job:success', ({ job }) => {
    const payload = (job.payload ?? {}) as { bookingId?: string; to?: string };
    const ran = succeeded.get(job.task_identifier) ?? [];
    ran.push(payload.bookingId ?? payload.to ?? '');
    succeeded.set(job.task_identifier, ran);
  });
});

afterAll(async () => {
  await runner?.stop();
  await pool?.end();
});

describe('approval timeouts', () => {
  it('declines a booking pending past its approval time, frees its resources and emails the customer', async () => {
    // The trigger enqueues approval__expire at approval_expires_at (job key approval:<id>): already due.
    const { bookingId: expired, ...before } = await pendingBooking(EXPIRED_EMAIL, '2032-03-02T15:00:00Z', new Date(Date.now() - 60_000).toISOString());
    expect(before).toEqual({ status: 'pending_approval', active: true });

    await waitUntil(async () => (await bookingRow(expired)).status === 'declined', 'the overdue booking is declined');
    const after = await bookingRow(expired);
    expect(after.decision_note).toMatch(/^No decision before \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    expect(after.decided_at).not.toBeNull();
    expect(after.decided_by).toBeNull(); // automatic, not an approver
    expect(await allocationActive(expired)).toBe(false); // declined holds nothing

    await waitUntil(async () => (await outbox(EXPIRED_EMAIL)).length > 0, 'the declined email is in the outbox');
    // Its own timer job ran (another sweep may have got there first: the timer then declines nothing).
    await waitUntil(async () => (succeeded.get('approval__expire') ?? []).includes(expired), 'its approval__expire job ran');
    expect(succeeded.get('booking__declined')).toContain(expired);
    const mail = await outbox(EXPIRED_EMAIL);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Your booking request was declined');
    expect(mail[0]!.tenant_id).toBe(NORTHGATE);
    expect(mail[0]!.body).toContain('Approval Test Session at Main Campus Science Hall');
    // 15:00Z on 2 March 2032 is 10:00 EST, the customer's zone.
    expect(mail[0]!.body).toContain('Tue 02 Mar 2032 10:00 EST');
    expect(mail[0]!.body).toContain(`Reason: ${after.decision_note}`);
  });

  it('leaves a booking whose approval time has not run out pending, with its timer still queued', async () => {
    const expiresAt = new Date(Date.now() + 24 * 3_600_000);
    const { bookingId: waiting } = await pendingBooking(WAITING_EMAIL, '2032-03-03T15:00:00Z', expiresAt.toISOString());
    // Its own timer is scheduled for later, under its job key.
    const timer = await pool.query<{ run_at: Date }>(
      `select run_at from graphile_worker.jobs where task_identifier = 'approval__expire' and key = $1`, [`approval:${waiting}`]);
    expect(timer.rows).toHaveLength(1);
    expect(timer.rows[0]!.run_at.getTime()).toBe(expiresAt.getTime());

    // A sweep now (what the crontab runs every minute) must not touch it.
    await pool.query(`select app_private.enqueue_job('approval__expire', '{}'::json)`);
    await waitUntil(async () => (succeeded.get('approval__expire') ?? []).includes(''), 'the sweep ran');

    const row = await bookingRow(waiting);
    expect(row.status).toBe('pending_approval');
    expect(row.decision_note).toBeNull();
    expect(await allocationActive(waiting)).toBe(true);
    expect(succeeded.get('booking__declined') ?? []).not.toContain(waiting);
    expect((await outbox(WAITING_EMAIL)).map((m) => m.subject)).not.toContain('Your booking request was declined');
  });

  it('booking__requested tells the customer the booking waits for approval, and asks the resource owner', async () => {
    const email = `approval-requested-${run}@example.test`;
    const { bookingId: requested } = await pendingBooking(email, '2032-03-04T15:00:00Z', new Date(Date.now() + 24 * 3_600_000).toISOString());
    await pool.query(`select app_private.enqueue_job('booking__requested', json_build_object('tenantId', $1::uuid, 'bookingId', $2::uuid))`, [NORTHGATE, requested]);
    await waitUntil(async () => (await outbox(email)).length > 0, 'the request email is in the outbox');
    const mail = await outbox(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Your booking request was received');
    expect(mail[0]!.body).toMatch(/waits for an approver/);
    expect(mail[0]!.body).not.toContain('Reason:');
    expect((await bookingRow(requested)).status).toBe('pending_approval');
    await waitUntil(async () => (await outbox(OWNER_EMAIL)).length > 0, 'the approver email is in the outbox');
    const asked = await outbox(OWNER_EMAIL);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.subject).toBe('A booking request waits for your approval');
    expect(asked[0]!.body).toContain('Approval Test Spectrometer');
    expect(asked[0]!.body).toContain(`Thu 04 Mar 2032 10:00 EST`);
    expect(asked[0]!.body).toContain(requested);
  });
});

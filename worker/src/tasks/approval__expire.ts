// When a booking's approval time runs out (job enqueued by the booking trigger with run_at =
// approval_expires_at and job key approval:<id>), and every minute from worker/crontab as a safety
// sweep: declines every booking still pending approval past its approval_expires_at. The function
// sweeps all overdue bookings of all tenants, so the payload {tenantId, bookingId} is informational;
// a booking decided in the meantime is simply not pending any more (idempotent). Each decline
// enqueues booking__declined in the same transaction, which emails the customer.
import type { Task } from 'graphile-worker';

export const approval__expire: Task = async (payload, helpers) => {
  const { bookingId } = (payload ?? {}) as { tenantId?: string; bookingId?: string };
  const { rows } = await helpers.withPgClient((client) => client.query<{ declined: number }>('select app_private.expire_approvals() as declined'));
  const declined = rows[0]?.declined ?? 0;
  const what = bookingId ? ` (timer of booking ${bookingId})` : '';
  // The every-minute sweep usually finds nothing: only report at info when something was declined.
  if (declined > 0) helpers.logger.info(`declined ${declined} bookings whose approval time ran out${what}`);
  else helpers.logger.debug(`declined 0 bookings whose approval time ran out${what}`);
};

// After a booking is requested (pending approval), confirmed, declined, cancelled or rescheduled (jobs
// enqueued in the same transaction by app_private.book / decide_booking / expire_approvals /
// cancel_booking / reschedule_booking): tell the customer by email, in their zone with the tzdata
// abbreviation. Hands the sending to message__send; a booking that is gone is skipped.
import type { JobHelpers, Task } from 'graphile-worker';

type Event = 'requested' | 'confirmed' | 'declined' | 'cancelled' | 'rescheduled';

interface BookingFacts {
  email: string | null;
  customer_name: string;
  service_name: string;
  location_name: string;
  local_start: string;
  abbreviation: string;
  status: string;
  decision_note: string | null;
}

const SUBJECTS: Record<Event, string> = {
  requested: 'Your booking request was received',
  confirmed: 'Your booking is confirmed',
  declined: 'Your booking request was declined',
  cancelled: 'Your booking was cancelled',
  rescheduled: 'Your booking has a new time',
};

/** What the bare event line does not say: a request waits for an approver; a decline may have a reason. */
function details(event: Event, facts: BookingFacts): string {
  if (event === 'requested') return '\nThis booking needs approval. It waits for an approver, and we will email you when it is confirmed or declined.\n';
  if (event === 'declined' && facts.decision_note) return `\nReason: ${facts.decision_note}\n`;
  return '';
}

async function notify(event: Event, payload: unknown, helpers: JobHelpers): Promise<void> {
  const { tenantId, bookingId } = (payload ?? {}) as { tenantId?: string; bookingId?: string };
  if (!tenantId || !bookingId) throw new Error(`booking__${event} needs {tenantId, bookingId}`);
  const { rows } = await helpers.withPgClient((client) =>
    client.query<BookingFacts>(
      `select c.email, c.name as customer_name, s.name as service_name, l.name as location_name,
              to_char((z).local, 'Dy DD Mon YYYY HH24:MI') as local_start, (z).abbreviation, b.status, b.decision_note
       from app_public.booking b
       join app_public.customer c on c.tenant_id = b.tenant_id and c.id = b.customer_id
       join app_public.service s on s.tenant_id = b.tenant_id and s.id = b.service_id
       join app_public.location l on l.tenant_id = s.tenant_id and l.id = s.location_id
       cross join lateral (select app_public.local_time(b.starts_at, coalesce(b.display_time_zone, c.preferred_time_zone, l.time_zone)) as z) t
       where b.tenant_id = $1 and b.id = $2`,
      [tenantId, bookingId],
    ),
  );
  const facts = rows[0];
  if (!facts) {
    helpers.logger.info(`booking ${bookingId} is gone; nothing to send`);
    return;
  }
  if (!facts.email) {
    helpers.logger.info(`booking ${bookingId}: customer has no email; nothing to send`);
    return;
  }
  const body = `Hello ${facts.customer_name},\n\n${facts.service_name} at ${facts.location_name}, ${facts.local_start} ${facts.abbreviation}: ${event}.\n${details(event, facts)}`;
  await helpers.addJob('message__send', { channel: 'email', to: facts.email, subject: SUBJECTS[event], body, tenantId }, { jobKey: `booking:${bookingId}:${event}:${helpers.job.id}` });
  if (event === 'requested') await askApprovers(tenantId, bookingId, helpers);
}

/**
 * A request also goes to the owners of the booked resources that need approval (they may approve);
 * the time in the location's zone, where they work. Staff see pending bookings in the API.
 */
async function askApprovers(tenantId: string, bookingId: string, helpers: JobHelpers): Promise<void> {
  const { rows } = await helpers.withPgClient((client) =>
    client.query<{ email: string; name: string; resource_name: string; service_name: string; local_start: string; abbreviation: string; customer_name: string }>(
      `select u.email, u.name, r.name as resource_name, s.name as service_name, c.name as customer_name,
              to_char((z).local, 'Dy DD Mon YYYY HH24:MI') as local_start, (z).abbreviation
       from app_public.booking b
       join app_public.booking_allocation a on a.tenant_id = b.tenant_id and a.booking_id = b.id
       join app_public.resource r on r.tenant_id = a.tenant_id and r.id = a.resource_id and r.requires_approval
       join app_public.app_user u on u.id = r.owner_user_id
       join app_public.customer c on c.tenant_id = b.tenant_id and c.id = b.customer_id
       join app_public.service s on s.tenant_id = b.tenant_id and s.id = b.service_id
       join app_public.location l on l.tenant_id = s.tenant_id and l.id = s.location_id
       cross join lateral (select app_public.local_time(b.starts_at, l.time_zone) as z) t
       where b.tenant_id = $1 and b.id = $2 and b.status = 'pending_approval'`,
      [tenantId, bookingId],
    ),
  );
  for (const owner of rows) {
    const body = `Hello ${owner.name},\n\n${owner.customer_name} asks for ${owner.service_name} with ${owner.resource_name}, ${owner.local_start} ${owner.abbreviation}.\n`
      + `Approve or decline booking ${bookingId} (approveBooking / declineBooking); undecided requests are declined automatically.\n`;
    await helpers.addJob('message__send', { channel: 'email', to: owner.email, subject: 'A booking request waits for your approval', body, tenantId },
      { jobKey: `booking:${bookingId}:approval:${owner.email}:${helpers.job.id}` });
  }
}

export const booking__requested: Task = (payload, helpers) => notify('requested', payload, helpers);
export const booking__confirmed: Task = (payload, helpers) => notify('confirmed', payload, helpers);
export const booking__declined: Task = (payload, helpers) => notify('declined', payload, helpers);
export const booking__cancelled: Task = (payload, helpers) => notify('cancelled', payload, helpers);
export const booking__rescheduled: Task = (payload, helpers) => notify('rescheduled', payload, helpers);

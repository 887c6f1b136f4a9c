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
}

export const booking__requested: Task = (payload, helpers) => notify('requested', payload, helpers);
export const booking__confirmed: Task = (payload, helpers) => notify('confirmed', payload, helpers);
export const booking__declined: Task = (payload, helpers) => notify('declined', payload, helpers);
export const booking__cancelled: Task = (payload, helpers) => notify('cancelled', payload, helpers);
export const booking__rescheduled: Task = (payload, helpers) => notify('rescheduled', payload, helpers);

// After instances of a recurring series are booked: one email to the customer (via message__send),
// not one per instance.
import type { Task } from 'graphile-worker';

export const series__booked: Task = async (payload, helpers) => {
  const { tenantId, seriesId, count } = (payload ?? {}) as { tenantId?: string; seriesId?: string; count?: number };
  if (!tenantId || !seriesId) throw new Error('series__booked needs {tenantId, seriesId}');
  const { rows } = await helpers.withPgClient((client) =>
    client.query<{ email: string | null; name: string; service: string; rrule: string; time_zone: string }>(
      `select c.email, c.name, v.name as service, s.rrule, s.time_zone from app_public.booking_series s
       join app_public.customer c on c.tenant_id = s.tenant_id and c.id = s.customer_id
       join app_public.service v on v.tenant_id = s.tenant_id and v.id = s.service_id
       where s.tenant_id = $1 and s.id = $2`, [tenantId, seriesId]),
  );
  const facts = rows[0];
  if (!facts?.email) {
    helpers.logger.info(`series ${seriesId}: no customer email (or series gone); nothing to send`);
    return;
  }
  await helpers.addJob('message__send', {
    channel: 'email', to: facts.email, tenantId, subject: 'Your recurring appointment is booked',
    body: `Hello ${facts.name},\n\n${count ?? 'Your'} appointment(s) of ${facts.service} are booked (${facts.rrule}, times in ${facts.time_zone}).\n`,
  }, { jobKey: `series:${seriesId}:${helpers.job.id}` });
};

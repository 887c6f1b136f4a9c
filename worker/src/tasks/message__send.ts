// Sends one email or SMS. Without provider credentials the message goes to the dev outbox
// (app_private.outbox); the job id makes a retry write it once.
import type { Task } from 'graphile-worker';
import { execute, sqlBuilder } from '../../../server/src/db/kysely.ts';

export interface MessagePayload {
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  body: string;
  tenantId?: string;
}

function parse(payload: unknown): MessagePayload {
  const p = payload as Partial<MessagePayload> | null;
  if (!p || (p.channel !== 'email' && p.channel !== 'sms') || typeof p.to !== 'string' || typeof p.body !== 'string') {
    throw new Error('message__send needs {channel: "email"|"sms", to, body}');
  }
  return p as MessagePayload;
}

export const message__send: Task = async (payload, helpers) => {
  const message = parse(payload);
  const insert = sqlBuilder
    .insertInto('app_private.outbox')
    .values({
      job_id: helpers.job.id,
      tenant_id: message.tenantId ?? null,
      channel: message.channel,
      recipient: message.to,
      subject: message.subject ?? null,
      body: message.body,
    })
    .onConflict((conflict) => conflict.column('job_id').doNothing());
  const { rowCount } = await helpers.withPgClient((client) => execute(client, insert));
  helpers.logger.info(rowCount ? `recorded ${message.channel} to ${message.to} in the dev outbox` : `job ${helpers.job.id} already delivered`);
};

// Nightly (worker/crontab): forgets dev-outbox messages older than OUTBOX_RETENTION_DAYS (30).
import type { Task } from 'graphile-worker';

export const outbox__purge: Task = async (_payload, helpers) => {
  const days = Number(process.env.OUTBOX_RETENTION_DAYS ?? 30);
  const { rowCount } = await helpers.withPgClient((client) =>
    client.query(`delete from app_private.outbox where created_at < now() - make_interval(days => $1)`, [days]),
  );
  helpers.logger.info(`purged ${rowCount ?? 0} outbox messages older than ${days} days`);
};

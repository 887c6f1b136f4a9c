// Every minute (worker/crontab): deletes Postgres holds past their keep time. Expired holds already
// block nobody; this only keeps app_private.hold small. The Redis store expires its keys itself.
import type { Task } from 'graphile-worker';

export const hold__sweep: Task = async (_payload, helpers) => {
  const { rows } = await helpers.withPgClient((client) => client.query<{ swept: number }>('select app_private.hold_sweep() as swept'));
  const swept = rows[0]?.swept ?? 0;
  // A line a minute saying "0" is noise: report at info only when something was deleted.
  if (swept > 0) helpers.logger.info(`swept ${swept} holds past their keep time`);
  else helpers.logger.debug('swept 0 holds past their keep time');
};

// Hourly (worker/crontab): book recurring series up to their tenant's horizon, and re-resolve future
// instances when the tz database changed (collisions are flagged in series_conflict, never forced).
import type { Task } from 'graphile-worker';
import { extendAllSeries } from '../../../server/src/series.ts';

export const series__extend: Task = async (_payload, helpers) => {
  const report = await helpers.withPgClient((client) => extendAllSeries(client));
  helpers.logger.info(`series__extend: ${report.series} series, ${report.booked} instances booked, ${report.moved} moved, ${report.conflicts} conflicts flagged`);
};

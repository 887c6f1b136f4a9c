// Starts graphile-worker in library mode with our task list and crontab.
import { fileURLToPath } from 'node:url';
import { Logger as GraphileLogger } from '@graphile/logger';
import { run, type Runner } from 'graphile-worker';
import type { Logger } from '../../server/src/logger.ts';
import { taskList } from './tasks/index.ts';

export const CRONTAB_FILE = fileURLToPath(new URL('../crontab', import.meta.url));

export async function startWorker(options: { connectionString: string; logger: Logger; concurrency?: number; pollInterval?: number; crontab?: boolean }): Promise<Runner> {
  const { logger } = options;
  const graphileLogger = new GraphileLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
    logger[method]({ scope, ...meta }, message);
  });
  return run({
    connectionString: options.connectionString,
    taskList,
    ...(options.crontab === false ? {} : { crontabFile: CRONTAB_FILE }),
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollInterval ?? 2000,
    noHandleSignals: true,
    logger: graphileLogger,
  });
}

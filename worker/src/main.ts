// The worker process: `tsx worker/src/main.ts`. Connects as the owner (DATABASE_URL).
import '../../server/src/polyfills.ts';
import { ConfigError, loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/logger.ts';
import { assertReachable, runMain } from '../../server/src/startup.ts';
import { startWorker } from './runner.ts';

runMain('worker', async () => {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  if (!config.databaseUrl) throw new ConfigError('set DATABASE_URL (the owner role), or run `npm start` for the embedded database');
  await assertReachable(config.databaseUrl, 'DATABASE_URL');
  const runner = await startWorker({ connectionString: config.databaseUrl, logger, concurrency: Number(process.env.WORKER_CONCURRENCY || 4) });
  logger.info('worker running');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await runner.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await runner.promise;
});

// The API process: `tsx server/src/main.ts`. Needs AUTH_DATABASE_URL (or DATABASE_URL) of a role
// without BYPASSRLS; `npm start` supplies it for the embedded database.
import './polyfills.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrationsCurrentAt } from './db/migrate.ts';
import { createApi } from './http.ts';
import { createLogger } from './logger.ts';
import { assertPortFree, assertRespectsRls, runMain } from './startup.ts';

runMain('server', async () => {
  const config = loadConfig();
  const logger = createLogger('server', config.logLevel);
  if (!config.authDatabaseUrl) throw new ConfigError('set DATABASE_URL (and AUTH_DATABASE_URL for the API role), or run `npm start` for the embedded database');
  await assertPortFree(config.host, config.apiPort, 'API_PORT');
  await assertRespectsRls(config.authDatabaseUrl, config.authDatabaseUrl === config.databaseUrl ? 'DATABASE_URL' : 'AUTH_DATABASE_URL');
  if (config.jwtSecretGenerated) logger.warn('JWT_SECRET is not set: using a random secret, tokens will not survive a restart');
  if (!(await migrationsCurrentAt(config.authDatabaseUrl).catch(() => false))) {
    logger.warn('the database is not at the newest migration; run `npm run db:migrate` (/readyz reports not ready)');
  }
  const api = await createApi({
    authDatabaseUrl: config.authDatabaseUrl,
    redisUrl: config.redisUrl,
    jwtSecret: config.jwtSecret,
    graphiql: config.graphiql,
    logger,
  });
  await new Promise<void>((resolve, reject) => {
    api.server.once('error', reject);
    api.server.listen(config.apiPort, config.host, () => resolve());
  });
  const base = `http://${config.host}:${config.apiPort}`;
  logger.info({ graphql: `${base}/graphql`, graphiql: config.graphiql ? `${base}/graphiql` : undefined }, 'API listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    await api.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
});

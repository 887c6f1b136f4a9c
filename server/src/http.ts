// The HTTP surface: health probes, request identity, and PostGraphile's /graphql (+ /graphiql IDE).
import { createServer, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { grafserv } from 'postgraphile/grafserv/express/v4';
import { AuthError, identify, type IdentifiedRequest } from './auth.ts';
import { migrationsCurrent } from './db/migrate.ts';
import { makeMaskError } from './errors.ts';
import { makePreset } from './graphile.config.ts';
import { createHoldStore } from './holds/index.ts';
import type { Logger } from './logger.ts';
import { compareTzdata, type TzdataComparison } from './tzdata.ts';

export interface ApiOptions {
  authDatabaseUrl: string;
  redisUrl?: string | undefined;
  jwtSecret: string;
  graphiql: boolean;
  logger: Logger;
}

export interface Api {
  app: express.Express;
  server: Server;
  /** Stops accepting requests, drains, and closes every pool. */
  close(): Promise<void>;
}

export async function createApi(options: ApiOptions): Promise<Api> {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const server = createServer(app);
  const probePool = new pg.Pool({ connectionString: options.authDatabaseUrl, max: 2, connectionTimeoutMillis: 2000 });
  probePool.on('error', (error) => logger.warn({ err: error }, 'probe pool client error'));
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 })
    : undefined;
  redis?.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  await redis?.connect().catch((error: Error) => logger.warn({ err: error.message }, 'redis not reachable at start'));

  // Checked once at start-up: tzdata only changes with a deploy of Node or PostgreSQL.
  let tzdata: TzdataComparison | undefined;
  try {
    tzdata = await compareTzdata(probePool);
    if (tzdata.mismatches.length) {
      logger.warn({ nodeTz: tzdata.nodeVersion, mismatches: tzdata.mismatches.slice(0, 5) }, 'Node and PostgreSQL disagree on time zone rules');
    }
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not compare tzdata with PostgreSQL');
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    let redisDown = false;
    try {
      checks.database = 'ok';
      checks.migrations = (await migrationsCurrent(probePool)) ? 'ok' : 'pending';
      if (checks.migrations !== 'ok') ready = false;
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`;
      checks.migrations = 'unknown';
      ready = false;
    }
    if (redis) {
      // Redis only speeds holds up; without it the API still books correctly (holds fall back to
      // Postgres), so an unreachable Redis degrades readiness instead of failing it.
      try {
        checks.redis = (await redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply';
      } catch (error) {
        checks.redis = `unreachable: ${(error as Error).message}`;
        redisDown = true;
      }
    } else {
      checks.redis = 'not configured';
    }
    // A tzdata disagreement does not take the API out of rotation, but it must be visible.
    checks.tzdata = !tzdata ? 'unknown'
      : tzdata.mismatches.length === 0 ? `ok (Node tz ${tzdata.nodeVersion}, ${tzdata.samples} samples agree)`
      : `mismatch: ${tzdata.mismatches.length} of ${tzdata.samples} samples differ, e.g. ${tzdata.mismatches[0]!.zone} at ${tzdata.mismatches[0]!.instant}: Node ${tzdata.mismatches[0]!.node}, PostgreSQL ${tzdata.mismatches[0]!.postgres}`;
    // Holds fall back to Postgres while Redis is down: still correct, but degraded.
    const holdStatus = holds.status();
    checks.holds = holdStatus.degraded ? `postgres (fallback: ${holdStatus.reason ?? 'redis unreachable'})` : holdStatus.store;
    const degraded = ready && ((tzdata !== undefined && tzdata.mismatches.length > 0) || holdStatus.degraded || redisDown);
    res.status(ready ? 200 : 503).json({ status: ready ? (degraded ? 'degraded' : 'ready') : 'not ready', checks });
  });

  // Identity before GraphQL: a bad token is answered here with 401, never reaching the database.
  app.use(async (req: IdentifiedRequest, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/graphql')) return next();
    try {
      req.identity = await identify(req.headers, options.jwtSecret);
      next();
    } catch (error) {
      if (!(error instanceof AuthError)) return next(error);
      res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
  });

  const holds = createHoldStore({ redisUrl: options.redisUrl, logger });
  const preset = makePreset({
    connectionString: options.authDatabaseUrl,
    graphiql: options.graphiql,
    maskError: makeMaskError(logger),
    jwtSecret: options.jwtSecret,
    holds: holds.store,
  });
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  await serv.addTo(app as never, server);

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not found', path: req.path });
  });

  return {
    app,
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await pgl.release();
      // pgl.release() leaves the pools that makePgService created; end them too.
      await Promise.all((preset.pgServices ?? []).map((service) => service.release?.()));
      await probePool.end();
      redis?.disconnect();
      await holds.close();
    },
  };
}

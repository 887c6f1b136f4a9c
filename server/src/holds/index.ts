// Picks the hold store for a process: Redis (falling back to Postgres while Redis is down) when
// REDIS_URL is configured, otherwise Postgres alone.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { FallbackHoldStore, type HoldStoreStatus } from './fallback.ts';
import { PostgresHoldStore } from './postgres.ts';
import { RedisHoldStore } from './redis.ts';
import type { HoldStore } from './types.ts';

export type { HoldStoreStatus } from './fallback.ts';
export type { HoldStore, HoldScope, HoldRecord, PlaceResult } from './types.ts';

export interface HoldStoreHandle {
  store: HoldStore;
  close(): Promise<void>;
  status(): HoldStoreStatus;
}

export function createHoldStore(options: { redisUrl?: string | null; logger: Logger }): HoldStoreHandle {
  const { redisUrl, logger } = options;
  if (!redisUrl) {
    const store = new PostgresHoldStore();
    return { store, close: async () => {}, status: () => ({ store: 'postgres', degraded: false }) };
  }
  const client = new Redis(redisUrl, {
    // Connected below, after the error listener exists: no unhandled 'error' event at startup.
    lazyConnect: true,
    // Fail fast instead of queueing while disconnected: a request must not wait for Redis when
    // Postgres can serve the hold right away.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    // Never give up: reconnect in the background (capped back-off) so the fallback can switch back.
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  // ioredis reports every failed reconnect; the fallback store logs the outage once, so stay quiet here.
  client.on('error', (err: Error) => logger.debug({ err }, 'Redis connection error'));
  client.connect().catch(() => undefined);
  const store = new FallbackHoldStore(new RedisHoldStore(client), new PostgresHoldStore(), logger);
  return {
    store,
    status: () => store.status(),
    async close() {
      if (client.status === 'ready') {
        await client.quit().catch(() => client.disconnect());
      } else {
        client.disconnect();
      }
    },
  };
}

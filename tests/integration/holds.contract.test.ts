// One contract for both hold stores (server/src/holds/types.ts): the same cases run against the Redis
// store and the Postgres store, plus the fallback from Redis to Postgres when Redis is unreachable.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Interval } from '../../server/src/engine/intervals.ts';
import { FallbackHoldStore } from '../../server/src/holds/fallback.ts';
import { PostgresHoldStore } from '../../server/src/holds/postgres.ts';
import { RedisHoldStore } from '../../server/src/holds/redis.ts';
import { HOLD_KEEP_MS, type HoldRecord, type HoldScope, type HoldStore } from '../../server/src/holds/types.ts';

const db = inject('db');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MERIDIAN = '10000000-0000-4000-8000-000000000001';
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const SERVICE = '13000000-0000-4000-8000-000000000001';
const [R1, R2, R3] = ['12000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000002', '12000000-0000-4000-8000-000000000003'] as const;
const MIN = 60_000;
const HOUR = 60 * MIN;
const TTL = 5 * MIN;

// Every case gets its own far-future stretch of time, so holds of one case never meet another's
// (the Postgres holds of all cases share one database).
let nextSlot = Date.UTC(2031, 0, 6, 0, 0) + Math.floor(Math.random() * 1000) * 24 * HOUR;
const freshTime = () => (nextSlot += 6 * HOUR);

type NewHold = Omit<HoldRecord, 'expiresAt' | 'tenantId'>;
const hold = (token: string, resources: [string, Interval][], owner: string | null = null): NewHold => {
  const start = Math.min(...resources.map(([, busy]) => busy[0]));
  const end = Math.max(...resources.map(([, busy]) => busy[1]));
  return { token, serviceId: SERVICE, start, end, owner, resources: resources.map(([resourceId, busy]) => ({ resourceId, busy })) };
};
const byResource = <T extends { resourceId: string }>(items: readonly T[]) => [...items].sort((a, b) => a.resourceId.localeCompare(b.resourceId));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Fixture {
  store: HoldStore;
  /** The meridian tenant. */
  scope: HoldScope;
  /** Several scopes of the same tenant on separate connections, for real concurrency. */
  parallel: HoldScope[];
  /** Another tenant, to check isolation. */
  otherTenant: HoldScope;
  close(): Promise<void>;
}

const unusedDb: HoldScope['db'] = { query: () => Promise.reject(new Error('the Redis store does not use the database')) };

async function tenantClient(tenantId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.authUrl });
  await client.connect();
  await client.query('set role app_staff');
  await client.query(`select set_config('jwt.claims.tenant_id', $1, false)`, [tenantId]);
  return client;
}

async function redisFixture(): Promise<Fixture> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  // A run-unique key prefix and tenant: parallel runs on the same Redis never see each other's holds.
  const prefix = `slotwise-test-${randomUUID()}`;
  const store = new RedisHoldStore(client, { prefix });
  const tenantId = randomUUID();
  return {
    store,
    scope: { tenantId, db: unusedDb },
    parallel: [{ tenantId, db: unusedDb }],
    otherTenant: { tenantId: randomUUID(), db: unusedDb },
    async close() {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length) await client.del(...keys);
      await client.quit();
    },
  };
}

async function postgresFixture(): Promise<Fixture> {
  // One connection per concurrent caller: a pg client runs one query at a time.
  const clients = await Promise.all([...Array.from({ length: 25 }, () => tenantClient(MERIDIAN)), tenantClient(NORTHGATE)]);
  const meridian = clients.slice(0, 25);
  return {
    store: new PostgresHoldStore(),
    scope: { tenantId: MERIDIAN, db: meridian[0]! },
    parallel: meridian.map((client) => ({ tenantId: MERIDIAN, db: client })),
    otherTenant: { tenantId: NORTHGATE, db: clients[25]! },
    async close() {
      const owner = new pg.Client({ connectionString: db.ownerUrl });
      await owner.connect();
      await owner.query('delete from app_private.hold where starts_at >= $1', [new Date(Date.UTC(2031, 0, 1)).toISOString()]);
      await owner.end();
      await Promise.all(clients.map((client) => client.end()));
    },
  };
}

describe.each([
  { name: 'redis', setup: redisFixture },
  { name: 'postgres', setup: postgresFixture },
])('HoldStore contract: $name', ({ name, setup }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setup();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('has its kind', () => {
    expect(f.store.kind).toBe(name);
  });

  it('places a hold and gets it back', async () => {
    const t = freshTime();
    const token = randomUUID();
    const placed = hold(token, [[R1, [t, t + HOUR]], [R3, [t - 10 * MIN, t + HOUR + 10 * MIN]]], 'user-1');
    const before = Date.now();
    const result = await f.store.place(f.scope, placed, TTL);
    expect(result.ok).toBe(true);
    const expiresAt = (result as { expiresAt: number }).expiresAt;
    expect(expiresAt).toBeGreaterThanOrEqual(before + TTL - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + TTL + 1000);

    const got = await f.store.get(f.scope, token);
    expect(got).not.toBeNull();
    expect({ ...got!, resources: byResource(got!.resources) }).toEqual({
      ...placed,
      resources: byResource(placed.resources),
      tenantId: f.scope.tenantId,
      expiresAt,
      expired: false,
    });
    expect(await f.store.get(f.scope, randomUUID())).toBeNull();
  });

  it('refuses an overlapping hold of another token, naming the resource', async () => {
    const t = freshTime();
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    const clash = await f.store.place(f.scope, hold(randomUUID(), [[R1, [t + 30 * MIN, t + 90 * MIN]]]), TTL);
    expect(clash).toEqual({ ok: false, conflictingResourceIds: [R1] });
    const inside = await f.store.place(f.scope, hold(randomUUID(), [[R1, [t + 10 * MIN, t + 20 * MIN]]]), TTL);
    expect(inside).toEqual({ ok: false, conflictingResourceIds: [R1] });
  });

  it('lets adjacent busy ranges through (half-open)', async () => {
    const t = freshTime();
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t + HOUR, t + 2 * HOUR]]]), TTL)).ok).toBe(true);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t - HOUR, t]]]), TTL)).ok).toBe(true);
  });

  it('does not conflict across resources', async () => {
    const t = freshTime();
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R2, [t, t + HOUR]]]), TTL)).ok).toBe(true);
  });

  it('re-placing with the same token moves and extends the hold', async () => {
    const t = freshTime();
    const token = randomUUID();
    const first = await f.store.place(f.scope, hold(token, [[R1, [t, t + HOUR]]]), TTL);
    expect(first.ok).toBe(true);
    // Same token, overlapping its own range: no conflict with itself; a longer ttl extends the expiry.
    const moved = hold(token, [[R1, [t + 2 * HOUR, t + 3 * HOUR]]], 'user-2');
    const second = await f.store.place(f.scope, moved, 2 * TTL);
    expect(second.ok).toBe(true);
    expect((second as { expiresAt: number }).expiresAt).toBeGreaterThan((first as { expiresAt: number }).expiresAt);
    expect(await f.store.get(f.scope, token)).toMatchObject({ start: moved.start, end: moved.end, owner: 'user-2', resources: moved.resources });
    // The old range is free again; the new one is held.
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect(await f.store.place(f.scope, hold(randomUUID(), [[R1, [t + 2 * HOUR, t + 3 * HOUR]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R1] });

    // Moving to another resource leaves nothing behind on the first.
    await f.store.place(f.scope, hold(token, [[R2, [t + 2 * HOUR, t + 3 * HOUR]]]), TTL);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t + 2 * HOUR, t + 3 * HOUR]]]), TTL)).ok).toBe(true);
    expect((await f.store.get(f.scope, token))!.resources).toEqual([{ resourceId: R2, busy: [t + 2 * HOUR, t + 3 * HOUR] }]);
  });

  it('a failed re-place leaves the previous hold in place', async () => {
    const t = freshTime();
    const token = randomUUID();
    await f.store.place(f.scope, hold(token, [[R1, [t, t + HOUR]]]), TTL);
    await f.store.place(f.scope, hold(randomUUID(), [[R2, [t, t + HOUR]]]), TTL);
    expect(await f.store.place(f.scope, hold(token, [[R2, [t, t + HOUR]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R2] });
    expect((await f.store.get(f.scope, token))!.resources).toEqual([{ resourceId: R1, busy: [t, t + HOUR] }]);
    expect(await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R1] });
  });

  it('release frees the time', async () => {
    const t = freshTime();
    const token = randomUUID();
    await f.store.place(f.scope, hold(token, [[R1, [t, t + HOUR]], [R2, [t, t + HOUR]]]), TTL);
    expect(await f.store.release(f.scope, token)).toBe(true);
    expect(await f.store.release(f.scope, token)).toBe(false);
    expect(await f.store.get(f.scope, token)).toBeNull();
    expect(await f.store.live(f.scope, [R1, R2], [t, t + HOUR])).toEqual([]);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]], [R2, [t, t + HOUR]]]), TTL)).ok).toBe(true);
  });

  it('an expired hold blocks nobody but can still be read', async () => {
    const t = freshTime();
    const token = randomUUID();
    const placed = await f.store.place(f.scope, hold(token, [[R1, [t, t + HOUR]]]), 1000);
    expect(placed.ok).toBe(true);
    const expiresAt = (placed as { expiresAt: number }).expiresAt;
    expect(await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R1] });
    expect((await f.store.get(f.scope, token))!.expired).toBe(false);

    await sleep(Math.max(0, expiresAt - Date.now()) + 150);
    expect(await f.store.get(f.scope, token)).toMatchObject({ token, expiresAt, expired: true, resources: [{ resourceId: R1, busy: [t, t + HOUR] }] });
    expect(await f.store.live(f.scope, [R1], [t, t + HOUR])).toEqual([]);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
  });

  it('lists live overlapping holds, except one token', async () => {
    const t = freshTime();
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await f.store.place(f.scope, hold(a, [[R1, [t, t + HOUR]]]), TTL);
    await f.store.place(f.scope, hold(b, [[R2, [t + HOUR, t + 2 * HOUR]]]), TTL);
    await f.store.place(f.scope, hold(c, [[R1, [t + 3 * HOUR, t + 4 * HOUR]]]), TTL); // outside the window
    await f.store.place(f.scope, hold(d, [[R3, [t, t + HOUR]]]), TTL); // resource not asked for
    const window: Interval = [t + 30 * MIN, t + 3 * HOUR];
    const sort = <T extends { token: string }>(xs: T[]) => [...xs].sort((x, y) => x.token.localeCompare(y.token));
    expect(sort(await f.store.live(f.scope, [R1, R2], window))).toEqual(sort([
      { resourceId: R1, busy: [t, t + HOUR], token: a },
      { resourceId: R2, busy: [t + HOUR, t + 2 * HOUR], token: b },
    ]));
    expect(await f.store.live(f.scope, [R1, R2], window, b)).toEqual([{ resourceId: R1, busy: [t, t + HOUR], token: a }]);
    // Touching the window's end is not overlapping it.
    expect(await f.store.live(f.scope, [R1], [t + HOUR, t + 3 * HOUR])).toEqual([]);
    expect(await f.store.live(f.scope, [], window)).toEqual([]);
  });

  it('lets exactly one of 25 concurrent overlapping places win', async () => {
    const t = freshTime();
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        f.store.place(f.parallel[i % f.parallel.length]!, hold(randomUUID(), [[R1, [t + i * MIN, t + i * MIN + HOUR]]]), TTL),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, conflictingResourceIds: [R1] });
    expect(await f.store.live(f.scope, [R1], [t, t + 2 * HOUR])).toHaveLength(1);
  });

  it('places all resources of a hold or none', async () => {
    const t = freshTime();
    await f.store.place(f.scope, hold(randomUUID(), [[R2, [t, t + HOUR]]]), TTL);
    const token = randomUUID();
    expect(await f.store.place(f.scope, hold(token, [[R1, [t, t + HOUR]], [R2, [t, t + HOUR]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R2] });
    expect(await f.store.get(f.scope, token)).toBeNull();
    expect(await f.store.live(f.scope, [R1], [t, t + HOUR])).toEqual([]);
    expect((await f.store.place(f.scope, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
  });

  it("keeps one tenant's holds away from another's", async () => {
    const t = freshTime();
    const token = randomUUID();
    await f.store.place(f.scope, hold(token, [[R1, [t, t + HOUR]]]), TTL);
    expect(await f.store.get(f.otherTenant, token)).toBeNull();
    expect(await f.store.live(f.otherTenant, [R1], [t, t + HOUR])).toEqual([]);
    expect(await f.store.release(f.otherTenant, token)).toBe(false);
    expect((await f.store.place(f.otherTenant, hold(randomUUID(), [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect(await f.store.get(f.scope, token)).not.toBeNull();
  });
});

describe('PostgresHoldStore inside a request transaction', () => {
  it('reports a conflict without aborting the transaction', async () => {
    // PostGraphile wraps a request's queries in a transaction; a conflict must leave it usable.
    const [client, other] = await Promise.all([tenantClient(MERIDIAN), tenantClient(MERIDIAN)]);
    const store = new PostgresHoldStore();
    const scope: HoldScope = { tenantId: MERIDIAN, db: client };
    const t = freshTime();
    const [mine, theirs] = [randomUUID(), randomUUID()];
    try {
      await store.place({ tenantId: MERIDIAN, db: other }, hold(theirs, [[R2, [t, t + HOUR]]]), TTL);
      await client.query('begin');
      expect((await store.place(scope, hold(mine, [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
      expect(await store.place(scope, hold(mine, [[R2, [t, t + HOUR]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R2] });
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await client.query('commit');
      expect((await store.get({ tenantId: MERIDIAN, db: other }, mine))!.resources).toEqual([{ resourceId: R1, busy: [t, t + HOUR] }]);
    } finally {
      await store.release(scope, mine);
      await store.release(scope, theirs);
      await Promise.all([client.end(), other.end()]);
    }
  });
});

describe('RedisHoldStore keys', () => {
  it('are hash-tagged by tenant and expire by themselves', async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const prefix = `slotwise-test-${randomUUID()}`;
    const store = new RedisHoldStore(client, { prefix });
    const tenantId = randomUUID();
    const token = randomUUID();
    const t = freshTime();
    try {
      await store.place({ tenantId, db: unusedDb }, hold(token, [[R1, [t, t + HOUR]]]), TTL);
      const recordKey = `${prefix}:hold:{${tenantId}}:${token}`;
      const setKey = `${prefix}:holds:{${tenantId}}:${R1}`;
      expect(await client.pttl(recordKey)).toBeGreaterThan(TTL + HOLD_KEEP_MS - 5000);
      expect(await client.pttl(setKey)).toBeGreaterThan(TTL - 5000);
      expect(await client.zrange(setKey, 0, -1)).toEqual([`${token}|${t}|${t + HOUR}`]);
    } finally {
      await client.del(...(await client.keys(`${prefix}:*`)));
      await client.quit();
    }
  });
});

describe('FallbackHoldStore', () => {
  const warnings: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
        if (line.level === 40) warnings.push(line.msg);
        callback();
      },
    }),
  );
  const clients: Redis[] = [];
  let pgClient: pg.Client;
  const redisClient = (url: string) => {
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 500, retryStrategy: () => 200 });
    client.on('error', () => {}); // the store reports the outage; reconnect attempts would be noise
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    pgClient = await tenantClient(MERIDIAN);
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await pgClient?.end();
  });

  it('serves from Postgres while Redis is unreachable, still enforcing conflicts', async () => {
    warnings.length = 0;
    const store = new FallbackHoldStore(new RedisHoldStore(redisClient('redis://127.0.0.1:1')), new PostgresHoldStore(), logger);
    const scope: HoldScope = { tenantId: MERIDIAN, db: pgClient };
    expect(store.status()).toEqual({ store: 'redis', degraded: false });
    const t = freshTime();
    const token = randomUUID();
    expect((await store.place(scope, hold(token, [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect(store.degraded).toBe(true);
    expect(store.kind).toBe('postgres');
    expect(store.status()).toMatchObject({ store: 'postgres', degraded: true, reason: expect.any(String) });
    expect(await store.place(scope, hold(randomUUID(), [[R1, [t + 30 * MIN, t + 90 * MIN]]]), TTL)).toEqual({ ok: false, conflictingResourceIds: [R1] });
    expect(await store.get(scope, token)).toMatchObject({ token, expired: false });
    expect(await store.live(scope, [R1], [t, t + HOUR])).toEqual([{ resourceId: R1, busy: [t, t + HOUR], token }]);
    expect(await store.release(scope, token)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('goes back to Redis once it answers again', async () => {
    warnings.length = 0;
    const client = redisClient(REDIS_URL);
    const prefix = `slotwise-test-${randomUUID()}`;
    const store = new FallbackHoldStore(new RedisHoldStore(client, { prefix }), new PostgresHoldStore(), logger, { retryMs: 100 });
    const scope: HoldScope = { tenantId: MERIDIAN, db: pgClient };
    const t = freshTime();
    const token = randomUUID();
    expect((await store.place(scope, hold(token, [[R1, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect(store.status()).toEqual({ store: 'redis', degraded: false });

    client.disconnect(); // an outage: commands now fail at once
    const during = randomUUID();
    expect((await store.place(scope, hold(during, [[R2, [t, t + HOUR]]]), TTL)).ok).toBe(true);
    expect(store.status()).toMatchObject({ store: 'postgres', degraded: true });
    // Within the retry period every call stays on Postgres, without another warning.
    expect(await store.get(scope, during)).toMatchObject({ token: during });
    expect(warnings).toHaveLength(1);

    await client.connect();
    await sleep(150);
    expect(await store.get(scope, token)).toMatchObject({ token });
    expect(store.status()).toEqual({ store: 'redis', degraded: false });
    expect(await store.release(scope, token)).toBe(true);
    await new PostgresHoldStore().release(scope, during);
  });
});

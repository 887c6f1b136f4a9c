// The Redis hold store. Every operation is one Lua script, so it is atomic on the server and reads the
// server's clock (TIME): app servers with skewed clocks still agree on when a hold expires. Expiry
// needs no sweeper: members of the per-resource sets are scored by expiresAt and purged whenever a
// script touches the set, and every key carries a TTL.
//
// Keys (all of one tenant share the `{tenantId}` hash tag, hence one Redis Cluster slot):
//   <prefix>:hold:{<tenantId>}:<token>        the HoldRecord as JSON, PX = ttl + HOLD_KEEP_MS
//   <prefix>:holds:{<tenantId>}:<resourceId>  sorted set of "<token>|<busyStart>|<busyEnd>", score = expiresAt
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Interval } from '../engine/intervals.ts';
import { HOLD_KEEP_MS, type HoldRecord, type HoldScope, type HoldStore, type PlaceResult } from './types.ts';

// Shared Lua: the server clock in epoch ms, and a member's parts. Tokens never contain '|' (checked
// in place()), so the first field is the token and the last two are the busy range.
const LUA_PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function parse(m)
  local tok, s, e = string.match(m, '^([^|]*)|(%-?%d+)|(%-?%d+)$')
  return tok, tonumber(s), tonumber(e)
end
-- Removes every member of one token from a set: a re-placed or released hold leaves nothing behind.
local function drop_own(key, token)
  local mine = token .. '|'
  for _, m in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    if string.sub(m, 1, #mine) == mine then redis.call('ZREM', key, m) end
  end
end
`;

// KEYS[1] = record, KEYS[2..n+1] = the resources' sets. ARGV: token, ttlMs, keepMs, record JSON
// without expiresAt, set-key prefix, then per resource (in KEYS order) resourceId, busyStart, busyEnd.
// The previous placement's sets are derived from its record with the set-key prefix: they cannot be
// passed in KEYS without a racy read first, and the shared hash tag keeps them in this slot.
const PLACE_LUA = `${LUA_PRELUDE}
local token, ttl = ARGV[1], tonumber(ARGV[2])
local conflicts, seen = {}, {}
for i = 2, #KEYS do
  local id, from, to = ARGV[3 * i], tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if not seen[id] then
    for _, m in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
      local tok, s, e = parse(m)
      if tok ~= token and s < to and from < e then
        seen[id] = true
        conflicts[#conflicts + 1] = id
        break
      end
    end
  end
end
if #conflicts > 0 then
  table.insert(conflicts, 1, 0)
  return conflicts
end
local previous = redis.call('GET', KEYS[1])
if previous then
  local ok, record = pcall(cjson.decode, previous)
  if ok and type(record.resources) == 'table' then
    for _, r in ipairs(record.resources) do drop_own(ARGV[5] .. r.resourceId, token) end
  end
end
for i = 2, #KEYS do drop_own(KEYS[i], token) end
local expires = string.format('%.0f', now + ttl)
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], expires, token .. '|' .. ARGV[3 * i + 1] .. '|' .. ARGV[3 * i + 2])
  -- The set must outlive its longest-lived member; other tokens' later expiries may already exceed ours.
  local pttl = redis.call('PTTL', KEYS[i])
  if pttl < ttl then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
redis.call('SET', KEYS[1], string.sub(ARGV[4], 1, -2) .. ',"expiresAt":' .. expires .. '}', 'PX', string.format('%.0f', ttl + tonumber(ARGV[3])))
return {1, now + ttl}
`;

// KEYS = the resources' sets. ARGV: windowStart, windowEnd, except token ('' for none), then the
// resource ids in KEYS order. Returns flat pairs resourceId, member.
const LIVE_LUA = `${LUA_PRELUDE}
local from, to, except = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local out = {}
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  for _, m in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
    local tok, s, e = parse(m)
    if tok ~= except and s < to and from < e then
      out[#out + 1] = ARGV[3 + i]
      out[#out + 1] = m
    end
  end
end
return out
`;

// KEYS[1] = record. ARGV: token, set-key prefix (the record names the sets, as in place).
const RELEASE_LUA = `${LUA_PRELUDE}
local previous = redis.call('GET', KEYS[1])
if not previous then return 0 end
local ok, record = pcall(cjson.decode, previous)
if ok and type(record.resources) == 'table' then
  for _, r in ipairs(record.resources) do drop_own(ARGV[2] .. r.resourceId, ARGV[1]) end
end
redis.call('DEL', KEYS[1])
return 1
`;

// KEYS[1] = record. The record and the server clock together, so "expired" uses the same clock as place.
const GET_LUA = `${LUA_PRELUDE}
return {redis.call('GET', KEYS[1]), now}
`;

interface Script {
  lua: string;
  sha: string;
}
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const SCRIPTS = { place: script(PLACE_LUA), live: script(LIVE_LUA), release: script(RELEASE_LUA), get: script(GET_LUA) };

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// ioredis' own messages for "not connected" (offline queue disabled, closed client, command timeout)
// and server replies meaning "up but not serving" (loading, failover, cluster down).
const CONNECTION_MESSAGES = /Stream isn't writeable|Connection is closed|Command timed out|connect ETIMEDOUT|^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/;

/** True for errors that mean Redis is unreachable or not serving, as opposed to a bug in a call. */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return CONNECTION_MESSAGES.test(error.message);
}

export interface RedisHoldStoreOptions {
  /** First segment of every key (default "slotwise"); tests use their own to stay apart. */
  prefix?: string;
  /** How long a call waits for a connection that is being established (default 1000 ms). */
  readyTimeoutMs?: number;
}

export class RedisHoldStore implements HoldStore {
  readonly kind = 'redis' as const;
  private readonly prefix: string;
  private readonly readyTimeoutMs: number;

  constructor(
    readonly client: Redis,
    options: RedisHoldStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'slotwise';
    this.readyTimeoutMs = options.readyTimeoutMs ?? 1000;
  }

  private recordKey(tenantId: string, token: string): string {
    return `${this.prefix}:hold:{${tenantId}}:${token}`;
  }

  private setPrefix(tenantId: string): string {
    return `${this.prefix}:holds:{${tenantId}}:`;
  }

  async place(scope: HoldScope, hold: Omit<HoldRecord, 'expiresAt' | 'tenantId'>, ttlMs: number): Promise<PlaceResult> {
    if (hold.token.includes('|')) throw new TypeError('A hold token must not contain "|"');
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`Hold ttl must be a positive integer of ms, got ${ttlMs}`);
    for (const { busy } of hold.resources) {
      // Members carry the numbers as text and Lua compares them as doubles: integers keep both exact.
      if (!Number.isSafeInteger(busy[0]) || !Number.isSafeInteger(busy[1])) throw new RangeError('Busy ranges must be integer epoch ms');
    }
    const setPrefix = this.setPrefix(scope.tenantId);
    const record: Omit<HoldRecord, 'expiresAt'> = {
      token: hold.token,
      tenantId: scope.tenantId,
      serviceId: hold.serviceId,
      start: hold.start,
      end: hold.end,
      owner: hold.owner,
      resources: hold.resources.map((r) => ({ resourceId: r.resourceId, busy: [r.busy[0], r.busy[1]] })),
    };
    const keys = [this.recordKey(scope.tenantId, hold.token), ...hold.resources.map((r) => setPrefix + r.resourceId)];
    const args = [hold.token, String(ttlMs), String(HOLD_KEEP_MS), JSON.stringify(record), setPrefix];
    for (const r of hold.resources) args.push(r.resourceId, String(r.busy[0]), String(r.busy[1]));
    const reply = (await this.run(SCRIPTS.place, keys, args)) as [number, ...(number | string)[]];
    if (reply[0] === 1) return { ok: true, expiresAt: Number(reply[1]) };
    return { ok: false, conflictingResourceIds: reply.slice(1).map(String) };
  }

  async get(scope: HoldScope, token: string): Promise<(HoldRecord & { expired: boolean }) | null> {
    const [json, now] = (await this.run(SCRIPTS.get, [this.recordKey(scope.tenantId, token)], [])) as [string | null, number];
    if (json === null) return null;
    const record = JSON.parse(json) as HoldRecord;
    return { ...record, expired: record.expiresAt <= Number(now) };
  }

  async release(scope: HoldScope, token: string): Promise<boolean> {
    const reply = await this.run(SCRIPTS.release, [this.recordKey(scope.tenantId, token)], [token, this.setPrefix(scope.tenantId)]);
    return reply === 1;
  }

  async live(scope: HoldScope, resourceIds: readonly string[], window: Interval, exceptToken?: string | null): Promise<{ resourceId: string; busy: Interval; token: string }[]> {
    const ids = [...new Set(resourceIds)];
    if (ids.length === 0) return [];
    const setPrefix = this.setPrefix(scope.tenantId);
    const reply = (await this.run(SCRIPTS.live, ids.map((id) => setPrefix + id), [String(window[0]), String(window[1]), exceptToken ?? '', ...ids])) as string[];
    const holds: { resourceId: string; busy: Interval; token: string }[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const [token, start, end] = reply[i + 1]!.split('|');
      holds.push({ resourceId: reply[i]!, token: token!, busy: [Number(start), Number(end)] });
    }
    return holds;
  }

  /** EVALSHA, loading the script with EVAL when the server does not have it cached (restart, failover). */
  private async run(s: Script, keys: string[], args: string[]): Promise<unknown> {
    await this.ready();
    try {
      return await this.client.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(s.lua, keys.length, ...keys, ...args);
    }
  }

  /**
   * With the offline queue disabled, a command sent while the first connection is still being made
   * fails at once; wait briefly for it instead. A client that lost its connection is not waited for:
   * its commands fail fast and the fallback store serves meanwhile.
   */
  private async ready(): Promise<void> {
    const { client } = this;
    if (client.status === 'ready') return;
    if (client.status === 'wait') {
      // lazyConnect and never used: connect now; a failure surfaces on the command below.
      await client.connect().catch(() => undefined);
      return;
    }
    if (client.status !== 'connecting' && client.status !== 'connect') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const event of ['ready', 'error', 'close', 'end']) client.off(event, done);
        resolve();
      };
      const timer = setTimeout(done, this.readyTimeoutMs);
      for (const event of ['ready', 'error', 'close', 'end']) client.once(event, done);
    });
  }
}

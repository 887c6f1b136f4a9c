// Tentative holds: once a customer starts booking a slot, its resources are held for a few minutes
// so nobody else is offered the same time. Two stores implement one contract (tests/integration/
// holds.contract.test.ts): Redis (Lua, TTL, no sweeper) and Postgres (app_private.hold rows).
// Holds never decide correctness: the booking transaction and the exclusion constraint do.
import type { PgClient } from 'postgraphile/@dataplan/pg';
import type { Interval } from '../engine/intervals.ts';

/** A resource held for a busy range (epoch ms, half-open): the appointment plus its buffers. */
export interface HeldResource {
  resourceId: string;
  busy: Interval;
}

export interface HoldRecord {
  token: string;
  tenantId: string;
  serviceId: string;
  /** Appointment start and end (epoch ms). */
  start: number;
  end: number;
  /** Who placed it (user id or an opaque session id), for "your hold" in searches. */
  owner: string | null;
  resources: HeldResource[];
  /** After this instant the hold blocks nobody; its record is kept a while for confirmation. */
  expiresAt: number;
}

/** Where a call runs: the request's tenant and its database client (pgSettings applied). */
export interface HoldScope {
  tenantId: string;
  db: Pick<PgClient, 'query'>;
}

export type PlaceResult = { ok: true; expiresAt: number } | { ok: false; conflictingResourceIds: string[] };

export interface HoldStore {
  readonly kind: 'redis' | 'postgres';
  /**
   * Atomically: fails if a live hold of another token overlaps any of the busy ranges on the same
   * resource; otherwise stores (or replaces, for the same token) the hold for ttlMs.
   */
  place(scope: HoldScope, hold: Omit<HoldRecord, 'expiresAt' | 'tenantId'>, ttlMs: number): Promise<PlaceResult>;
  /** The hold, also shortly after expiry (expired: true) so an expired hold can still be confirmed. */
  get(scope: HoldScope, token: string): Promise<(HoldRecord & { expired: boolean }) | null>;
  /** Removes the hold; true when there was one. */
  release(scope: HoldScope, token: string): Promise<boolean>;
  /** Unexpired holds on these resources overlapping the window, except one token. */
  live(scope: HoldScope, resourceIds: readonly string[], window: Interval, exceptToken?: string | null): Promise<{ resourceId: string; busy: Interval; token: string }[]>;
}

/** How long an expired hold's record stays readable for confirmation. */
export const HOLD_KEEP_MS = 60 * 60 * 1000;

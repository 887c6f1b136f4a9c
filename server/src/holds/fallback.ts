// Redis first, Postgres while Redis is unreachable. A hold only keeps a slot from being offered to
// two customers at once; booking correctness never depends on it (the booking transaction locks the
// resources and the exclusion constraint decides). So during a switch it is acceptable that holds
// placed in one store are invisible to the other: a customer may lose a hold, or two customers may
// both hold a slot for a while, and one of them then gets SLOT_TAKEN at confirmation.
import type { Logger } from '../logger.ts';
import type { Interval } from '../engine/intervals.ts';
import { isRedisConnectionError } from './redis.ts';
import type { HoldRecord, HoldScope, HoldStore, PlaceResult } from './types.ts';

export interface HoldStoreStatus {
  store: 'redis' | 'postgres';
  degraded: boolean;
  reason?: string;
}

export interface FallbackHoldStoreOptions {
  /** How long to serve from Postgres before trying Redis again (default 10 s). */
  retryMs?: number;
  /** While still degraded, the warning is repeated at most this often (default 5 min). */
  warnEveryMs?: number;
  now?: () => number;
}

export class FallbackHoldStore implements HoldStore {
  private isDegraded = false;
  private reason: string | undefined;
  /** When Redis was last tried while degraded: one call probes it per retry period, the rest don't wait on it. */
  private lastAttempt = 0;
  private lastWarning = Number.NEGATIVE_INFINITY;
  private readonly retryMs: number;
  private readonly warnEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: HoldStore,
    private readonly postgres: HoldStore,
    private readonly logger: Logger,
    options: FallbackHoldStoreOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 10_000;
    this.warnEveryMs = options.warnEveryMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get kind(): 'redis' | 'postgres' {
    return this.isDegraded ? 'postgres' : 'redis';
  }

  get degraded(): boolean {
    return this.isDegraded;
  }

  status(): HoldStoreStatus {
    return { store: this.kind, degraded: this.isDegraded, ...(this.reason ? { reason: this.reason } : {}) };
  }

  place(scope: HoldScope, hold: Omit<HoldRecord, 'expiresAt' | 'tenantId'>, ttlMs: number): Promise<PlaceResult> {
    return this.call((store) => store.place(scope, hold, ttlMs));
  }

  get(scope: HoldScope, token: string): Promise<(HoldRecord & { expired: boolean }) | null> {
    return this.call((store) => store.get(scope, token));
  }

  release(scope: HoldScope, token: string): Promise<boolean> {
    return this.call((store) => store.release(scope, token));
  }

  live(scope: HoldScope, resourceIds: readonly string[], window: Interval, exceptToken?: string | null): Promise<{ resourceId: string; busy: Interval; token: string }[]> {
    return this.call((store) => store.live(scope, resourceIds, window, exceptToken));
  }

  private async call<T>(operation: (store: HoldStore) => Promise<T>): Promise<T> {
    const now = this.now();
    if (!this.isDegraded || now - this.lastAttempt >= this.retryMs) {
      if (this.isDegraded) this.lastAttempt = now;
      try {
        const result = await operation(this.redis);
        if (this.isDegraded) this.recover();
        return result;
      } catch (error) {
        // Anything but "Redis is unreachable" is a real failure of this call, not a reason to switch.
        if (!isRedisConnectionError(error)) throw error;
        this.degrade(error as Error, now);
      }
    }
    return operation(this.postgres);
  }

  private degrade(error: Error, now: number): void {
    const entering = !this.isDegraded;
    this.isDegraded = true;
    this.reason = error.message;
    this.lastAttempt = now;
    if (entering || now - this.lastWarning >= this.warnEveryMs) {
      this.lastWarning = now;
      this.logger.warn({ err: error, retryInMs: this.retryMs }, 'Redis hold store unreachable; serving holds from Postgres');
    } else {
      this.logger.debug({ err: error }, 'Redis hold store still unreachable');
    }
  }

  private recover(): void {
    this.isDegraded = false;
    this.reason = undefined;
    this.lastWarning = Number.NEGATIVE_INFINITY;
    this.logger.info('Redis hold store reachable again; serving holds from Redis');
  }
}

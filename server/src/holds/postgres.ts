// The Postgres hold store: app_private.hold rows through the SECURITY DEFINER functions of migration
// 000004, called on the request's own client so the tenant comes from its settings (scope.tenantId
// is not sent: the database trusts only the request's claims). Expired rows are deleted by the
// hold__sweep task once their keep time has passed.
import type { Interval } from '../engine/intervals.ts';
import { HOLD_KEEP_MS, type HoldRecord, type HoldScope, type HoldStore, type PlaceResult } from './types.ts';

// Instants cross the wire as ISO strings and come back as epoch-ms text: that does not depend on
// which type parsers the client has installed.
const ms = (sql: string) => `(extract(epoch from ${sql}) * 1000)::bigint::text`;
const iso = (epochMs: number) => new Date(epochMs).toISOString();

interface DbError {
  code?: string;
  detail?: string;
}

export class PostgresHoldStore implements HoldStore {
  readonly kind = 'postgres' as const;

  async place(scope: HoldScope, hold: Omit<HoldRecord, 'expiresAt' | 'tenantId'>, ttlMs: number): Promise<PlaceResult> {
    const ttlSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    const resources = hold.resources.map((r) => ({ resourceId: r.resourceId, from: iso(r.busy[0]), to: iso(r.busy[1]) }));
    // PostGraphile runs a request's queries inside a transaction (it sets pgSettings in one). HLDCF
    // is raised, not returned, and would abort that transaction, so every later query of the request
    // (alternatives, the error path) would fail. A savepoint confines the failure to this call.
    const { rows: tx } = await scope.db.query<{ in_transaction: number }>({
      text: 'select (statement_timestamp() <> transaction_timestamp())::integer as in_transaction',
    });
    const savepoint = Number(tx[0]?.in_transaction) === 1;
    if (savepoint) await scope.db.query({ text: 'savepoint slotwise_hold_place' });
    try {
      // hold_place upserts only busy and the expiry of rows it finds, so a re-placed hold would keep
      // its old start, service and owner, and rows on resources it no longer uses. Releasing the
      // token first in the same statement makes re-placing a replacement; if hold_place then raises
      // HLDCF, the statement fails as a whole and the previous hold is untouched. OFFSET 0 keeps the
      // subquery from being flattened, so the release runs before the place.
      const { rows } = await scope.db.query<{ expires_at: string }>({
        text: `select ${ms('app_private.hold_place($1::uuid, $2::uuid, $3::timestamptz, $4::timestamptz, $5::jsonb, $6::integer, $7::text, $8::integer)')} as expires_at
               from (select app_private.hold_release($1::uuid) offset 0) released`,
        values: [hold.token, hold.serviceId, iso(hold.start), iso(hold.end), JSON.stringify(resources), ttlSeconds, hold.owner, HOLD_KEEP_MS / 1000],
      });
      if (savepoint) await scope.db.query({ text: 'release savepoint slotwise_hold_place' });
      return { ok: true, expiresAt: Number(rows[0]!.expires_at) };
    } catch (error) {
      if (savepoint) await scope.db.query({ text: 'rollback to savepoint slotwise_hold_place; release savepoint slotwise_hold_place' });
      const { code, detail } = error as DbError;
      if (code === 'HLDCF') return { ok: false, conflictingResourceIds: detail ? [detail] : [] };
      throw error;
    }
  }

  async get(scope: HoldScope, token: string): Promise<(HoldRecord & { expired: boolean }) | null> {
    const { rows } = await scope.db.query<{
      tenant_id: string; resource_id: string; busy_start: string; busy_end: string; service_id: string;
      starts_at: string; ends_at: string; owner: string | null; expires_at: string; expired: number;
    }>({
      text: `select app_public.current_tenant_id()::text as tenant_id, h.resource_id::text, h.service_id::text, h.owner,
                    ${ms('lower(h.busy)')} as busy_start, ${ms('upper(h.busy)')} as busy_end,
                    ${ms('h.starts_at')} as starts_at, ${ms('h.ends_at')} as ends_at, ${ms('h.expires_at')} as expires_at,
                    (h.expires_at <= now())::integer as expired
             from app_private.hold_get($1::uuid) h`,
      values: [token],
    });
    const first = rows[0];
    if (!first) return null;
    const expiresAt = Number(first.expires_at);
    return {
      token,
      tenantId: first.tenant_id,
      serviceId: first.service_id,
      start: Number(first.starts_at),
      end: Number(first.ends_at),
      owner: first.owner,
      resources: rows.map((r) => ({ resourceId: r.resource_id, busy: [Number(r.busy_start), Number(r.busy_end)] as const })),
      expiresAt,
      expired: Number(first.expired) === 1,
    };
  }

  async release(scope: HoldScope, token: string): Promise<boolean> {
    const { rows } = await scope.db.query<{ released: number }>({
      text: 'select app_private.hold_release($1::uuid)::integer as released',
      values: [token],
    });
    return Number(rows[0]?.released) === 1;
  }

  async live(scope: HoldScope, resourceIds: readonly string[], window: Interval, exceptToken?: string | null): Promise<{ resourceId: string; busy: Interval; token: string }[]> {
    if (resourceIds.length === 0) return [];
    const { rows } = await scope.db.query<{ resource_id: string; token: string; busy_start: string; busy_end: string }>({
      text: `select h.resource_id::text, h.token::text, ${ms('lower(h.busy)')} as busy_start, ${ms('upper(h.busy)')} as busy_end
             from app_private.live_holds($1::uuid[], tstzrange($2::timestamptz, $3::timestamptz, '[)'), $4::uuid) h`,
      values: [[...new Set(resourceIds)], iso(window[0]), iso(window[1]), exceptToken ?? null],
    });
    return rows.map((r) => ({ resourceId: r.resource_id, token: r.token, busy: [Number(r.busy_start), Number(r.busy_end)] as const }));
  }
}

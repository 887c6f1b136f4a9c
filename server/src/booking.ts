// The booking flow on top of the engine: placeHold, confirmBooking, createBooking, cancelBooking,
// rescheduleBooking. TypeScript decides which resources serve a start (the same engine as the
// search, with other people's holds removed); one SQL transaction (app_private.book) then locks the
// resources, re-validates, and writes. Losers get a typed error with alternatives, nearest first.
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'postgraphile/graphql';
import type { PgClient } from 'postgraphile/@dataplan/pg';
import { readSearchContext, searchInputFor, withoutOthersHolds, zonedLabels, type SearchContext } from './availability.ts';
import { ruleReason } from './engine/explain.ts';
import type { Interval } from './engine/intervals.ts';
import { busyRange, explainStart, findSlots, noticeWindow, type RuleBlock, type SearchInput, type Slot } from './engine/search.ts';
import { loadRegisteredCodes } from './errors.ts';
import type { HoldScope, HoldStore } from './holds/types.ts';
import { instantMs, isoOf } from './time.ts';

type Query = Pick<PgClient, 'query'>;
const MINUTE = 60_000;
const DAY = 86_400_000;
const ALTERNATIVES = 5;
/** How long a confirmed Redis hold lingers, covering the commit of the booking transaction. */
const RELEASE_GRACE_MS = 10_000;

export interface Alternative {
  start: string;
  startLocal: string;
  abbreviation: string;
  resourceIds: string[];
}

/** A booking-flow error with a stable code and, where useful, alternative slots nearest first. */
export function bookingError(message: string, code: string, alternatives?: Alternative[], extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra, ...(alternatives ? { alternatives } : {}) } });
}

/** API codes of the SQLSTATEs, from the registry maskError uses (db/ERRORS.md). */
const API_CODES = loadRegisteredCodes();
/** Database refusals of a booking write that come with alternatives; for the rules, DETAIL is the rule's id. */
const REFUSALS = new Set(['SLTKN', 'HLDEX', 'RLGAP', 'RLLIM', 'RLHRS']);
const RULE_REFUSALS = new Set(['RLGAP', 'RLLIM']);

/** The typed refusal for a database error of a booking write, or null to let it through as it is. */
async function refusal(error: unknown, alternatives: () => Promise<Alternative[]>): Promise<GraphQLError | null> {
  const { code, message, detail } = error as DbError;
  const apiCode = code && REFUSALS.has(code) ? API_CODES.get(code) : undefined;
  if (!apiCode) return null;
  return bookingError(message ?? apiCode, apiCode, await alternatives(), RULE_REFUSALS.has(code!) && detail ? { ruleId: detail } : {});
}

/**
 * The business rule behind the engine refusing `start`, if a rule is the reason: a rule on the
 * booking as a whole, else a rule on a candidate that is otherwise free in a requirement that is
 * short (or, when each is met alone, in any). Same data and order as explainAvailability.
 */
function ruleRefusal(input: SearchInput, start: number): RuleBlock | null {
  const verdict = explainStart(input, start);
  if (verdict.blocker === 'rule') return verdict.rules[0] ?? null;
  const short = verdict.requirements.filter((q) => q.required && !q.met);
  for (const requirement of short.length ? short : verdict.requirements) {
    const rule = requirement.candidates.find((c) => c.rule)?.rule;
    if (rule) return rule;
  }
  return null;
}

/** The refusal for a rule, worded as explainAvailability words it (instants in UTC). */
function ruleError(rule: RuleBlock, alternatives: Alternative[]): GraphQLError {
  return bookingError(ruleReason(rule, isoOf).message, rule.code, alternatives, { ruleId: rule.ruleId });
}

interface DbError {
  code?: string;
  message?: string;
  detail?: string;
}

async function tenantOf(db: Query): Promise<{ tenantId: string; holdTtlSeconds: number; userId: string | null }> {
  const { rows } = await db.query<{ tenant_id: string; hold_ttl_seconds: number; user_id: string | null }>({
    text: `select tenant_id, hold_ttl_seconds, nullif(current_setting('jwt.claims.user_id', true), '') as user_id from app_private.booking_context()`,
  });
  if (!rows[0]) throw bookingError('No tenant: send X-Tenant or a bearer token', 'TNTUN');
  return { tenantId: rows[0].tenant_id, holdTtlSeconds: rows[0].hold_ttl_seconds, userId: rows[0].user_id };
}

/** Engine input for `window`, optionally restricted to some resources, with others' holds removed. */
function inputWithoutHolds(
  holds: HoldStore,
  scope: HoldScope,
  context: SearchContext,
  window: Interval,
  exceptToken: string | null,
  onlyResourceIds?: readonly string[] | null,
): Promise<SearchInput> {
  const restricted: SearchContext = onlyResourceIds?.length
    ? { ...context, requirements: context.requirements.map((r) => ({ ...r, candidates: r.candidates.filter((c) => onlyResourceIds.includes(c.resourceId)) })) }
    : context;
  const reach = (context.service.durationMinutes + context.service.bufferBeforeMinutes + context.service.bufferAfterMinutes) * MINUTE + DAY;
  return withoutOthersHolds(holds, scope, searchInputFor(restricted, window), window, exceptToken, reach);
}

/** Alternatives are searched this far either side of the requested start, then WIDE_MS if none. */
const NEARBY_MS = 12 * 3_600_000;
const WIDE_MS = 3 * DAY;

/** Up to five of `slots` nearest to `start`, labelled in the display zone (one query). */
async function nearest(db: Query, slots: readonly Slot[], start: number, context: SearchContext, widen?: () => Promise<Alternative[]>): Promise<Alternative[]> {
  try {
    if (widen && !slots.some((s) => s.start !== start)) return await widen();
    const picked = slots.filter((s) => s.start !== start).sort((a, b) => Math.abs(a.start - start) - Math.abs(b.start - start) || a.start - b.start).slice(0, ALTERNATIVES);
    const labels = await zonedLabels(db, picked.map((s) => s.start), context.displayTimeZone);
    return picked.map((s) => ({
      start: isoOf(s.start),
      startLocal: labels.get(s.start)!.local,
      abbreviation: labels.get(s.start)!.abbreviation,
      resourceIds: s.assignments.flatMap((a) => a.resourceIds),
    }));
  } catch {
    return []; // alternatives are a courtesy; the error that triggered them is what matters
  }
}

/** Up to five offered slots nearest to `start`, other people's holds removed (a fresh search). */
export async function alternativesNear(db: Query, holds: HoldStore, scope: HoldScope, serviceId: string, start: number, exceptToken: string | null, reachMs = WIDE_MS): Promise<Alternative[]> {
  try {
    const offer = await offerAt(db, holds, scope, serviceId, start, exceptToken, null, reachMs);
    return await nearest(db, offer.slots, start, offer.context);
  } catch {
    return [];
  }
}

interface Offer {
  context: SearchContext;
  input: SearchInput;
  /** What is offered within NEARBY_MS of the start: the start itself and the alternatives. */
  slots: Slot[];
  slot: Slot | null;
}

/**
 * The engine's answer around one start, from one context read: the slot at `start` (on the grid, in
 * the notice window, resources free, others' holds removed) and the offers nearby for alternatives.
 */
async function offerAt(db: Query, holds: HoldStore, scope: HoldScope, serviceId: string, start: number, exceptToken: string | null, resourceIds?: readonly string[] | null, reachMs = NEARBY_MS): Promise<Offer> {
  const window: Interval = [start - reachMs, start + reachMs];
  const context = await readSearchContext(db, serviceId, window, null, null, true);
  const input = await inputWithoutHolds(holds, scope, context, window, exceptToken, resourceIds);
  const slots = findSlots(input);
  return { context, input, slots, slot: slots.find((s) => s.start === start) ?? null };
}

/** SLOT_NOT_OFFERED for starts no search would offer (off the step grid, outside the notice window). */
function assertOfferable(input: SearchInput, start: number): void {
  const { from, to } = noticeWindow(input);
  if (!input.starts.includes(start)) throw bookingError('This start is not one of the service\'s start times', 'SLOT_NOT_OFFERED');
  if (start < from || start > to) throw bookingError('This start is outside the booking notice window', 'SLOT_NOT_OFFERED');
}

function allocationsOf(slot: Slot): { resourceId: string; requirementId: string }[] {
  return slot.assignments.flatMap((a) => a.resourceIds.map((resourceId) => ({ resourceId, requirementId: a.requirementId })));
}

export interface HoldResult {
  token: string;
  expiresAt: string;
  start: string;
  end: string;
  resources: { id: string; name: string; requirementId: string }[];
}

export async function placeHold(
  db: Query,
  holds: HoldStore,
  args: { serviceId: string; start: string; resourceIds?: readonly string[] | null; ttlSeconds?: number | null },
): Promise<HoldResult> {
  const { tenantId, holdTtlSeconds, userId: owner } = await tenantOf(db);
  const scope: HoldScope = { tenantId, db };
  const start = instantMs(args.start);
  const offer = await offerAt(db, holds, scope, args.serviceId, start, null, args.resourceIds);
  if (!offer.slot) {
    assertOfferable(offer.input, start);
    // Would it be offered if nobody held anything? Then it is someone else's hold.
    const withoutHolds = findSlots(searchInputFor(offer.context, [start, start + MINUTE])).some((s) => s.start === start);
    const alternatives = await nearest(db, offer.slots, start, offer.context, () => alternativesNear(db, holds, scope, args.serviceId, start, null));
    const rule = ruleRefusal(offer.input, start);
    if (rule) throw ruleError(rule, alternatives);
    if (withoutHolds && !args.resourceIds?.length) throw bookingError('Someone else is booking this time right now', 'HOLD_CONFLICT', alternatives);
    throw bookingError('This time is not available for the service', 'SLOT_TAKEN', alternatives);
  }
  const ttlSeconds = Math.min(Math.max(args.ttlSeconds ?? holdTtlSeconds, 1), holdTtlSeconds);
  const token = randomUUID();
  const names = new Map(offer.context.requirements.flatMap((r) => r.candidates.map((c) => [c.resourceId, c.name] as const)));
  const allocations = allocationsOf(offer.slot);
  const result = await holds.place(scope, {
    token,
    serviceId: args.serviceId,
    start,
    end: offer.slot.end,
    owner,
    resources: allocations.map(({ resourceId }) => ({ resourceId, busy: busyRange(offer.input.service, offer.input.resources.get(resourceId)!, start) })),
  }, ttlSeconds * 1000);
  if (!result.ok) {
    throw bookingError('Someone else is booking this time right now', 'HOLD_CONFLICT',
      await nearest(db, offer.slots, start, offer.context, () => alternativesNear(db, holds, scope, args.serviceId, start, null)));
  }
  return {
    token,
    expiresAt: isoOf(result.expiresAt),
    start: isoOf(start),
    end: isoOf(offer.slot.end),
    resources: allocations.map((a) => ({ id: a.resourceId, name: names.get(a.resourceId) ?? '', requirementId: a.requirementId })),
  };
}

export async function releaseHold(db: Query, holds: HoldStore, token: string): Promise<boolean> {
  const { tenantId } = await tenantOf(db);
  return holds.release({ tenantId, db }, token);
}

export interface BookingResult {
  bookingId: string;
  replayed: boolean;
  serviceId: string;
  start: string;
  end: string;
  status: string;
  /** Display fields in the requested zone (default: the location's). */
  startLocal?: string;
  endLocal?: string;
  abbreviation?: string;
  timeZone?: string;
}

/** Adds local times and the tzdata abbreviation in `zone` (default: the service's location). */
async function labelled(db: Query, result: BookingResult, zone?: string | null): Promise<BookingResult> {
  let timeZone = zone ?? null;
  if (!timeZone) {
    const { rows } = await db.query<{ time_zone: string }>({
      text: 'select l.time_zone from app_public.service s join app_public.location l on l.tenant_id = s.tenant_id and l.id = s.location_id where s.id = $1',
      values: [result.serviceId],
    });
    timeZone = rows[0]?.time_zone ?? 'UTC';
  }
  const [start, end] = [instantMs(result.start), instantMs(result.end)];
  const labels = await zonedLabels(db, [start, end], timeZone);
  return { ...result, startLocal: labels.get(start)!.local, endLocal: labels.get(end)!.local, abbreviation: labels.get(start)!.abbreviation, timeZone };
}

/**
 * Requests with the same idempotency key queue on one transaction lock (the same app_private.book
 * takes), so a retry arriving while the first attempt is still running waits for its commit and then
 * finds its booking.
 */
async function byIdempotencyKey(db: Query, key: string | null | undefined): Promise<BookingResult | null> {
  if (!key) return null;
  await db.query({ text: `select pg_advisory_xact_lock(hashtextextended(app_public.current_tenant_id()::text || ':idempotency:' || $1, 0))`, values: [key] });
  const { rows } = await db.query<{ booking_id: string; service_id: string; starts_at: Date; ends_at: Date; status: string }>({
    text: 'select booking_id, service_id, starts_at, ends_at, status from app_private.booking_by_idempotency_key($1)',
    values: [key],
  });
  const row = rows[0];
  return row ? { bookingId: row.booking_id, replayed: true, serviceId: row.service_id, start: row.starts_at.toISOString(), end: row.ends_at.toISOString(), status: row.status } : null;
}

export interface CustomerInput {
  id?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  timeZone?: string | null;
}

/** Calls the booking transaction; maps SLTKN / HLDEX to typed errors with alternatives. */
async function book(
  db: Query,
  holds: HoldStore,
  scope: HoldScope,
  args: { serviceId: string; start: number; slot: Slot; customer: CustomerInput; idempotencyKey?: string | null; notes?: string | null; timeZone?: string | null; holdToken: string | null },
): Promise<BookingResult> {
  // A savepoint keeps the request's transaction usable after a refusal, so the alternatives can be
  // searched in it.
  await db.query({ text: 'savepoint book_attempt' });
  try {
    const { rows } = await db.query<{ booking_id: string; replayed: boolean; status: string }>({
      text: 'select booking_id, replayed, status from app_private.book($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      values: [
        args.serviceId, isoOf(args.start), JSON.stringify(allocationsOf(args.slot)), JSON.stringify(args.customer),
        args.idempotencyKey ?? null, args.notes ?? null, args.timeZone ?? null, args.holdToken, holds.kind === 'postgres',
      ],
    });
    await db.query({ text: 'release savepoint book_attempt' });
    const row = rows[0]!;
    return { bookingId: row.booking_id, replayed: row.replayed, serviceId: args.serviceId, start: isoOf(args.start), end: isoOf(args.slot.end), status: row.status };
  } catch (error) {
    await db.query({ text: 'rollback to savepoint book_attempt' });
    throw (await refusal(error, () => alternativesNear(db, holds, scope, args.serviceId, args.start, args.holdToken))) ?? error;
  }
}

function assertCustomer(customer: CustomerInput): void {
  if (!customer.id && !customer.name?.trim()) throw bookingError('A customer needs a name (or, for staff, an existing customer id)', 'INVALID_VALUE');
}

/**
 * Two requests with one idempotency key can pass the first lookup together; the loser then finds
 * the time taken (by the winner). Before reporting that, look again: if the winner booked under the
 * key, the loser's answer is the same booking.
 */
async function orReplay(db: Query, key: string | null | undefined, timeZone: string | null | undefined, attempt: () => Promise<BookingResult>): Promise<BookingResult> {
  try {
    return await attempt();
  } catch (error) {
    const replay = key && error instanceof GraphQLError ? await byIdempotencyKey(db, key) : null;
    if (replay) return labelled(db, replay, timeZone);
    throw error;
  }
}

export function confirmBooking(
  db: Query,
  holds: HoldStore,
  args: { holdToken: string; customer: CustomerInput; idempotencyKey?: string | null; notes?: string | null; timeZone?: string | null },
): Promise<BookingResult> {
  return orReplay(db, args.idempotencyKey, args.timeZone, () => confirmOnce(db, holds, args));
}

async function confirmOnce(
  db: Query,
  holds: HoldStore,
  args: { holdToken: string; customer: CustomerInput; idempotencyKey?: string | null; notes?: string | null; timeZone?: string | null },
): Promise<BookingResult> {
  assertCustomer(args.customer);
  const replay = await byIdempotencyKey(db, args.idempotencyKey);
  if (replay) return labelled(db, replay, args.timeZone);
  const { tenantId } = await tenantOf(db);
  const scope: HoldScope = { tenantId, db };
  const hold = await holds.get(scope, args.holdToken);
  if (!hold) throw bookingError('The hold expired or does not exist; search again', 'HOLD_EXPIRED');
  // The hold's resources, re-checked with the engine (an expired hold confirms only if still free).
  const offer = await offerAt(db, holds, scope, hold.serviceId, hold.start, hold.token, hold.resources.map((r) => r.resourceId));
  if (!offer.slot) {
    const alternatives = await alternativesNear(db, holds, scope, hold.serviceId, hold.start, hold.token);
    const rule = ruleRefusal(offer.input, hold.start);
    if (rule) throw ruleError(rule, alternatives);
    throw bookingError(hold.expired ? 'The hold expired and the time has been taken' : 'The time is no longer free', hold.expired ? 'HOLD_EXPIRED' : 'SLOT_TAKEN', alternatives);
  }
  const result = await book(db, holds, scope, { serviceId: hold.serviceId, start: hold.start, slot: offer.slot, customer: args.customer, idempotencyKey: args.idempotencyKey, notes: args.notes, timeZone: args.timeZone, holdToken: hold.token });
  // The Postgres hold went with the booking's transaction. A Redis hold must outlive the commit (this
  // request's transaction commits after we return): deleting it now would let someone else hold the
  // just-booked time for a moment. Shorten it to a grace period instead.
  if (holds.kind !== 'postgres') {
    await holds.place(scope, { token: hold.token, serviceId: hold.serviceId, start: hold.start, end: hold.end, owner: hold.owner, resources: hold.resources }, RELEASE_GRACE_MS).catch(() => undefined);
  }
  return labelled(db, result, args.timeZone);
}

type CreateArgs = { serviceId: string; start: string; resourceIds?: readonly string[] | null; customer: CustomerInput; idempotencyKey?: string | null; notes?: string | null; timeZone?: string | null };

export function createBooking(db: Query, holds: HoldStore, args: CreateArgs): Promise<BookingResult> {
  return orReplay(db, args.idempotencyKey, args.timeZone, () => createOnce(db, holds, args));
}

async function createOnce(db: Query, holds: HoldStore, args: CreateArgs): Promise<BookingResult> {
  assertCustomer(args.customer);
  const replay = await byIdempotencyKey(db, args.idempotencyKey);
  if (replay) return labelled(db, replay, args.timeZone);
  const { tenantId } = await tenantOf(db);
  const scope: HoldScope = { tenantId, db };
  const start = instantMs(args.start);
  const offer = await offerAt(db, holds, scope, args.serviceId, start, null, args.resourceIds);
  if (!offer.slot) {
    assertOfferable(offer.input, start);
    const rule = ruleRefusal(offer.input, start);
    if (rule) throw ruleError(rule, await nearest(db, offer.slots, start, offer.context, () => alternativesNear(db, holds, scope, args.serviceId, start, null)));
    throw bookingError('This time is not offered for the service (booked, held, outside working hours or the notice window)', 'SLOT_TAKEN',
      await nearest(db, offer.slots, start, offer.context, () => alternativesNear(db, holds, scope, args.serviceId, start, null)));
  }
  return labelled(db, await book(db, holds, scope, { serviceId: args.serviceId, start, slot: offer.slot, customer: args.customer, idempotencyKey: args.idempotencyKey, notes: args.notes, timeZone: args.timeZone, holdToken: null }), args.timeZone);
}

export async function cancelBooking(db: Query, args: { bookingId: string; reason?: string | null }): Promise<{ bookingId: string; status: string }> {
  await db.query({ text: 'select app_private.cancel_booking($1, $2)', values: [args.bookingId, args.reason ?? 'no reason given'] });
  return { bookingId: args.bookingId, status: 'cancelled' };
}

export async function rescheduleBooking(
  db: Query,
  holds: HoldStore,
  args: { bookingId: string; start: string; resourceIds?: readonly string[] | null; timeZone?: string | null },
): Promise<BookingResult> {
  const { tenantId } = await tenantOf(db);
  const scope: HoldScope = { tenantId, db };
  const { rows } = await db.query<{ service_id: string; resource_id: string; requirement_id: string | null; status: string }>({
    text: `select b.service_id, a.resource_id, a.requirement_id, b.status from app_public.booking b
           join app_public.booking_allocation a on a.tenant_id = b.tenant_id and a.booking_id = b.id where b.id = $1`,
    values: [args.bookingId],
  });
  if (rows.length === 0) throw bookingError(`No booking ${args.bookingId} that you may change`, 'BOOKING_NOT_FOUND');
  const serviceId = rows[0]!.service_id;
  const start = instantMs(args.start);
  const context = await readSearchContext(db, serviceId, [start, start + MINUTE]);
  let allocations: { resourceId: string; requirementId: string | null }[];
  if (args.resourceIds?.length) {
    // Map the requested resources onto requirements with the engine's candidate lists.
    const used = new Set<string>();
    allocations = args.resourceIds.map((resourceId) => {
      const requirement = context.requirements.find((r) => !used.has(`${r.id}:${resourceId}`) && r.candidates.some((c) => c.resourceId === resourceId));
      used.add(`${requirement?.id}:${resourceId}`);
      return { resourceId, requirementId: requirement?.id ?? null };
    });
  } else {
    allocations = rows.map((r) => ({ resourceId: r.resource_id, requirementId: r.requirement_id }));
  }
  // Others' holds on the new time count as taken.
  const reach = 2 * DAY;
  const held = await holds.live(scope, allocations.map((a) => a.resourceId), [start - reach, start + reach], null);
  const timing = searchInputFor(context, [start, start + MINUTE]);
  const clash = held.find((h) => {
    const resource = timing.resources.get(h.resourceId);
    if (!resource) return false;
    const [s, e] = busyRange(timing.service, resource, start);
    return h.busy[0] < e && h.busy[1] > s;
  });
  if (clash) throw bookingError('Someone else is booking the new time right now', 'HOLD_CONFLICT', await alternativesNear(db, holds, scope, serviceId, start, null));
  await db.query({ text: 'savepoint reschedule_attempt' });
  try {
    await db.query({ text: 'select app_private.reschedule_booking($1, $2, $3)', values: [args.bookingId, isoOf(start), JSON.stringify(allocations)] });
    await db.query({ text: 'release savepoint reschedule_attempt' });
  } catch (error) {
    await db.query({ text: 'rollback to savepoint reschedule_attempt' });
    throw (await refusal(error, () => alternativesNear(db, holds, scope, serviceId, start, null))) ?? error;
  }
  const end = start + context.service.durationMinutes * MINUTE;
  return labelled(db, { bookingId: args.bookingId, replayed: false, serviceId, start: isoOf(start), end: isoOf(end), status: rows[0]!.status }, args.timeZone);
}

// availableSlots and explainAvailability: read everything a search needs from SQL in one call
// (app_hidden.slot_search_context, built on app_private.free_intervals: one source of truth), run the
// pure engine, and label the page of results with tzdata abbreviations in one more query.
import type { PgClient } from 'postgraphile/@dataplan/pg';
import { GraphQLError } from 'postgraphile/graphql';
import { candidateReasons, ruleReason, type Layer, type Reason } from './engine/explain.ts';
import { wallClockStarts } from './engine/grid.ts';
import { IntervalSet, type Interval } from './engine/intervals.ts';
import { busyRange, explainStart, findSlots, type RuleBlock, type SearchInput, type Slot } from './engine/search.ts';
import type { HoldScope, HoldStore } from './holds/types.ts';
import { instantMs, isoOf } from './time.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
export const MAX_PAGE_SIZE = 500;

interface ContextCandidate {
  resourceId: string;
  name: string;
  weight: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}
interface ContextRequirement {
  id: string;
  name: string;
  quantity: number;
  required: boolean;
  kind: string;
  candidates: ContextCandidate[];
}
export interface SearchContext {
  now: number;
  service: {
    id: string;
    name: string;
    durationMinutes: number;
    bufferBeforeMinutes: number;
    bufferAfterMinutes: number;
    minNoticeMinutes: number;
    maxAdvanceDays: number;
    slotStepMinutes: number;
    locationId: string;
  };
  locationTimeZone: string;
  displayTimeZone: string;
  requirements: ContextRequirement[];
  free: Record<string, [number, number][]>;
  layers?: (Layer & { resourceId: string })[];
  /** The business rules as blocked times (app_private.rule_blocks): per resource, or (null) for the whole booking. */
  blocks?: (RuleBlock & { resourceId: string | null })[];
}

export interface ZonedLabel {
  local: string;
  abbreviation: string;
  /** UTC offset as +HH:MM. */
  utcOffset: string;
}

export interface SlotResult {
  cursor: string;
  start: string;
  end: string;
  startLocal: string;
  endLocal: string;
  timeZone: string;
  abbreviation: string;
  score: number;
  /** The caller's own hold (holdToken) covers this start. */
  heldByYou: boolean;
  assignments: { requirementId: string; requirementName: string; resources: { id: string; name: string }[] }[];
}

export interface SlotsPage {
  nodes: SlotResult[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  timeZone: string;
}

type Query = Pick<PgClient, 'query'>;

/** Builds the engine's input from the SQL context; `from`/`to` bound the start times. */
export function searchInputFor(context: SearchContext, window: Interval, preferredResourceIds: readonly string[] = []): SearchInput {
  const { service } = context;
  const blocksOf = new Map<string | null, RuleBlock[]>();
  for (const { resourceId, ...block } of context.blocks ?? []) {
    const list = blocksOf.get(resourceId) ?? [];
    list.push(block);
    blocksOf.set(resourceId, list);
  }
  const resources = new Map<string, { free: IntervalSet; bufferBeforeMs: number; bufferAfterMs: number; name: string; blocks?: RuleBlock[] }>();
  for (const requirement of context.requirements) {
    for (const candidate of requirement.candidates) {
      if (resources.has(candidate.resourceId)) continue;
      resources.set(candidate.resourceId, {
        free: IntervalSet.fromNormalised(context.free[candidate.resourceId] ?? []),
        bufferBeforeMs: candidate.bufferBeforeMinutes * MINUTE,
        bufferAfterMs: candidate.bufferAfterMinutes * MINUTE,
        name: candidate.name,
        blocks: blocksOf.get(candidate.resourceId),
      });
    }
  }
  return {
    service: { durationMs: service.durationMinutes * MINUTE, bufferBeforeMs: service.bufferBeforeMinutes * MINUTE, bufferAfterMs: service.bufferAfterMinutes * MINUTE },
    requirements: context.requirements.map((r) => ({ id: r.id, name: r.name, quantity: r.quantity, required: r.required, candidates: r.candidates })),
    resources,
    starts: wallClockStarts(window, context.locationTimeZone, service.slotStepMinutes),
    now: context.now,
    earliestStart: context.now + service.minNoticeMinutes * MINUTE,
    latestStart: context.now + service.maxAdvanceDays * DAY,
    preferredResourceIds: new Set(preferredResourceIds),
    serviceBlocks: blocksOf.get(null),
  };
}

async function loadContext(client: Query, text: string, values: unknown[]): Promise<SearchContext> {
  const { rows } = await client.query<{ context: SearchContext }>({ text, values });
  return rows[0]!.context;
}

/**
 * Everything a search needs for one service and window, in one query (app_hidden.slot_search_context).
 * `detailed`: one rule block per rule, so a refusal can name its rule (booking decisions, small
 * windows); otherwise blocks are merged per resource, which is all a search needs.
 */
export function readSearchContext(client: Query, serviceId: string, window: Interval, timeZone?: string | null, locationId?: string | null, detailed = false): Promise<SearchContext> {
  return loadContext(client, 'select app_hidden.slot_search_context($1, $2, $3, $4, $5, $6) as context', [
    serviceId, isoOf(window[0]), isoOf(window[1]), timeZone ?? null, locationId ?? null, detailed,
  ]);
}

// Wall-clock parts and UTC offset of an instant, from ICU (the tzdata Node carries; /readyz checks it
// agrees with PostgreSQL's). Formatters are cached per zone: constructing one costs more than using it.
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(instant: number, timeZone: string): { local: string; offset: string } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-CA', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
      });
    } catch {
      throw new GraphQLError(`Unknown time zone "${timeZone}"`, { extensions: { code: 'TZINV' } });
    }
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return { local: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`, offset: parts.timeZoneName ?? '' };
}

/**
 * Wall-clock time and tzdata abbreviation of many instants in one zone. The abbreviation (MST, CEST,
 * +0545) is PostgreSQL's, asked once per distinct UTC offset in one query, not once per instant:
 * ICU would say "GMT+2".
 */
export async function zonedLabels(client: Query, instants: number[], timeZone: string): Promise<Map<number, ZonedLabel>> {
  const clocks = new Map<number, { local: string; offset: string }>();
  for (const instant of instants) if (!clocks.has(instant)) clocks.set(instant, wallClock(instant, timeZone));
  const representative = new Map<string, number>();
  for (const [instant, clock] of clocks) if (!representative.has(clock.offset)) representative.set(clock.offset, instant);
  const labels = new Map<number, ZonedLabel>();
  if (representative.size === 0) return labels;
  const { rows } = await client.query<{ ms: string; abbreviation: string }>({
    text: `select (extract(epoch from i) * 1000)::bigint::text as ms, (app_public.local_time(i, $2)).abbreviation
           from unnest($1::timestamptz[]) i`,
    values: [[...representative.values()].map((ms) => isoOf(ms)), timeZone],
  });
  const byOffset = new Map<string, string>();
  for (const row of rows) byOffset.set(clocks.get(Number(row.ms))!.offset, row.abbreviation);
  for (const [instant, clock] of clocks) {
    // ICU spells offsets "GMT+05:45" (and plain "GMT" for zero).
    const utcOffset = clock.offset === 'GMT' ? '+00:00' : clock.offset.replace(/^GMT/, '');
    labels.set(instant, { local: clock.local, abbreviation: byOffset.get(clock.offset)!, utcOffset });
  }
  return labels;
}

export const encodeCursor = (start: number) => Buffer.from(`slot:${start}`).toString('base64url');
export function decodeCursor(cursor: string): number {
  const match = /^slot:(-?\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new Error('invalid cursor');
  return Number(match[1]);
}

export interface SlotQuery {
  serviceId: string;
  from: string;
  to: string;
  timeZone?: string | null;
  locationId?: string | null;
  preferredResourceIds?: readonly string[] | null;
  first?: number | null;
  after?: string | null;
  /** The caller's hold: its time is not hidden, and its slot is marked heldByYou. */
  holdToken?: string | null;
}

/**
 * Removes other people's live holds from the candidates' free time (one store call). `reachMs` widens
 * the window so holds whose buffered range reaches into it count too.
 */
export async function withoutOthersHolds(holds: HoldStore, scope: HoldScope, input: SearchInput, window: Interval, exceptToken: string | null, reachMs = DAY): Promise<SearchInput> {
  const held = await holds.live(scope, [...input.resources.keys()], [window[0] - reachMs, window[1] + reachMs], exceptToken);
  if (held.length === 0) return input;
  const byResource = new Map<string, Interval[]>();
  for (const h of held) byResource.set(h.resourceId, [...(byResource.get(h.resourceId) ?? []), h.busy]);
  const resources = new Map(input.resources);
  for (const [id, ranges] of byResource) {
    const resource = resources.get(id);
    if (resource) resources.set(id, { ...resource, free: resource.free.subtract(IntervalSet.from(ranges)) });
  }
  return { ...input, resources };
}

export async function availableSlots(client: Query, args: SlotQuery, holds?: HoldStore): Promise<SlotsPage> {
  const window: Interval = [instantMs(args.from), instantMs(args.to)];
  const context = await readSearchContext(client, args.serviceId, window, args.timeZone, args.locationId);
  let input = searchInputFor(context, window, args.preferredResourceIds ?? []);
  let ownStart: number | null = null;
  if (holds) {
    const { rows } = await client.query<{ tenant_id: string }>({ text: 'select tenant_id from app_private.booking_context()' });
    if (rows[0]) {
      const scope: HoldScope = { tenantId: rows[0].tenant_id, db: client };
      input = await withoutOthersHolds(holds, scope, input, window, args.holdToken ?? null);
      const own = args.holdToken ? await holds.get(scope, args.holdToken) : null;
      if (own && !own.expired && own.serviceId === args.serviceId) ownStart = own.start;
    }
  }
  const slots = findSlots(input);
  const after = args.after ? decodeCursor(args.after) : null;
  const first = Math.min(Math.max(args.first ?? 50, 0), MAX_PAGE_SIZE);
  const remaining = after === null ? slots : slots.filter((s) => s.start > after);
  const page = remaining.slice(0, first);
  const labels = await zonedLabels(client, page.flatMap((s) => [s.start, s.end]), context.displayTimeZone);
  const names = new Map(context.requirements.flatMap((r) => r.candidates.map((c) => [c.resourceId, c.name] as const)));
  const requirementNames = new Map(context.requirements.map((r) => [r.id, r.name]));
  return {
    nodes: page.map((slot) => ({ ...toResult(slot, labels, context.displayTimeZone, names, requirementNames), heldByYou: slot.start === ownStart })),
    totalCount: slots.length,
    pageInfo: { hasNextPage: remaining.length > page.length, endCursor: page.length ? encodeCursor(page.at(-1)!.start) : null },
    timeZone: context.displayTimeZone,
  };
}

function toResult(slot: Slot, labels: Map<number, ZonedLabel>, timeZone: string, names: Map<string, string>, requirementNames: Map<string, string>): Omit<SlotResult, 'heldByYou'> {
  const start = labels.get(slot.start)!;
  const end = labels.get(slot.end)!;
  return {
    cursor: encodeCursor(slot.start),
    start: isoOf(slot.start),
    end: isoOf(slot.end),
    startLocal: start.local,
    endLocal: end.local,
    timeZone,
    abbreviation: start.abbreviation,
    score: slot.score,
    assignments: slot.assignments.map((a) => ({
      requirementId: a.requirementId,
      requirementName: requirementNames.get(a.requirementId) ?? '',
      resources: a.resourceIds.map((id) => ({ id, name: names.get(id) ?? '' })),
    })),
  };
}

export interface Explanation {
  start: string;
  end: string;
  startLocal: string;
  timeZone: string;
  abbreviation: string;
  offered: boolean;
  reasons: Reason[];
  requirements: {
    requirementId: string;
    name: string;
    required: boolean;
    quantity: number;
    satisfied: boolean;
    candidates: { resourceId: string; name: string; available: boolean; reasons: Reason[] }[];
  }[];
}

const serializeReason = (r: Reason) => ({ ...r, from: r.from === null ? null : isoOf(r.from), to: r.to === null ? null : isoOf(r.to) });

export async function explainAvailability(client: Query, args: { serviceId: string; start: string; timeZone?: string | null }) {
  const context = await loadContext(client, 'select app_hidden.slot_explain_context($1, $2, $3) as context', [args.serviceId, args.start, args.timeZone ?? null]);
  const start = instantMs(args.start);
  const input = searchInputFor(context, [start - DAY, start + DAY]);
  const verdict = explainStart(input, start);
  const end = start + context.service.durationMinutes * MINUTE;
  const layersByResource = new Map<string, Layer[]>();
  for (const layer of context.layers ?? []) {
    const list = layersByResource.get(layer.resourceId) ?? [];
    list.push(layer);
    layersByResource.set(layer.resourceId, list);
  }
  const instants = [start, end, ...(context.layers ?? []).flatMap((l) => [l.from, l.to]), ...(context.blocks ?? []).flatMap((b) => [b.from, b.to])];
  const labels = await zonedLabels(client, instants, context.displayTimeZone);
  const format = (ms: number) => {
    const label = labels.get(ms);
    return label ? `${label.local.replace('T', ' ').slice(0, 16)} ${label.abbreviation}` : isoOf(ms);
  };
  const names = new Map(context.requirements.flatMap((r) => r.candidates.map((c) => [c.resourceId, c] as const)));
  const reasons: Reason[] = [];
  const step = context.service.slotStepMinutes;
  switch (verdict.blocker) {
    case 'not-a-start-time':
      reasons.push({ code: 'NOT_A_START_TIME', message: `Starts are every ${step} min from local midnight at the location (${context.locationTimeZone})`, from: null, to: null });
      break;
    case 'outside-notice-window':
      reasons.push({ code: 'NOTICE_WINDOW', message: `Bookable from ${format(input.earliestStart)} (minimum notice ${context.service.minNoticeMinutes} min) to ${context.service.maxAdvanceDays} days ahead`, from: input.earliestStart, to: input.latestStart });
      break;
    case 'rule':
      for (const rule of verdict.rules) reasons.push(ruleReason(rule, format));
      break;
    case 'resource-conflict':
      reasons.push({ code: 'RESOURCE_CONFLICT', message: 'Each requirement has a free candidate, but not enough distinct resources for all of them at once', from: null, to: null });
      break;
    case 'requirement-unmet':
      for (const r of verdict.requirements.filter((x) => x.required && !x.met)) {
        reasons.push({ code: 'NO_CANDIDATE', message: `No free ${r.name.toLowerCase()} (needs ${r.quantity})`, from: null, to: null });
      }
      break;
    default:
      break;
  }
  const result: Explanation = {
    start: isoOf(start),
    end: isoOf(end),
    startLocal: labels.get(start)?.local ?? '',
    timeZone: context.displayTimeZone,
    abbreviation: labels.get(start)?.abbreviation ?? '',
    offered: verdict.bookable,
    reasons,
    requirements: verdict.requirements.map((r) => ({
      requirementId: r.requirementId,
      name: r.name,
      required: r.required,
      quantity: r.quantity,
      satisfied: r.met,
      candidates: r.candidates.map((c) => {
        const candidate = names.get(c.resourceId)!;
        const busy = busyRange(input.service, { bufferBeforeMs: candidate.bufferBeforeMinutes * MINUTE, bufferAfterMs: candidate.bufferAfterMinutes * MINUTE }, start);
        const withWorking = c.blocker === 'unavailable' ? 'busy' : c.blocker;
        return {
          resourceId: c.resourceId,
          name: candidate.name,
          available: c.canServe,
          reasons: candidateReasons(layersByResource.get(c.resourceId) ?? [], [start, end], busy, withWorking, format, c.rule),
        };
      }),
    })),
  };
  return { ...result, reasons: result.reasons.map(serializeReason), requirements: result.requirements.map((r) => ({ ...r, candidates: r.candidates.map((c) => ({ ...c, reasons: c.reasons.map(serializeReason) })) })) };
}

// Recurring appointments: bookRecurring resolves the rule's instances within the tenant's horizon
// (engine/recurrence.ts) and books every one in one transaction (app_private.book_series), all or
// nothing unless SKIP_CONFLICTS; edits end a series at an instance and continue with a new one, in
// the same transaction; the series__extend task moves the horizon and re-resolves instances when the
// tz database changes.
import { GraphQLError } from 'postgraphile/graphql';
import type { PgClient } from 'postgraphile/@dataplan/pg';
import { Temporal } from 'temporal-polyfill';
import { readSearchContext, searchInputFor, zonedLabels, type SearchContext } from './availability.ts';
import { expandRecurrence, RecurrenceError, type Occurrence } from './engine/recurrence.ts';
import { busyRange, findSlots } from './engine/search.ts';
import type { HoldStore } from './holds/types.ts';
import type { CustomerInput } from './booking.ts';
import { instantMs, isoOf, nowMs } from './time.ts';

type Query = Pick<PgClient, 'query'>;
const MINUTE = 60_000;
const DAY = 86_400_000;
export const MAX_SERIES_INSTANCES = 1000;

export type SeriesMode = 'ALL_OR_NOTHING' | 'SKIP_CONFLICTS';

interface SeriesRow {
  id: string;
  service_id: string;
  rrule: string;
  dtstart_local: string;
  time_zone: string;
  duration_minutes: number;
  exdates_local: string[];
  resources: { resourceId: string; requirementId: string | null }[];
  materialised_until: Date | null;
  tzdata_version: string | null;
  status: string;
}

const error = (message: string, code: string, extra: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extra } });

function expand(args: { rrule: string; dtstartLocal: string; timeZone: string; durationMinutes: number; exdatesLocal?: readonly string[] }, window: [number, number]): Occurrence[] {
  try {
    return expandRecurrence({ ...args, window, maxInstances: MAX_SERIES_INSTANCES });
  } catch (e) {
    if (e instanceof RecurrenceError) throw error(e.message, e.code);
    throw e;
  }
}

async function horizonDays(db: Query): Promise<{ tenantId: string; days: number }> {
  const { rows } = await db.query<{ id: string; series_horizon_days: number }>({ text: 'select id, series_horizon_days from app_public.tenant where id = app_public.current_tenant_id()' });
  if (!rows[0]) throw error('No tenant for this request', 'TNTUN');
  return { tenantId: rows[0].id, days: rows[0].series_horizon_days };
}

/** Maps explicit resources onto the service's requirements, or lets the engine choose at the first instance. */
function chooseResources(context: SearchContext, first: Occurrence, resourceIds: readonly string[] | null | undefined): { resourceId: string; requirementId: string }[] {
  if (resourceIds?.length) {
    const used = new Set<string>();
    return resourceIds.map((resourceId) => {
      const requirement = context.requirements.find((r) => !used.has(r.id) && r.candidates.some((c) => c.resourceId === resourceId));
      if (!requirement) throw error(`Resource ${resourceId} does not fill any requirement of the service`, 'SLOT_NOT_OFFERED');
      used.add(requirement.id);
      return { resourceId, requirementId: requirement.id };
    });
  }
  const slot = findSlots(searchInputFor(context, [first.start, first.start + MINUTE])).find((s) => s.start === first.start);
  if (!slot) throw error(`The first instance (${first.startLocal}) is not available; choose resources or another time`, 'SLOT_TAKEN', { instance: isoOf(first.start) });
  return slot.assignments.flatMap((a) => a.resourceIds.map((resourceId) => ({ resourceId, requirementId: a.requirementId })));
}

export interface SeriesResult {
  seriesId: string;
  booked: { bookingId: string; start: string; startLocal: string; abbreviation: string }[];
  skipped: { start: string; startLocal: string; abbreviation: string; reason: string }[];
  horizonEnd: string;
}

async function bookSeries(
  db: Query,
  holds: HoldStore,
  args: {
    serviceId: string;
    customer: CustomerInput;
    rrule: string;
    dtstartLocal: string;
    timeZone?: string | null;
    resourceIds?: readonly string[] | null;
    exdatesLocal?: readonly string[] | null;
    mode?: SeriesMode | null;
    notes?: string | null;
    parentSeriesId?: string | null;
    from?: number;
    /** Zone for the returned local times (default: the series' zone). */
    displayTimeZone?: string | null;
  },
): Promise<SeriesResult> {
  const { tenantId, days } = await horizonDays(db);
  const now = nowMs();
  const horizonEnd = now + days * DAY;
  const probe = await readSearchContext(db, args.serviceId, [now, now + MINUTE]);
  const timeZone = args.timeZone ?? probe.locationTimeZone;
  const earliest = Math.max(args.from ?? 0, now + probe.service.minNoticeMinutes * MINUTE);
  const instances = expand({ rrule: args.rrule, dtstartLocal: args.dtstartLocal, timeZone, durationMinutes: probe.service.durationMinutes, exdatesLocal: args.exdatesLocal ?? [] }, [earliest, horizonEnd]);
  if (instances.length === 0) throw error(`The rule has no instance between now and the booking horizon (${days} days)`, 'RRULE_BEYOND_HORIZON');
  const context = await readSearchContext(db, args.serviceId, [instances[0]!.start, instances[0]!.start + MINUTE]);
  const resources = chooseResources(context, instances[0]!, args.resourceIds);
  // Other people's holds count as taken for every instance.
  const timing = searchInputFor(context, [instances[0]!.start, instances[0]!.start + MINUTE]);
  const held = await holds.live({ tenantId, db }, resources.map((r) => r.resourceId), [earliest - DAY, horizonEnd + DAY], null);
  const heldInstances = new Set(instances.filter((o) => resources.some((r) => {
    const resource = timing.resources.get(r.resourceId);
    if (!resource) return false;
    const [s, e] = busyRange(timing.service, resource, o.start);
    return held.some((h) => h.resourceId === r.resourceId && h.busy[0] < e && h.busy[1] > s);
  })).map((o) => o.start));
  const skip = args.mode === 'SKIP_CONFLICTS';
  if (heldInstances.size > 0 && !skip) {
    const first = instances.find((o) => heldInstances.has(o.start))!;
    throw error(`Instance ${first.startLocal} is being booked by someone else right now`, 'HOLD_CONFLICT', { instance: isoOf(first.start) });
  }
  let result: { seriesId: string; booked: { bookingId: string; start: string }[]; skipped: { start: string; reason: string }[] };
  try {
    const { rows } = await db.query<{ r: typeof result }>({
      text: 'select app_private.book_series($1, $2, $3, $4, $5, $6) as r',
      values: [
        args.serviceId, JSON.stringify(args.customer),
        JSON.stringify({ rrule: args.rrule, dtstartLocal: args.dtstartLocal, timeZone, exdatesLocal: args.exdatesLocal ?? [], resources, materialisedUntil: isoOf(horizonEnd), notes: args.notes ?? null, parentSeriesId: args.parentSeriesId ?? null }),
        JSON.stringify(instances.filter((o) => !heldInstances.has(o.start)).map((o) => ({ start: isoOf(o.start), nominalLocal: o.nominalLocal }))),
        skip, process.versions.tz ?? null,
      ],
    });
    result = rows[0]!.r;
  } catch (e) {
    const dbError = e as { code?: string; message?: string; detail?: string };
    if (dbError.code === 'SLTKN') throw error(dbError.message ?? 'An instance is taken', 'SLOT_TAKEN', { instance: dbError.detail ?? null });
    throw e;
  }
  const skippedHeld = instances.filter((o) => heldInstances.has(o.start)).map((o) => ({ start: isoOf(o.start), reason: 'held by someone else' }));
  const all = [...result.booked.map((b) => instantMs(b.start)), ...result.skipped.map((s) => instantMs(s.start)), ...skippedHeld.map((s) => instantMs(s.start))];
  const labels = await zonedLabels(db, all, args.displayTimeZone ?? timeZone);
  const label = (iso: string) => labels.get(instantMs(iso))!;
  return {
    seriesId: result.seriesId,
    booked: result.booked.map((b) => ({ bookingId: b.bookingId, start: isoOf(instantMs(b.start)), startLocal: label(b.start).local, abbreviation: label(b.start).abbreviation })),
    skipped: [...result.skipped, ...skippedHeld].map((s) => ({ start: isoOf(instantMs(s.start)), startLocal: label(s.start).local, abbreviation: label(s.start).abbreviation, reason: s.reason })),
    horizonEnd: isoOf(horizonEnd),
  };
}

export function bookRecurring(db: Query, holds: HoldStore, args: Parameters<typeof bookSeries>[2]): Promise<SeriesResult> {
  if (!args.customer.id && !args.customer.name?.trim()) throw error('A customer needs a name or an id', 'INVALID_VALUE');
  return bookSeries(db, holds, { ...args, parentSeriesId: null });
}

async function loadSeries(db: Query, seriesId: string): Promise<SeriesRow> {
  const { rows } = await db.query<SeriesRow>({
    text: `select id, service_id, rrule, to_char(dtstart_local, 'YYYY-MM-DD"T"HH24:MI:SS') as dtstart_local, time_zone, duration_minutes,
                  array(select to_char(x, 'YYYY-MM-DD"T"HH24:MI:SS') from unnest(exdates_local) x) as exdates_local,
                  resources, materialised_until, tzdata_version, status
           from app_public.booking_series where id = $1`,
    values: [seriesId],
  });
  if (!rows[0]) throw error(`No series ${seriesId} that you may change`, 'BOOKING_NOT_FOUND');
  return rows[0];
}

/** Cancels a series from an instant (default now) on; earlier instances stay. */
export async function cancelSeries(db: Query, args: { seriesId: string; from?: string | null }): Promise<{ seriesId: string; cancelled: number }> {
  await loadSeries(db, args.seriesId);
  const { rows } = await db.query<{ n: number }>({ text: 'select app_private.cancel_series_from($1, $2) as n', values: [args.seriesId, args.from ?? isoOf(nowMs())] });
  return { seriesId: args.seriesId, cancelled: rows[0]!.n };
}

/**
 * Changes a series from one instance on ("this and following"; `from` = that instance's start) or as
 * a whole (`from` omitted: from now on): the old series ends there and a new one continues with the
 * changes, booked all or nothing; any failure leaves everything as it was (one transaction).
 */
export async function updateSeries(
  db: Query,
  holds: HoldStore,
  args: { seriesId: string; from?: string | null; rrule?: string | null; dtstartLocal?: string | null; timeZone?: string | null; resourceIds?: readonly string[] | null; mode?: SeriesMode | null; displayTimeZone?: string | null },
): Promise<SeriesResult> {
  const series = await loadSeries(db, args.seriesId);
  if (series.status !== 'active') throw error('Only active series can be changed', 'BOOKING_NOT_FOUND');
  const from = args.from ? instantMs(args.from) : nowMs();
  let dtstartLocal = args.dtstartLocal;
  if (!dtstartLocal) {
    // Continue from the instance at `from` (or the next one), keeping its nominal local time.
    const next = expand({ rrule: series.rrule, dtstartLocal: series.dtstart_local, timeZone: series.time_zone, durationMinutes: series.duration_minutes, exdatesLocal: series.exdates_local }, [from, from + 400 * DAY])[0];
    if (!next) throw error('The series has no instance after this point', 'RRULE_DTSTART');
    dtstartLocal = next.nominalLocal;
  }
  await db.query({ text: 'select app_private.cancel_series_from($1, $2)', values: [series.id, isoOf(from)] });
  return bookSeries(db, holds, {
    serviceId: series.service_id,
    customer: { id: await customerOf(db, series.id) },
    rrule: args.rrule ?? series.rrule.replace(/;?COUNT=\d+/i, ''),
    dtstartLocal,
    timeZone: args.timeZone ?? series.time_zone,
    resourceIds: args.resourceIds ?? series.resources.map((r) => r.resourceId),
    exdatesLocal: series.exdates_local,
    mode: args.mode ?? 'ALL_OR_NOTHING',
    parentSeriesId: series.id,
    from,
    displayTimeZone: args.displayTimeZone,
  });
}

async function customerOf(db: Query, seriesId: string): Promise<string> {
  const { rows } = await db.query<{ customer_id: string }>({ text: 'select customer_id from app_public.booking_series where id = $1', values: [seriesId] });
  return rows[0]!.customer_id;
}

interface ActiveSeries extends SeriesRow {
  tenant_id: string;
  series_horizon_days: number;
}

export interface ExtendReport {
  series: number;
  booked: number;
  conflicts: number;
  moved: number;
}

/**
 * The series__extend task's work, on an owner connection: for every active series, (1) when the tz
 * database version differs from the one its instances were resolved with, re-resolve future
 * instances from their nominal local time and move them, flagging (never forcing) any that would
 * collide; (2) book new instances up to the horizon, flagging taken ones. One transaction per series.
 */
export async function extendAllSeries(client: Query, options: { now?: number; tzdataVersion?: string | null } = {}): Promise<ExtendReport> {
  const now = options.now ?? nowMs();
  const version = options.tzdataVersion ?? process.versions.tz ?? null;
  const report: ExtendReport = { series: 0, booked: 0, conflicts: 0, moved: 0 };
  const { rows } = await client.query<ActiveSeries>({
    text: `select s.id, s.tenant_id, s.service_id, s.rrule, to_char(s.dtstart_local, 'YYYY-MM-DD"T"HH24:MI:SS') as dtstart_local, s.time_zone,
                  s.duration_minutes, array(select to_char(x, 'YYYY-MM-DD"T"HH24:MI:SS') from unnest(s.exdates_local) x) as exdates_local,
                  s.resources, s.materialised_until, s.tzdata_version, s.status, t.series_horizon_days
           from app_public.booking_series s join app_public.tenant t on t.id = s.tenant_id
           where s.status = 'active' order by s.tenant_id, s.id`,
  });
  for (const s of rows) {
    report.series++;
    await client.query({ text: 'begin' });
    try {
      await client.query({ text: `select set_config('jwt.claims.tenant_id', $1, true), set_config('app.series_resolving', 'on', true)`, values: [s.tenant_id] });
      if (version && s.tzdata_version && s.tzdata_version !== version) {
        const { rows: future } = await client.query<{ id: string; starts_at: Date; local: string }>({
          text: `select id, starts_at, to_char(series_local_start, 'YYYY-MM-DD"T"HH24:MI:SS') as local from app_public.booking
                 where tenant_id = $1 and series_id = $2 and starts_at > $3 and status in ('pending_approval', 'confirmed')
                   and not series_detached`,
          values: [s.tenant_id, s.id, isoOf(now)],
        });
        for (const booking of future) {
          const resolved = Temporal.PlainDateTime.from(booking.local).toZonedDateTime(s.time_zone, { disambiguation: 'compatible' }).epochMilliseconds;
          if (resolved === booking.starts_at.getTime()) continue;
          await client.query({ text: 'savepoint move_instance' });
          try {
            await client.query({ text: 'update app_public.booking set starts_at = $2, ends_at = $3 where id = $1', values: [booking.id, isoOf(resolved), isoOf(resolved + s.duration_minutes * MINUTE)] });
            await client.query({ text: 'release savepoint move_instance' });
            report.moved++;
          } catch (e) {
            await client.query({ text: 'rollback to savepoint move_instance' });
            // Taken, or a business rule forbids the new time: the instance stays and staff decide.
            if (!['23P01', 'RLGAP', 'RLLIM', 'RLHRS'].includes((e as { code?: string }).code ?? '')) throw e;
            await client.query({
              text: `insert into app_public.series_conflict (tenant_id, series_id, series_local_start, starts_at, reason) values ($1, $2, $3, $4, $5)
                     on conflict (tenant_id, series_id, series_local_start) do update set starts_at = excluded.starts_at, reason = excluded.reason, detected_at = now(), resolved_at = null`,
              values: [s.tenant_id, s.id, booking.local, isoOf(resolved), `tz database ${version} moves this instance to a time that is taken or that a rule forbids (${(e as Error).message}); it stays at its old time until staff decide`],
            });
            report.conflicts++;
          }
        }
      }
      const horizonEnd = now + s.series_horizon_days * DAY;
      const from = Math.max(s.materialised_until?.getTime() ?? now, now);
      if (from < horizonEnd) {
        const instances = expand({ rrule: s.rrule, dtstartLocal: s.dtstart_local, timeZone: s.time_zone, durationMinutes: s.duration_minutes, exdatesLocal: s.exdates_local }, [from, horizonEnd]);
        const { rows: result } = await client.query<{ r: { booked: unknown[]; skipped: unknown[] } }>({
          text: 'select app_private.materialise_series($1, $2, true, $3) as r',
          values: [s.id, JSON.stringify(instances.map((o) => ({ start: isoOf(o.start), nominalLocal: o.nominalLocal }))), version],
        });
        report.booked += result[0]!.r.booked.length;
        report.conflicts += result[0]!.r.skipped.length;
        await client.query({ text: 'update app_public.booking_series set materialised_until = $2 where id = $1', values: [s.id, isoOf(horizonEnd)] });
      } else if (version) {
        await client.query({ text: 'update app_public.booking_series set tzdata_version = $2 where id = $1', values: [s.id, version] });
      }
      await client.query({ text: 'commit' });
    } catch (e) {
      await client.query({ text: 'rollback' });
      throw e;
    }
  }
  return report;
}

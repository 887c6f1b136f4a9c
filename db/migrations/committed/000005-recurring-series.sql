--! Previous: sha1:b6a293bc8a405d46914eb7d356d9cd55163fb312
--! Hash: sha1:7faff70400ec23a36b569d4fefd6f53470308dd7
--! Message: recurring series

-- 000005: recurring appointments. A series stores the rule (RRULE, nominal local dtstart, IANA zone,
-- duration, EXDATEs); instances are resolved from it (server/src/engine/recurrence.ts) and booked as
-- ordinary bookings, each remembering its nominal local start, up to a horizon the series__extend
-- task moves forward. So the exclusion constraint protects every materialised instance.

drop function if exists app_private.book_series(uuid, jsonb, jsonb, jsonb, boolean, text) cascade;
drop function if exists app_private.materialise_series(uuid, jsonb, boolean, text) cascade;
drop function if exists app_private.cancel_series_from(uuid, timestamptz) cascade;
drop function if exists app_private.book_instance(app_public.service, uuid, uuid, timestamptz, timestamp, jsonb, uuid) cascade;
drop table if exists app_public.series_conflict cascade;
alter table app_public.booking drop column if exists series_id, drop column if exists series_local_start, drop column if exists series_detached;
drop function if exists app_private.tg_booking__detach_from_series() cascade;
drop table if exists app_public.booking_series cascade;
drop type if exists app_public.series_status cascade;
alter table app_public.tenant drop column if exists series_horizon_days;

alter table app_public.tenant
  add column series_horizon_days integer not null default 180 check (series_horizon_days between 7 and 730);
comment on column app_public.tenant.series_horizon_days is 'How far ahead recurring series are booked (materialised), in days (default 180).';
grant update (name, max_search_days, hold_ttl_seconds, series_horizon_days) on app_public.tenant to app_admin;

create type app_public.series_status as enum ('active', 'ended', 'cancelled');
comment on type app_public.series_status is 'active: instances keep being booked up to the horizon; ended: split or UNTIL reached; cancelled.';

create table app_public.booking_series (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  service_id uuid not null,
  customer_id uuid not null,
  rrule text not null check (length(rrule) between 6 and 500),
  dtstart_local timestamp not null,
  time_zone app_public.time_zone not null,
  duration_minutes integer not null check (duration_minutes > 0 and duration_minutes <= 1440),
  exdates_local timestamp[] not null default '{}',
  resources jsonb not null check (jsonb_typeof(resources) = 'array' and jsonb_array_length(resources) > 0),
  status app_public.series_status not null default 'active',
  materialised_until timestamptz,
  tzdata_version text,
  parent_series_id uuid,
  created_by uuid references app_public.app_user on delete set null,
  notes text check (length(notes) <= 2000),
  created_at timestamptz not null default now(),
  primary key (id),
  constraint booking_series_tenant_row_key unique (tenant_id, id),
  constraint booking_series_service_fkey foreign key (tenant_id, service_id) references app_public.service (tenant_id, id),
  constraint booking_series_customer_fkey foreign key (tenant_id, customer_id) references app_public.customer (tenant_id, id),
  constraint booking_series_parent_fkey foreign key (tenant_id, parent_series_id) references app_public.booking_series (tenant_id, id)
);
comment on table app_public.booking_series is
  E'@behavior -insert -update -delete\nA recurring appointment: the rule in local wall-clock time of time_zone, resolved at query time; instances up to the horizon are bookings.';
comment on column app_public.booking_series.rrule is 'RFC 5545 RRULE (DAILY, WEEKLY, MONTHLY or YEARLY), expanded on local wall-clock time.';
comment on column app_public.booking_series.dtstart_local is 'Nominal local start of the first instance (RFC 5545 DTSTART;TZID=time_zone).';
comment on column app_public.booking_series.resources is 'The resources every instance books: [{resourceId, requirementId}].';
comment on column app_public.booking_series.materialised_until is 'Instances starting before this instant are booked (or recorded as conflicts).';
comment on column app_public.booking_series.tzdata_version is 'The tz database version the booked instances were resolved with; a change re-resolves future instances.';
comment on constraint booking_series_tenant_row_key on app_public.booking_series is '@behavior -single -update -delete';
comment on constraint booking_series_service_fkey on app_public.booking_series is E'@fieldName service\n@foreignFieldName series';
comment on constraint booking_series_customer_fkey on app_public.booking_series is E'@fieldName customer\n@foreignFieldName series';
comment on constraint booking_series_parent_fkey on app_public.booking_series is E'@fieldName parent\n@foreignFieldName continuations';
create index booking_series_active_idx on app_public.booking_series (tenant_id, status, materialised_until);
alter table app_public.booking_series enable row level security;
alter table app_public.booking_series force row level security;

alter table app_public.booking
  add column series_id uuid,
  add column series_local_start timestamp,
  add column series_detached boolean not null default false,
  add constraint booking_series_fkey foreign key (tenant_id, series_id) references app_public.booking_series (tenant_id, id) on delete cascade,
  add constraint booking_series_instance_key unique (tenant_id, series_id, series_local_start),
  add constraint booking_series_instance_check check ((series_id is null) = (series_local_start is null));
comment on column app_public.booking.series_id is 'The recurring series this booking is an instance of.';
comment on column app_public.booking.series_local_start is 'The nominal local start of this instance in its series (what EXDATE and edits refer to).';
comment on column app_public.booking.series_detached is 'The instance was moved on its own: re-resolving the series (tzdata change) leaves it where staff put it.';

-- Moving one instance (rescheduleBooking, or any other write of its time) detaches it from the rule,
-- except when the series task itself re-resolves it (it sets app.series_resolving).
create function app_private.tg_booking__detach_from_series() returns trigger
  language plpgsql
  set search_path = pg_catalog
as $$
begin
  if new.series_id is not null and new.starts_at is distinct from old.starts_at
     and coalesce(current_setting('app.series_resolving', true), '') <> 'on' then
    new.series_detached := true;
  end if;
  return new;
end;
$$;
create trigger _150_detach_from_series before update of starts_at on app_public.booking
  for each row execute function app_private.tg_booking__detach_from_series();
comment on constraint booking_series_fkey on app_public.booking is E'@fieldName series\n@foreignFieldName bookings';
create index booking_series_idx on app_public.booking (tenant_id, series_id, starts_at);

-- An instance the horizon task or a tzdata change could not book (or move) because its time is taken:
-- flagged for staff, never silently moved.
create table app_public.series_conflict (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  series_id uuid not null,
  series_local_start timestamp not null,
  starts_at timestamptz not null,
  reason text not null,
  detected_at timestamptz not null default now(),
  resolved_at timestamptz,
  primary key (id),
  constraint series_conflict_tenant_row_key unique (tenant_id, id),
  constraint series_conflict_instance_key unique (tenant_id, series_id, series_local_start),
  constraint series_conflict_series_fkey foreign key (tenant_id, series_id) references app_public.booking_series (tenant_id, id) on delete cascade
);
comment on table app_public.series_conflict is E'@behavior -insert -delete\nAn instance of a series that could not be booked or moved (its time is taken); staff resolve it.';
comment on constraint series_conflict_tenant_row_key on app_public.series_conflict is '@behavior -single -update -delete';
comment on constraint series_conflict_series_fkey on app_public.series_conflict is E'@fieldName series\n@foreignFieldName conflicts';
alter table app_public.series_conflict enable row level security;
alter table app_public.series_conflict force row level security;

create policy "Staff read their tenant's series" on app_public.booking_series
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Customers read their own series" on app_public.booking_series
  for select to app_customer using (tenant_id = (select app_public.current_tenant_id())
    and customer_id in (select c.id from app_public.customer c where c.user_id = (select app_public.current_user_id())));
create policy "BI reads its tenant's series" on app_public.booking_series for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "Staff read their tenant's series conflicts" on app_public.series_conflict
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff resolve series conflicts" on app_public.series_conflict
  for update to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
grant select on app_public.booking_series to app_customer, app_staff, app_admin, app_bi;
grant select on app_public.series_conflict to app_staff, app_admin;
grant update (resolved_at) on app_public.series_conflict to app_staff, app_admin;

-- Books one instance of a series (or a plain booking with series null): validation as in book(),
-- without the service's maximum advance (the series horizon bounds it instead).
create function app_private.book_instance(svc app_public.service, customer_id uuid, series_id uuid, starts_at timestamptz,
  series_local_start timestamp, resources jsonb, created_by uuid) returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  new_booking uuid;
  relaxed app_public.service := svc;
begin
  relaxed.max_advance_days := 3650;
  perform app_private.assert_bookable(relaxed, starts_at, resources);
  insert into app_public.booking (tenant_id, service_id, customer_id, status, starts_at, created_by, series_id, series_local_start)
  values (svc.tenant_id, svc.id, customer_id, 'confirmed', starts_at, created_by, series_id, series_local_start)
  returning id into new_booking;
  insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id)
  select svc.tenant_id, new_booking, (x->>'resourceId')::uuid, (x->>'requirementId')::uuid from jsonb_array_elements(resources) x;
  return new_booking;
end;
$$;
comment on function app_private.book_instance(app_public.service, uuid, uuid, timestamptz, timestamp, jsonb, uuid) is
  'Books one (series) instance after assert_bookable, without the max-advance limit. Owner-only helper of book_series.';

-- Books instances of a series in one transaction: every one is checked; all or nothing unless
-- skip_conflicts, which records the taken ones as skipped (and as series conflicts).
-- instances = [{start, nominalLocal}] resolved by the engine. Returns {booked: [...], skipped: [...]}.
create function app_private.materialise_series(series_id uuid, instances jsonb, skip_conflicts boolean, tzdata_version text)
  returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  s app_public.booking_series;
  svc app_public.service;
  instance jsonb;
  booked jsonb := '[]';
  skipped jsonb := '[]';
  booking uuid;
  ids uuid[];
begin
  select * into s from app_public.booking_series x where x.tenant_id = tenant and x.id = series_id for update;
  if not found then
    raise exception 'No series % in this tenant', series_id using errcode = 'BKGUK';
  end if;
  select * into svc from app_public.service x where x.tenant_id = tenant and x.id = s.service_id;
  ids := array(select (x->>'resourceId')::uuid from jsonb_array_elements(s.resources) x);
  perform app_private.lock_resources(tenant, ids);
  for instance in select * from jsonb_array_elements(instances) loop
    if exists (select 1 from app_public.booking b where b.tenant_id = tenant and b.series_id = s.id
               and b.series_local_start = (instance->>'nominalLocal')::timestamp) then
      continue; -- already booked (or cancelled on purpose): never re-created
    end if;
    begin
      booking := app_private.book_instance(svc, s.customer_id, s.id, (instance->>'start')::timestamptz,
        (instance->>'nominalLocal')::timestamp, s.resources, s.created_by);
      booked := booked || jsonb_build_object('bookingId', booking, 'start', instance->>'start', 'nominalLocal', instance->>'nominalLocal');
    exception
      when sqlstate 'SLTKN' or sqlstate 'NOTOF' or exclusion_violation then
        if not skip_conflicts then
          raise exception 'Instance % (%) of the series cannot be booked: %', instance->>'nominalLocal', s.time_zone, sqlerrm
            using errcode = 'SLTKN', detail = instance->>'start';
        end if;
        skipped := skipped || jsonb_build_object('start', instance->>'start', 'nominalLocal', instance->>'nominalLocal', 'reason', sqlerrm);
        insert into app_public.series_conflict (tenant_id, series_id, series_local_start, starts_at, reason)
        values (tenant, s.id, (instance->>'nominalLocal')::timestamp, (instance->>'start')::timestamptz, sqlerrm)
        on conflict on constraint series_conflict_instance_key do update set starts_at = excluded.starts_at, reason = excluded.reason, detected_at = now(), resolved_at = null;
    end;
  end loop;
  update app_public.booking_series x set tzdata_version = coalesce(materialise_series.tzdata_version, x.tzdata_version)
  where x.tenant_id = tenant and x.id = s.id;
  if jsonb_array_length(booked) > 0 then
    perform app_private.enqueue_job('series__booked', json_build_object('tenantId', tenant, 'seriesId', s.id, 'count', jsonb_array_length(booked)));
  end if;
  return jsonb_build_object('booked', booked, 'skipped', skipped);
end;
$$;
comment on function app_private.materialise_series(uuid, jsonb, boolean, text) is
  'Books series instances under resource locks: all or nothing (SLTKN naming the instance), or skipping and flagging taken ones.';

-- Creates a series and books its instances up to the horizon, atomically.
create function app_private.book_series(service_id uuid, customer jsonb, series jsonb, instances jsonb, skip_conflicts boolean, tzdata_version text)
  returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  svc app_public.service;
  customer_id uuid;
  new_series uuid;
  result jsonb;
begin
  if current_setting('role', true) not in ('app_staff', 'app_admin') then
    raise exception 'Only staff book recurring series' using errcode = '42501';
  end if;
  select * into svc from app_public.service s where s.tenant_id = tenant and s.id = service_id and s.active;
  if not found then
    raise exception 'No bookable service % in this tenant', service_id using errcode = 'SVCUK';
  end if;
  if customer ? 'id' then
    select c.id into customer_id from app_public.customer c where c.tenant_id = tenant and c.id = (customer->>'id')::uuid;
    if customer_id is null then
      raise exception 'Customer % does not exist in this tenant', customer->>'id' using errcode = '23503';
    end if;
  else
    insert into app_public.customer (tenant_id, name, email, phone, preferred_time_zone)
    values (tenant, customer->>'name', nullif(customer->>'email', ''), nullif(customer->>'phone', ''), nullif(customer->>'timeZone', ''))
    on conflict (tenant_id, email) do update set name = excluded.name
    returning id into customer_id;
  end if;
  insert into app_public.booking_series (tenant_id, service_id, customer_id, rrule, dtstart_local, time_zone, duration_minutes, exdates_local,
    resources, materialised_until, tzdata_version, parent_series_id, created_by, notes)
  values (tenant, svc.id, customer_id, series->>'rrule', (series->>'dtstartLocal')::timestamp, series->>'timeZone', svc.duration_minutes,
    coalesce(array(select jsonb_array_elements_text(series->'exdatesLocal'))::timestamp[], '{}'),
    series->'resources', (series->>'materialisedUntil')::timestamptz, tzdata_version, (series->>'parentSeriesId')::uuid,
    (select u.id from app_public.app_user u where u.id = app_public.current_user_id()), series->>'notes')
  returning id into new_series;
  result := app_private.materialise_series(new_series, instances, skip_conflicts, tzdata_version);
  return result || jsonb_build_object('seriesId', new_series, 'customerId', customer_id);
end;
$$;
comment on function app_private.book_series(uuid, jsonb, jsonb, jsonb, boolean, text) is
  'Creates a series and books its instances within the horizon in one transaction (all or nothing unless skip_conflicts).';

-- Ends a series at an instant: future instances from it on are cancelled, the series is ended (or
-- cancelled when nothing is left before it). Used by "this and following" and "whole series" edits.
create function app_private.cancel_series_from(series_id uuid, from_start timestamptz) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  n integer;
begin
  if current_setting('role', true) not in ('app_staff', 'app_admin') then
    raise exception 'Only staff change recurring series' using errcode = '42501';
  end if;
  update app_public.booking b set status = 'cancelled'
  where b.tenant_id = tenant and b.series_id = cancel_series_from.series_id and b.starts_at >= from_start
    and b.status in ('pending_approval', 'confirmed');
  get diagnostics n = row_count;
  update app_public.booking_series x
  set status = case when exists (select 1 from app_public.booking b where b.tenant_id = tenant and b.series_id = x.id and b.starts_at < from_start)
                    then 'ended'::app_public.series_status else 'cancelled'::app_public.series_status end,
      materialised_until = least(coalesce(x.materialised_until, from_start), from_start)
  where x.tenant_id = tenant and x.id = cancel_series_from.series_id;
  if not found then
    raise exception 'No series % in this tenant', series_id using errcode = 'BKGUK';
  end if;
  delete from app_public.series_conflict c where c.tenant_id = tenant and c.series_id = cancel_series_from.series_id and c.starts_at >= from_start;
  return n;
end;
$$;
comment on function app_private.cancel_series_from(uuid, timestamptz) is 'Cancels a series'' instances from an instant on and ends the series there (staff).';

grant execute on function app_private.book_series(uuid, jsonb, jsonb, jsonb, boolean, text),
  app_private.materialise_series(uuid, jsonb, boolean, text),
  app_private.cancel_series_from(uuid, timestamptz) to app_staff, app_admin;

-- assert_bookable, revised: one free_intervals call for exactly the booked resources. The first
-- version's per-row subquery could be pushed into the scan of all the tenant's resources (one
-- free-interval computation per resource of the tenant, under the booking's locks).
create or replace function app_private.assert_bookable(svc app_public.service, starts_at timestamptz, resources jsonb) returns void
  language plpgsql stable
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  zone text;
  local timestamp;
  minute integer;
  ids uuid[] := array(select (x->>'resourceId')::uuid from jsonb_array_elements(resources) x);
  unfree record;
begin
  if starts_at < now() + make_interval(mins => svc.min_notice_minutes) or starts_at > now() + make_interval(days => svc.max_advance_days) then
    raise exception 'The start % is outside the booking notice window of "%"', starts_at, svc.name
      using errcode = 'NOTOF', detail = 'notice';
  end if;
  select l.time_zone into zone from app_public.location l where l.tenant_id = svc.tenant_id and l.id = svc.location_id;
  local := starts_at at time zone zone;
  minute := extract(hour from local)::integer * 60 + extract(minute from local)::integer;
  if not (extract(second from local) = 0 and minute % svc.slot_step_minutes = 0 and app_public.to_utc(local, zone) = starts_at)
     and not exists (select 1 from generate_series(0, 1439 / svc.slot_step_minutes) k
                     where app_public.to_utc(local::date + make_interval(mins => k * svc.slot_step_minutes), zone) = starts_at) then
    raise exception 'The start % is not one of the service''s start times (every % min from local midnight)', starts_at, svc.slot_step_minutes
      using errcode = 'NOTOF', detail = 'grid';
  end if;
  with free as materialized (
    select f.resource_id, f.free
    from app_private.free_intervals(ids, tstzrange(starts_at - interval '1 day', starts_at + make_interval(mins => svc.duration_minutes) + interval '1 day', '[)')) f
  )
  select r.id, r.name into unfree
  from app_public.resource r
  where r.tenant_id = svc.tenant_id and r.id = any(ids)
    and not exists (
      select 1 from free f
      where f.resource_id = r.id
        and f.free @> tstzrange(starts_at - make_interval(mins => svc.buffer_before_minutes + r.buffer_before_minutes),
                                starts_at + make_interval(mins => svc.duration_minutes + svc.buffer_after_minutes + r.buffer_after_minutes), '[)'))
  limit 1;
  if found then
    raise exception 'Resource "%" is not free for this appointment and its buffers', unfree.name
      using errcode = 'SLTKN', detail = unfree.id::text;
  end if;
end;
$$;
comment on function app_private.assert_bookable(app_public.service, timestamptz, jsonb) is
  'NOTOF outside the notice window or off the step grid; SLTKN when a resource is not free for its buffered busy range (one free_intervals call).';

-- hold_place, revised: also refuses time that is booked (under the same resource locks as booking),
-- so a hold placed just after someone else's confirmation committed is refused, not granted.
create or replace function app_private.hold_place(token uuid, service_id uuid, starts_at timestamptz, ends_at timestamptz,
  resources jsonb, ttl_seconds integer, owner text default null, keep_seconds integer default 3600)
  returns timestamptz
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  ids uuid[] := array(select (r->>'resourceId')::uuid from jsonb_array_elements(resources) r);
  clash record;
  expiry timestamptz;
begin
  if tenant is null then
    raise exception 'No tenant for this request' using errcode = '42501';
  end if;
  perform app_private.lock_resources(tenant, ids);
  -- clock_timestamp, not now(): a hold that expired while this request waited for the lock is expired.
  select h.resource_id, h.busy into clash
  from app_private.hold h
  join jsonb_array_elements(resources) r on (r->>'resourceId')::uuid = h.resource_id
  where h.tenant_id = tenant and h.expires_at > clock_timestamp() and h.token <> hold_place.token
    and h.busy && tstzrange((r->>'from')::timestamptz, (r->>'to')::timestamptz, '[)')
  limit 1;
  if found then
    raise exception 'Resource % is held by someone else for %', clash.resource_id, clash.busy
      using errcode = 'HLDCF', detail = clash.resource_id::text;
  end if;
  -- Under the same locks as booking: a time booked since the caller searched cannot be held.
  select a.resource_id, a.busy into clash
  from app_public.booking_allocation a
  join jsonb_array_elements(resources) r on (r->>'resourceId')::uuid = a.resource_id
  where a.tenant_id = tenant and a.active
    and a.busy && tstzrange((r->>'from')::timestamptz, (r->>'to')::timestamptz, '[)')
  limit 1;
  if found then
    raise exception 'Resource % was booked for %', clash.resource_id, clash.busy
      using errcode = 'HLDCF', detail = clash.resource_id::text;
  end if;
  -- Re-placing a token moves it: its previous rows (any resource, time or service) go.
  delete from app_private.hold h where h.tenant_id = tenant and h.token = hold_place.token;
  expiry := clock_timestamp() + make_interval(secs => ttl_seconds);
  insert into app_private.hold (tenant_id, token, resource_id, busy, service_id, starts_at, ends_at, owner, expires_at, keep_until)
  select distinct on ((r->>'resourceId')::uuid) tenant, token, (r->>'resourceId')::uuid,
         tstzrange((r->>'from')::timestamptz, (r->>'to')::timestamptz, '[)'),
         service_id, starts_at, ends_at, owner, expiry, expiry + make_interval(secs => keep_seconds)
  from jsonb_array_elements(resources) r;
  return expiry;
end;
$$;

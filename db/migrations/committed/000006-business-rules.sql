--! Previous: sha1:7faff70400ec23a36b569d4fefd6f53470308dd7
--! Hash: sha1:def05a29a58c7b3a8c95a5350a4ad1d2ea34c9e9
--! Message: business rules

-- Business rules as data (docs/adr/0014-business-rules.md): sequence gaps, booking limits, approval,
-- cancellation/reschedule cut-offs and location opening hours. The rules live in tables; one function,
-- app_private.rule_blocks, turns them into blocked times, and both the slot search (through
-- slot_search_context) and every write (triggers on booking and booking_allocation) read it.

drop trigger if exists _300_check_rules on app_public.booking;
drop trigger if exists _110_approval on app_public.booking;
drop trigger if exists _310_approval_timer on app_public.booking;
drop trigger if exists _300_check_rules on app_public.booking_allocation;
drop function if exists app_private.tg_booking__check_rules() cascade;
drop function if exists app_private.tg_booking__approval() cascade;
drop function if exists app_private.tg_booking__approval_timer() cascade;
drop function if exists app_private.tg_booking_allocation__check_rules() cascade;
drop function if exists app_private.assert_rules(app_public.booking, uuid) cascade;
drop function if exists app_private.search_rule_blocks(uuid, uuid[], tstzrange, boolean) cascade;
drop function if exists app_private.rule_blocks(app_public.service, uuid[], uuid, tstzrange, uuid, boolean, boolean) cascade;
drop function if exists app_private.lock_booking_level(uuid, uuid, uuid) cascade;
drop function if exists app_private.assert_resources_fill(app_public.service, jsonb) cascade;
drop function if exists app_private.location_open_hours(uuid, uuid, tstzrange) cascade;
drop function if exists app_private.decide_booking(uuid, boolean, text) cascade;
drop function if exists app_private.expire_approvals() cascade;
drop function if exists app_hidden.valid_opening_hours(jsonb) cascade;
drop function if exists app_hidden.free_json(uuid[], tstzrange) cascade;
drop function if exists app_hidden.service_json(app_public.service) cascade;
drop table if exists app_public.sequence_rule cascade;
drop table if exists app_public.booking_limit cascade;
drop type if exists app_public.limit_kind cascade;
drop type if exists app_public.limit_period cascade;
alter table app_public.location drop constraint if exists location_opening_hours_valid;
alter table app_public.service drop column if exists requires_approval, drop column if exists cancel_cutoff_minutes, drop column if exists reschedule_cutoff_minutes;
alter table app_public.resource drop column if exists requires_approval, drop column if exists owner_user_id;
alter table app_public.tenant drop column if exists approval_timeout_minutes;
alter table app_public.booking_allocation drop column if exists service_id, drop column if exists starts_at, drop column if exists ends_at;
alter table app_public.booking drop column if exists approval_expires_at, drop column if exists decided_by,
  drop column if exists decided_at, drop column if exists decision_note;

-- New enum values cannot be used in the transaction that adds them; only function bodies (parsed
-- when they run) mention 'declined' below.
alter type app_public.booking_status add value if not exists 'declined' after 'cancelled';
comment on type app_public.booking_status is 'pending_approval and confirmed hold their resources; the others (cancelled, declined, completed, no_show) free them.';

--------------------------------------------------------------------------------------------------
-- Settings on existing tables
--------------------------------------------------------------------------------------------------

alter table app_public.service
  add column requires_approval boolean not null default false,
  add column cancel_cutoff_minutes integer not null default 0
    constraint service_cancel_cutoff_minutes_check check (cancel_cutoff_minutes between 0 and 43200),
  add column reschedule_cutoff_minutes integer not null default 0
    constraint service_reschedule_cutoff_minutes_check check (reschedule_cutoff_minutes between 0 and 43200);
comment on column app_public.service.requires_approval is 'Customer bookings of this service wait for an approver (pending_approval); their time stays blocked.';
comment on column app_public.service.cancel_cutoff_minutes is 'Customers cannot cancel later than this many minutes before the start (staff can).';
comment on column app_public.service.reschedule_cutoff_minutes is 'Customers cannot reschedule later than this many minutes before the start (staff can).';
grant insert (requires_approval, cancel_cutoff_minutes, reschedule_cutoff_minutes),
      update (requires_approval, cancel_cutoff_minutes, reschedule_cutoff_minutes) on app_public.service to app_admin;
grant select (requires_approval, cancel_cutoff_minutes, reschedule_cutoff_minutes, min_notice_minutes, max_advance_days, slot_step_minutes)
  on app_public.service to app_anonymous, app_customer;

alter table app_public.resource
  add column requires_approval boolean not null default false,
  add column owner_user_id uuid references app_public.app_user (id) on delete set null;
create index resource_owner_idx on app_public.resource (owner_user_id) where owner_user_id is not null;
comment on column app_public.resource.requires_approval is 'Customer bookings using this resource wait for an approver: staff, or the resource''s owner.';
comment on column app_public.resource.owner_user_id is 'The user who may approve or decline bookings of this resource (e.g. the practitioner, the lab manager).';
comment on constraint resource_owner_user_id_fkey on app_public.resource is E'@fieldName owner\n@foreignFieldName ownedResources';
grant insert (requires_approval, owner_user_id), update (requires_approval, owner_user_id) on app_public.resource to app_admin;

alter table app_public.tenant
  add column approval_timeout_minutes integer not null default 2880
    constraint tenant_approval_timeout_minutes_check check (approval_timeout_minutes between 5 and 43200);
comment on column app_public.tenant.approval_timeout_minutes is 'A booking still pending approval this many minutes after it was requested is declined automatically (default 48 h).';
grant update (approval_timeout_minutes) on app_public.tenant to app_admin;

alter table app_public.booking
  add column approval_expires_at timestamptz,
  add column decided_by uuid references app_public.app_user (id) on delete set null,
  add column decided_at timestamptz,
  add column decision_note text constraint booking_decision_note_check check (length(decision_note) <= 1000);
create index booking_pending_idx on app_public.booking (approval_expires_at) where status = 'pending_approval';
comment on column app_public.booking.approval_expires_at is 'While pending approval: when it is declined automatically unless an approver decides.';
comment on column app_public.booking.decided_by is 'The approver who approved or declined it (null: automatic or never pending).';
comment on column app_public.booking.decided_at is 'When it was approved or declined.';
comment on column app_public.booking.decision_note is 'The approver''s note, or why it was declined.';
comment on constraint booking_decided_by_fkey on app_public.booking is E'@fieldName decider\n@foreignFieldName decidedBookings';

-- Allocations carry their booking's service and times (kept by the derive trigger), so the rules
-- count and compare allocations without joining bookings: the search reads thousands of them.
alter table app_public.booking_allocation
  add column service_id uuid, add column starts_at timestamptz, add column ends_at timestamptz;
create or replace function app_private.tg_booking_allocation__derive() returns trigger
  language plpgsql security definer set search_path to pg_catalog as $$
begin
  new.busy := app_private.allocation_busy(new.tenant_id, new.booking_id, new.resource_id);
  if new.busy is null then
    raise exception 'Booking % or resource % does not exist in this tenant', new.booking_id, new.resource_id using errcode = '23503';
  end if;
  select b.status in ('pending_approval', 'confirmed'), b.service_id, b.starts_at, b.ends_at
    into new.active, new.service_id, new.starts_at, new.ends_at
  from app_public.booking b where b.tenant_id = new.tenant_id and b.id = new.booking_id;
  return new;
end;
$$;
update app_public.booking_allocation set busy = busy;
alter table app_public.booking_allocation
  alter column service_id set not null, alter column starts_at set not null, alter column ends_at set not null;
comment on column app_public.booking_allocation.service_id is E'@behavior -insert -update\nThe booking''s service (copied by trigger, for the rules).';
comment on column app_public.booking_allocation.starts_at is E'@behavior -insert -update\nThe booking''s start (copied by trigger, for the rules).';
comment on column app_public.booking_allocation.ends_at is E'@behavior -insert -update\nThe booking''s end (copied by trigger, for the rules).';

-- Opening hours were only checked to be an array; now every entry must be well-formed, so a typo
-- fails on write (INVALID_VALUE) instead of on every later search.
create function app_hidden.valid_opening_hours(hours jsonb) returns boolean
  language sql immutable set search_path to pg_catalog as $$
  select jsonb_typeof(hours) = 'array' and not exists (
    select 1 from jsonb_array_elements(hours) h
    where jsonb_typeof(h) <> 'object'
       or not (h ? 'weekday' and h ? 'opens' and h ? 'closes')
       or jsonb_typeof(h->'weekday') <> 'number' or (h->>'weekday') !~ '^[1-7]$'
       or (h->>'opens') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
       or (h->>'closes') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
       or (h->>'closes') <= (h->>'opens'));
$$;
comment on function app_hidden.valid_opening_hours(jsonb) is 'Opening hours are [{"weekday":1-7,"opens":"HH:MM","closes":"HH:MM" later than opens, 24:00 allowed}].';
revoke execute on function app_hidden.valid_opening_hours(jsonb) from public;
grant execute on function app_hidden.valid_opening_hours(jsonb) to app_admin, app_staff;
alter table app_public.location add constraint location_opening_hours_valid check (app_hidden.valid_opening_hours(opening_hours));
comment on column app_public.location.opening_hours is 'Weekly opening hours in local wall-clock time: [{"weekday":1-7 (ISO, 1=Monday),"opens":"HH:MM","closes":"HH:MM"}]. Every appointment at the location lies inside them (and inside location-wide "open" overrides); empty: no bound.';

--------------------------------------------------------------------------------------------------
-- Rule tables
--------------------------------------------------------------------------------------------------

create table app_public.sequence_rule (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid primary key default gen_random_uuid(),
  name text not null constraint sequence_rule_name_check check (length(btrim(name)) between 1 and 200),
  first_service_id uuid not null,
  second_service_id uuid not null,
  gap_minutes integer constraint sequence_rule_gap_minutes_range check (gap_minutes between 1 and 10080),
  same_day boolean not null default false,
  both_directions boolean not null default false,
  resource_id uuid,
  resource_kind app_public.resource_kind,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  constraint sequence_rule_tenant_row_key unique (tenant_id, id),
  constraint sequence_rule_gap_or_same_day check ((gap_minutes is null) = same_day),
  constraint sequence_rule_one_scope check (num_nonnulls(resource_id, resource_kind) <= 1),
  constraint sequence_rule_first_service_fkey foreign key (tenant_id, first_service_id) references app_public.service (tenant_id, id) on delete cascade,
  constraint sequence_rule_second_service_fkey foreign key (tenant_id, second_service_id) references app_public.service (tenant_id, id) on delete cascade,
  constraint sequence_rule_resource_fkey foreign key (tenant_id, resource_id) references app_public.resource (tenant_id, id) on delete cascade
);
create index sequence_rule_first_idx on app_public.sequence_rule (tenant_id, first_service_id);
create index sequence_rule_second_idx on app_public.sequence_rule (tenant_id, second_service_id);
create index sequence_rule_resource_idx on app_public.sequence_rule (tenant_id, resource_id);
comment on table app_public.sequence_rule is E'After a booking of the first service, a resource needs gap_minutes before a booking of the second (same_day: the two never start on the same local day). Scope: one resource, every resource of a kind, or (both null) every resource.';
comment on column app_public.sequence_rule.gap_minutes is 'Minutes from the end of the first appointment to the start of the second (1..10080); null when same_day.';
comment on column app_public.sequence_rule.same_day is 'The two services never start on the same local day (the resource''s location zone) on one resource.';
comment on column app_public.sequence_rule.both_directions is 'The gap also applies when the second service comes first.';
comment on column app_public.sequence_rule.resource_id is 'Only this resource; null: every resource in scope.';
comment on column app_public.sequence_rule.resource_kind is 'Only resources of this kind; null: every kind.';
comment on column app_public.sequence_rule.enabled is 'Disabled rules are kept but not enforced.';
comment on constraint sequence_rule_tenant_row_key on app_public.sequence_rule is '@behavior -single -update -delete';
comment on constraint sequence_rule_first_service_fkey on app_public.sequence_rule is E'@fieldName firstService\n@foreignFieldName sequenceRulesAsFirst';
comment on constraint sequence_rule_second_service_fkey on app_public.sequence_rule is E'@fieldName secondService\n@foreignFieldName sequenceRulesAsSecond';
comment on constraint sequence_rule_resource_fkey on app_public.sequence_rule is E'@fieldName resource\n@foreignFieldName sequenceRules';

create type app_public.limit_kind as enum ('resource_bookings', 'customer_bookings', 'concurrent_bookings');
comment on type app_public.limit_kind is 'resource_bookings: bookings of a resource per period; customer_bookings: bookings of one customer per period; concurrent_bookings: bookings of a service at the same time.';
create type app_public.limit_period as enum ('day', 'week', 'month');
comment on type app_public.limit_period is 'A local calendar day, ISO week (Monday to Sunday) or month, in the location''s zone.';

create table app_public.booking_limit (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid primary key default gen_random_uuid(),
  name text not null constraint booking_limit_name_check check (length(btrim(name)) between 1 and 200),
  kind app_public.limit_kind not null,
  period app_public.limit_period,
  max_bookings integer not null constraint booking_limit_max_bookings_range check (max_bookings between 1 and 10000),
  resource_id uuid,
  resource_kind app_public.resource_kind,
  service_id uuid,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  constraint booking_limit_tenant_row_key unique (tenant_id, id),
  constraint booking_limit_shape check (case kind
    when 'resource_bookings' then period in ('day', 'week') and service_id is null and num_nonnulls(resource_id, resource_kind) <= 1
    when 'customer_bookings' then period is not null and resource_id is null and resource_kind is null
    when 'concurrent_bookings' then period is null and service_id is not null and resource_id is null and resource_kind is null
  end),
  constraint booking_limit_service_fkey foreign key (tenant_id, service_id) references app_public.service (tenant_id, id) on delete cascade,
  constraint booking_limit_resource_fkey foreign key (tenant_id, resource_id) references app_public.resource (tenant_id, id) on delete cascade
);
create index booking_limit_tenant_kind_idx on app_public.booking_limit (tenant_id, kind);
create index booking_limit_service_idx on app_public.booking_limit (tenant_id, service_id);
create index booking_limit_resource_idx on app_public.booking_limit (tenant_id, resource_id);
comment on table app_public.booking_limit is E'At most max_bookings active bookings: of a resource per day or week (resource_bookings; scope: resource_id, resource_kind or every resource), of one customer per day, week or month (customer_bookings; service_id: only that service), or of a service at once (concurrent_bookings). A full period is not offered.';
comment on column app_public.booking_limit.period is 'day or week for resource_bookings; day, week or month for customer_bookings; null for concurrent_bookings.';
comment on column app_public.booking_limit.enabled is 'Disabled limits are kept but not enforced.';
comment on constraint booking_limit_tenant_row_key on app_public.booking_limit is '@behavior -single -update -delete';
comment on constraint booking_limit_service_fkey on app_public.booking_limit is E'@fieldName service\n@foreignFieldName bookingLimits';
comment on constraint booking_limit_resource_fkey on app_public.booking_limit is E'@fieldName resource\n@foreignFieldName bookingLimits';

alter table app_public.sequence_rule enable row level security;
alter table app_public.sequence_rule force row level security;
alter table app_public.booking_limit enable row level security;
alter table app_public.booking_limit force row level security;
create policy "Staff read their tenant's sequence rules" on app_public.sequence_rule for select to app_staff, app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add sequence rules" on app_public.sequence_rule for insert to app_admin
  with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit sequence rules" on app_public.sequence_rule for update to app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove sequence rules" on app_public.sequence_rule for delete to app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "BI reads its tenant's sequence rules" on app_public.sequence_rule for select to app_bi
  using (tenant_id = (select app_private.bi_tenant_id()));
create policy "Staff read their tenant's booking limits" on app_public.booking_limit for select to app_staff, app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add booking limits" on app_public.booking_limit for insert to app_admin
  with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit booking limits" on app_public.booking_limit for update to app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove booking limits" on app_public.booking_limit for delete to app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "BI reads its tenant's booking limits" on app_public.booking_limit for select to app_bi
  using (tenant_id = (select app_private.bi_tenant_id()));
grant select on app_public.sequence_rule, app_public.booking_limit to app_staff, app_admin, app_bi;
grant delete on app_public.sequence_rule, app_public.booking_limit to app_admin;
grant insert (name, first_service_id, second_service_id, gap_minutes, same_day, both_directions, resource_id, resource_kind, enabled),
      update (name, first_service_id, second_service_id, gap_minutes, same_day, both_directions, resource_id, resource_kind, enabled)
  on app_public.sequence_rule to app_admin;
grant insert (name, kind, period, max_bookings, resource_id, resource_kind, service_id, enabled),
      update (name, kind, period, max_bookings, resource_id, resource_kind, service_id, enabled)
  on app_public.booking_limit to app_admin;

--------------------------------------------------------------------------------------------------
-- Rules as blocked times: the one evaluation, read by search and by every write
--------------------------------------------------------------------------------------------------

-- Open time of a location in a window: its weekly hours plus location-wide "open" overrides; the
-- whole window when it has no hours. Local times in a DST gap shift forward (to_utc).
create function app_private.location_open_hours(tenant uuid, location_id uuid, search_window tstzrange)
  returns tstzmultirange language sql stable set search_path to pg_catalog, public as $$
  select case when jsonb_array_length(l.opening_hours) = 0 then tstzmultirange(search_window)
    else coalesce((
      select range_agg(tstzrange(s.opens, greatest(s.opens, s.closes), '[)'))
      from generate_series(((lower(search_window) at time zone l.time_zone)::date - 1)::timestamp,
                           ((upper(search_window) at time zone l.time_zone)::date)::timestamp, interval '1 day') d
      cross join jsonb_array_elements(l.opening_hours) h
      cross join lateral (select app_public.to_utc(d::date + (h->>'opens')::time, l.time_zone) as opens,
                                 app_public.to_utc(d::date + (h->>'closes')::time, l.time_zone) as closes) s
      where extract(isodow from d) = (h->>'weekday')::int), '{}'::tstzmultirange)
      + coalesce((select range_agg(o.during) from app_public.availability_override o
                  where o.tenant_id = l.tenant_id and o.location_id = l.id and o.kind = 'open' and o.during && search_window), '{}'::tstzmultirange)
    end
  from app_public.location l
  where l.tenant_id = tenant and l.id = location_id;
$$;
comment on function app_private.location_open_hours(uuid, uuid, tstzrange) is 'When a location is open in a window: weekly opening hours plus location-wide open overrides (the whole window without hours).';
revoke execute on function app_private.location_open_hours(uuid, uuid, tstzrange) from public;

-- Every time the rules forbid for a booking of `svc` on the given resources, around a window:
--   resource_id set: the rule restricts that resource (sequence gaps, resource limits);
--   resource_id null: it restricts the booking as a whole (opening hours, concurrency, customer limits).
--   applies 'start': a start inside `during` is forbidden; 'appointment': the appointment
--   [start, end) must not intersect `during` (buffers are not part of it).
-- exclude_booking is left out of every count and gap (the booking being checked).
-- detailed: one row per rule (what explanations and errors name). Otherwise, for searching, rules of
-- one kind on one resource are merged: per other service and direction only the longest gap counts,
-- and the ranges are unioned (rule_id is kept where a single rule produced a range).
create function app_private.rule_blocks(svc app_public.service, resource_ids uuid[], customer uuid,
                                        search_window tstzrange, exclude_booking uuid, booking_level boolean, detailed boolean)
  returns table (resource_id uuid, applies text, during tstzrange, code text, rule_id uuid, rule_name text)
  language plpgsql stable security definer set search_path to pg_catalog, public as $$
#variable_conflict use_column
declare
  zone text;
  -- Appointments starting in the window reach this far; gaps and periods reach further (per row).
  reach tstzrange := tstzrange(lower(search_window) - interval '1 day',
                               upper(search_window) + make_interval(mins => svc.duration_minutes) + interval '1 day', '[)');
  month_reach tstzrange := tstzrange(lower(search_window) - interval '32 days', upper(search_window) + interval '32 days', '[)');
begin
  select l.time_zone into zone from app_public.location l where l.tenant_id = svc.tenant_id and l.id = svc.location_id;
  return query
  with scoped as (
    select q.id, q.name, q.first_service_id, q.second_service_id, q.gap_minutes, q.same_day, q.both_directions,
           r.id as resource_id, rl.time_zone as zone
    from app_public.sequence_rule q
    join app_public.resource r on r.tenant_id = q.tenant_id and r.id = any(resource_ids)
      and (q.resource_id is null or q.resource_id = r.id) and (q.resource_kind is null or q.resource_kind = r.kind)
    join app_public.location rl on rl.tenant_id = r.tenant_id and rl.id = r.location_id
    where q.tenant_id = svc.tenant_id and q.enabled and svc.id in (q.first_service_id, q.second_service_id)
  ),
  -- How bookings of the other service restrict this one: 'after' (this one follows them by the gap),
  -- 'before' (this one ends the gap before they start), 'day' (not on their local day).
  directions as (
    select id, name, resource_id, zone, first_service_id as other, 'after' as mode, gap_minutes from scoped where second_service_id = svc.id and not same_day
    union select id, name, resource_id, zone, second_service_id, 'before', gap_minutes from scoped where first_service_id = svc.id and not same_day
    union select id, name, resource_id, zone, second_service_id, 'after', gap_minutes from scoped where first_service_id = svc.id and both_directions and not same_day
    union select id, name, resource_id, zone, first_service_id, 'before', gap_minutes from scoped where second_service_id = svc.id and both_directions and not same_day
    union select id, name, resource_id, zone, first_service_id, 'day', null from scoped where second_service_id = svc.id and same_day
    union select id, name, resource_id, zone, second_service_id, 'day', null from scoped where first_service_id = svc.id and same_day
  ),
  merged as (
    select case when detailed or count(*) = 1 then (array_agg(d.id))[1] end as id,
           case when detailed or count(*) = 1 then (array_agg(d.name))[1] else 'Sequence rules' end as name,
           d.resource_id, d.zone, d.other, d.mode, max(d.gap_minutes) as gap_minutes
    from directions d
    group by d.resource_id, d.zone, d.other, d.mode, case when detailed then d.id end
  ),
  -- Each resource's bookings of the services the rules name, read once.
  others as materialized (
    select a.resource_id, a.service_id, a.starts_at, a.ends_at
    from app_public.booking_allocation a
    where a.tenant_id = svc.tenant_id and a.active
      and a.resource_id in (select m.resource_id from merged m)
      and a.busy && tstzrange(lower(reach) - make_interval(mins => coalesce((select max(m.gap_minutes) from merged m), 0)),
                              upper(reach) + make_interval(mins => coalesce((select max(m.gap_minutes) from merged m), 0)), '[)')
      and a.service_id in (select m.other from merged m)
      and a.booking_id is distinct from exclude_booking
  ),
  gaps as (
    select m.resource_id, case m.mode when 'day' then 'start' else 'appointment' end as applies,
           case m.mode
             when 'after' then tstzrange(o.ends_at, o.ends_at + make_interval(mins => m.gap_minutes), '[)')
             when 'before' then tstzrange(o.starts_at - make_interval(mins => m.gap_minutes), o.starts_at, '[)')
             else tstzrange(app_public.to_utc((o.starts_at at time zone m.zone)::date::timestamp, m.zone),
                            app_public.to_utc(((o.starts_at at time zone m.zone)::date + 1)::timestamp, m.zone), '[)')
           end as during,
           'RLGAP' as code, m.id as rule_id, m.name as rule_name
    from merged m
    join others o on o.resource_id = m.resource_id and o.service_id = m.other
  ),
  -- Materialised: the limits in scope of each resource first, then one count per such pair.
  resource_limits as materialized (
    select l.id, l.name, l.period, l.max_bookings, r.id as resource_id, rl.time_zone as zone,
           case l.period when 'day' then interval '1 day' else interval '7 days' end as length
    from app_public.booking_limit l
    join app_public.resource r on r.tenant_id = l.tenant_id and r.id = any(resource_ids)
      and (l.resource_id is null or l.resource_id = r.id) and (l.resource_kind is null or l.resource_kind = r.kind)
    join app_public.location rl on rl.tenant_id = r.tenant_id and rl.id = r.location_id
    where l.tenant_id = svc.tenant_id and l.enabled and l.kind = 'resource_bookings'
  ),
  resource_full as (
    select rl.resource_id, 'start' as applies,
           tstzrange(app_public.to_utc(c.p, rl.zone), app_public.to_utc(c.p + rl.length, rl.zone), '[)') as during,
           'RLLIM' as code, rl.id as rule_id, rl.name as rule_name
    from resource_limits rl
    cross join lateral (
      select date_trunc(rl.period::text, a.starts_at at time zone rl.zone) as p, count(*) as n
      from app_public.booking_allocation a
      where a.tenant_id = svc.tenant_id and a.resource_id = rl.resource_id and a.active
        and a.busy && tstzrange(lower(reach) - rl.length, upper(reach) + rl.length, '[)')
        and a.starts_at <@ tstzrange(lower(reach) - rl.length, upper(reach) + rl.length, '[)')
        and a.booking_id is distinct from exclude_booking
      group by 1
    ) c
    where c.n >= rl.max_bookings
  ),
  closed as (
    select null::uuid as resource_id, 'appointment' as applies, shut as during, 'RLHRS' as code, null::uuid as rule_id,
           'Opening hours of ' || l.name as rule_name
    from app_public.location l
    cross join lateral unnest(tstzmultirange(reach) - app_private.location_open_hours(l.tenant_id, l.id, reach)) shut
    where booking_level and l.tenant_id = svc.tenant_id and l.id = svc.location_id and jsonb_array_length(l.opening_hours) > 0
  ),
  customer_full as (
    select null::uuid as resource_id, 'start' as applies,
           tstzrange(app_public.to_utc(c.p, zone),
                     app_public.to_utc(c.p + case l.period when 'day' then interval '1 day' when 'week' then interval '7 days' else interval '1 month' end, zone), '[)') as during,
           'RLLIM' as code, l.id as rule_id, l.name as rule_name
    from app_public.booking_limit l
    cross join lateral (
      select date_trunc(l.period::text, b.starts_at at time zone zone) as p, count(*) as n
      from app_public.booking b
      where b.tenant_id = svc.tenant_id and b.customer_id = customer and b.status in ('pending_approval', 'confirmed')
        and (l.service_id is null or b.service_id = l.service_id)
        and b.starts_at <@ month_reach and b.id is distinct from exclude_booking
      group by 1
    ) c
    where booking_level and customer is not null and l.tenant_id = svc.tenant_id and l.enabled and l.kind = 'customer_bookings'
      and (l.service_id is null or l.service_id = svc.id) and c.n >= l.max_bookings
  ),
  concurrent as (
    select null::uuid as resource_id, 'appointment' as applies, x.during, 'RLLIM' as code, l.id as rule_id, l.name as rule_name
    from app_public.booking_limit l
    cross join lateral (
      with bk as (
        select b.starts_at as s, b.ends_at as e from app_public.booking b
        where b.tenant_id = svc.tenant_id and b.service_id = svc.id and b.status in ('pending_approval', 'confirmed')
          and b.starts_at < upper(reach) and b.ends_at > lower(reach) and b.id is distinct from exclude_booking
      ),
      points as (select s as p from bk union select e from bk),
      segments as (select p, lead(p) over (order by p) as q from points)
      -- Where at least max_bookings overlap: any appointment touching that time would be one too many.
      select tstzrange(g.p, g.q, '[)') as during from segments g
      where g.q is not null and (select count(*) from bk where bk.s <= g.p and bk.e >= g.q) >= l.max_bookings
    ) x
    where booking_level and l.tenant_id = svc.tenant_id and l.enabled and l.kind = 'concurrent_bookings' and l.service_id = svc.id
  ),
  blocks as (
    select * from gaps union all select * from resource_full union all select * from closed
    union all select * from customer_full union all select * from concurrent
  )
  select k.resource_id, k.applies, u.during, k.code, k.rule_id, k.rule_name
  from (select b.resource_id, b.applies, b.code, b.rule_id, b.rule_name, range_agg(b.during) as m
        from blocks b group by b.resource_id, b.applies, b.code, b.rule_id, b.rule_name) k
  cross join lateral unnest(k.m) u(during);
end;
$$;
comment on function app_private.rule_blocks(app_public.service, uuid[], uuid, tstzrange, uuid, boolean, boolean) is 'The times the business rules forbid for a booking of a service on resources (and, with booking_level, for the booking as a whole), around a window: per rule (detailed) or merged for search. One evaluation for search and writes; owner-only.';
revoke execute on function app_private.rule_blocks(app_public.service, uuid[], uuid, tstzrange, uuid, boolean, boolean) from public;

-- What the search reads: the caller's tenant only; customer limits when the caller is a customer.
create function app_private.search_rule_blocks(service_id uuid, resource_ids uuid[], search_window tstzrange, detailed boolean)
  returns jsonb language plpgsql stable security definer set search_path to pg_catalog, public as $$
#variable_conflict use_variable
declare
  svc app_public.service;
  customer uuid;
  result jsonb;
begin
  select s.* into svc from app_public.service s where s.tenant_id = app_public.current_tenant_id() and s.id = service_id;
  if svc.id is null then
    return '[]'::jsonb;
  end if;
  if current_setting('role', true) = 'app_customer' then
    select c.id into customer from app_public.customer c where c.tenant_id = svc.tenant_id and c.user_id = app_public.current_user_id();
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'resourceId', x.resource_id, 'applies', x.applies,
           'from', (extract(epoch from lower(x.during)) * 1000)::bigint, 'to', (extract(epoch from upper(x.during)) * 1000)::bigint,
           'code', case x.code when 'RLGAP' then 'GAP_RULE' when 'RLLIM' then 'LIMIT_REACHED' else 'LOCATION_CLOSED' end,
           'ruleId', x.rule_id, 'ruleName', x.rule_name) order by x.resource_id, lower(x.during)), '[]'::jsonb)
    into result
  from app_private.rule_blocks(svc, resource_ids, customer, search_window, null, true, detailed) x;
  return result;
end;
$$;
comment on function app_private.search_rule_blocks(uuid, uuid[], tstzrange, boolean) is 'rule_blocks of a service of the caller''s tenant as JSON for the search engine (customer limits only for a customer caller); detailed: one entry per rule.';
revoke execute on function app_private.search_rule_blocks(uuid, uuid[], tstzrange, boolean) from public;
grant execute on function app_private.search_rule_blocks(uuid, uuid[], tstzrange, boolean) to app_anonymous, app_customer, app_staff, app_admin;

-- Raises the first rule a booking breaks: on one resource (resource_id) or as a whole (null).
create function app_private.assert_rules(b app_public.booking, resource_id uuid) returns void
  language plpgsql stable set search_path to pg_catalog, public as $$
#variable_conflict use_variable
declare
  svc app_public.service;
  hit record;
  appointment tstzrange := tstzrange(b.starts_at, b.ends_at, '[)');
begin
  select s.* into svc from app_public.service s where s.tenant_id = b.tenant_id and s.id = b.service_id;
  -- Most bookings meet no rule at all: two index probes decide that without evaluating any.
  if resource_id is not null and not exists (
       select 1 from app_public.sequence_rule q where q.tenant_id = b.tenant_id and q.enabled and svc.id in (q.first_service_id, q.second_service_id))
     and not exists (select 1 from app_public.booking_limit l where l.tenant_id = b.tenant_id and l.enabled and l.kind = 'resource_bookings') then
    return;
  end if;
  if resource_id is null and not exists (
       select 1 from app_public.location l where l.tenant_id = b.tenant_id and l.id = svc.location_id and jsonb_array_length(l.opening_hours) > 0)
     and not exists (select 1 from app_public.booking_limit l where l.tenant_id = b.tenant_id and l.enabled and l.kind in ('customer_bookings', 'concurrent_bookings')) then
    return;
  end if;
  select x.* into hit
  from app_private.rule_blocks(svc, case when resource_id is null then '{}'::uuid[] else array[resource_id] end,
                               b.customer_id, tstzrange(b.starts_at, b.starts_at, '[]'), b.id, resource_id is null, true) x
  where x.resource_id is not distinct from resource_id
    and ((x.applies = 'start' and x.during @> b.starts_at) or (x.applies = 'appointment' and x.during && appointment))
  order by x.code desc, x.rule_name
  limit 1;
  if not found then
    return;
  end if;
  if hit.code = 'RLHRS' then
    raise exception 'The appointment % – % is outside the opening hours of the location', b.starts_at, b.ends_at
      using errcode = 'RLHRS', hint = 'Pick a time inside the opening hours, or add a location-wide "open" override.';
  elsif hit.code = 'RLGAP' then
    raise exception 'Rule "%" keeps % – % clear on this resource', hit.rule_name, lower(hit.during), upper(hit.during)
      using errcode = 'RLGAP', detail = hit.rule_id::text;
  else
    raise exception 'Limit "%" is reached for % – %', hit.rule_name, lower(hit.during), upper(hit.during)
      using errcode = 'RLLIM', detail = hit.rule_id::text;
  end if;
end;
$$;
comment on function app_private.assert_rules(app_public.booking, uuid) is 'RLGAP, RLLIM or RLHRS when a booking breaks a rule on a resource (or, with null, as a whole); the rule id is the DETAIL.';
revoke execute on function app_private.assert_rules(app_public.booking, uuid) from public;

-- The booking-level rules count a customer's or a service's bookings across resources: their own
-- advisory locks, only when such a limit exists (tenants without one pay nothing). Lock order on
-- every path: the booking row (when it exists), then customer and service, then resources in uuid
-- order; so a booking of several resources never waits for the customer while holding a resource.
create function app_private.lock_booking_level(tenant uuid, customer_id uuid, service_id uuid) returns void
  language plpgsql set search_path to pg_catalog as $$
#variable_conflict use_variable
begin
  if exists (select 1 from app_public.booking_limit l where l.tenant_id = tenant and l.enabled and l.kind = 'customer_bookings') then
    perform pg_advisory_xact_lock(hashtextextended(tenant::text || ':customer:' || customer_id::text, 0));
  end if;
  if exists (select 1 from app_public.booking_limit l where l.tenant_id = tenant and l.enabled and l.kind = 'concurrent_bookings' and l.service_id = service_id) then
    perform pg_advisory_xact_lock(hashtextextended(tenant::text || ':service:' || service_id::text, 0));
  end if;
end;
$$;
revoke execute on function app_private.lock_booking_level(uuid, uuid, uuid) from public;

-- Writes: the checks run in the writing transaction, under the booking path's advisory locks in its
-- order (customer and service, then resource), so two transactions that each pass alone cannot both
-- commit a violation, and none waits in the opposite order. BEFORE the row is written: a second
-- writer of the resource waits for the lock before its row enters the exclusion index, then sees the
-- first one's row (23P01 or the rule), instead of both waiting on each other's rows. Rows read after
-- a lock wait are current only in READ COMMITTED (a later snapshot per statement); stricter levels
-- are refused rather than trusted.
create function app_private.tg_booking_allocation__check_rules() returns trigger
  language plpgsql security definer set search_path to pg_catalog as $$
declare
  b app_public.booking;
begin
  if not new.active then
    return new;
  end if;
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'Bookings are written in READ COMMITTED transactions (rules are checked under locks)' using errcode = '55000';
  end if;
  select * into b from app_public.booking x where x.tenant_id = new.tenant_id and x.id = new.booking_id;
  perform app_private.lock_booking_level(b.tenant_id, b.customer_id, b.service_id);
  perform app_private.lock_resources(new.tenant_id, array[new.resource_id]);
  perform app_private.assert_rules(b, new.resource_id);
  perform app_private.assert_rules(b, null);
  return new;
end;
$$;
revoke execute on function app_private.tg_booking_allocation__check_rules() from public;
-- After _100_derive (triggers fire in name order), which sets busy and active.
create trigger _300_check_rules before insert or update on app_public.booking_allocation
  for each row execute function app_private.tg_booking_allocation__check_rules();

-- A booking's allocations are re-derived (and so re-checked) when anything its rules depend on changes.
drop trigger _200_sync_allocations on app_public.booking;
create trigger _200_sync_allocations after update of status, starts_at, ends_at, customer_id, service_id on app_public.booking
  for each row when (old.status is distinct from new.status or old.starts_at is distinct from new.starts_at or old.ends_at is distinct from new.ends_at
                     or old.customer_id is distinct from new.customer_id or old.service_id is distinct from new.service_id)
  execute function app_private.tg_booking__sync_allocations();

-- A booking without an active allocation holds no resource, but still counts for customer limits,
-- concurrency and opening hours: checked at commit (by then its allocations, if any, are in).
create function app_private.tg_booking__check_rules() returns trigger
  language plpgsql security definer set search_path to pg_catalog as $$
declare
  b app_public.booking;
begin
  select * into b from app_public.booking x where x.tenant_id = new.tenant_id and x.id = new.id;
  if b.id is null or b.status not in ('pending_approval', 'confirmed')
     or exists (select 1 from app_public.booking_allocation a where a.tenant_id = b.tenant_id and a.booking_id = b.id and a.active) then
    return null;
  end if;
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'Bookings are written in READ COMMITTED transactions (rules are checked under locks)' using errcode = '55000';
  end if;
  perform app_private.lock_booking_level(b.tenant_id, b.customer_id, b.service_id);
  perform app_private.assert_rules(b, null);
  return null;
end;
$$;
revoke execute on function app_private.tg_booking__check_rules() from public;
create constraint trigger _300_check_rules after insert or update of status, starts_at, ends_at, customer_id, service_id on app_public.booking
  deferrable initially deferred
  for each row when (new.status in ('pending_approval', 'confirmed')) execute function app_private.tg_booking__check_rules();

--------------------------------------------------------------------------------------------------
-- Approval
--------------------------------------------------------------------------------------------------

create function app_private.tg_booking__approval() returns trigger
  language plpgsql security definer set search_path to pg_catalog as $$
begin
  if new.status = 'pending_approval' and new.approval_expires_at is null then
    select now() + make_interval(mins => t.approval_timeout_minutes) into new.approval_expires_at
    from app_public.tenant t where t.id = new.tenant_id;
  end if;
  return new;
end;
$$;
revoke execute on function app_private.tg_booking__approval() from public;
create trigger _110_approval before insert or update of status on app_public.booking
  for each row execute function app_private.tg_booking__approval();

-- Every way a booking becomes pending (API or direct write) starts its timer.
create function app_private.tg_booking__approval_timer() returns trigger
  language plpgsql security definer set search_path to pg_catalog as $$
begin
  perform app_private.enqueue_job('approval__expire', json_build_object('tenantId', new.tenant_id, 'bookingId', new.id),
                                  new.approval_expires_at, 'approval:' || new.id::text);
  return null;
end;
$$;
revoke execute on function app_private.tg_booking__approval_timer() from public;
create trigger _310_approval_timer after insert or update of status, approval_expires_at on app_public.booking
  for each row when (new.status = 'pending_approval') execute function app_private.tg_booking__approval_timer();

-- Approve (true) or decline (false) a pending booking: staff and admins of the tenant, or the owner of
-- one of its resources.
create function app_private.decide_booking(booking_id uuid, approve boolean, note text) returns app_public.booking
  language plpgsql security definer set search_path to pg_catalog, public as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  b app_public.booking;
  ids uuid[];
  owner_ok boolean;
begin
  select * into b from app_public.booking x where x.tenant_id = tenant and x.id = booking_id;
  ids := array(select a.resource_id from app_public.booking_allocation a where a.tenant_id = tenant and a.booking_id = booking_id);
  owner_ok := exists (select 1 from app_public.resource r where r.tenant_id = tenant and r.id = any(ids)
                      and r.owner_user_id is not null and r.owner_user_id = app_public.current_user_id());
  if b.id is null or not (current_setting('role', true) in ('app_staff', 'app_admin') or owner_ok) then
    raise exception 'No booking % that you may approve', booking_id using errcode = 'BKGUK';
  end if;
  select * into b from app_public.booking x where x.tenant_id = tenant and x.id = booking_id for update;
  -- Under the row lock: a move committed while we waited changed the resources.
  ids := array(select a.resource_id from app_public.booking_allocation a where a.tenant_id = tenant and a.booking_id = booking_id);
  perform app_private.lock_booking_level(tenant, b.customer_id, b.service_id);
  perform app_private.lock_resources(tenant, ids);
  if b.status <> 'pending_approval' then
    raise exception 'Booking % is %, not pending approval', booking_id, b.status using errcode = 'BKGNP';
  end if;
  update app_public.booking x
  set status = case when approve then 'confirmed' else 'declined' end::app_public.booking_status,
      decided_by = (select u.id from app_public.app_user u where u.id = app_public.current_user_id()),
      decided_at = now(), decision_note = note
  where x.tenant_id = tenant and x.id = booking_id
  returning * into b;
  perform app_private.enqueue_job(case when approve then 'booking__confirmed' else 'booking__declined' end,
                                  json_build_object('tenantId', tenant, 'bookingId', booking_id));
  return b;
end;
$$;
comment on function app_private.decide_booking(uuid, boolean, text) is 'Approves or declines a pending booking (staff, admins, or an owner of one of its resources). BKGUK if not yours to decide, BKGNP if not pending.';
revoke execute on function app_private.decide_booking(uuid, boolean, text) from public;
grant execute on function app_private.decide_booking(uuid, boolean, text) to app_customer, app_staff, app_admin;

-- Worker: declines every booking whose approval time ran out; returns how many.
create function app_private.expire_approvals() returns integer
  language plpgsql security definer set search_path to pg_catalog, public as $$
declare
  expired record;
  n integer := 0;
begin
  for expired in
    select b.tenant_id, b.id from app_public.booking b
    where b.status = 'pending_approval' and b.approval_expires_at <= now()
    order by b.approval_expires_at
    for update skip locked
  loop
    update app_public.booking x set status = 'declined', decided_at = now(),
      decision_note = 'No decision before ' || to_char(x.approval_expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
    where x.tenant_id = expired.tenant_id and x.id = expired.id;
    perform app_private.enqueue_job('booking__declined', json_build_object('tenantId', expired.tenant_id, 'bookingId', expired.id));
    n := n + 1;
  end loop;
  return n;
end;
$$;
comment on function app_private.expire_approvals() is 'Declines bookings still pending approval past approval_expires_at (all tenants; owner-only, run by the worker).';
revoke execute on function app_private.expire_approvals() from public;

--------------------------------------------------------------------------------------------------
-- The booking path, with approval, cut-offs and rule errors
--------------------------------------------------------------------------------------------------

-- What a booking's resources must be, wherever they come from (book, reschedule): distinct, each a
-- candidate of the requirement it fills, and every required requirement filled.
create function app_private.assert_resources_fill(svc app_public.service, resources jsonb) returns void
  language plpgsql stable set search_path to pg_catalog, public as $$
declare
  ids uuid[] := array(select (x->>'resourceId')::uuid from jsonb_array_elements(resources) x);
begin
  if cardinality(ids) = 0 or cardinality(ids) <> (select count(distinct i) from unnest(ids) i) then
    raise exception 'A booking needs distinct resources' using errcode = 'NOTOF', detail = 'resources';
  end if;
  if exists (
    select 1 from jsonb_array_elements(resources) x
    where not exists (select 1 from app_public.service_requirement q
                      cross join lateral app_public.requirement_candidates(q.id) c
                      where q.tenant_id = svc.tenant_id and q.service_id = svc.id and q.id = (x->>'requirementId')::uuid
                        and c.resource_id = (x->>'resourceId')::uuid)) then
    raise exception 'A resource does not match the requirement it is booked for' using errcode = 'NOTOF', detail = 'resources';
  end if;
  if exists (select 1 from app_public.service_requirement q
             where q.tenant_id = svc.tenant_id and q.service_id = svc.id and q.required
               and q.quantity > (select count(*) from jsonb_array_elements(resources) x where (x->>'requirementId')::uuid = q.id)) then
    raise exception 'Not every required resource of "%" is booked', svc.name using errcode = 'NOTOF', detail = 'resources';
  end if;
end;
$$;
comment on function app_private.assert_resources_fill(app_public.service, jsonb) is 'NOTOF unless the resources are distinct candidates filling every required requirement of the service.';
revoke execute on function app_private.assert_resources_fill(app_public.service, jsonb) from public;

-- Now also returns the status (pending_approval or confirmed): a new return type needs a new function.
drop function app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean);
create function app_private.book(service_id uuid, starts_at timestamptz, resources jsonb, customer jsonb, idempotency_key text,
                                 notes text, display_time_zone text, hold_token uuid, postgres_hold boolean)
  returns table (booking_id uuid, replayed boolean, status app_public.booking_status)
  language plpgsql security definer set search_path to pg_catalog, public as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  -- current_user is the owner inside SECURITY DEFINER; the caller's role is the `role` setting.
  staff boolean := current_setting('role', true) in ('app_staff', 'app_admin');
  svc app_public.service;
  existing uuid;
  customer_id uuid;
  new_booking uuid;
  ids uuid[];
  hold_expiry timestamptz;
  new_status app_public.booking_status;
begin
  if tenant is null then
    raise exception 'No tenant for this request' using errcode = '42501';
  end if;
  if not staff and hold_token is null then
    raise exception 'Customers book through a hold (placeHold, then confirmBooking)' using errcode = '42501';
  end if;
  if idempotency_key is not null then
    perform pg_advisory_xact_lock(hashtextextended(tenant::text || ':idempotency:' || idempotency_key, 0));
    select b.id, b.status into existing, new_status from app_public.booking b where b.tenant_id = tenant and b.idempotency_key = book.idempotency_key;
    if found then
      return query select existing, true, new_status;
      return;
    end if;
  end if;
  select s.* into svc from app_public.service s where s.tenant_id = tenant and s.id = service_id and s.active;
  if not found then
    raise exception 'No bookable service % in this tenant', service_id using errcode = 'SVCUK';
  end if;
  ids := array(select (x->>'resourceId')::uuid from jsonb_array_elements(resources) x);
  perform app_private.assert_resources_fill(svc, resources);
  -- The customer first: lock order is customer and service, then resources (lock_booking_level).
  if customer ? 'id' then
    if not staff then
      raise exception 'Only staff book for an existing customer record' using errcode = '42501';
    end if;
    select c.id into customer_id from app_public.customer c where c.tenant_id = tenant and c.id = (customer->>'id')::uuid;
    if customer_id is null then
      raise exception 'Customer % does not exist in this tenant', customer->>'id' using errcode = '23503';
    end if;
  else
    insert into app_public.customer (tenant_id, name, email, phone, preferred_time_zone)
    values (tenant, customer->>'name', nullif(customer->>'email', ''), nullif(customer->>'phone', ''), nullif(customer->>'timeZone', ''))
    on conflict (tenant_id, email) do update set name = excluded.name,
      phone = coalesce(excluded.phone, app_public.customer.phone),
      preferred_time_zone = coalesce(excluded.preferred_time_zone, app_public.customer.preferred_time_zone)
    returning id into customer_id;
  end if;
  perform app_private.lock_booking_level(tenant, customer_id, svc.id);
  perform app_private.lock_resources(tenant, ids);
  if postgres_hold and hold_token is not null then
    select min(h.expires_at) into hold_expiry from app_private.hold h where h.tenant_id = tenant and h.token = hold_token;
    if hold_expiry is null then
      raise exception 'The hold expired or does not exist' using errcode = 'HLDEX';
    end if;
    if exists (select 1 from app_private.hold h where h.tenant_id = tenant and h.token = hold_token
               and (h.starts_at <> book.starts_at or h.service_id <> svc.id or not (h.resource_id = any(ids)))) then
      raise exception 'The booking does not match its hold' using errcode = 'HLDEX';
    end if;
  end if;
  if postgres_hold and exists (
      select 1 from app_private.hold h
      join app_public.resource r on r.tenant_id = h.tenant_id and r.id = h.resource_id
      where h.tenant_id = tenant and h.resource_id = any(ids) and h.expires_at > now()
        and h.token is distinct from hold_token
        and h.busy && tstzrange(book.starts_at - make_interval(mins => svc.buffer_before_minutes + r.buffer_before_minutes),
                                book.starts_at + make_interval(mins => svc.duration_minutes + svc.buffer_after_minutes + r.buffer_after_minutes), '[)')) then
    raise exception 'The time is held by someone else' using errcode = 'SLTKN';
  end if;
  perform app_private.assert_bookable(svc, starts_at, resources);

  -- Staff are approvers: what they book is confirmed. Customers wait when the service or a resource asks for approval.
  new_status := case when not staff and (svc.requires_approval or exists (
                  select 1 from app_public.resource r where r.tenant_id = tenant and r.id = any(ids) and r.requires_approval))
                then 'pending_approval' else 'confirmed' end;
  insert into app_public.booking (tenant_id, service_id, customer_id, status, starts_at, display_time_zone, idempotency_key, created_by, notes)
  values (tenant, svc.id, customer_id, new_status, starts_at, display_time_zone, idempotency_key,
          (select u.id from app_public.app_user u where u.id = app_public.current_user_id()), notes)
  returning id into new_booking;
  insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id)
  select tenant, new_booking, (x->>'resourceId')::uuid, (x->>'requirementId')::uuid from jsonb_array_elements(resources) x;
  perform app_private.enqueue_job(case new_status when 'confirmed' then 'booking__confirmed' else 'booking__requested' end,
                                  json_build_object('tenantId', tenant, 'bookingId', new_booking));
  if postgres_hold and hold_token is not null then
    delete from app_private.hold h where h.tenant_id = tenant and h.token = hold_token;
  end if;
  return query select new_booking, false, new_status;
exception
  when exclusion_violation then
    raise exception 'The time was taken by another booking' using errcode = 'SLTKN';
end;
$$;
revoke execute on function app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean) from public;
grant execute on function app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean) to app_anonymous, app_customer, app_staff, app_admin;
comment on function app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean) is 'The one booking transaction: idempotency, resource locks, hold, validation, customer, booking (pending_approval when a customer books something that needs approval), allocations, job. SLTKN/HLDEX/NOTOF, or RLGAP/RLLIM/RLHRS from the rule triggers.';

create or replace function app_private.cancel_booking(booking_id uuid, reason text) returns uuid
  language plpgsql security definer set search_path to pg_catalog, public as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  staff boolean := current_setting('role', true) in ('app_staff', 'app_admin');
  b app_public.booking;
  cutoff integer;
begin
  select * into b from app_public.booking x where x.tenant_id = tenant and x.id = booking_id for update;
  if not found or not (staff or exists (select 1 from app_public.customer c where c.tenant_id = tenant and c.id = b.customer_id and c.user_id = app_public.current_user_id())) then
    raise exception 'No booking % that you may change', booking_id using errcode = 'BKGUK';
  end if;
  if b.status in ('pending_approval', 'confirmed') then
    select s.cancel_cutoff_minutes into cutoff from app_public.service s where s.tenant_id = tenant and s.id = b.service_id;
    if not staff and b.starts_at - make_interval(mins => cutoff) < now() then
      raise exception 'Bookings of this service can be cancelled until % minutes before the start', cutoff
        using errcode = 'RLCUT', hint = 'Contact the location; staff can still cancel it.';
    end if;
    update app_public.booking x set status = 'cancelled', notes = concat_ws(E'\n', x.notes, 'Cancelled: ' || reason)
    where x.tenant_id = tenant and x.id = booking_id;
    perform app_private.enqueue_job('booking__cancelled', json_build_object('tenantId', tenant, 'bookingId', booking_id));
  end if;
  return booking_id;
end;
$$;
comment on function app_private.cancel_booking(uuid, text) is 'Cancels a booking (staff, or the customer who owns it until the service''s cancellation cut-off: RLCUT); frees its resources. BKGUK if not visible.';

create or replace function app_private.reschedule_booking(booking_id uuid, starts_at timestamptz, resources jsonb) returns uuid
  language plpgsql security definer set search_path to pg_catalog, public as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  staff boolean := current_setting('role', true) in ('app_staff', 'app_admin');
  b app_public.booking;
  svc app_public.service;
  old_ids uuid[];
  new_ids uuid[] := array(select (x->>'resourceId')::uuid from jsonb_array_elements(resources) x);
begin
  select * into b from app_public.booking x where x.tenant_id = tenant and x.id = booking_id for update;
  if not found or b.status not in ('pending_approval', 'confirmed')
     or not (staff or (current_setting('role', true) = 'app_customer' and exists (
               select 1 from app_public.customer c where c.tenant_id = tenant and c.id = b.customer_id and c.user_id = app_public.current_user_id()))) then
    raise exception 'No active booking % that you may change', booking_id using errcode = 'BKGUK';
  end if;
  select * into svc from app_public.service s where s.tenant_id = tenant and s.id = b.service_id;
  if not staff and b.starts_at - make_interval(mins => svc.reschedule_cutoff_minutes) < now() then
    raise exception 'Bookings of this service can be rescheduled until % minutes before the start', svc.reschedule_cutoff_minutes
      using errcode = 'RLCUT', hint = 'Contact the location; staff can still move it.';
  end if;
  perform app_private.assert_resources_fill(svc, resources);
  old_ids := array(select a.resource_id from app_public.booking_allocation a where a.tenant_id = tenant and a.booking_id = b.id);
  perform app_private.lock_booking_level(tenant, b.customer_id, svc.id);
  perform app_private.lock_resources(tenant, old_ids || new_ids);
  delete from app_public.booking_allocation a where a.tenant_id = tenant and a.booking_id = b.id;
  perform app_private.assert_bookable(svc, starts_at, resources);
  -- A customer's move of something that needs approval needs it again (the approver agreed to a time
  -- and resources, not to any).
  update app_public.booking x set starts_at = reschedule_booking.starts_at, ends_at = reschedule_booking.starts_at + make_interval(mins => svc.duration_minutes),
    status = case when not staff and (svc.requires_approval or exists (
               select 1 from app_public.resource r where r.tenant_id = tenant and r.id = any(new_ids) and r.requires_approval))
             then 'pending_approval' else x.status end,
    approval_expires_at = case when not staff and x.status <> 'pending_approval' then null else x.approval_expires_at end
  where x.tenant_id = tenant and x.id = b.id
  returning * into b;
  if b.status = 'pending_approval' and b.decided_at is not null then
    -- Waiting again: the earlier decision was about the old time.
    update app_public.booking x set decided_by = null, decided_at = null, decision_note = null where x.tenant_id = tenant and x.id = b.id;
  end if;
  insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id)
  select tenant, b.id, (x->>'resourceId')::uuid, (x->>'requirementId')::uuid from jsonb_array_elements(resources) x;
  perform app_private.enqueue_job('booking__rescheduled', json_build_object('tenantId', tenant, 'bookingId', b.id));
  return b.id;
exception
  when exclusion_violation then
    raise exception 'The new time was taken by another booking' using errcode = 'SLTKN';
end;
$$;
comment on function app_private.reschedule_booking(uuid, timestamptz, jsonb) is 'Moves a booking to a new start and resources in one transaction (staff, or its customer until the reschedule cut-off: RLCUT); SLTKN/NOTOF/RLGAP/RLLIM/RLHRS leave it unchanged.';
grant execute on function app_private.reschedule_booking(uuid, timestamptz, jsonb) to app_customer;

-- Series instances that break a rule are recorded as conflicts, like taken ones.
create or replace function app_private.materialise_series(series_id uuid, instances jsonb, skip_conflicts boolean, tzdata_version text)
  returns jsonb language plpgsql security definer set search_path to pg_catalog, public as $$
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
  perform app_private.lock_booking_level(tenant, s.customer_id, svc.id);
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
      when sqlstate 'SLTKN' or sqlstate 'NOTOF' or sqlstate 'RLGAP' or sqlstate 'RLLIM' or sqlstate 'RLHRS' or exclusion_violation then
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

--------------------------------------------------------------------------------------------------
-- Search and explanation read the same rules
--------------------------------------------------------------------------------------------------

-- The two context readers below share these (they were written out in both).
create function app_hidden.free_json(resource_ids uuid[], search_window tstzrange) returns jsonb
  language sql stable set search_path to pg_catalog as $$
  select coalesce(jsonb_object_agg(g.resource_id, g.intervals), '{}'::jsonb)
  from (
    select f.resource_id,
           jsonb_agg(jsonb_build_array((extract(epoch from lower(f.free)) * 1000)::bigint, (extract(epoch from upper(f.free)) * 1000)::bigint)
                     order by lower(f.free)) as intervals
    from app_private.free_intervals(resource_ids, search_window) f
    group by f.resource_id
  ) g;
$$;
comment on function app_hidden.free_json(uuid[], tstzrange) is 'free_intervals as JSON: {resourceId: [[fromMs, toMs], ...]}.';
revoke execute on function app_hidden.free_json(uuid[], tstzrange) from public;
grant execute on function app_hidden.free_json(uuid[], tstzrange) to app_anonymous, app_customer, app_staff, app_admin;

create function app_hidden.service_json(svc app_public.service) returns jsonb
  language sql immutable set search_path to pg_catalog as $$
  select jsonb_build_object('id', svc.id, 'name', svc.name, 'durationMinutes', svc.duration_minutes,
    'bufferBeforeMinutes', svc.buffer_before_minutes, 'bufferAfterMinutes', svc.buffer_after_minutes,
    'minNoticeMinutes', svc.min_notice_minutes, 'maxAdvanceDays', svc.max_advance_days, 'slotStepMinutes', svc.slot_step_minutes,
    'locationId', svc.location_id);
$$;
comment on function app_hidden.service_json(app_public.service) is 'What the slot engine needs of a service, as JSON.';
revoke execute on function app_hidden.service_json(app_public.service) from public;
grant execute on function app_hidden.service_json(app_public.service) to app_anonymous, app_customer, app_staff, app_admin;

-- detailed: rule blocks one per rule (for booking decisions, which name the rule), else merged (search).
drop function if exists app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid);
drop function if exists app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid, boolean);
create function app_hidden.slot_search_context(service_id uuid, search_from timestamptz, search_to timestamptz,
                                               display_time_zone text default null, location_id uuid default null, detailed boolean default false)
  returns jsonb language plpgsql stable set search_path to pg_catalog as $$
#variable_conflict use_variable
declare
  search_window tstzrange := tstzrange(search_from, search_to, '[)'); -- 22000 when reversed
  svc app_public.service;
  zone text;
  requirements jsonb;
  candidate_ids uuid[];
  margin interval;
  free jsonb;
begin
  perform app_private.assert_search_window(search_window);
  select s.* into svc from app_public.service s where s.id = service_id and s.active;
  if svc.id is null then
    raise exception 'No bookable service % in this tenant', service_id using errcode = 'SVCUK';
  end if;
  if location_id is not null and location_id <> svc.location_id then
    raise exception 'Service "%" is not offered at location %', svc.name, location_id using errcode = 'SVCUK';
  end if;
  if display_time_zone is not null then
    perform app_hidden.assert_time_zone(display_time_zone);
  end if;
  select l.time_zone into zone from app_public.location l where l.tenant_id = svc.tenant_id and l.id = svc.location_id;
  requirements := app_hidden.search_requirements(svc);
  select array_agg(distinct (c->>'resourceId')::uuid) into candidate_ids
  from jsonb_array_elements(requirements) q, jsonb_array_elements(q->'candidates') c;
  -- Free time around the window, exactly as far as a start near an edge reaches: its appointment plus
  -- the service's and the largest candidate buffers.
  select make_interval(mins => svc.duration_minutes + svc.buffer_before_minutes + svc.buffer_after_minutes
           + coalesce(max(greatest((c->>'bufferBeforeMinutes')::int, (c->>'bufferAfterMinutes')::int)), 0))
    into margin
  from jsonb_array_elements(requirements) q, jsonb_array_elements(q->'candidates') c;
  free := app_hidden.free_json(candidate_ids, tstzrange(search_from - margin, search_to + margin, '[)'));
  return jsonb_build_object(
    'now', (extract(epoch from now()) * 1000)::bigint,
    'service', app_hidden.service_json(svc),
    'locationTimeZone', zone,
    'displayTimeZone', coalesce(display_time_zone, zone),
    'requirements', requirements,
    'free', free,
    'blocks', app_private.search_rule_blocks(svc.id, candidate_ids, search_window, detailed));
end;
$$;
comment on function app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid, boolean) is 'Everything the availableSlots engine needs for one search, as JSON, in one call (free time and business-rule blocks). Raises WINUB, WINLG, SVCUK, TZINV, NOCND, or 22000 for a reversed window.';
revoke execute on function app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid, boolean) from public;
grant execute on function app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid, boolean) to app_anonymous, app_customer, app_staff, app_admin;

create or replace function app_hidden.slot_explain_context(service_id uuid, start_at timestamptz, display_time_zone text default null)
  returns jsonb language plpgsql stable set search_path to pg_catalog as $$
#variable_conflict use_variable
declare
  svc app_public.service;
  zone text;
  requirements jsonb;
  candidate_ids uuid[];
  around tstzrange;
  layers jsonb;
  free jsonb;
begin
  select s.* into svc from app_public.service s where s.id = service_id and s.active;
  if svc.id is null then
    raise exception 'No bookable service % in this tenant', service_id using errcode = 'SVCUK';
  end if;
  if display_time_zone is not null then
    perform app_hidden.assert_time_zone(display_time_zone);
  end if;
  select l.time_zone into zone from app_public.location l where l.tenant_id = svc.tenant_id and l.id = svc.location_id;
  requirements := app_hidden.search_requirements(svc);
  select array_agg(distinct (c->>'resourceId')::uuid) into candidate_ids
  from jsonb_array_elements(requirements) q, jsonb_array_elements(q->'candidates') c;
  around := tstzrange(start_at - interval '1 day', start_at + make_interval(mins => svc.duration_minutes) + interval '1 day', '[)');
  select coalesce(jsonb_agg(jsonb_build_object('resourceId', l.resource_id, 'layer', l.layer,
           'from', (extract(epoch from lower(l.during)) * 1000)::bigint, 'to', (extract(epoch from upper(l.during)) * 1000)::bigint,
           'reason', l.reason) order by l.resource_id, lower(l.during)), '[]'::jsonb)
    into layers
  from app_private.availability_layers(candidate_ids, around) l;
  free := app_hidden.free_json(candidate_ids, around);
  return jsonb_build_object(
    'now', (extract(epoch from now()) * 1000)::bigint,
    'service', app_hidden.service_json(svc),
    'locationTimeZone', zone,
    'displayTimeZone', coalesce(display_time_zone, zone),
    'requirements', requirements,
    'free', free,
    'layers', layers,
    'blocks', app_private.search_rule_blocks(svc.id, candidate_ids, tstzrange(start_at, start_at, '[]'), true));
end;
$$;

-- The single-resource SQL search applies the same rules.
create or replace function app_public.available_slots(service_id uuid, during tstzrange)
 RETURNS TABLE(start_at timestamp with time zone, end_at timestamp with time zone, resource_id uuid)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog'
AS $$
#variable_conflict use_column
declare
  svc app_public.service;
  zone text;
  req app_public.service_requirement;
  required_count integer;
  window_ tstzrange;
begin
  perform app_private.assert_search_window(during);
  select s.* into svc from app_public.service s where s.id = available_slots.service_id and s.active;
  if svc.id is null then
    raise exception 'No bookable service % in this tenant', service_id using errcode = 'SVCUK';
  end if;
  select count(*) into required_count from app_public.service_requirement q where q.tenant_id = svc.tenant_id and q.service_id = svc.id and q.required;
  select q.* into req from app_public.service_requirement q where q.tenant_id = svc.tenant_id and q.service_id = svc.id and q.required;
  if required_count <> 1 or req.quantity <> 1 then
    raise exception 'Service "%" needs % required resources; available_slots handles one', svc.name, required_count
      using errcode = 'SVCMR', hint = 'Use the availableSlots API, which searches multi-resource services.';
  end if;
  select l.time_zone into zone from app_public.location l where l.tenant_id = svc.tenant_id and l.id = svc.location_id;
  window_ := during * tstzrange(now() + make_interval(mins => svc.min_notice_minutes), now() + make_interval(days => svc.max_advance_days), '[]');
  if isempty(window_) then
    return;
  end if;
  return query
  with candidates as (
    select c.resource_id, c.weight, r.name, r.buffer_before_minutes as rb, r.buffer_after_minutes as ra
    from app_public.requirement_candidates(req.id) c
    join app_public.resource r on r.id = c.resource_id
  ),
  free as (
    select f.resource_id, f.free
    from app_private.free_intervals(array(select resource_id from candidates),
      tstzrange(lower(window_) - interval '1 day', upper(window_) + make_interval(mins => svc.duration_minutes) + interval '1 day', '[)')) f
  ),
  starts as (
    -- The wall-clock grid of each local day, read with to_utc (gap times shift, repeated times once).
    select distinct app_public.to_utc(day + make_interval(mins => k * svc.slot_step_minutes), zone) as start_at
    from generate_series((lower(window_) at time zone zone)::date::timestamp, (upper(window_) at time zone zone)::date::timestamp, interval '1 day') day
    cross join generate_series(0, (1439 / svc.slot_step_minutes)) k
  ),
  blocks as (
    -- The business rules, as the multi-resource search reads them.
    select (k->>'resourceId')::uuid as resource_id, k->>'applies' as applies,
           tstzrange(to_timestamp((k->>'from')::bigint / 1000.0), to_timestamp((k->>'to')::bigint / 1000.0), '[)') as during
    from jsonb_array_elements(app_private.search_rule_blocks(svc.id, array(select resource_id from candidates), window_, false)) k
  ),
  fits as (
    select s.start_at, c.resource_id, c.weight, c.name
    from starts s
    cross join candidates c
    join free f on f.resource_id = c.resource_id
      and f.free @> tstzrange(s.start_at - make_interval(mins => svc.buffer_before_minutes + c.rb),
                              s.start_at + make_interval(mins => svc.duration_minutes + svc.buffer_after_minutes + c.ra), '[)')
    where s.start_at <@ window_
      and not exists (select 1 from blocks k
                      where (k.resource_id is null or k.resource_id = c.resource_id)
                        and ((k.applies = 'start' and k.during @> s.start_at)
                          or (k.applies = 'appointment' and k.during && tstzrange(s.start_at, s.start_at + make_interval(mins => svc.duration_minutes), '[)'))))
  )
  select distinct on (fits.start_at) fits.start_at, fits.start_at + make_interval(mins => svc.duration_minutes), fits.resource_id
  from fits
  order by fits.start_at, fits.weight desc, fits.name, fits.resource_id;
end;
$$;

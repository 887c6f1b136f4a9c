--! Previous: sha1:bb92108540490903ec5478c93dff8d51f5a64a1c
--! Hash: sha1:1e4ae75c6d4fe6eb2af6353e2eea0cbfce486dde
--! Message: scheduling domain

-- 000002: the scheduling domain. Working patterns and overrides, service requirements, users and
-- memberships with password login, customers, bookings with Postgres-enforced non-overlap, the BI
-- role's tenant scope, and the SQL time and availability functions (to_utc, local_time,
-- resource_free_intervals, available_slots). See docs/schema.md for a tour.

--------------------------------------------------------------------------------------------------
-- Cleanup, so this file can be re-run while it is current.sql.
drop function if exists app_public.available_slots(uuid, tstzrange) cascade;
drop function if exists app_public.resource_free_intervals(uuid, tstzrange) cascade;
drop function if exists app_private.free_intervals(uuid[], tstzrange) cascade;
drop function if exists app_public.local_time(timestamptz, text) cascade;
drop type if exists app_public.zoned_time cascade;
drop function if exists app_public.to_utc(timestamp, text) cascade;
drop function if exists app_public.requirement_candidates(uuid) cascade;
drop function if exists app_public.resource_effective_time_zone(app_public.resource) cascade;
drop function if exists app_private.resource_time_zone(uuid, uuid) cascade;
drop function if exists app_private.authenticate(text, text, text) cascade;
drop function if exists app_private.set_password(uuid, text) cascade;
drop function if exists app_private.tenant_id_by_slug(text) cascade;
drop function if exists app_private.bi_tenant_id() cascade;
drop function if exists app_private.assert_search_window(tstzrange) cascade;
drop function if exists app_private.allocation_busy(uuid, uuid, uuid) cascade;
drop function if exists app_private.tg_availability_template__fill_zone() cascade;
drop function if exists app_private.tg_availability_override__resolve_local() cascade;
drop function if exists app_private.tg_booking__defaults() cascade;
drop function if exists app_private.tg_booking_allocation__derive() cascade;
drop function if exists app_private.tg_booking__sync_allocations() cascade;
drop policy if exists "BI reads its tenant" on app_public.tenant;
drop policy if exists "BI reads its tenant's locations" on app_public.location;
drop policy if exists "BI reads its tenant's resources" on app_public.resource;
drop policy if exists "BI reads its tenant's services" on app_public.service;
drop table if exists app_public.booking_allocation cascade;
drop table if exists app_public.booking cascade;
drop table if exists app_public.customer cascade;
drop table if exists app_public.membership cascade;
drop table if exists app_private.user_secret cascade;
drop table if exists app_public.app_user cascade;
drop table if exists app_public.requirement_preference cascade;
drop table if exists app_public.service_requirement cascade;
drop table if exists app_public.availability_override cascade;
drop table if exists app_public.availability_template cascade;
drop table if exists app_private.bi_login cascade;
drop type if exists app_public.booking_status cascade;
drop type if exists app_public.membership_role cascade;
drop type if exists app_public.override_kind cascade;
alter table app_public.tenant drop column if exists max_search_days;
alter table app_public.resource drop column if exists buffer_before_minutes, drop column if exists buffer_after_minutes;
alter table app_public.service drop column if exists min_notice_minutes, drop column if exists max_advance_days,
  drop column if exists slot_step_minutes;

--------------------------------------------------------------------------------------------------
-- app_private holds secrets and SECURITY DEFINER entry points. API roles may use the schema and
-- execute exactly the entry points granted below; no table in it is granted to them (pgTAP checks
-- the allow-list).
grant usage on schema app_private to app_anonymous, app_customer, app_staff, app_admin, app_bi;

-- Tenant lookup by slug moves into app_private (SECURITY DEFINER functions live there);
-- current_tenant_id() becomes an ordinary function that calls it.
create function app_private.tenant_id_by_slug(tenant_slug text) returns uuid
  language sql stable security definer
  set search_path = pg_catalog, public
as $$
  select id from app_public.tenant where slug = tenant_slug::citext;
$$;
comment on function app_private.tenant_id_by_slug(text) is 'The id of the tenant with this slug (definer: reads the whole registry), or null.';
grant execute on function app_private.tenant_id_by_slug(text) to app_anonymous, app_customer, app_staff, app_admin, app_bi;

-- BI tools log in with their own roles (members of app_bi). They run arbitrary SQL and could set any
-- setting, so their tenant comes from the login itself: app_private.bi_login maps session_user.
create table app_private.bi_login (
  role_name name primary key,
  tenant_id uuid not null references app_public.tenant on delete cascade
);
comment on table app_private.bi_login is 'Which tenant a BI login role (member of app_bi) may read. Owner-managed.';

create function app_private.bi_tenant_id() returns uuid
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select tenant_id from app_private.bi_login where role_name = session_user;
$$;
comment on function app_private.bi_tenant_id() is 'The tenant of the BI login role of this session (session_user cannot be changed by the session).';
grant execute on function app_private.bi_tenant_id() to app_bi;

create or replace function app_public.current_tenant_id() returns uuid
  language plpgsql stable security invoker
  set search_path = pg_catalog
as $$
declare
  claim text := nullif(current_setting('jwt.claims.tenant_id', true), '');
  requested_slug text := nullif(current_setting('app.tenant_slug', true), '');
  found uuid;
begin
  if claim is not null then
    return claim::uuid;
  end if;
  if requested_slug is null then
    return null;
  end if;
  found := app_private.tenant_id_by_slug(requested_slug);
  if found is null then
    raise exception 'Unknown tenant "%"', requested_slug using errcode = 'TNTUN';
  end if;
  return found;
end;
$$;
comment on function app_public.current_tenant_id() is
  'The tenant of this request: the JWT claim tenant_id, else the tenant named by the X-Tenant slug (TNTUN if unknown), else null.';

--------------------------------------------------------------------------------------------------
-- Tenant settings.
alter table app_public.tenant
  add column max_search_days integer not null default 62 check (max_search_days between 1 and 366);
comment on column app_public.tenant.max_search_days is 'Longest availability window one search may ask for, in days (default 62).';
grant update (name, max_search_days) on app_public.tenant to app_admin;

--------------------------------------------------------------------------------------------------
-- Time: local wall-clock time <-> instants, with one definition (docs/adr, DESIGN.md "Time semantics").

-- RFC 5545 section 3.3.5 (Temporal's disambiguation 'compatible'): a local time in a spring-forward gap
-- is read with the offset before the gap (02:30 in a 1 h gap becomes 03:30); a local time that occurs
-- twice takes the first, earlier instant. `AT TIME ZONE` alone takes the later one for some zones.
-- Offsets a day before and after bracket any transition; a candidate is valid when it reads back as
-- the same wall-clock time.
create function app_public.to_utc(local timestamp, time_zone text) returns timestamptz
  language plpgsql stable strict parallel safe
  set search_path = pg_catalog
as $$
declare
  naive timestamptz := local at time zone 'UTC';
  before_offset interval;
  after_offset interval;
  candidate timestamptz;
begin
  if not exists (select 1 from app_hidden.time_zone_name where name = time_zone) then
    perform app_hidden.assert_time_zone(time_zone);
  end if;
  before_offset := ((naive - interval '1 day') at time zone time_zone) - ((naive - interval '1 day') at time zone 'UTC');
  candidate := naive - before_offset;
  if (candidate at time zone time_zone) = local then
    return candidate; -- no transition, or the first of two occurrences
  end if;
  after_offset := ((naive + interval '1 day') at time zone time_zone) - ((naive + interval '1 day') at time zone 'UTC');
  candidate := naive - after_offset;
  if (candidate at time zone time_zone) = local then
    return candidate;
  end if;
  return naive - before_offset; -- in a gap: the offset before the gap shifts it forward
end;
$$;
comment on function app_public.to_utc(timestamp, text) is
  'Local wall-clock time in an IANA zone to an instant (RFC 5545): gap times shift forward by the gap, repeated times take the earlier instant. TZINV for unknown zones.';
grant execute on function app_public.to_utc(timestamp, text) to app_anonymous, app_customer, app_staff, app_admin, app_bi;

create type app_public.zoned_time as (
  local timestamp,
  utc_offset text,
  abbreviation text,
  time_zone text
);
comment on type app_public.zoned_time is 'An instant as seen in a zone: wall-clock time, UTC offset (+HH:MM) and tzdata abbreviation.';

create function app_public.local_time(instant timestamptz, time_zone text) returns app_public.zoned_time
  language plpgsql stable strict
  set search_path = pg_catalog
  set timezone = 'UTC'
as $$
declare
  local timestamp;
  offset_minutes integer;
begin
  perform app_hidden.assert_time_zone(time_zone);
  local := instant at time zone time_zone;
  offset_minutes := round(extract(epoch from (local - (instant at time zone 'UTC'))) / 60);
  perform set_config('TimeZone', time_zone, true); -- restored on exit by the SET clause
  return row(
    local,
    case when offset_minutes < 0 then '-' else '+' end
      || lpad((abs(offset_minutes) / 60)::text, 2, '0') || ':' || lpad((abs(offset_minutes) % 60)::text, 2, '0'),
    to_char(instant, 'TZ'),
    time_zone
  )::app_public.zoned_time;
end;
$$;
comment on function app_public.local_time(timestamptz, text) is
  'The wall-clock time, UTC offset and tzdata abbreviation (EDT, CEST, AEDT, IST, +0545) of an instant in an IANA zone.';
grant execute on function app_public.local_time(timestamptz, text) to app_anonymous, app_customer, app_staff, app_admin, app_bi;

--------------------------------------------------------------------------------------------------
-- Resources: own buffers (room turnover) and the zone their local times are in.
alter table app_public.resource
  add column buffer_before_minutes integer not null default 0 check (buffer_before_minutes between 0 and 1440),
  add column buffer_after_minutes integer not null default 0 check (buffer_after_minutes between 0 and 1440);
comment on column app_public.resource.buffer_before_minutes is 'Set-up time this resource needs before any appointment (added to the service''s).';
comment on column app_public.resource.buffer_after_minutes is 'Turnover time this resource needs after any appointment (e.g. room cleaning).';
grant insert (buffer_before_minutes, buffer_after_minutes), update (buffer_before_minutes, buffer_after_minutes)
  on app_public.resource to app_admin;

create function app_private.resource_time_zone(tenant uuid, resource uuid) returns text
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select coalesce(r.time_zone, l.time_zone)
  from app_public.resource r
  join app_public.location l on l.tenant_id = r.tenant_id and l.id = r.location_id
  where r.tenant_id = tenant and r.id = resource;
$$;
comment on function app_private.resource_time_zone(uuid, uuid) is 'A resource''s own zone, else its location''s (used by triggers).';

create function app_public.resource_effective_time_zone(r app_public.resource) returns text
  language sql stable
  set search_path = pg_catalog
as $$
  select coalesce(r.time_zone, (select l.time_zone from app_public.location l where l.tenant_id = r.tenant_id and l.id = r.location_id));
$$;
comment on function app_public.resource_effective_time_zone(app_public.resource) is
  'The zone the resource''s working hours are in: its own, else its location''s.';
grant execute on function app_public.resource_effective_time_zone(app_public.resource) to app_staff, app_admin;

--------------------------------------------------------------------------------------------------
-- Services: notice window and slot step.
alter table app_public.service
  add column min_notice_minutes integer not null default 0 check (min_notice_minutes between 0 and 525600),
  add column max_advance_days integer not null default 90 check (max_advance_days between 1 and 730),
  add column slot_step_minutes integer not null default 15 check (slot_step_minutes between 1 and 1440);
comment on column app_public.service.min_notice_minutes is 'Earliest start: now plus this many minutes.';
comment on column app_public.service.max_advance_days is 'Latest start: now plus this many days.';
comment on column app_public.service.slot_step_minutes is 'Offered start times are this many minutes apart, counted from local midnight at the location.';
grant insert (min_notice_minutes, max_advance_days, slot_step_minutes), update (min_notice_minutes, max_advance_days, slot_step_minutes)
  on app_public.service to app_admin;

-- Which resources a service needs: a kind, optionally narrowed by tags (all must match), how many,
-- and whether the slot depends on it. Candidates are the active resources of that kind and tags at
-- the service's location; requirement_preference weights some of them.
create table app_public.service_requirement (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  service_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 100),
  resource_kind app_public.resource_kind not null,
  required_tags text[] not null default '{}',
  quantity integer not null default 1 check (quantity between 1 and 20),
  required boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint service_requirement_tenant_row_key unique (tenant_id, id),
  unique (tenant_id, service_id, name),
  constraint service_requirement_service_fkey foreign key (tenant_id, service_id)
    references app_public.service (tenant_id, id) on delete cascade
);
comment on table app_public.service_requirement is
  'A resource a service needs: kind + tags (all must match) at the service''s location, quantity, required or optional.';
comment on column app_public.service_requirement.required is 'Optional requirements are filled when possible and never block a slot.';
comment on constraint service_requirement_tenant_row_key on app_public.service_requirement is '@behavior -single -update -delete';
comment on constraint service_requirement_service_fkey on app_public.service_requirement is E'@fieldName service\n@foreignFieldName requirements';
create index service_requirement_service_idx on app_public.service_requirement (tenant_id, service_id);
alter table app_public.service_requirement enable row level security;
alter table app_public.service_requirement force row level security;

create table app_public.requirement_preference (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  requirement_id uuid not null,
  resource_id uuid not null,
  weight integer not null default 0 check (weight between -100 and 100),
  primary key (id),
  constraint requirement_preference_tenant_row_key unique (tenant_id, id),
  unique (tenant_id, requirement_id, resource_id),
  constraint requirement_preference_requirement_fkey foreign key (tenant_id, requirement_id)
    references app_public.service_requirement (tenant_id, id) on delete cascade,
  constraint requirement_preference_resource_fkey foreign key (tenant_id, resource_id)
    references app_public.resource (tenant_id, id) on delete cascade
);
comment on table app_public.requirement_preference is 'How much a requirement prefers a candidate resource (-100..100; default 0).';
comment on constraint requirement_preference_tenant_row_key on app_public.requirement_preference is '@behavior -single -update -delete';
comment on constraint requirement_preference_requirement_fkey on app_public.requirement_preference is E'@fieldName requirement\n@foreignFieldName preferences';
comment on constraint requirement_preference_resource_fkey on app_public.requirement_preference is E'@fieldName resource\n@foreignFieldName requirementPreferences';
create index requirement_preference_resource_idx on app_public.requirement_preference (tenant_id, resource_id);
alter table app_public.requirement_preference enable row level security;
alter table app_public.requirement_preference force row level security;

create function app_public.requirement_candidates(requirement_id uuid) returns table (resource_id uuid, weight integer)
  language sql stable
  set search_path = pg_catalog, public
as $$
  select r.id, coalesce(p.weight, 0)
  from app_public.service_requirement q
  join app_public.service s on s.tenant_id = q.tenant_id and s.id = q.service_id
  join app_public.resource r on r.tenant_id = q.tenant_id and r.location_id = s.location_id
    and r.kind = q.resource_kind and r.tags @> q.required_tags and r.active
  left join app_public.requirement_preference p on p.tenant_id = q.tenant_id and p.requirement_id = q.id and p.resource_id = r.id
  where q.id = requirement_candidates.requirement_id
  order by coalesce(p.weight, 0) desc, r.name, r.id;
$$;
comment on function app_public.requirement_candidates(uuid) is
  'The active resources that can fill a requirement, best preference weight first.';
grant execute on function app_public.requirement_candidates(uuid) to app_anonymous, app_customer, app_staff, app_admin;

--------------------------------------------------------------------------------------------------
-- Working patterns: weekly, in local wall-clock time of a zone (by default the resource's).
create table app_public.availability_template (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  resource_id uuid not null,
  weekday smallint not null check (weekday between 1 and 7),
  start_time time not null,
  end_time time not null,
  valid_from date,
  valid_to date,
  time_zone app_public.time_zone not null,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint availability_template_tenant_row_key unique (tenant_id, id),
  constraint availability_template_resource_fkey foreign key (tenant_id, resource_id)
    references app_public.resource (tenant_id, id) on delete cascade,
  constraint availability_template_times_check check (end_time > start_time),
  constraint availability_template_validity_check check (valid_to is null or valid_from is null or valid_to >= valid_from)
);
comment on table app_public.availability_template is
  'A weekly working pattern of a resource in local wall-clock time: weekday, start and end, valid dates; expanded day by day in its zone.';
comment on column app_public.availability_template.weekday is 'ISO weekday: 1 = Monday ... 7 = Sunday.';
comment on column app_public.availability_template.end_time is 'Local end time, after start_time; 24:00 means midnight at the end of the day. Overnight shifts are two templates.';
comment on column app_public.availability_template.valid_from is 'First local date the pattern applies (inclusive); null: always.';
comment on column app_public.availability_template.valid_to is 'Last local date the pattern applies (inclusive); null: open-ended.';
comment on column app_public.availability_template.time_zone is E'@hasDefault\nIANA zone of the times; defaults to the resource''s zone (its own, else its location''s).';
comment on constraint availability_template_tenant_row_key on app_public.availability_template is '@behavior -single -update -delete';
comment on constraint availability_template_resource_fkey on app_public.availability_template is E'@fieldName resource\n@foreignFieldName availabilityTemplates';
create index availability_template_resource_idx on app_public.availability_template (tenant_id, resource_id);
alter table app_public.availability_template enable row level security;
alter table app_public.availability_template force row level security;

create function app_private.tg_availability_template__fill_zone() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog
as $$
begin
  new.time_zone := coalesce(new.time_zone, app_private.resource_time_zone(new.tenant_id, new.resource_id));
  if new.time_zone is null then
    -- No such resource in this tenant: say so as the foreign key would, before NOT NULL does.
    raise exception 'Resource % does not exist in this tenant', new.resource_id using errcode = '23503';
  end if;
  return new;
end;
$$;
create trigger _100_fill_zone before insert or update on app_public.availability_template
  for each row execute function app_private.tg_availability_template__fill_zone();

-- Overrides: closed (holiday, leave, blocked time) or open (extra hours), for one resource or for a
-- whole location, given in local time with a zone or directly as instants.
create type app_public.override_kind as enum ('closed', 'open');
comment on type app_public.override_kind is 'closed: not available (holiday, leave, maintenance); open: extra available time.';

create table app_public.availability_override (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  resource_id uuid,
  location_id uuid,
  kind app_public.override_kind not null,
  reason text check (length(reason) <= 500),
  starts_local timestamp,
  ends_local timestamp,
  time_zone app_public.time_zone,
  during tstzrange not null,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint availability_override_tenant_row_key unique (tenant_id, id),
  constraint availability_override_resource_fkey foreign key (tenant_id, resource_id)
    references app_public.resource (tenant_id, id) on delete cascade,
  constraint availability_override_location_fkey foreign key (tenant_id, location_id)
    references app_public.location (tenant_id, id) on delete cascade,
  constraint availability_override_target_check check (num_nonnulls(resource_id, location_id) = 1),
  constraint availability_override_local_check check ((starts_local is null) = (ends_local is null) and (starts_local is null or ends_local > starts_local)),
  constraint availability_override_during_check check (not isempty(during) and not lower_inf(during) and not upper_inf(during))
);
comment on table app_public.availability_override is
  'Holiday, blocked time (closed) or extra hours (open) for one resource or a whole location.';
comment on column app_public.availability_override.starts_local is 'Local start in time_zone; when given, during is computed from it.';
comment on column app_public.availability_override.time_zone is 'Zone of starts_local/ends_local; defaults to the resource''s or location''s zone.';
comment on column app_public.availability_override.during is E'@hasDefault\nThe instants covered, half-open; computed from the local times when those are given.';
comment on column app_public.availability_override.reason is 'Shown to staff (e.g. "Holiday"); not visible to customers.';
comment on constraint availability_override_tenant_row_key on app_public.availability_override is '@behavior -single -update -delete';
comment on constraint availability_override_resource_fkey on app_public.availability_override is E'@fieldName resource\n@foreignFieldName availabilityOverrides';
comment on constraint availability_override_location_fkey on app_public.availability_override is E'@fieldName location\n@foreignFieldName availabilityOverrides';
create index availability_override_resource_idx on app_public.availability_override using gist (tenant_id, resource_id, during);
create index availability_override_location_idx on app_public.availability_override using gist (tenant_id, location_id, during);
alter table app_public.availability_override enable row level security;
alter table app_public.availability_override force row level security;

create function app_private.tg_availability_override__resolve_local() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog
as $$
begin
  if new.starts_local is not null then
    new.time_zone := coalesce(new.time_zone,
      case when new.resource_id is not null then app_private.resource_time_zone(new.tenant_id, new.resource_id)
           else (select l.time_zone from app_public.location l where l.tenant_id = new.tenant_id and l.id = new.location_id) end);
    if new.time_zone is null then
      raise exception 'Override target does not exist in this tenant' using errcode = '23503';
    end if;
    if new.ends_local <= new.starts_local then
      raise exception 'Override ends (%) before it starts (%)', new.ends_local, new.starts_local using errcode = '23514';
    end if;
    -- Local times inside a DST gap shift forward; a range that collapses becomes empty and fails the check.
    new.during := tstzrange(app_public.to_utc(new.starts_local, new.time_zone),
                            greatest(app_public.to_utc(new.starts_local, new.time_zone), app_public.to_utc(new.ends_local, new.time_zone)), '[)');
  end if;
  return new;
end;
$$;
create trigger _100_resolve_local before insert or update on app_public.availability_override
  for each row execute function app_private.tg_availability_override__resolve_local();

--------------------------------------------------------------------------------------------------
-- People: global user accounts, tenant memberships (staff, admin), password login.
create table app_public.app_user (
  id uuid primary key default gen_random_uuid(),
  email citext not null unique check (email ~ '^[^@\s]+@[^@\s]+$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  created_at timestamptz not null default now()
);
comment on table app_public.app_user is 'A person who can log in; belongs to tenants through memberships (staff) or customer records.';
alter table app_public.app_user enable row level security;

create table app_private.user_secret (
  user_id uuid primary key references app_public.app_user on delete cascade,
  password_hash text not null,
  updated_at timestamptz not null default now()
);
comment on table app_private.user_secret is 'bcrypt password hashes (pgcrypto crypt, gen_salt(''bf'')). Never granted.';

create type app_public.membership_role as enum ('admin', 'staff');
comment on type app_public.membership_role is 'What a member may do in a tenant: admin manages it, staff runs the bookings.';

create table app_public.membership (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null references app_public.app_user on delete cascade,
  role app_public.membership_role not null,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint membership_tenant_row_key unique (tenant_id, id),
  unique (tenant_id, user_id)
);
comment on table app_public.membership is 'A user''s role (admin or staff) in a tenant.';
comment on constraint membership_tenant_row_key on app_public.membership is '@behavior -single -update -delete';
create index membership_user_idx on app_public.membership (user_id);
alter table app_public.membership enable row level security;
alter table app_public.membership force row level security;

create function app_private.set_password(user_id uuid, password text) returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
begin
  if length(password) < 10 then
    raise exception 'Passwords need at least 10 characters' using errcode = 'WEAKP';
  end if;
  insert into app_private.user_secret (user_id, password_hash) values (set_password.user_id, crypt(password, gen_salt('bf', 10)))
  on conflict on constraint user_secret_pkey do update set password_hash = excluded.password_hash, updated_at = now();
end;
$$;
comment on function app_private.set_password(uuid, text) is 'Stores a bcrypt hash of the password (WEAKP under 10 characters). Owner-only.';

-- The login check. Same error (CREDS) for an unknown tenant, an unknown email, a wrong password or a
-- user without a role in the tenant, and a bcrypt comparison even when the user is unknown.
create function app_private.authenticate(tenant_slug text, email text, password text)
  returns table (role text, tenant_id uuid, user_id uuid)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
declare
  t_id uuid := app_private.tenant_id_by_slug(tenant_slug);
  u app_public.app_user;
  hash text;
  member_role app_public.membership_role;
  is_customer boolean;
begin
  select * into u from app_public.app_user where app_user.email = authenticate.email::citext;
  select s.password_hash into hash from app_private.user_secret s where s.user_id = u.id;
  -- Compare against a fixed hash when there is none, so timing does not reveal unknown emails.
  if crypt(password, coalesce(hash, '$2a$10$CwTycUXWue0Thq9StjUM0uJ8.m5oXr4ZkPBCr4KsrZ7IHJqZ0JQ6a')) is distinct from hash
     or t_id is null then
    raise exception 'Wrong tenant, email or password' using errcode = 'CREDS';
  end if;
  select m.role into member_role from app_public.membership m where m.tenant_id = t_id and m.user_id = u.id;
  if member_role is not null then
    return query select 'app_' || member_role::text, t_id, u.id;
    return;
  end if;
  select exists (select 1 from app_public.customer c where c.tenant_id = t_id and c.user_id = u.id) into is_customer;
  if is_customer then
    return query select 'app_customer'::text, t_id, u.id;
    return;
  end if;
  raise exception 'Wrong tenant, email or password' using errcode = 'CREDS';
end;
$$;
comment on function app_private.authenticate(text, text, text) is
  'Checks a password login for a tenant; returns the API role, tenant and user, or raises CREDS.';
grant execute on function app_private.authenticate(text, text, text) to app_anonymous;

--------------------------------------------------------------------------------------------------
-- Customers: tenant-scoped PII. Staff manage them; a logged-in customer sees and edits only their own.
create table app_public.customer (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  email citext check (email ~ '^[^@\s]+@[^@\s]+$'),
  phone text check (phone ~ '^\+?[0-9][0-9 ()-]{5,24}$'),
  preferred_time_zone app_public.time_zone,
  user_id uuid references app_public.app_user on delete set null,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint customer_tenant_row_key unique (tenant_id, id),
  unique (tenant_id, email),
  unique (tenant_id, user_id)
);
comment on table app_public.customer is 'A person who books, within one tenant (PII: visible to staff and to the customer only).';
comment on column app_public.customer.preferred_time_zone is 'Zone the customer wants times shown in.';
comment on column app_public.customer.user_id is 'The login of this customer, if they have one.';
comment on constraint customer_tenant_row_key on app_public.customer is '@behavior -single -update -delete';
alter table app_public.customer enable row level security;
alter table app_public.customer force row level security;

--------------------------------------------------------------------------------------------------
-- Bookings and their allocations. The exclusion constraint on allocations is the last line of
-- defence against double booking: two active allocations of one resource can never overlap.
create type app_public.booking_status as enum ('pending_approval', 'confirmed', 'cancelled', 'completed', 'no_show');
comment on type app_public.booking_status is 'pending_approval and confirmed hold their resources; the others free them.';

create table app_public.booking (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  service_id uuid not null,
  customer_id uuid not null,
  status app_public.booking_status not null default 'confirmed',
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  display_time_zone app_public.time_zone,
  idempotency_key text check (length(idempotency_key) between 1 and 200),
  created_by uuid default app_public.current_user_id() references app_public.app_user on delete set null,
  notes text check (length(notes) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id),
  constraint booking_tenant_row_key unique (tenant_id, id),
  constraint booking_idempotency_key unique (tenant_id, idempotency_key),
  constraint booking_service_fkey foreign key (tenant_id, service_id) references app_public.service (tenant_id, id),
  constraint booking_customer_fkey foreign key (tenant_id, customer_id) references app_public.customer (tenant_id, id),
  constraint booking_times_check check (ends_at > starts_at)
);
comment on table app_public.booking is 'What a customer booked: a service at an instant; its resources are in booking_allocation.';
comment on column app_public.booking.ends_at is E'@hasDefault\nEnd instant; defaults to starts_at plus the service duration (absolute minutes).';
comment on column app_public.booking.display_time_zone is 'Zone to show this booking in (the customer''s choice); null: the location''s.';
comment on column app_public.booking.idempotency_key is 'Client-chosen key: a retry with the same key finds the same booking.';
comment on column app_public.booking.created_by is 'The user who created it (null for anonymous or system bookings).';
comment on constraint booking_tenant_row_key on app_public.booking is '@behavior -single -update -delete';
comment on constraint booking_service_fkey on app_public.booking is E'@fieldName service\n@foreignFieldName bookings';
comment on constraint booking_customer_fkey on app_public.booking is E'@fieldName customer\n@foreignFieldName bookings';
create index booking_service_idx on app_public.booking (tenant_id, service_id, starts_at);
create index booking_customer_idx on app_public.booking (tenant_id, customer_id, starts_at);
alter table app_public.booking enable row level security;
alter table app_public.booking force row level security;

create table app_public.booking_allocation (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  booking_id uuid not null,
  resource_id uuid not null,
  requirement_id uuid,
  busy tstzrange not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint booking_allocation_tenant_row_key unique (tenant_id, id),
  unique (booking_id, resource_id),
  constraint booking_allocation_booking_fkey foreign key (tenant_id, booking_id)
    references app_public.booking (tenant_id, id) on delete cascade,
  constraint booking_allocation_resource_fkey foreign key (tenant_id, resource_id)
    references app_public.resource (tenant_id, id),
  constraint booking_allocation_requirement_fkey foreign key (tenant_id, requirement_id)
    references app_public.service_requirement (tenant_id, id) on delete set null (requirement_id),
  constraint booking_allocation_busy_check check (not isempty(busy) and not lower_inf(busy) and not upper_inf(busy)),
  constraint booking_allocation_no_overlap exclude using gist (tenant_id with =, resource_id with =, busy with &&) where (active)
);
comment on table app_public.booking_allocation is
  'One resource used by a booking. busy = the appointment plus the service''s and the resource''s buffers; no two active allocations of a resource overlap.';
comment on column app_public.booking_allocation.busy is E'@hasDefault\n@behavior -insert -update\nComputed: booking times widened by the service and resource buffers.';
comment on column app_public.booking_allocation.active is E'@behavior -insert -update\nTrue while the booking is pending approval or confirmed (maintained from the booking status).';
comment on constraint booking_allocation_tenant_row_key on app_public.booking_allocation is '@behavior -single -update -delete';
comment on constraint booking_allocation_booking_fkey on app_public.booking_allocation is E'@fieldName booking\n@foreignFieldName allocations';
comment on constraint booking_allocation_resource_fkey on app_public.booking_allocation is E'@fieldName resource\n@foreignFieldName allocations';
comment on constraint booking_allocation_requirement_fkey on app_public.booking_allocation is E'@fieldName requirement\n@foreignFieldName allocations';
create index booking_allocation_booking_idx on app_public.booking_allocation (tenant_id, booking_id);
alter table app_public.booking_allocation enable row level security;
alter table app_public.booking_allocation force row level security;

-- Bookings: ends_at defaults from the service; changes of time or status flow to the allocations.
create function app_private.tg_booking__defaults() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog
as $$
begin
  if new.ends_at is null then
    select new.starts_at + make_interval(mins => s.duration_minutes) into new.ends_at
    from app_public.service s where s.tenant_id = new.tenant_id and s.id = new.service_id;
    if not found then
      raise exception 'Service % does not exist in this tenant', new.service_id using errcode = '23503';
    end if;
  end if;
  new.updated_at := now();
  return new;
end;
$$;
create trigger _100_defaults before insert or update on app_public.booking
  for each row execute function app_private.tg_booking__defaults();

create function app_private.allocation_busy(tenant uuid, booking uuid, resource uuid) returns tstzrange
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select tstzrange(
    b.starts_at - make_interval(mins => s.buffer_before_minutes + r.buffer_before_minutes),
    b.ends_at + make_interval(mins => s.buffer_after_minutes + r.buffer_after_minutes),
    '[)')
  from app_public.booking b
  join app_public.service s on s.tenant_id = b.tenant_id and s.id = b.service_id
  join app_public.resource r on r.tenant_id = b.tenant_id and r.id = resource
  where b.tenant_id = tenant and b.id = booking;
$$;
comment on function app_private.allocation_busy(uuid, uuid, uuid) is 'The busy range of a resource for a booking: appointment plus service and resource buffers.';

create function app_private.tg_booking_allocation__derive() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog
as $$
begin
  new.busy := app_private.allocation_busy(new.tenant_id, new.booking_id, new.resource_id);
  if new.busy is null then
    raise exception 'Booking % or resource % does not exist in this tenant', new.booking_id, new.resource_id using errcode = '23503';
  end if;
  new.active := (select b.status in ('pending_approval', 'confirmed') from app_public.booking b
                 where b.tenant_id = new.tenant_id and b.id = new.booking_id);
  return new;
end;
$$;
create trigger _100_derive before insert or update on app_public.booking_allocation
  for each row execute function app_private.tg_booking_allocation__derive();

create function app_private.tg_booking__sync_allocations() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog
as $$
begin
  -- Re-deriving fires the allocation trigger; the exclusion constraint re-checks moved times.
  update app_public.booking_allocation a set busy = a.busy
  where a.tenant_id = new.tenant_id and a.booking_id = new.id;
  return null;
end;
$$;
create trigger _200_sync_allocations after update of status, starts_at, ends_at on app_public.booking
  for each row when (old.status is distinct from new.status or old.starts_at is distinct from new.starts_at or old.ends_at is distinct from new.ends_at)
  execute function app_private.tg_booking__sync_allocations();

--------------------------------------------------------------------------------------------------
-- Availability in SQL: single source of truth for the TypeScript engine and the API.

-- Free time of resources in a window: weekly templates expanded day by day in their own zone
-- (DST-correct through to_utc), plus open overrides (resource's or its location's), minus closed
-- overrides, minus active allocations; intersected with the window. Inactive resources have none.
-- SECURITY DEFINER so every role computes from all allocations (customers may not read bookings);
-- it filters by the caller's tenant itself.
create function app_private.free_intervals(resource_ids uuid[], search_window tstzrange)
  returns table (resource_id uuid, free tstzrange)
  language plpgsql stable security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_column
begin
  -- PL/pgSQL (not SQL) so the plan of this query is cached across calls in a session.
  return query
  with res as (
    select r.id, r.location_id, r.tenant_id
    from app_public.resource r
    where r.tenant_id = app_public.current_tenant_id() and r.id = any(resource_ids) and r.active
  ),
  worked as (
    -- A template time inside a DST gap shifts forward and may pass its end: such a day is empty.
    select t.resource_id, range_agg(tstzrange(s.starts, greatest(s.starts, s.ends), '[)')) as m
    from res
    join app_public.availability_template t on t.tenant_id = res.tenant_id and t.resource_id = res.id
    cross join lateral generate_series(((lower(search_window) at time zone t.time_zone)::date - 1)::timestamp,
                                       ((upper(search_window) at time zone t.time_zone)::date)::timestamp, interval '1 day') d
    cross join lateral (select app_public.to_utc(d::date + t.start_time, t.time_zone) as starts,
                               app_public.to_utc(d::date + t.end_time, t.time_zone) as ends) s
    where extract(isodow from d) = t.weekday
      and (t.valid_from is null or d::date >= t.valid_from)
      and (t.valid_to is null or d::date <= t.valid_to)
    group by t.resource_id
  ),
  overrides as (
    select res.id as resource_id,
           range_agg(o.during) filter (where o.kind = 'open') as open_m,
           range_agg(o.during) filter (where o.kind = 'closed') as closed_m
    from res
    join app_public.availability_override o on o.tenant_id = res.tenant_id
      and (o.resource_id = res.id or o.location_id = res.location_id)
      and o.during && search_window
    group by res.id
  ),
  busy as (
    select a.resource_id, range_agg(a.busy) as m
    from app_public.booking_allocation a
    join res on a.tenant_id = res.tenant_id and a.resource_id = res.id
    where a.active and a.busy && search_window
    group by a.resource_id
  ),
  combined as (
    select res.id as resource_id,
      ((coalesce(w.m, '{}') + coalesce(o.open_m, '{}')) - coalesce(o.closed_m, '{}') - coalesce(b.m, '{}'))
        * tstzmultirange(search_window) as free
    from res
    left join worked w on w.resource_id = res.id
    left join overrides o on o.resource_id = res.id
    left join busy b on b.resource_id = res.id
  )
  select c.resource_id, f
  from combined c cross join lateral unnest(c.free) as f
  order by c.resource_id, lower(f);
end;
$$;
comment on function app_private.free_intervals(uuid[], tstzrange) is
  'Free, merged, sorted intervals of many resources of the caller''s tenant in a window (definer; filters by tenant).';
grant execute on function app_private.free_intervals(uuid[], tstzrange) to app_anonymous, app_customer, app_staff, app_admin;

create function app_private.assert_search_window(during tstzrange) returns void
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  max_days integer;
begin
  if during is null or isempty(during) or lower_inf(during) or upper_inf(during) then
    raise exception 'The search window must be a non-empty range with both ends' using errcode = 'WINUB';
  end if;
  select t.max_search_days into max_days from app_public.tenant t where t.id = app_public.current_tenant_id();
  if upper(during) - lower(during) > make_interval(days => coalesce(max_days, 62)) then
    raise exception 'The search window is longer than % days', coalesce(max_days, 62)
      using errcode = 'WINLG', hint = 'Ask for a shorter window, or raise tenant.max_search_days.';
  end if;
end;
$$;
comment on function app_private.assert_search_window(tstzrange) is 'Raises WINUB for empty or unbounded windows and WINLG for windows over the tenant''s maximum.';
grant execute on function app_private.assert_search_window(tstzrange) to app_anonymous, app_customer, app_staff, app_admin;

create function app_public.resource_free_intervals(resource_id uuid, during tstzrange) returns setof tstzrange
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  perform app_private.assert_search_window(during);
  if not exists (select 1 from app_public.resource r where r.id = resource_free_intervals.resource_id) then
    raise exception 'No resource % in this tenant', resource_id using errcode = 'RESUK';
  end if;
  return query select f.free from app_private.free_intervals(array[resource_id], during) f;
end;
$$;
comment on function app_public.resource_free_intervals(uuid, tstzrange) is
  'Free time of a resource in a window: templates (DST-correct) plus open overrides, minus closed overrides and active allocations; merged, sorted.';
grant execute on function app_public.resource_free_intervals(uuid, tstzrange) to app_anonymous, app_customer, app_staff, app_admin;

-- Start times for a service that needs one resource: on the service's step from local midnight at
-- the location, inside the notice window, where the candidate is free for the whole busy range
-- (service and resource buffers included). Each start names the best candidate (preference weight,
-- then name). Multi-resource services are searched by the API's engine (availableSlots).
create function app_public.available_slots(service_id uuid, during tstzrange)
  returns table (start_at timestamptz, end_at timestamptz, resource_id uuid)
  language plpgsql stable
  set search_path = pg_catalog
as $$
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
  fits as (
    select s.start_at, c.resource_id, c.weight, c.name
    from starts s
    cross join candidates c
    join free f on f.resource_id = c.resource_id
      and f.free @> tstzrange(s.start_at - make_interval(mins => svc.buffer_before_minutes + c.rb),
                              s.start_at + make_interval(mins => svc.duration_minutes + svc.buffer_after_minutes + c.ra), '[)')
    where s.start_at <@ window_
  )
  select distinct on (fits.start_at) fits.start_at, fits.start_at + make_interval(mins => svc.duration_minutes), fits.resource_id
  from fits
  order by fits.start_at, fits.weight desc, fits.name, fits.resource_id;
end;
$$;
comment on function app_public.available_slots(uuid, tstzrange) is
  E'@name singleResourceSlots\nBookable start times of a single-resource service in a window, with the resource that serves each (step from local midnight, notice window, buffers).';
grant execute on function app_public.available_slots(uuid, tstzrange) to app_anonymous, app_customer, app_staff, app_admin;

--------------------------------------------------------------------------------------------------
-- Policies. Pattern per tenant table: staff and admins read their tenant; admins write catalogue
-- tables; staff also write bookings and customers; anonymous visitors and customers read the public
-- catalogue; BI logins read their one tenant (app_private.bi_tenant_id()); customers read their own.

-- Catalogue tables readable by every API role of the tenant.
create policy "Visitors and members read their tenant's requirements" on app_public.service_requirement
  for select to app_anonymous, app_customer, app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add requirements" on app_public.service_requirement
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit requirements" on app_public.service_requirement
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove requirements" on app_public.service_requirement
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Visitors and members read their tenant's preferences" on app_public.requirement_preference
  for select to app_anonymous, app_customer, app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add preferences" on app_public.requirement_preference
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit preferences" on app_public.requirement_preference
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove preferences" on app_public.requirement_preference
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Visitors and members read their tenant's working hours" on app_public.availability_template
  for select to app_anonymous, app_customer, app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add working hours" on app_public.availability_template
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit working hours" on app_public.availability_template
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove working hours" on app_public.availability_template
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Staff read their tenant's overrides" on app_public.availability_override
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff add overrides" on app_public.availability_override
  for insert to app_staff, app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff edit overrides" on app_public.availability_override
  for update to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff remove overrides" on app_public.availability_override
  for delete to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));

-- Users: yourself, and (for staff) the members and customers of your tenant.
create policy "Customers see themselves" on app_public.app_user
  for select to app_customer using (id = (select app_public.current_user_id()));
create policy "Staff see themselves and their tenant's people" on app_public.app_user
  for select to app_staff, app_admin
  using (id = (select app_public.current_user_id())
         or exists (select 1 from app_public.membership m where m.user_id = app_user.id and m.tenant_id = (select app_public.current_tenant_id()))
         or exists (select 1 from app_public.customer c where c.user_id = app_user.id and c.tenant_id = (select app_public.current_tenant_id())));
create policy "Users rename themselves" on app_public.app_user
  for update to app_customer, app_staff, app_admin using (id = (select app_public.current_user_id()));

create policy "Members read their tenant's memberships" on app_public.membership
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add members" on app_public.membership
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins change members' roles" on app_public.membership
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove members" on app_public.membership
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Staff read their tenant's customers" on app_public.customer
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Customers read themselves" on app_public.customer
  for select to app_customer using (tenant_id = (select app_public.current_tenant_id()) and user_id = (select app_public.current_user_id()));
create policy "Staff add customers" on app_public.customer
  for insert to app_staff, app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff edit customers" on app_public.customer
  for update to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Customers edit themselves" on app_public.customer
  for update to app_customer using (tenant_id = (select app_public.current_tenant_id()) and user_id = (select app_public.current_user_id()));
create policy "Admins remove customers" on app_public.customer
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Staff read their tenant's bookings" on app_public.booking
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Customers read their own bookings" on app_public.booking
  for select to app_customer using (tenant_id = (select app_public.current_tenant_id())
    and customer_id in (select c.id from app_public.customer c where c.tenant_id = booking.tenant_id and c.user_id = (select app_public.current_user_id())));
create policy "Staff add bookings" on app_public.booking
  for insert to app_staff, app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff edit bookings" on app_public.booking
  for update to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove bookings" on app_public.booking
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Staff read their tenant's allocations" on app_public.booking_allocation
  for select to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Customers read their own bookings' allocations" on app_public.booking_allocation
  for select to app_customer using (tenant_id = (select app_public.current_tenant_id())
    and booking_id in (select b.id from app_public.booking b)); -- the booking policy narrows this to their own
create policy "Staff add allocations" on app_public.booking_allocation
  for insert to app_staff, app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff edit allocations" on app_public.booking_allocation
  for update to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Staff remove allocations" on app_public.booking_allocation
  for delete to app_staff, app_admin using (tenant_id = (select app_public.current_tenant_id()));

-- BI: read-only, one tenant, no customer PII.
create policy "BI reads its tenant" on app_public.tenant for select to app_bi using (id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's locations" on app_public.location for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's resources" on app_public.resource for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's services" on app_public.service for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's requirements" on app_public.service_requirement for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's working hours" on app_public.availability_template for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's overrides" on app_public.availability_override for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's bookings" on app_public.booking for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
create policy "BI reads its tenant's allocations" on app_public.booking_allocation for select to app_bi using (tenant_id = (select app_private.bi_tenant_id()));
-- The foundation's tenant policy let app_bi use the request tenant; BI logins use their mapping instead.
alter policy "API roles see their own tenant" on app_public.tenant to app_anonymous, app_customer, app_staff, app_admin;

--------------------------------------------------------------------------------------------------
-- Grants (policies above decide which rows).
grant select on app_public.service_requirement to app_anonymous, app_customer, app_staff, app_admin, app_bi;
grant insert (service_id, name, resource_kind, required_tags, quantity, required),
  update (name, resource_kind, required_tags, quantity, required), delete on app_public.service_requirement to app_admin;

-- Preferences decide which candidate a slot names, so everyone who searches may read them.
grant select on app_public.requirement_preference to app_anonymous, app_customer, app_staff, app_admin;
grant insert (requirement_id, resource_id, weight), update (weight), delete on app_public.requirement_preference to app_admin;

grant select on app_public.availability_template to app_anonymous, app_customer, app_staff, app_admin, app_bi;
grant insert (resource_id, weekday, start_time, end_time, valid_from, valid_to, time_zone),
  update (weekday, start_time, end_time, valid_from, valid_to, time_zone), delete on app_public.availability_template to app_admin;

grant select on app_public.availability_override to app_staff, app_admin, app_bi;
grant insert (resource_id, location_id, kind, reason, starts_local, ends_local, time_zone, during),
  update (kind, reason, starts_local, ends_local, time_zone, during), delete on app_public.availability_override to app_staff, app_admin;

grant select on app_public.app_user to app_customer, app_staff, app_admin;
grant update (name) on app_public.app_user to app_customer, app_staff, app_admin;

grant select on app_public.membership to app_staff, app_admin;
grant insert (user_id, role), update (role), delete on app_public.membership to app_admin;

grant select on app_public.customer to app_customer, app_staff, app_admin;
grant insert (name, email, phone, preferred_time_zone, user_id), update (name, email, phone, preferred_time_zone) on app_public.customer to app_staff, app_admin;
grant update (name, phone, preferred_time_zone) on app_public.customer to app_customer;
grant delete on app_public.customer to app_admin;

grant select on app_public.booking to app_customer, app_staff, app_admin, app_bi;
grant insert (service_id, customer_id, status, starts_at, ends_at, display_time_zone, idempotency_key, notes),
  update (status, starts_at, ends_at, display_time_zone, notes) on app_public.booking to app_staff, app_admin;
grant delete on app_public.booking to app_admin;

grant select on app_public.booking_allocation to app_customer, app_staff, app_admin, app_bi;
grant insert (booking_id, resource_id, requirement_id), update (resource_id, requirement_id), delete on app_public.booking_allocation to app_staff, app_admin;

grant usage on schema app_public to app_bi;
grant select on app_public.location, app_public.resource, app_public.service to app_bi;
-- Visitors read whole catalogue rows (active, created_at are not secret): the SQL functions and
-- computed columns they call read the rows whole.
grant select on app_public.resource, app_public.service to app_anonymous, app_customer;

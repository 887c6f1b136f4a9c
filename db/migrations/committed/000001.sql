--! Previous: -
--! Hash: sha1:bb92108540490903ec5478c93dff8d51f5a64a1c

-- 000001: foundation. Roles, schemas, extensions, tenancy helpers and the first tenant-owned tables
-- (location, resource, service). Later migrations extend the model; see db/CONVENTIONS.md.

--------------------------------------------------------------------------------------------------
-- Roles. Login roles with passwords (app_owner, app_authenticator) are created per environment by
-- `npm run db:setup` (scripts/lib/db-admin.ts); the group roles the API switches into are created
-- here when missing, so every database of the cluster shares one set of role names.
do $$
declare
  r text;
begin
  foreach r in array array['app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      execute format('create role %I nologin', r);
    end if;
  end loop;
  if not exists (select 1 from pg_roles where rolname = 'app_authenticator') then
    create role app_authenticator nologin noinherit;
  end if;
end
$$;
grant app_anonymous, app_customer, app_staff, app_admin to app_authenticator;

--------------------------------------------------------------------------------------------------
-- Extensions live in `public`; all three are trusted, so the database owner may create them.
create extension if not exists btree_gist with schema public;
create extension if not exists citext with schema public;
create extension if not exists pgcrypto with schema public;

--------------------------------------------------------------------------------------------------
-- Schemas.
drop schema if exists app_public cascade;
drop schema if exists app_hidden cascade;
drop schema if exists app_private cascade;
drop schema if exists analytics cascade;

create schema app_public;
comment on schema app_public is 'What the GraphQL API exposes.';
create schema app_hidden;
comment on schema app_hidden is 'Granted to API roles but not exposed in GraphQL.';
create schema app_private;
comment on schema app_private is 'Secrets and internal SECURITY DEFINER functions; no grants to API roles.';
create schema analytics;
comment on schema analytics is 'Read-only views for BI tools (role app_bi), tenant-scoped by RLS.';

grant usage on schema app_public, app_hidden to app_anonymous, app_customer, app_staff, app_admin;
grant usage on schema analytics to app_bi;
grant usage on schema public to app_anonymous, app_customer, app_staff, app_admin, app_bi;

-- Nothing is executable by default: every function grant below is explicit.
alter default privileges revoke all on functions from public;

--------------------------------------------------------------------------------------------------
-- Time zone names: IANA names that this server's tzdata knows. Invalid names raise TZINV.
-- pg_timezone_names reads the whole tz directory (tens of ms), so known-good names are cached in
-- app_hidden.time_zone_name; a name missing there is checked against pg_timezone_names (so zones
-- added by a tzdata update are accepted). app_private.refresh_time_zone_names() rebuilds
-- the cache; `npm run db:migrate` calls it after migrating.
create table app_hidden.time_zone_name (
  name text primary key
);
comment on table app_hidden.time_zone_name is 'Cache of valid IANA zone names from pg_timezone_names (posix/ and right/ excluded).';
grant select on app_hidden.time_zone_name to app_anonymous, app_customer, app_staff, app_admin, app_bi;

create function app_private.refresh_time_zone_names() returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  n integer;
begin
  delete from app_hidden.time_zone_name;
  insert into app_hidden.time_zone_name (name)
    select name from pg_timezone_names where name not like 'posix/%' and name not like 'right/%';
  get diagnostics n = row_count;
  return n;
end;
$$;
comment on function app_private.refresh_time_zone_names() is 'Rebuilds app_hidden.time_zone_name from this server''s tzdata; returns the number of zones.';
select app_private.refresh_time_zone_names();

create function app_public.is_valid_time_zone(zone text) returns boolean
  language sql stable parallel safe
  set search_path = pg_catalog
as $$
  select zone is not null
     and zone not like 'posix/%' and zone not like 'right/%'
     and (exists (select 1 from app_hidden.time_zone_name where name = zone)
          or exists (select 1 from pg_timezone_names where name = zone));
$$;
comment on function app_public.is_valid_time_zone(text) is
  'True when the name is an IANA time zone known to this server''s tzdata (posix/ and right/ aliases excluded).';
grant execute on function app_public.is_valid_time_zone(text) to app_anonymous, app_customer, app_staff, app_admin, app_bi;

create function app_hidden.assert_time_zone(zone text) returns boolean
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  if zone is not null and not app_public.is_valid_time_zone(zone) then
    raise exception 'Unknown time zone "%"', zone
      using errcode = 'TZINV', hint = 'Use an IANA name such as America/Phoenix or Europe/London.';
  end if;
  return true;
end;
$$;
comment on function app_hidden.assert_time_zone(text) is 'Raises TZINV for names that are not IANA time zones.';

create domain app_public.time_zone as text
  check (app_hidden.assert_time_zone(value));
comment on domain app_public.time_zone is 'An IANA time zone name (e.g. America/Phoenix), validated against pg_timezone_names.';

-- The tzdata abbreviation in force at an instant (MST, CEST, +0545), as PostgreSQL's to_char prints it.
-- The function's SET clause restores TimeZone on exit, so the set_config inside does not leak.
create function app_public.zone_abbreviation(zone text, at_instant timestamptz default now()) returns text
  language plpgsql stable
  set search_path = pg_catalog
  set timezone = 'UTC'
as $$
begin
  perform app_hidden.assert_time_zone(zone);
  perform set_config('TimeZone', zone, true);
  return to_char(at_instant, 'TZ');
end;
$$;
comment on function app_public.zone_abbreviation(text, timestamptz) is
  'The tzdata abbreviation of the zone at the instant (default now), e.g. MST, CEST, +0545.';
grant execute on function app_public.zone_abbreviation(text, timestamptz) to app_anonymous, app_customer, app_staff, app_admin, app_bi;
grant usage on schema app_hidden to app_bi;
grant execute on function app_hidden.assert_time_zone(text) to app_anonymous, app_customer, app_staff, app_admin, app_bi;

--------------------------------------------------------------------------------------------------
-- Tenants. The registry itself: RLS is enabled (API roles see only their own tenant) but not forced,
-- so the owner's SECURITY DEFINER lookups by slug do not recurse into the policy.
create table app_public.tenant (
  id uuid primary key default gen_random_uuid(),
  -- citext makes ~ case-insensitive: compare as text so the slug really is lower case.
  slug citext not null unique check (slug::text ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  created_at timestamptz not null default now()
);
comment on table app_public.tenant is 'An organisation that runs its bookings here (a clinic group, a university, a fleet).';
comment on column app_public.tenant.slug is 'URL-safe name; anonymous visitors address a tenant by it.';
alter table app_public.tenant enable row level security;

-- Tenant resolution for a request: a JWT's tenant claim wins; anonymous requests name a slug.
-- SECURITY DEFINER so the slug lookup sees the whole registry; it only ever returns one id.
create function app_public.current_tenant_id() returns uuid
  language plpgsql stable security definer
  set search_path = pg_catalog, public
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
  select id into found from app_public.tenant where slug = requested_slug::citext;
  if found is null then
    raise exception 'Unknown tenant "%"', requested_slug using errcode = 'TNTUN';
  end if;
  return found;
end;
$$;
comment on function app_public.current_tenant_id() is
  'The tenant of this request: the JWT claim tenant_id, else the tenant named by the X-Tenant slug (TNTUN if unknown), else null.';
grant execute on function app_public.current_tenant_id() to app_anonymous, app_customer, app_staff, app_admin, app_bi;

create function app_public.current_user_id() returns uuid
  language sql stable
  set search_path = pg_catalog
as $$
  select nullif(current_setting('jwt.claims.user_id', true), '')::uuid;
$$;
comment on function app_public.current_user_id() is 'The user id of the JWT of this request, or null when anonymous.';
grant execute on function app_public.current_user_id() to app_anonymous, app_customer, app_staff, app_admin, app_bi;

create function app_public.current_tenant() returns app_public.tenant
  language sql stable
  set search_path = pg_catalog
as $$
  select t.* from app_public.tenant t where t.id = app_public.current_tenant_id();
$$;
comment on function app_public.current_tenant() is 'The tenant this request is addressed to.';
grant execute on function app_public.current_tenant() to app_anonymous, app_customer, app_staff, app_admin;

create policy "API roles see their own tenant" on app_public.tenant
  for select to app_anonymous, app_customer, app_staff, app_admin, app_bi
  using (id = (select app_public.current_tenant_id()));
create policy "Admins rename their own tenant" on app_public.tenant
  for update to app_admin
  using (id = (select app_public.current_tenant_id()));
grant select on app_public.tenant to app_anonymous, app_customer, app_staff, app_admin, app_bi;
grant update (name) on app_public.tenant to app_admin;

--------------------------------------------------------------------------------------------------
-- Locations: a site with its own IANA zone and weekly opening hours (local wall-clock time).
create table app_public.location (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  time_zone app_public.time_zone not null,
  address text,
  opening_hours jsonb not null default '[]'::jsonb check (jsonb_typeof(opening_hours) = 'array'),
  created_at timestamptz not null default now(),
  primary key (id),
  constraint location_tenant_row_key unique (tenant_id, id),
  unique (tenant_id, name)
);
comment on table app_public.location is 'A site of the tenant (clinic, campus building, depot) in one IANA time zone.';
comment on column app_public.location.time_zone is 'IANA zone of the site; local times of the location are in this zone.';
comment on column app_public.location.opening_hours is
  'Weekly opening hours in local wall-clock time: [{"weekday":1-7 (ISO, 1=Monday),"opens":"HH:MM","closes":"HH:MM"}].';
-- (tenant_id, id) exists only as the target of composite foreign keys; the API looks rows up by id.
comment on constraint location_tenant_row_key on app_public.location is '@behavior -single -update -delete';
alter table app_public.location enable row level security;
alter table app_public.location force row level security;

create function app_public.location_time_zone_abbreviation(l app_public.location) returns text
  language sql stable
  set search_path = pg_catalog
as $$ select app_public.zone_abbreviation(l.time_zone, now()) $$;
comment on function app_public.location_time_zone_abbreviation(app_public.location) is
  'The tzdata abbreviation in force now at the location (MST, CDT, +0545).';

create function app_public.location_local_time(l app_public.location) returns text
  language sql stable
  set search_path = pg_catalog
as $$ select to_char(now() at time zone l.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS') $$;
comment on function app_public.location_local_time(app_public.location) is
  'The current wall-clock time at the location, ISO 8601 without offset.';
grant execute on function app_public.location_time_zone_abbreviation(app_public.location),
  app_public.location_local_time(app_public.location)
  to app_anonymous, app_customer, app_staff, app_admin;

--------------------------------------------------------------------------------------------------
-- Resources: whatever gets booked: practitioners, rooms, equipment, virtual meeting slots.
create type app_public.resource_kind as enum ('practitioner', 'room', 'equipment', 'virtual');
comment on type app_public.resource_kind is 'What a resource is: a person, a room, a device, or a virtual meeting slot.';

create table app_public.resource (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  kind app_public.resource_kind not null,
  name text not null check (length(btrim(name)) between 1 and 200),
  time_zone app_public.time_zone,
  tags text[] not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint resource_tenant_row_key unique (tenant_id, id),
  constraint resource_location_fkey foreign key (tenant_id, location_id)
    references app_public.location (tenant_id, id) on delete cascade
);
comment on constraint resource_location_fkey on app_public.resource is E'@fieldName location\n@foreignFieldName resources';
create index resource_location_idx on app_public.resource (tenant_id, location_id);
comment on table app_public.resource is 'A bookable person, room, device or virtual slot at a location.';
comment on column app_public.resource.time_zone is 'Own IANA zone when it differs from the location''s (e.g. a remote practitioner).';
comment on column app_public.resource.tags is 'Skills and features used to match service requirements (e.g. {physio,x-ray}).';
-- (tenant_id, id) exists only as the target of composite foreign keys; the API looks rows up by id.
comment on constraint resource_tenant_row_key on app_public.resource is '@behavior -single -update -delete';
alter table app_public.resource enable row level security;
alter table app_public.resource force row level security;

--------------------------------------------------------------------------------------------------
-- Services: what customers book.
create table app_public.service (
  tenant_id uuid not null default app_public.current_tenant_id() references app_public.tenant on delete cascade,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text,
  duration_minutes integer not null check (duration_minutes > 0 and duration_minutes <= 24 * 60),
  buffer_before_minutes integer not null default 0 check (buffer_before_minutes >= 0),
  buffer_after_minutes integer not null default 0 check (buffer_after_minutes >= 0),
  price_cents integer not null default 0 check (price_cents >= 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (id),
  constraint service_tenant_row_key unique (tenant_id, id),
  unique (tenant_id, location_id, name),
  constraint service_location_fkey foreign key (tenant_id, location_id)
    references app_public.location (tenant_id, id) on delete cascade
);
comment on constraint service_location_fkey on app_public.service is E'@fieldName location\n@foreignFieldName services';
create index service_location_idx on app_public.service (tenant_id, location_id);
comment on table app_public.service is 'Something a customer books: a duration with buffers and a price.';
comment on column app_public.service.buffer_before_minutes is 'Preparation time before the appointment; resources are busy for it.';
comment on column app_public.service.buffer_after_minutes is 'Clean-up time after the appointment; resources are busy for it.';
comment on column app_public.service.price_cents is 'Price in the currency''s minor unit.';
-- (tenant_id, id) exists only as the target of composite foreign keys; the API looks rows up by id.
comment on constraint service_tenant_row_key on app_public.service is '@behavior -single -update -delete';
alter table app_public.service enable row level security;
alter table app_public.service force row level security;

--------------------------------------------------------------------------------------------------
-- Policies: one per command and role group; anonymous visitors read the public catalogue of the
-- tenant they address; staff read everything of their tenant; admins manage it.
create policy "Visitors and members read their tenant's locations" on app_public.location
  for select to app_anonymous, app_customer, app_staff, app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add locations to their tenant" on app_public.location
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit their tenant's locations" on app_public.location
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove their tenant's locations" on app_public.location
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Visitors and members read their tenant's active resources" on app_public.resource
  for select to app_anonymous, app_customer
  using (tenant_id = (select app_public.current_tenant_id()) and active);
create policy "Staff read all of their tenant's resources" on app_public.resource
  for select to app_staff, app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add resources to their tenant" on app_public.resource
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit their tenant's resources" on app_public.resource
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove their tenant's resources" on app_public.resource
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

create policy "Visitors and members read their tenant's active services" on app_public.service
  for select to app_anonymous, app_customer
  using (tenant_id = (select app_public.current_tenant_id()) and active);
create policy "Staff read all of their tenant's services" on app_public.service
  for select to app_staff, app_admin
  using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins add services to their tenant" on app_public.service
  for insert to app_admin with check (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins edit their tenant's services" on app_public.service
  for update to app_admin using (tenant_id = (select app_public.current_tenant_id()));
create policy "Admins remove their tenant's services" on app_public.service
  for delete to app_admin using (tenant_id = (select app_public.current_tenant_id()));

-- Whole-row grants where computed columns (which take the row) must work for every role.
grant select on app_public.location to app_anonymous, app_customer, app_staff, app_admin;
grant insert (name, time_zone, address, opening_hours), update (name, time_zone, address, opening_hours), delete
  on app_public.location to app_admin;

grant select (tenant_id, id, location_id, kind, name, time_zone, tags) on app_public.resource to app_anonymous, app_customer;
grant select on app_public.resource to app_staff, app_admin;
grant insert (location_id, kind, name, time_zone, tags, active), update (location_id, kind, name, time_zone, tags, active), delete
  on app_public.resource to app_admin;

grant select (tenant_id, id, location_id, name, description, duration_minutes, buffer_before_minutes,
  buffer_after_minutes, price_cents, currency) on app_public.service to app_anonymous, app_customer;
grant select on app_public.service to app_staff, app_admin;
grant insert (location_id, name, description, duration_minutes, buffer_before_minutes, buffer_after_minutes, price_cents, currency, active),
  update (location_id, name, description, duration_minutes, buffer_before_minutes, buffer_after_minutes, price_cents, currency, active),
  delete
  on app_public.service to app_admin;

--------------------------------------------------------------------------------------------------
-- Jobs: enqueue from SQL inside the writing transaction; graphile-worker runs them only after commit.
create function app_private.enqueue_job(task text, payload json default '{}'::json, run_at timestamptz default null,
  job_key text default null) returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
begin
  perform graphile_worker.add_job(task, payload, run_at => coalesce(run_at, now()), job_key => job_key);
end;
$$;
comment on function app_private.enqueue_job(text, json, timestamptz, text) is
  'Queues a graphile-worker job in the caller''s transaction: it runs once after commit, never after rollback.';

--------------------------------------------------------------------------------------------------
-- Installation facts (e.g. when the demo data was loaded), so one-time steps run once.
create table app_private.installation (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);
comment on table app_private.installation is 'One-time installation facts, e.g. demo_seeded_at; owner-only.';

-- /readyz asks, as the authenticator, whether this database has the server's newest migration.
grant usage on schema graphile_migrate to app_authenticator;
grant select on graphile_migrate.migrations to app_authenticator;

--------------------------------------------------------------------------------------------------
-- Dev outbox: what the message tasks would have sent when no provider credentials are configured
-- (and a delivery log when they are). job_id makes a retried job write its message once.
create table app_private.outbox (
  id bigint generated always as identity primary key,
  job_id bigint not null unique,
  tenant_id uuid references app_public.tenant on delete cascade,
  channel text not null check (channel in ('email', 'sms')),
  recipient text not null check (length(recipient) between 3 and 320),
  subject text,
  body text not null,
  provider text not null default 'dev-outbox',
  created_at timestamptz not null default now()
);
create index outbox_created_at_idx on app_private.outbox (created_at);
comment on table app_private.outbox is
  'Messages the worker sent or, without provider credentials, would have sent (the dev mailbox). Owner-only.';

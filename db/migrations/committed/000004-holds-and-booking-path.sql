--! Previous: sha1:6e4a95377efb02aca4ddabed78ec56cd6108985b
--! Hash: sha1:b6a293bc8a405d46914eb7d356d9cd55163fb312
--! Message: holds and booking path

-- 000004: tentative holds (the Postgres hold store) and the one transactional booking path behind
-- confirmBooking, createBooking, cancelBooking and rescheduleBooking. Advisory locks on resources in a
-- fixed order serialise writers per resource; the exclusion constraint stays the final net.

drop function if exists app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean) cascade;
drop function if exists app_private.cancel_booking(uuid, text) cascade;
drop function if exists app_private.reschedule_booking(uuid, timestamptz, jsonb) cascade;
drop function if exists app_private.hold_place(uuid, uuid, timestamptz, timestamptz, jsonb, integer, text, integer) cascade;
drop function if exists app_private.hold_get(uuid) cascade;
drop function if exists app_private.hold_release(uuid) cascade;
drop function if exists app_private.live_holds(uuid[], tstzrange, uuid) cascade;
drop function if exists app_private.hold_sweep() cascade;
drop function if exists app_private.booking_by_idempotency_key(text) cascade;
drop function if exists app_private.booking_context() cascade;
drop function if exists app_private.lock_resources(uuid, uuid[]) cascade;
drop function if exists app_private.assert_bookable(app_public.service, timestamptz, jsonb) cascade;
drop table if exists app_private.hold cascade;
alter table app_public.tenant drop column if exists hold_ttl_seconds;

--------------------------------------------------------------------------------------------------
-- Tenant setting: how long a hold lasts unless the caller asks for less.
alter table app_public.tenant
  add column hold_ttl_seconds integer not null default 300 check (hold_ttl_seconds between 30 and 1800);
comment on column app_public.tenant.hold_ttl_seconds is 'Default lifetime of a tentative hold, in seconds (30..1800, default 300); requests may ask for less.';
grant update (name, max_search_days, hold_ttl_seconds) on app_public.tenant to app_admin;

-- Writers of one resource queue on one advisory lock; taking them in uuid order means two writers
-- never wait on each other crosswise (no deadlock).
create function app_private.lock_resources(tenant uuid, resource_ids uuid[]) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  select pg_advisory_xact_lock(hashtextextended(tenant::text || ':' || r::text, 0))
  from (select distinct unnest(resource_ids) as r order by 1) ids;
$$;
comment on function app_private.lock_resources(uuid, uuid[]) is 'Transaction advisory locks on resources, in uuid order (no deadlocks).';

--------------------------------------------------------------------------------------------------
-- Holds (the Postgres HoldStore; the Redis store keeps the same data in Redis). A hold blocks other
-- holds on its resources until expires_at; the row is kept until keep_until so an expired hold can
-- still be confirmed if its time is free. Swept by the hold__sweep task.
create table app_private.hold (
  tenant_id uuid not null references app_public.tenant on delete cascade,
  token uuid not null,
  resource_id uuid not null,
  busy tstzrange not null,
  service_id uuid not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  owner text,
  expires_at timestamptz not null,
  keep_until timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, token, resource_id),
  check (keep_until >= expires_at)
);
comment on table app_private.hold is 'Tentative holds of the Postgres hold store: one row per held resource. Owner-only.';
create index hold_resource_busy_idx on app_private.hold using gist (tenant_id, resource_id, busy);
create index hold_keep_until_idx on app_private.hold (keep_until);

create function app_private.live_holds(resource_ids uuid[], search_window tstzrange, except_token uuid default null)
  returns table (resource_id uuid, busy tstzrange, token uuid, expires_at timestamptz)
  language sql stable security definer
  set search_path = pg_catalog, public
as $$
  select h.resource_id, h.busy, h.token, h.expires_at
  from app_private.hold h
  where h.tenant_id = app_public.current_tenant_id() and h.resource_id = any(resource_ids)
    and h.busy && search_window and h.expires_at > clock_timestamp()
    and h.token is distinct from except_token;
$$;
comment on function app_private.live_holds(uuid[], tstzrange, uuid) is 'Unexpired holds on resources of the caller''s tenant in a window, except one token.';

-- Places a hold atomically: under the resources' locks, fails with HLDCF when a live hold of another
-- token overlaps; expired holds in the way are dropped.
create function app_private.hold_place(token uuid, service_id uuid, starts_at timestamptz, ends_at timestamptz,
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
comment on function app_private.hold_place(uuid, uuid, timestamptz, timestamptz, jsonb, integer, text, integer) is
  'Places or extends a hold: resources = [{resourceId, from, to}] busy ranges. HLDCF when another live hold overlaps.';

create function app_private.hold_get(token uuid)
  returns table (resource_id uuid, busy tstzrange, service_id uuid, starts_at timestamptz, ends_at timestamptz, owner text, expires_at timestamptz)
  language sql stable security definer
  set search_path = pg_catalog, public
as $$
  select h.resource_id, h.busy, h.service_id, h.starts_at, h.ends_at, h.owner, h.expires_at
  from app_private.hold h
  where h.tenant_id = app_public.current_tenant_id() and h.token = hold_get.token and h.keep_until > now()
  order by h.resource_id;
$$;
comment on function app_private.hold_get(uuid) is 'The rows of a hold of the caller''s tenant (also after expiry, until keep_until).';

create function app_private.hold_release(token uuid) returns boolean
  language sql volatile security definer
  set search_path = pg_catalog, public
as $$
  with gone as (delete from app_private.hold h where h.tenant_id = app_public.current_tenant_id() and h.token = hold_release.token returning 1)
  select count(*) > 0 from gone;
$$;
comment on function app_private.hold_release(uuid) is 'Releases a hold of the caller''s tenant; true when there was one.';

create function app_private.hold_sweep() returns integer
  language sql volatile
  set search_path = pg_catalog
as $$
  with gone as (delete from app_private.hold where keep_until <= now() returning 1) select count(*)::integer from gone;
$$;
comment on function app_private.hold_sweep() is 'Deletes holds past keep_until (the hold__sweep cron task). Owner-only.';

--------------------------------------------------------------------------------------------------
-- The booking path. Validates what a search would have promised, under the resources' locks.

-- Raises NOTOF unless every resource is free (working hours, overrides, other bookings) for its
-- buffered busy range, the start is inside the notice window and on the service's step grid.
-- resources = [{resourceId, requirementId}].
create function app_private.assert_bookable(svc app_public.service, starts_at timestamptz, resources jsonb) returns void
  language plpgsql stable
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  zone text;
  local timestamp;
  minute integer;
  unfree record;
begin
  if starts_at < now() + make_interval(mins => svc.min_notice_minutes) or starts_at > now() + make_interval(days => svc.max_advance_days) then
    raise exception 'The start % is outside the booking notice window of "%"', starts_at, svc.name
      using errcode = 'NOTOF', detail = 'notice';
  end if;
  select l.time_zone into zone from app_public.location l where l.tenant_id = svc.tenant_id and l.id = svc.location_id;
  local := starts_at at time zone zone;
  minute := extract(hour from local)::integer * 60 + extract(minute from local)::integer;
  -- On the grid: a nominal grid time that reads back as this instant (a DST gap shifts grid times).
  if not (extract(second from local) = 0 and minute % svc.slot_step_minutes = 0 and app_public.to_utc(local, zone) = starts_at)
     and not exists (select 1 from generate_series(0, 1439 / svc.slot_step_minutes) k
                     where app_public.to_utc(local::date + make_interval(mins => k * svc.slot_step_minutes), zone) = starts_at) then
    raise exception 'The start % is not one of the service''s start times (every % min from local midnight)', starts_at, svc.slot_step_minutes
      using errcode = 'NOTOF', detail = 'grid';
  end if;
  select r.id, r.name into unfree
  from jsonb_array_elements(resources) x
  join app_public.resource r on r.tenant_id = svc.tenant_id and r.id = (x->>'resourceId')::uuid
  where not exists (
    select 1 from app_private.free_intervals(array[r.id],
      tstzrange(starts_at - interval '1 day', starts_at + make_interval(mins => svc.duration_minutes) + interval '1 day', '[)')) f
    where f.free @> tstzrange(starts_at - make_interval(mins => svc.buffer_before_minutes + r.buffer_before_minutes),
                              starts_at + make_interval(mins => svc.duration_minutes + svc.buffer_after_minutes + r.buffer_after_minutes), '[)'))
  limit 1;
  if found then
    raise exception 'Resource "%" is not free for this appointment and its buffers', unfree.name
      using errcode = 'SLTKN', detail = unfree.id::text;
  end if;
end;
$$;
comment on function app_private.assert_bookable(app_public.service, timestamptz, jsonb) is
  'NOTOF outside the notice window or off the step grid; SLTKN when a resource is not free for its buffered busy range.';

-- One transaction: idempotency, resource locks, hold check, validation, customer, booking,
-- allocations, the post-booking job, and the hold's release (Postgres store).
create function app_private.book(service_id uuid, starts_at timestamptz, resources jsonb, customer jsonb,
  idempotency_key text, notes text, display_time_zone text, hold_token uuid, postgres_hold boolean)
  returns table (booking_id uuid, replayed boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
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
  required_count integer;
begin
  if tenant is null then
    raise exception 'No tenant for this request' using errcode = '42501';
  end if;
  if not staff and hold_token is null then
    raise exception 'Customers book through a hold (placeHold, then confirmBooking)' using errcode = '42501';
  end if;
  if idempotency_key is not null then
    perform pg_advisory_xact_lock(hashtextextended(tenant::text || ':idempotency:' || idempotency_key, 0));
    select b.id into existing from app_public.booking b where b.tenant_id = tenant and b.idempotency_key = book.idempotency_key;
    if found then
      return query select existing, true;
      return;
    end if;
  end if;
  select s.* into svc from app_public.service s where s.tenant_id = tenant and s.id = service_id and s.active;
  if not found then
    raise exception 'No bookable service % in this tenant', service_id using errcode = 'SVCUK';
  end if;
  ids := array(select (x->>'resourceId')::uuid from jsonb_array_elements(resources) x);
  if cardinality(ids) = 0 or cardinality(ids) <> (select count(distinct i) from unnest(ids) i) then
    raise exception 'A booking needs distinct resources' using errcode = 'NOTOF', detail = 'resources';
  end if;
  -- Every resource must be a candidate of the requirement it fills, and every required requirement filled.
  if exists (
    select 1 from jsonb_array_elements(resources) x
    where not exists (select 1 from app_public.service_requirement q
                      cross join lateral app_public.requirement_candidates(q.id) c
                      where q.tenant_id = tenant and q.service_id = svc.id and q.id = (x->>'requirementId')::uuid
                        and c.resource_id = (x->>'resourceId')::uuid)) then
    raise exception 'A resource does not match the requirement it is booked for' using errcode = 'NOTOF', detail = 'resources';
  end if;
  select count(*) into required_count from app_public.service_requirement q
  where q.tenant_id = tenant and q.service_id = svc.id and q.required
    and q.quantity > (select count(*) from jsonb_array_elements(resources) x where (x->>'requirementId')::uuid = q.id);
  if required_count > 0 then
    raise exception 'Not every required resource of "%" is booked', svc.name using errcode = 'NOTOF', detail = 'resources';
  end if;
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

  insert into app_public.booking (tenant_id, service_id, customer_id, status, starts_at, display_time_zone, idempotency_key, created_by, notes)
  values (tenant, svc.id, customer_id, 'confirmed', starts_at, display_time_zone, idempotency_key,
          (select u.id from app_public.app_user u where u.id = app_public.current_user_id()), notes)
  returning id into new_booking;
  insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id)
  select tenant, new_booking, (x->>'resourceId')::uuid, (x->>'requirementId')::uuid from jsonb_array_elements(resources) x;
  perform app_private.enqueue_job('booking__confirmed', json_build_object('tenantId', tenant, 'bookingId', new_booking));
  if postgres_hold and hold_token is not null then
    delete from app_private.hold h where h.tenant_id = tenant and h.token = hold_token;
  end if;
  return query select new_booking, false;
exception
  when exclusion_violation then
    raise exception 'The time was taken by another booking' using errcode = 'SLTKN';
end;
$$;
comment on function app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean) is
  'The one booking transaction: idempotency, resource locks, hold, validation, customer, booking, allocations, job. SLTKN/HLDEX/NOTOF on failure.';

create function app_private.cancel_booking(booking_id uuid, reason text) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  b app_public.booking;
begin
  select * into b from app_public.booking x where x.tenant_id = tenant and x.id = booking_id for update;
  if not found or not (current_setting('role', true) in ('app_staff', 'app_admin')
                       or exists (select 1 from app_public.customer c where c.tenant_id = tenant and c.id = b.customer_id and c.user_id = app_public.current_user_id())) then
    raise exception 'No booking % that you may change', booking_id using errcode = 'BKGUK';
  end if;
  if b.status in ('pending_approval', 'confirmed') then
    update app_public.booking x set status = 'cancelled', notes = concat_ws(E'\n', x.notes, 'Cancelled: ' || reason)
    where x.tenant_id = tenant and x.id = booking_id;
    perform app_private.enqueue_job('booking__cancelled', json_build_object('tenantId', tenant, 'bookingId', booking_id));
  end if;
  return booking_id;
end;
$$;
comment on function app_private.cancel_booking(uuid, text) is 'Cancels a booking (staff, or the customer who owns it); frees its resources. BKGUK if not visible.';

-- Moves a booking atomically: its allocations are removed, the new time validated and booked; any
-- failure rolls everything back, so on conflict nothing changes.
create function app_private.reschedule_booking(booking_id uuid, starts_at timestamptz, resources jsonb) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_variable
declare
  tenant uuid := app_public.current_tenant_id();
  b app_public.booking;
  svc app_public.service;
  old_ids uuid[];
  new_ids uuid[] := array(select (x->>'resourceId')::uuid from jsonb_array_elements(resources) x);
begin
  if current_setting('role', true) not in ('app_staff', 'app_admin') then
    raise exception 'Only staff reschedule bookings' using errcode = '42501';
  end if;
  select * into b from app_public.booking x where x.tenant_id = tenant and x.id = booking_id for update;
  if not found or b.status not in ('pending_approval', 'confirmed') then
    raise exception 'No active booking % in this tenant', booking_id using errcode = 'BKGUK';
  end if;
  select * into svc from app_public.service s where s.tenant_id = tenant and s.id = b.service_id;
  old_ids := array(select a.resource_id from app_public.booking_allocation a where a.tenant_id = tenant and a.booking_id = b.id);
  perform app_private.lock_resources(tenant, old_ids || new_ids);
  delete from app_public.booking_allocation a where a.tenant_id = tenant and a.booking_id = b.id;
  perform app_private.assert_bookable(svc, starts_at, resources);
  update app_public.booking x set starts_at = reschedule_booking.starts_at, ends_at = reschedule_booking.starts_at + make_interval(mins => svc.duration_minutes)
  where x.tenant_id = tenant and x.id = b.id;
  insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id)
  select tenant, b.id, (x->>'resourceId')::uuid, (x->>'requirementId')::uuid from jsonb_array_elements(resources) x;
  perform app_private.enqueue_job('booking__rescheduled', json_build_object('tenantId', tenant, 'bookingId', b.id));
  return b.id;
exception
  when exclusion_violation then
    raise exception 'The new time was taken by another booking' using errcode = 'SLTKN';
end;
$$;
comment on function app_private.reschedule_booking(uuid, timestamptz, jsonb) is 'Moves a booking to a new start and resources in one transaction; SLTKN/NOTOF leave it unchanged.';

-- What the API needs before it books: the request's tenant and its hold lifetime.
create function app_private.booking_context() returns table (tenant_id uuid, hold_ttl_seconds integer)
  language sql stable security definer
  set search_path = pg_catalog, public
as $$
  select t.id, t.hold_ttl_seconds from app_public.tenant t where t.id = app_public.current_tenant_id();
$$;
comment on function app_private.booking_context() is 'The caller''s tenant id and hold lifetime (one row, or none without a tenant).';

-- A retried confirmation finds the booking its first attempt made, even after the hold is gone.
create function app_private.booking_by_idempotency_key(idempotency_key text)
  returns table (booking_id uuid, service_id uuid, starts_at timestamptz, ends_at timestamptz, status app_public.booking_status)
  language sql stable security definer
  set search_path = pg_catalog, public
as $$
  select b.id, b.service_id, b.starts_at, b.ends_at, b.status from app_public.booking b
  where b.tenant_id = app_public.current_tenant_id() and b.idempotency_key = booking_by_idempotency_key.idempotency_key;
$$;
comment on function app_private.booking_by_idempotency_key(text) is 'The booking made with this idempotency key in the caller''s tenant, if any.';

grant execute on function app_private.booking_context(), app_private.booking_by_idempotency_key(text) to app_anonymous, app_customer, app_staff, app_admin;
grant execute on function app_private.live_holds(uuid[], tstzrange, uuid),
  app_private.hold_place(uuid, uuid, timestamptz, timestamptz, jsonb, integer, text, integer),
  app_private.hold_get(uuid), app_private.hold_release(uuid),
  app_private.book(uuid, timestamptz, jsonb, jsonb, text, text, text, uuid, boolean)
  to app_anonymous, app_customer, app_staff, app_admin;
grant execute on function app_private.cancel_booking(uuid, text) to app_customer, app_staff, app_admin;
grant execute on function app_private.reschedule_booking(uuid, timestamptz, jsonb) to app_staff, app_admin;

-- Bookings and allocations change only through the booking path (and cancelBooking /
-- rescheduleBooking), never through generated CRUD that would skip its checks.
comment on table app_public.booking is E'@behavior -insert -update -delete\nWhat a customer booked: a service at an instant; its resources are in booking_allocation. Written by createBooking, confirmBooking, cancelBooking and rescheduleBooking.';
comment on table app_public.booking_allocation is
  E'@behavior -insert -update -delete\nOne resource used by a booking. busy = the appointment plus the service''s and the resource''s buffers; no two active allocations of a resource overlap.';

--! Previous: sha1:1e4ae75c6d4fe6eb2af6353e2eea0cbfce486dde
--! Hash: sha1:6e4a95377efb02aca4ddabed78ec56cd6108985b
--! Message: search context

-- 000003: what the TypeScript search engine reads. One call gathers everything a multi-resource
-- search needs (service, requirements, candidates with weights and buffers, free intervals), so an
-- availableSlots request costs one round trip; another gathers the layers behind free time
-- (working hours, overrides with their reasons, bookings) so explainAvailability can say why.
-- Free time still comes from app_private.free_intervals: one source of truth.

drop function if exists app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid) cascade;
drop function if exists app_hidden.slot_explain_context(uuid, timestamptz, text) cascade;
drop function if exists app_private.availability_layers(uuid[], tstzrange) cascade;
drop function if exists app_hidden.search_requirements(app_public.service) cascade;

-- Requirements of a service with their candidates (best weight first), as JSON. Raises NOCND when a
-- required requirement has fewer candidates than it needs, or the service needs nothing.
create function app_hidden.search_requirements(svc app_public.service) returns jsonb
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  result jsonb;
  short record;
begin
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', q.id, 'name', q.name, 'quantity', q.quantity, 'required', q.required, 'kind', q.resource_kind,
           'candidates', coalesce((
             select jsonb_agg(jsonb_build_object('resourceId', r.id, 'name', r.name, 'weight', c.weight,
                      'bufferBeforeMinutes', r.buffer_before_minutes, 'bufferAfterMinutes', r.buffer_after_minutes)
                    order by c.weight desc, r.name, r.id)
             from app_public.requirement_candidates(q.id) c
             join app_public.resource r on r.id = c.resource_id), '[]'::jsonb))
         order by q.required desc, q.name), '[]'::jsonb)
    into result
  from app_public.service_requirement q
  where q.tenant_id = svc.tenant_id and q.service_id = svc.id;
  if jsonb_array_length(result) = 0 then
    raise exception 'Service "%" has no resource requirements, so it cannot be booked', svc.name
      using errcode = 'NOCND', hint = 'Add a service_requirement (e.g. one practitioner).';
  end if;
  select r->>'name' as name, (r->>'quantity')::int as quantity, jsonb_array_length(r->'candidates') as available into short
  from jsonb_array_elements(result) r
  where (r->>'required')::boolean and jsonb_array_length(r->'candidates') < (r->>'quantity')::int
  limit 1;
  if found then
    raise exception 'Service "%" cannot be booked: requirement "%" needs % resource(s) and % match', svc.name, short.name, short.quantity, short.available
      using errcode = 'NOCND', hint = 'Check the requirement''s kind and tags against the active resources at the service''s location.';
  end if;
  return result;
end;
$$;
comment on function app_hidden.search_requirements(app_public.service) is
  'A service''s requirements with candidates (JSON); NOCND when a required one cannot be filled by any set of active resources.';

create function app_hidden.slot_search_context(service_id uuid, search_from timestamptz, search_to timestamptz,
  display_time_zone text default null, location_id uuid default null) returns jsonb
  language plpgsql stable
  set search_path = pg_catalog
as $$
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
  select coalesce(jsonb_object_agg(g.resource_id, g.intervals), '{}'::jsonb) into free
  from (
    select f.resource_id,
           jsonb_agg(jsonb_build_array((extract(epoch from lower(f.free)) * 1000)::bigint, (extract(epoch from upper(f.free)) * 1000)::bigint)
                     order by lower(f.free)) as intervals
    from app_private.free_intervals(candidate_ids, tstzrange(search_from - margin, search_to + margin, '[)')) f
    group by f.resource_id
  ) g;
  return jsonb_build_object(
    'now', (extract(epoch from now()) * 1000)::bigint,
    'service', jsonb_build_object('id', svc.id, 'name', svc.name, 'durationMinutes', svc.duration_minutes,
      'bufferBeforeMinutes', svc.buffer_before_minutes, 'bufferAfterMinutes', svc.buffer_after_minutes,
      'minNoticeMinutes', svc.min_notice_minutes, 'maxAdvanceDays', svc.max_advance_days, 'slotStepMinutes', svc.slot_step_minutes,
      'locationId', svc.location_id),
    'locationTimeZone', zone,
    'displayTimeZone', coalesce(display_time_zone, zone),
    'requirements', requirements,
    'free', free);
end;
$$;
comment on function app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid) is
  'Everything the availableSlots engine needs for one search, as JSON, in one call. Raises WINUB, WINLG, SVCUK, TZINV, NOCND, or 22000 for a reversed window.';

-- The layers behind free time, per resource, around a window: working hours (templates), open and
-- closed overrides with their reasons, and active allocations. Definer for the same reason as
-- free_intervals (customers may not read bookings); it returns no customer or booking details.
create function app_private.availability_layers(resource_ids uuid[], search_window tstzrange)
  returns table (resource_id uuid, layer text, during tstzrange, reason text)
  language plpgsql stable security definer
  set search_path = pg_catalog, public
as $$
#variable_conflict use_column
begin
  return query
  with res as (
    select r.id, r.location_id, r.tenant_id
    from app_public.resource r
    where r.tenant_id = app_public.current_tenant_id() and r.id = any(resource_ids)
  )
  select t.resource_id, 'working'::text,
         tstzrange(s.starts, greatest(s.starts, s.ends), '[)'), null::text
  from res
  join app_public.availability_template t on t.tenant_id = res.tenant_id and t.resource_id = res.id
  cross join lateral generate_series(((lower(search_window) at time zone t.time_zone)::date - 1)::timestamp,
                                     ((upper(search_window) at time zone t.time_zone)::date)::timestamp, interval '1 day') d
  cross join lateral (select app_public.to_utc(d::date + t.start_time, t.time_zone) as starts,
                             app_public.to_utc(d::date + t.end_time, t.time_zone) as ends) s
  where extract(isodow from d) = t.weekday
    and (t.valid_from is null or d::date >= t.valid_from)
    and (t.valid_to is null or d::date <= t.valid_to)
    and tstzrange(s.starts, greatest(s.starts, s.ends), '[)') && search_window
  union all
  select res.id, o.kind::text, o.during,
         coalesce(o.reason, case o.kind when 'closed' then 'Closed' else 'Extra hours' end)
         || case when o.location_id is not null then ' (whole location)' else '' end
  from res
  join app_public.availability_override o on o.tenant_id = res.tenant_id
    and (o.resource_id = res.id or o.location_id = res.location_id) and o.during && search_window
  union all
  select a.resource_id, 'booked', a.busy, null
  from app_public.booking_allocation a
  join res on a.tenant_id = res.tenant_id and a.resource_id = res.id
  where a.active and a.busy && search_window;
end;
$$;
comment on function app_private.availability_layers(uuid[], tstzrange) is
  'Working hours, overrides (with reasons) and active allocations of resources of the caller''s tenant around a window, for explanations.';
grant execute on function app_private.availability_layers(uuid[], tstzrange) to app_anonymous, app_customer, app_staff, app_admin;

create function app_hidden.slot_explain_context(service_id uuid, start_at timestamptz, display_time_zone text default null) returns jsonb
  language plpgsql stable
  set search_path = pg_catalog
as $$
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
  select coalesce(jsonb_object_agg(g.resource_id, g.intervals), '{}'::jsonb) into free
  from (
    select f.resource_id,
           jsonb_agg(jsonb_build_array((extract(epoch from lower(f.free)) * 1000)::bigint, (extract(epoch from upper(f.free)) * 1000)::bigint)
                     order by lower(f.free)) as intervals
    from app_private.free_intervals(candidate_ids, around) f
    group by f.resource_id
  ) g;
  return jsonb_build_object(
    'now', (extract(epoch from now()) * 1000)::bigint,
    'service', jsonb_build_object('id', svc.id, 'name', svc.name, 'durationMinutes', svc.duration_minutes,
      'bufferBeforeMinutes', svc.buffer_before_minutes, 'bufferAfterMinutes', svc.buffer_after_minutes,
      'minNoticeMinutes', svc.min_notice_minutes, 'maxAdvanceDays', svc.max_advance_days, 'slotStepMinutes', svc.slot_step_minutes,
      'locationId', svc.location_id),
    'locationTimeZone', zone,
    'displayTimeZone', coalesce(display_time_zone, zone),
    'requirements', requirements,
    'free', free,
    'layers', layers);
end;
$$;
comment on function app_hidden.slot_explain_context(uuid, timestamptz, text) is
  'What explainAvailability needs for one start time: the search context plus each candidate''s availability layers.';

grant execute on function app_hidden.search_requirements(app_public.service),
  app_hidden.slot_search_context(uuid, timestamptz, timestamptz, text, uuid),
  app_hidden.slot_explain_context(uuid, timestamptz, text)
  to app_anonymous, app_customer, app_staff, app_admin;

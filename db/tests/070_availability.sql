-- Availability: resource_free_intervals (weekly templates expanded DST-correctly in their zone, plus
-- open overrides, minus closed overrides of the resource or its location, minus active allocations
-- with their buffers; merged, sorted, clipped to the window) and available_slots (a grid from local
-- midnight at the service's location, the notice window relative to now(), buffers, the best
-- preference weight), with their errors WINUB, WINLG, RESUK, SVCUK and SVCMR.
-- resource_free_intervals does not depend on now(), so it is checked on fixed dates (the 2026 DST
-- weeks); available_slots only offers future starts, so its windows are computed from now() (a
-- Monday four weeks ahead, and next year's DST Sundays) and kept in transaction-local settings tap.*.
begin;
select plan(59);

-- Dates for available_slots, as the superuser: a Monday four weeks ahead; the second Sunday of March
-- (US spring-forward) and the first Sunday of October (Lord Howe spring-forward) of next year.
select set_config('tap.monday', (date_trunc('week', now() at time zone 'UTC')::date + 28)::text, true),
       set_config('tap.us_spring', (make_date(extract(year from now())::int + 1, 3, 8)
         + (7 - extract(isodow from make_date(extract(year from now())::int + 1, 3, 8))::int) % 7)::text, true),
       set_config('tap.lh_spring', (make_date(extract(year from now())::int + 1, 10, 1)
         + (7 - extract(isodow from make_date(extract(year from now())::int + 1, 10, 1))::int) % 7)::text, true);

-- available_slots through a wrapper that turns an error into a WARNING (shown as a diagnostic) and no
-- rows, so a failing call fails its own assertion instead of aborting the file. Error codes are
-- checked with throws_ok on app_public.available_slots itself.
create function pg_temp.tap_slots(service uuid, during tstzrange)
  returns table (start_at timestamptz, end_at timestamptz, resource_id uuid)
  language plpgsql
as $$
begin
  return query select s.start_at, s.end_at, s.resource_id from app_public.available_slots(service, during) s;
exception when others then
  raise warning 'available_slots(%, %) as % raised %: %', service, during, current_user, sqlstate, sqlerrm;
end;
$$;

-- Fixture, as the superuser: three tenants of our own (no reliance on seed data); tap-gamma allows
-- searches of at most 7 days.
insert into app_public.tenant (id, slug, name, max_search_days) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics', 62),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs', 62),
  ('c0000000-0000-4000-8000-0000000000c3', 'tap-gamma', 'Tap Gamma Studio', 7);
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Manhattan', 'America/New_York'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000002', 'Alpha Tempe', 'America/Phoenix'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000003', 'Alpha Lord Howe', 'Australia/Lord_Howe'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000004', 'Alpha Online', 'UTC'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000005', 'Alpha Uptown', 'America/New_York'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000006', 'Alpha Kathmandu', 'Asia/Kathmandu'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Campus', 'America/New_York'),
  ('c0000000-0000-4000-8000-0000000000c3', 'c1000000-0000-4000-8000-000000000001', 'Gamma Studio', 'UTC');
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, active, buffer_before_minutes, buffer_after_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Nadia', '{}', true, 0, 15),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Noor', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'room', 'Retired Room', '{}', false, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000002', 'practitioner', 'Pat', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000005', 'a1000000-0000-4000-8000-000000000003', 'practitioner', 'Lou', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000006', 'a1000000-0000-4000-8000-000000000004', 'virtual', 'Ann', '{ann}', true, 0, 15),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000007', 'a1000000-0000-4000-8000-000000000004', 'virtual', 'Bob', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000008', 'a1000000-0000-4000-8000-000000000004', 'equipment', 'Always On', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000009', 'a1000000-0000-4000-8000-000000000005', 'practitioner', 'Uma', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000010', 'a1000000-0000-4000-8000-000000000006', 'practitioner', 'Kiran', '{}', true, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000011', 'a1000000-0000-4000-8000-000000000001', 'room', 'Night Desk', '{}', true, 0, 0),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'practitioner', 'Beta Practitioner', '{}', true, 0, 0),
  ('c0000000-0000-4000-8000-0000000000c3', 'c2000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000001', 'room', 'Gamma Room', '{}', true, 0, 0);
-- Working hours (the zone defaults to the resource's location's): Monday to Friday 09:00-17:00 for
-- the practitioners in New York, Phoenix and the tap-beta one; every day 09:00-10:00 in Lord Howe,
-- 09:00-12:00 in Kathmandu and 09:00-17:00 online; around the clock for the equipment.
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  select t, r, wd, '09:00', '17:00'
    from (values ('a0000000-0000-4000-8000-0000000000a1'::uuid, 'a2000000-0000-4000-8000-000000000001'::uuid), ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000002'), ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000003'), ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000004'), ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000009'), ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001')) x(t, r)
    cross join generate_series(1, 5) wd;
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  select 'a0000000-0000-4000-8000-0000000000a1', r, wd, s, e
    from (values ('a2000000-0000-4000-8000-000000000005'::uuid, '09:00'::time, '10:00'::time), ('a2000000-0000-4000-8000-000000000010', '09:00', '12:00'), ('a2000000-0000-4000-8000-000000000006', '09:00', '17:00'),
                 ('a2000000-0000-4000-8000-000000000007', '09:00', '17:00'), ('a2000000-0000-4000-8000-000000000008', '00:00', '24:00')) x(r, s, e)
    cross join generate_series(1, 7) wd;
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  select 'c0000000-0000-4000-8000-0000000000c3', 'c2000000-0000-4000-8000-000000000001', wd, '00:00', '24:00' from generate_series(1, 7) wd;
-- The night desk opens on Sundays 02:30-03:00 New York time, which on 2026-03-08 lies in the gap.
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  values ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000011', 7, '02:30', '03:00');
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, buffer_before_minutes, buffer_after_minutes,
    slot_step_minutes, min_notice_minutes, max_advance_days, active) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Manhattan Consult', 60, 15, 15, 15, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000002', 'Tempe Consult', 60, 0, 0, 60, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000003', 'Lord Howe Consult', 30, 0, 0, 30, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000004', 'Ann Only', 60, 15, 15, 15, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000005', 'a1000000-0000-4000-8000-000000000004', 'Either Host', 60, 0, 0, 60, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000006', 'a1000000-0000-4000-8000-000000000004', 'Quick Call', 30, 0, 0, 30, 120, 2, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000007', 'a1000000-0000-4000-8000-000000000004', 'Nothing Required', 30, 0, 0, 30, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000008', 'a1000000-0000-4000-8000-000000000004', 'Two Hosts', 30, 0, 0, 30, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000009', 'a1000000-0000-4000-8000-000000000004', 'Pair Of Devices', 30, 0, 0, 30, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000010', 'a1000000-0000-4000-8000-000000000004', 'Retired Call', 30, 0, 0, 30, 0, 730, false),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000011', 'a1000000-0000-4000-8000-000000000005', 'Uptown Consult', 60, 0, 0, 60, 0, 730, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000012', 'a1000000-0000-4000-8000-000000000006', 'Kathmandu Consult', 60, 0, 0, 60, 0, 730, true),
  ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'Beta Consult', 60, 0, 0, 60, 0, 730, true);
insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags, quantity, required) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'Practitioner', 'practitioner', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'Practitioner', 'practitioner', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000003', 'Practitioner', 'practitioner', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000004', 'Ann', 'virtual', '{ann}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000005', 'Host', 'virtual', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000006', 'Line', 'equipment', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000007', 'Optional Host', 'virtual', '{}', 1, false),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000008', 'First Host', 'virtual', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000008', 'Second Host', 'virtual', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000009', 'Devices', 'equipment', '{}', 2, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000010', 'Line', 'equipment', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000011', 'Practitioner', 'practitioner', '{}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000012', 'Practitioner', 'practitioner', '{}', 1, true),
  ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'Practitioner', 'practitioner', '{}', 1, true);
insert into app_public.customer (tenant_id, id, name) values ('a0000000-0000-4000-8000-0000000000a1', 'a8000000-0000-4000-8000-000000000001', 'Ann Customer'), ('b0000000-0000-4000-8000-0000000000b2', 'b8000000-0000-4000-8000-000000000001', 'Beta Customer');
-- Overrides in local time (during is computed in the resource's or location's zone):
-- Nadia's holiday on Thursday 2026-03-05, her Saturday clinic 10:00-12:00 on 2026-03-07, an extra
-- hour 17:00-18:00 on Friday 2026-03-06 (adjacent to her template), and a fire drill closing the
-- whole Manhattan location 12:00-13:00 on Tuesday 2026-03-10 (after the spring-forward).
insert into app_public.availability_override (tenant_id, resource_id, location_id, kind, reason, starts_local, ends_local) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', null, 'closed', 'Holiday', '2026-03-05 00:00', '2026-03-06 00:00'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', null, 'open', 'Saturday clinic', '2026-03-07 10:00', '2026-03-07 12:00'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', null, 'open', 'Late Friday', '2026-03-06 17:00', '2026-03-06 18:00'),
  ('a0000000-0000-4000-8000-0000000000a1', null, 'a1000000-0000-4000-8000-000000000001', 'closed', 'Fire drill', '2026-03-10 12:00', '2026-03-10 13:00');
-- Nadia's bookings: Monday 2026-03-09 10:00-11:00 EDT (confirmed; busy 09:45-11:15 + her 15 minutes of
-- turnover = 13:45Z-15:30Z) and Friday 2026-03-06 10:00-11:00 EST (cancelled).
insert into app_public.booking (tenant_id, id, service_id, customer_id, status, starts_at) values
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2026-03-09 14:00Z'),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000002', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2026-03-06 15:00Z');
insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001'), ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001');
update app_public.booking set status = 'cancelled' where id = 'aa000000-0000-4000-8000-000000000002';
-- Ann's online booking on the Monday four weeks ahead, 10:00-11:00 UTC (busy 09:45-11:30), and Bob's
-- on the Wednesday after it, 13:00-14:00.
insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) values
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000003', 'a3000000-0000-4000-8000-000000000004', 'a8000000-0000-4000-8000-000000000001', (current_setting('tap.monday')::date + time '10:00') at time zone 'UTC'),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000004', 'a3000000-0000-4000-8000-000000000005', 'a8000000-0000-4000-8000-000000000001', (current_setting('tap.monday')::date + 2 + time '13:00') at time zone 'UTC');
insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000003', 'a2000000-0000-4000-8000-000000000006'), ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000004', 'a2000000-0000-4000-8000-000000000007');

--------------------------------------------------------------------------------------------------
-- Fixture sanity: the triggers resolved zones and local times.

-- should succeed: templates took the zone of the resource's location
select results_eq($$select distinct time_zone::text from app_public.availability_template where resource_id = 'a2000000-0000-4000-8000-000000000001'$$,
  array['America/New_York'], 'Nadia''s templates are in America/New_York');
-- should succeed: a local-time override resolves in the resource's zone (EST on 2026-03-05)
select is((select during from app_public.availability_override where reason = 'Holiday'), '[2026-03-05 05:00Z, 2026-03-06 05:00Z)'::tstzrange,
  'the holiday 2026-03-05 00:00-24:00 local is 05:00Z-05:00Z');
-- should succeed: a location's override resolves in the location's zone (EDT on 2026-03-10)
select is((select during from app_public.availability_override where reason = 'Fire drill'), '[2026-03-10 16:00Z, 2026-03-10 17:00Z)'::tstzrange,
  'the fire drill 12:00-13:00 local is 16:00Z-17:00Z');
-- should succeed: the cancelled booking's allocation is inactive, the confirmed one's active and buffered
select results_eq($$select booking_id, busy, active from app_public.booking_allocation where resource_id = 'a2000000-0000-4000-8000-000000000001' order by busy$$,
  $$values ('aa000000-0000-4000-8000-000000000002'::uuid, '[2026-03-06 14:45Z, 2026-03-06 16:30Z)'::tstzrange, false), ('aa000000-0000-4000-8000-000000000001'::uuid, '[2026-03-09 13:45Z, 2026-03-09 15:30Z)'::tstzrange, true)$$,
  'Nadia''s allocations: the cancelled one inactive, the confirmed one busy 13:45Z-15:30Z');

--------------------------------------------------------------------------------------------------
-- resource_free_intervals: Mon-Fri 09:00-17:00 in New York across the 2026-03-08 spring-forward.

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: 09:00 EST is 14:00Z before the change, 09:00 EDT is 13:00Z after (location closure on 03-10 included)
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-02 00:00Z, 2026-03-14 00:00Z)')$$,
  $$values ('[2026-03-02 14:00Z, 2026-03-02 22:00Z)'::tstzrange), ('[2026-03-03 14:00Z, 2026-03-03 22:00Z)'::tstzrange), ('[2026-03-04 14:00Z, 2026-03-04 22:00Z)'::tstzrange), ('[2026-03-05 14:00Z, 2026-03-05 22:00Z)'::tstzrange), ('[2026-03-06 14:00Z, 2026-03-06 22:00Z)'::tstzrange), ('[2026-03-09 13:00Z, 2026-03-09 21:00Z)'::tstzrange), ('[2026-03-10 13:00Z, 2026-03-10 16:00Z)'::tstzrange), ('[2026-03-10 17:00Z, 2026-03-10 21:00Z)'::tstzrange), ('[2026-03-11 13:00Z, 2026-03-11 21:00Z)'::tstzrange), ('[2026-03-12 13:00Z, 2026-03-12 21:00Z)'::tstzrange), ('[2026-03-13 13:00Z, 2026-03-13 21:00Z)'::tstzrange)$$,
  'Noor, 2026-03-02..13: 14:00Z-22:00Z before the spring-forward, 13:00Z-21:00Z after');
-- should succeed: and back across the 2026-11-01 fall-back
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-10-29 00:00Z, 2026-11-04 00:00Z)')$$,
  $$values ('[2026-10-29 13:00Z, 2026-10-29 21:00Z)'::tstzrange), ('[2026-10-30 13:00Z, 2026-10-30 21:00Z)'::tstzrange), ('[2026-11-02 14:00Z, 2026-11-02 22:00Z)'::tstzrange), ('[2026-11-03 14:00Z, 2026-11-03 22:00Z)'::tstzrange)$$,
  'Noor, 2026-10-29..11-03: 13:00Z-21:00Z before the fall-back, 14:00Z-22:00Z after');
-- should succeed: working hours inside the spring-forward gap give an empty day there (both ends shift; no error)
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000011', '[2026-03-01 00:00Z, 2026-03-16 00:00Z)')$$,
  $$values ('[2026-03-01 07:30Z, 2026-03-01 08:00Z)'::tstzrange), ('[2026-03-15 06:30Z, 2026-03-15 07:00Z)'::tstzrange)$$,
  'Night Desk: Sundays 02:30-03:00 are 07:30Z (EST) and 06:30Z (EDT); nothing on 2026-03-08');
-- should succeed: the window clips the intervals
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-06 15:00Z, 2026-03-06 16:00Z)')$$,
  $$values ('[2026-03-06 15:00Z, 2026-03-06 16:00Z)'::tstzrange)$$,
  'a one-hour window inside working hours returns exactly the window');
-- should succeed (returns nothing): the weekend has no working hours
select is_empty($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-07 00:00Z, 2026-03-09 00:00Z)')$$,
  'Noor has no free time on the weekend of 2026-03-07');

-- Overrides and allocations (Nadia).
-- should succeed (returns nothing): a closed override of the resource (holiday) removes the day
select is_empty($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-05 00:00Z, 2026-03-06 00:00Z)')$$,
  'Nadia has no free time on her holiday 2026-03-05');
-- should succeed: the holiday is Nadia's only: Noor works that day
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-05 00:00Z, 2026-03-06 00:00Z)')$$,
  $$values ('[2026-03-05 14:00Z, 2026-03-05 22:00Z)'::tstzrange)$$,
  'Noor is free 14:00Z-22:00Z on 2026-03-05');
-- should succeed: an open override adds hours (Saturday clinic 10:00-12:00 EST)
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-07 00:00Z, 2026-03-08 00:00Z)')$$,
  $$values ('[2026-03-07 15:00Z, 2026-03-07 17:00Z)'::tstzrange)$$,
  'Nadia is free 15:00Z-17:00Z on Saturday 2026-03-07');
-- should succeed: an adjacent open override merges with the template; the cancelled booking carves nothing
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-06 00:00Z, 2026-03-07 00:00Z)')$$,
  $$values ('[2026-03-06 14:00Z, 2026-03-06 23:00Z)'::tstzrange)$$,
  'Nadia is free 14:00Z-23:00Z on 2026-03-06 (one merged interval, cancelled booking ignored)');
-- should succeed: an active allocation carves out its busy range, buffers included (13:45Z-15:30Z)
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-09 00:00Z, 2026-03-10 00:00Z)')$$,
  $$values ('[2026-03-09 13:00Z, 2026-03-09 13:45Z)'::tstzrange), ('[2026-03-09 15:30Z, 2026-03-09 21:00Z)'::tstzrange)$$,
  'Nadia on 2026-03-09: free 13:00Z-13:45Z and 15:30Z-21:00Z');
-- should succeed: a closed override of the location removes time for its resources (12:00-13:00 EDT)
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-10 00:00Z, 2026-03-11 00:00Z)')$$,
  $$values ('[2026-03-10 13:00Z, 2026-03-10 16:00Z)'::tstzrange), ('[2026-03-10 17:00Z, 2026-03-10 21:00Z)'::tstzrange)$$,
  'Nadia on 2026-03-10: the fire drill 16:00Z-17:00Z is removed');
-- should succeed: all of it together, merged and sorted
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-05 00:00Z, 2026-03-11 00:00Z)')$$,
  $$values ('[2026-03-06 14:00Z, 2026-03-06 23:00Z)'::tstzrange), ('[2026-03-07 15:00Z, 2026-03-07 17:00Z)'::tstzrange), ('[2026-03-09 13:00Z, 2026-03-09 13:45Z)'::tstzrange), ('[2026-03-09 15:30Z, 2026-03-09 21:00Z)'::tstzrange), ('[2026-03-10 13:00Z, 2026-03-10 16:00Z)'::tstzrange), ('[2026-03-10 17:00Z, 2026-03-10 21:00Z)'::tstzrange)$$,
  'Nadia 2026-03-05..10: holiday, Friday extension, Saturday clinic, booking and fire drill');
-- should succeed (returns nothing): no two returned intervals touch or overlap, and they come in order
select is_empty(
  $$select f from (select f, lag(f) over () as prev from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-01 00:00Z, 2026-03-31 00:00Z)') f) x
     where prev is not null and upper(prev) >= lower(f)$$,
  'Nadia''s free intervals in March 2026 are merged and sorted');
-- should succeed (returns nothing): an inactive resource has no free time
select is_empty($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000003', '[2026-03-02 00:00Z, 2026-03-07 00:00Z)')$$,
  'the inactive room has no free time although it has templates');
reset role;

-- Every API role computes from all allocations (free_intervals is SECURITY DEFINER), filtered to its tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous visitors see the booking carved out although they cannot read bookings
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-09 00:00Z, 2026-03-10 00:00Z)')$$,
  $$values ('[2026-03-09 13:00Z, 2026-03-09 13:45Z)'::tstzrange), ('[2026-03-09 15:30Z, 2026-03-09 21:00Z)'::tstzrange)$$,
  'anonymous: Nadia on 2026-03-09 is free 13:00Z-13:45Z and 15:30Z-21:00Z');
-- should fail with RESUK: an inactive resource is invisible to anonymous visitors
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000003', '[2026-03-02 00:00Z, 2026-03-07 00:00Z)')$$, 'RESUK', null,
  'anonymous asking for the inactive room gets RESUK');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: so do customers
select results_eq(
  $$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000001', '[2026-03-09 00:00Z, 2026-03-10 00:00Z)')$$,
  $$values ('[2026-03-09 13:00Z, 2026-03-09 13:45Z)'::tstzrange), ('[2026-03-09 15:30Z, 2026-03-09 21:00Z)'::tstzrange)$$,
  'customer: Nadia on 2026-03-09 is free 13:00Z-13:45Z and 15:30Z-21:00Z');
reset role;

--------------------------------------------------------------------------------------------------
-- resource_free_intervals: errors.

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with WINUB: an empty window
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', 'empty')$$, 'WINUB', null, 'resource_free_intervals with an empty window raises WINUB');
-- should fail with WINUB: a window without an end
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-02 00:00Z,)')$$, 'WINUB', null, 'resource_free_intervals with a window without an end raises WINUB');
-- should fail with WINUB: a window without a start
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '(,2026-03-02 00:00Z)')$$, 'WINUB', null, 'resource_free_intervals with a window without a start raises WINUB');
-- should fail with WINUB: no window at all
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', null)$$, 'WINUB', null, 'resource_free_intervals with a null window raises WINUB');
-- should fail with 22000: a reversed window is not a range at all
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', tstzrange('2026-03-10 00:00Z', '2026-03-02 00:00Z'))$$, '22000', null,
  'a reversed window raises 22000');
-- should succeed: exactly 62 days (the default max_search_days)
select lives_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-01 00:00Z, 2026-05-02 00:00Z)')$$, 'a 62-day window is accepted');
-- should fail with WINLG: one second more
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-01 00:00Z, 2026-05-02 00:00:01Z)')$$, 'WINLG', null, 'a window of 62 days and a second raises WINLG');
-- should fail with RESUK: an unknown resource
select throws_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-0000000000ff', '[2026-03-02 00:00Z, 2026-03-07 00:00Z)')$$, 'RESUK', null,
  'an unknown resource raises RESUK');
-- should fail with RESUK: another tenant's resource
select throws_ok($$select * from app_public.resource_free_intervals('b2000000-0000-4000-8000-000000000001', '[2026-03-02 00:00Z, 2026-03-07 00:00Z)')$$, 'RESUK', null,
  'a resource of tap-beta raises RESUK for staff of tap-alpha');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: an admin raises the tenant's limit
select lives_ok($$update app_public.tenant set max_search_days = 90$$, 'admin raises max_search_days to 90');
-- should succeed: then 63 days are accepted
select lives_ok($$select * from app_public.resource_free_intervals('a2000000-0000-4000-8000-000000000002', '[2026-03-01 00:00Z, 2026-05-03 00:00Z)')$$, 'a 63-day window is accepted with max_search_days 90');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'c0000000-0000-4000-8000-0000000000c3', true), set_config('app.tenant_slug', '', true);
-- should fail with WINLG: the tenant's own limit (7 days for tap-gamma)
select throws_ok($$select * from app_public.resource_free_intervals('c2000000-0000-4000-8000-000000000001', '[2026-03-01 00:00Z, 2026-03-09 00:00Z)')$$, 'WINLG', null, 'an 8-day window raises WINLG in tap-gamma');
-- should succeed: 7 days are fine there
select lives_ok($$select * from app_public.resource_free_intervals('c2000000-0000-4000-8000-000000000001', '[2026-03-01 00:00Z, 2026-03-08 00:00Z)')$$, 'a 7-day window is accepted in tap-gamma');
reset role;

--------------------------------------------------------------------------------------------------
-- available_slots: errors.

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with SVCUK: an unknown service
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-0000000000ff', tstzrange(now() + interval '1 day', now() + interval '2 days'))$$, 'SVCUK', null, 'an unknown service raises SVCUK');
-- should fail with SVCUK: another tenant's service
select throws_ok($$select * from app_public.available_slots('b3000000-0000-4000-8000-000000000001', tstzrange(now() + interval '1 day', now() + interval '2 days'))$$, 'SVCUK', null, 'a service of tap-beta raises SVCUK for staff of tap-alpha');
-- should fail with SVCUK: an inactive service is not bookable
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-000000000010', tstzrange(now() + interval '1 day', now() + interval '2 days'))$$, 'SVCUK', null, 'an inactive service raises SVCUK');
-- should fail with SVCMR: no required requirement (only an optional one)
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-000000000007', tstzrange(now() + interval '1 day', now() + interval '2 days'))$$, 'SVCMR', null, 'a service without a required resource raises SVCMR');
-- should fail with SVCMR: two required requirements
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-000000000008', tstzrange(now() + interval '1 day', now() + interval '2 days'))$$, 'SVCMR', null, 'a service with two required resources raises SVCMR');
-- should fail with SVCMR: one requirement of quantity 2
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-000000000009', tstzrange(now() + interval '1 day', now() + interval '2 days'))$$, 'SVCMR', null, 'a service needing two devices raises SVCMR');
-- should fail with WINUB: an unbounded window
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-000000000005', tstzrange(now(), null))$$, 'WINUB', null, 'available_slots with an unbounded window raises WINUB');
-- should fail with WINLG: 91 days is over tap-alpha's limit (raised to 90 above)
select throws_ok($$select * from app_public.available_slots('a3000000-0000-4000-8000-000000000005', tstzrange(now(), now() + interval '91 days'))$$, 'WINLG', null, 'available_slots with a 91-day window raises WINLG');

--------------------------------------------------------------------------------------------------
-- available_slots: the grid, buffers and preferences (online location, UTC).

-- should succeed: Ann's booking (10:00-11:00, busy 09:45-11:30 with her turnover) and the service's buffers (15/15) leave 11:45..15:30
select results_eq(
  $$select start_at, end_at, resource_id from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000004', tstzrange((current_setting('tap.monday')::date + 0)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC'))$$,
  $$select s, s + interval '60 minutes', 'a2000000-0000-4000-8000-000000000006'::uuid from generate_series((current_setting('tap.monday')::date + 0 + time '11:45') at time zone 'UTC', (current_setting('tap.monday')::date + 0 + time '15:30') at time zone 'UTC', interval '15 minutes') s$$,
  'Ann Only on the Monday: starts 11:45..15:30 every 15 minutes, all with Ann');
-- should succeed: on a free day the grid runs 09:15..15:30 (09:00 needs 08:45 free; 15:45 would end its buffers at 17:15)
select results_eq(
  $$select start_at from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000004', tstzrange((current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s from generate_series((current_setting('tap.monday')::date + 1 + time '09:15') at time zone 'UTC', (current_setting('tap.monday')::date + 1 + time '15:30') at time zone 'UTC', interval '15 minutes') s$$,
  'Ann Only on the Tuesday: starts 09:15..15:30');
-- should succeed: equal weights: the first candidate by name (Ann) wins while she fits; Bob takes 16:00 (Ann's turnover would run past 17:00)
select results_eq(
  $$select start_at, resource_id from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000005', tstzrange((current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s, case when s < (current_setting('tap.monday')::date + 1 + time '16:00') at time zone 'UTC' then 'a2000000-0000-4000-8000-000000000006'::uuid else 'a2000000-0000-4000-8000-000000000007'::uuid end
      from generate_series((current_setting('tap.monday')::date + 1 + time '09:00') at time zone 'UTC', (current_setting('tap.monday')::date + 1 + time '16:00') at time zone 'UTC', interval '1 hour') s$$,
  'Either Host on the Tuesday: Ann 09:00-15:00, Bob 16:00');
reset role;
-- Bob becomes the preferred host.
insert into app_public.requirement_preference (tenant_id, requirement_id, resource_id, weight)
  select 'a0000000-0000-4000-8000-0000000000a1', q.id, 'a2000000-0000-4000-8000-000000000007', 10 from app_public.service_requirement q where q.service_id = 'a3000000-0000-4000-8000-000000000005';
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: requirement_candidates lists the active matching resources, best weight first
select results_eq(
  $$select resource_id, weight from app_public.requirement_candidates((select q.id from app_public.service_requirement q where q.service_id = 'a3000000-0000-4000-8000-000000000005'))$$,
  $$values ('a2000000-0000-4000-8000-000000000007'::uuid, 10), ('a2000000-0000-4000-8000-000000000006'::uuid, 0)$$,
  'candidates of Either Host: Bob (10), then Ann (0)');
-- should succeed: the best preference weight wins
select results_eq(
  $$select start_at, resource_id from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000005', tstzrange((current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s, 'a2000000-0000-4000-8000-000000000007'::uuid from generate_series((current_setting('tap.monday')::date + 1 + time '09:00') at time zone 'UTC', (current_setting('tap.monday')::date + 1 + time '16:00') at time zone 'UTC', interval '1 hour') s$$,
  'Either Host on the Tuesday with Bob preferred: Bob at every hour');
-- should succeed: where the preferred host is booked the other one serves
select results_eq(
  $$select start_at, resource_id from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000005', tstzrange((current_setting('tap.monday')::date + 2)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 3)::timestamp at time zone 'UTC'))$$,
  $$select s, case when s = (current_setting('tap.monday')::date + 2 + time '13:00') at time zone 'UTC' then 'a2000000-0000-4000-8000-000000000006'::uuid else 'a2000000-0000-4000-8000-000000000007'::uuid end
      from generate_series((current_setting('tap.monday')::date + 2 + time '09:00') at time zone 'UTC', (current_setting('tap.monday')::date + 2 + time '16:00') at time zone 'UTC', interval '1 hour') s$$,
  'Either Host on the Wednesday: Ann at 13:00 (Bob is booked), Bob otherwise');
-- should succeed: the grid counts from local midnight at the location (Kathmandu, +05:45: starts at :15 UTC)
select results_eq(
  $$select start_at from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000012', tstzrange((current_setting('tap.monday')::date + 0)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC'))$$,
  $$values ((current_setting('tap.monday')::date + 0 + time '03:15') at time zone 'UTC'), ((current_setting('tap.monday')::date + 0 + time '04:15') at time zone 'UTC'), ((current_setting('tap.monday')::date + 0 + time '05:15') at time zone 'UTC')$$,
  'Kathmandu Consult on the Monday: 09:00, 10:00, 11:00 local = 03:15Z, 04:15Z, 05:15Z');

--------------------------------------------------------------------------------------------------
-- available_slots: notice window relative to now() (Quick Call: 120 minutes notice, 2 days ahead, every 30 minutes).

-- should succeed: starts from the first half hour at least 120 minutes ahead to the last one within 2 days
select results_eq(
  $$select start_at from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000006', tstzrange(now(), now() + interval '4 days'))$$,
  $$select s from generate_series(to_timestamp(ceil(extract(epoch from now() + interval '120 minutes') / 1800) * 1800), to_timestamp(floor(extract(epoch from now() + interval '2 days') / 1800) * 1800), interval '30 minutes') s$$,
  'Quick Call from now for 4 days: every half hour from now + 2 h to now + 2 days');
-- should succeed (returns nothing): nothing inside the notice period
select is_empty($$select * from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000006', tstzrange(now(), now() + interval '119 minutes'))$$,
  'Quick Call has no start within the next 119 minutes');
-- should succeed (returns nothing): nothing beyond the advance limit
select is_empty($$select * from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000006', tstzrange(now() + interval '2 days 1 minute', now() + interval '4 days'))$$,
  'Quick Call has no start more than 2 days ahead');
-- should succeed (returns nothing): nothing in the past
select is_empty($$select * from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000005', tstzrange(now() - interval '3 days', now() - interval '1 day'))$$,
  'Either Host has no start in the past');

--------------------------------------------------------------------------------------------------
-- available_slots across next year's DST changes (Friday before and Monday after the US spring-forward;
-- the Lord Howe spring-forward weekend).

-- should succeed: Phoenix has no DST: 09:00-16:00 MST starts are 16:00Z-23:00Z on both sides
select results_eq(
  $$select start_at from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000002', tstzrange((current_setting('tap.us_spring')::date - 2)::timestamp at time zone 'UTC', (current_setting('tap.us_spring')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s from generate_series((current_setting('tap.us_spring')::date + -2 + time '16:00') at time zone 'UTC', (current_setting('tap.us_spring')::date + -2 + time '23:00') at time zone 'UTC', interval '1 hour') s
    union all
    select s from generate_series((current_setting('tap.us_spring')::date + 1 + time '16:00') at time zone 'UTC', (current_setting('tap.us_spring')::date + 1 + time '23:00') at time zone 'UTC', interval '1 hour') s$$,
  'Tempe Consult: 16:00Z-23:00Z on the Friday before and the Monday after the US spring-forward');
-- should succeed: New York shifts by an hour: 14:00Z-21:00Z before, 13:00Z-20:00Z after
select results_eq(
  $$select start_at from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000011', tstzrange((current_setting('tap.us_spring')::date - 2)::timestamp at time zone 'UTC', (current_setting('tap.us_spring')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s from generate_series((current_setting('tap.us_spring')::date + -2 + time '14:00') at time zone 'UTC', (current_setting('tap.us_spring')::date + -2 + time '21:00') at time zone 'UTC', interval '1 hour') s
    union all
    select s from generate_series((current_setting('tap.us_spring')::date + 1 + time '13:00') at time zone 'UTC', (current_setting('tap.us_spring')::date + 1 + time '20:00') at time zone 'UTC', interval '1 hour') s$$,
  'Uptown Consult: 14:00Z-21:00Z on the Friday before, 13:00Z-20:00Z on the Monday after');
-- should succeed: Lord Howe shifts by 30 minutes: 09:00 and 09:30 local are 22:30Z/23:00Z the day before (+10:30), then 22:00Z/22:30Z (+11)
select results_eq(
  $$select start_at from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000003', tstzrange((current_setting('tap.lh_spring')::date - 2)::timestamp at time zone 'UTC', (current_setting('tap.lh_spring')::date + 1)::timestamp at time zone 'UTC'))$$,
  $$values ((current_setting('tap.lh_spring')::date + -2 + time '22:30') at time zone 'UTC'), ((current_setting('tap.lh_spring')::date + -2 + time '23:00') at time zone 'UTC'), ((current_setting('tap.lh_spring')::date + -1 + time '22:00') at time zone 'UTC'), ((current_setting('tap.lh_spring')::date + -1 + time '22:30') at time zone 'UTC'), ((current_setting('tap.lh_spring')::date + 0 + time '22:00') at time zone 'UTC'), ((current_setting('tap.lh_spring')::date + 0 + time '22:30') at time zone 'UTC')$$,
  'Lord Howe Consult on the Saturday, Sunday and Monday (local) of the spring-forward weekend');
reset role;

--------------------------------------------------------------------------------------------------
-- available_slots: anonymous visitors and customers search too (the function is granted to them).

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous visitors may list the candidates of a requirement (the function is granted to them)
select lives_ok($$select * from app_public.requirement_candidates((select q.id from app_public.service_requirement q where q.service_id = 'a3000000-0000-4000-8000-000000000005'))$$, 'anonymous calls requirement_candidates');
-- should succeed: anonymous visitors get the same starts as staff
select results_eq(
  $$select start_at, resource_id from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000005', tstzrange((current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s, 'a2000000-0000-4000-8000-000000000007'::uuid from generate_series((current_setting('tap.monday')::date + 1 + time '09:00') at time zone 'UTC', (current_setting('tap.monday')::date + 1 + time '16:00') at time zone 'UTC', interval '1 hour') s$$,
  'anonymous: Either Host on the Tuesday, Bob at every hour');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: and so do customers
select results_eq(
  $$select start_at, resource_id from pg_temp.tap_slots('a3000000-0000-4000-8000-000000000005', tstzrange((current_setting('tap.monday')::date + 1)::timestamp at time zone 'UTC', (current_setting('tap.monday')::date + 2)::timestamp at time zone 'UTC'))$$,
  $$select s, 'a2000000-0000-4000-8000-000000000007'::uuid from generate_series((current_setting('tap.monday')::date + 1 + time '09:00') at time zone 'UTC', (current_setting('tap.monday')::date + 1 + time '16:00') at time zone 'UTC', interval '1 hour') s$$,
  'customer: Either Host on the Tuesday, Bob at every hour');
reset role;

select * from finish();
rollback;

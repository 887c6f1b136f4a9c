-- Recurring series: row level security of booking_series and series_conflict per role, all-or-nothing
-- materialisation, and instances that staff moved staying detached from re-resolution.
begin;
select plan(14);

insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/New_York'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Main', 'Europe/London');
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Series Doc', '{gp}');
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  select 'a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', d, '08:00', '18:00' from generate_series(1, 7) d;
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Weekly Visit', 60, 30);
insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a4000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'Doctor', 'practitioner', '{gp}');
insert into app_public.app_user (id, email, name) values ('c0000000-0000-4000-8000-0000000000c1', 'weekly@tap.test', 'Weekly Customer');
insert into app_public.customer (tenant_id, id, name, user_id) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a5000000-0000-4000-8000-000000000001', 'Weekly Customer', 'c0000000-0000-4000-8000-0000000000c1'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a5000000-0000-4000-8000-000000000002', 'Someone Else', null);

-- Two weekly instances, 14 and 21 days ahead at 10:00 New York time.
create temporary table w as
  select app_public.to_utc(d + time '10:00', 'America/New_York') as start_at, to_char(d + time '10:00', 'YYYY-MM-DD"T"HH24:MI:SS') as nominal
  from (select (now() at time zone 'America/New_York')::date + 14 + 7 * k as d from generate_series(0, 1) k) days;
grant select on w to app_staff;

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff book a series of two instances
select is(jsonb_array_length(app_private.book_series('a3000000-0000-4000-8000-000000000001', '{"id": "a5000000-0000-4000-8000-000000000001"}',
  jsonb_build_object('rrule', 'FREQ=WEEKLY', 'dtstartLocal', (select min(nominal) from w), 'timeZone', 'America/New_York',
    'resources', '[{"resourceId": "a2000000-0000-4000-8000-000000000001", "requirementId": "a4000000-0000-4000-8000-000000000001"}]'::jsonb),
  (select jsonb_agg(jsonb_build_object('start', start_at, 'nominalLocal', nominal)) from w), false, '2025c')->'booked'), 2, 'both instances are booked');
-- should fail with SLTKN: a second series on the same times books nothing (all or nothing)
select throws_ok($$select app_private.book_series('a3000000-0000-4000-8000-000000000001', '{"id": "a5000000-0000-4000-8000-000000000002"}',
  jsonb_build_object('rrule', 'FREQ=WEEKLY', 'dtstartLocal', (select min(nominal) from w), 'timeZone', 'America/New_York',
    'resources', '[{"resourceId": "a2000000-0000-4000-8000-000000000001", "requirementId": "a4000000-0000-4000-8000-000000000001"}]'::jsonb),
  (select jsonb_agg(jsonb_build_object('start', start_at, 'nominalLocal', nominal)) from w), false, '2025c')$$, 'SLTKN', null, 'a taken instance fails the whole series');
select is((select count(*)::int from app_public.booking_series), 1, 'the failed series left no row');
-- should succeed: in skip mode the second series is created with both instances skipped and flagged
select is(jsonb_array_length(app_private.book_series('a3000000-0000-4000-8000-000000000001', '{"id": "a5000000-0000-4000-8000-000000000002"}',
  jsonb_build_object('rrule', 'FREQ=WEEKLY', 'dtstartLocal', (select min(nominal) from w), 'timeZone', 'America/New_York',
    'resources', '[{"resourceId": "a2000000-0000-4000-8000-000000000001", "requirementId": "a4000000-0000-4000-8000-000000000001"}]'::jsonb),
  (select jsonb_agg(jsonb_build_object('start', start_at, 'nominalLocal', nominal)) from w), true, '2025c')->'skipped'), 2, 'skip mode skips the taken instances');
select is((select count(*)::int from app_public.series_conflict), 2, 'skipped instances are flagged as series conflicts');
-- should succeed: staff read their tenant's series and conflicts
select is((select count(*)::int from app_public.booking_series), 2, 'staff see their tenant''s series');
-- should succeed: staff resolve a conflict
select lives_ok($$update app_public.series_conflict set resolved_at = now()$$, 'staff mark conflicts resolved');
-- should succeed: moving one instance detaches it from its rule
select lives_ok($$update app_public.booking set starts_at = starts_at + interval '30 minutes', ends_at = ends_at + interval '30 minutes'
  where series_id is not null and series_local_start = (select min(nominal)::timestamp from w)$$, 'staff move one instance');
select is((select series_detached from app_public.booking where series_local_start = (select min(nominal)::timestamp from w) and series_id is not null), true,
  'a moved instance is detached');
reset role;

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): another tenant's staff see no series or conflicts
select is_empty($$select id from app_public.booking_series$$, 'other tenants see no series');
select is_empty($$select id from app_public.series_conflict$$, 'other tenants see no conflicts');
reset role;

set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-0000000000c1', true);
-- should succeed: a customer sees their own series only
select results_eq($$select customer_id from app_public.booking_series$$, $$values ('a5000000-0000-4000-8000-000000000001'::uuid)$$, 'customers see their own series');
-- should fail with 42501: customers cannot book series
select throws_ok($$select app_private.book_series('a3000000-0000-4000-8000-000000000001', '{"name": "x"}', '{}', '[]', false, null)$$, '42501', null, 'customers cannot call book_series');
reset role;

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: visitors cannot read series
select throws_ok($$select id from app_public.booking_series$$, '42501', null, 'visitors cannot read series');
reset role;

select * from finish();
rollback;

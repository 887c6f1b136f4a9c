-- What the search engine reads: app_hidden.slot_search_context / slot_explain_context and
-- app_private.availability_layers. Registered errors for bad input, tenant isolation of the layers,
-- and the candidates and free time it hands to the engine.
begin;
select plan(14);

insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/New_York'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Main', 'Europe/London');
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, buffer_after_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Alpha Doc', '{gp}', 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Room', '{exam}', 30),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'practitioner', 'Beta Doc', '{gp}', 0);
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  select tenant_id, id, 1, '09:00', '12:00' from app_public.resource where name in ('Alpha Doc', 'Alpha Room', 'Beta Doc');
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, buffer_before_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Exam', 45, 15),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'Needs a surgeon', 30, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'No requirements', 30, 0);
insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags, quantity, required) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'Doctor', 'practitioner', '{gp}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'Room', 'room', '{exam}', 1, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'Surgeon', 'practitioner', '{surgery}', 1, true);
insert into app_public.availability_override (tenant_id, resource_id, kind, reason, during) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'closed', 'Training',
   tstzrange('2026-06-01 14:00Z', '2026-06-01 15:00Z'));

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);

-- should succeed: the context lists both requirements with their one candidate each
select is(
  (select jsonb_agg(r->>'name' order by r->>'name') from jsonb_array_elements(app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 00:00Z', '2026-06-02 00:00Z')->'requirements') r),
  '["Doctor", "Room"]'::jsonb, 'the search context lists the requirements');
-- should succeed: free time of the doctor on Monday 2026-06-01 (EDT) is 09:00-10:00 and 11:00-12:00 local
select is(
  app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 00:00Z', '2026-06-02 00:00Z')->'free'->'a2000000-0000-4000-8000-000000000001',
  jsonb_build_array(
    jsonb_build_array((extract(epoch from timestamptz '2026-06-01 13:00Z') * 1000)::bigint, (extract(epoch from timestamptz '2026-06-01 14:00Z') * 1000)::bigint),
    jsonb_build_array((extract(epoch from timestamptz '2026-06-01 15:00Z') * 1000)::bigint, (extract(epoch from timestamptz '2026-06-01 16:00Z') * 1000)::bigint)),
  'free intervals come from free_intervals, in epoch milliseconds, minus the training');
-- should succeed: the candidate carries its buffers
select is(
  (select c->>'bufferAfterMinutes' from jsonb_array_elements(app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 00:00Z', '2026-06-02 00:00Z')->'requirements') r,
     jsonb_array_elements(r->'candidates') c where r->>'name' = 'Room'),
  '30', 'candidates carry their own buffers');
-- should fail with NOCND: no active resource has the surgery tag
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000002', '2026-06-01 00:00Z', '2026-06-02 00:00Z')$$,
  'NOCND', null, 'a required requirement without candidates is NOCND');
-- should fail with NOCND: a service with no requirements cannot be booked
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000003', '2026-06-01 00:00Z', '2026-06-02 00:00Z')$$,
  'NOCND', null, 'a service without requirements is NOCND');
-- should fail with SVCUK: unknown service
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-0000000000ff', '2026-06-01 00:00Z', '2026-06-02 00:00Z')$$,
  'SVCUK', null, 'an unknown service is SVCUK');
-- should fail with SVCUK: the service is at another location
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 00:00Z', '2026-06-02 00:00Z', null, 'b1000000-0000-4000-8000-000000000001')$$,
  'SVCUK', null, 'asking at another location is SVCUK');
-- should fail with 22000: a reversed window
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-02 00:00Z', '2026-06-01 00:00Z')$$,
  '22000', null, 'a reversed window is 22000 (INVALID_RANGE)');
-- should fail with WINLG: longer than 62 days
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 00:00Z', '2026-09-01 00:00Z')$$,
  'WINLG', null, 'a window over max_search_days is WINLG');
-- should fail with TZINV: an unknown display zone
select throws_ok($$select app_hidden.slot_search_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 00:00Z', '2026-06-02 00:00Z', 'Mars/Base')$$,
  'TZINV', null, 'an unknown display zone is TZINV');
-- should succeed: the explain context names the training override
select is(
  (select l->>'reason' from jsonb_array_elements(app_hidden.slot_explain_context('a3000000-0000-4000-8000-000000000001', '2026-06-01 14:00Z')->'layers') l where l->>'layer' = 'closed'),
  'Training', 'the explain context carries the override reason');
-- should succeed: working layers are the template expanded in New York time
select is(
  (select count(*)::int from app_private.availability_layers(array['a2000000-0000-4000-8000-000000000001'::uuid], tstzrange('2026-06-01 00:00Z', '2026-06-02 00:00Z')) where layer = 'working'),
  1, 'one working shift on Monday');
-- should succeed (returns nothing): another tenant's resource id yields no layers
select is_empty(
  $$select * from app_private.availability_layers(array['b2000000-0000-4000-8000-000000000001'::uuid], tstzrange('2026-06-01 00:00Z', '2026-06-02 00:00Z'))$$,
  'layers of another tenant''s resource are not returned');
reset role;

-- should fail with 42501: BI logins do not get the search entry points
set local role app_bi;
select throws_ok($$select * from app_private.availability_layers(array[]::uuid[], tstzrange('2026-06-01 00:00Z', '2026-06-02 00:00Z'))$$,
  '42501', null, 'app_bi cannot call availability_layers');
reset role;

select * from finish();
rollback;

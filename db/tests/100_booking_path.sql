-- The booking path in SQL: app_private.book (idempotency, validation, locks, holds), the Postgres
-- hold store, cancel_booking and reschedule_booking. Each case as the role that would call it.
begin;
select plan(16);

insert into app_public.tenant (id, slug, name) values ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/New_York');
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Path Doc', '{gp}');
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
  select 'a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', d, '08:00', '18:00' from generate_series(1, 7) d;
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Path Visit', 60, 30, 365);
insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a4000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'Doctor', 'practitioner', '{gp}');

-- A start 10 days ahead at 10:00 New York time, and the allocation list for it.
create temporary table t as
  select app_public.to_utc((now() at time zone 'America/New_York')::date + 10 + time '10:00', 'America/New_York') as start_at,
         '[{"resourceId": "a2000000-0000-4000-8000-000000000001", "requirementId": "a4000000-0000-4000-8000-000000000001"}]'::jsonb as resources;
grant select on t to app_anonymous, app_staff;

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff book directly; the second call with the same key replays it
select is((select replayed from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at from t), (select resources from t),
  '{"name": "Path Customer", "email": "path@tap.test"}', 'key-1', null, null, null, true)), false, 'staff book directly');
select is((select replayed from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at from t), (select resources from t),
  '{"name": "Path Customer", "email": "path@tap.test"}', 'key-1', null, null, null, true)), true, 'the same idempotency key returns the same booking');
-- should fail with SLTKN: the same time again under another key
select throws_ok($$select * from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at from t), (select resources from t),
  '{"name": "Other", "email": "other@tap.test"}', 'key-2', null, null, null, true)$$, 'SLTKN', null, 'a taken time is SLTKN');
-- should fail with NOTOF: ten minutes later is off the 30-minute grid
select throws_ok($$select * from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at + interval '10 minutes' from t), (select resources from t),
  '{"name": "Other", "email": "other@tap.test"}', 'key-3', null, null, null, true)$$, 'NOTOF', null, 'an off-grid start is NOTOF');
-- should fail with NOTOF: in the past
select throws_ok($$select * from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at - interval '30 days' from t), (select resources from t),
  '{"name": "Other", "email": "other@tap.test"}', 'key-4', null, null, null, true)$$, 'NOTOF', null, 'a start outside the notice window is NOTOF');
-- should fail with SLTKN: 20:00 is outside working hours
select throws_ok($$select * from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at + interval '10 hours' from t), (select resources from t),
  '{"name": "Other", "email": "other@tap.test"}', 'key-5', null, null, null, true)$$, 'SLTKN', null, 'outside working hours is SLTKN');
-- should fail with NOTOF: no resource for the required doctor
select throws_ok($$select * from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at + interval '2 hours' from t), '[]',
  '{"name": "Other", "email": "other@tap.test"}', 'key-6', null, null, null, true)$$, 'NOTOF', null, 'a booking without its required resource is NOTOF');
-- should succeed: the booking wrote one active allocation and queued its notification
select is((select count(*)::int from app_public.booking_allocation a join app_public.booking b on b.id = a.booking_id where b.idempotency_key = 'key-1' and a.active), 1,
  'the booking has one active allocation');
reset role;
select is((select count(*)::int from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'booking__confirmed'
  and j.payload->>'bookingId' = (select id::text from app_public.booking where idempotency_key = 'key-1')), 1, 'booking__confirmed was queued in the same transaction');

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: visitors book only through a hold
select throws_ok($$select * from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at + interval '2 hours' from t), (select resources from t),
  '{"name": "Visitor"}', null, null, null, null, true)$$, '42501', null, 'visitors cannot book without a hold');
-- should succeed: a visitor holds 12:00 (busy 12:00-13:00)
select ok(app_private.hold_place('b0000000-0000-4000-8000-00000000000b', 'a3000000-0000-4000-8000-000000000001', (select start_at + interval '2 hours' from t),
  (select start_at + interval '3 hours' from t), jsonb_build_array(jsonb_build_object('resourceId', 'a2000000-0000-4000-8000-000000000001',
  'from', (select start_at + interval '2 hours' from t), 'to', (select start_at + interval '3 hours' from t))), 300) > now(), 'a visitor places a hold');
-- should fail with HLDCF: a second token on the same time
select throws_ok($$select app_private.hold_place('c0000000-0000-4000-8000-00000000000c', 'a3000000-0000-4000-8000-000000000001', (select start_at + interval '2 hours' from t),
  (select start_at + interval '3 hours' from t), jsonb_build_array(jsonb_build_object('resourceId', 'a2000000-0000-4000-8000-000000000001',
  'from', (select start_at + interval '2 hours 30 minutes' from t), 'to', (select start_at + interval '3 hours 30 minutes' from t))), 300)$$,
  'HLDCF', null, 'an overlapping hold of another token is HLDCF');
-- should succeed: confirming the hold books it and removes the hold rows
select is((select replayed from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at + interval '2 hours' from t), (select resources from t),
  '{"name": "Visitor", "email": "visitor@tap.test"}', null, null, null, 'b0000000-0000-4000-8000-00000000000b', true)), false, 'a held time confirms');
reset role;
select is((select count(*)::int from app_private.hold where token = 'b0000000-0000-4000-8000-00000000000b'), 0, 'the confirmed hold is gone');

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with SLTKN: moving the first booking onto the visitor's 12:00 changes nothing
select throws_ok($$select app_private.reschedule_booking((select id from app_public.booking where idempotency_key = 'key-1'), (select start_at + interval '2 hours' from t), (select resources from t))$$,
  'SLTKN', null, 'rescheduling onto a taken time is SLTKN');
-- should succeed: cancelling frees the time, so the same time can be booked again
select app_private.cancel_booking((select id from app_public.booking where idempotency_key = 'key-1'), 'test');
select is((select replayed from app_private.book('a3000000-0000-4000-8000-000000000001', (select start_at from t), (select resources from t),
  '{"name": "Again", "email": "again@tap.test"}', 'key-7', null, null, null, true)), false, 'a cancelled booking frees its time');
reset role;

select * from finish();
rollback;

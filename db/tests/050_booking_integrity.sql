-- Booking integrity: the exclusion constraint on active allocations (23P01, for every role, the
-- superuser included), adjacency, status changes that free and re-take time, busy ranges widened by
-- the service's and the resource's buffers, ends_at defaults, moving bookings, idempotency keys per
-- tenant (23505) and reversed booking times (23514).
begin;
select plan(47);

-- Fixture, as the superuser: two tenants of our own (no reliance on seed data).
insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/New_York'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Campus', 'America/New_York');
-- Two rooms without buffers, and a lab that needs 5 minutes of set-up and 20 of turnover.
insert into app_public.resource (tenant_id, id, location_id, kind, name, buffer_before_minutes, buffer_after_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Room One', 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Room Two', 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Lab', 5, 20),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'room', 'Beta Room', 0, 0);
-- A plain hour, and a half hour with 15 minutes of preparation and 10 of clean-up.
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, buffer_before_minutes, buffer_after_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Alpha Plain Hour', 60, 0, 0),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'Alpha Buffered Half Hour', 30, 15, 10),
  ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'Beta Plain Hour', 60, 0, 0);
insert into app_public.customer (tenant_id, id, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a8000000-0000-4000-8000-000000000001', 'Ann'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b8000000-0000-4000-8000-000000000001', 'Bea');
-- Bookings on Monday 2027-01-04 (UTC instants); ends_at is left to its default except for booking 4.
insert into app_public.booking (tenant_id, id, service_id, customer_id, status, starts_at, ends_at) values
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-01-04 09:00Z', null),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000002', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-01-04 10:00Z', null),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000003', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-01-04 09:30Z', null),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000004', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-01-04 08:00Z', '2027-01-04 09:30Z'),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000005', 'a3000000-0000-4000-8000-000000000002', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-01-04 14:00Z', null),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000006', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'pending_approval', '2027-01-04 12:00Z', null),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000007', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-01-04 12:30Z', null),
  -- 01:30 EST on the night of the 2027-03-14 spring-forward in New York.
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000008', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', 'confirmed', '2027-03-14 01:30:00-05', null);

--------------------------------------------------------------------------------------------------
-- ends_at defaults to starts_at plus the service's duration (absolute minutes).

-- should succeed: one hour
select is((select ends_at from app_public.booking where id = 'aa000000-0000-4000-8000-000000000001'), '2027-01-04 10:00Z'::timestamptz,
  'ends_at defaults to starts_at + 60 minutes for the plain hour');
-- should succeed: half an hour (buffers are not part of the appointment)
select is((select ends_at from app_public.booking where id = 'aa000000-0000-4000-8000-000000000005'), '2027-01-04 14:30Z'::timestamptz,
  'ends_at defaults to starts_at + 30 minutes for the buffered half hour (buffers excluded)');
-- should succeed: a given ends_at is kept
select is((select ends_at from app_public.booking where id = 'aa000000-0000-4000-8000-000000000004'), '2027-01-04 09:30Z'::timestamptz,
  'an explicit ends_at is kept');
-- should succeed: across the spring-forward gap an hour is an elapsed hour (01:30 EST -> 03:30 EDT)
select is((select ends_at from app_public.booking where id = 'aa000000-0000-4000-8000-000000000008'), '2027-03-14 03:30:00-04'::timestamptz,
  'ends_at across the spring-forward gap is 60 elapsed minutes later (03:30 EDT)');

--------------------------------------------------------------------------------------------------
-- No two active allocations of one resource overlap (booking_allocation_no_overlap, 23P01).

-- should succeed: the first allocation of room one, 09:00-10:00
select lives_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001')$$,
  'booking 1 (09:00-10:00) gets room one');
-- should succeed: without buffers busy is exactly the appointment
select is((select busy from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000001' and resource_id = 'a2000000-0000-4000-8000-000000000001'),
  '[2027-01-04 09:00Z, 2027-01-04 10:00Z)'::tstzrange, 'busy of an unbuffered booking is [starts_at, ends_at)');
-- should succeed: adjacent 10:00-11:00 on the same room ([) ranges do not overlap)
select lives_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001')$$,
  'booking 2 (10:00-11:00) gets room one right after booking 1');
-- should fail with 23P01: superuser, 09:30-10:30 on the same room
select throws_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000003', 'a2000000-0000-4000-8000-000000000001')$$,
  '23P01', null, 'superuser cannot allocate room one twice at 09:30');
-- should fail with 23P01: 08:00-09:30 overlaps the start of booking 1
select throws_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000004', 'a2000000-0000-4000-8000-000000000001')$$,
  '23P01', null, 'superuser cannot allocate room one at 08:00-09:30 over booking 1');

set local role app_owner;
-- should fail with 23P01: the owner (BYPASSRLS) is held by the constraint too
select throws_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000003', 'a2000000-0000-4000-8000-000000000001')$$,
  '23P01', null, 'owner cannot allocate room one twice at 09:30');
reset role;

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23P01: staff through the API's grants
select throws_ok($$insert into app_public.booking_allocation (booking_id, resource_id)
    values ('aa000000-0000-4000-8000-000000000003', 'a2000000-0000-4000-8000-000000000001')$$,
  '23P01', null, 'staff cannot allocate room one twice at 09:30');
-- should succeed: the same times on another resource
select lives_ok($$insert into app_public.booking_allocation (booking_id, resource_id)
    values ('aa000000-0000-4000-8000-000000000003', 'a2000000-0000-4000-8000-000000000002')$$,
  'staff allocates room two at 09:30-10:30 (another resource, same time)');
reset role;

--------------------------------------------------------------------------------------------------
-- Status: pending_approval and confirmed hold their resources; cancelled, completed and no_show free them.

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff cancels booking 1
select lives_ok($$update app_public.booking set status = 'cancelled' where id = 'aa000000-0000-4000-8000-000000000001'$$,
  'staff cancels booking 1');
reset role;
-- should succeed: its allocation became inactive
select is((select active from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000001'), false,
  'the allocation of a cancelled booking is inactive');
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: the freed time can be taken (08:00-09:30 overlaps the cancelled booking only)
select lives_ok($$insert into app_public.booking_allocation (booking_id, resource_id)
    values ('aa000000-0000-4000-8000-000000000004', 'a2000000-0000-4000-8000-000000000001')$$,
  'after the cancellation booking 4 (08:00-09:30) gets room one');
-- should fail with 23P01: confirming the cancelled booking again would double-book room one
select throws_ok($$update app_public.booking set status = 'confirmed' where id = 'aa000000-0000-4000-8000-000000000001'$$,
  '23P01', null, 'reconfirming the cancelled booking 1 conflicts with booking 4');
reset role;
-- should succeed: the failed update changed nothing
select results_eq(
  $$select b.status::text, a.active from app_public.booking b join app_public.booking_allocation a on a.booking_id = b.id
     where b.id = 'aa000000-0000-4000-8000-000000000001'$$,
  $$values ('cancelled', false)$$,
  'booking 1 is still cancelled with an inactive allocation');

-- should succeed: a pending booking is allocated like a confirmed one
select lives_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000006', 'a2000000-0000-4000-8000-000000000002')$$,
  'pending booking 6 (12:00-13:00) gets room two');
-- should succeed: and its allocation is active
select is((select active from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000006'), true,
  'the allocation of a pending_approval booking is active');
-- should fail with 23P01: pending_approval holds the room
select throws_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000007', 'a2000000-0000-4000-8000-000000000002')$$,
  '23P01', null, 'booking 7 (12:30) cannot take room two held by the pending booking 6');
-- should succeed: no_show frees it
select lives_ok($$update app_public.booking set status = 'no_show' where id = 'aa000000-0000-4000-8000-000000000006'$$,
  'booking 6 is marked no_show');
-- should succeed
select lives_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000007', 'a2000000-0000-4000-8000-000000000002')$$,
  'after the no_show booking 7 gets room two');
-- should succeed: completed frees as well
select lives_ok($$update app_public.booking set status = 'completed' where id = 'aa000000-0000-4000-8000-000000000007'$$,
  'booking 7 is marked completed');
-- should succeed
select is((select active from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000007'), false,
  'the allocation of a completed booking is inactive');

--------------------------------------------------------------------------------------------------
-- busy = the appointment widened by the service's buffers plus the resource's buffers.

-- should succeed: the buffered half hour (14:00-14:30, service 15/10) in the lab (resource 5/20)
select lives_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000005', 'a2000000-0000-4000-8000-000000000003')$$,
  'booking 5 gets the lab');
-- should succeed: 14:00 - (15 + 5) min .. 14:30 + (10 + 20) min
select is((select busy from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000005' and resource_id = 'a2000000-0000-4000-8000-000000000003'),
  '[2027-01-04 13:40Z, 2027-01-04 15:00Z)'::tstzrange, 'lab busy = appointment widened by service and resource buffers');
-- should succeed: a busy range given by the caller (only the owner can) is replaced by the derived one
select lives_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, busy)
    values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000005', 'a2000000-0000-4000-8000-000000000001', '[2000-01-01 00:00Z, 2000-01-02 00:00Z)')$$,
  'booking 5 gets room one, with a bogus busy range');
-- should succeed: room one has no buffers of its own: 14:00 - 15 min .. 14:30 + 10 min
select is((select busy from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000005' and resource_id = 'a2000000-0000-4000-8000-000000000001'),
  '[2027-01-04 13:45Z, 2027-01-04 14:40Z)'::tstzrange, 'room one busy = appointment widened by the service buffers only (bogus busy ignored)');
-- should fail with 23P01: buffers count for overlaps (a 14:50 start needs the lab from 14:30; booking 5 holds it until 15:00)
select throws_ok(
  $$with b as (
      insert into app_public.booking (tenant_id, service_id, customer_id, starts_at)
      values ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'a8000000-0000-4000-8000-000000000001', '2027-01-04 14:50Z')
      returning id)
    insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    select 'a0000000-0000-4000-8000-0000000000a1', id, 'a2000000-0000-4000-8000-000000000003' from b$$,
  '23P01', null, 'a lab booking at 14:50 collides with booking 5''s turnover buffer (busy until 15:00)');
-- should succeed: one that starts when the previous busy range and its own set-up allow (15:20 - 20 = 15:00)
select lives_ok(
  $$with b as (
      insert into app_public.booking (tenant_id, service_id, customer_id, starts_at)
      values ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'a8000000-0000-4000-8000-000000000001', '2027-01-04 15:20Z')
      returning id)
    insert into app_public.booking_allocation (tenant_id, booking_id, resource_id)
    select 'a0000000-0000-4000-8000-0000000000a1', id, 'a2000000-0000-4000-8000-000000000003' from b$$,
  'a lab booking at 15:20 (busy from 15:00) fits right after booking 5''s busy range');

--------------------------------------------------------------------------------------------------
-- Moving a booking moves its allocations' busy ranges (and re-checks them).

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff moves booking 5 to 17:00-17:30
select lives_ok($$update app_public.booking set starts_at = '2027-01-04 17:00Z', ends_at = '2027-01-04 17:30Z'
    where id = 'aa000000-0000-4000-8000-000000000005'$$,
  'staff moves booking 5 to 17:00');
reset role;
-- should succeed: both allocations followed, each with its own buffers
select results_eq(
  $$select resource_id, busy from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000005' order by resource_id$$,
  $$values ('a2000000-0000-4000-8000-000000000001'::uuid, '[2027-01-04 16:45Z, 2027-01-04 17:40Z)'::tstzrange),
           ('a2000000-0000-4000-8000-000000000003'::uuid, '[2027-01-04 16:40Z, 2027-01-04 18:00Z)'::tstzrange)$$,
  'the allocations of a moved booking have moved busy ranges');
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: extending only ends_at widens busy too
select lives_ok($$update app_public.booking set ends_at = '2027-01-04 11:30Z' where id = 'aa000000-0000-4000-8000-000000000002'$$,
  'staff extends booking 2 to 11:30');
reset role;
-- should succeed
select is((select busy from app_public.booking_allocation where booking_id = 'aa000000-0000-4000-8000-000000000002'),
  '[2027-01-04 10:00Z, 2027-01-04 11:30Z)'::tstzrange, 'extending ends_at extends busy');
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23P01: moving booking 2 onto booking 4's time in room one
select throws_ok($$update app_public.booking set starts_at = '2027-01-04 09:00Z', ends_at = '2027-01-04 10:00Z'
    where id = 'aa000000-0000-4000-8000-000000000002'$$,
  '23P01', null, 'moving booking 2 to 09:00 collides with booking 4 (08:00-09:30) in room one');
-- should fail with 23P01: moving an allocation to a resource that is busy then
select throws_ok($$update app_public.booking_allocation set resource_id = 'a2000000-0000-4000-8000-000000000001'
    where booking_id = 'aa000000-0000-4000-8000-000000000003' and resource_id = 'a2000000-0000-4000-8000-000000000002'$$,
  '23P01', null, 'moving booking 3''s allocation from room two to room one collides with booking 2');
reset role;
-- should succeed: after the failed move booking 2 and its busy range are unchanged
select results_eq(
  $$select b.starts_at, b.ends_at, a.busy from app_public.booking b join app_public.booking_allocation a on a.booking_id = b.id
     where b.id = 'aa000000-0000-4000-8000-000000000002'$$,
  $$values ('2027-01-04 10:00Z'::timestamptz, '2027-01-04 11:30Z'::timestamptz, '[2027-01-04 10:00Z, 2027-01-04 11:30Z)'::tstzrange)$$,
  'a rejected move leaves booking 2 and its allocation as they were');
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: deleting booking 2 (its allocation cascades) frees room one
select lives_ok($$delete from app_public.booking where id = 'aa000000-0000-4000-8000-000000000002'$$, 'admin deletes booking 2');
-- should succeed
select lives_ok($$update app_public.booking_allocation set resource_id = 'a2000000-0000-4000-8000-000000000001'
    where booking_id = 'aa000000-0000-4000-8000-000000000003' and resource_id = 'a2000000-0000-4000-8000-000000000002'$$,
  'now booking 3''s allocation moves to room one (adjacent to booking 4 at 09:30)');
reset role;

--------------------------------------------------------------------------------------------------
-- Idempotency keys are unique per tenant.

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: the first booking with a key
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
    values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 09:00Z', 'tap-retry-1')$$,
  'staff books with idempotency key tap-retry-1');
-- should fail with 23505: a retry with the same key in the same tenant
select throws_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
    values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 09:00Z', 'tap-retry-1')$$,
  '23505', null, 'a second booking with key tap-retry-1 in tap-alpha is rejected');
-- should succeed: bookings without a key never collide
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at)
    values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 10:00Z'),
           ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 11:00Z')$$,
  'two bookings without an idempotency key are accepted');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', '', true);
-- should succeed: the same key in another tenant
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
    values ('b3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000001', '2027-01-05 09:00Z', 'tap-retry-1')$$,
  'staff of tap-beta books with the same key tap-retry-1');
reset role;

--------------------------------------------------------------------------------------------------
-- Reversed or empty booking times (booking_times_check, 23514).

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23514: ends before it starts
select throws_ok($$insert into app_public.booking (service_id, customer_id, starts_at, ends_at)
    values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-06 10:00Z', '2027-01-06 09:00Z')$$,
  '23514', null, 'a booking ending before it starts is rejected');
-- should fail with 23514: zero length
select throws_ok($$insert into app_public.booking (service_id, customer_id, starts_at, ends_at)
    values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-06 10:00Z', '2027-01-06 10:00Z')$$,
  '23514', null, 'a booking ending when it starts is rejected');
-- should fail with 23514: moving the start past the end
select throws_ok($$update app_public.booking set starts_at = '2027-01-04 14:00Z' where id = 'aa000000-0000-4000-8000-000000000007'$$,
  '23514', null, 'moving a booking''s start past its end is rejected');
reset role;
-- should fail with 23514: superuser too
select throws_ok($$insert into app_public.booking (tenant_id, service_id, customer_id, starts_at, ends_at)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-06 10:00Z', '2027-01-06 09:00Z')$$,
  '23514', null, 'superuser cannot insert a reversed booking');

select * from finish();
rollback;

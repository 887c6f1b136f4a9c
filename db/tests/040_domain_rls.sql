-- Row level security and grants of the scheduling domain's tenant tables (service_requirement,
-- requirement_preference, availability_template, availability_override, membership, customer,
-- booking, booking_allocation): for each API role and command the allowed and the denied case, in
-- particular across tenants; what a signed-in customer sees of their own records; and what a BI
-- login (a member of app_bi mapped in app_private.bi_login) may read.
-- Anonymous visitors address tap-alpha by slug; customers, staff and admins carry a tenant claim
-- (customers also a user claim). Each role switch sets both the claim and the slug ('' = unset);
-- selecting two columns keeps the set_config results out of the TAP output.
-- Sections run from the leaves to the roots (allocations first, requirements last), so the
-- unqualified deletes of one section do not empty the fixture of the next.
begin;
select plan(298);

-- Fixture, as the superuser: two tenants of our own (no reliance on seed data).
insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/New_York'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Campus', 'America/New_York');
insert into app_public.resource (tenant_id, id, location_id, kind, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Alpha Practitioner'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Room'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Spare Room'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'practitioner', 'Beta Practitioner'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000001', 'room', 'Beta Room');
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Alpha Assessment', 60),
  ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'Beta Session', 60);
insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a4000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'Practitioner', 'practitioner'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a4000000-0000-4000-8000-000000000002', 'a3000000-0000-4000-8000-000000000001', 'Room', 'room'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b4000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000001', 'Practitioner', 'practitioner');
insert into app_public.requirement_preference (tenant_id, id, requirement_id, resource_id, weight) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a5000000-0000-4000-8000-000000000001', 'a4000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 10),
  ('a0000000-0000-4000-8000-0000000000a1', 'a5000000-0000-4000-8000-000000000002', 'a4000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000002', 20),
  ('b0000000-0000-4000-8000-0000000000b2', 'b5000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000001', 5);
insert into app_public.availability_template (tenant_id, id, resource_id, weekday, start_time, end_time) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a6000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 1, '09:00', '17:00'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a6000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001', 2, '09:00', '17:00'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b6000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000001', 1, '09:00', '17:00');
insert into app_public.availability_override (tenant_id, id, resource_id, location_id, kind, reason, during) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a7000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', null, 'closed', 'Leave', '[2027-01-01 00:00Z, 2027-01-02 00:00Z)'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a7000000-0000-4000-8000-000000000002', null, 'a1000000-0000-4000-8000-000000000001', 'closed', 'Inventory', '[2027-01-08 00:00Z, 2027-01-09 00:00Z)'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b7000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000001', null, 'closed', 'Conference', '[2027-01-01 00:00Z, 2027-01-02 00:00Z)');
insert into app_public.app_user (id, email, name) values
  ('c0000000-0000-4000-8000-000000000001', 'ann@tap.test', 'Ann'),
  ('c0000000-0000-4000-8000-000000000002', 'bob@tap.test', 'Bob'),
  ('c0000000-0000-4000-8000-000000000003', 'sam@tap.test', 'Sam'),
  ('c0000000-0000-4000-8000-000000000004', 'ada@tap.test', 'Ada'),
  ('c0000000-0000-4000-8000-000000000005', 'ben@tap.test', 'Ben'),
  ('c0000000-0000-4000-8000-000000000006', 'cara@tap.test', 'Cara');
insert into app_public.membership (tenant_id, id, user_id, role) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a9000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000003', 'staff'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a9000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000004', 'admin'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b9000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000005', 'admin');
-- Ann is a customer of both tenants (with a login); Bob of tap-alpha; the walk-ins have no login.
insert into app_public.customer (tenant_id, id, name, email, user_id) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a8000000-0000-4000-8000-000000000001', 'Ann', 'ann@tap.test', 'c0000000-0000-4000-8000-000000000001'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a8000000-0000-4000-8000-000000000002', 'Bob', 'bob@tap.test', 'c0000000-0000-4000-8000-000000000002'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a8000000-0000-4000-8000-000000000003', 'Alpha Walk-in', null, null),
  ('b0000000-0000-4000-8000-0000000000b2', 'b8000000-0000-4000-8000-000000000001', 'Ann in Beta', 'ann@tap.test', 'c0000000-0000-4000-8000-000000000001'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b8000000-0000-4000-8000-000000000002', 'Beta Walk-in', null, null);
insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) values
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-04 14:00Z'),
  ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000002', 'a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000002', '2027-01-04 16:00Z'),
  ('b0000000-0000-4000-8000-0000000000b2', 'ba000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000001', '2027-01-04 14:00Z'),
  ('b0000000-0000-4000-8000-0000000000b2', 'ba000000-0000-4000-8000-000000000002', 'b3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002', '2027-01-04 16:00Z');
insert into app_public.booking_allocation (tenant_id, id, booking_id, resource_id, requirement_id) values
  ('a0000000-0000-4000-8000-0000000000a1', 'ab000000-0000-4000-8000-000000000001', 'aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'a4000000-0000-4000-8000-000000000001'),
  ('a0000000-0000-4000-8000-0000000000a1', 'ab000000-0000-4000-8000-000000000002', 'aa000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001', 'a4000000-0000-4000-8000-000000000001'),
  ('b0000000-0000-4000-8000-0000000000b2', 'bb000000-0000-4000-8000-000000000001', 'ba000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000001'),
  ('b0000000-0000-4000-8000-0000000000b2', 'bb000000-0000-4000-8000-000000000002', 'ba000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000001');


--------------------------------------------------------------------------------------------------
-- BI logins: read-only, one tenant (from app_private.bi_login by session_user), no customer PII.
-- CREATE ROLE is transactional: both login roles disappear with the rollback.
create role tap_bi_alpha login in role app_bi;
create role tap_bi_nobody login in role app_bi;
insert into app_private.bi_login (role_name, tenant_id) values ('tap_bi_alpha', 'a0000000-0000-4000-8000-0000000000a1');

-- should succeed: app_bi may use schema app_public, whose tables it is granted SELECT on and whose BI policies name it
select ok(pg_catalog.has_schema_privilege('app_bi', 'app_public', 'USAGE'), 'app_bi has USAGE on schema app_public');
-- A BI tool runs arbitrary SQL: it sets another tenant's claim and slug, which must not matter.
set local session authorization tap_bi_alpha;
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', 'tap-beta', true);
-- should succeed: the BI login resolves to its mapped tenant
select is(app_private.bi_tenant_id(), 'a0000000-0000-4000-8000-0000000000a1'::uuid, 'bi_tenant_id() of tap_bi_alpha is tap-alpha');
-- should succeed: the BI login reads tap-alpha's tenant rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.tenant order by id', $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s tenant rows');
-- should succeed: the BI login reads tap-alpha's location rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.location order by id', $$values ('a1000000-0000-4000-8000-000000000001'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s location rows');
-- should succeed: the BI login reads tap-alpha's resource rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.resource order by id', $$values ('a2000000-0000-4000-8000-000000000001'::uuid), ('a2000000-0000-4000-8000-000000000002'::uuid), ('a2000000-0000-4000-8000-000000000003'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s resource rows');
-- should succeed: the BI login reads tap-alpha's service rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.service order by id', $$values ('a3000000-0000-4000-8000-000000000001'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s service rows');
-- should succeed: the BI login reads tap-alpha's service_requirement rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.service_requirement order by id', $$values ('a4000000-0000-4000-8000-000000000001'::uuid), ('a4000000-0000-4000-8000-000000000002'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s service_requirement rows');
-- should succeed: the BI login reads tap-alpha's availability_template rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.availability_template order by id', $$values ('a6000000-0000-4000-8000-000000000001'::uuid), ('a6000000-0000-4000-8000-000000000002'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s availability_template rows');
-- should succeed: the BI login reads tap-alpha's availability_override rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.availability_override order by id', $$values ('a7000000-0000-4000-8000-000000000001'::uuid), ('a7000000-0000-4000-8000-000000000002'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s availability_override rows');
-- should succeed: the BI login reads tap-alpha's booking rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.booking order by id', $$values ('aa000000-0000-4000-8000-000000000001'::uuid), ('aa000000-0000-4000-8000-000000000002'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s booking rows');
-- should succeed: the BI login reads tap-alpha's booking_allocation rows only (the claim for tap-beta is ignored)
select results_eq('select id from app_public.booking_allocation order by id', $$values ('ab000000-0000-4000-8000-000000000001'::uuid), ('ab000000-0000-4000-8000-000000000002'::uuid)$$,
  'BI login of tap-alpha reads exactly tap-alpha''s booking_allocation rows');
-- should succeed (returns nothing): asking for tap-beta's bookings by id returns nothing
select is_empty($$select id from app_public.booking where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('ba000000-0000-4000-8000-000000000001', 'ba000000-0000-4000-8000-000000000002')$$,
  'BI login of tap-alpha sees no booking of tap-beta');
-- should fail with 42501: no customer for BI (no grant)
select throws_ok('select id from app_public.customer', '42501', null, 'BI login cannot read customer');
-- should fail with 42501: no requirement_preference for BI (no grant)
select throws_ok('select id from app_public.requirement_preference', '42501', null, 'BI login cannot read requirement_preference');
-- should fail with 42501: no membership for BI (no grant)
select throws_ok('select id from app_public.membership', '42501', null, 'BI login cannot read membership');
-- should fail with 42501: no app_user for BI (no grant)
select throws_ok('select id from app_public.app_user', '42501', null, 'BI login cannot read app_user');
-- should fail with 42501: nor app_private.bi_login
select throws_ok('select role_name from app_private.bi_login', '42501', null, 'BI login cannot read app_private.bi_login');
-- should fail with 42501: nor app_private.user_secret
select throws_ok('select user_id from app_private.user_secret', '42501', null, 'BI login cannot read app_private.user_secret');
-- should fail with 42501: a BI login cannot insert a booking
select throws_ok($$insert into app_public.booking (service_id, customer_id, starts_at) values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 14:00Z')$$, '42501', null, 'BI login cannot insert a booking');
-- should fail with 42501: a BI login cannot update a booking
select throws_ok($$update app_public.booking set notes = 'BI was here' where id = 'aa000000-0000-4000-8000-000000000001'$$, '42501', null, 'BI login cannot update a booking');
-- should fail with 42501: a BI login cannot delete a booking
select throws_ok($$delete from app_public.booking where id = 'aa000000-0000-4000-8000-000000000001'$$, '42501', null, 'BI login cannot delete a booking');
-- should fail with 42501: a BI login cannot insert an override
select throws_ok($$insert into app_public.availability_override (resource_id, kind, during) values ('a2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$, '42501', null, 'BI login cannot insert an override');
-- should fail with 42501: a BI login cannot update a template
select throws_ok($$update app_public.availability_template set end_time = '18:00' where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null, 'BI login cannot update a template');
-- should fail with 42501: a BI login cannot delete a requirement
select throws_ok($$delete from app_public.service_requirement where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null, 'BI login cannot delete a requirement');
-- should fail with 42501: a BI login cannot update an allocation
select throws_ok($$update app_public.booking_allocation set requirement_id = null where id = 'ab000000-0000-4000-8000-000000000001'$$, '42501', null, 'BI login cannot update an allocation');
-- should fail with 42501: a BI login cannot map itself to another tenant
select throws_ok($$insert into app_private.bi_login (role_name, tenant_id) values ('tap_bi_alpha', 'b0000000-0000-4000-8000-0000000000b2')$$, '42501', null, 'BI login cannot map itself to another tenant');
reset session authorization;
-- A BI login without a mapping reads nothing.
set local session authorization tap_bi_nobody;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: an unmapped BI login has no tenant
select is(app_private.bi_tenant_id(), null::uuid, 'bi_tenant_id() of an unmapped BI login is null');
-- should succeed (returns nothing): and sees no tenant
select is_empty('select id from app_public.tenant', 'unmapped BI login sees no tenant');
-- should succeed (returns nothing): and no booking
select is_empty('select id from app_public.booking', 'unmapped BI login sees no booking');
-- should succeed (returns nothing): and no allocation
select is_empty('select id from app_public.booking_allocation', 'unmapped BI login sees no allocation');
reset session authorization;

--------------------------------------------------------------------------------------------------
-- booking_allocation: staff and admins manage their tenant's; a customer reads the allocations of
-- their own bookings; anonymous visitors have no grant.

-- booking_allocation: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous has no select grant
select throws_ok($$select id from app_public.booking_allocation$$, '42501', null,
  'anonymous cannot read booking_allocation');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: a customer sees the allocations of their own bookings only
select results_eq('select id from app_public.booking_allocation order by id', $$values ('ab000000-0000-4000-8000-000000000001'::uuid)$$,
  'customer Ann of tap-alpha sees only the allocation of her own booking');
-- should succeed (returns nothing): not another tenant's, not even those of her own booking there
select is_empty($$select id from app_public.booking_allocation where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('bb000000-0000-4000-8000-000000000001', 'bb000000-0000-4000-8000-000000000002')$$,
  'customer Ann of tap-alpha sees no booking_allocation of tap-beta');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000002', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: another customer sees only theirs
select results_eq('select id from app_public.booking_allocation order by id', $$values ('ab000000-0000-4000-8000-000000000002'::uuid)$$,
  'customer Bob of tap-alpha sees only the allocation of his own booking');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): a customer role without a user claim sees none
select is_empty('select id from app_public.booking_allocation', 'customer without a user claim sees no booking_allocation');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the booking_allocation rows of their tenant
select results_eq('select id from app_public.booking_allocation order by id',
  $$values ('ab000000-0000-4000-8000-000000000001'::uuid), ('ab000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the booking_allocation rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's booking_allocation rows
select is_empty($$select id from app_public.booking_allocation where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('bb000000-0000-4000-8000-000000000001', 'bb000000-0000-4000-8000-000000000002')$$,
  'staff of tap-alpha sees no booking_allocation of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the booking_allocation rows of their tenant
select results_eq('select id from app_public.booking_allocation order by id',
  $$values ('ab000000-0000-4000-8000-000000000001'::uuid), ('ab000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the booking_allocation rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's booking_allocation rows
select is_empty($$select id from app_public.booking_allocation where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('bb000000-0000-4000-8000-000000000001', 'bb000000-0000-4000-8000-000000000002')$$,
  'admin of tap-alpha sees no booking_allocation of tap-beta');
reset role;

-- booking_allocation: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ('aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', 'a4000000-0000-4000-8000-000000000002')$$, '42501', null,
  'anonymous cannot insert a booking_allocation row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ('aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', 'a4000000-0000-4000-8000-000000000002')$$, '42501', null,
  'customer cannot insert a booking_allocation row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ('aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', 'a4000000-0000-4000-8000-000000000002')$$,
  'staff inserts a booking_allocation row into their own tenant');
-- should fail with 42501: staff cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ('b0000000-0000-4000-8000-0000000000b2', 'ba000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002')$$, '42501', null,
  'staff cannot insert a booking_allocation row into another tenant');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ('aa000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000002', 'a4000000-0000-4000-8000-000000000002')$$,
  'admin inserts a booking_allocation row into their own tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.booking_allocation to app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ('b0000000-0000-4000-8000-0000000000b2', 'ba000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002')$$, '42501', null,
  'insert policy rejects a booking_allocation row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.booking_allocation from app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: busy is derived, not insertable
select throws_ok($$insert into app_public.booking_allocation (booking_id, resource_id, busy) values ('aa000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000003', '[2027-01-04 00:00Z, 2027-01-05 00:00Z)')$$, '42501', null,
  'staff cannot insert booking_allocation.busy');
-- should fail with 42501: active is derived, not insertable
select throws_ok($$insert into app_public.booking_allocation (booking_id, resource_id, active) values ('aa000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000003', false)$$, '42501', null,
  'staff cannot insert booking_allocation.active');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff allocates another tenant's resource to their booking
select throws_ok(
  $$insert into app_public.booking_allocation (booking_id, resource_id) values ('aa000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000002')$$,
  '23503', null, 'staff cannot allocate a resource of another tenant');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff allocates their resource to another tenant's booking
select throws_ok(
  $$insert into app_public.booking_allocation (booking_id, resource_id) values ('ba000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000003')$$,
  '23503', null, 'staff cannot allocate to a booking of another tenant');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff names another tenant's requirement
select throws_ok(
  $$insert into app_public.booking_allocation (booking_id, resource_id, requirement_id) values ('aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000003', 'b4000000-0000-4000-8000-000000000001')$$,
  '23503', null, 'staff cannot name a requirement of another tenant');
reset role;
-- should fail with 23503: superuser, an allocation of tap-alpha using tap-beta's resource
select throws_ok(
  $$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000002')$$,
  '23503', null, 'superuser cannot allocate a resource of another tenant');
-- should fail with 23503: superuser, an allocation of tap-alpha naming tap-beta's requirement
select throws_ok(
  $$insert into app_public.booking_allocation (tenant_id, booking_id, resource_id, requirement_id) values ('a0000000-0000-4000-8000-0000000000a1', 'aa000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000003', 'b4000000-0000-4000-8000-000000000001')$$,
  '23503', null, 'superuser cannot name a requirement of another tenant');

-- booking_allocation: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.booking_allocation set requirement_id = null where id = 'ab000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a booking_allocation row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.booking_allocation set requirement_id = null where id = 'ab000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a booking_allocation row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: staff updates their own tenant's row
with changed as (update app_public.booking_allocation set requirement_id = null where id = 'ab000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'staff updates a booking_allocation row of their own tenant');
-- should succeed, 0 rows: staff cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.booking_allocation set requirement_id = null where id = 'bb000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'staff update of another tenant''s booking_allocation row by id affects no row');
-- should fail with 42501: busy is not updatable
select throws_ok($$update app_public.booking_allocation set busy = '[2027-01-04 00:00Z, 2027-01-05 00:00Z)' where id = 'ab000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update booking_allocation.busy');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.booking_allocation set requirement_id = null where id = 'ab000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a booking_allocation row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.booking_allocation set requirement_id = null where id = 'bb000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s booking_allocation row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.booking_allocation set requirement_id = 'a4000000-0000-4000-8000-000000000002'$$, 'admin runs an unqualified update of booking_allocation');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(requirement_id is not distinct from 'a4000000-0000-4000-8000-000000000002'::uuid), bool_or(requirement_id is not distinct from 'a4000000-0000-4000-8000-000000000002'::uuid) from app_public.booking_allocation
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of booking_allocation changed only tap-alpha rows');

-- booking_allocation: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.booking_allocation where id = 'ab000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot delete a booking_allocation row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.booking_allocation where id = 'ab000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot delete a booking_allocation row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: staff deletes their own tenant's row
with removed as (delete from app_public.booking_allocation where id = 'ab000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 1, 'staff deletes a booking_allocation row of their own tenant');
-- should succeed, 0 rows: staff cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.booking_allocation where id = 'bb000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'staff delete of another tenant''s booking_allocation row by id affects no row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.booking_allocation where id = 'ab000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a booking_allocation row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.booking_allocation where id = 'bb000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s booking_allocation row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.booking_allocation$$, 'admin runs an unqualified delete of booking_allocation');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.booking_allocation where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 2)$$,
  'unqualified delete of booking_allocation removed only tap-alpha rows');
-- should succeed: as the superuser, tap-beta's allocations are exactly as the fixture made them
select results_eq(
  $$select id, booking_id, resource_id, requirement_id, active from app_public.booking_allocation where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' order by id$$,
  $$values ('bb000000-0000-4000-8000-000000000001'::uuid, 'ba000000-0000-4000-8000-000000000001'::uuid, 'b2000000-0000-4000-8000-000000000001'::uuid, 'b4000000-0000-4000-8000-000000000001'::uuid, true), ('bb000000-0000-4000-8000-000000000002'::uuid, 'ba000000-0000-4000-8000-000000000002'::uuid, 'b2000000-0000-4000-8000-000000000001'::uuid, 'b4000000-0000-4000-8000-000000000001'::uuid, true)$$,
  'tap-beta allocations were neither changed, removed nor added to');

--------------------------------------------------------------------------------------------------
-- booking: staff and admins read and write their tenant's, only admins delete; a customer reads
-- their own; anonymous visitors have no grant.

-- booking: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous has no select grant
select throws_ok($$select id from app_public.booking$$, '42501', null,
  'anonymous cannot read booking');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: a customer sees their own bookings only
select results_eq('select id from app_public.booking order by id', $$values ('aa000000-0000-4000-8000-000000000001'::uuid)$$,
  'customer Ann of tap-alpha sees only her own booking');
-- should succeed (returns nothing): not another tenant's, not even her own booking there
select is_empty($$select id from app_public.booking where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('ba000000-0000-4000-8000-000000000001', 'ba000000-0000-4000-8000-000000000002')$$,
  'customer Ann of tap-alpha sees no booking of tap-beta');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: the same login in the other tenant sees its own booking there
select results_eq('select id from app_public.booking order by id', $$values ('ba000000-0000-4000-8000-000000000001'::uuid)$$,
  'customer Ann of tap-beta sees only her own tap-beta booking');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): a customer role without a user claim sees none
select is_empty('select id from app_public.booking', 'customer without a user claim sees no booking');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the booking rows of their tenant
select results_eq('select id from app_public.booking order by id',
  $$values ('aa000000-0000-4000-8000-000000000001'::uuid), ('aa000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the booking rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's booking rows
select is_empty($$select id from app_public.booking where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('ba000000-0000-4000-8000-000000000001', 'ba000000-0000-4000-8000-000000000002')$$,
  'staff of tap-alpha sees no booking of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the booking rows of their tenant
select results_eq('select id from app_public.booking order by id',
  $$values ('aa000000-0000-4000-8000-000000000001'::uuid), ('aa000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the booking rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's booking rows
select is_empty($$select id from app_public.booking where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('ba000000-0000-4000-8000-000000000001', 'ba000000-0000-4000-8000-000000000002')$$,
  'admin of tap-alpha sees no booking of tap-beta');
reset role;

-- booking: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.booking (service_id, customer_id, starts_at) values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 14:00Z')$$, '42501', null,
  'anonymous cannot insert a booking row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.booking (service_id, customer_id, starts_at) values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-05 14:00Z')$$, '42501', null,
  'customer cannot insert a booking row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at) values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000002', '2027-01-05 14:00Z')$$,
  'staff inserts a booking row into their own tenant');
-- should fail with 42501: staff cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.booking (tenant_id, service_id, customer_id, starts_at) values ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002', '2027-01-06 14:00Z')$$, '42501', null,
  'staff cannot insert a booking row into another tenant');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at) values ('a3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000003', '2027-01-05 16:00Z')$$,
  'admin inserts a booking row into their own tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.booking to app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.booking (tenant_id, service_id, customer_id, starts_at) values ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002', '2027-01-06 14:00Z')$$, '42501', null,
  'insert policy rejects a booking row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.booking from app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff books another tenant's service (ends_at given)
select throws_ok(
  $$insert into app_public.booking (service_id, customer_id, starts_at, ends_at) values ('b3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-06 14:00Z', '2027-01-06 15:00Z')$$,
  '23503', null, 'staff cannot book a service of another tenant');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff books for another tenant's customer
select throws_ok(
  $$insert into app_public.booking (service_id, customer_id, starts_at) values ('a3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002', '2027-01-06 14:00Z')$$,
  '23503', null, 'staff cannot book for a customer of another tenant');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff books another tenant's service, ends_at left to its default
select throws_ok(
  $$insert into app_public.booking (service_id, customer_id, starts_at) values ('b3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-06 14:00Z')$$,
  '23503', null, 'staff cannot book a service of another tenant (ends_at defaulted)');
reset role;
-- should fail with 23503: superuser, a booking of tap-alpha for tap-beta's service
select throws_ok(
  $$insert into app_public.booking (tenant_id, service_id, customer_id, starts_at, ends_at) values ('a0000000-0000-4000-8000-0000000000a1', 'b3000000-0000-4000-8000-000000000001', 'a8000000-0000-4000-8000-000000000001', '2027-01-06 14:00Z', '2027-01-06 15:00Z')$$,
  '23503', null, 'superuser cannot book a service of another tenant');
-- should fail with 23503: superuser, a booking of tap-alpha for tap-beta's customer
select throws_ok(
  $$insert into app_public.booking (tenant_id, service_id, customer_id, starts_at) values ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000001', '2027-01-06 14:00Z')$$,
  '23503', null, 'superuser cannot book for a customer of another tenant');

-- booking: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.booking set notes = 'Arrived early' where id = 'aa000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a booking row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.booking set notes = 'Arrived early' where id = 'aa000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a booking row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: staff updates their own tenant's row
with changed as (update app_public.booking set notes = 'Arrived early' where id = 'aa000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'staff updates a booking row of their own tenant');
-- should succeed, 0 rows: staff cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.booking set notes = 'Arrived early' where id = 'ba000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'staff update of another tenant''s booking row by id affects no row');
-- should fail with 42501: the customer of a booking is not updatable
select throws_ok($$update app_public.booking set customer_id = 'a8000000-0000-4000-8000-000000000002' where id = 'aa000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot change booking.customer_id');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.booking set notes = 'Arrived early' where id = 'aa000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a booking row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.booking set notes = 'Arrived early' where id = 'ba000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s booking row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.booking set notes = 'Checked'$$, 'admin runs an unqualified update of booking');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(notes is not distinct from 'Checked'), bool_or(notes is not distinct from 'Checked') from app_public.booking
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of booking changed only tap-alpha rows');

-- booking: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.booking where id = 'aa000000-0000-4000-8000-000000000002'$$, '42501', null,
  'anonymous cannot delete a booking row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.booking where id = 'aa000000-0000-4000-8000-000000000002'$$, '42501', null,
  'customer cannot delete a booking row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.booking where id = 'aa000000-0000-4000-8000-000000000002'$$, '42501', null,
  'staff cannot delete a booking row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.booking where id = 'aa000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a booking row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.booking where id = 'ba000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s booking row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.booking$$, 'admin runs an unqualified delete of booking');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.booking where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 2)$$,
  'unqualified delete of booking removed only tap-alpha rows');

--------------------------------------------------------------------------------------------------
-- customer: staff and admins manage their tenant's (only admins delete); a customer reads and edits
-- only their own record (name, phone, zone); anonymous visitors have no grant.

-- customer: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous has no select grant
select throws_ok($$select id from app_public.customer$$, '42501', null,
  'anonymous cannot read customer');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: a customer sees their own record only
select results_eq('select id from app_public.customer order by id', $$values ('a8000000-0000-4000-8000-000000000001'::uuid)$$,
  'customer Ann of tap-alpha sees only her own customer row');
-- should succeed (returns nothing): not another tenant's, not even her own record there
select is_empty($$select id from app_public.customer where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002')$$,
  'customer Ann of tap-alpha sees no customer of tap-beta');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: the same login in the other tenant sees its record there
select results_eq('select id from app_public.customer order by id', $$values ('b8000000-0000-4000-8000-000000000001'::uuid)$$,
  'customer Ann of tap-beta sees only her own tap-beta customer row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000002', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: another customer sees only theirs
select results_eq('select id from app_public.customer order by id', $$values ('a8000000-0000-4000-8000-000000000002'::uuid)$$,
  'customer Bob of tap-alpha sees only his own customer row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): a customer role without a user claim sees none
select is_empty('select id from app_public.customer', 'customer without a user claim sees no customer row');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the customer rows of their tenant
select results_eq('select id from app_public.customer order by id',
  $$values ('a8000000-0000-4000-8000-000000000001'::uuid), ('a8000000-0000-4000-8000-000000000002'::uuid), ('a8000000-0000-4000-8000-000000000003'::uuid)$$,
  'staff of tap-alpha sees the customer rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's customer rows
select is_empty($$select id from app_public.customer where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002')$$,
  'staff of tap-alpha sees no customer of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the customer rows of their tenant
select results_eq('select id from app_public.customer order by id',
  $$values ('a8000000-0000-4000-8000-000000000001'::uuid), ('a8000000-0000-4000-8000-000000000002'::uuid), ('a8000000-0000-4000-8000-000000000003'::uuid)$$,
  'admin of tap-alpha sees the customer rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's customer rows
select is_empty($$select id from app_public.customer where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002')$$,
  'admin of tap-alpha sees no customer of tap-beta');
reset role;

-- customer: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.customer (name, email) values ('Mallory', 'mallory@tap.test')$$, '42501', null,
  'anonymous cannot insert a customer row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.customer (name, email) values ('Mallory', 'mallory@tap.test')$$, '42501', null,
  'customer cannot insert a customer row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.customer (name, email) values ('Dee', 'dee@tap.test')$$,
  'staff inserts a customer row into their own tenant');
-- should fail with 42501: staff cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.customer (tenant_id, name) values ('b0000000-0000-4000-8000-0000000000b2', 'Planted Customer')$$, '42501', null,
  'staff cannot insert a customer row into another tenant');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.customer (name, email) values ('Eve', 'eve@tap.test')$$,
  'admin inserts a customer row into their own tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.customer to app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.customer (tenant_id, name) values ('b0000000-0000-4000-8000-0000000000b2', 'Planted Customer')$$, '42501', null,
  'insert policy rejects a customer row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.customer from app_staff;

-- customer: update by the customer themselves.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.customer set name = 'Renamed' where id = 'a8000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a customer row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed, 1 row: a customer renames their own record
with changed as (update app_public.customer set name = 'Ann A.' where id = 'a8000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'customer Ann updates her own customer row');
-- should succeed, 0 rows: not another customer's record of the same tenant
with changed as (update app_public.customer set name = 'Renamed' where id = 'a8000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from changed), 0, 'customer Ann update of Bob''s row affects no row');
-- should succeed, 0 rows: nor her own record in another tenant
with changed as (update app_public.customer set name = 'Renamed' where id = 'b8000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'customer Ann of tap-alpha update of her tap-beta row affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: an unqualified update runs (the check below shows it touched only her own row)
select lives_ok($$update app_public.customer set phone = '+1 555 0100'$$, 'customer runs an unqualified update of customer');
-- should fail with 42501: a customer cannot change their email (staff-managed)
select throws_ok($$update app_public.customer set email = 'ann@elsewhere.test' where id = 'a8000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update customer.email');
-- should fail with 42501: nor relink the record to another login
select throws_ok($$update app_public.customer set user_id = 'c0000000-0000-4000-8000-000000000002' where id = 'a8000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update customer.user_id');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
-- should succeed: as the superuser, the customer's unqualified update changed only her own row
select results_eq($$select id from app_public.customer where phone = '+1 555 0100' order by id$$, $$values ('a8000000-0000-4000-8000-000000000001'::uuid)$$,
  'unqualified customer update of customer changed only her own row');

-- customer: update.
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: staff updates their own tenant's row
with changed as (update app_public.customer set name = 'Robert' where id = 'a8000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from changed), 1, 'staff updates a customer row of their own tenant');
-- should succeed, 0 rows: staff cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.customer set name = 'Robert' where id = 'b8000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from changed), 0, 'staff update of another tenant''s customer row by id affects no row');
-- should fail with 42501: staff cannot relink a customer to another login (user_id is not updatable)
select throws_ok($$update app_public.customer set user_id = 'c0000000-0000-4000-8000-000000000006' where id = 'a8000000-0000-4000-8000-000000000003'$$, '42501', null,
  'staff cannot update customer.user_id');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.customer set name = 'Robert' where id = 'a8000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a customer row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.customer set name = 'Robert' where id = 'b8000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s customer row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.customer set preferred_time_zone = 'Europe/London'$$, 'admin runs an unqualified update of customer');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(preferred_time_zone is not distinct from 'Europe/London'), bool_or(preferred_time_zone is not distinct from 'Europe/London') from app_public.customer
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of customer changed only tap-alpha rows');

-- customer: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.customer where id = 'a8000000-0000-4000-8000-000000000003'$$, '42501', null,
  'anonymous cannot delete a customer row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.customer where id = 'a8000000-0000-4000-8000-000000000003'$$, '42501', null,
  'customer cannot delete a customer row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.customer where id = 'a8000000-0000-4000-8000-000000000003'$$, '42501', null,
  'staff cannot delete a customer row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.customer where id = 'a8000000-0000-4000-8000-000000000003' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a customer row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.customer where id = 'b8000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s customer row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.customer$$, 'admin runs an unqualified delete of customer');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.customer where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 2)$$,
  'unqualified delete of customer removed only tap-alpha rows');

--------------------------------------------------------------------------------------------------
-- membership: staff and admins read their tenant's; only admins add, change and remove members.

-- membership: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous has no select grant on membership
select throws_ok($$select id from app_public.membership$$, '42501', null,
  'anonymous cannot read membership');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer has no select grant on membership
select throws_ok($$select id from app_public.membership$$, '42501', null,
  'customer cannot read membership');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the membership rows of their tenant
select results_eq('select id from app_public.membership order by id',
  $$values ('a9000000-0000-4000-8000-000000000001'::uuid), ('a9000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the membership rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's membership rows
select is_empty($$select id from app_public.membership where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b9000000-0000-4000-8000-000000000001')$$,
  'staff of tap-alpha sees no membership of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the membership rows of their tenant
select results_eq('select id from app_public.membership order by id',
  $$values ('a9000000-0000-4000-8000-000000000001'::uuid), ('a9000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the membership rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's membership rows
select is_empty($$select id from app_public.membership where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b9000000-0000-4000-8000-000000000001')$$,
  'admin of tap-alpha sees no membership of tap-beta');
reset role;

-- membership: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.membership (user_id, role) values ('c0000000-0000-4000-8000-000000000006', 'staff')$$, '42501', null,
  'anonymous cannot insert a membership row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.membership (user_id, role) values ('c0000000-0000-4000-8000-000000000006', 'staff')$$, '42501', null,
  'customer cannot insert a membership row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.membership (user_id, role) values ('c0000000-0000-4000-8000-000000000006', 'staff')$$, '42501', null,
  'staff cannot insert a membership row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.membership (user_id, role) values ('c0000000-0000-4000-8000-000000000006', 'staff')$$,
  'admin inserts a membership row into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.membership (tenant_id, user_id, role) values ('b0000000-0000-4000-8000-0000000000b2', 'c0000000-0000-4000-8000-000000000006', 'admin')$$, '42501', null,
  'admin cannot insert a membership row into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.membership to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.membership (tenant_id, user_id, role) values ('b0000000-0000-4000-8000-0000000000b2', 'c0000000-0000-4000-8000-000000000006', 'admin')$$, '42501', null,
  'insert policy rejects a membership row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.membership from app_admin;

-- membership: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.membership set role = 'admin' where id = 'a9000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a membership row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.membership set role = 'admin' where id = 'a9000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a membership row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.membership set role = 'admin' where id = 'a9000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a membership row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.membership set role = 'admin' where id = 'a9000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a membership row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.membership set role = 'admin' where id = 'b9000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s membership row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.membership set role = 'staff'$$, 'admin runs an unqualified update of membership');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(role = 'staff'), bool_or(role = 'staff') from app_public.membership
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of membership changed only tap-alpha rows');

-- membership: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.membership where id = 'a9000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot delete a membership row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.membership where id = 'a9000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot delete a membership row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.membership where id = 'a9000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot delete a membership row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.membership where id = 'a9000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a membership row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.membership where id = 'b9000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s membership row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.membership$$, 'admin runs an unqualified delete of membership');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.membership where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 1)$$,
  'unqualified delete of membership removed only tap-alpha rows');

--------------------------------------------------------------------------------------------------
-- availability_override: staff and admins read and manage their tenant's; anonymous visitors and
-- customers have no grant (reasons are internal).

-- availability_override: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous has no select grant on availability_override
select throws_ok($$select id from app_public.availability_override$$, '42501', null,
  'anonymous cannot read availability_override');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer has no select grant on availability_override
select throws_ok($$select id from app_public.availability_override$$, '42501', null,
  'customer cannot read availability_override');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the availability_override rows of their tenant
select results_eq('select id from app_public.availability_override order by id',
  $$values ('a7000000-0000-4000-8000-000000000001'::uuid), ('a7000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the availability_override rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's availability_override rows
select is_empty($$select id from app_public.availability_override where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b7000000-0000-4000-8000-000000000001')$$,
  'staff of tap-alpha sees no availability_override of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the availability_override rows of their tenant
select results_eq('select id from app_public.availability_override order by id',
  $$values ('a7000000-0000-4000-8000-000000000001'::uuid), ('a7000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the availability_override rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's availability_override rows
select is_empty($$select id from app_public.availability_override where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b7000000-0000-4000-8000-000000000001')$$,
  'admin of tap-alpha sees no availability_override of tap-beta');
reset role;

-- availability_override: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.availability_override (resource_id, kind, during) values ('a2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$, '42501', null,
  'anonymous cannot insert a availability_override row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.availability_override (resource_id, kind, during) values ('a2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$, '42501', null,
  'customer cannot insert a availability_override row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.availability_override (resource_id, kind, during) values ('a2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$,
  'staff inserts a availability_override row into their own tenant');
-- should fail with 42501: staff cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.availability_override (tenant_id, resource_id, kind, during) values ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$, '42501', null,
  'staff cannot insert a availability_override row into another tenant');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.availability_override (resource_id, kind, during) values ('a2000000-0000-4000-8000-000000000002', 'open', '[2027-02-06 15:00Z, 2027-02-06 17:00Z)')$$,
  'admin inserts a availability_override row into their own tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.availability_override to app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.availability_override (tenant_id, resource_id, kind, during) values ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$, '42501', null,
  'insert policy rejects a availability_override row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.availability_override from app_staff;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff closes another tenant's resource
select throws_ok(
  $$insert into app_public.availability_override (resource_id, kind, during) values ('b2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$,
  '23503', null, 'staff cannot add an override for a resource of another tenant');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff closes another tenant's location
select throws_ok(
  $$insert into app_public.availability_override (location_id, kind, during) values ('b1000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$,
  '23503', null, 'staff cannot add an override for a location of another tenant');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: staff closes another tenant's resource, given in local time (zone left to its default)
select throws_ok(
  $$insert into app_public.availability_override (resource_id, kind, starts_local, ends_local) values ('b2000000-0000-4000-8000-000000000001', 'closed', '2027-02-01 00:00', '2027-02-02 00:00')$$,
  '23503', null, 'staff cannot add a local-time override for a resource of another tenant');
reset role;
-- should fail with 23503: superuser, an override of tap-alpha for tap-beta's resource
select throws_ok(
  $$insert into app_public.availability_override (tenant_id, resource_id, kind, during) values ('a0000000-0000-4000-8000-0000000000a1', 'b2000000-0000-4000-8000-000000000001', 'closed', '[2027-02-01 00:00Z, 2027-02-02 00:00Z)')$$,
  '23503', null, 'superuser cannot add an override for a resource of another tenant');

-- availability_override: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.availability_override set reason = 'Sick leave' where id = 'a7000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a availability_override row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.availability_override set reason = 'Sick leave' where id = 'a7000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a availability_override row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: staff updates their own tenant's row
with changed as (update app_public.availability_override set reason = 'Sick leave' where id = 'a7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'staff updates a availability_override row of their own tenant');
-- should succeed, 0 rows: staff cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.availability_override set reason = 'Sick leave' where id = 'b7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'staff update of another tenant''s availability_override row by id affects no row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.availability_override set reason = 'Sick leave' where id = 'a7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a availability_override row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.availability_override set reason = 'Sick leave' where id = 'b7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s availability_override row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.availability_override set reason = 'Checked'$$, 'admin runs an unqualified update of availability_override');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(reason is not distinct from 'Checked'), bool_or(reason is not distinct from 'Checked') from app_public.availability_override
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of availability_override changed only tap-alpha rows');

-- availability_override: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.availability_override where id = 'a7000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot delete a availability_override row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.availability_override where id = 'a7000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot delete a availability_override row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: staff deletes their own tenant's row
with removed as (delete from app_public.availability_override where id = 'a7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 1, 'staff deletes a availability_override row of their own tenant');
-- should succeed, 0 rows: staff cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.availability_override where id = 'b7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'staff delete of another tenant''s availability_override row by id affects no row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.availability_override where id = 'a7000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a availability_override row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.availability_override where id = 'b7000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s availability_override row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.availability_override$$, 'admin runs an unqualified delete of availability_override');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.availability_override where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 1)$$,
  'unqualified delete of availability_override removed only tap-alpha rows');

--------------------------------------------------------------------------------------------------
-- availability_template: every API role reads its tenant's working hours; only admins write them.

-- availability_template: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no rows
select is_empty('select id from app_public.availability_template', 'anonymous without a tenant sees no availability_template');
reset role;
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees the availability_template rows of their tenant
select results_eq('select id from app_public.availability_template order by id',
  $$values ('a6000000-0000-4000-8000-000000000001'::uuid), ('a6000000-0000-4000-8000-000000000002'::uuid)$$,
  'anonymous of tap-alpha sees the availability_template rows of tap-alpha');
-- should succeed (returns nothing): anonymous cannot read another tenant's availability_template rows
select is_empty($$select id from app_public.availability_template where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b6000000-0000-4000-8000-000000000001')$$,
  'anonymous of tap-alpha sees no availability_template of tap-beta');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: customer sees the availability_template rows of their tenant
select results_eq('select id from app_public.availability_template order by id',
  $$values ('a6000000-0000-4000-8000-000000000001'::uuid), ('a6000000-0000-4000-8000-000000000002'::uuid)$$,
  'customer of tap-alpha sees the availability_template rows of tap-alpha');
-- should succeed (returns nothing): customer cannot read another tenant's availability_template rows
select is_empty($$select id from app_public.availability_template where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b6000000-0000-4000-8000-000000000001')$$,
  'customer of tap-alpha sees no availability_template of tap-beta');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the availability_template rows of their tenant
select results_eq('select id from app_public.availability_template order by id',
  $$values ('a6000000-0000-4000-8000-000000000001'::uuid), ('a6000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the availability_template rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's availability_template rows
select is_empty($$select id from app_public.availability_template where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b6000000-0000-4000-8000-000000000001')$$,
  'staff of tap-alpha sees no availability_template of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the availability_template rows of their tenant
select results_eq('select id from app_public.availability_template order by id',
  $$values ('a6000000-0000-4000-8000-000000000001'::uuid), ('a6000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the availability_template rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's availability_template rows
select is_empty($$select id from app_public.availability_template where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b6000000-0000-4000-8000-000000000001')$$,
  'admin of tap-alpha sees no availability_template of tap-beta');
reset role;

-- availability_template: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.availability_template (resource_id, weekday, start_time, end_time) values ('a2000000-0000-4000-8000-000000000001', 3, '09:00', '12:00')$$, '42501', null,
  'anonymous cannot insert a availability_template row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.availability_template (resource_id, weekday, start_time, end_time) values ('a2000000-0000-4000-8000-000000000001', 3, '09:00', '12:00')$$, '42501', null,
  'customer cannot insert a availability_template row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.availability_template (resource_id, weekday, start_time, end_time) values ('a2000000-0000-4000-8000-000000000001', 3, '09:00', '12:00')$$, '42501', null,
  'staff cannot insert a availability_template row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.availability_template (resource_id, weekday, start_time, end_time) values ('a2000000-0000-4000-8000-000000000001', 3, '09:00', '12:00')$$,
  'admin inserts a availability_template row into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time) values ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 4, '09:00', '12:00')$$, '42501', null,
  'admin cannot insert a availability_template row into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.availability_template to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time) values ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 4, '09:00', '12:00')$$, '42501', null,
  'insert policy rejects a availability_template row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.availability_template from app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: the template's zone defaults to the resource's (here its location's)
select is((select time_zone::text from app_public.availability_template where resource_id = 'a2000000-0000-4000-8000-000000000001' and weekday = 3), 'America/New_York',
  'an inserted template takes the zone of its resource''s location');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: admin adds working hours to another tenant's resource (zone given)
select throws_ok(
  $$insert into app_public.availability_template (resource_id, weekday, start_time, end_time, time_zone) values ('b2000000-0000-4000-8000-000000000001', 4, '09:00', '12:00', 'America/New_York')$$,
  '23503', null, 'admin cannot add working hours to a resource of another tenant');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: admin adds working hours to another tenant's resource (zone left to its default)
select throws_ok(
  $$insert into app_public.availability_template (resource_id, weekday, start_time, end_time) values ('b2000000-0000-4000-8000-000000000001', 4, '09:00', '12:00')$$,
  '23503', null, 'admin cannot add working hours to a resource of another tenant (zone defaulted)');
reset role;
-- should fail with 23503: superuser, working hours of tap-alpha for tap-beta's resource
select throws_ok(
  $$insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time, time_zone) values ('a0000000-0000-4000-8000-0000000000a1', 'b2000000-0000-4000-8000-000000000001', 4, '09:00', '12:00', 'America/New_York')$$,
  '23503', null, 'superuser cannot add working hours to a resource of another tenant');

-- availability_template: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.availability_template set end_time = '16:00' where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a availability_template row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.availability_template set end_time = '16:00' where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a availability_template row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.availability_template set end_time = '16:00' where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a availability_template row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.availability_template set end_time = '16:00' where id = 'a6000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a availability_template row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.availability_template set end_time = '16:00' where id = 'b6000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s availability_template row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.availability_template set end_time = '18:00'$$, 'admin runs an unqualified update of availability_template');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(end_time = '18:00'), bool_or(end_time = '18:00') from app_public.availability_template
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of availability_template changed only tap-alpha rows');

-- availability_template: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.availability_template where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot delete a availability_template row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.availability_template where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot delete a availability_template row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.availability_template where id = 'a6000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot delete a availability_template row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.availability_template where id = 'a6000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a availability_template row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.availability_template where id = 'b6000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s availability_template row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.availability_template$$, 'admin runs an unqualified delete of availability_template');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.availability_template where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 1)$$,
  'unqualified delete of availability_template removed only tap-alpha rows');

--------------------------------------------------------------------------------------------------
-- requirement_preference: every API role reads its tenant's (requirement_candidates and
-- available_slots read them for visitors too); only admins write; BI logins have no grant.

-- requirement_preference: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no rows
select is_empty('select id from app_public.requirement_preference', 'anonymous without a tenant sees no requirement_preference');
reset role;
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees the requirement_preference rows of their tenant
select results_eq('select id from app_public.requirement_preference order by id',
  $$values ('a5000000-0000-4000-8000-000000000001'::uuid), ('a5000000-0000-4000-8000-000000000002'::uuid)$$,
  'anonymous of tap-alpha sees the requirement_preference rows of tap-alpha');
-- should succeed (returns nothing): anonymous cannot read another tenant's requirement_preference rows
select is_empty($$select id from app_public.requirement_preference where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b5000000-0000-4000-8000-000000000001')$$,
  'anonymous of tap-alpha sees no requirement_preference of tap-beta');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: customer sees the requirement_preference rows of their tenant
select results_eq('select id from app_public.requirement_preference order by id',
  $$values ('a5000000-0000-4000-8000-000000000001'::uuid), ('a5000000-0000-4000-8000-000000000002'::uuid)$$,
  'customer of tap-alpha sees the requirement_preference rows of tap-alpha');
-- should succeed (returns nothing): customer cannot read another tenant's requirement_preference rows
select is_empty($$select id from app_public.requirement_preference where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b5000000-0000-4000-8000-000000000001')$$,
  'customer of tap-alpha sees no requirement_preference of tap-beta');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the requirement_preference rows of their tenant
select results_eq('select id from app_public.requirement_preference order by id',
  $$values ('a5000000-0000-4000-8000-000000000001'::uuid), ('a5000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the requirement_preference rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's requirement_preference rows
select is_empty($$select id from app_public.requirement_preference where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b5000000-0000-4000-8000-000000000001')$$,
  'staff of tap-alpha sees no requirement_preference of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the requirement_preference rows of their tenant
select results_eq('select id from app_public.requirement_preference order by id',
  $$values ('a5000000-0000-4000-8000-000000000001'::uuid), ('a5000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the requirement_preference rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's requirement_preference rows
select is_empty($$select id from app_public.requirement_preference where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b5000000-0000-4000-8000-000000000001')$$,
  'admin of tap-alpha sees no requirement_preference of tap-beta');
reset role;

-- requirement_preference: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.requirement_preference (requirement_id, resource_id, weight) values ('a4000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', -5)$$, '42501', null,
  'anonymous cannot insert a requirement_preference row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.requirement_preference (requirement_id, resource_id, weight) values ('a4000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', -5)$$, '42501', null,
  'customer cannot insert a requirement_preference row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.requirement_preference (requirement_id, resource_id, weight) values ('a4000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', -5)$$, '42501', null,
  'staff cannot insert a requirement_preference row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.requirement_preference (requirement_id, resource_id, weight) values ('a4000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', -5)$$,
  'admin inserts a requirement_preference row into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.requirement_preference (tenant_id, requirement_id, resource_id, weight) values ('b0000000-0000-4000-8000-0000000000b2', 'b4000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002', 1)$$, '42501', null,
  'admin cannot insert a requirement_preference row into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.requirement_preference to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.requirement_preference (tenant_id, requirement_id, resource_id, weight) values ('b0000000-0000-4000-8000-0000000000b2', 'b4000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002', 1)$$, '42501', null,
  'insert policy rejects a requirement_preference row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.requirement_preference from app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: admin prefers another tenant's resource
select throws_ok(
  $$insert into app_public.requirement_preference (requirement_id, resource_id, weight) values ('a4000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002', 1)$$,
  '23503', null, 'admin cannot prefer a resource of another tenant');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: admin weights a resource for another tenant's requirement
select throws_ok(
  $$insert into app_public.requirement_preference (requirement_id, resource_id, weight) values ('b4000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000003', 1)$$,
  '23503', null, 'admin cannot add a preference to a requirement of another tenant');
reset role;
-- should fail with 23503: superuser, a preference of tap-alpha for tap-beta's resource
select throws_ok(
  $$insert into app_public.requirement_preference (tenant_id, requirement_id, resource_id, weight) values ('a0000000-0000-4000-8000-0000000000a1', 'a4000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002', 1)$$,
  '23503', null, 'superuser cannot prefer a resource of another tenant');

-- requirement_preference: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.requirement_preference set weight = 50 where id = 'a5000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a requirement_preference row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.requirement_preference set weight = 50 where id = 'a5000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a requirement_preference row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.requirement_preference set weight = 50 where id = 'a5000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a requirement_preference row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.requirement_preference set weight = 50 where id = 'a5000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a requirement_preference row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.requirement_preference set weight = 50 where id = 'b5000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s requirement_preference row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.requirement_preference set weight = 42$$, 'admin runs an unqualified update of requirement_preference');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(weight = 42), bool_or(weight = 42) from app_public.requirement_preference
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of requirement_preference changed only tap-alpha rows');

-- requirement_preference: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.requirement_preference where id = 'a5000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot delete a requirement_preference row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.requirement_preference where id = 'a5000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot delete a requirement_preference row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.requirement_preference where id = 'a5000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot delete a requirement_preference row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.requirement_preference where id = 'a5000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a requirement_preference row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.requirement_preference where id = 'b5000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s requirement_preference row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.requirement_preference$$, 'admin runs an unqualified delete of requirement_preference');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.requirement_preference where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 1)$$,
  'unqualified delete of requirement_preference removed only tap-alpha rows');

--------------------------------------------------------------------------------------------------
-- service_requirement: every API role reads its tenant's (the catalogue); only admins write.

-- service_requirement: select.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no rows
select is_empty('select id from app_public.service_requirement', 'anonymous without a tenant sees no service_requirement');
reset role;
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees the service_requirement rows of their tenant
select results_eq('select id from app_public.service_requirement order by id',
  $$values ('a4000000-0000-4000-8000-000000000001'::uuid), ('a4000000-0000-4000-8000-000000000002'::uuid)$$,
  'anonymous of tap-alpha sees the service_requirement rows of tap-alpha');
-- should succeed (returns nothing): anonymous cannot read another tenant's service_requirement rows
select is_empty($$select id from app_public.service_requirement where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b4000000-0000-4000-8000-000000000001')$$,
  'anonymous of tap-alpha sees no service_requirement of tap-beta');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should succeed: customer sees the service_requirement rows of their tenant
select results_eq('select id from app_public.service_requirement order by id',
  $$values ('a4000000-0000-4000-8000-000000000001'::uuid), ('a4000000-0000-4000-8000-000000000002'::uuid)$$,
  'customer of tap-alpha sees the service_requirement rows of tap-alpha');
-- should succeed (returns nothing): customer cannot read another tenant's service_requirement rows
select is_empty($$select id from app_public.service_requirement where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b4000000-0000-4000-8000-000000000001')$$,
  'customer of tap-alpha sees no service_requirement of tap-beta');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the service_requirement rows of their tenant
select results_eq('select id from app_public.service_requirement order by id',
  $$values ('a4000000-0000-4000-8000-000000000001'::uuid), ('a4000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the service_requirement rows of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's service_requirement rows
select is_empty($$select id from app_public.service_requirement where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b4000000-0000-4000-8000-000000000001')$$,
  'staff of tap-alpha sees no service_requirement of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the service_requirement rows of their tenant
select results_eq('select id from app_public.service_requirement order by id',
  $$values ('a4000000-0000-4000-8000-000000000001'::uuid), ('a4000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the service_requirement rows of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's service_requirement rows
select is_empty($$select id from app_public.service_requirement where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b4000000-0000-4000-8000-000000000001')$$,
  'admin of tap-alpha sees no service_requirement of tap-beta');
reset role;

-- service_requirement: insert.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.service_requirement (service_id, name, resource_kind) values ('a3000000-0000-4000-8000-000000000001', 'Assistant', 'practitioner')$$, '42501', null,
  'anonymous cannot insert a service_requirement row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.service_requirement (service_id, name, resource_kind) values ('a3000000-0000-4000-8000-000000000001', 'Assistant', 'practitioner')$$, '42501', null,
  'customer cannot insert a service_requirement row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.service_requirement (service_id, name, resource_kind) values ('a3000000-0000-4000-8000-000000000001', 'Assistant', 'practitioner')$$, '42501', null,
  'staff cannot insert a service_requirement row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.service_requirement (service_id, name, resource_kind) values ('a3000000-0000-4000-8000-000000000001', 'Assistant', 'practitioner')$$,
  'admin inserts a service_requirement row into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind) values ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'Planted', 'room')$$, '42501', null,
  'admin cannot insert a service_requirement row into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.service_requirement to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind) values ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'Planted', 'room')$$, '42501', null,
  'insert policy rejects a service_requirement row of another tenant');
reset role;
revoke insert (tenant_id) on app_public.service_requirement from app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: admin adds a requirement to another tenant's service
select throws_ok(
  $$insert into app_public.service_requirement (service_id, name, resource_kind) values ('b3000000-0000-4000-8000-000000000001', 'Planted', 'room')$$,
  '23503', null, 'admin cannot add a requirement to a service of another tenant');
reset role;
-- should fail with 23503: superuser, a requirement of tap-alpha on tap-beta's service
select throws_ok(
  $$insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind) values ('a0000000-0000-4000-8000-0000000000a1', 'b3000000-0000-4000-8000-000000000001', 'Planted', 'room')$$,
  '23503', null, 'superuser cannot add a requirement to a service of another tenant');

-- service_requirement: update.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.service_requirement set quantity = 2 where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a service_requirement row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.service_requirement set quantity = 2 where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a service_requirement row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.service_requirement set quantity = 2 where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a service_requirement row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's row
with changed as (update app_public.service_requirement set quantity = 2 where id = 'a4000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a service_requirement row of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's row (the API's shape: by id, with RETURNING)
with changed as (update app_public.service_requirement set quantity = 2 where id = 'b4000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s service_requirement row by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.service_requirement set required = false$$, 'admin runs an unqualified update of service_requirement');
reset role;
-- should succeed: as the superuser, the unqualified update changed every row of tap-alpha and none of tap-beta
select results_eq(
  $$select tenant_id, bool_and(not required), bool_or(not required) from app_public.service_requirement
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id order by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, true, true), ('b0000000-0000-4000-8000-0000000000b2'::uuid, false, false)$$,
  'unqualified update of service_requirement changed only tap-alpha rows');

-- service_requirement: delete.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.service_requirement where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot delete a service_requirement row');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-000000000001', true), set_config('jwt.claims.role', 'app_customer', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.service_requirement where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot delete a service_requirement row');
reset role;
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.role', '', true);
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.service_requirement where id = 'a4000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot delete a service_requirement row');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's row
with removed as (delete from app_public.service_requirement where id = 'a4000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a service_requirement row of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's row (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.service_requirement where id = 'b4000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s service_requirement row by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.service_requirement$$, 'admin runs an unqualified delete of service_requirement');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly tap-alpha's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.service_requirement where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 1)$$,
  'unqualified delete of service_requirement removed only tap-alpha rows');

select * from finish();
rollback;

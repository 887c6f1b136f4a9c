-- Row level security and grants of location, resource and service: for each API role and each
-- command, what is allowed in the role's own tenant and what is denied, in particular across tenants.
-- Anonymous visitors address tap-alpha by slug; customers, staff and admins carry a tenant claim.
-- Each role switch sets both the claim and the slug ('' = unset); selecting two columns keeps the
-- set_config results out of the TAP output.
begin;
select plan(98);

-- Fixture, as the superuser: two tenants of our own (no reliance on seed data).
insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/Phoenix'),
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000002', 'Alpha Spare', 'Asia/Kathmandu'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Campus', 'America/New_York');
insert into app_public.resource (tenant_id, id, location_id, kind, name, active) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Alpha Practitioner', true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Closed Room', false),
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'equipment', 'Alpha Spare Scanner', true),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'equipment', 'Beta Microscope', true),
  ('b0000000-0000-4000-8000-0000000000b2', 'b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000001', 'equipment', 'Beta Old Centrifuge', false);
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, active) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Alpha Assessment', 60, true),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'Alpha Retired Therapy', 30, false),
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'Alpha Spare Consult', 15, true),
  ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'Beta Lab Session', 120, true),
  ('b0000000-0000-4000-8000-0000000000b2', 'b3000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000001', 'Beta Retired Session', 60, false);

--------------------------------------------------------------------------------------------------
-- service

-- service: select. Every API role reads its own tenant (anonymous and customers only active rows), never another tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no services
select is_empty('select id from app_public.service', 'anonymous without a tenant sees no service');
reset role;
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees the active services of their tenant
select results_eq('select id from app_public.service order by id',
  $$values ('a3000000-0000-4000-8000-000000000001'::uuid), ('a3000000-0000-4000-8000-000000000003'::uuid)$$,
  'anonymous via slug tap-alpha sees the active services of tap-alpha');
-- should succeed (returns nothing): the inactive service is hidden from anonymous
select is_empty($$select id from app_public.service where id = 'a3000000-0000-4000-8000-000000000002'$$,
  'anonymous cannot see an inactive service');
-- should succeed: anonymous reads whole rows (the active flag included) and every visible row is active
select is((select bool_and(active) from app_public.service), true, 'anonymous sees only active service rows');
-- should succeed (returns nothing): anonymous cannot read another tenant's services
select is_empty($$select id from app_public.service where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002')$$,
  'anonymous via slug tap-alpha sees no service of tap-beta');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: customer sees the active services of their tenant
select results_eq('select id from app_public.service order by id',
  $$values ('a3000000-0000-4000-8000-000000000001'::uuid), ('a3000000-0000-4000-8000-000000000003'::uuid)$$,
  'customer of tap-alpha sees the active services of tap-alpha');
-- should succeed (returns nothing): the inactive service is hidden from customer
select is_empty($$select id from app_public.service where id = 'a3000000-0000-4000-8000-000000000002'$$,
  'customer cannot see an inactive service');
-- should succeed: customer reads whole rows (the active flag included) and every visible row is active
select is((select bool_and(active) from app_public.service), true, 'customer sees only active service rows');
-- should succeed (returns nothing): customer cannot read another tenant's services
select is_empty($$select id from app_public.service where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002')$$,
  'customer of tap-alpha sees no service of tap-beta');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees all services of their tenant (inactive included)
select results_eq('select id from app_public.service order by id',
  $$values ('a3000000-0000-4000-8000-000000000001'::uuid), ('a3000000-0000-4000-8000-000000000002'::uuid), ('a3000000-0000-4000-8000-000000000003'::uuid)$$,
  'staff of tap-alpha sees all services of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's services
select is_empty($$select id from app_public.service where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002')$$,
  'staff of tap-alpha sees no service of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees all services of their tenant (inactive included)
select results_eq('select id from app_public.service order by id',
  $$values ('a3000000-0000-4000-8000-000000000001'::uuid), ('a3000000-0000-4000-8000-000000000002'::uuid), ('a3000000-0000-4000-8000-000000000003'::uuid)$$,
  'admin of tap-alpha sees all services of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's services
select is_empty($$select id from app_public.service where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002')$$,
  'admin of tap-alpha sees no service of tap-beta');
reset role;

-- service: insert. Only admins, only into their own tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.service (location_id, name, duration_minutes) values ('a1000000-0000-4000-8000-000000000001', 'Tap Follow-up', 20)$$, '42501', null,
  'anonymous cannot insert a service');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.service (location_id, name, duration_minutes) values ('a1000000-0000-4000-8000-000000000001', 'Tap Follow-up', 20)$$, '42501', null,
  'customer cannot insert a service');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.service (location_id, name, duration_minutes) values ('a1000000-0000-4000-8000-000000000001', 'Tap Follow-up', 20)$$, '42501', null,
  'staff cannot insert a service');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.service (location_id, name, duration_minutes) values ('a1000000-0000-4000-8000-000000000001', 'Tap Follow-up', 20)$$,
  'admin inserts a service into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.service (tenant_id, location_id, name, duration_minutes) values ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Planted Service', 30)$$, '42501', null,
  'admin cannot insert a service into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.service to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.service (tenant_id, location_id, name, duration_minutes) values ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Planted Service', 30)$$, '42501', null,
  'insert policy rejects a service of another tenant');
reset role;
revoke insert (tenant_id) on app_public.service from app_admin;

-- service: update. Only admins, only their own tenant's rows.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.service set price_cents = 1 where id = 'a3000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a service');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.service set price_cents = 1 where id = 'a3000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a service');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.service set price_cents = 1 where id = 'a3000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a service');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's service
with changed as (update app_public.service set price_cents = 1 where id = 'a3000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a service of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's service (the API's shape: by id, with RETURNING)
with changed as (update app_public.service set price_cents = 1 where id = 'b3000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s service by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.service set buffer_after_minutes = 7$$, 'admin runs an unqualified update of service');
reset role;
-- should succeed: as the superuser, the unqualified update changed exactly the admin's own tenant's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.service
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') and buffer_after_minutes = 7 group by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, 4)$$,
  'unqualified admin update of service changed only tap-alpha rows');

-- service: delete. Only admins, only their own tenant's rows.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.service where id = 'a3000000-0000-4000-8000-000000000003'$$, '42501', null,
  'anonymous cannot delete a service');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.service where id = 'a3000000-0000-4000-8000-000000000003'$$, '42501', null,
  'customer cannot delete a service');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.service where id = 'a3000000-0000-4000-8000-000000000003'$$, '42501', null,
  'staff cannot delete a service');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's service
with removed as (delete from app_public.service where id = 'a3000000-0000-4000-8000-000000000003' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a service of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's service (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.service where id = 'b3000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s service by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.service$$, 'admin runs an unqualified delete of service');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly the admin's own tenant's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.service where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 2)$$,
  'unqualified admin delete of service removed only tap-alpha rows');

-- should succeed: as the superuser, tap-beta's services are exactly as the fixture made them
select results_eq(
  $$select id, name, price_cents, active from app_public.service where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' order by id$$,
  $$values ('b3000000-0000-4000-8000-000000000001'::uuid, 'Beta Lab Session', 0, true), ('b3000000-0000-4000-8000-000000000002'::uuid, 'Beta Retired Session', 0, false)$$,
  'tap-beta services were neither changed, removed nor added to'
);

--------------------------------------------------------------------------------------------------
-- resource

-- resource: select. Every API role reads its own tenant (anonymous and customers only active rows), never another tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no resources
select is_empty('select id from app_public.resource', 'anonymous without a tenant sees no resource');
reset role;
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees the active resources of their tenant
select results_eq('select id from app_public.resource order by id',
  $$values ('a2000000-0000-4000-8000-000000000001'::uuid), ('a2000000-0000-4000-8000-000000000003'::uuid)$$,
  'anonymous via slug tap-alpha sees the active resources of tap-alpha');
-- should succeed (returns nothing): the inactive resource is hidden from anonymous
select is_empty($$select id from app_public.resource where id = 'a2000000-0000-4000-8000-000000000002'$$,
  'anonymous cannot see an inactive resource');
-- should succeed: anonymous reads whole rows (the active flag included) and every visible row is active
select is((select bool_and(active) from app_public.resource), true, 'anonymous sees only active resource rows');
-- should succeed (returns nothing): anonymous cannot read another tenant's resources
select is_empty($$select id from app_public.resource where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002')$$,
  'anonymous via slug tap-alpha sees no resource of tap-beta');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: customer sees the active resources of their tenant
select results_eq('select id from app_public.resource order by id',
  $$values ('a2000000-0000-4000-8000-000000000001'::uuid), ('a2000000-0000-4000-8000-000000000003'::uuid)$$,
  'customer of tap-alpha sees the active resources of tap-alpha');
-- should succeed (returns nothing): the inactive resource is hidden from customer
select is_empty($$select id from app_public.resource where id = 'a2000000-0000-4000-8000-000000000002'$$,
  'customer cannot see an inactive resource');
-- should succeed: customer reads whole rows (the active flag included) and every visible row is active
select is((select bool_and(active) from app_public.resource), true, 'customer sees only active resource rows');
-- should succeed (returns nothing): customer cannot read another tenant's resources
select is_empty($$select id from app_public.resource where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002')$$,
  'customer of tap-alpha sees no resource of tap-beta');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees all resources of their tenant (inactive included)
select results_eq('select id from app_public.resource order by id',
  $$values ('a2000000-0000-4000-8000-000000000001'::uuid), ('a2000000-0000-4000-8000-000000000002'::uuid), ('a2000000-0000-4000-8000-000000000003'::uuid)$$,
  'staff of tap-alpha sees all resources of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's resources
select is_empty($$select id from app_public.resource where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002')$$,
  'staff of tap-alpha sees no resource of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees all resources of their tenant (inactive included)
select results_eq('select id from app_public.resource order by id',
  $$values ('a2000000-0000-4000-8000-000000000001'::uuid), ('a2000000-0000-4000-8000-000000000002'::uuid), ('a2000000-0000-4000-8000-000000000003'::uuid)$$,
  'admin of tap-alpha sees all resources of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's resources
select is_empty($$select id from app_public.resource where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002')$$,
  'admin of tap-alpha sees no resource of tap-beta');
reset role;

-- resource: insert. Only admins, only into their own tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.resource (location_id, kind, name) values ('a1000000-0000-4000-8000-000000000001', 'room', 'Tap Room 9')$$, '42501', null,
  'anonymous cannot insert a resource');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.resource (location_id, kind, name) values ('a1000000-0000-4000-8000-000000000001', 'room', 'Tap Room 9')$$, '42501', null,
  'customer cannot insert a resource');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.resource (location_id, kind, name) values ('a1000000-0000-4000-8000-000000000001', 'room', 'Tap Room 9')$$, '42501', null,
  'staff cannot insert a resource');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.resource (location_id, kind, name) values ('a1000000-0000-4000-8000-000000000001', 'room', 'Tap Room 9')$$,
  'admin inserts a resource into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.resource (tenant_id, location_id, kind, name) values ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'room', 'Planted Room')$$, '42501', null,
  'admin cannot insert a resource into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.resource to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.resource (tenant_id, location_id, kind, name) values ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'room', 'Planted Room')$$, '42501', null,
  'insert policy rejects a resource of another tenant');
reset role;
revoke insert (tenant_id) on app_public.resource from app_admin;

-- resource: update. Only admins, only their own tenant's rows.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.resource set name = 'Renamed Resource' where id = 'a2000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a resource');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.resource set name = 'Renamed Resource' where id = 'a2000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a resource');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.resource set name = 'Renamed Resource' where id = 'a2000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a resource');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's resource
with changed as (update app_public.resource set name = 'Renamed Resource' where id = 'a2000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a resource of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's resource (the API's shape: by id, with RETURNING)
with changed as (update app_public.resource set name = 'Renamed Resource' where id = 'b2000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s resource by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.resource set tags = '{moved}'$$, 'admin runs an unqualified update of resource');
reset role;
-- should succeed: as the superuser, the unqualified update changed exactly the admin's own tenant's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.resource
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') and tags = '{moved}' group by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, 4)$$,
  'unqualified admin update of resource changed only tap-alpha rows');

-- resource: delete. Only admins, only their own tenant's rows.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.resource where id = 'a2000000-0000-4000-8000-000000000003'$$, '42501', null,
  'anonymous cannot delete a resource');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.resource where id = 'a2000000-0000-4000-8000-000000000003'$$, '42501', null,
  'customer cannot delete a resource');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.resource where id = 'a2000000-0000-4000-8000-000000000003'$$, '42501', null,
  'staff cannot delete a resource');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's resource
with removed as (delete from app_public.resource where id = 'a2000000-0000-4000-8000-000000000003' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a resource of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's resource (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.resource where id = 'b2000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s resource by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.resource$$, 'admin runs an unqualified delete of resource');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly the admin's own tenant's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.resource where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 2)$$,
  'unqualified admin delete of resource removed only tap-alpha rows');

-- should succeed: as the superuser, tap-beta's resources are exactly as the fixture made them
select results_eq(
  $$select id, name, active from app_public.resource where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' order by id$$,
  $$values ('b2000000-0000-4000-8000-000000000001'::uuid, 'Beta Microscope', true), ('b2000000-0000-4000-8000-000000000002'::uuid, 'Beta Old Centrifuge', false)$$,
  'tap-beta resources were neither changed, removed nor added to'
);

--------------------------------------------------------------------------------------------------
-- location

-- location: select. Every API role reads its own tenant, never another tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no locations
select is_empty('select id from app_public.location', 'anonymous without a tenant sees no location');
reset role;
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees the locations of their tenant
select results_eq('select id from app_public.location order by id',
  $$values ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000002'::uuid)$$,
  'anonymous via slug tap-alpha sees the locations of tap-alpha');
-- should succeed (returns nothing): anonymous cannot read another tenant's locations
select is_empty($$select id from app_public.location where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b1000000-0000-4000-8000-000000000001')$$,
  'anonymous via slug tap-alpha sees no location of tap-beta');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: customer sees the locations of their tenant
select results_eq('select id from app_public.location order by id',
  $$values ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000002'::uuid)$$,
  'customer of tap-alpha sees the locations of tap-alpha');
-- should succeed (returns nothing): customer cannot read another tenant's locations
select is_empty($$select id from app_public.location where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b1000000-0000-4000-8000-000000000001')$$,
  'customer of tap-alpha sees no location of tap-beta');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: staff sees the locations of their tenant
select results_eq('select id from app_public.location order by id',
  $$values ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000002'::uuid)$$,
  'staff of tap-alpha sees the locations of tap-alpha');
-- should succeed (returns nothing): staff cannot read another tenant's locations
select is_empty($$select id from app_public.location where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b1000000-0000-4000-8000-000000000001')$$,
  'staff of tap-alpha sees no location of tap-beta');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin sees the locations of their tenant
select results_eq('select id from app_public.location order by id',
  $$values ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000002'::uuid)$$,
  'admin of tap-alpha sees the locations of tap-alpha');
-- should succeed (returns nothing): admin cannot read another tenant's locations
select is_empty($$select id from app_public.location where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' or id in ('b1000000-0000-4000-8000-000000000001')$$,
  'admin of tap-alpha sees no location of tap-beta');
reset role;

-- location: insert. Only admins, only into their own tenant.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot insert
select throws_ok($$insert into app_public.location (name, time_zone) values ('Tap Alpha Annex', 'Europe/Berlin')$$, '42501', null,
  'anonymous cannot insert a location');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot insert
select throws_ok($$insert into app_public.location (name, time_zone) values ('Tap Alpha Annex', 'Europe/Berlin')$$, '42501', null,
  'customer cannot insert a location');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot insert
select throws_ok($$insert into app_public.location (name, time_zone) values ('Tap Alpha Annex', 'Europe/Berlin')$$, '42501', null,
  'staff cannot insert a location');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: admin inserts into their own tenant (tenant_id defaults to current_tenant_id())
select lives_ok($$insert into app_public.location (name, time_zone) values ('Tap Alpha Annex', 'Europe/Berlin')$$,
  'admin inserts a location into their own tenant');
-- should fail with 42501: admin cannot name another tenant (tenant_id is not an insertable column)
select throws_ok($$insert into app_public.location (tenant_id, name, time_zone) values ('b0000000-0000-4000-8000-0000000000b2', 'Planted Site', 'UTC')$$, '42501', null,
  'admin cannot insert a location into another tenant');
reset role;
-- Make tenant_id insertable for this transaction only, to reach the policy's WITH CHECK behind the grant.
grant insert (tenant_id) on app_public.location to app_admin;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: the insert policy rejects another tenant's id (RLS WITH CHECK)
select throws_ok($$insert into app_public.location (tenant_id, name, time_zone) values ('b0000000-0000-4000-8000-0000000000b2', 'Planted Site', 'UTC')$$, '42501', null,
  'insert policy rejects a location of another tenant');
reset role;
revoke insert (tenant_id) on app_public.location from app_admin;

-- location: update. Only admins, only their own tenant's rows.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot update
select throws_ok($$update app_public.location set name = 'Renamed Site' where id = 'a1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'anonymous cannot update a location');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot update
select throws_ok($$update app_public.location set name = 'Renamed Site' where id = 'a1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'customer cannot update a location');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot update
select throws_ok($$update app_public.location set name = 'Renamed Site' where id = 'a1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'staff cannot update a location');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin updates their own tenant's location
with changed as (update app_public.location set name = 'Renamed Site' where id = 'a1000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1, 'admin updates a location of their own tenant');
-- should succeed, 0 rows: admin cannot update another tenant's location (the API's shape: by id, with RETURNING)
with changed as (update app_public.location set name = 'Renamed Site' where id = 'b1000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'admin update of another tenant''s location by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified update
select lives_ok($$update app_public.location set address = 'Moved'$$, 'admin runs an unqualified update of location');
reset role;
-- should succeed: as the superuser, the unqualified update changed exactly the admin's own tenant's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.location
     where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') and address = 'Moved' group by tenant_id$$,
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid, 3)$$,
  'unqualified admin update of location changed only tap-alpha rows');

-- location: delete. Only admins, only their own tenant's rows.
set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot delete
select throws_ok($$delete from app_public.location where id = 'a1000000-0000-4000-8000-000000000002'$$, '42501', null,
  'anonymous cannot delete a location');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: customer cannot delete
select throws_ok($$delete from app_public.location where id = 'a1000000-0000-4000-8000-000000000002'$$, '42501', null,
  'customer cannot delete a location');
reset role;
set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501: staff cannot delete
select throws_ok($$delete from app_public.location where id = 'a1000000-0000-4000-8000-000000000002'$$, '42501', null,
  'staff cannot delete a location');
reset role;
set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed, 1 row: admin deletes their own tenant's location
with removed as (delete from app_public.location where id = 'a1000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from removed), 1, 'admin deletes a location of their own tenant');
-- should succeed, 0 rows: admin cannot delete another tenant's location (the API's shape: by id, with RETURNING)
with removed as (delete from app_public.location where id = 'b1000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from removed), 0, 'admin delete of another tenant''s location by id affects no row');
-- Without WHERE or RETURNING only the DELETE policy filters (not the SELECT policy too).
-- should succeed: admin runs an unqualified delete
select lives_ok($$delete from app_public.location$$, 'admin runs an unqualified delete of location');
reset role;
-- should succeed: as the superuser, the unqualified delete removed exactly the admin's own tenant's rows
select results_eq(
  $$select tenant_id, count(*)::int from app_public.location where tenant_id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') group by tenant_id$$,
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid, 1)$$,
  'unqualified admin delete of location removed only tap-alpha rows');

-- should succeed: as the superuser, tap-beta's locations are exactly as the fixture made them
select results_eq(
  $$select id, name from app_public.location where tenant_id = 'b0000000-0000-4000-8000-0000000000b2' order by id$$,
  $$values ('b1000000-0000-4000-8000-000000000001'::uuid, 'Beta Campus')$$,
  'tap-beta locations were neither changed, removed nor added to'
);
select * from finish();
rollback;

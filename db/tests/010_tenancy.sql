-- Tenancy: how current_tenant_id() resolves the tenant of a request, and what the tenant registry
-- shows to (and lets change) each API role.
begin;
select plan(31);

-- Fixture, as the superuser: two tenants of our own (no reliance on seed data).
insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');

--------------------------------------------------------------------------------------------------
-- current_tenant_id() semantics.

-- Each context switch sets both the claim and the slug ('' = unset); two columns keep them out of the TAP output.
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed: no settings at all -> null
select is(app_public.current_tenant_id(), null::uuid, 'no claim and no slug: current_tenant_id() is null');

set local role app_anonymous;
-- should succeed: the same for an API role
select is(app_public.current_tenant_id(), null::uuid, 'no claim and no slug (as app_anonymous): null');
-- should succeed: and current_tenant() finds nothing
select is((app_public.current_tenant()).id, null::uuid, 'no claim and no slug: current_tenant() is null');

select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: a slug names the tenant
select is(app_public.current_tenant_id(), 'a0000000-0000-4000-8000-0000000000a1'::uuid, 'slug tap-alpha resolves to its tenant');
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'TAP-Beta', true);
-- should succeed: slugs compare case-insensitively (citext)
select is(app_public.current_tenant_id(), 'b0000000-0000-4000-8000-0000000000b2'::uuid, 'slug lookup is case-insensitive');
-- should succeed: current_tenant() returns the addressed row
select is((app_public.current_tenant()).slug::text, 'tap-beta', 'current_tenant() is the tenant the slug names');

select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-nowhere', true);
-- should fail with TNTUN: an unknown slug
select throws_ok('select app_public.current_tenant_id()', 'TNTUN', null, 'unknown slug raises TNTUN');
-- should fail with TNTUN: also when reached through a table's policy
select throws_ok('select id from app_public.tenant', 'TNTUN', null, 'reading tenant with an unknown slug raises TNTUN');

select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', '', true);
-- should succeed: a claim alone is the tenant
select is(app_public.current_tenant_id(), 'b0000000-0000-4000-8000-0000000000b2'::uuid, 'claim alone resolves to its tenant');
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: the claim wins over a slug naming another tenant
select is(app_public.current_tenant_id(), 'b0000000-0000-4000-8000-0000000000b2'::uuid, 'claim wins over the slug of another tenant');
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', 'tap-nowhere', true);
-- should succeed: the claim wins even over an unknown slug (the slug is not looked up)
select is(app_public.current_tenant_id(), 'b0000000-0000-4000-8000-0000000000b2'::uuid, 'claim wins over an unknown slug (no TNTUN)');
select set_config('jwt.claims.tenant_id', 'not-a-uuid', true), set_config('app.tenant_slug', '', true);
-- should fail with 22P02: a malformed claim
select throws_ok('select app_public.current_tenant_id()', '22P02', null, 'malformed tenant claim raises 22P02');
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed: empty settings count as unset
select is(app_public.current_tenant_id(), null::uuid, 'empty claim and empty slug: null');

select set_config('jwt.claims.user_id', 'c0000000-0000-4000-8000-0000000000c3', true), set_config('jwt.claims.tenant_id', '', true);
-- should succeed: current_user_id() reads the user claim
select is(app_public.current_user_id(), 'c0000000-0000-4000-8000-0000000000c3'::uuid, 'current_user_id() is the user claim');
select set_config('jwt.claims.user_id', '', true), set_config('jwt.claims.tenant_id', '', true);
-- should succeed
select is(app_public.current_user_id(), null::uuid, 'current_user_id() is null without a user claim');
reset role;

--------------------------------------------------------------------------------------------------
-- Reading the registry.

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: anonymous sees exactly the addressed tenant
select results_eq('select id from app_public.tenant',
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'anonymous (slug tap-alpha) sees only the tap-alpha tenant row');
-- should succeed (returns nothing): not the other tenant, even when asked for it
select is_empty($$select id from app_public.tenant where slug = 'tap-beta'$$,
  'anonymous (slug tap-alpha) cannot read the tap-beta row');
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed (returns nothing): no tenant addressed, no rows
select is_empty('select id from app_public.tenant', 'anonymous without a slug sees no tenant');
reset role;

set local role app_customer;
select set_config('jwt.claims.tenant_id', 'b0000000-0000-4000-8000-0000000000b2', true), set_config('app.tenant_slug', '', true);
-- should succeed: a signed-in customer sees their own tenant only
select results_eq('select id from app_public.tenant',
  $$values ('b0000000-0000-4000-8000-0000000000b2'::uuid)$$,
  'customer of tap-beta sees only the tap-beta tenant row');
reset role;

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed
select results_eq('select id from app_public.tenant',
  $$values ('a0000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'staff of tap-alpha sees only the tap-alpha tenant row');
reset role;

--------------------------------------------------------------------------------------------------
-- Changing the registry: only admins, only the name, only their own tenant.

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should fail with 42501: anonymous cannot rename
select throws_ok($$update app_public.tenant set name = 'Hijacked'$$, '42501', null, 'anonymous cannot update tenant');
-- should fail with 42501: nor create tenants
select throws_ok($$insert into app_public.tenant (slug, name) values ('tap-gamma', 'Gamma')$$, '42501', null,
  'anonymous cannot insert a tenant');
reset role;

set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501
select throws_ok($$update app_public.tenant set name = 'Hijacked'$$, '42501', null, 'customer cannot update tenant');
reset role;

set local role app_staff;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 42501
select throws_ok($$update app_public.tenant set name = 'Hijacked'$$, '42501', null, 'staff cannot update tenant');
reset role;

set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: an admin renames their own tenant (1 row)
with changed as (
  update app_public.tenant set name = 'Tap Alpha Care' where id = 'a0000000-0000-4000-8000-0000000000a1' returning 1
)
select is((select count(*)::int from changed), 1, 'admin renames their own tenant');
-- should succeed, affecting 0 rows: not another tenant (the API's shape: by id, with RETURNING)
with changed as (
  update app_public.tenant set name = 'Hijacked' where id = 'b0000000-0000-4000-8000-0000000000b2' returning 1
)
select is((select count(*)::int from changed), 0, 'admin update of another tenant by id affects no row');
-- Without WHERE or RETURNING no column is read, so only the UPDATE policy filters (not the SELECT policy too).
-- should succeed: an unqualified rename runs (the final check shows it touched only the admin's tenant)
select lives_ok($$update app_public.tenant set name = 'Tap Alpha Health'$$, 'admin runs an unqualified rename');
-- should fail with 42501: the slug is not writable
select throws_ok($$update app_public.tenant set slug = 'tap-renamed'$$, '42501', null, 'admin cannot change the slug');
-- should fail with 42501: admins neither create nor delete tenants
select throws_ok($$insert into app_public.tenant (slug, name) values ('tap-gamma', 'Gamma')$$, '42501', null,
  'admin cannot insert a tenant');
-- should fail with 42501
select throws_ok($$delete from app_public.tenant$$, '42501', null, 'admin cannot delete a tenant');
reset role;

-- should succeed: as the superuser, the rename stuck and the other tenant is untouched
select results_eq(
  $$select slug::text, name from app_public.tenant where id in ('a0000000-0000-4000-8000-0000000000a1', 'b0000000-0000-4000-8000-0000000000b2') order by slug$$,
  $$values ('tap-alpha', 'Tap Alpha Health'), ('tap-beta', 'Tap Beta Labs')$$,
  'only the admin''s own tenant was renamed (the other by neither statement)'
);

select * from finish();
rollback;

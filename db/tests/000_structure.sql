-- Structure: roles and their attributes, schemas, extensions, row level security on every
-- tenant-owned table, and nothing in app_private reachable by the API roles.
begin;
select plan(46);

--------------------------------------------------------------------------------------------------
-- Roles.

-- should succeed: every group role and login role exists
select has_role('app_anonymous', 'role app_anonymous exists');
-- should succeed
select has_role('app_customer', 'role app_customer exists');
-- should succeed
select has_role('app_staff', 'role app_staff exists');
-- should succeed
select has_role('app_admin', 'role app_admin exists');
-- should succeed
select has_role('app_bi', 'role app_bi exists');
-- should succeed
select has_role('app_owner', 'role app_owner exists');
-- should succeed
select has_role('app_authenticator', 'role app_authenticator exists');

-- should succeed: the group roles cannot log in, are not superusers and do not bypass RLS
select is_empty(
  $$select rolname from pg_catalog.pg_roles
     where rolname in ('app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi')
       and (rolcanlogin or rolsuper or rolbypassrls or rolcreaterole or rolcreatedb)$$,
  'group roles are NOLOGIN, not superuser, no BYPASSRLS, no CREATEROLE/CREATEDB'
);

-- should succeed: the authenticator is not a superuser
select isnt_superuser('app_authenticator', 'app_authenticator is not a superuser');
-- should succeed: the authenticator does not inherit the privileges of the roles it may switch to
select is((select rolinherit from pg_catalog.pg_roles where rolname = 'app_authenticator'), false,
  'app_authenticator is NOINHERIT');
-- should succeed: the authenticator never bypasses RLS
select is((select rolbypassrls from pg_catalog.pg_roles where rolname = 'app_authenticator'), false,
  'app_authenticator has no BYPASSRLS');
-- should succeed: the authenticator may switch into each of the four API roles
select is_member_of('app_anonymous', array['app_authenticator']::name[], 'app_authenticator is a member of app_anonymous');
-- should succeed
select is_member_of('app_customer', array['app_authenticator']::name[], 'app_authenticator is a member of app_customer');
-- should succeed
select is_member_of('app_staff', array['app_authenticator']::name[], 'app_authenticator is a member of app_staff');
-- should succeed
select is_member_of('app_admin', array['app_authenticator']::name[], 'app_authenticator is a member of app_admin');
-- should succeed: but not into the BI role, nor into the owner
select isnt_member_of('app_bi', array['app_authenticator']::name[], 'app_authenticator is not a member of app_bi');
-- should succeed
select isnt_member_of('app_owner', array['app_authenticator']::name[], 'app_authenticator is not a member of app_owner');

-- should succeed: the owner bypasses RLS (seeding, jobs) but is not a superuser
select is((select rolbypassrls from pg_catalog.pg_roles where rolname = 'app_owner'), true,
  'app_owner has BYPASSRLS');
-- should succeed
select isnt_superuser('app_owner', 'app_owner is not a superuser');

--------------------------------------------------------------------------------------------------
-- Schemas and extensions.

-- should succeed
select has_schema('app_public', 'schema app_public exists');
-- should succeed
select has_schema('app_hidden', 'schema app_hidden exists');
-- should succeed
select has_schema('app_private', 'schema app_private exists');
-- should succeed
select has_schema('analytics', 'schema analytics exists');

-- should succeed
select has_extension('public', 'btree_gist', 'extension btree_gist is installed in public');
-- should succeed
select has_extension('public', 'citext', 'extension citext is installed in public');
-- should succeed
select has_extension('public', 'pgcrypto', 'extension pgcrypto is installed in public');

--------------------------------------------------------------------------------------------------
-- Row level security.

-- should succeed: the tenant-owned tables this test knows of are in app_public
select ok(
  (select count(*) from pg_catalog.pg_class
    where relnamespace = 'app_public'::regnamespace and relkind in ('r', 'p')
      and relname in ('location', 'resource', 'service')) = 3,
  'app_public has the tables location, resource and service'
);
-- should succeed: every table of app_public except tenant has RLS enabled and forced
select is_empty(
  $$select relname from pg_catalog.pg_class
     where relnamespace = 'app_public'::regnamespace and relkind in ('r', 'p')
       and relname <> 'tenant'
       and not (relrowsecurity and relforcerowsecurity)$$,
  'every app_public table except tenant has row level security enabled and forced'
);
-- should succeed: tenant has RLS enabled (not forced, so the owner's slug lookup does not recurse)
select is((select relrowsecurity from pg_catalog.pg_class where oid = 'app_public.tenant'::regclass), true,
  'app_public.tenant has row level security enabled');

-- should succeed: no API role may TRUNCATE (which ignores RLS), add triggers or reference app_public tables
select is_empty(
  $$select r.rolname, c.relname, p.priv
      from pg_catalog.pg_class c
      cross join pg_catalog.pg_roles r
      cross join unnest(array['TRUNCATE', 'TRIGGER', 'REFERENCES']) p(priv)
     where c.relnamespace = 'app_public'::regnamespace and c.relkind in ('r', 'p')
       and r.rolname in ('app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi', 'app_authenticator')
       and pg_catalog.has_table_privilege(r.oid, c.oid, p.priv)$$,
  'no API role has TRUNCATE, TRIGGER or REFERENCES on an app_public table'
);
-- should succeed: no API role may create objects in the project's schemas or in public (the
-- SECURITY DEFINER current_tenant_id() resolves citext through search_path pg_catalog, public)
select is_empty(
  $$select r.rolname, n.nspname
      from pg_catalog.pg_namespace n
      cross join pg_catalog.pg_roles r
     where n.nspname in ('public', 'app_public', 'app_hidden', 'app_private', 'analytics')
       and r.rolname in ('app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi', 'app_authenticator')
       and pg_catalog.has_schema_privilege(r.oid, n.oid, 'CREATE')$$,
  'no API role has CREATE on public, app_public, app_hidden, app_private or analytics'
);

--------------------------------------------------------------------------------------------------
-- app_private is unreachable for the API roles.

-- should succeed: no usage (nor create) on the schema
select schema_privs_are('app_private', 'app_anonymous', array[]::name[], 'app_anonymous has no privileges on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_customer', array[]::name[], 'app_customer has no privileges on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_staff', array[]::name[], 'app_staff has no privileges on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_admin', array[]::name[], 'app_admin has no privileges on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_bi', array[]::name[], 'app_bi has no privileges on schema app_private');

-- should succeed: no table privileges on the known private tables
select table_privs_are('app_private', 'installation', 'app_anonymous', array[]::name[], 'app_anonymous has no privileges on app_private.installation');
-- should succeed
select table_privs_are('app_private', 'installation', 'app_customer', array[]::name[], 'app_customer has no privileges on app_private.installation');
-- should succeed
select table_privs_are('app_private', 'installation', 'app_staff', array[]::name[], 'app_staff has no privileges on app_private.installation');
-- should succeed
select table_privs_are('app_private', 'installation', 'app_admin', array[]::name[], 'app_admin has no privileges on app_private.installation');
-- should succeed
select table_privs_are('app_private', 'outbox', 'app_anonymous', array[]::name[], 'app_anonymous has no privileges on app_private.outbox');
-- should succeed
select table_privs_are('app_private', 'outbox', 'app_customer', array[]::name[], 'app_customer has no privileges on app_private.outbox');
-- should succeed
select table_privs_are('app_private', 'outbox', 'app_staff', array[]::name[], 'app_staff has no privileges on app_private.outbox');
-- should succeed
select table_privs_are('app_private', 'outbox', 'app_admin', array[]::name[], 'app_admin has no privileges on app_private.outbox');

-- should succeed: nor on any table, view or sequence of app_private, present or future (app_bi included)
select is_empty(
  $$select r.rolname, c.relname, p.priv
      from pg_catalog.pg_class c
      cross join pg_catalog.pg_roles r
      cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
     where c.relnamespace = 'app_private'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')
       and r.rolname in ('app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi')
       and pg_catalog.has_table_privilege(r.oid, c.oid, p.priv)
    union all
    select r.rolname, c.relname, p.priv
      from pg_catalog.pg_class c
      cross join pg_catalog.pg_roles r
      cross join unnest(array['USAGE', 'SELECT', 'UPDATE']) p(priv)
     where c.relnamespace = 'app_private'::regnamespace and c.relkind = 'S'
       and r.rolname in ('app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi')
       and pg_catalog.has_sequence_privilege(r.oid, c.oid, p.priv)$$,
  'no API role or app_bi has any privilege on a table, view or sequence of app_private'
);
-- should succeed: nor may they execute any app_private function (enqueue_job is SECURITY DEFINER)
select is_empty(
  $$select r.rolname, p.oid::regprocedure
      from pg_catalog.pg_proc p
      cross join pg_catalog.pg_roles r
     where p.pronamespace = 'app_private'::regnamespace
       and r.rolname in ('app_anonymous', 'app_customer', 'app_staff', 'app_admin', 'app_bi')
       and pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')$$,
  'no API role or app_bi may execute a function of app_private'
);

select * from finish();
rollback;

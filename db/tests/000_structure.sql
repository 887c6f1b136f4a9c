-- Structure: roles and their attributes, schemas, extensions, row level security on every
-- tenant-owned table, pinned search_path on functions, and app_private reachable by the API roles
-- only through an allow-list of entry points (no table of it, ever).
begin;
select plan(60);

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
      and relname in ('location', 'resource', 'service', 'service_requirement', 'requirement_preference',
                      'availability_template', 'availability_override', 'membership', 'customer', 'booking',
                      'booking_allocation')) = 11,
  'app_public has the tables location, resource, service and the scheduling domain''s eight tenant tables'
);
-- should succeed: every table of app_public except tenant and app_user has RLS enabled and forced
select is_empty(
  $$select relname from pg_catalog.pg_class
     where relnamespace = 'app_public'::regnamespace and relkind in ('r', 'p')
       and relname not in ('tenant', 'app_user')
       and not (relrowsecurity and relforcerowsecurity)$$,
  'every app_public table except tenant and app_user has row level security enabled and forced'
);
-- should succeed: tenant has RLS enabled (not forced, so the owner's slug lookup does not recurse)
select is((select relrowsecurity from pg_catalog.pg_class where oid = 'app_public.tenant'::regclass), true,
  'app_public.tenant has row level security enabled');
-- should succeed: app_user (global, not tenant-owned) has RLS enabled
select is((select relrowsecurity from pg_catalog.pg_class where oid = 'app_public.app_user'::regclass), true,
  'app_public.app_user has row level security enabled');

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
-- app_private: the API roles (and app_bi) may use the schema to call an allow-list of SECURITY
-- DEFINER entry points; no table, view or sequence of it is granted to them.

-- should succeed: USAGE only (no CREATE) on the schema
select schema_privs_are('app_private', 'app_anonymous', array['USAGE']::name[], 'app_anonymous has only USAGE on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_customer', array['USAGE']::name[], 'app_customer has only USAGE on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_staff', array['USAGE']::name[], 'app_staff has only USAGE on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_admin', array['USAGE']::name[], 'app_admin has only USAGE on schema app_private');
-- should succeed
select schema_privs_are('app_private', 'app_bi', array['USAGE']::name[], 'app_bi has only USAGE on schema app_private');

-- should succeed: no table privileges on the secrets and the BI mapping (spelled out for the sensitive tables)
select table_privs_are('app_private', 'user_secret', 'app_anonymous', array[]::name[], 'app_anonymous has no privileges on app_private.user_secret');
-- should succeed
select table_privs_are('app_private', 'user_secret', 'app_customer', array[]::name[], 'app_customer has no privileges on app_private.user_secret');
-- should succeed
select table_privs_are('app_private', 'user_secret', 'app_staff', array[]::name[], 'app_staff has no privileges on app_private.user_secret');
-- should succeed
select table_privs_are('app_private', 'user_secret', 'app_admin', array[]::name[], 'app_admin has no privileges on app_private.user_secret');
-- should succeed
select table_privs_are('app_private', 'user_secret', 'app_bi', array[]::name[], 'app_bi has no privileges on app_private.user_secret');
-- should succeed
select table_privs_are('app_private', 'bi_login', 'app_bi', array[]::name[], 'app_bi has no privileges on app_private.bi_login');
-- should succeed
select table_privs_are('app_private', 'bi_login', 'app_admin', array[]::name[], 'app_admin has no privileges on app_private.bi_login');

-- should succeed: no table privileges on the foundation's private tables
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

-- The exact allow-list of app_private functions each role may execute (everything else, e.g.
-- set_password, enqueue_job, allocation_busy and the trigger functions, stays owner-only).
-- should succeed: anonymous visitors resolve slugs, log in and search availability
select set_eq(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.pronamespace = 'app_private'::regnamespace and pg_catalog.has_function_privilege('app_anonymous', p.oid, 'EXECUTE')$$,
  array['app_private.tenant_id_by_slug(text)', 'app_private.authenticate(text,text,text)',
        'app_private.free_intervals(uuid[],tstzrange)', 'app_private.assert_search_window(tstzrange)',
        'app_private.availability_layers(uuid[],tstzrange)', 'app_private.live_holds(uuid[],tstzrange,uuid)', 'app_private.hold_place(uuid,uuid,timestamp with time zone,timestamp with time zone,jsonb,integer,text,integer)',
        'app_private.hold_get(uuid)', 'app_private.hold_release(uuid)',
        'app_private.book(uuid,timestamp with time zone,jsonb,jsonb,text,text,text,uuid,boolean)',
        'app_private.booking_context()', 'app_private.booking_by_idempotency_key(text)',
        'app_private.search_rule_blocks(uuid,uuid[],tstzrange,boolean)'],
  'app_anonymous executes exactly tenant_id_by_slug, authenticate, free_intervals, assert_search_window and availability_layers plus the hold and booking entry points in app_private');
-- should succeed: signed-in roles do not need authenticate
select set_eq(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.pronamespace = 'app_private'::regnamespace and pg_catalog.has_function_privilege('app_customer', p.oid, 'EXECUTE')$$,
  array['app_private.tenant_id_by_slug(text)', 'app_private.free_intervals(uuid[],tstzrange)', 'app_private.assert_search_window(tstzrange)',
        'app_private.availability_layers(uuid[],tstzrange)', 'app_private.live_holds(uuid[],tstzrange,uuid)', 'app_private.hold_place(uuid,uuid,timestamp with time zone,timestamp with time zone,jsonb,integer,text,integer)',
        'app_private.hold_get(uuid)', 'app_private.hold_release(uuid)',
        'app_private.book(uuid,timestamp with time zone,jsonb,jsonb,text,text,text,uuid,boolean)',
        'app_private.booking_context()', 'app_private.booking_by_idempotency_key(text)', 'app_private.cancel_booking(uuid,text)',
        'app_private.reschedule_booking(uuid,timestamp with time zone,jsonb)', 'app_private.search_rule_blocks(uuid,uuid[],tstzrange,boolean)',
        'app_private.decide_booking(uuid,boolean,text)'],
  'app_customer executes exactly tenant_id_by_slug, free_intervals, assert_search_window and availability_layers plus the hold and booking entry points in app_private');
-- should succeed
select set_eq(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.pronamespace = 'app_private'::regnamespace and pg_catalog.has_function_privilege('app_staff', p.oid, 'EXECUTE')$$,
  array['app_private.tenant_id_by_slug(text)', 'app_private.free_intervals(uuid[],tstzrange)', 'app_private.assert_search_window(tstzrange)',
        'app_private.availability_layers(uuid[],tstzrange)', 'app_private.live_holds(uuid[],tstzrange,uuid)', 'app_private.hold_place(uuid,uuid,timestamp with time zone,timestamp with time zone,jsonb,integer,text,integer)',
        'app_private.hold_get(uuid)', 'app_private.hold_release(uuid)',
        'app_private.book(uuid,timestamp with time zone,jsonb,jsonb,text,text,text,uuid,boolean)',
        'app_private.booking_context()', 'app_private.booking_by_idempotency_key(text)', 'app_private.cancel_booking(uuid,text)',
        'app_private.reschedule_booking(uuid,timestamp with time zone,jsonb)',
        'app_private.book_series(uuid,jsonb,jsonb,jsonb,boolean,text)', 'app_private.materialise_series(uuid,jsonb,boolean,text)',
        'app_private.cancel_series_from(uuid,timestamp with time zone)',
        'app_private.search_rule_blocks(uuid,uuid[],tstzrange,boolean)', 'app_private.decide_booking(uuid,boolean,text)'],
  'app_staff executes exactly tenant_id_by_slug, free_intervals, assert_search_window and availability_layers plus the hold and booking entry points in app_private');
-- should succeed
select set_eq(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.pronamespace = 'app_private'::regnamespace and pg_catalog.has_function_privilege('app_admin', p.oid, 'EXECUTE')$$,
  array['app_private.tenant_id_by_slug(text)', 'app_private.free_intervals(uuid[],tstzrange)', 'app_private.assert_search_window(tstzrange)',
        'app_private.availability_layers(uuid[],tstzrange)', 'app_private.live_holds(uuid[],tstzrange,uuid)', 'app_private.hold_place(uuid,uuid,timestamp with time zone,timestamp with time zone,jsonb,integer,text,integer)',
        'app_private.hold_get(uuid)', 'app_private.hold_release(uuid)',
        'app_private.book(uuid,timestamp with time zone,jsonb,jsonb,text,text,text,uuid,boolean)',
        'app_private.booking_context()', 'app_private.booking_by_idempotency_key(text)', 'app_private.cancel_booking(uuid,text)',
        'app_private.reschedule_booking(uuid,timestamp with time zone,jsonb)',
        'app_private.book_series(uuid,jsonb,jsonb,jsonb,boolean,text)', 'app_private.materialise_series(uuid,jsonb,boolean,text)',
        'app_private.cancel_series_from(uuid,timestamp with time zone)',
        'app_private.search_rule_blocks(uuid,uuid[],tstzrange,boolean)', 'app_private.decide_booking(uuid,boolean,text)'],
  'app_admin executes exactly tenant_id_by_slug, free_intervals, assert_search_window and availability_layers plus the hold and booking entry points in app_private');
-- should succeed: BI logins resolve their own tenant mapping
select set_eq(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.pronamespace = 'app_private'::regnamespace and pg_catalog.has_function_privilege('app_bi', p.oid, 'EXECUTE')$$,
  array['app_private.tenant_id_by_slug(text)', 'app_private.bi_tenant_id()'],
  'app_bi executes exactly tenant_id_by_slug and bi_tenant_id in app_private');

--------------------------------------------------------------------------------------------------
-- Functions pin search_path (a caller's search_path must not redirect a name inside them).

-- should succeed: every SECURITY DEFINER function of app_private has SET search_path
select is_empty(
  $$select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'app_private'::regnamespace and p.prosecdef
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search\_path=%')$$,
  'every SECURITY DEFINER function of app_private pins search_path'
);
-- should succeed: every function of app_public has SET search_path
select is_empty(
  $$select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'app_public'::regnamespace
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search\_path=%')$$,
  'every function of app_public pins search_path'
);

select * from finish();
rollback;

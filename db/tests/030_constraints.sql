-- Constraints: composite tenant foreign keys (which hold even for the owner and the superuser),
-- time zone validation (TZINV), check constraints (23514), uniqueness, and zone_abbreviation().
begin;
select plan(55);

-- Fixture, as the superuser: two tenants of our own (no reliance on seed data).
insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.location (tenant_id, id, name, time_zone) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Alpha Main', 'America/Phoenix'),
  ('b0000000-0000-4000-8000-0000000000b2', 'b1000000-0000-4000-8000-000000000001', 'Beta Campus', 'America/New_York');
insert into app_public.resource (tenant_id, id, location_id, kind, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'room', 'Alpha Room');
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes) values
  ('a0000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Alpha Assessment', 60);

--------------------------------------------------------------------------------------------------
-- Composite foreign keys (tenant_id, location_id): a row cannot point at another tenant's location.

-- should succeed: control case, a resource at its own tenant's location
select lives_ok(
  $$insert into app_public.resource (tenant_id, location_id, kind, name)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'equipment', 'Alpha Scanner')$$,
  'superuser inserts a resource at a location of the same tenant');
-- should fail with 23503: superuser, resource of tap-alpha at tap-beta's location
select throws_ok(
  $$insert into app_public.resource (tenant_id, location_id, kind, name)
    values ('a0000000-0000-4000-8000-0000000000a1', 'b1000000-0000-4000-8000-000000000001', 'room', 'Cross Room')$$,
  '23503', null, 'superuser cannot insert a resource at another tenant''s location');
-- should fail with 23503: superuser, service of tap-alpha at tap-beta's location
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'b1000000-0000-4000-8000-000000000001', 'Cross Service', 30)$$,
  '23503', null, 'superuser cannot insert a service at another tenant''s location');
-- should fail with 23503: superuser, moving a resource to another tenant's location
select throws_ok(
  $$update app_public.resource set location_id = 'b1000000-0000-4000-8000-000000000001'
     where id = 'a2000000-0000-4000-8000-000000000001'$$,
  '23503', null, 'superuser cannot move a resource to another tenant''s location');
-- should fail with 23503: superuser, moving a service to another tenant's location
select throws_ok(
  $$update app_public.service set location_id = 'b1000000-0000-4000-8000-000000000001'
     where id = 'a3000000-0000-4000-8000-000000000001'$$,
  '23503', null, 'superuser cannot move a service to another tenant''s location');

set local role app_owner;
-- should fail with 23503: the owner (BYPASSRLS) is held by the foreign key too
select throws_ok(
  $$insert into app_public.resource (tenant_id, location_id, kind, name)
    values ('a0000000-0000-4000-8000-0000000000a1', 'b1000000-0000-4000-8000-000000000001', 'room', 'Cross Room')$$,
  '23503', null, 'owner cannot insert a resource at another tenant''s location');
-- should fail with 23503
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'b1000000-0000-4000-8000-000000000001', 'Cross Service', 30)$$,
  '23503', null, 'owner cannot insert a service at another tenant''s location');
reset role;

set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with 23503: an admin naming another tenant's location id (tenant_id defaults to their own)
select throws_ok(
  $$insert into app_public.resource (location_id, kind, name)
    values ('b1000000-0000-4000-8000-000000000001', 'room', 'Cross Room')$$,
  '23503', null, 'admin cannot insert a resource at another tenant''s location');
-- should fail with 23503
select throws_ok(
  $$insert into app_public.service (location_id, name, duration_minutes)
    values ('b1000000-0000-4000-8000-000000000001', 'Cross Service', 30)$$,
  '23503', null, 'admin cannot insert a service at another tenant''s location');
-- should fail with 23503
select throws_ok(
  $$update app_public.resource set location_id = 'b1000000-0000-4000-8000-000000000001'
     where id = 'a2000000-0000-4000-8000-000000000001'$$,
  '23503', null, 'admin cannot move a resource to another tenant''s location');
reset role;

--------------------------------------------------------------------------------------------------
-- Time zones: IANA names only (TZINV otherwise).

-- should succeed: a valid zone without DST
select lives_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Tempe', 'America/Phoenix')$$,
  'location with time zone America/Phoenix is accepted');
-- should fail with TZINV: not a zone
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Mars', 'Mars/Base')$$,
  'TZINV', null, 'location with time zone Mars/Base raises TZINV');
-- should fail with TZINV: posix/ aliases are excluded
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Posix', 'posix/Europe/London')$$,
  'TZINV', null, 'location with time zone posix/Europe/London raises TZINV');
-- should fail with TZINV: right/ aliases are excluded
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Right', 'right/Europe/London')$$,
  'TZINV', null, 'location with time zone right/Europe/London raises TZINV');
-- should fail with TZINV: POSIX offset strings are not IANA names
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Offset', 'EST+5')$$,
  'TZINV', null, 'location with time zone EST+5 raises TZINV');
-- should fail with TZINV: on update too
select throws_ok(
  $$update app_public.location set time_zone = 'Mars/Base' where id = 'a1000000-0000-4000-8000-000000000001'$$,
  'TZINV', null, 'changing a location''s time zone to Mars/Base raises TZINV');
-- should fail with TZINV: a resource's own zone is validated as well
select throws_ok(
  $$insert into app_public.resource (tenant_id, location_id, kind, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Mars', 'Mars/Base')$$,
  'TZINV', null, 'resource with time zone Mars/Base raises TZINV');
-- should succeed: a resource without its own zone (null) and one with a valid zone
select lives_ok(
  $$insert into app_public.resource (tenant_id, location_id, kind, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Local', null),
           ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Remote', 'Asia/Kathmandu')$$,
  'resource time zone may be null or a valid IANA name');
-- should fail with TZINV: casting to the domain
select throws_ok($$select 'Mars/Base'::app_public.time_zone$$, 'TZINV', null, 'casting Mars/Base to app_public.time_zone raises TZINV');
-- should succeed: is_valid_time_zone agrees
select is(app_public.is_valid_time_zone('posix/Europe/London'), false, 'is_valid_time_zone(posix/Europe/London) is false');
-- should succeed
select is(app_public.is_valid_time_zone('Europe/London'), true, 'is_valid_time_zone(Europe/London) is true');

set local role app_admin;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should fail with TZINV: the domain check works for an API role (not masked by a privilege error)
select throws_ok(
  $$insert into app_public.location (name, time_zone) values ('Alpha Mars', 'Mars/Base')$$,
  'TZINV', null, 'admin inserting a location with time zone Mars/Base gets TZINV');
-- should succeed: and accepts a valid zone
select lives_ok(
  $$insert into app_public.location (name, time_zone) values ('Alpha Mesa', 'America/Phoenix')$$,
  'admin inserts a location with time zone America/Phoenix');
reset role;

--------------------------------------------------------------------------------------------------
-- Check constraints (23514).

-- should fail with 23514: zero duration
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Zero', 0)$$,
  '23514', null, 'service duration 0 is rejected');
-- should fail with 23514: negative duration
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Negative', -15)$$,
  '23514', null, 'service duration -15 is rejected');
-- should fail with 23514: longer than a day
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Marathon', 1441)$$,
  '23514', null, 'service duration 1441 (over a day) is rejected');
-- should succeed: exactly a day
select lives_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'All Day', 1440)$$,
  'service duration 1440 is accepted');
-- should fail with 23514: negative buffer before
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes, buffer_before_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Early', 30, -1)$$,
  '23514', null, 'negative buffer_before_minutes is rejected');
-- should fail with 23514: negative buffer after
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes, buffer_after_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Late', 30, -1)$$,
  '23514', null, 'negative buffer_after_minutes is rejected');
-- should fail with 23514: negative price
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes, price_cents)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Refund', 30, -100)$$,
  '23514', null, 'negative price_cents is rejected');
-- should fail with 23514: lower-case currency
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes, currency)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Lower', 30, 'usd')$$,
  '23514', null, 'currency usd (lower case) is rejected');
-- should fail with 23514: digits in the currency
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes, currency)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Digits', 30, 'US1')$$,
  '23514', null, 'currency US1 is rejected');
-- should succeed: a well-formed currency
select lives_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes, currency)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'Euro', 30, 'EUR')$$,
  'currency EUR is accepted');
-- should fail with 23514: blank service name
select throws_ok(
  $$insert into app_public.service (tenant_id, location_id, name, duration_minutes)
    values ('a0000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', '   ', 30)$$,
  '23514', null, 'blank service name is rejected');
-- should fail with 23514: blank location name
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', '   ', 'UTC')$$,
  '23514', null, 'blank location name is rejected');
-- should fail with 23514: opening hours must be a JSON array
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone, opening_hours)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Object Hours', 'UTC', '{}')$$,
  '23514', null, 'opening_hours that is not a JSON array is rejected');
-- should fail with 23514: underscore in a slug
select throws_ok($$insert into app_public.tenant (slug, name) values ('bad_slug', 'Bad')$$,
  '23514', null, 'slug bad_slug is rejected');
-- should fail with 23514: leading dash
select throws_ok($$insert into app_public.tenant (slug, name) values ('-alpha', 'Bad')$$,
  '23514', null, 'slug -alpha is rejected');
-- should fail with 23514: trailing dash
select throws_ok($$insert into app_public.tenant (slug, name) values ('alpha-', 'Bad')$$,
  '23514', null, 'slug alpha- is rejected');
-- should fail with 23514: space
select throws_ok($$insert into app_public.tenant (slug, name) values ('tap gamma', 'Bad')$$,
  '23514', null, 'slug with a space is rejected');
-- should fail with 23514: longer than 63 characters
select throws_ok($$insert into app_public.tenant (slug, name) values (repeat('a', 64), 'Bad')$$,
  '23514', null, 'slug of 64 characters is rejected');
-- should fail with 23514: upper case (the pattern is [a-z0-9-]; citext must not make it case-insensitive)
select throws_ok($$insert into app_public.tenant (slug, name) values ('Tap-Gamma', 'Bad')$$,
  '23514', null, 'slug Tap-Gamma (upper case) is rejected');
-- should succeed: a well-formed slug
select lives_ok($$insert into app_public.tenant (slug, name) values ('tap-gamma-2', 'Tap Gamma')$$,
  'slug tap-gamma-2 is accepted');
-- should fail with 23514: blank tenant name
select throws_ok($$insert into app_public.tenant (slug, name) values ('tap-blank', ' ')$$,
  '23514', null, 'blank tenant name is rejected');

--------------------------------------------------------------------------------------------------
-- Uniqueness (23505).

-- should fail with 23505: a second location of the same name in one tenant
select throws_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('a0000000-0000-4000-8000-0000000000a1', 'Alpha Main', 'UTC')$$,
  '23505', null, 'duplicate location name within a tenant is rejected');
-- should succeed: the same name in another tenant
select lives_ok(
  $$insert into app_public.location (tenant_id, name, time_zone)
    values ('b0000000-0000-4000-8000-0000000000b2', 'Alpha Main', 'UTC')$$,
  'the same location name in another tenant is accepted');
-- should fail with 23505: slugs are unique
select throws_ok($$insert into app_public.tenant (slug, name) values ('tap-alpha', 'Copy')$$,
  '23505', null, 'a second tenant with an existing slug is rejected');

--------------------------------------------------------------------------------------------------
-- zone_abbreviation(): tzdata abbreviations, without touching the session's TimeZone.

set local timezone = 'America/New_York';
-- should succeed: Phoenix keeps MST in summer
select is(app_public.zone_abbreviation('America/Phoenix', '2026-07-01 12:00Z'), 'MST', 'America/Phoenix in July is MST');
-- should succeed: Berlin in summer
select is(app_public.zone_abbreviation('Europe/Berlin', '2026-07-01'), 'CEST', 'Europe/Berlin in July is CEST');
-- should succeed: Berlin in winter
select is(app_public.zone_abbreviation('Europe/Berlin', '2026-01-15 12:00Z'), 'CET', 'Europe/Berlin in January is CET');
-- should succeed: a zone without a tzdata abbreviation prints its offset
select is(app_public.zone_abbreviation('Asia/Kathmandu', '2026-07-01 12:00Z'), '+0545', 'Asia/Kathmandu is +0545');
-- should fail with TZINV
select throws_ok($$select app_public.zone_abbreviation('Mars/Base', '2026-07-01 12:00Z')$$,
  'TZINV', null, 'zone_abbreviation(Mars/Base) raises TZINV');
-- should succeed: the session TimeZone is what it was before the calls
select is(current_setting('TimeZone'), 'America/New_York', 'zone_abbreviation() leaves the session TimeZone unchanged');

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', 'tap-alpha', true);
-- should succeed: the computed column works for an API role (Phoenix has no DST: MST all year)
select results_eq(
  $$select app_public.location_time_zone_abbreviation(l) from app_public.location l
     where id = 'a1000000-0000-4000-8000-000000000001'$$,
  array['MST'],
  'anonymous reads location_time_zone_abbreviation = MST for the Phoenix location');
-- should succeed: and the session TimeZone is still unchanged
select is(current_setting('TimeZone'), 'America/New_York', 'the computed column leaves the session TimeZone unchanged');
reset role;

select * from finish();
rollback;

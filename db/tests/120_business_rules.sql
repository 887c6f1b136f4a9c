-- Business rules (migration 000006): sequence gaps and "not on the same day", booking limits (per
-- resource, per customer, concurrent per service), location opening hours, approval, cancellation and
-- reschedule cut-offs, what a reschedule's resources must be and approval again after a customer's
-- move (without the earlier decision), the service and times allocations copy from their booking, the commit-time check of a booking
-- row without allocations, the blocks the search reads (rule_blocks, search_rule_blocks), and who may
-- write the rule tables. Each rule is tested both ways: the refusal and the boundary that is allowed, and
-- each refusal through app_private.book (createBooking) and through direct inserts into booking and
-- booking_allocation as app_staff (the triggers refuse with the same code).
-- The fixture is our own tenant in Asia/Tokyo (UTC+9, no DST), so a local day is not a UTC day; every
-- resource works 06:00-23:00 on all seven weekdays, and times are whole local days ahead of today, so
-- the file does not depend on the weekday or the time of day it runs.
-- Role switches set both claims and the slug through pg_temp.claims (void: not TAP output).
begin;
select plan(148);

-- Fixture, as the superuser.
insert into app_public.tenant (id, slug, name, approval_timeout_minutes) values
  ('e0000000-0000-4000-8000-0000000000e1', 'tap-rules', 'Tap Rules Clinics', 120),
  ('e0000000-0000-4000-8000-0000000000e2', 'tap-rules-other', 'Tap Rules Other', 2880);
insert into app_public.location (tenant_id, id, name, time_zone, opening_hours) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e1000000-0000-4000-8000-000000000001', 'Rules Tokyo', 'Asia/Tokyo', '[]'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e1000000-0000-4000-8000-000000000002', 'Rules Tokyo Hours', 'Asia/Tokyo',
   (select jsonb_agg(jsonb_build_object('weekday', d, 'opens', '09:00', 'closes', '17:00')) from generate_series(1, 7) d)),
  ('e0000000-0000-4000-8000-0000000000e2', 'e1000000-0000-4000-8000-000000000009', 'Other Site', 'Asia/Tokyo', '[]');
insert into app_public.app_user (id, email, name) values
  ('e6000000-0000-4000-8000-000000000001', 'rules-staff@tap.test', 'Rules Staff'),
  ('e6000000-0000-4000-8000-000000000002', 'rules-admin@tap.test', 'Rules Admin'),
  ('e6000000-0000-4000-8000-000000000003', 'rules-owner@tap.test', 'Rules Owner'),
  ('e6000000-0000-4000-8000-000000000004', 'rules-approve@tap.test', 'Rules Approve'),
  ('e6000000-0000-4000-8000-000000000005', 'rules-other@tap.test', 'Rules Other'),
  ('e6000000-0000-4000-8000-000000000006', 'rules-cut@tap.test', 'Rules Cut');
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, requires_approval, owner_user_id)
select 'e0000000-0000-4000-8000-0000000000e1', ('e2000000-0000-4000-8000-0000000000' || n)::uuid,
       ('e1000000-0000-4000-8000-00000000000' || loc)::uuid, kind::app_public.resource_kind, name, tags, approval, owner::uuid
from (values
  ('01', 1, 'practitioner', 'Gap Doc One', '{gap}'::text[], false, null),
  ('02', 1, 'practitioner', 'Gap Doc Two', '{gap}', false, null),
  ('03', 1, 'practitioner', 'Pair Doc', '{pair}', false, null),
  ('04', 1, 'room', 'Any Room A', '{any}', false, null),
  ('05', 1, 'room', 'Any Room B', '{any}', false, null),
  ('06', 1, 'practitioner', 'Off Doc', '{off}', false, null),
  ('07', 1, 'practitioner', 'Again Doc', '{again}', false, null),
  ('08', 1, 'practitioner', 'Day Doc', '{day}', false, null),
  ('09', 1, 'equipment', 'Limit Scanner A', '{lim}', false, null),
  ('10', 1, 'equipment', 'Limit Scanner B', '{lim}', false, null),
  ('11', 1, 'virtual', 'Week Line', '{week}', false, null),
  ('12', 1, 'room', 'Class Room A', '{class}', false, null),
  ('13', 1, 'room', 'Class Room B', '{class}', false, null),
  ('14', 1, 'room', 'Class Room C', '{class}', false, null),
  ('15', 1, 'practitioner', 'Member Coach A', '{member}', false, null),
  ('16', 1, 'practitioner', 'Member Coach B', '{member}', false, null),
  ('17', 2, 'practitioner', 'Hours Doc', '{hours}', false, null),
  ('18', 1, 'practitioner', 'Owned Doc', '{appr}', false, 'e6000000-0000-4000-8000-000000000003'),
  ('19', 1, 'practitioner', 'Plain Doc', '{appr}', false, null),
  ('20', 1, 'room', 'Approval Room', '{apprres}', true, null),
  ('21', 1, 'practitioner', 'Cut Doc', '{cut}', false, null)
) r (n, loc, kind, name, tags, approval, owner);
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
select r.tenant_id, r.id, d, case when r.name = 'Cut Doc' then time '00:00' else time '06:00' end,
       case when r.name = 'Cut Doc' then time '24:00' else time '23:00' end
from app_public.resource r cross join generate_series(1, 7) d where r.tenant_id = 'e0000000-0000-4000-8000-0000000000e1';
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days,
                                requires_approval, cancel_cutoff_minutes, reschedule_cutoff_minutes)
select 'e0000000-0000-4000-8000-0000000000e1', ('e3000000-0000-4000-8000-0000000000' || n)::uuid,
       ('e1000000-0000-4000-8000-00000000000' || loc)::uuid, name, minutes, 30, 365, approval, cutoff, cutoff
from (values
  ('01', 1, 'Gap Prep', 30, false, 0), ('02', 1, 'Gap Main', 30, false, 0),
  ('03', 1, 'Pair First', 30, false, 0), ('04', 1, 'Pair Second', 30, false, 0),
  ('05', 1, 'Any First', 30, false, 0), ('06', 1, 'Any Second', 30, false, 0),
  ('07', 1, 'Off First', 30, false, 0), ('08', 1, 'Off Second', 30, false, 0),
  ('09', 1, 'Again Visit', 30, false, 0),
  ('10', 1, 'Day Scan', 60, false, 0), ('11', 1, 'Day Surgery', 60, false, 0),
  ('12', 1, 'Limit Scan', 60, false, 0), ('13', 1, 'Week Call', 60, false, 0),
  ('14', 1, 'Group Class', 60, false, 0),
  ('15', 1, 'Member Swim', 60, false, 0), ('16', 1, 'Member Gym', 60, false, 0),
  ('17', 2, 'Hours Visit', 60, false, 0),
  ('18', 1, 'Approval Consult', 60, true, 0), ('19', 1, 'Room Request', 60, false, 0),
  ('20', 1, 'Late Change', 30, false, 1440)
) s (n, loc, name, minutes, approval, cutoff);
insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags)
select 'e0000000-0000-4000-8000-0000000000e1', ('e4000000-0000-4000-8000-0000000000' || n)::uuid,
       ('e3000000-0000-4000-8000-0000000000' || n)::uuid, 'Resource', kind::app_public.resource_kind, array[tag]
from (values
  ('01', 'practitioner', 'gap'), ('02', 'practitioner', 'gap'), ('03', 'practitioner', 'pair'), ('04', 'practitioner', 'pair'),
  ('05', 'room', 'any'), ('06', 'room', 'any'), ('07', 'practitioner', 'off'), ('08', 'practitioner', 'off'),
  ('09', 'practitioner', 'again'), ('10', 'practitioner', 'day'), ('11', 'practitioner', 'day'),
  ('12', 'equipment', 'lim'), ('13', 'virtual', 'week'), ('14', 'room', 'class'),
  ('15', 'practitioner', 'member'), ('16', 'practitioner', 'member'), ('17', 'practitioner', 'hours'),
  ('18', 'practitioner', 'appr'), ('19', 'room', 'apprres'), ('20', 'practitioner', 'cut')
) q (n, kind, tag);
insert into app_public.customer (tenant_id, id, name, email, user_id) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000001', 'Rules Regular', null, null),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000002', 'Limit Day', null, null),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000003', 'Limit Other', null, null),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000004', 'Limit Month', null, null),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000005', 'Approval Customer', 'rules-approve@tap.test', 'e6000000-0000-4000-8000-000000000004'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000006', 'Other Customer', 'rules-other@tap.test', 'e6000000-0000-4000-8000-000000000005'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000007', 'Owner Customer', 'rules-owner@tap.test', 'e6000000-0000-4000-8000-000000000003'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e5000000-0000-4000-8000-000000000008', 'Cut Customer', 'rules-cut@tap.test', 'e6000000-0000-4000-8000-000000000006');

-- Helpers (temporary, executable by every role; they run with the caller's rights).
-- at(d, 'HH:MM'): local wall-clock time in Tokyo, d local days after today.
create function pg_temp.at(d integer, hm text) returns timestamptz language sql stable
  as $f$ select app_public.to_utc((now() at time zone 'Asia/Tokyo')::date + d + hm::time, 'Asia/Tokyo') $f$;
create function pg_temp.ms(t timestamptz) returns bigint language sql immutable
  as $f$ select (extract(epoch from t) * 1000)::bigint $f$;
-- Day offsets: the first Monday at least 14 days ahead; the 1st of the month 40 days ahead and of the month after.
create function pg_temp.monday() returns integer language sql stable
  as $f$ select 14 + (8 - extract(isodow from (now() at time zone 'Asia/Tokyo')::date + 14)::int) % 7 $f$;
create function pg_temp.month_start(k integer) returns integer language sql stable
  as $f$ select (date_trunc('month', (now() at time zone 'Asia/Tokyo')::date + 40) + make_interval(months => k))::date - (now() at time zone 'Asia/Tokyo')::date $f$;
-- The next whole local hour at least two hours from now (inside a 24-hour cut-off).
create function pg_temp.soon() returns timestamptz language sql stable
  as $f$ select app_public.to_utc(date_trunc('hour', now() at time zone 'Asia/Tokyo') + interval '3 hours', 'Asia/Tokyo') $f$;
create function pg_temp.res(service uuid, resource uuid) returns jsonb language sql stable
  as $f$ select jsonb_build_array(jsonb_build_object('resourceId', resource, 'requirementId', q.id)) from app_public.service_requirement q where q.service_id = service $f$;
create function pg_temp.claims(tenant text, usr text, slug text default '') returns void language sql
  as $f$ select set_config('jwt.claims.tenant_id', tenant, true), set_config('jwt.claims.user_id', usr, true), set_config('app.tenant_slug', slug, true) $f$;
-- Booking ids by name, for every role.
create temporary table k (name text primary key, id uuid not null);
grant select, insert on k to public;
create function pg_temp.id(key text) returns uuid language sql stable as $f$ select id from pg_temp.k where name = key $f$;
-- createBooking: app_private.book for an existing customer (staff); returns the status.
create function pg_temp.book(service uuid, resource uuid, start timestamptz, key text default null,
                             customer uuid default 'e5000000-0000-4000-8000-000000000001') returns app_public.booking_status language plpgsql as $f$
declare
  r record;
begin
  select * into r from app_private.book(service, start, pg_temp.res(service, resource), jsonb_build_object('id', customer), key, null, null, null, true);
  if key is not null then
    insert into pg_temp.k values (key, r.booking_id);
  end if;
  return r.status;
end;
$f$;
-- A direct write: the booking row, then its allocation (two statements, as a client would).
create function pg_temp.direct(service uuid, resource uuid, start timestamptz,
                               customer uuid default 'e5000000-0000-4000-8000-000000000001') returns uuid language plpgsql as $f$
declare
  b uuid;
begin
  insert into app_public.booking (service_id, customer_id, starts_at) values (service, customer, start) returning id into b;
  insert into app_public.booking_allocation (booking_id, resource_id, requirement_id)
  select b, resource, q.id from app_public.service_requirement q where q.service_id = service;
  return b;
end;
$f$;
-- confirmBooking: a hold, then app_private.book with its token (customers and visitors).
create function pg_temp.hold_book(token uuid, service uuid, resource uuid, start timestamptz, email text, key text)
  returns app_public.booking_status language plpgsql as $f$
declare
  r record;
  ends timestamptz := start + make_interval(mins => (select s.duration_minutes from app_public.service s where s.id = service));
begin
  perform app_private.hold_place(token, service, start, ends, jsonb_build_array(jsonb_build_object('resourceId', resource, 'from', start, 'to', ends)), 300);
  select * into r from app_private.book(service, start, pg_temp.res(service, resource), jsonb_build_object('name', 'Rules Visitor', 'email', email), key, null, null, token, true);
  insert into pg_temp.k values (key, r.booking_id);
  return r.status;
end;
$f$;

-- The rules, as the superuser (admin writes are tested at the end).
insert into app_public.sequence_rule (tenant_id, id, name, first_service_id, second_service_id, gap_minutes, same_day, both_directions, resource_id, resource_kind, enabled) values
  -- Gap Prep -> Gap Main, 30 min, one direction, only on Gap Doc One.
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000001', 'Prep before main', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', 30, false, false, 'e2000000-0000-4000-8000-000000000001', null, true),
  -- Pair First <-> Pair Second, 60 min both ways, rooms only (Pair Doc is a practitioner).
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000002', 'Pair in rooms', 'e3000000-0000-4000-8000-000000000003', 'e3000000-0000-4000-8000-000000000004', 60, false, true, null, 'room', true),
  -- Any First -> Any Second, 30 min, every resource.
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000004', 'Any resource', 'e3000000-0000-4000-8000-000000000005', 'e3000000-0000-4000-8000-000000000006', 30, false, false, null, null, true),
  -- Off First -> Off Second, 60 min, disabled.
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000005', 'Switched off', 'e3000000-0000-4000-8000-000000000007', 'e3000000-0000-4000-8000-000000000008', 60, false, false, null, null, false),
  -- Again Visit -> Again Visit, 30 min.
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000006', 'Rest between visits', 'e3000000-0000-4000-8000-000000000009', 'e3000000-0000-4000-8000-000000000009', 30, false, false, null, null, true),
  -- Day Scan / Day Surgery never on the same local day.
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000007', 'Not the same day', 'e3000000-0000-4000-8000-000000000010', 'e3000000-0000-4000-8000-000000000011', null, true, false, null, null, true);
insert into app_public.booking_limit (tenant_id, id, name, kind, period, max_bookings, resource_id, resource_kind, service_id, enabled) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e8000000-0000-4000-8000-000000000001', 'Scanner A twice a day', 'resource_bookings', 'day', 2, 'e2000000-0000-4000-8000-000000000009', null, null, true),
  ('e0000000-0000-4000-8000-0000000000e1', 'e8000000-0000-4000-8000-000000000002', 'Virtual lines thrice a week', 'resource_bookings', 'week', 3, null, 'virtual', null, true),
  ('e0000000-0000-4000-8000-0000000000e1', 'e8000000-0000-4000-8000-000000000003', 'Two classes at once', 'concurrent_bookings', null, 2, null, null, 'e3000000-0000-4000-8000-000000000014', true);

set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');

--------------------------------------------------------------------------------------------------
-- Sequence gap scoped to one resource, one direction (Gap Prep 10:00-10:30 on day 10).
select pg_temp.book('e3000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(10, '10:00'), 'gap-prep');
-- should fail with RLGAP: Gap Main 10:30 starts inside the 30 minutes after Gap Prep
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(10, '10:30'))$$,
  'RLGAP', null, 'gap: the second service inside the gap after the first is RLGAP (book)');
-- should fail with RLGAP: the same as direct inserts
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(10, '10:30'))$$,
  'RLGAP', null, 'gap: the second service inside the gap is RLGAP (direct insert)');
-- should succeed: 11:00 is exactly the gap later
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(10, '11:00'), 'gap-main')$$,
  'gap: the second service exactly gap_minutes after the first is allowed');
-- should succeed: one direction only, so the second service may end right where the first starts
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(10, '09:30'))$$,
  'gap: one direction: the second service right before the first is allowed');
-- should fail with RLGAP: the first service ending 10:30-11:00 leaves no gap before Gap Main at 11:00
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(10, '10:30'))$$,
  'RLGAP', null, 'gap: a first service booked into the gap before an existing second is RLGAP');
-- should succeed: the rule is scoped to Gap Doc One; on Gap Doc Two the same sequence is fine
select pg_temp.book('e3000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000002', pg_temp.at(10, '10:00'));
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000002', pg_temp.at(10, '10:30'))$$,
  'gap: a rule scoped to one resource does not apply to another');
-- should succeed: a direct insert at the boundary on another day (Gap Prep 12:00 on day 11, Gap Main 13:00)
select pg_temp.direct('e3000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(11, '12:00'));
select lives_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', pg_temp.at(11, '13:00'))$$,
  'gap: a direct insert after the gap is allowed');

-- The blocks the search reads: Gap Main on Gap Doc One may not touch 10:30-11:00 of day 10.
select ok(app_private.search_rule_blocks('e3000000-0000-4000-8000-000000000002', array['e2000000-0000-4000-8000-000000000001']::uuid[],
            tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00')), true)
          @> jsonb_build_array(jsonb_build_object('code', 'GAP_RULE', 'ruleId', 'e7000000-0000-4000-8000-000000000001', 'resourceId', 'e2000000-0000-4000-8000-000000000001',
               'applies', 'appointment', 'from', pg_temp.ms(pg_temp.at(10, '10:30')), 'to', pg_temp.ms(pg_temp.at(10, '11:00')))),
  'search_rule_blocks: a GAP_RULE block with the rule id after the first service');
-- should return nothing: Gap Main on Gap Doc Two has no rule
select is(app_private.search_rule_blocks('e3000000-0000-4000-8000-000000000002', array['e2000000-0000-4000-8000-000000000002']::uuid[],
            tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00')), true), '[]'::jsonb,
  'search_rule_blocks: no blocks where no rule applies');

--------------------------------------------------------------------------------------------------
-- Both directions and resource kinds (Pair Doc is a practitioner).
select pg_temp.book('e3000000-0000-4000-8000-000000000003', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(10, '10:00'));
-- should succeed: the rule is scoped to rooms
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000004', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(10, '10:30'))$$,
  'gap: a rule scoped to another resource kind does not apply');
reset role;
insert into app_public.sequence_rule (tenant_id, id, name, first_service_id, second_service_id, gap_minutes, both_directions, resource_kind) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e7000000-0000-4000-8000-000000000003', 'Pair for practitioners', 'e3000000-0000-4000-8000-000000000003', 'e3000000-0000-4000-8000-000000000004', 60, true, 'practitioner');
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select pg_temp.book('e3000000-0000-4000-8000-000000000003', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '10:00'));
-- should fail with RLGAP: with the kind in scope, Pair Second 11:00 is inside the hour after Pair First (10:00-10:30)
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000004', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '11:00'))$$,
  'RLGAP', null, 'gap: a rule scoped to the resource''s kind applies');
-- should succeed: 11:30 is the full hour after
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000004', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '11:30'))$$,
  'gap: both directions: the second service a full gap after the first is allowed');
-- should fail with RLGAP: both directions: Pair Second 09:00-09:30 ends inside the hour before Pair First
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000004', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '09:00'))$$,
  'RLGAP', null, 'gap: both directions: the second service just before the first is RLGAP (book)');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000004', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '09:00'))$$,
  'RLGAP', null, 'gap: both directions: the second service just before the first is RLGAP (direct insert)');
-- should succeed: 08:30-09:00 leaves the full hour before 10:00
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000004', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '08:30'))$$,
  'gap: both directions: the second service a full gap before the first is allowed');
-- should fail with RLGAP: both directions: Pair First 12:00 right after Pair Second (11:30-12:00)
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000003', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '12:00'))$$,
  'RLGAP', null, 'gap: both directions: the first service right after the second is RLGAP');
-- should succeed: 13:00 is a full hour after 12:00
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000003', 'e2000000-0000-4000-8000-000000000003', pg_temp.at(11, '13:00'))$$,
  'gap: both directions: the first service a full gap after the second is allowed');

--------------------------------------------------------------------------------------------------
-- A rule for every resource (no scope): both rooms.
select pg_temp.book('e3000000-0000-4000-8000-000000000005', 'e2000000-0000-4000-8000-000000000004', pg_temp.at(10, '10:00'));
select pg_temp.book('e3000000-0000-4000-8000-000000000005', 'e2000000-0000-4000-8000-000000000005', pg_temp.at(10, '10:00'));
-- should fail with RLGAP on either room
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000006', 'e2000000-0000-4000-8000-000000000004', pg_temp.at(10, '10:30'))$$,
  'RLGAP', null, 'gap: an unscoped rule applies to one resource');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000006', 'e2000000-0000-4000-8000-000000000005', pg_temp.at(10, '10:30'))$$,
  'RLGAP', null, 'gap: an unscoped rule applies to another resource (direct insert)');
-- should succeed at the boundary
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000006', 'e2000000-0000-4000-8000-000000000005', pg_temp.at(10, '11:00'))$$,
  'gap: an unscoped rule allows the second service after the gap');

--------------------------------------------------------------------------------------------------
-- A disabled rule is not enforced; the same rule enabled is.
select pg_temp.book('e3000000-0000-4000-8000-000000000007', 'e2000000-0000-4000-8000-000000000006', pg_temp.at(10, '10:00'));
-- should succeed: Off Second right after Off First
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000008', 'e2000000-0000-4000-8000-000000000006', pg_temp.at(10, '10:30'))$$,
  'gap: a disabled rule is not enforced');
reset role;
update app_public.sequence_rule set enabled = true where id = 'e7000000-0000-4000-8000-000000000005';
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
-- should fail with RLGAP: 11:00 is inside the hour after Off First once the rule is enabled
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000008', 'e2000000-0000-4000-8000-000000000006', pg_temp.at(10, '11:00'))$$,
  'RLGAP', null, 'gap: the same rule, enabled, is enforced');

--------------------------------------------------------------------------------------------------
-- first = second service: a rest between two visits of one service, whichever is booked first.
select pg_temp.book('e3000000-0000-4000-8000-000000000009', 'e2000000-0000-4000-8000-000000000007', pg_temp.at(10, '10:00'));
-- should fail with RLGAP after and before
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000009', 'e2000000-0000-4000-8000-000000000007', pg_temp.at(10, '10:30'))$$,
  'RLGAP', null, 'gap, same service: right after is RLGAP');
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000009', 'e2000000-0000-4000-8000-000000000007', pg_temp.at(10, '09:30'))$$,
  'RLGAP', null, 'gap, same service: right before is RLGAP');
-- should succeed a gap after and a gap before
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000009', 'e2000000-0000-4000-8000-000000000007', pg_temp.at(10, '11:00'))$$,
  'gap, same service: a gap after is allowed');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000009', 'e2000000-0000-4000-8000-000000000007', pg_temp.at(10, '09:00'))$$,
  'gap, same service: a gap before is allowed');

--------------------------------------------------------------------------------------------------
-- Not on the same local day (Tokyo): Day Scan 08:00 local on day 10 is 23:00 UTC the evening before.
select pg_temp.book('e3000000-0000-4000-8000-000000000010', 'e2000000-0000-4000-8000-000000000008', pg_temp.at(10, '08:00'));
-- should fail with RLGAP: 20:00 local on day 10 (a different UTC date, the same local day)
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000011', 'e2000000-0000-4000-8000-000000000008', pg_temp.at(10, '20:00'))$$,
  'RLGAP', null, 'same day: the other service later on the same local day is RLGAP (book)');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000011', 'e2000000-0000-4000-8000-000000000008', pg_temp.at(10, '20:00'))$$,
  'RLGAP', null, 'same day: the other service later on the same local day is RLGAP (direct insert)');
-- should succeed: 20:00 local on day 9 (the same UTC date as the scan, another local day)
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000011', 'e2000000-0000-4000-8000-000000000008', pg_temp.at(9, '20:00'))$$,
  'same day: the local day before is allowed, although it is the same UTC date');
-- should succeed: 06:00 local on the next day
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000011', 'e2000000-0000-4000-8000-000000000008', pg_temp.at(11, '06:00'))$$,
  'same day: the next local day is allowed');
-- should fail with RLGAP: the rule binds both ways: Day Scan on day 9 meets the surgery at 20:00
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000010', 'e2000000-0000-4000-8000-000000000008', pg_temp.at(9, '10:00'))$$,
  'RLGAP', null, 'same day: the first service on the day of the second is RLGAP');

--------------------------------------------------------------------------------------------------
-- Resource limits: Scanner A at most twice per local day.
select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000009', pg_temp.at(10, '08:00'));
select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000009', pg_temp.at(10, '10:00'));
-- should fail with RLLIM: the day is full, up to its last hour
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000009', pg_temp.at(10, '22:00'))$$,
  'RLLIM', null, 'resource limit per day: a third booking that day is RLLIM (book)');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000009', pg_temp.at(10, '14:00'))$$,
  'RLLIM', null, 'resource limit per day: a third booking that day is RLLIM (direct insert)');
-- should succeed: the next local day starts empty
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000009', pg_temp.at(11, '06:00'))$$,
  'resource limit per day: the next day is allowed');
-- should succeed: Scanner B is not limited
select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000010', pg_temp.at(10, '08:00'));
select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000010', pg_temp.at(10, '10:00'));
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000012', 'e2000000-0000-4000-8000-000000000010', pg_temp.at(10, '14:00'))$$,
  'resource limit per day: another resource is not limited');
-- The search sees the full day as a LIMIT_REACHED block on its starts.
select ok(app_private.search_rule_blocks('e3000000-0000-4000-8000-000000000012', array['e2000000-0000-4000-8000-000000000009']::uuid[],
            tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00')), true)
          @> jsonb_build_array(jsonb_build_object('code', 'LIMIT_REACHED', 'ruleId', 'e8000000-0000-4000-8000-000000000001', 'resourceId', 'e2000000-0000-4000-8000-000000000009',
               'applies', 'start', 'from', pg_temp.ms(pg_temp.at(10, '00:00')), 'to', pg_temp.ms(pg_temp.at(11, '00:00')))),
  'search_rule_blocks: a LIMIT_REACHED block over the full local day');

-- Virtual lines at most three times per ISO week (Monday to Sunday, local).
select pg_temp.book('e3000000-0000-4000-8000-000000000013', 'e2000000-0000-4000-8000-000000000011', pg_temp.at(pg_temp.monday(), '10:00'));
select pg_temp.book('e3000000-0000-4000-8000-000000000013', 'e2000000-0000-4000-8000-000000000011', pg_temp.at(pg_temp.monday() + 2, '10:00'));
select pg_temp.book('e3000000-0000-4000-8000-000000000013', 'e2000000-0000-4000-8000-000000000011', pg_temp.at(pg_temp.monday() + 4, '10:00'));
-- should fail with RLLIM: Sunday evening is still the same week
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000013', 'e2000000-0000-4000-8000-000000000011', pg_temp.at(pg_temp.monday() + 6, '21:00'))$$,
  'RLLIM', null, 'resource limit per week: a fourth booking that week is RLLIM');
-- should succeed: the next Monday morning and the Sunday before are other weeks
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000013', 'e2000000-0000-4000-8000-000000000011', pg_temp.at(pg_temp.monday() + 7, '06:00'))$$,
  'resource limit per week: the next week is allowed');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000013', 'e2000000-0000-4000-8000-000000000011', pg_temp.at(pg_temp.monday() - 1, '21:00'))$$,
  'resource limit per week: the week before is allowed');

--------------------------------------------------------------------------------------------------
-- Concurrent bookings of Group Class: at most two at any time (three class rooms).
select pg_temp.book('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000012', pg_temp.at(10, '10:00'));
select pg_temp.book('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000013', pg_temp.at(10, '10:00'));
-- should fail with RLLIM: a third at the same time, or overlapping
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000014', pg_temp.at(10, '10:00'))$$,
  'RLLIM', null, 'concurrent limit: a third class at the same time is RLLIM (book)');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000014', pg_temp.at(10, '10:00'))$$,
  'RLLIM', null, 'concurrent limit: a third class at the same time is RLLIM (direct insert)');
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000014', pg_temp.at(10, '10:30'))$$,
  'RLLIM', null, 'concurrent limit: a third overlapping class is RLLIM');
-- should succeed: touching but not overlapping
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000014', pg_temp.at(10, '11:00'))$$,
  'concurrent limit: a class right after is allowed');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000014', 'e2000000-0000-4000-8000-000000000014', pg_temp.at(10, '09:00'))$$,
  'concurrent limit: a class right before is allowed');

--------------------------------------------------------------------------------------------------
-- Customer limits: one booking a day per customer, any service.
reset role;
insert into app_public.booking_limit (tenant_id, id, name, kind, period, max_bookings) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e8000000-0000-4000-8000-000000000004', 'One a day', 'customer_bookings', 'day', 1);
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
-- 08:00 local is 23:00 UTC the day before: the day that counts is the local one.
select pg_temp.book('e3000000-0000-4000-8000-000000000015', 'e2000000-0000-4000-8000-000000000015', pg_temp.at(10, '08:00'), null, 'e5000000-0000-4000-8000-000000000002');
-- should fail with RLLIM: the same customer, another service and resource, the same local day
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000016', 'e2000000-0000-4000-8000-000000000016', pg_temp.at(10, '14:00'), null, 'e5000000-0000-4000-8000-000000000002')$$,
  'RLLIM', null, 'customer limit per day: a second booking that day is RLLIM (book)');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000016', 'e2000000-0000-4000-8000-000000000016', pg_temp.at(10, '14:00'), 'e5000000-0000-4000-8000-000000000002')$$,
  'RLLIM', null, 'customer limit per day: a second booking that day is RLLIM (direct insert)');
-- should succeed: the next day, or another customer that day
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000016', 'e2000000-0000-4000-8000-000000000016', pg_temp.at(11, '10:00'), null, 'e5000000-0000-4000-8000-000000000002')$$,
  'customer limit per day: the next day is allowed');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000016', 'e2000000-0000-4000-8000-000000000016', pg_temp.at(10, '14:00'), null, 'e5000000-0000-4000-8000-000000000003')$$,
  'customer limit per day: another customer is not limited');
reset role;
update app_public.booking_limit set enabled = false where id = 'e8000000-0000-4000-8000-000000000004';
-- One Member Swim a month per customer (other services are not counted).
insert into app_public.booking_limit (tenant_id, id, name, kind, period, max_bookings, service_id) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e8000000-0000-4000-8000-000000000005', 'One swim a month', 'customer_bookings', 'month', 1, 'e3000000-0000-4000-8000-000000000015');
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select pg_temp.book('e3000000-0000-4000-8000-000000000015', 'e2000000-0000-4000-8000-000000000015', pg_temp.at(pg_temp.month_start(0) + 1, '15:00'), null, 'e5000000-0000-4000-8000-000000000004');
-- should fail with RLLIM: a second swim later that month
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000015', 'e2000000-0000-4000-8000-000000000016', pg_temp.at(pg_temp.month_start(0) + 20, '15:00'), null, 'e5000000-0000-4000-8000-000000000004')$$,
  'RLLIM', null, 'customer limit per month with a service: a second booking of it that month is RLLIM');
-- should succeed: another service that month, and the service next month
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000016', 'e2000000-0000-4000-8000-000000000016', pg_temp.at(pg_temp.month_start(0) + 20, '15:00'), null, 'e5000000-0000-4000-8000-000000000004')$$,
  'customer limit per month with a service: other services are not limited');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000015', 'e2000000-0000-4000-8000-000000000015', pg_temp.at(pg_temp.month_start(1), '15:00'), null, 'e5000000-0000-4000-8000-000000000004')$$,
  'customer limit per month with a service: the next month is allowed');

--------------------------------------------------------------------------------------------------
-- Opening hours: Rules Tokyo Hours is open 09:00-17:00 every day; Hours Doc works 06:00-23:00.
-- should succeed: the first and the last hour
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(10, '09:00'))$$,
  'opening hours: an appointment starting at opening is allowed');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(10, '16:00'))$$,
  'opening hours: an appointment ending at closing is allowed');
-- should fail with RLHRS: starting before opening, ending after closing
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(11, '08:30'))$$,
  'RLHRS', null, 'opening hours: an appointment starting before opening is RLHRS');
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(11, '16:30'))$$,
  'RLHRS', null, 'opening hours: an appointment ending after closing is RLHRS (book)');
select throws_ok($$select pg_temp.direct('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(11, '16:30'))$$,
  'RLHRS', null, 'opening hours: an appointment ending after closing is RLHRS (direct insert)');
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(12, '17:30'))$$,
  'RLHRS', null, 'opening hours: an evening appointment is RLHRS without an override');
-- The search sees the night from 17:00 to 09:00 as LOCATION_CLOSED (for the booking, not a resource).
select ok(app_private.search_rule_blocks('e3000000-0000-4000-8000-000000000017', array['e2000000-0000-4000-8000-000000000017']::uuid[],
            tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00')), true)
          @> jsonb_build_array(jsonb_build_object('code', 'LOCATION_CLOSED', 'ruleId', null, 'resourceId', null, 'applies', 'appointment',
               'from', pg_temp.ms(pg_temp.at(9, '17:00')), 'to', pg_temp.ms(pg_temp.at(10, '09:00')))),
  'search_rule_blocks: a LOCATION_CLOSED block between closing and opening');
-- should succeed: a location-wide "open" override adds the evening of day 12 (staff add overrides)
select lives_ok($$insert into app_public.availability_override (location_id, kind, reason, during)
  values ('e1000000-0000-4000-8000-000000000002', 'open', 'Late opening', tstzrange(pg_temp.at(12, '17:00'), pg_temp.at(12, '19:00')))$$,
  'opening hours: staff add a location-wide open override');
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000017', 'e2000000-0000-4000-8000-000000000017', pg_temp.at(12, '17:30'))$$,
  'opening hours: an open override extends the hours');
-- should succeed: empty hours are no bound
select lives_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000002', pg_temp.at(12, '22:00'))$$,
  'opening hours: a location without hours takes bookings at any working time');
reset role;
select is(app_private.location_open_hours('e0000000-0000-4000-8000-0000000000e1', 'e1000000-0000-4000-8000-000000000001', tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00'))),
  tstzmultirange(tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00'))), 'location_open_hours: empty hours are the whole window');
select is(app_private.location_open_hours('e0000000-0000-4000-8000-0000000000e1', 'e1000000-0000-4000-8000-000000000002', tstzrange(pg_temp.at(12, '00:00'), pg_temp.at(13, '00:00'))),
  tstzmultirange(tstzrange(pg_temp.at(11, '09:00'), pg_temp.at(11, '17:00')), tstzrange(pg_temp.at(12, '09:00'), pg_temp.at(12, '19:00')),
                 tstzrange(pg_temp.at(13, '09:00'), pg_temp.at(13, '17:00'))),
  'location_open_hours: weekly hours of the days around the window plus the open override');
-- Opening hours are validated on write (admins edit locations).
set local role app_admin;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000002');
select throws_ok($$update app_public.location set opening_hours = '[{"weekday": 8, "opens": "09:00", "closes": "17:00"}]' where id = 'e1000000-0000-4000-8000-000000000002'$$,
  '23514', null, 'opening hours: weekday 8 is rejected');
select throws_ok($$update app_public.location set opening_hours = '[{"weekday": 1, "opens": "17:00", "closes": "09:00"}]' where id = 'e1000000-0000-4000-8000-000000000002'$$,
  '23514', null, 'opening hours: closing before opening is rejected');
select throws_ok($$update app_public.location set opening_hours = '[{"weekday": 1, "opens": "9:00", "closes": "17:00"}]' where id = 'e1000000-0000-4000-8000-000000000002'$$,
  '23514', null, 'opening hours: a time not in HH:MM is rejected');
select throws_ok($$update app_public.location set opening_hours = '[{"weekday": 1, "opens": "09:00"}]' where id = 'e1000000-0000-4000-8000-000000000002'$$,
  '23514', null, 'opening hours: an entry without closes is rejected');
select throws_ok($$update app_public.location set opening_hours = '{"weekday": 1}' where id = 'e1000000-0000-4000-8000-000000000002'$$,
  '23514', null, 'opening hours: not an array is rejected');
-- should succeed: 24:00 closes at midnight
select lives_ok($$update app_public.location set opening_hours = '[{"weekday": 7, "opens": "00:00", "closes": "24:00"}]' where id = 'e1000000-0000-4000-8000-000000000002'$$,
  'opening hours: closes 24:00 is accepted');
reset role;

--------------------------------------------------------------------------------------------------
-- Approval. Approval Consult needs approval; Owned Doc belongs to Rules Owner; the Approval Room
-- itself needs approval. The tenant declines undecided requests after 120 minutes.
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000004');
-- should succeed: a customer's request waits for approval
select is(pg_temp.hold_book('e9000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018',
  pg_temp.at(10, '10:00'), 'rules-approve@tap.test', 'appr-1'), 'pending_approval', 'approval: a customer booking of a service that needs approval is pending');
select pg_temp.hold_book('e9000000-0000-4000-8000-000000000002', 'e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018',
  pg_temp.at(10, '12:00'), 'rules-approve@tap.test', 'appr-2');
select pg_temp.hold_book('e9000000-0000-4000-8000-000000000003', 'e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018',
  pg_temp.at(10, '14:00'), 'rules-approve@tap.test', 'appr-3');
select pg_temp.hold_book('e9000000-0000-4000-8000-000000000004', 'e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018',
  pg_temp.at(10, '16:00'), 'rules-approve@tap.test', 'appr-4');
reset role;
select is((select approval_expires_at from app_public.booking where id = pg_temp.id('appr-1')), now() + interval '120 minutes',
  'approval: the request expires after the tenant''s timeout');
select is((select count(*)::int from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
           where t.identifier = 'approval__expire' and j.key = 'approval:' || pg_temp.id('appr-1')
             and j.run_at = now() + interval '120 minutes' and j.payload->>'bookingId' = pg_temp.id('appr-1')::text), 1,
  'approval: an approval__expire job is queued for the expiry');
set local role app_anonymous;
select pg_temp.claims('', '', 'tap-rules');
-- should succeed: a visitor's booking of a resource that needs approval is pending too
select is(pg_temp.hold_book('e9000000-0000-4000-8000-000000000005', 'e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000020',
  pg_temp.at(10, '10:00'), 'rules-visitor@tap.test', 'appr-room'), 'pending_approval', 'approval: a visitor booking of a resource that needs approval is pending');
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
-- should succeed: staff are approvers, what they book is confirmed
select is(pg_temp.book('e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000019', pg_temp.at(10, '10:00')), 'confirmed',
  'approval: a staff booking of a service that needs approval is confirmed');
-- should fail with SLTKN: the pending request keeps its time
select throws_ok($$select pg_temp.book('e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018', pg_temp.at(10, '10:00'))$$,
  'SLTKN', null, 'approval: a pending booking keeps its time blocked');
-- should fail with BKGUK: another customer may not decide
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000005');
select throws_ok($$select app_private.decide_booking(pg_temp.id('appr-1'), true, 'mine now')$$, 'BKGUK', null, 'approval: another customer cannot decide (BKGUK)');
-- should fail with BKGUK: nor can the requesting customer
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000004');
select throws_ok($$select app_private.decide_booking(pg_temp.id('appr-1'), true, 'yes please')$$, 'BKGUK', null, 'approval: the requesting customer cannot decide (BKGUK)');
-- should succeed: staff approve
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select is((select status from app_private.decide_booking(pg_temp.id('appr-1'), true, 'See you')), 'confirmed', 'approval: staff approve a pending booking');
select is((select decided_by from app_public.booking where id = pg_temp.id('appr-1')), 'e6000000-0000-4000-8000-000000000001'::uuid,
  'approval: the approver is recorded');
-- should fail with BKGNP: deciding twice
select throws_ok($$select app_private.decide_booking(pg_temp.id('appr-1'), false, 'changed my mind')$$, 'BKGNP', null, 'approval: deciding twice is BKGNP');
-- should succeed: staff decline another request
select is((select status from app_private.decide_booking(pg_temp.id('appr-3'), false, 'Fully booked')), 'declined', 'approval: staff decline a pending booking');
-- should succeed: the resource's owner, who is only a customer, declines; the time is free again
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000003');
select is((select status from app_private.decide_booking(pg_temp.id('appr-2'), false, 'Not that day')), 'declined',
  'approval: the resource owner (a customer) may decide');
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select is(pg_temp.book('e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018', pg_temp.at(10, '12:00')), 'confirmed',
  'approval: a declined request frees its time');
reset role;
-- Expiry: the owner moves one request's deadline into the past; expire_approvals declines it (and
-- any other overdue request in the database, none outside this file in a fresh test database).
update app_public.booking set approval_expires_at = now() - interval '1 minute' where id = pg_temp.id('appr-4');
select is(app_private.expire_approvals(),
  1 + (select count(*)::int from app_public.booking where status = 'pending_approval' and approval_expires_at <= now() and tenant_id <> 'e0000000-0000-4000-8000-0000000000e1'),
  'approval: expire_approvals declines the overdue request and returns the count');
select results_eq($$select b.status::text, a.active from app_public.booking b join app_public.booking_allocation a on a.booking_id = b.id where b.id = pg_temp.id('appr-4')$$,
  $$values ('declined', false)$$, 'approval: an expired request is declined and frees its resource');
select is((select status from app_public.booking where id = pg_temp.id('appr-room')), 'pending_approval'::app_public.booking_status,
  'approval: requests not yet due stay pending');

--------------------------------------------------------------------------------------------------
-- Cut-offs: Late Change can be cancelled or rescheduled by its customer until 24 hours before.
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select pg_temp.book('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021', pg_temp.soon(), 'cut-1', 'e5000000-0000-4000-8000-000000000008');
select pg_temp.book('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021', pg_temp.soon() + interval '1 hour', 'cut-2', 'e5000000-0000-4000-8000-000000000008');
select pg_temp.book('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021', pg_temp.at(10, '10:00'), 'cut-3', 'e5000000-0000-4000-8000-000000000008');
select pg_temp.book('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021', pg_temp.at(10, '11:00'), 'cut-4', 'e5000000-0000-4000-8000-000000000008');
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000006');
-- should fail with RLCUT: inside the cut-off
select throws_ok($$select app_private.cancel_booking(pg_temp.id('cut-1'), 'cannot come')$$, 'RLCUT', null, 'cut-off: a customer cannot cancel inside the cut-off');
select throws_ok($$select app_private.reschedule_booking(pg_temp.id('cut-2'), pg_temp.at(10, '12:00'),
  pg_temp.res('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021'))$$, 'RLCUT', null, 'cut-off: a customer cannot reschedule inside the cut-off');
-- should succeed: outside the cut-off
select lives_ok($$select app_private.cancel_booking(pg_temp.id('cut-3'), 'cannot come')$$, 'cut-off: a customer cancels before the cut-off');
select lives_ok($$select app_private.reschedule_booking(pg_temp.id('cut-4'), pg_temp.at(10, '13:00'),
  pg_temp.res('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021'))$$, 'cut-off: a customer reschedules before the cut-off');
-- should succeed: staff are not bound by the cut-off
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select lives_ok($$select app_private.cancel_booking(pg_temp.id('cut-1'), 'called in')$$, 'cut-off: staff cancel inside the cut-off');
select lives_ok($$select app_private.reschedule_booking(pg_temp.id('cut-2'), pg_temp.at(10, '12:00'),
  pg_temp.res('e3000000-0000-4000-8000-000000000020', 'e2000000-0000-4000-8000-000000000021'))$$, 'cut-off: staff reschedule inside the cut-off');
select results_eq($$select status::text, starts_at from app_public.booking where id in (pg_temp.id('cut-1'), pg_temp.id('cut-2'), pg_temp.id('cut-3'), pg_temp.id('cut-4')) order by idempotency_key$$,
  $$values ('cancelled', pg_temp.soon()), ('confirmed', pg_temp.at(10, '12:00')), ('cancelled', pg_temp.at(10, '10:00')), ('confirmed', pg_temp.at(10, '13:00'))$$,
  'cut-off: the allowed changes took effect');
reset role;

--------------------------------------------------------------------------------------------------
-- Rescheduling. The new resources must be distinct candidates filling every required requirement
-- (assert_resources_fill: NOTOF, DETAIL 'resources', the booking unchanged); a customer who moves a
-- booking onto something that needs approval waits for approval again (staff do not); and every
-- allocation carries its booking's service, start and end (copied by _100_derive) after each change.
-- Plain Room is a second candidate of Room Request that needs no approval (the Approval Room does);
-- Two Needs needs a Two Doc and a Two Room.
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e2000000-0000-4000-8000-000000000022', 'e1000000-0000-4000-8000-000000000001', 'room', 'Plain Room', '{apprres}'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e2000000-0000-4000-8000-000000000023', 'e1000000-0000-4000-8000-000000000001', 'practitioner', 'Two Doc', '{two}'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e2000000-0000-4000-8000-000000000024', 'e1000000-0000-4000-8000-000000000001', 'room', 'Two Room', '{two}');
insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
select 'e0000000-0000-4000-8000-0000000000e1', r, d, '06:00', '23:00'
from unnest(array['e2000000-0000-4000-8000-000000000022', 'e2000000-0000-4000-8000-000000000023', 'e2000000-0000-4000-8000-000000000024']::uuid[]) r
cross join generate_series(1, 7) d;
insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e3000000-0000-4000-8000-000000000021', 'e1000000-0000-4000-8000-000000000001', 'Two Needs', 60, 30, 365);
insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags) values
  ('e0000000-0000-4000-8000-0000000000e1', 'e4000000-0000-4000-8000-000000000021', 'e3000000-0000-4000-8000-000000000021', 'Doctor', 'practitioner', '{two}'),
  ('e0000000-0000-4000-8000-0000000000e1', 'e4000000-0000-4000-8000-000000000022', 'e3000000-0000-4000-8000-000000000021', 'Room', 'room', '{two}');
-- err(sql): 'SQLSTATE DETAIL' of the error the statement raises, or 'no error'. It runs in a
-- subtransaction: its effects stay when it succeeds and are rolled back when it fails.
create function pg_temp.err(q text) returns text language plpgsql as $f$
declare
  state text;
  detail text;
begin
  execute q;
  return 'no error';
exception when others then
  get stacked diagnostics state = returned_sqlstate, detail = pg_exception_detail;
  return state || ' ' || coalesce(detail, '');
end;
$f$;
-- The approval__expire jobs of a booking: 'run_at payload-booking' per job.
create function pg_temp.expiry_jobs(booking uuid) returns text[] language sql stable as $f$
  select coalesce(array_agg(j.run_at::text || ' ' || (j.payload->>'bookingId')), '{}')
  from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
  where t.identifier = 'approval__expire' and j.key = 'approval:' || booking::text
$f$;

set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
-- Approval Customer's bookings on Plain Room, confirmed (staff booked them).
select pg_temp.book('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000022', pg_temp.at(20, '10:00'), 'move-1', 'e5000000-0000-4000-8000-000000000005');
select pg_temp.book('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000022', pg_temp.at(21, '10:00'), 'move-2', 'e5000000-0000-4000-8000-000000000005');
select pg_temp.book('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000022', pg_temp.at(22, '10:00'), 'fill-1', 'e5000000-0000-4000-8000-000000000005');
insert into pg_temp.k
select 'two-1', booking_id from app_private.book('e3000000-0000-4000-8000-000000000021', pg_temp.at(23, '10:00'),
  '[{"resourceId": "e2000000-0000-4000-8000-000000000023", "requirementId": "e4000000-0000-4000-8000-000000000021"},
    {"resourceId": "e2000000-0000-4000-8000-000000000024", "requirementId": "e4000000-0000-4000-8000-000000000022"}]',
  '{"id": "e5000000-0000-4000-8000-000000000001"}', null, null, null, null, true);
-- should succeed: both allocations of a new booking carry its service and times
select results_eq($$select a.resource_id, a.service_id, a.starts_at, a.ends_at, b.service_id = a.service_id and b.starts_at = a.starts_at and b.ends_at = a.ends_at
                    from app_public.booking_allocation a join app_public.booking b on b.id = a.booking_id where a.booking_id = pg_temp.id('two-1') order by a.resource_id$$,
  $$values ('e2000000-0000-4000-8000-000000000023'::uuid, 'e3000000-0000-4000-8000-000000000021'::uuid, pg_temp.at(23, '10:00'), pg_temp.at(23, '11:00'), true),
           ('e2000000-0000-4000-8000-000000000024'::uuid, 'e3000000-0000-4000-8000-000000000021'::uuid, pg_temp.at(23, '10:00'), pg_temp.at(23, '11:00'), true)$$,
  'allocation copies: after insert, every allocation has its booking''s service, start and end');

-- should fail with NOTOF (resources), changing nothing: no resources, one twice, a non-candidate,
-- a candidate of another service's requirement, a required requirement left unfilled
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000004');
select is(pg_temp.err($$select app_private.reschedule_booking(pg_temp.id('fill-1'), pg_temp.at(22, '12:00'), '[]')$$), 'NOTOF resources',
  'reschedule: no resources is NOTOF (resources)');
select is(pg_temp.err($$select app_private.reschedule_booking(pg_temp.id('fill-1'), pg_temp.at(22, '12:00'),
    pg_temp.res('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000022') || pg_temp.res('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000022'))$$),
  'NOTOF resources', 'reschedule: the same resource twice is NOTOF (resources)');
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select is(pg_temp.err($$select app_private.reschedule_booking(pg_temp.id('fill-1'), pg_temp.at(22, '12:00'),
    pg_temp.res('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000001'))$$),
  'NOTOF resources', 'reschedule: a resource that is not a candidate of its requirement (a practitioner for a room) is NOTOF (resources)');
select is(pg_temp.err($$select app_private.reschedule_booking(pg_temp.id('fill-1'), pg_temp.at(22, '12:00'),
    pg_temp.res('e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018'))$$),
  'NOTOF resources', 'reschedule: a candidate of another service''s requirement is NOTOF (resources)');
select is(pg_temp.err($$select app_private.reschedule_booking(pg_temp.id('two-1'), pg_temp.at(23, '12:00'),
    '[{"resourceId": "e2000000-0000-4000-8000-000000000023", "requirementId": "e4000000-0000-4000-8000-000000000021"}]')$$),
  'NOTOF resources', 'reschedule: leaving a required requirement unfilled is NOTOF (resources)');
select results_eq($$select b.id, b.status::text, b.starts_at, b.ends_at, a.resource_id, a.requirement_id, a.active, a.busy
                    from app_public.booking b join app_public.booking_allocation a on a.booking_id = b.id
                    where b.id in (pg_temp.id('fill-1'), pg_temp.id('two-1')) order by b.starts_at, a.resource_id$$,
  $$values (pg_temp.id('fill-1'), 'confirmed', pg_temp.at(22, '10:00'), pg_temp.at(22, '11:00'), 'e2000000-0000-4000-8000-000000000022'::uuid,
            'e4000000-0000-4000-8000-000000000019'::uuid, true, tstzrange(pg_temp.at(22, '10:00'), pg_temp.at(22, '11:00'))),
           (pg_temp.id('two-1'), 'confirmed', pg_temp.at(23, '10:00'), pg_temp.at(23, '11:00'), 'e2000000-0000-4000-8000-000000000023'::uuid,
            'e4000000-0000-4000-8000-000000000021'::uuid, true, tstzrange(pg_temp.at(23, '10:00'), pg_temp.at(23, '11:00'))),
           (pg_temp.id('two-1'), 'confirmed', pg_temp.at(23, '10:00'), pg_temp.at(23, '11:00'), 'e2000000-0000-4000-8000-000000000024'::uuid,
            'e4000000-0000-4000-8000-000000000022'::uuid, true, tstzrange(pg_temp.at(23, '10:00'), pg_temp.at(23, '11:00')))$$,
  'reschedule: after NOTOF the bookings keep their status, times and allocations');

-- should succeed: the allocations follow a staff reschedule, a direct change of the booking's times,
-- and (as the owner: not a staff column) a change of its service
select app_private.reschedule_booking(pg_temp.id('fill-1'), pg_temp.at(22, '14:00'),
  pg_temp.res('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000022'));
select results_eq($$select a.service_id, a.starts_at, a.ends_at, a.busy from app_public.booking_allocation a where a.booking_id = pg_temp.id('fill-1')$$,
  $$values ('e3000000-0000-4000-8000-000000000019'::uuid, pg_temp.at(22, '14:00'), pg_temp.at(22, '15:00'), tstzrange(pg_temp.at(22, '14:00'), pg_temp.at(22, '15:00')))$$,
  'allocation copies: after a staff reschedule, the new start and end');
update app_public.booking set starts_at = pg_temp.at(22, '16:00'), ends_at = pg_temp.at(22, '17:30') where id = pg_temp.id('fill-1');
select results_eq($$select a.service_id, a.starts_at, a.ends_at, a.busy from app_public.booking_allocation a where a.booking_id = pg_temp.id('fill-1')$$,
  $$values ('e3000000-0000-4000-8000-000000000019'::uuid, pg_temp.at(22, '16:00'), pg_temp.at(22, '17:30'), tstzrange(pg_temp.at(22, '16:00'), pg_temp.at(22, '17:30')))$$,
  'allocation copies: after a direct update of the booking''s starts_at and ends_at');
reset role;
update app_public.booking set service_id = 'e3000000-0000-4000-8000-000000000016' where id = pg_temp.id('fill-1');
select results_eq($$select a.service_id, a.starts_at, a.ends_at from app_public.booking_allocation a where a.booking_id = pg_temp.id('fill-1')$$,
  $$values ('e3000000-0000-4000-8000-000000000016'::uuid, pg_temp.at(22, '16:00'), pg_temp.at(22, '17:30'))$$,
  'allocation copies: after a change of the booking''s service');

-- Approval again: the customer moves a confirmed booking onto the Approval Room.
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000004');
select lives_ok($$select app_private.reschedule_booking(pg_temp.id('move-1'), pg_temp.at(20, '12:00'),
    pg_temp.res('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000020'))$$,
  'reschedule approval: a customer moves their confirmed booking onto a resource that needs approval');
reset role;
select results_eq($$select status::text, approval_expires_at from app_public.booking where id = pg_temp.id('move-1')$$,
  $$values ('pending_approval', now() + interval '120 minutes')$$,
  'reschedule approval: it is pending approval again, expiring after the tenant''s timeout');
select is(pg_temp.expiry_jobs(pg_temp.id('move-1')), array[(now() + interval '120 minutes')::text || ' ' || pg_temp.id('move-1')],
  'reschedule approval: an approval__expire job is queued for the expiry');
select results_eq($$select a.resource_id, a.active, a.starts_at, a.service_id from app_public.booking_allocation a where a.booking_id = pg_temp.id('move-1')$$,
  $$values ('e2000000-0000-4000-8000-000000000020'::uuid, true, pg_temp.at(20, '12:00'), 'e3000000-0000-4000-8000-000000000019'::uuid)$$,
  'reschedule approval: the pending booking holds its new resource and time');
-- the same for a service that needs approval: appr-1, approved by staff above, moved by its customer
select results_eq($$select decided_by, decided_at is not null, decision_note from app_public.booking where id = pg_temp.id('appr-1')$$,
  $$values ('e6000000-0000-4000-8000-000000000001'::uuid, true, 'See you'::text)$$,
  'reschedule approval: before its customer''s move, the approved booking carries the decision (approver, time, note)');
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000004');
select lives_ok($$select app_private.reschedule_booking(pg_temp.id('appr-1'), pg_temp.at(10, '14:00'),
    pg_temp.res('e3000000-0000-4000-8000-000000000018', 'e2000000-0000-4000-8000-000000000018'))$$,
  'reschedule approval: a customer moves their approved booking of a service that needs approval');
reset role;
select results_eq($$select status::text, approval_expires_at, starts_at from app_public.booking where id = pg_temp.id('appr-1')$$,
  $$values ('pending_approval', now() + interval '120 minutes', pg_temp.at(10, '14:00'))$$,
  'reschedule approval: the approved booking of such a service is pending approval again');
-- should succeed: the decision was about the old time; waiting again, it carries none
select results_eq($$select decided_by, decided_at, decision_note from app_public.booking where id = pg_temp.id('appr-1')$$,
  $$values (null::uuid, null::timestamptz, null::text)$$,
  'reschedule approval: pending again, the earlier decided_by, decided_at and decision_note are cleared');
-- staff moving a confirmed booking onto the Approval Room keep it confirmed, with no timer
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
select lives_ok($$select app_private.reschedule_booking(pg_temp.id('move-2'), pg_temp.at(21, '12:00'),
    pg_temp.res('e3000000-0000-4000-8000-000000000019', 'e2000000-0000-4000-8000-000000000020'))$$,
  'reschedule approval: staff move a confirmed booking onto a resource that needs approval');
reset role;
select results_eq($$select b.status::text, b.approval_expires_at, a.resource_id, a.active from app_public.booking b
                    join app_public.booking_allocation a on a.booking_id = b.id where b.id = pg_temp.id('move-2')$$,
  $$values ('confirmed', null::timestamptz, 'e2000000-0000-4000-8000-000000000020'::uuid, true)$$,
  'reschedule approval: a staff move keeps the booking confirmed');
select is(pg_temp.expiry_jobs(pg_temp.id('move-2')), '{}'::text[], 'reschedule approval: no approval__expire job for a staff move');

--------------------------------------------------------------------------------------------------
-- A booking row without any allocation holds no resource but still counts: its booking-level rules
-- (customer limits, concurrency, opening hours) are checked at COMMIT by the deferred constraint
-- trigger. The file is one transaction, so `set constraints all immediate` runs that check now
-- (inside pg_temp.err, a subtransaction: a failure leaves the row, its check still pending, and the
-- constraint deferred again; each such row is cancelled before the next check).
-- One a day (customer) is enabled again, and Rules Tokyo Hours is open 09:00-17:00 every day again.
update app_public.booking_limit set enabled = true where id = 'e8000000-0000-4000-8000-000000000004';
update app_public.location set opening_hours = (select jsonb_agg(jsonb_build_object('weekday', d, 'opens', '09:00', 'closes', '17:00')) from generate_series(1, 7) d)
where id = 'e1000000-0000-4000-8000-000000000002';
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
-- should fail with RLLIM at commit: Limit Day already has a booking on day 10 (08:00 local)
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
  values ('e3000000-0000-4000-8000-000000000016', 'e5000000-0000-4000-8000-000000000002', pg_temp.at(10, '14:00'), 'row-limit')$$,
  'commit check: a booking row without allocation that breaks a customer limit passes its own statement');
select is(pg_temp.err('set constraints all immediate'), 'RLLIM e8000000-0000-4000-8000-000000000004',
  'commit check: ... and fails at commit with RLLIM naming the limit');
update app_public.booking set status = 'cancelled' where idempotency_key = 'row-limit';
-- should fail with RLLIM at commit: two Group Classes already run at 10:00 on day 10
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
  values ('e3000000-0000-4000-8000-000000000014', 'e5000000-0000-4000-8000-000000000003', pg_temp.at(30, '10:00'), 'row-class-free')$$,
  'commit check: a booking row without allocation of a class at a free time passes its own statement');
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
  values ('e3000000-0000-4000-8000-000000000014', 'e5000000-0000-4000-8000-000000000006', pg_temp.at(10, '10:30'), 'row-class')$$,
  'commit check: a booking row without allocation of a third overlapping class passes its own statement');
select is(pg_temp.err('set constraints all immediate'), 'RLLIM e8000000-0000-4000-8000-000000000003',
  'commit check: ... and fails at commit with RLLIM naming the concurrency limit');
update app_public.booking set status = 'cancelled' where idempotency_key = 'row-class';
-- should fail with RLHRS at commit: 16:30-17:30 ends after closing
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
  values ('e3000000-0000-4000-8000-000000000017', 'e5000000-0000-4000-8000-000000000003', pg_temp.at(20, '16:30'), 'row-hours')$$,
  'commit check: a booking row without allocation outside the opening hours passes its own statement');
select is(pg_temp.err('set constraints all immediate'), 'RLHRS ', 'commit check: ... and fails at commit with RLHRS');
update app_public.booking set status = 'cancelled' where idempotency_key = 'row-hours';
-- should succeed at commit: inside the opening hours, the customer's only booking that day
select lives_ok($$insert into app_public.booking (service_id, customer_id, starts_at, idempotency_key)
  values ('e3000000-0000-4000-8000-000000000017', 'e5000000-0000-4000-8000-000000000003', pg_temp.at(21, '16:00'), 'row-ok')$$,
  'commit check: a booking row without allocation that breaks no rule passes its own statement');
select lives_ok('set constraints all immediate', 'commit check: ... and passes at commit (with the class at a free time before it)');
select results_eq($$select idempotency_key, status::text from app_public.booking where idempotency_key like 'row-%' order by idempotency_key$$,
  $$values ('row-class', 'cancelled'), ('row-class-free', 'confirmed'), ('row-hours', 'cancelled'), ('row-limit', 'cancelled'), ('row-ok', 'confirmed')$$,
  'commit check: the rows that passed stay confirmed');
-- Back to the default (the file's only deferrable constraint is _300_check_rules on booking).
set constraints all deferred;
reset role;
update app_public.booking_limit set enabled = false where id = 'e8000000-0000-4000-8000-000000000004';

--------------------------------------------------------------------------------------------------
-- rule_blocks itself (owner-only): exactly the gap after the one Gap Prep on Gap Doc One near day 10,
-- and nothing for a rule's resource when booking_level alone is asked.
select is((select array_agg(during order by lower(during)) from app_private.rule_blocks((select s from app_public.service s where s.id = 'e3000000-0000-4000-8000-000000000002'),
             array['e2000000-0000-4000-8000-000000000001']::uuid[], null, tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(10, '00:00'), '[]'), null, false, true)
           where code = 'RLGAP' and rule_id = 'e7000000-0000-4000-8000-000000000001'),
  array[tstzrange(pg_temp.at(10, '10:30'), pg_temp.at(10, '11:00'))],
  'rule_blocks: the gap after the first service on the resource (the one on day 11 is out of reach of starts on day 10)');
select is((select count(*)::int from app_private.rule_blocks((select s from app_public.service s where s.id = 'e3000000-0000-4000-8000-000000000002'),
             array['e2000000-0000-4000-8000-000000000001']::uuid[], null, tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(10, '00:00'), '[]'),
             pg_temp.id('gap-prep'), false, true) where code = 'RLGAP' and lower(during) = pg_temp.at(10, '10:30')), 0,
  'rule_blocks: the excluded booking is left out');
-- search_rule_blocks only answers for the caller's tenant.
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e2', 'e6000000-0000-4000-8000-000000000001');
select is(app_private.search_rule_blocks('e3000000-0000-4000-8000-000000000002', array['e2000000-0000-4000-8000-000000000001']::uuid[],
            tstzrange(pg_temp.at(10, '00:00'), pg_temp.at(11, '00:00')), true), '[]'::jsonb,
  'search_rule_blocks: another tenant''s service has no blocks for the caller');
reset role;

--------------------------------------------------------------------------------------------------
-- Writing the rules: admins, validated by constraints; staff read them; other tenants see nothing.
set local role app_admin;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000002');
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, gap_minutes)
  values ('Negative', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', -5)$$, '23514', null, 'admin: a negative gap is rejected');
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, gap_minutes)
  values ('Zero', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', 0)$$, '23514', null, 'admin: a zero gap is rejected');
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, gap_minutes)
  values ('Unknown', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-0000000000ff', 30)$$, '23503', null, 'admin: an unknown service is rejected');
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, gap_minutes, same_day)
  values ('Both', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', 30, true)$$, '23514', null, 'admin: a gap and same_day together are rejected');
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id)
  values ('Neither', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002')$$, '23514', null, 'admin: neither a gap nor same_day is rejected');
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, gap_minutes, resource_id, resource_kind)
  values ('Two scopes', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', 30, 'e2000000-0000-4000-8000-000000000001', 'practitioner')$$,
  '23514', null, 'admin: a resource and a kind together are rejected');
select throws_ok($$insert into app_public.booking_limit (name, kind, max_bookings) values ('No service', 'concurrent_bookings', 2)$$,
  '23514', null, 'admin: a concurrent limit without a service is rejected');
select throws_ok($$insert into app_public.booking_limit (name, kind, period, max_bookings) values ('Monthly resource', 'resource_bookings', 'month', 2)$$,
  '23514', null, 'admin: a resource limit per month is rejected');
select throws_ok($$insert into app_public.booking_limit (name, kind, period, max_bookings, resource_id) values ('Customer on resource', 'customer_bookings', 'day', 2, 'e2000000-0000-4000-8000-000000000001')$$,
  '23514', null, 'admin: a customer limit scoped to a resource is rejected');
select throws_ok($$insert into app_public.booking_limit (name, kind, period, max_bookings) values ('Zero', 'resource_bookings', 'day', 0)$$,
  '23514', null, 'admin: a limit of zero is rejected');
-- should succeed: valid rules (disabled, so they change nothing above)
select lives_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, same_day, enabled)
  values ('Admin rule', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', true, false)$$, 'admin: adds a valid sequence rule');
select lives_ok($$insert into app_public.booking_limit (name, kind, max_bookings, service_id, enabled) values ('Admin limit', 'concurrent_bookings', 3, 'e3000000-0000-4000-8000-000000000001', false)$$,
  'admin: adds a valid limit');
select is((select tenant_id from app_public.sequence_rule where name = 'Admin rule'), 'e0000000-0000-4000-8000-0000000000e1'::uuid, 'admin: the rule is in the admin''s tenant');
reset role;
set local role app_staff;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000001');
-- should fail with 42501: staff do not write rules
select throws_ok($$insert into app_public.sequence_rule (name, first_service_id, second_service_id, gap_minutes)
  values ('Staff rule', 'e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000002', 30)$$, '42501', null, 'staff cannot add sequence rules');
select throws_ok($$insert into app_public.booking_limit (name, kind, period, max_bookings) values ('Staff limit', 'resource_bookings', 'day', 5)$$,
  '42501', null, 'staff cannot add booking limits');
-- should succeed: staff read their tenant's rules
select is((select count(*)::int from app_public.sequence_rule), 8, 'staff read their tenant''s sequence rules');
select is((select count(*)::int from app_public.booking_limit), 6, 'staff read their tenant''s booking limits');
reset role;
set local role app_admin;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e2', 'e6000000-0000-4000-8000-000000000002');
-- should return nothing: another tenant's admin sees no rules, and changes none
select is_empty($$select id from app_public.sequence_rule$$, 'another tenant sees no sequence rules');
select is_empty($$select id from app_public.booking_limit$$, 'another tenant sees no booking limits');
select is_empty($$update app_public.sequence_rule set enabled = false returning id$$, 'another tenant cannot disable the sequence rules');
reset role;
set local role app_customer;
select pg_temp.claims('e0000000-0000-4000-8000-0000000000e1', 'e6000000-0000-4000-8000-000000000004');
-- should fail with 42501: customers have no access to the rule tables
select throws_ok($$select id from app_public.booking_limit$$, '42501', null, 'customers cannot read booking limits');
reset role;

select * from finish();
rollback;

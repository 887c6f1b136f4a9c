-- Demo data: a multi-location clinic group across four IANA zones (one without DST: America/Phoenix;
-- one with a non-hour offset: Asia/Kathmandu) and a second tenant to show isolation.
-- Loaded once by `npm start` (recorded in app_private.installation) or on demand by `npm run db:seed`.
-- Runs as the owner role; explicit tenant ids keep it independent of request settings.
--
-- Contents: tenants, locations, resources (22 practitioners, 13 rooms, 8 active devices at meridian),
-- services with their resource requirements and preferences, weekly working hours, holidays, leave
-- and extra hours, users with logins (password demo-password-123), customers, business rules (sequence
-- gaps, booking limits, approval, cut-offs), and a few bookings in the coming week (times relative to
-- the day the seed runs, in each location's local time).
--
-- Fixed ids, by prefix (meridian 1x, northgate 2x): 10/20 tenant, 11/21 location, 12/22 resource,
-- 13/23 service, 14/24 service_requirement, 15 requirement_preference, 16 sequence_rule,
-- 17 availability_override, 18/28 customer, 19/29 booking, 1a/2a booking_allocation,
-- 1b/2b booking_limit; 30 app_user, 31 membership.
-- Weekly templates get deterministic ids from md5(). Every insert skips rows that exist already.

insert into app_public.tenant (id, slug, name) values
  ('10000000-0000-4000-8000-000000000001', 'meridian', 'Meridian Health Group'),
  ('20000000-0000-4000-8000-000000000002', 'northgate', 'Northgate University Facilities')
on conflict (id) do nothing;

insert into app_public.location (tenant_id, id, name, time_zone, address, opening_hours) values
  ('10000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000001', 'Phoenix Camelback Clinic', 'America/Phoenix',
   '2401 E Camelback Rd, Phoenix, AZ 85016',
   '[{"weekday":1,"opens":"07:00","closes":"17:00"},{"weekday":2,"opens":"07:00","closes":"17:00"},{"weekday":3,"opens":"07:00","closes":"17:00"},{"weekday":4,"opens":"07:00","closes":"17:00"},{"weekday":5,"opens":"07:00","closes":"15:00"}]'),
  ('10000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000002', 'Chicago Loop Clinic', 'America/Chicago',
   '55 E Monroe St, Chicago, IL 60603',
   '[{"weekday":1,"opens":"08:00","closes":"18:00"},{"weekday":2,"opens":"08:00","closes":"18:00"},{"weekday":3,"opens":"08:00","closes":"20:00"},{"weekday":4,"opens":"08:00","closes":"18:00"},{"weekday":5,"opens":"08:00","closes":"16:00"},{"weekday":6,"opens":"09:00","closes":"13:00"}]'),
  ('10000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000003', 'London Marylebone Clinic', 'Europe/London',
   '12 Harley St, London W1G 9PG',
   '[{"weekday":1,"opens":"09:00","closes":"17:30"},{"weekday":2,"opens":"09:00","closes":"17:30"},{"weekday":3,"opens":"09:00","closes":"17:30"},{"weekday":4,"opens":"09:00","closes":"19:00"},{"weekday":5,"opens":"09:00","closes":"17:00"}]'),
  ('10000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000004', 'Kathmandu Lazimpat Clinic', 'Asia/Kathmandu',
   'Lazimpat Rd, Kathmandu 44600',
   '[{"weekday":7,"opens":"10:00","closes":"17:00"},{"weekday":1,"opens":"10:00","closes":"17:00"},{"weekday":2,"opens":"10:00","closes":"17:00"},{"weekday":3,"opens":"10:00","closes":"17:00"},{"weekday":4,"opens":"10:00","closes":"17:00"},{"weekday":5,"opens":"10:00","closes":"15:00"}]'),
  ('20000000-0000-4000-8000-000000000002', '21000000-0000-4000-8000-000000000001', 'Main Campus Science Hall', 'America/New_York',
   '1 University Ave, Ithaca, NY 14850',
   '[{"weekday":1,"opens":"08:00","closes":"22:00"},{"weekday":2,"opens":"08:00","closes":"22:00"},{"weekday":3,"opens":"08:00","closes":"22:00"},{"weekday":4,"opens":"08:00","closes":"22:00"},{"weekday":5,"opens":"08:00","closes":"18:00"}]')
on conflict (id) do nothing;

insert into app_public.resource (tenant_id, id, location_id, kind, name, time_zone, tags) values
  -- Phoenix
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Ana Morales', null, '{physio,sports}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000002', '11000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Ben Whitehorse', null, '{physio}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000003', '11000000-0000-4000-8000-000000000001', 'room', 'Treatment Room 1', null, '{treatment}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000004', '11000000-0000-4000-8000-000000000001', 'room', 'Treatment Room 2', null, '{treatment}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000005', '11000000-0000-4000-8000-000000000001', 'equipment', 'Ultrasound Unit A', null, '{ultrasound}'),
  -- Chicago
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000011', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Grace Okafor', null, '{imaging,radiology}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000012', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Marek Nowak', null, '{physio}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000013', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Priya Raman', 'America/New_York', '{telehealth,nutrition}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000014', '11000000-0000-4000-8000-000000000002', 'room', 'Imaging Suite', null, '{imaging}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000015', '11000000-0000-4000-8000-000000000002', 'room', 'Consult Room B', null, '{consult}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000016', '11000000-0000-4000-8000-000000000002', 'equipment', 'Portable X-ray', null, '{x-ray}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000017', '11000000-0000-4000-8000-000000000002', 'virtual', 'Video Consult Line 1', null, '{telehealth}'),
  -- London
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000021', '11000000-0000-4000-8000-000000000003', 'practitioner', 'Dr. Oliver Hart', null, '{physio,sports}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000022', '11000000-0000-4000-8000-000000000003', 'practitioner', 'Dr. Amelia Clarke', null, '{dermatology}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000023', '11000000-0000-4000-8000-000000000003', 'room', 'Harley Room 3', null, '{treatment,consult}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000024', '11000000-0000-4000-8000-000000000003', 'equipment', 'Dermatoscope', null, '{dermatoscope}'),
  -- Kathmandu
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000031', '11000000-0000-4000-8000-000000000004', 'practitioner', 'Dr. Sita Shrestha', null, '{physio}'),
  ('10000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000032', '11000000-0000-4000-8000-000000000004', 'room', 'Room Annapurna', null, '{treatment}'),
  -- Northgate
  ('20000000-0000-4000-8000-000000000002', '22000000-0000-4000-8000-000000000001', '21000000-0000-4000-8000-000000000001', 'room', 'Lab 204', null, '{lab}'),
  ('20000000-0000-4000-8000-000000000002', '22000000-0000-4000-8000-000000000002', '21000000-0000-4000-8000-000000000001', 'equipment', 'Electron Microscope', null, '{microscope}')
on conflict (id) do nothing;

insert into app_public.service (tenant_id, id, location_id, name, description, duration_minutes,
  buffer_before_minutes, buffer_after_minutes, price_cents, currency) values
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000001',
   'Physiotherapy Assessment', 'First visit: assessment and treatment plan.', 60, 0, 10, 12000, 'USD'),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000002', '11000000-0000-4000-8000-000000000001',
   'Ultrasound Therapy', 'Therapeutic ultrasound with a physiotherapist.', 30, 5, 10, 8000, 'USD'),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000011', '11000000-0000-4000-8000-000000000002',
   'Diagnostic X-ray', 'Radiologist, imaging suite and portable X-ray.', 45, 10, 15, 25000, 'USD'),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000012', '11000000-0000-4000-8000-000000000002',
   'Nutrition Video Consult', 'Remote consult with a dietitian.', 30, 0, 5, 6000, 'USD'),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000021', '11000000-0000-4000-8000-000000000003',
   'Sports Injury Clinic', 'Assessment and treatment of sports injuries.', 45, 0, 10, 9500, 'GBP'),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000022', '11000000-0000-4000-8000-000000000003',
   'Skin Check', 'Full-body mole check with dermatoscope.', 30, 0, 5, 15000, 'GBP'),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000031', '11000000-0000-4000-8000-000000000004',
   'Physiotherapy Session', 'Follow-up physiotherapy session.', 45, 0, 15, 250000, 'NPR'),
  ('20000000-0000-4000-8000-000000000002', '23000000-0000-4000-8000-000000000001', '21000000-0000-4000-8000-000000000001',
   'Microscope Lab Session', 'Supervised electron microscope time.', 120, 15, 15, 0, 'USD')
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- More of meridian's staff, rooms and devices (ids: hundreds digit = location, 1 Phoenix, 2 Chicago,
-- 3 London, 4 Kathmandu). Tags are skills and features that service requirements match.
insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, buffer_before_minutes, buffer_after_minutes, active)
select '10000000-0000-4000-8000-000000000001', v.id::uuid, v.location_id::uuid, v.kind::app_public.resource_kind, v.name, v.tags::text[],
       v.buffer_before, v.buffer_after, v.active
from (values
  -- Phoenix
  ('12000000-0000-4000-8000-000000000101', '11000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Hannah Lee', '{physio,pelvic-health}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000102', '11000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Diego Navarro', '{physio,sports}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000103', '11000000-0000-4000-8000-000000000001', 'practitioner', 'Dr. Mia Tsosie', '{physio}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000104', '11000000-0000-4000-8000-000000000001', 'room', 'Treatment Room 3', '{treatment}', 0, 5, true),
  ('12000000-0000-4000-8000-000000000105', '11000000-0000-4000-8000-000000000001', 'equipment', 'Ultrasound Unit B', '{ultrasound}', 0, 0, true),
  -- Chicago
  ('12000000-0000-4000-8000-000000000201', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Samuel Adeyemi', '{imaging,radiology}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000202', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Laura Kim', '{imaging,radiology,ultrasound}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000203', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Tom Brennan', '{physio,sports}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000204', '11000000-0000-4000-8000-000000000002', 'practitioner', 'Dr. Ines Castillo', '{nutrition}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000205', '11000000-0000-4000-8000-000000000002', 'room', 'X-ray Room 2', '{imaging}', 0, 10, true),
  ('12000000-0000-4000-8000-000000000206', '11000000-0000-4000-8000-000000000002', 'room', 'Treatment Room C', '{treatment}', 0, 5, true),
  ('12000000-0000-4000-8000-000000000207', '11000000-0000-4000-8000-000000000002', 'equipment', 'Digital X-ray System', '{x-ray}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000208', '11000000-0000-4000-8000-000000000002', 'equipment', 'Ultrasound Scanner', '{ultrasound}', 0, 5, true),
  ('12000000-0000-4000-8000-000000000209', '11000000-0000-4000-8000-000000000002', 'equipment', 'Legacy Ultrasound (retired)', '{ultrasound}', 0, 0, false),
  -- London
  ('12000000-0000-4000-8000-000000000301', '11000000-0000-4000-8000-000000000003', 'practitioner', 'Dr. Fatima Malik', '{dermatology}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000302', '11000000-0000-4000-8000-000000000003', 'practitioner', 'Dr. James Whitfield', '{osteopathy}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000303', '11000000-0000-4000-8000-000000000003', 'practitioner', 'Dr. Chloe Bennett', '{physio,sports}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000304', '11000000-0000-4000-8000-000000000003', 'practitioner', 'Dr. Rhys Evans', '{osteopathy,physio}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000305', '11000000-0000-4000-8000-000000000003', 'room', 'Harley Room 4', '{treatment,consult}', 0, 5, true),
  ('12000000-0000-4000-8000-000000000306', '11000000-0000-4000-8000-000000000003', 'room', 'Osteopathy Suite', '{treatment}', 0, 5, true),
  ('12000000-0000-4000-8000-000000000307', '11000000-0000-4000-8000-000000000003', 'equipment', 'Shockwave Therapy Unit', '{shockwave}', 0, 0, true),
  -- Kathmandu
  ('12000000-0000-4000-8000-000000000401', '11000000-0000-4000-8000-000000000004', 'practitioner', 'Dr. Bikash Thapa', '{physio,sports}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000402', '11000000-0000-4000-8000-000000000004', 'practitioner', 'Dr. Anjali Gurung', '{acupuncture}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000403', '11000000-0000-4000-8000-000000000004', 'practitioner', 'Dr. Ramesh Karki', '{acupuncture,physio}', 0, 0, true),
  ('12000000-0000-4000-8000-000000000404', '11000000-0000-4000-8000-000000000004', 'room', 'Room Everest', '{treatment}', 0, 10, true),
  ('12000000-0000-4000-8000-000000000405', '11000000-0000-4000-8000-000000000004', 'room', 'Room Machhapuchhre', '{consult}', 0, 10, true),
  ('12000000-0000-4000-8000-000000000406', '11000000-0000-4000-8000-000000000004', 'equipment', 'TENS Unit', '{tens}', 0, 0, true)
) as v(id, location_id, kind, name, tags, buffer_before, buffer_after, active)
on conflict (id) do nothing;

-- More services (none at Phoenix). Notice, advance and step settings differ from the defaults on some.
insert into app_public.service (tenant_id, id, location_id, name, description, duration_minutes,
  buffer_before_minutes, buffer_after_minutes, price_cents, currency, min_notice_minutes, max_advance_days, slot_step_minutes) values
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000013', '11000000-0000-4000-8000-000000000002',
   'Physiotherapy Follow-up', 'Follow-up physiotherapy visit.', 30, 0, 5, 7000, 'USD', 60, 90, 15),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000014', '11000000-0000-4000-8000-000000000002',
   'Diagnostic Ultrasound', 'Sonographer, imaging room and ultrasound scanner.', 30, 5, 10, 18000, 'USD', 1440, 60, 15),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000023', '11000000-0000-4000-8000-000000000003',
   'Osteopathy Session', 'Osteopathic assessment and treatment.', 45, 0, 10, 8500, 'GBP', 120, 90, 15),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000024', '11000000-0000-4000-8000-000000000003',
   'Shockwave Therapy', 'Extracorporeal shockwave therapy with a physiotherapist.', 20, 0, 10, 11000, 'GBP', 240, 60, 20),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000025', '11000000-0000-4000-8000-000000000003',
   'Dermatology Consultation', 'Consultation with a dermatologist.', 20, 0, 5, 12000, 'GBP', 120, 120, 10),
  ('10000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000032', '11000000-0000-4000-8000-000000000004',
   'Acupuncture Session', 'Acupuncture for pain relief.', 40, 0, 10, 180000, 'NPR', 60, 60, 20)
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- What each service needs (id: 14 + the service's last two digits + the requirement's number).
-- Single-practitioner services have one requirement; Ultrasound Therapy, Diagnostic X-ray and
-- Diagnostic Ultrasound need a practitioner, a room and a device together; Skin Check and Shockwave
-- Therapy a practitioner and a device; the video line of a nutrition consult is optional.
insert into app_public.service_requirement (tenant_id, id, service_id, name, resource_kind, required_tags, quantity, required) values
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000101', '13000000-0000-4000-8000-000000000001', 'Physiotherapist', 'practitioner', '{physio}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000201', '13000000-0000-4000-8000-000000000002', 'Physiotherapist', 'practitioner', '{physio}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000202', '13000000-0000-4000-8000-000000000002', 'Treatment room', 'room', '{treatment}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000203', '13000000-0000-4000-8000-000000000002', 'Ultrasound unit', 'equipment', '{ultrasound}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001101', '13000000-0000-4000-8000-000000000011', 'Radiologist', 'practitioner', '{radiology}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001102', '13000000-0000-4000-8000-000000000011', 'Imaging room', 'room', '{imaging}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001103', '13000000-0000-4000-8000-000000000011', 'X-ray device', 'equipment', '{x-ray}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001201', '13000000-0000-4000-8000-000000000012', 'Dietitian', 'practitioner', '{nutrition,telehealth}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001202', '13000000-0000-4000-8000-000000000012', 'Video line', 'virtual', '{telehealth}', 1, false),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001301', '13000000-0000-4000-8000-000000000013', 'Physiotherapist', 'practitioner', '{physio}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001401', '13000000-0000-4000-8000-000000000014', 'Sonographer', 'practitioner', '{ultrasound}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001402', '13000000-0000-4000-8000-000000000014', 'Imaging room', 'room', '{imaging}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000001403', '13000000-0000-4000-8000-000000000014', 'Ultrasound scanner', 'equipment', '{ultrasound}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002101', '13000000-0000-4000-8000-000000000021', 'Sports physiotherapist', 'practitioner', '{physio,sports}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002201', '13000000-0000-4000-8000-000000000022', 'Dermatologist', 'practitioner', '{dermatology}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002202', '13000000-0000-4000-8000-000000000022', 'Dermatoscope', 'equipment', '{dermatoscope}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002301', '13000000-0000-4000-8000-000000000023', 'Osteopath', 'practitioner', '{osteopathy}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002401', '13000000-0000-4000-8000-000000000024', 'Physiotherapist', 'practitioner', '{physio}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002402', '13000000-0000-4000-8000-000000000024', 'Shockwave unit', 'equipment', '{shockwave}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000002501', '13000000-0000-4000-8000-000000000025', 'Dermatologist', 'practitioner', '{dermatology}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000003101', '13000000-0000-4000-8000-000000000031', 'Physiotherapist', 'practitioner', '{physio}', 1, true),
  ('10000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000003201', '13000000-0000-4000-8000-000000000032', 'Acupuncturist', 'practitioner', '{acupuncture}', 1, true),
  ('20000000-0000-4000-8000-000000000002', '24000000-0000-4000-8000-000000000101', '23000000-0000-4000-8000-000000000001', 'Lab', 'room', '{lab}', 1, true),
  ('20000000-0000-4000-8000-000000000002', '24000000-0000-4000-8000-000000000102', '23000000-0000-4000-8000-000000000001', 'Microscope', 'equipment', '{microscope}', 1, true)
on conflict (id) do nothing;

-- Preference weights (-100..100, default 0): the best-weighted free candidate is offered first.
insert into app_public.requirement_preference (tenant_id, id, requirement_id, resource_id, weight) values
  ('10000000-0000-4000-8000-000000000001', '15000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000101', '12000000-0000-4000-8000-000000000001', 50),  -- Ana Morales leads assessments
  ('10000000-0000-4000-8000-000000000001', '15000000-0000-4000-8000-000000000002', '14000000-0000-4000-8000-000000000101', '12000000-0000-4000-8000-000000000103', -20), -- Mia Tsosie: only when needed
  ('10000000-0000-4000-8000-000000000001', '15000000-0000-4000-8000-000000000003', '14000000-0000-4000-8000-000000000202', '12000000-0000-4000-8000-000000000003', 10),  -- Treatment Room 1 has the couch
  ('10000000-0000-4000-8000-000000000001', '15000000-0000-4000-8000-000000000004', '14000000-0000-4000-8000-000000001103', '12000000-0000-4000-8000-000000000207', 30),  -- the digital system over the portable
  ('10000000-0000-4000-8000-000000000001', '15000000-0000-4000-8000-000000000005', '14000000-0000-4000-8000-000000002101', '12000000-0000-4000-8000-000000000021', 40)   -- Oliver Hart runs the sports clinic
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- Weekly working hours, in each resource's own zone (the trigger fills it in: Dr. Priya Raman works
-- from New York for the Chicago clinic). ISO weekdays: 1 = Monday ... 7 = Sunday.
-- Practitioners: Monday to Friday (Sunday to Friday in Kathmandu), some part-time, some with a lunch break.
insert into app_public.availability_template (tenant_id, id, resource_id, weekday, start_time, end_time)
select r.tenant_id, md5(format('availability_template/%s/%s/%s', r.id, wd, s.starts))::uuid, r.id, wd, s.starts::time, s.ends::time
from (values
  -- Phoenix (clinic: Mon-Thu 07-17, Fri 07-15)
  ('12000000-0000-4000-8000-000000000001', '{1,2,3,4,5}', '07:00', '15:00'), -- Ana Morales
  ('12000000-0000-4000-8000-000000000002', '{1,2,3,4}',   '09:00', '17:00'), -- Ben Whitehorse
  ('12000000-0000-4000-8000-000000000002', '{5}',         '09:00', '15:00'),
  ('12000000-0000-4000-8000-000000000101', '{1,3,5}',     '08:00', '12:00'), -- Hannah Lee, part-time
  ('12000000-0000-4000-8000-000000000102', '{1,2,3,4}',   '08:00', '12:00'), -- Diego Navarro, lunch 12-13
  ('12000000-0000-4000-8000-000000000102', '{1,2,3,4}',   '13:00', '17:00'),
  ('12000000-0000-4000-8000-000000000103', '{2,4}',       '07:00', '13:00'), -- Mia Tsosie, part-time
  -- Chicago (clinic: Mon-Tue, Thu 08-18, Wed 08-20, Fri 08-16, Sat 09-13)
  ('12000000-0000-4000-8000-000000000011', '{1,2,3,4,5}', '08:00', '16:00'), -- Grace Okafor
  ('12000000-0000-4000-8000-000000000012', '{1,2,3,4,5}', '09:00', '16:00'), -- Marek Nowak
  ('12000000-0000-4000-8000-000000000013', '{1,2,3,4,5}', '09:00', '17:00'), -- Priya Raman, New York time
  ('12000000-0000-4000-8000-000000000201', '{1,2,4}',     '10:00', '18:00'), -- Samuel Adeyemi, late Wednesdays
  ('12000000-0000-4000-8000-000000000201', '{3}',         '12:00', '20:00'),
  ('12000000-0000-4000-8000-000000000202', '{1,2,3,4,5}', '08:00', '16:00'), -- Laura Kim
  ('12000000-0000-4000-8000-000000000203', '{2,4}',       '12:00', '18:00'), -- Tom Brennan, part-time
  ('12000000-0000-4000-8000-000000000204', '{1,3}',       '09:00', '13:00'), -- Ines Castillo, part-time
  -- London (clinic: Mon-Wed 09-17:30, Thu 09-19, Fri 09-17)
  ('12000000-0000-4000-8000-000000000021', '{1,2,3,4,5}', '09:00', '17:00'), -- Oliver Hart
  ('12000000-0000-4000-8000-000000000022', '{1,2,3}',     '09:00', '17:30'), -- Amelia Clarke, late Thursdays
  ('12000000-0000-4000-8000-000000000022', '{4}',         '11:00', '19:00'),
  ('12000000-0000-4000-8000-000000000301', '{1,2,3,4,5}', '09:00', '13:00'), -- Fatima Malik, lunch 13-14
  ('12000000-0000-4000-8000-000000000301', '{1,2,3,4,5}', '14:00', '17:00'),
  ('12000000-0000-4000-8000-000000000302', '{1,2,3,4,5}', '09:00', '17:00'), -- James Whitfield
  ('12000000-0000-4000-8000-000000000303', '{3,4,5}',     '09:00', '14:00'), -- Chloe Bennett, part-time
  ('12000000-0000-4000-8000-000000000304', '{2,3,4}',     '10:00', '17:30'), -- Rhys Evans, part-time
  -- Kathmandu (clinic: Sun-Thu 10-17, Fri 10-15)
  ('12000000-0000-4000-8000-000000000031', '{7,1,2,3,4}', '10:00', '17:00'), -- Sita Shrestha
  ('12000000-0000-4000-8000-000000000031', '{5}',         '10:00', '15:00'),
  ('12000000-0000-4000-8000-000000000401', '{7,1,2,3,4}', '10:00', '17:00'), -- Bikash Thapa
  ('12000000-0000-4000-8000-000000000401', '{5}',         '10:00', '15:00'),
  ('12000000-0000-4000-8000-000000000402', '{7,1,2,3,4}', '10:00', '17:00'), -- Anjali Gurung
  ('12000000-0000-4000-8000-000000000403', '{7,2,4}',     '10:00', '14:00')  -- Ramesh Karki, part-time
) as s(resource_id, weekdays, starts, ends)
join app_public.resource r on r.id = s.resource_id::uuid and r.active
cross join unnest(s.weekdays::smallint[]) as wd
on conflict (id) do nothing;

-- Rooms, devices and virtual lines (both tenants) follow their location's opening hours; resources
-- that already have working hours are left alone.
insert into app_public.availability_template (tenant_id, id, resource_id, weekday, start_time, end_time)
select r.tenant_id, md5(format('availability_template/%s/%s/%s', r.id, h.weekday, h.opens))::uuid, r.id, h.weekday, h.opens, h.closes
from app_public.resource r
join app_public.location l on l.tenant_id = r.tenant_id and l.id = r.location_id
cross join jsonb_to_recordset(l.opening_hours) as h(weekday smallint, opens time, closes time)
where r.tenant_id in ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002')
  and r.kind <> 'practitioner' and r.active
  and not exists (select 1 from app_public.availability_template t where t.tenant_id = r.tenant_id and t.resource_id = r.id)
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- Exceptions to the weekly hours. Holidays close a whole location for a local day; leave closes one
-- resource; extra hours open one. Local times are read in the location's (or resource's) zone;
-- "next week" is the Monday-based week after the one the seed runs in, in local time.
insert into app_public.availability_override (tenant_id, id, location_id, resource_id, kind, reason, starts_local, ends_local) values
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000001', '11000000-0000-4000-8000-000000000001', null, 'closed', 'Christmas Day', '2026-12-25 00:00', '2026-12-26 00:00'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000002', '11000000-0000-4000-8000-000000000002', null, 'closed', 'Christmas Day', '2026-12-25 00:00', '2026-12-26 00:00'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000003', '11000000-0000-4000-8000-000000000003', null, 'closed', 'Christmas Day', '2026-12-25 00:00', '2026-12-26 00:00'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000004', '11000000-0000-4000-8000-000000000003', null, 'closed', 'Boxing Day (substitute bank holiday)', '2026-12-28 00:00', '2026-12-29 00:00'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000005', '11000000-0000-4000-8000-000000000001', null, 'closed', 'New Year''s Day', '2027-01-01 00:00', '2027-01-02 00:00'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000006', '11000000-0000-4000-8000-000000000002', null, 'closed', 'New Year''s Day', '2027-01-01 00:00', '2027-01-02 00:00'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000007', '11000000-0000-4000-8000-000000000003', null, 'closed', 'New Year''s Day', '2027-01-01 00:00', '2027-01-02 00:00'),
  -- Dr. Marek Nowak is on leave all next week (Monday 00:00 to Saturday 00:00, Chicago time).
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000011', null, '12000000-0000-4000-8000-000000000012', 'closed', 'Annual leave',
   date_trunc('week', now() at time zone 'America/Chicago') + interval '7 days',
   date_trunc('week', now() at time zone 'America/Chicago') + interval '12 days'),
  -- Dr. Oliver Hart runs a Saturday sports clinic next week, 09:00-13:00 London time, in Harley Room 3.
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000012', null, '12000000-0000-4000-8000-000000000021', 'open', 'Saturday sports clinic',
   date_trunc('week', now() at time zone 'Europe/London') + interval '12 days 9 hours',
   date_trunc('week', now() at time zone 'Europe/London') + interval '12 days 13 hours'),
  ('10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000013', null, '12000000-0000-4000-8000-000000000023', 'open', 'Saturday sports clinic',
   date_trunc('week', now() at time zone 'Europe/London') + interval '12 days 9 hours',
   date_trunc('week', now() at time zone 'Europe/London') + interval '12 days 13 hours')
on conflict (id) do nothing;

-- An override given as instants rather than local times: the portable X-ray's service visit next
-- Thursday, 14:00-16:00 Chicago time.
insert into app_public.availability_override (tenant_id, id, resource_id, kind, reason, during)
select '10000000-0000-4000-8000-000000000001', '17000000-0000-4000-8000-000000000014', '12000000-0000-4000-8000-000000000016', 'closed', 'Maintenance',
       tstzrange(app_public.to_utc(w.monday + interval '3 days 14 hours', 'America/Chicago'),
                 app_public.to_utc(w.monday + interval '3 days 16 hours', 'America/Chicago'), '[)')
from (select date_trunc('week', now() at time zone 'America/Chicago') + interval '7 days' as monday) w
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- People. Every demo login has the password demo-password-123.
insert into app_public.app_user (id, email, name) values
  ('30000000-0000-4000-8000-000000000001', 'admin@meridian.example', 'Morgan Avery'),
  ('30000000-0000-4000-8000-000000000002', 'staff@meridian.example', 'Sam Rivera'),
  ('30000000-0000-4000-8000-000000000003', 'admin@northgate.example', 'Dana Okoye'),
  ('30000000-0000-4000-8000-000000000004', 'pat@customer.example', 'Pat Jordan')
on conflict (id) do nothing;

insert into app_public.membership (tenant_id, id, user_id, role) values
  ('10000000-0000-4000-8000-000000000001', '31000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 'admin'),
  ('10000000-0000-4000-8000-000000000001', '31000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000002', 'staff'),
  ('20000000-0000-4000-8000-000000000002', '31000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000003', 'admin')
on conflict (id) do nothing;

-- Only users without a password get one, so a forced re-seed does not reset changed passwords.
select app_private.set_password(u.id, 'demo-password-123')
from app_public.app_user u
where u.id in ('30000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002',
               '30000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000004')
  and not exists (select 1 from app_private.user_secret s where s.user_id = u.id);

insert into app_public.customer (tenant_id, id, name, email, phone, preferred_time_zone, user_id) values
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000001', 'Pat Jordan', 'pat@customer.example', '+1 602 555 0142', 'America/Phoenix', '30000000-0000-4000-8000-000000000004'),
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000002', 'Maria Gonzalez', 'maria.gonzalez@example.com', '+1 480 555 0187', 'America/Phoenix', null),
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000003', 'John Miller', 'john.miller@example.com', '+1 312 555 0123', 'America/Chicago', null),
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000004', 'Kenji Tanaka', 'kenji.tanaka@example.jp', '+81 3 5555 0199', 'Asia/Tokyo', null),
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000005', 'Emily Watson', 'emily.watson@example.co.uk', '+44 20 7946 0321', 'Europe/London', null),
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000006', 'George Patel', 'george.patel@example.co.uk', '+44 20 7946 0588', null, null),
  ('10000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000007', 'Aarav Sharma', 'aarav.sharma@example.com.np', '+977 1 4412345', 'Asia/Kathmandu', null),
  ('20000000-0000-4000-8000-000000000002', '28000000-0000-4000-8000-000000000001', 'Dr. Wei Chen', 'wei.chen@northgate.example', null, 'America/New_York', null)
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- Business rules (docs/adr/0014-business-rules.md). They come before the bookings, so the rule
-- triggers check every demo booking below against them. Settings on existing rows are updates that
-- only touch rows still at the column defaults, so a forced re-seed never undoes an admin's edit.
-- (Resource turnover buffers are already above: e.g. Treatment Room 3 and Harley Room 4 keep 5
-- minutes after each appointment, X-ray Room 2 and the Kathmandu rooms 10.)

-- Approval: a northgate request waits 24 hours for a decision (the default is 48), then is declined
-- automatically by the worker (approval__expire).
update app_public.tenant set approval_timeout_minutes = 1440
where id = '20000000-0000-4000-8000-000000000002' and approval_timeout_minutes = 2880;

-- Approval by resource: customers' requests for the Electron Microscope wait for its owner, the
-- northgate admin Dana Okoye (staff and admins can always approve; the owner can too).
update app_public.resource set requires_approval = true, owner_user_id = '30000000-0000-4000-8000-000000000003'
where id = '22000000-0000-4000-8000-000000000002' and not requires_approval and owner_user_id is null;

-- Per-service settings: notice, horizon, slot step, cut-offs for customers (staff are not bound by
-- cut-offs) and approval by service.
update app_public.service s
set requires_approval = v.requires_approval, cancel_cutoff_minutes = v.cancel_cutoff, reschedule_cutoff_minutes = v.reschedule_cutoff,
    min_notice_minutes = coalesce(v.min_notice, s.min_notice_minutes), max_advance_days = coalesce(v.max_advance, s.max_advance_days),
    slot_step_minutes = coalesce(v.slot_step, s.slot_step_minutes)
from (values
  -- Diagnostic X-ray: the radiologist's list is fixed the day before: cancel or move up to 24 h ahead.
  ('13000000-0000-4000-8000-000000000011', false, 1440, 1440, null, null, null),
  -- Osteopathy Session: can be moved up to 4 h before the start; cancelled any time.
  ('13000000-0000-4000-8000-000000000023', false, 0, 240, null, null, null),
  -- Nutrition Video Consult: every customer request is approved by the dietitian first (the demo's
  -- pending booking below is one).
  ('13000000-0000-4000-8000-000000000012', true, 0, 0, null, null, null),
  -- Microscope Lab Session: two days' notice to prepare the lab, bookable a semester (120 days)
  -- ahead on the half hour; cancel up to 48 h and move up to 24 h before.
  ('23000000-0000-4000-8000-000000000001', false, 2880, 1440, 2880, 120, 30)
) as v(id, requires_approval, cancel_cutoff, reschedule_cutoff, min_notice, max_advance, slot_step)
where s.id = v.id::uuid and not s.requires_approval and s.cancel_cutoff_minutes = 0 and s.reschedule_cutoff_minutes = 0
  and (v.min_notice is null or (s.min_notice_minutes = 0 and s.max_advance_days = 90 and s.slot_step_minutes = 15));

-- Sequence rules (ids 16): time a resource needs between two services, or days it keeps them apart.
insert into app_public.sequence_rule (tenant_id, id, name, first_service_id, second_service_id, gap_minutes, same_day, both_directions, resource_id, resource_kind) values
  -- Every physiotherapist (scope: a resource kind) writes up an assessment before giving ultrasound
  -- therapy: e.g. Dr. Ana Morales, assessing 09:00-10:00 on Tuesday (booking 19...01), is not offered
  -- for Ultrasound Therapy before 10:30 that day. One direction only: therapy, then an assessment, is fine.
  ('10000000-0000-4000-8000-000000000001', '16000000-0000-4000-8000-000000000001',
   'Practitioners need 30 min after a Physiotherapy Assessment before Ultrasound Therapy',
   '13000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000002', 30, false, false, null, 'practitioner'),
  -- Imaging rooms (every room) are aired for 15 minutes between an X-ray and an ultrasound, in either order.
  ('10000000-0000-4000-8000-000000000001', '16000000-0000-4000-8000-000000000002',
   'Rooms need 15 min between Diagnostic X-ray and Diagnostic Ultrasound (either order)',
   '13000000-0000-4000-8000-000000000011', '13000000-0000-4000-8000-000000000014', 15, false, true, null, 'room'),
  -- One resource, whole local days: Dr. Rhys Evans (osteopath and physiotherapist) keeps his
  -- osteopathy and shockwave days apart.
  ('10000000-0000-4000-8000-000000000001', '16000000-0000-4000-8000-000000000003',
   'Dr. Rhys Evans: Osteopathy Session and Shockwave Therapy never on the same day',
   '13000000-0000-4000-8000-000000000023', '13000000-0000-4000-8000-000000000024', null, true, false, '12000000-0000-4000-8000-000000000304', null)
on conflict (id) do nothing;

-- Booking limits (ids 1b/2b). A full day or week is not offered. Each is scoped to one resource or
-- service: a kind-wide limit would also count every other resource of that kind in the tenant.
insert into app_public.booking_limit (tenant_id, id, name, kind, period, max_bookings, resource_id, resource_kind, service_id) values
  ('10000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001',
   'Dr. Ana Morales: at most 6 appointments a day', 'resource_bookings', 'day', 6, '12000000-0000-4000-8000-000000000001', null, null),
  ('10000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000002',
   'Shockwave Therapy: at most 2 sessions per customer a week', 'customer_bookings', 'week', 2, null, null, '13000000-0000-4000-8000-000000000024'),
  ('10000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000003',
   'Nutrition Video Consult: at most 2 consults at the same time (video bandwidth)', 'concurrent_bookings', null, 2, null, null, '13000000-0000-4000-8000-000000000012'),
  ('20000000-0000-4000-8000-000000000002', '2b000000-0000-4000-8000-000000000001',
   'Electron Microscope: at most 3 sessions a day (detector cool-down)', 'resource_bookings', 'day', 3, '22000000-0000-4000-8000-000000000002', null, null)
on conflict (id) do nothing;

--------------------------------------------------------------------------------------------------
-- Bookings: next week (a past one last week), Tuesday to Thursday so no holiday above can hit them,
-- at local times inside the working hours of every resource they use. ends_at defaults from the
-- service; each allocation's busy range (with buffers) is derived by trigger, and no two active
-- ones of a resource overlap (the cancelled booking reuses a confirmed booking's time on purpose:
-- cancelled allocations are inactive and hold nothing).
insert into app_public.booking (tenant_id, id, service_id, customer_id, status, starts_at, display_time_zone, idempotency_key, created_by, notes)
select s.tenant_id, b.id::uuid, s.id, b.customer_id::uuid, b.status::app_public.booking_status,
       app_public.to_utc(date_trunc('week', now() at time zone l.time_zone) + make_interval(days => b.day) + b.at::interval, l.time_zone),
       b.display_time_zone, b.idempotency_key, b.created_by::uuid, b.notes
from (values
  -- day: days after this week's Monday (7 = next Monday, -5 = last Wednesday); at: local time at the service's location
  ('19000000-0000-4000-8000-000000000001', '13000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000002', 'confirmed',  8, '09:00', null, 'demo-booking-1', '30000000-0000-4000-8000-000000000002', 'Knee pain after running.'),
  ('19000000-0000-4000-8000-000000000002', '13000000-0000-4000-8000-000000000002', '18000000-0000-4000-8000-000000000001', 'confirmed',  8, '10:30', null, null, '30000000-0000-4000-8000-000000000004', null),
  ('19000000-0000-4000-8000-000000000003', '13000000-0000-4000-8000-000000000011', '18000000-0000-4000-8000-000000000003', 'confirmed',  9, '09:00', null, null, null, 'Left wrist, referral attached.'),
  ('19000000-0000-4000-8000-000000000004', '13000000-0000-4000-8000-000000000012', '18000000-0000-4000-8000-000000000004', 'pending_approval', 10, '10:00', 'Asia/Tokyo', null, null, null),
  ('19000000-0000-4000-8000-000000000005', '13000000-0000-4000-8000-000000000021', '18000000-0000-4000-8000-000000000005', 'confirmed',  8, '11:00', null, null, null, null),
  ('19000000-0000-4000-8000-000000000006', '13000000-0000-4000-8000-000000000022', '18000000-0000-4000-8000-000000000006', 'confirmed',  9, '14:00', null, null, null, null),
  ('19000000-0000-4000-8000-000000000007', '13000000-0000-4000-8000-000000000031', '18000000-0000-4000-8000-000000000007', 'confirmed',  8, '11:00', null, null, null, null),
  ('19000000-0000-4000-8000-000000000008', '13000000-0000-4000-8000-000000000001', '18000000-0000-4000-8000-000000000001', 'cancelled',  8, '09:00', null, null, '30000000-0000-4000-8000-000000000004', 'Cancelled by the customer.'),
  ('19000000-0000-4000-8000-000000000009', '13000000-0000-4000-8000-000000000031', '18000000-0000-4000-8000-000000000007', 'completed', -5, '12:00', null, null, null, null),
  ('19000000-0000-4000-8000-000000000010', '13000000-0000-4000-8000-000000000014', '18000000-0000-4000-8000-000000000003', 'confirmed', 10, '13:00', null, null, null, null),
  ('29000000-0000-4000-8000-000000000001', '23000000-0000-4000-8000-000000000001', '28000000-0000-4000-8000-000000000001', 'confirmed',  9, '10:00', null, null, null, null),
  -- A request for the Electron Microscope, waiting for its owner's approval (declined automatically
  -- 24 h after the seed runs if nobody decides: northgate's approval timeout).
  ('29000000-0000-4000-8000-000000000002', '23000000-0000-4000-8000-000000000001', '28000000-0000-4000-8000-000000000001', 'pending_approval', 10, '14:00', null, null, null, 'Cryo stage needed.')
) as b(id, service_id, customer_id, status, day, at, display_time_zone, idempotency_key, created_by, notes)
join app_public.service s on s.id = b.service_id::uuid
join app_public.location l on l.tenant_id = s.tenant_id and l.id = s.location_id
on conflict (id) do nothing;

insert into app_public.booking_allocation (tenant_id, id, booking_id, resource_id, requirement_id)
select b.tenant_id, a.id::uuid, b.id, a.resource_id::uuid, a.requirement_id::uuid
from (values
  ('1a000000-0000-4000-8000-000000000101', '19000000-0000-4000-8000-000000000001', '12000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000101'), -- Ana Morales
  ('1a000000-0000-4000-8000-000000000201', '19000000-0000-4000-8000-000000000002', '12000000-0000-4000-8000-000000000002', '14000000-0000-4000-8000-000000000201'), -- Ben Whitehorse
  ('1a000000-0000-4000-8000-000000000202', '19000000-0000-4000-8000-000000000002', '12000000-0000-4000-8000-000000000003', '14000000-0000-4000-8000-000000000202'), -- Treatment Room 1
  ('1a000000-0000-4000-8000-000000000203', '19000000-0000-4000-8000-000000000002', '12000000-0000-4000-8000-000000000005', '14000000-0000-4000-8000-000000000203'), -- Ultrasound Unit A
  ('1a000000-0000-4000-8000-000000000301', '19000000-0000-4000-8000-000000000003', '12000000-0000-4000-8000-000000000011', '14000000-0000-4000-8000-000000001101'), -- Grace Okafor
  ('1a000000-0000-4000-8000-000000000302', '19000000-0000-4000-8000-000000000003', '12000000-0000-4000-8000-000000000014', '14000000-0000-4000-8000-000000001102'), -- Imaging Suite
  ('1a000000-0000-4000-8000-000000000303', '19000000-0000-4000-8000-000000000003', '12000000-0000-4000-8000-000000000016', '14000000-0000-4000-8000-000000001103'), -- Portable X-ray
  ('1a000000-0000-4000-8000-000000000401', '19000000-0000-4000-8000-000000000004', '12000000-0000-4000-8000-000000000013', '14000000-0000-4000-8000-000000001201'), -- Priya Raman
  ('1a000000-0000-4000-8000-000000000402', '19000000-0000-4000-8000-000000000004', '12000000-0000-4000-8000-000000000017', '14000000-0000-4000-8000-000000001202'), -- Video Consult Line 1
  ('1a000000-0000-4000-8000-000000000501', '19000000-0000-4000-8000-000000000005', '12000000-0000-4000-8000-000000000021', '14000000-0000-4000-8000-000000002101'), -- Oliver Hart
  ('1a000000-0000-4000-8000-000000000601', '19000000-0000-4000-8000-000000000006', '12000000-0000-4000-8000-000000000022', '14000000-0000-4000-8000-000000002201'), -- Amelia Clarke
  ('1a000000-0000-4000-8000-000000000602', '19000000-0000-4000-8000-000000000006', '12000000-0000-4000-8000-000000000024', '14000000-0000-4000-8000-000000002202'), -- Dermatoscope
  ('1a000000-0000-4000-8000-000000000701', '19000000-0000-4000-8000-000000000007', '12000000-0000-4000-8000-000000000031', '14000000-0000-4000-8000-000000003101'), -- Sita Shrestha
  ('1a000000-0000-4000-8000-000000000801', '19000000-0000-4000-8000-000000000008', '12000000-0000-4000-8000-000000000001', '14000000-0000-4000-8000-000000000101'), -- Ana Morales (cancelled)
  ('1a000000-0000-4000-8000-000000000901', '19000000-0000-4000-8000-000000000009', '12000000-0000-4000-8000-000000000031', '14000000-0000-4000-8000-000000003101'), -- Sita Shrestha (completed)
  ('1a000000-0000-4000-8000-000000001001', '19000000-0000-4000-8000-000000000010', '12000000-0000-4000-8000-000000000202', '14000000-0000-4000-8000-000000001401'), -- Laura Kim
  ('1a000000-0000-4000-8000-000000001002', '19000000-0000-4000-8000-000000000010', '12000000-0000-4000-8000-000000000205', '14000000-0000-4000-8000-000000001402'), -- X-ray Room 2
  ('1a000000-0000-4000-8000-000000001003', '19000000-0000-4000-8000-000000000010', '12000000-0000-4000-8000-000000000208', '14000000-0000-4000-8000-000000001403'), -- Ultrasound Scanner
  ('2a000000-0000-4000-8000-000000000101', '29000000-0000-4000-8000-000000000001', '22000000-0000-4000-8000-000000000001', '24000000-0000-4000-8000-000000000101'), -- Lab 204
  ('2a000000-0000-4000-8000-000000000102', '29000000-0000-4000-8000-000000000001', '22000000-0000-4000-8000-000000000002', '24000000-0000-4000-8000-000000000102'), -- Electron Microscope
  ('2a000000-0000-4000-8000-000000000201', '29000000-0000-4000-8000-000000000002', '22000000-0000-4000-8000-000000000001', '24000000-0000-4000-8000-000000000101'), -- Lab 204 (pending approval)
  ('2a000000-0000-4000-8000-000000000202', '29000000-0000-4000-8000-000000000002', '22000000-0000-4000-8000-000000000002', '24000000-0000-4000-8000-000000000102')  -- Electron Microscope (pending approval)
) as a(id, booking_id, resource_id, requirement_id)
join app_public.booking b on b.id = a.booking_id::uuid
on conflict (id) do nothing;

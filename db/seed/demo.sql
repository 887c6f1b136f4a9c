-- Demo data: a multi-location clinic group across four IANA zones (one without DST: America/Phoenix;
-- one with a non-hour offset: Asia/Kathmandu) and a second tenant to show isolation.
-- Loaded once by `npm start` (recorded in app_private.installation) or on demand by `npm run db:seed`.
-- Runs as the owner role; explicit tenant ids keep it independent of request settings.

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

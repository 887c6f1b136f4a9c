-- Time functions: to_utc (local wall-clock time in an IANA zone -> instant) and local_time (instant ->
-- wall-clock time, +HH:MM offset and tzdata abbreviation), with the semantics of
-- shared/vectors/recurrence-sample.json: a local time in a spring-forward gap is read with the offset
-- before the gap (shifted forward by the gap), a repeated local time takes the earlier instant.
-- Zones: America/New_York, Europe/London, America/Phoenix (no DST), Australia/Lord_Howe (30-minute
-- shift), Europe/Dublin (IST in summer), plus Asia/Kathmandu and America/St_Johns for odd offsets.
-- Expected instants are written in UTC; the session zone is set to something else on purpose.
begin;
select plan(76);

set local timezone = 'Asia/Tokyo';

--------------------------------------------------------------------------------------------------
-- to_utc: the shared vectors (nominal local start of each instance -> its start_utc).

-- should succeed: New York 09:00 moves from 14:00Z to 13:00Z across 2026-03-08
select results_eq(
  $$select app_public.to_utc(l, 'America/New_York') from (values ('2026-03-04 09:00:00'::timestamp), ('2026-03-11 09:00:00'::timestamp), ('2026-03-18 09:00:00'::timestamp), ('2026-03-25 09:00:00'::timestamp), ('2026-04-01 09:00:00'::timestamp), ('2026-04-08 09:00:00'::timestamp)) v(l)$$,
  $$values ('2026-03-04 14:00:00Z'::timestamptz), ('2026-03-11 13:00:00Z'::timestamptz), ('2026-03-18 13:00:00Z'::timestamptz), ('2026-03-25 13:00:00Z'::timestamptz), ('2026-04-01 13:00:00Z'::timestamptz), ('2026-04-08 13:00:00Z'::timestamptz)$$,
  'shared vector ny-weekly-we-0900-march: to_utc of each nominal local start');
-- should succeed: New York 09:00 moves from 13:00Z to 14:00Z across 2026-11-01, the transition Sunday included
select results_eq(
  $$select app_public.to_utc(l, 'America/New_York') from (values ('2026-10-18 09:00:00'::timestamp), ('2026-10-25 09:00:00'::timestamp), ('2026-11-01 09:00:00'::timestamp), ('2026-11-08 09:00:00'::timestamp), ('2026-11-15 09:00:00'::timestamp)) v(l)$$,
  $$values ('2026-10-18 13:00:00Z'::timestamptz), ('2026-10-25 13:00:00Z'::timestamptz), ('2026-11-01 14:00:00Z'::timestamptz), ('2026-11-08 14:00:00Z'::timestamptz), ('2026-11-15 14:00:00Z'::timestamptz)$$,
  'shared vector ny-weekly-su-0900-november: to_utc of each nominal local start');
-- should succeed: 02:30 on 2026-03-08 does not exist in New York and becomes 03:30 EDT (07:30Z)
select results_eq(
  $$select app_public.to_utc(l, 'America/New_York') from (values ('2026-03-06 02:30:00'::timestamp), ('2026-03-07 02:30:00'::timestamp), ('2026-03-08 02:30:00'::timestamp), ('2026-03-09 02:30:00'::timestamp), ('2026-03-10 02:30:00'::timestamp)) v(l)$$,
  $$values ('2026-03-06 07:30:00Z'::timestamptz), ('2026-03-07 07:30:00Z'::timestamptz), ('2026-03-08 07:30:00Z'::timestamptz), ('2026-03-09 06:30:00Z'::timestamptz), ('2026-03-10 06:30:00Z'::timestamptz)$$,
  'shared vector ny-daily-0230-spring-gap: to_utc of each nominal local start');
-- should succeed: 01:30 on 2026-11-01 occurs twice in New York; the first (EDT, 05:30Z) is taken
select results_eq(
  $$select app_public.to_utc(l, 'America/New_York') from (values ('2026-10-30 01:30:00'::timestamp), ('2026-10-31 01:30:00'::timestamp), ('2026-11-01 01:30:00'::timestamp), ('2026-11-02 01:30:00'::timestamp), ('2026-11-03 01:30:00'::timestamp)) v(l)$$,
  $$values ('2026-10-30 05:30:00Z'::timestamptz), ('2026-10-31 05:30:00Z'::timestamptz), ('2026-11-01 05:30:00Z'::timestamptz), ('2026-11-02 06:30:00Z'::timestamptz), ('2026-11-03 06:30:00Z'::timestamptz)$$,
  'shared vector ny-daily-0130-fall-ambiguous: to_utc of each nominal local start');
-- should succeed: 01:00 on the fall-back Sunday is the EDT one (05:00Z)
select results_eq(
  $$select app_public.to_utc(l, 'America/New_York') from (values ('2026-10-18 01:00:00'::timestamp), ('2026-10-25 01:00:00'::timestamp), ('2026-11-01 01:00:00'::timestamp), ('2026-11-08 01:00:00'::timestamp)) v(l)$$,
  $$values ('2026-10-18 05:00:00Z'::timestamptz), ('2026-10-25 05:00:00Z'::timestamptz), ('2026-11-01 05:00:00Z'::timestamptz), ('2026-11-08 06:00:00Z'::timestamptz)$$,
  'shared vector ny-weekly-su-0100-3h-spans-fallback: to_utc of each nominal local start');
-- should succeed: Phoenix has no DST, 09:00 is 16:00Z all March
select results_eq(
  $$select app_public.to_utc(l, 'America/Phoenix') from (values ('2026-03-04 09:00:00'::timestamp), ('2026-03-11 09:00:00'::timestamp), ('2026-03-18 09:00:00'::timestamp), ('2026-03-25 09:00:00'::timestamp), ('2026-04-01 09:00:00'::timestamp), ('2026-04-08 09:00:00'::timestamp)) v(l)$$,
  $$values ('2026-03-04 16:00:00Z'::timestamptz), ('2026-03-11 16:00:00Z'::timestamptz), ('2026-03-18 16:00:00Z'::timestamptz), ('2026-03-25 16:00:00Z'::timestamptz), ('2026-04-01 16:00:00Z'::timestamptz), ('2026-04-08 16:00:00Z'::timestamptz)$$,
  'shared vector phoenix-weekly-we-0900-march: to_utc of each nominal local start');
-- should succeed: Kolkata (+05:30) 18:30 is 13:00Z regardless of other zones transitions
select results_eq(
  $$select app_public.to_utc(l, 'Asia/Kolkata') from (values ('2026-03-02 18:30:00'::timestamp), ('2026-03-05 18:30:00'::timestamp), ('2026-03-09 18:30:00'::timestamp), ('2026-03-12 18:30:00'::timestamp), ('2026-03-16 18:30:00'::timestamp), ('2026-03-19 18:30:00'::timestamp), ('2026-03-23 18:30:00'::timestamp), ('2026-03-26 18:30:00'::timestamp)) v(l)$$,
  $$values ('2026-03-02 13:00:00Z'::timestamptz), ('2026-03-05 13:00:00Z'::timestamptz), ('2026-03-09 13:00:00Z'::timestamptz), ('2026-03-12 13:00:00Z'::timestamptz), ('2026-03-16 13:00:00Z'::timestamptz), ('2026-03-19 13:00:00Z'::timestamptz), ('2026-03-23 13:00:00Z'::timestamptz), ('2026-03-26 13:00:00Z'::timestamptz)$$,
  'shared vector kolkata-weekly-mo-th-1830: to_utc of each nominal local start');
-- should succeed: Los Angeles 18:00 on the 31st, PST and PDT
select results_eq(
  $$select app_public.to_utc(l, 'America/Los_Angeles') from (values ('2026-01-31 18:00:00'::timestamp), ('2026-03-31 18:00:00'::timestamp), ('2026-05-31 18:00:00'::timestamp), ('2026-07-31 18:00:00'::timestamp), ('2026-08-31 18:00:00'::timestamp), ('2026-10-31 18:00:00'::timestamp), ('2026-12-31 18:00:00'::timestamp)) v(l)$$,
  $$values ('2026-02-01 02:00:00Z'::timestamptz), ('2026-04-01 01:00:00Z'::timestamptz), ('2026-06-01 01:00:00Z'::timestamptz), ('2026-08-01 01:00:00Z'::timestamptz), ('2026-09-01 01:00:00Z'::timestamptz), ('2026-11-01 01:00:00Z'::timestamptz), ('2027-01-01 02:00:00Z'::timestamptz)$$,
  'shared vector la-monthly-bymonthday-31: to_utc of each nominal local start');
-- should succeed: Berlin 09:00 moves from 08:00Z to 07:00Z across 2026-03-29
select results_eq(
  $$select app_public.to_utc(l, 'Europe/Berlin') from (values ('2026-03-26 09:00:00'::timestamp), ('2026-03-27 09:00:00'::timestamp), ('2026-03-28 09:00:00'::timestamp), ('2026-03-29 09:00:00'::timestamp), ('2026-03-30 09:00:00'::timestamp)) v(l)$$,
  $$values ('2026-03-26 08:00:00Z'::timestamptz), ('2026-03-27 08:00:00Z'::timestamptz), ('2026-03-28 08:00:00Z'::timestamptz), ('2026-03-29 07:00:00Z'::timestamptz), ('2026-03-30 07:00:00Z'::timestamptz)$$,
  'shared vector berlin-daily-0900-until-utc-inclusive: to_utc of each nominal local start');

--------------------------------------------------------------------------------------------------
-- to_utc: America/New_York around both transitions of 2026.

-- should succeed: the last minute before the gap (EST)
select is(app_public.to_utc('2026-03-08 01:59', 'America/New_York'), '2026-03-08 06:59Z'::timestamptz, 'New York 2026-03-08 01:59 is 06:59Z (EST)');
-- should succeed: the gap starts at 02:00, read with EST: 03:00 EDT
select is(app_public.to_utc('2026-03-08 02:00', 'America/New_York'), '2026-03-08 07:00Z'::timestamptz, 'New York 2026-03-08 02:00 (gap) is 07:00Z');
-- should succeed: the last minute of the gap: 03:59 EDT
select is(app_public.to_utc('2026-03-08 02:59', 'America/New_York'), '2026-03-08 07:59Z'::timestamptz, 'New York 2026-03-08 02:59 (gap) is 07:59Z');
-- should succeed: the first minute after the gap (EDT)
select is(app_public.to_utc('2026-03-08 03:00', 'America/New_York'), '2026-03-08 07:00Z'::timestamptz, 'New York 2026-03-08 03:00 is 07:00Z (EDT)');
-- should succeed: a gap time reads back shifted forward by the gap
select is(app_public.to_utc('2026-03-08 02:30', 'America/New_York') at time zone 'America/New_York', '2026-03-08 03:30'::timestamp,
  'New York 2026-03-08 02:30 reads back as 03:30 local');
-- should succeed: the repeated hour starts at 01:00, first occurrence (EDT)
select is(app_public.to_utc('2026-11-01 01:00', 'America/New_York'), '2026-11-01 05:00Z'::timestamptz, 'New York 2026-11-01 01:00 (repeated) is 05:00Z (EDT)');
-- should succeed: the last minute of the repeated hour, first occurrence
select is(app_public.to_utc('2026-11-01 01:59', 'America/New_York'), '2026-11-01 05:59Z'::timestamptz, 'New York 2026-11-01 01:59 (repeated) is 05:59Z (EDT)');
-- should succeed: 02:00 after the repeated hour exists once (EST)
select is(app_public.to_utc('2026-11-01 02:00', 'America/New_York'), '2026-11-01 07:00Z'::timestamptz, 'New York 2026-11-01 02:00 is 07:00Z (EST)');
-- should succeed: before the repeated hour (EDT)
select is(app_public.to_utc('2026-11-01 00:59', 'America/New_York'), '2026-11-01 04:59Z'::timestamptz, 'New York 2026-11-01 00:59 is 04:59Z (EDT)');
-- should succeed: every quarter hour of the fall-back night round-trips (none is in a gap)
select is_empty(
  $$select l from generate_series('2026-11-01 00:00'::timestamp, '2026-11-01 04:00', interval '15 minutes') l
     where app_public.to_utc(l, 'America/New_York') at time zone 'America/New_York' <> l$$,
  'New York 2026-11-01 00:00-04:00: to_utc reads back as the same wall-clock time');
-- should succeed: the repeated hour always maps to its first, EDT (-04:00), instant
select is_empty(
  $$select l from generate_series('2026-11-01 01:00'::timestamp, '2026-11-01 01:59', interval '1 minute') l
     where app_public.to_utc(l, 'America/New_York') <> l at time zone 'Etc/GMT+4'$$,
  'New York 2026-11-01 01:00-01:59 all resolve with -04:00');
-- should succeed: on the spring-forward day every time outside the gap round-trips, every time inside is one hour later
select is_empty(
  $$select l from generate_series('2026-03-08 00:00'::timestamp, '2026-03-08 23:45', interval '15 minutes') l
     where app_public.to_utc(l, 'America/New_York') at time zone 'America/New_York'
           <> case when l >= '2026-03-08 02:00' and l < '2026-03-08 03:00' then l + interval '1 hour' else l end$$,
  'New York 2026-03-08: gap times shift forward by one hour, all others round-trip');

--------------------------------------------------------------------------------------------------
-- to_utc: Europe/London (GMT/BST, transitions at 01:00 UTC).

-- should succeed: winter (GMT)
select is(app_public.to_utc('2026-01-15 12:00', 'Europe/London'), '2026-01-15 12:00Z'::timestamptz, 'London 2026-01-15 12:00 is 12:00Z (GMT)');
-- should succeed: summer (BST)
select is(app_public.to_utc('2026-07-01 12:00', 'Europe/London'), '2026-07-01 11:00Z'::timestamptz, 'London 2026-07-01 12:00 is 11:00Z (BST)');
-- should succeed: 01:30 on 2026-03-29 is in the gap: read with GMT, 02:30 BST
select is(app_public.to_utc('2026-03-29 01:30', 'Europe/London'), '2026-03-29 01:30Z'::timestamptz, 'London 2026-03-29 01:30 (gap) is 01:30Z');
-- should succeed: 02:00 after the gap (BST)
select is(app_public.to_utc('2026-03-29 02:00', 'Europe/London'), '2026-03-29 01:00Z'::timestamptz, 'London 2026-03-29 02:00 is 01:00Z (BST)');
-- should succeed: 01:30 on 2026-10-25 occurs twice: the first (BST)
select is(app_public.to_utc('2026-10-25 01:30', 'Europe/London'), '2026-10-25 00:30Z'::timestamptz, 'London 2026-10-25 01:30 (repeated) is 00:30Z (BST)');
-- should succeed: 02:00 after the repeated hour (GMT)
select is(app_public.to_utc('2026-10-25 02:00', 'Europe/London'), '2026-10-25 02:00Z'::timestamptz, 'London 2026-10-25 02:00 is 02:00Z (GMT)');

--------------------------------------------------------------------------------------------------
-- to_utc: America/Phoenix (MST all year): New York's transition nights are ordinary nights.

-- should succeed: no gap on 2026-03-08
select is(app_public.to_utc('2026-03-08 02:30', 'America/Phoenix'), '2026-03-08 09:30Z'::timestamptz, 'Phoenix 2026-03-08 02:30 is 09:30Z (no gap)');
-- should succeed: no repeated hour on 2026-11-01
select is(app_public.to_utc('2026-11-01 01:30', 'America/Phoenix'), '2026-11-01 08:30Z'::timestamptz, 'Phoenix 2026-11-01 01:30 is 08:30Z (not repeated)');
-- should succeed: winter
select is(app_public.to_utc('2026-01-15 09:00', 'America/Phoenix'), '2026-01-15 16:00Z'::timestamptz, 'Phoenix 2026-01-15 09:00 is 16:00Z');
-- should succeed: summer, same offset
select is(app_public.to_utc('2026-07-01 09:00', 'America/Phoenix'), '2026-07-01 16:00Z'::timestamptz, 'Phoenix 2026-07-01 09:00 is 16:00Z');

--------------------------------------------------------------------------------------------------
-- to_utc: Australia/Lord_Howe (+10:30 standard, +11 summer: a 30-minute shift at 02:00 local).

-- should succeed: southern summer (+11)
select is(app_public.to_utc('2026-01-15 09:00', 'Australia/Lord_Howe'), '2026-01-14 22:00Z'::timestamptz, 'Lord Howe 2026-01-15 09:00 is 22:00Z the day before (+11)');
-- should succeed: southern winter (+10:30)
select is(app_public.to_utc('2026-07-15 09:00', 'Australia/Lord_Howe'), '2026-07-14 22:30Z'::timestamptz, 'Lord Howe 2026-07-15 09:00 is 22:30Z the day before (+10:30)');
-- should succeed: the last minute before the 30-minute gap (+10:30)
select is(app_public.to_utc('2026-10-04 01:59', 'Australia/Lord_Howe'), '2026-10-03 15:29Z'::timestamptz, 'Lord Howe 2026-10-04 01:59 is 15:29Z (+10:30)');
-- should succeed: 02:15 is in the gap and becomes 02:45 (+11)
select is(app_public.to_utc('2026-10-04 02:15', 'Australia/Lord_Howe'), '2026-10-03 15:45Z'::timestamptz, 'Lord Howe 2026-10-04 02:15 (gap) is 15:45Z');
-- should succeed: and reads back shifted forward by the 30-minute gap
select is(app_public.to_utc('2026-10-04 02:15', 'Australia/Lord_Howe') at time zone 'Australia/Lord_Howe', '2026-10-04 02:45'::timestamp,
  'Lord Howe 2026-10-04 02:15 reads back as 02:45 local');
-- should succeed: 02:30, right after the gap (+11)
select is(app_public.to_utc('2026-10-04 02:30', 'Australia/Lord_Howe'), '2026-10-03 15:30Z'::timestamptz, 'Lord Howe 2026-10-04 02:30 is 15:30Z (+11)');
-- should succeed: 01:45 on 2026-04-05 occurs twice: the first (+11)
select is(app_public.to_utc('2026-04-05 01:45', 'Australia/Lord_Howe'), '2026-04-04 14:45Z'::timestamptz, 'Lord Howe 2026-04-05 01:45 (repeated) is 14:45Z (+11)');
-- should succeed: 01:30, the start of the repeated half hour: the first (+11)
select is(app_public.to_utc('2026-04-05 01:30', 'Australia/Lord_Howe'), '2026-04-04 14:30Z'::timestamptz, 'Lord Howe 2026-04-05 01:30 (repeated) is 14:30Z (+11)');
-- should succeed: 02:00 exists once (+10:30)
select is(app_public.to_utc('2026-04-05 02:00', 'Australia/Lord_Howe'), '2026-04-04 15:30Z'::timestamptz, 'Lord Howe 2026-04-05 02:00 is 15:30Z (+10:30)');

--------------------------------------------------------------------------------------------------
-- to_utc: Europe/Dublin (IST +01:00 in summer, GMT in winter; tzdata models winter as negative DST).

-- should succeed: summer (IST), the inverse of the shared instant dublin-summer-ist
select is(app_public.to_utc('2026-07-15 13:00', 'Europe/Dublin'), '2026-07-15 12:00Z'::timestamptz, 'Dublin 2026-07-15 13:00 is 12:00Z (IST)');
-- should succeed: winter (GMT)
select is(app_public.to_utc('2026-01-15 12:00', 'Europe/Dublin'), '2026-01-15 12:00Z'::timestamptz, 'Dublin 2026-01-15 12:00 is 12:00Z (GMT)');
-- should succeed: 01:30 on 2026-03-29 is in the gap: 02:30 IST
select is(app_public.to_utc('2026-03-29 01:30', 'Europe/Dublin'), '2026-03-29 01:30Z'::timestamptz, 'Dublin 2026-03-29 01:30 (gap) is 01:30Z');
-- should succeed: 01:30 on 2026-10-25 occurs twice: the first (IST)
select is(app_public.to_utc('2026-10-25 01:30', 'Europe/Dublin'), '2026-10-25 00:30Z'::timestamptz, 'Dublin 2026-10-25 01:30 (repeated) is 00:30Z (IST)');

--------------------------------------------------------------------------------------------------
-- to_utc: the other gaps the shared semantics name.

-- should succeed: Antarctica/Troll jumps two hours (+00 -> +02 at 01:00 UTC): 01:30 becomes 03:30
select is(app_public.to_utc('2026-03-29 01:30', 'Antarctica/Troll'), '2026-03-29 01:30Z'::timestamptz, 'Troll 2026-03-29 01:30 (2-hour gap) is 01:30Z, i.e. 03:30 local');
-- should succeed: Pacific/Apia skipped 2011-12-30 entirely: noon that day becomes noon of the 31st (+14)
select is(app_public.to_utc('2011-12-30 12:00', 'Pacific/Apia'), '2011-12-30 22:00Z'::timestamptz, 'Apia 2011-12-30 12:00 (24-hour gap) is 22:00Z, i.e. 2011-12-31 12:00 local');

--------------------------------------------------------------------------------------------------
-- to_utc: invalid zones (TZINV) and nulls.

-- should fail with TZINV: Mars/Base is not an IANA zone name
select throws_ok($$select app_public.to_utc('2026-01-01 09:00', 'Mars/Base')$$, 'TZINV', null, 'to_utc with zone "Mars/Base" raises TZINV');
-- should fail with TZINV: posix/Europe/London is not an IANA zone name
select throws_ok($$select app_public.to_utc('2026-01-01 09:00', 'posix/Europe/London')$$, 'TZINV', null, 'to_utc with zone "posix/Europe/London" raises TZINV');
-- should fail with TZINV: right/Europe/London is not an IANA zone name
select throws_ok($$select app_public.to_utc('2026-01-01 09:00', 'right/Europe/London')$$, 'TZINV', null, 'to_utc with zone "right/Europe/London" raises TZINV');
-- should fail with TZINV: an empty name is not an IANA zone name
select throws_ok($$select app_public.to_utc('2026-01-01 09:00', '')$$, 'TZINV', null, 'to_utc with zone "" raises TZINV');
-- should succeed: strict: a null local time gives null
select is(app_public.to_utc(null, 'Europe/London'), null::timestamptz, 'to_utc(null, zone) is null');

--------------------------------------------------------------------------------------------------
-- local_time: wall-clock time, +HH:MM offset and tzdata abbreviation.

-- should succeed: shared instant ny-first-0130-edt, the first 01:30 of the fall-back night
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-11-01 05:30:00Z', 'America/New_York')$$,
  $$values ('2026-11-01 01:30:00'::timestamp, '-04:00', 'EDT', 'America/New_York')$$,
  'shared instant ny-first-0130-edt: 01:30 -04:00 EDT');
-- should succeed: shared instant ny-second-0130-est, the second 01:30
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-11-01 06:30:00Z', 'America/New_York')$$,
  $$values ('2026-11-01 01:30:00'::timestamp, '-05:00', 'EST', 'America/New_York')$$,
  'shared instant ny-second-0130-est: 01:30 -05:00 EST');
-- should succeed: shared instant dublin-summer-ist, Dublin summer
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-07-15 12:00:00Z', 'Europe/Dublin')$$,
  $$values ('2026-07-15 13:00:00'::timestamp, '+01:00', 'IST', 'Europe/Dublin')$$,
  'shared instant dublin-summer-ist: 13:00 +01:00 IST');
-- should succeed: shared instant kolkata-0530, Kolkata
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-06-01 00:00:00Z', 'Asia/Kolkata')$$,
  $$values ('2026-06-01 05:30:00'::timestamp, '+05:30', 'IST', 'Asia/Kolkata')$$,
  'shared instant kolkata-0530: 05:30 +05:30 IST');
-- should succeed: New York summer
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-07-01 16:00Z', 'America/New_York')$$,
  $$values ('2026-07-01 12:00'::timestamp, '-04:00', 'EDT', 'America/New_York')$$,
  'New York 2026-07-01 16:00Z is 12:00 -04:00 EDT');
-- should succeed: New York winter
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-15 17:00Z', 'America/New_York')$$,
  $$values ('2026-01-15 12:00'::timestamp, '-05:00', 'EST', 'America/New_York')$$,
  'New York 2026-01-15 17:00Z is 12:00 -05:00 EST');
-- should succeed: New York right after the spring-forward
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-03-08 07:00Z', 'America/New_York')$$,
  $$values ('2026-03-08 03:00'::timestamp, '-04:00', 'EDT', 'America/New_York')$$,
  'New York 2026-03-08 07:00Z is 03:00 -04:00 EDT');
-- should succeed: London summer
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-07-01 11:00Z', 'Europe/London')$$,
  $$values ('2026-07-01 12:00'::timestamp, '+01:00', 'BST', 'Europe/London')$$,
  'London 2026-07-01 11:00Z is 12:00 +01:00 BST');
-- should succeed: London winter
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-15 12:00Z', 'Europe/London')$$,
  $$values ('2026-01-15 12:00'::timestamp, '+00:00', 'GMT', 'Europe/London')$$,
  'London 2026-01-15 12:00Z is 12:00 +00:00 GMT');
-- should succeed: Dublin winter
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-15 12:00Z', 'Europe/Dublin')$$,
  $$values ('2026-01-15 12:00'::timestamp, '+00:00', 'GMT', 'Europe/Dublin')$$,
  'Dublin 2026-01-15 12:00Z is 12:00 +00:00 GMT');
-- should succeed: Phoenix summer is MST
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-07-01 16:00Z', 'America/Phoenix')$$,
  $$values ('2026-07-01 09:00'::timestamp, '-07:00', 'MST', 'America/Phoenix')$$,
  'Phoenix 2026-07-01 16:00Z is 09:00 -07:00 MST');
-- should succeed: Phoenix winter is MST
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-15 16:00Z', 'America/Phoenix')$$,
  $$values ('2026-01-15 09:00'::timestamp, '-07:00', 'MST', 'America/Phoenix')$$,
  'Phoenix 2026-01-15 16:00Z is 09:00 -07:00 MST');
-- should succeed: Lord Howe standard time, numeric abbreviation
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-07-14 22:30Z', 'Australia/Lord_Howe')$$,
  $$values ('2026-07-15 09:00'::timestamp, '+10:30', '+1030', 'Australia/Lord_Howe')$$,
  'Lord Howe 2026-07-14 22:30Z is 09:00 +10:30 +1030');
-- should succeed: Lord Howe summer time
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-14 22:00Z', 'Australia/Lord_Howe')$$,
  $$values ('2026-01-15 09:00'::timestamp, '+11:00', '+11', 'Australia/Lord_Howe')$$,
  'Lord Howe 2026-01-14 22:00Z is 09:00 +11:00 +11');
-- should succeed: Lord Howe right after the 30-minute gap
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-10-03 15:45Z', 'Australia/Lord_Howe')$$,
  $$values ('2026-10-04 02:45'::timestamp, '+11:00', '+11', 'Australia/Lord_Howe')$$,
  'Lord Howe 2026-10-03 15:45Z is 02:45 +11:00 +11');
-- should succeed: Kathmandu, a +05:45 zone
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-07-01 12:00Z', 'Asia/Kathmandu')$$,
  $$values ('2026-07-01 17:45'::timestamp, '+05:45', '+0545', 'Asia/Kathmandu')$$,
  'Kathmandu 2026-07-01 12:00Z is 17:45 +05:45 +0545');
-- should succeed: a negative offset with minutes
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-15 12:00Z', 'America/St_Johns')$$,
  $$values ('2026-01-15 08:30'::timestamp, '-03:30', 'NST', 'America/St_Johns')$$,
  'St Johns 2026-01-15 12:00Z is 08:30 -03:30 NST');
-- should succeed: UTC itself
select results_eq(
  $$select local, utc_offset, abbreviation, time_zone from app_public.local_time('2026-01-15 12:00Z', 'UTC')$$,
  $$values ('2026-01-15 12:00'::timestamp, '+00:00', 'UTC', 'UTC')$$,
  'UTC 2026-01-15 12:00Z is 12:00 +00:00 UTC');
-- should succeed: to_utc and local_time are inverse outside gaps and repeated hours (every hour of 2026 in New York)
select is_empty(
  $$select t from generate_series('2026-01-01 00:00Z'::timestamptz, '2027-01-01 00:00Z', interval '1 hour') t
     where app_public.to_utc((app_public.local_time(t, 'America/New_York')).local, 'America/New_York') <> t
       and not (t >= '2026-11-01 05:00Z' and t < '2026-11-01 07:00Z')$$,
  'New York 2026: to_utc(local_time(t).local) = t for every hour outside the repeated one');
-- should succeed: local_time leaves the session TimeZone as it was
select is(current_setting('TimeZone'), 'Asia/Tokyo', 'local_time() and to_utc() leave the session TimeZone unchanged');
-- should fail with TZINV: Mars/Base
select throws_ok($$select app_public.local_time('2026-01-01 12:00Z', 'Mars/Base')$$, 'TZINV', null, 'local_time with zone Mars/Base raises TZINV');
-- should fail with TZINV: posix/Europe/London
select throws_ok($$select app_public.local_time('2026-01-01 12:00Z', 'posix/Europe/London')$$, 'TZINV', null, 'local_time with zone posix/Europe/London raises TZINV');

--------------------------------------------------------------------------------------------------
-- Both are callable by the API roles (granted to every one of them).

set local role app_anonymous;
select set_config('jwt.claims.tenant_id', '', true), set_config('app.tenant_slug', '', true);
-- should succeed: anonymous visitors without a tenant may call to_utc
select is(app_public.to_utc('2026-03-08 02:30', 'America/New_York'), '2026-03-08 07:30Z'::timestamptz, 'anonymous calls to_utc');
-- should succeed: and local_time
select is((app_public.local_time('2026-11-01 06:30Z', 'America/New_York')).abbreviation, 'EST', 'anonymous calls local_time');
reset role;
set local role app_customer;
select set_config('jwt.claims.tenant_id', 'a0000000-0000-4000-8000-0000000000a1', true), set_config('app.tenant_slug', '', true);
-- should succeed: customers may call them too
select is((app_public.local_time(app_public.to_utc('2026-10-04 02:15', 'Australia/Lord_Howe'), 'Australia/Lord_Howe')).local, '2026-10-04 02:45'::timestamp, 'customer calls to_utc and local_time');
reset role;

select * from finish();
rollback;

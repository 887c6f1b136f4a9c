// Business rules through the API (docs/adr/0014-business-rules.md): admin CRUD with validation, each
// rule pruning the search and refusing confirmation with its own code, explainAvailability naming the
// rule, approval, cut-offs, customer limits, and a randomised parity check between search and booking.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { random } from '../../scripts/lib/random.ts';
import { startTestApi, type GraphQLResponse, type TestApi } from '../helpers/api.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York; open Wednesdays 08:00-22:00
const ZONE = 'America/New_York';
const id = (n: number) => `eb000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const STAFF_USER = id(901);
const OWNER_USER = id(902);
const CUSTOMER_USER = id(903);
const OTHER_USER = id(904);
// Resources by test group (tags keep the groups apart).
const DOC1 = id(1);
const DOC2 = id(2);
const LAB = id(3); // approval
const DOC4 = id(4); // cut-offs and customer limits
// Services.
const SVC_A = id(11); // 30 min, 10 min clean-up after
const SVC_B = id(12); // 45 min
const SVC_C = id(13); // 60 min
const SVC_LAB = id(14); // needs approval (through the lab's requires_approval)
const SVC_LATE = id(15); // cancel and reschedule cut-offs
const SVC_FREE = id(16); // no cut-off
const PARITY_SERVICES = [SVC_A, SVC_B, SVC_C];

const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });

// A Wednesday 3-5 weeks ahead; every resource here works 06:00-23:00 that day, past the hall's hours.
const wednesday = (() => {
  const d = new Date(Date.now() + 21 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
})();
const nextWednesday = new Date(Date.parse(`${wednesday}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
const at = async (local: string, day = wednesday) =>
  (await owner.query<{ t: Date }>(`select app_public.to_utc($1, $2) as t`, [`${day} ${local}`, ZONE])).rows[0]!.t.toISOString();

beforeAll(async () => {
  await owner.query(`insert into app_public.app_user (id, email, name) values
    ($1, 'rules-staff@northgate.test', 'Rules Staff'), ($2, 'lab-owner@northgate.test', 'Lab Owner'),
    ($3, 'rules-customer@northgate.test', 'Rules Customer'), ($4, 'other-customer@northgate.test', 'Other Customer')`,
  [STAFF_USER, OWNER_USER, CUSTOMER_USER, OTHER_USER]);
  await owner.query(`insert into app_public.membership (tenant_id, user_id, role) values ($1, $2, 'staff')`, [NORTHGATE, STAFF_USER]);
  await owner.query(`insert into app_public.customer (tenant_id, name, email, user_id) values
    ($1, 'Lab Owner', 'lab-owner@northgate.test', $2), ($1, 'Rules Customer', 'rules-customer@northgate.test', $3),
    ($1, 'Other Customer', 'other-customer@northgate.test', $4)`, [NORTHGATE, OWNER_USER, CUSTOMER_USER, OTHER_USER]);
  await owner.query(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, requires_approval, owner_user_id) values
    ($1, $2, $6, 'practitioner', 'Rules Doc One', '{rules}', false, null), ($1, $3, $6, 'practitioner', 'Rules Doc Two', '{rules}', false, null),
    ($1, $4, $6, 'equipment', 'Rules Cryo Lab', '{cryo}', true, $7), ($1, $5, $6, 'practitioner', 'Rules Doc Four', '{late}', false, null)`,
  [NORTHGATE, DOC1, DOC2, LAB, DOC4, HALL, OWNER_USER]);
  await owner.query(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, 3, '06:00', '23:00' from unnest($2::uuid[]) r`, [NORTHGATE, [DOC1, DOC2, LAB, DOC4]]);
  await owner.query(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, buffer_after_minutes, slot_step_minutes, max_advance_days,
      cancel_cutoff_minutes, reschedule_cutoff_minutes) values
    ($1, $2, $8, 'Rules A', 30, 10, 15, 120, 0, 0), ($1, $3, $8, 'Rules B', 45, 0, 15, 120, 0, 0), ($1, $4, $8, 'Rules C', 60, 0, 15, 120, 0, 0),
    ($1, $5, $8, 'Rules Cryo', 30, 0, 30, 120, 0, 0), ($1, $6, $8, 'Rules Late', 30, 0, 30, 120, 43200, 43200),
    ($1, $7, $8, 'Rules Free', 30, 0, 30, 120, 0, 0)`,
  [NORTHGATE, SVC_A, SVC_B, SVC_C, SVC_LAB, SVC_LATE, SVC_FREE, HALL]);
  await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags)
    select $1, s, 'Doctor', 'practitioner', '{rules}' from unnest($2::uuid[]) s`, [NORTHGATE, PARITY_SERVICES]);
  await owner.query(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values
    ($1, $2, 'Lab', 'equipment', '{cryo}'), ($1, $3, 'Doctor', 'practitioner', '{late}'), ($1, $4, 'Doctor', 'practitioner', '{late}')`,
  [NORTHGATE, SVC_LAB, SVC_LATE, SVC_FREE]);
});
afterAll(() => owner.end());

let api: TestApi;
let staff: string;
let admin: string;
beforeAll(async () => {
  api = await startTestApi(db);
  staff = await api.token('app_staff', NORTHGATE, STAFF_USER);
  admin = await api.token('app_admin', NORTHGATE, STAFF_USER);
});
afterAll(() => api?.close());

const codeOf = (r: GraphQLResponse) => r.errors?.[0]?.extensions?.code as string | undefined;
const asStaff = (query: string, variables: Record<string, unknown>) => api.gql(query, { token: staff, variables });
const asAdmin = (query: string, variables: Record<string, unknown>) => api.gql(query, { token: admin, variables });

async function offered(serviceId: string, token = staff, day = wednesday): Promise<string[]> {
  const r = await api.gql<{ availableSlots: { nodes: { start: string }[] } }>(
    `query($s: UUID!, $f: Datetime!, $t: Datetime!) { availableSlots(serviceId: $s, from: $f, to: $t, first: 500) { nodes { start } } }`,
    { token, variables: { s: serviceId, f: await at('00:00', day), t: await at('23:59', day) } });
  expect(r.errors).toBeUndefined();
  return r.data!.availableSlots.nodes.map((n) => n.start);
}
function create(serviceId: string, start: string, resourceIds?: string[], customer: Record<string, unknown> = { name: 'Rules Walk-in', email: 'walkin@rules.test' }) {
  return asStaff(`mutation($s: UUID!, $t: Datetime!, $r: [UUID!], $c: BookingCustomerInput!) {
      createBooking(input: { serviceId: $s, start: $t, resourceIds: $r, customer: $c }) { bookingId status } }`,
  { s: serviceId, t: start, r: resourceIds, c: customer });
}
async function book(serviceId: string, start: string, resourceIds?: string[]): Promise<string> {
  const r = await create(serviceId, start, resourceIds);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data!.createBooking as { bookingId: string }).bookingId;
}
interface Reason { code: string; message: string; ruleId: string | null }
async function explain(serviceId: string, start: string): Promise<{ offered: boolean; reasons: Reason[]; codes: Set<string> }> {
  const r = await asStaff(`query($s: UUID!, $t: Datetime!) { explainAvailability(serviceId: $s, start: $t) {
      offered reasons { code message ruleId } requirements { candidates { reasons { code message ruleId } } } } }`, { s: serviceId, t: start });
  expect(r.errors).toBeUndefined();
  const e = r.data!.explainAvailability as { offered: boolean; reasons: Reason[]; requirements: { candidates: { reasons: Reason[] }[] }[] };
  const reasons = [...e.reasons, ...e.requirements.flatMap((q) => q.candidates.flatMap((c) => c.reasons))];
  return { offered: e.offered, reasons, codes: new Set(reasons.map((x) => x.code)) };
}
async function createRule(rule: Record<string, unknown>): Promise<string> {
  const r = await asAdmin(`mutation($r: SequenceRuleInput!) { createSequenceRule(input: { sequenceRule: $r }) { sequenceRule { rowId } } }`, { r: rule });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data!.createSequenceRule as { sequenceRule: { rowId: string } }).sequenceRule.rowId;
}
async function createLimit(limit: Record<string, unknown>): Promise<string> {
  const r = await asAdmin(`mutation($l: BookingLimitInput!) { createBookingLimit(input: { bookingLimit: $l }) { bookingLimit { rowId } } }`, { l: limit });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data!.createBookingLimit as { bookingLimit: { rowId: string } }).bookingLimit.rowId;
}
async function reset(): Promise<void> {
  const services = [...PARITY_SERVICES, SVC_LAB, SVC_LATE, SVC_FREE];
  await owner.query(`delete from app_public.booking where tenant_id = $1 and service_id = any($2)`, [NORTHGATE, services]);
  await owner.query(`delete from app_public.sequence_rule where tenant_id = $1 and first_service_id = any($2)`, [NORTHGATE, services]);
  await owner.query(`delete from app_public.booking_limit where tenant_id = $1 and (service_id = any($2) or resource_id = any($3) or name like 'Rules %')`,
    [NORTHGATE, services, [DOC1, DOC2, LAB, DOC4]]);
}

describe('rules as data: admin API', () => {
  beforeAll(reset);

  it('validates rules: no negative or zero gaps, no unknown services, one of gap and same day, staff cannot write', async () => {
    const base = { name: 'Rules check', firstServiceId: SVC_A, secondServiceId: SVC_B };
    const mutation = `mutation($r: SequenceRuleInput!) { createSequenceRule(input: { sequenceRule: $r }) { sequenceRule { rowId } } }`;
    expect(codeOf(await asAdmin(mutation, { r: { ...base, gapMinutes: -5 } }))).toBe('INVALID_VALUE');
    expect(codeOf(await asAdmin(mutation, { r: { ...base, gapMinutes: 0 } }))).toBe('INVALID_VALUE');
    expect(codeOf(await asAdmin(mutation, { r: { ...base, gapMinutes: 30, sameDay: true } }))).toBe('INVALID_VALUE');
    expect(codeOf(await asAdmin(mutation, { r: { ...base } }))).toBe('INVALID_VALUE');
    expect(codeOf(await asAdmin(mutation, { r: { ...base, gapMinutes: 30, secondServiceId: id(999) } }))).toBe('REFERENCE_NOT_FOUND');
    expect(codeOf(await asStaff(mutation, { r: { ...base, gapMinutes: 30 } }))).toBe('PERMISSION_DENIED');
    const limit = `mutation($l: BookingLimitInput!) { createBookingLimit(input: { bookingLimit: $l }) { bookingLimit { rowId } } }`;
    expect(codeOf(await asAdmin(limit, { l: { name: 'Rules bad', kind: 'concurrent_bookings', maxBookings: 2 } }))).toBe('INVALID_VALUE');
    expect(codeOf(await asAdmin(limit, { l: { name: 'Rules bad', kind: 'resource_bookings', period: 'month', maxBookings: 2 } }))).toBe('INVALID_VALUE');
    expect(codeOf(await asAdmin(limit, { l: { name: 'Rules bad', kind: 'resource_bookings', period: 'day', maxBookings: 0 } }))).toBe('INVALID_VALUE');
    const other = await api.token('app_admin', '10000000-0000-4000-8000-000000000001', STAFF_USER);
    const created = await createRule({ ...base, gapMinutes: 30 });
    const seen = await api.gql(`{ sequenceRules { nodes { rowId } } }`, { token: other });
    expect((seen.data!.sequenceRules as { nodes: { rowId: string }[] }).nodes.map((n) => n.rowId)).not.toContain(created);
  });

  it('a gap rule prunes the search, explainAvailability names it, confirmation refuses with its code; disabling it lifts it', async () => {
    await reset();
    const rule = await createRule({ name: 'A then B needs 30 min', firstServiceId: SVC_A, secondServiceId: SVC_B, gapMinutes: 30, resourceId: DOC1 });
    // Doc Two is busy all evening, so B can only be served by Doc One.
    await book(SVC_C, await at('09:00'), [DOC2]);
    await book(SVC_C, await at('10:00'), [DOC2]);
    await book(SVC_A, await at('09:00'), [DOC1]); // ends 09:30 (clean-up until 09:40)
    const starts = await offered(SVC_B);
    // B at 09:45 would start 15 min after A ends; 10:00 keeps the 30 min.
    expect(starts).not.toContain(await at('09:45'));
    expect(starts).toContain(await at('10:00'));
    const why = await explain(SVC_B, await at('09:45'));
    expect(why.offered).toBe(false);
    const gap = why.reasons.find((r) => r.code === 'GAP_RULE');
    expect(gap?.ruleId).toBe(rule);
    expect(gap?.message).toContain('A then B needs 30 min');
    const refused = await create(SVC_B, await at('09:45'));
    expect(codeOf(refused)).toBe('GAP_RULE');
    expect(refused.errors?.[0]?.extensions?.ruleId).toBe(rule);
    // The other direction is free: B before A needs no gap (both_directions is off).
    expect(await offered(SVC_B)).toContain(await at('08:15'));
    const off = await asAdmin(`mutation($id: UUID!) { updateSequenceRule(input: { rowId: $id, patch: { enabled: false } }) { sequenceRule { enabled } } }`, { id: rule });
    expect(off.errors).toBeUndefined();
    expect(await offered(SVC_B)).toContain(await at('09:45'));
    await book(SVC_B, await at('09:45'));
  });

  it('a daily resource limit: the full day is not offered and confirmation says LIMIT_REACHED; the next week is', async () => {
    await reset();
    const limit = await createLimit({ name: 'Rules two a day', kind: 'resource_bookings', period: 'day', maxBookings: 2, resourceKind: 'practitioner' });
    for (const doc of [DOC1, DOC2]) {
      await book(SVC_A, await at('09:00'), [doc]);
      await book(SVC_A, await at('11:00'), [doc]);
    }
    expect(await offered(SVC_A)).toEqual([]);
    expect((await offered(SVC_A, staff, nextWednesday)).length).toBeGreaterThan(0);
    const why = await explain(SVC_A, await at('15:00'));
    expect(why.reasons.filter((r) => r.code === 'LIMIT_REACHED').map((r) => r.ruleId)).toContain(limit);
    const refused = await create(SVC_A, await at('15:00'));
    expect(codeOf(refused)).toBe('LIMIT_REACHED');
    expect(refused.errors?.[0]?.extensions?.ruleId).toBe(limit);
  });

  it('location opening hours bound every resource: a doctor working 06:00-23:00 is offered 08:00-22:00 only', async () => {
    await reset();
    const starts = await offered(SVC_C);
    expect(starts[0]).toBe(await at('08:00'));
    expect(starts.at(-1)).toBe(await at('21:00')); // 60 min, closes 22:00
    const why = await explain(SVC_C, await at('07:00'));
    expect([...why.codes]).toEqual(['LOCATION_CLOSED']);
    expect(codeOf(await create(SVC_C, await at('21:15')))).toBe('LOCATION_CLOSED');
  });

  it('a concurrent-bookings limit of one for a service', async () => {
    await reset();
    await createLimit({ name: 'Rules one C at a time', kind: 'concurrent_bookings', serviceId: SVC_C, maxBookings: 1 });
    await book(SVC_C, await at('12:00'), [DOC1]);
    const starts = await offered(SVC_C);
    expect(starts).not.toContain(await at('12:30')); // overlaps, though Doc Two is free
    expect(starts).toContain(await at('13:00'));
    expect(codeOf(await create(SVC_C, await at('11:30'), [DOC2]))).toBe('LIMIT_REACHED');
    await book(SVC_C, await at('13:00'), [DOC2]);
  });
});

describe('approval', () => {
  beforeAll(reset);
  const anon = (query: string, variables: Record<string, unknown>) => api.gql(query, { tenant: 'northgate', variables });
  async function request(start: string, email = 'cryo@rules.test'): Promise<{ bookingId: string; status: string }> {
    const held = await anon(`mutation($s: UUID!, $t: Datetime!) { placeHold(input: { serviceId: $s, start: $t }) { token } }`, { s: SVC_LAB, t: start });
    expect(held.errors).toBeUndefined();
    const r = await anon(`mutation($h: String!, $e: String!) { confirmBooking(input: { holdToken: $h, customer: { name: "Cryo Customer", email: $e } }) { bookingId status } }`,
      { h: (held.data!.placeHold as { token: string }).token, e: email });
    expect(r.errors).toBeUndefined();
    return r.data!.confirmBooking as { bookingId: string; status: string };
  }
  const decide = (verb: 'approveBooking' | 'declineBooking', bookingId: string, token: string, note?: string) =>
    api.gql(`mutation($b: UUID!, $n: String) { ${verb}(input: { bookingId: $b, note: $n }) { bookingId status decisionNote } }`, { token, variables: { b: bookingId, n: note } });

  it('a customer request waits for approval with its time blocked; staff approve it once', async () => {
    const start = await at('10:00');
    const requested = await request(start);
    expect(requested.status).toBe('pending_approval');
    const row = (await owner.query<{ minutes: number; timeout: number }>(
      `select round(extract(epoch from b.approval_expires_at - b.created_at) / 60)::int as minutes, t.approval_timeout_minutes as timeout
       from app_public.booking b join app_public.tenant t on t.id = b.tenant_id where b.id = $1`, [requested.bookingId])).rows[0]!;
    expect(row.minutes).toBe(row.timeout);
    expect(await offered(SVC_LAB)).not.toContain(start);
    const approved = await decide('approveBooking', requested.bookingId, staff);
    expect(approved.errors).toBeUndefined();
    expect((approved.data!.approveBooking as { status: string }).status).toBe('confirmed');
    expect(codeOf(await decide('approveBooking', requested.bookingId, staff))).toBe('BOOKING_NOT_PENDING');
  });

  it('the resource owner may decide, other customers may not; a decline frees the time', async () => {
    const start = await at('12:00');
    const requested = await request(start, 'cryo2@rules.test');
    const other = await api.token('app_customer', NORTHGATE, OTHER_USER);
    expect(codeOf(await decide('declineBooking', requested.bookingId, other))).toBe('BOOKING_NOT_FOUND');
    const labOwner = await api.token('app_customer', NORTHGATE, OWNER_USER);
    const declined = await decide('declineBooking', requested.bookingId, labOwner, 'Lab closed for calibration');
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.declineBooking).toMatchObject({ status: 'declined', decisionNote: 'Lab closed for calibration' });
    expect(await offered(SVC_LAB)).toContain(start);
  });

  it('staff bookings of a service needing approval are confirmed at once (staff are approvers)', async () => {
    const r = await create(SVC_LAB, await at('14:00'));
    expect(r.errors).toBeUndefined();
    expect((r.data!.createBooking as { status: string }).status).toBe('confirmed');
  });
});

describe('cut-offs and customer limits', () => {
  let customer: string;
  beforeAll(async () => {
    await reset();
    customer = await api.token('app_customer', NORTHGATE, CUSTOMER_USER);
  });
  async function customerBooks(serviceId: string, start: string): Promise<GraphQLResponse> {
    const held = await api.gql(`mutation($s: UUID!, $t: Datetime!) { placeHold(input: { serviceId: $s, start: $t }) { token } }`, { token: customer, variables: { s: serviceId, t: start } });
    if (held.errors) return held;
    return api.gql(`mutation($h: String!) { confirmBooking(input: { holdToken: $h, customer: { name: "Rules Customer", email: "rules-customer@northgate.test" } }) { bookingId status } }`,
      { token: customer, variables: { h: (held.data!.placeHold as { token: string }).token } });
  }
  const bookingIdOf = (r: GraphQLResponse) => (r.data!.confirmBooking as { bookingId: string }).bookingId;

  it('customers cannot cancel or reschedule inside the cut-off; staff can', async () => {
    const late = await customerBooks(SVC_LATE, await at('09:00'));
    expect(late.errors).toBeUndefined();
    const cancel = (bookingId: string, token: string) => api.gql(`mutation($b: UUID!) { cancelBooking(input: { bookingId: $b }) { status } }`, { token, variables: { b: bookingId } });
    const move = (bookingId: string, start: string, token: string) =>
      api.gql(`mutation($b: UUID!, $t: Datetime!) { rescheduleBooking(input: { bookingId: $b, start: $t }) { status start } }`, { token, variables: { b: bookingId, t: start } });
    expect(codeOf(await move(bookingIdOf(late), await at('10:00'), customer))).toBe('CUTOFF_PASSED');
    expect(codeOf(await cancel(bookingIdOf(late), customer))).toBe('CUTOFF_PASSED');
    expect((await cancel(bookingIdOf(late), staff)).errors).toBeUndefined();
    const free = await customerBooks(SVC_FREE, await at('09:00'));
    const moved = await move(bookingIdOf(free), await at('10:00'), customer);
    expect(moved.errors).toBeUndefined();
    expect((moved.data!.rescheduleBooking as { start: string }).start).toBe(await at('10:00'));
    expect((await cancel(bookingIdOf(free), customer)).errors).toBeUndefined();
  });

  it('a customer limit hides the rest of the day from that customer only', async () => {
    const limit = await createLimit({ name: 'Rules one per day each', kind: 'customer_bookings', period: 'day', maxBookings: 1, serviceId: SVC_FREE });
    expect((await customerBooks(SVC_FREE, await at('13:00'))).errors).toBeUndefined();
    expect(await offered(SVC_FREE, customer)).toEqual([]);
    expect((await offered(SVC_FREE, staff)).length).toBeGreaterThan(0);
    expect((await offered(SVC_FREE, customer, nextWednesday)).length).toBeGreaterThan(0);
    // A hold taken by the staff-visible search still cannot be confirmed for this customer.
    const r = await create(SVC_FREE, await at('15:00'), undefined, { name: 'Rules Customer', email: 'rules-customer@northgate.test' });
    expect(codeOf(r)).toBe('LIMIT_REACHED');
    expect(r.errors?.[0]?.extensions?.ruleId).toBe(limit);
  });
});

// Search and confirmation read the same rule rows: on random rule sets and bookings, every start the
// search offers books, and every start it refuses fails with a code the explanation gives.
describe('parity between search and confirmation', () => {
  const sameRule: Record<string, string[]> = {
    GAP_RULE: ['GAP_RULE'],
    LIMIT_REACHED: ['LIMIT_REACHED'],
    LOCATION_CLOSED: ['LOCATION_CLOSED'],
    SLOT_TAKEN: ['BOOKED', 'BUFFER', 'OUTSIDE_WORKING_HOURS', 'OVERRIDE', 'RESOURCE_CONFLICT', 'NO_CANDIDATE'],
  };
  const seen = new Set<string>();
  it.each([1, 2, 3, 4])('seed %i', async (seed) => {
    await reset();
    const rnd = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
    for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) {
      const rule: Record<string, unknown> = { name: `Rules parity ${seed}.${i}`, firstServiceId: pick(PARITY_SERVICES), secondServiceId: pick(PARITY_SERVICES), bothDirections: rnd() < 0.5 };
      if (rnd() < 0.2) rule.sameDay = true;
      else rule.gapMinutes = pick([15, 30, 45, 60, 90]);
      const scope = pick(['resource', 'kind', 'all']);
      if (scope === 'resource') rule.resourceId = pick([DOC1, DOC2]);
      if (scope === 'kind') rule.resourceKind = 'practitioner';
      await createRule(rule);
    }
    if (rnd() < 0.6) await createLimit({ name: `Rules parity day ${seed}`, kind: 'resource_bookings', period: 'day', maxBookings: 2 + Math.floor(rnd() * 2), resourceId: pick([DOC1, DOC2]) });
    if (rnd() < 0.5) await createLimit({ name: `Rules parity concurrent ${seed}`, kind: 'concurrent_bookings', serviceId: pick(PARITY_SERVICES), maxBookings: 1 });
    for (let i = 0; i < 3 + Math.floor(rnd() * 4); i++) {
      const local = `${String(8 + Math.floor(rnd() * 13)).padStart(2, '0')}:${pick(['00', '15', '30', '45'])}`;
      await create(pick(PARITY_SERVICES), await at(local), [pick([DOC1, DOC2])]); // refusals are fine here
    }
    let confirmed = 0;
    let refused = 0;
    for (const serviceId of PARITY_SERVICES) {
      const starts = new Set(await offered(serviceId));
      for (let minutes = 7 * 60; minutes <= 22 * 60 + 30; minutes += 30) {
        const start = await at(`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
        if (starts.has(start)) {
          const r = await create(serviceId, start);
          expect(r.errors, `seed ${seed}: offered ${start} for ${serviceId} but ${JSON.stringify(r.errors)}`).toBeUndefined();
          const cancelled = await asStaff(`mutation($b: UUID!) { cancelBooking(input: { bookingId: $b }) { status } }`, { b: (r.data!.createBooking as { bookingId: string }).bookingId });
          expect(cancelled.errors).toBeUndefined();
          confirmed++;
        } else {
          const why = await explain(serviceId, start);
          expect(why.offered).toBe(false);
          const code = codeOf(await create(serviceId, start));
          expect(code, `seed ${seed}: ${start} for ${serviceId} was refused, then booked`).toBeDefined();
          const explained = sameRule[code!] ?? [];
          expect(explained.some((c) => why.codes.has(c)), `seed ${seed}: ${start} ${serviceId}: ${code} not among ${[...why.codes]}`).toBe(true);
          seen.add(code!);
          refused++;
        }
      }
    }
    expect(confirmed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('the seeds refused times for every kind of reason', () => {
    expect([...seen].sort()).toEqual(['GAP_RULE', 'LIMIT_REACHED', 'LOCATION_CLOSED', 'SLOT_TAKEN']);
  });
});

// The scheduling domain through GraphQL: login, tenant isolation of PII and bookings, the
// exclusion constraint, and the SQL time and availability functions as API fields.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const db = inject('db');
const MERIDIAN = '10000000-0000-4000-8000-000000000001';
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const CHICAGO = '11000000-0000-4000-8000-000000000002';
const NORTHGATE_HALL = '21000000-0000-4000-8000-000000000001';
const PASSWORD = 'correct horse battery';
const ids = {
  staffUser: 'd0000000-0000-4000-8000-000000000001',
  customerUser: 'd0000000-0000-4000-8000-000000000002',
  resource: 'd1000000-0000-4000-8000-000000000001',
  service: 'd2000000-0000-4000-8000-000000000001',
  customerA: 'd3000000-0000-4000-8000-000000000001',
  customerA2: 'd3000000-0000-4000-8000-000000000002',
  customerB: 'd3000000-0000-4000-8000-000000000003',
  bookingA: 'd4000000-0000-4000-8000-000000000001',
  bookingB: 'd4000000-0000-4000-8000-000000000002',
  serviceB: 'd2000000-0000-4000-8000-000000000002',
  resourceB: 'd1000000-0000-4000-8000-000000000002',
};
// A Monday far enough ahead to be bookable, inside the default 90-day advance window.
const monday = (() => {
  const d = new Date(Date.now() + 14 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
})();

let api: TestApi;
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });

beforeAll(async () => {
  api = await startTestApi(db);
  const statements: [string, unknown[]][] = [
    [`insert into app_public.app_user (id, email, name) values ($1, 'dana.staff@example.test', 'Dana Staff'), ($2, 'cory.customer@example.test', 'Cory Customer') on conflict do nothing`, [ids.staffUser, ids.customerUser]],
    [`select app_private.set_password($1, $3), app_private.set_password($2, $3)`, [ids.staffUser, ids.customerUser, PASSWORD]],
    [`insert into app_public.membership (tenant_id, user_id, role) values ($1, $2, 'staff')`, [MERIDIAN, ids.staffUser]],
    [`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, buffer_after_minutes) values
       ($1, $2, $3, 'practitioner', 'Dr. Test Domain', '{domain-test}', 5), ($4, $5, $6, 'room', 'Northgate Test Room', '{}', 0)`,
      [MERIDIAN, ids.resource, CHICAGO, NORTHGATE, ids.resourceB, NORTHGATE_HALL]],
    [`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
       select $1, $2, d, '09:00', '12:00' from generate_series(1, 5) d`, [MERIDIAN, ids.resource]],
    [`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, slot_step_minutes, max_advance_days) values
       ($1, $2, $3, 'Domain Test Consult', 60, 30, 120), ($4, $5, $6, 'Northgate Test Booking', 60, 30, 120)`,
      [MERIDIAN, ids.service, CHICAGO, NORTHGATE, ids.serviceB, NORTHGATE_HALL]],
    [`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags) values ($1, $2, 'Practitioner', 'practitioner', '{domain-test}')`, [MERIDIAN, ids.service]],
    [`insert into app_public.customer (tenant_id, id, name, email, user_id) values
       ($1, $2, 'Cory Customer', 'cory.customer@example.test', $3), ($1, $4, 'Other Customer', 'other@example.test', null), ($5, $6, 'Northgate Student', 'student@example.test', null)`,
      [MERIDIAN, ids.customerA, ids.customerUser, ids.customerA2, NORTHGATE, ids.customerB]],
    [`insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) values ($1, $2, $3, $4, $5)`,
      [MERIDIAN, ids.bookingA, ids.service, ids.customerA, `${monday}T15:00:00Z`]],
    [`insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ($1, $2, $3)`, [MERIDIAN, ids.bookingA, ids.resource]],
    [`insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) values ($1, $2, $3, $4, $5)`,
      [NORTHGATE, ids.bookingB, ids.serviceB, ids.customerB, `${monday}T15:00:00Z`]],
  ];
  for (const [text, values] of statements) await owner.query(text, values);
});

afterAll(async () => {
  await api?.close();
  await owner.end();
});

/** The first start the engine offers for the test service on the test Monday. */
async function firstFreeStart(): Promise<string> {
  const result = await api.gql<{ availableSlots: { nodes: { start: string }[] } }>(
    `query($s: UUID!, $f: Datetime!, $t: Datetime!) { availableSlots(serviceId: $s, from: $f, to: $t, first: 1) { nodes { start } } }`,
    { tenant: 'meridian', variables: { s: ids.service, f: `${monday}T00:00:00Z`, t: `${monday}T23:59:00Z` } },
  );
  return result.data!.availableSlots.nodes[0]!.start;
}

const login = (email: string, password = PASSWORD, tenant = 'meridian') =>
  api.gql<{ login: { token: string; role: string; tenantId: string } }>(
    `mutation($input: LoginInput!) { login(input: $input) { token role tenantId userId expiresAt } }`,
    { variables: { input: { tenant, email, password } } },
  );

describe('login', () => {
  it('returns a JWT for a staff member that the API accepts', async () => {
    const result = await login('dana.staff@example.test');
    expect(result.errors).toBeUndefined();
    expect(result.data!.login).toMatchObject({ role: 'app_staff', tenantId: MERIDIAN });
    const me = await api.gql<{ customers: { totalCount: number } }>(`{ customers { totalCount } }`, { token: result.data!.login.token });
    expect(me.data!.customers.totalCount).toBeGreaterThanOrEqual(2);
  });

  it('gives a customer login the customer role, seeing only themselves', async () => {
    const result = await login('cory.customer@example.test');
    expect(result.data!.login.role).toBe('app_customer');
    const me = await api.gql<{ customers: { nodes: { name: string }[] }; bookings: { nodes: { rowId: string }[] } }>(
      `{ customers { nodes { name } } bookings { nodes { rowId } } }`,
      { token: result.data!.login.token },
    );
    expect(me.data!.customers.nodes).toEqual([{ name: 'Cory Customer' }]);
    expect(me.data!.bookings.nodes).toEqual([{ rowId: ids.bookingA }]);
  });

  it('answers CREDS alike for a wrong password, an unknown email and a tenant without a role', async () => {
    for (const attempt of [login('dana.staff@example.test', 'wrong password!'), login('nobody@example.test'), login('dana.staff@example.test', PASSWORD, 'northgate'), login('dana.staff@example.test', PASSWORD, 'no-such-tenant')]) {
      const result = await attempt;
      expect(result.errors?.[0]?.extensions?.code).toBe('CREDS');
      expect(result.errors?.[0]?.message).toBe('Wrong tenant, email or password');
    }
  });
});

describe('tenant isolation through GraphQL', () => {
  it('a staff token of tenant A cannot read tenant B\'s customer or booking by id', async () => {
    const token = await api.token('app_staff', MERIDIAN);
    const result = await api.gql(`query($c: UUID!, $b: UUID!) { customer(rowId: $c) { name } booking(rowId: $b) { rowId } }`, { token, variables: { c: ids.customerB, b: ids.bookingB } });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ customer: null, booking: null });
  });

  it('a staff token of tenant A cannot cancel tenant B\'s booking', async () => {
    const token = await api.token('app_admin', MERIDIAN);
    const result = await api.gql(`mutation($b: UUID!) { cancelBooking(input: { bookingId: $b, reason: "hijack" }) { status } }`, { token, variables: { b: ids.bookingB } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BOOKING_NOT_FOUND');
    const { rows } = await owner.query('select status, notes from app_public.booking where id = $1', [ids.bookingB]);
    expect(rows[0]).toEqual({ status: 'confirmed', notes: null });
  });

  it('a staff token of tenant A cannot reference tenant B\'s customer in a booking', async () => {
    const token = (await login('dana.staff@example.test')).data!.login.token;
    const start = await firstFreeStart();
    const result = await api.gql(
      `mutation($s: UUID!, $c: UUID!, $t: Datetime!) { createBooking(input: { serviceId: $s, start: $t, customer: { id: $c } }) { bookingId } }`,
      { token, variables: { s: ids.service, c: ids.customerB, t: start } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('REFERENCE_NOT_FOUND');
  });

  it('anonymous visitors get PERMISSION_DENIED for customers, bookings and overrides', async () => {
    for (const field of ['customers { totalCount }', 'bookings { totalCount }', 'availabilityOverrides { totalCount }', 'bookingAllocations { totalCount }']) {
      const result = await api.gql(`{ ${field} }`, { tenant: 'meridian' });
      expect(result.errors?.[0]?.extensions?.code, field).toBe('PERMISSION_DENIED');
    }
  });

  it('anonymous visitors read working hours and requirements of the tenant they address only', async () => {
    const meridian = await api.gql<{ availabilityTemplates: { nodes: { resource: { name: string } }[] } }>(
      `{ availabilityTemplates { nodes { resource { name } } } }`, { tenant: 'meridian' });
    expect(meridian.data!.availabilityTemplates.nodes.some((t) => t.resource.name === 'Dr. Test Domain')).toBe(true);
    const northgate = await api.gql<{ availabilityTemplates: { nodes: { resource: { name: string } }[] } }>(
      `{ availabilityTemplates { nodes { resource { name } } } }`, { tenant: 'northgate' });
    expect(northgate.data!.availabilityTemplates.nodes.some((t) => t.resource.name === 'Dr. Test Domain')).toBe(false);
  });
});

describe('no double booking', () => {
  it('booking a taken time fails with SLOT_TAKEN and offers alternatives', async () => {
    const token = (await login('dana.staff@example.test')).data!.login.token;
    const start = await firstFreeStart();
    const create = (key: string) => api.gql<{ createBooking: { bookingId: string } }>(
      `mutation($s: UUID!, $c: UUID!, $t: Datetime!, $k: String) { createBooking(input: { serviceId: $s, start: $t, customer: { id: $c }, idempotencyKey: $k }) { bookingId replayed } }`,
      { token, variables: { s: ids.service, c: ids.customerA2, t: start, k: key } },
    );
    const first = await create('domain-first');
    expect(first.errors).toBeUndefined();
    const clash = await create('domain-second');
    expect(clash.errors?.[0]?.extensions?.code).toBe('SLOT_TAKEN');
    const alternatives = clash.errors?.[0]?.extensions?.alternatives as { start: string }[];
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.every((a) => a.start !== start)).toBe(true);
    // Leave the Monday as the other tests expect it.
    await api.gql(`mutation($b: UUID!) { cancelBooking(input: { bookingId: $b }) { status } }`, { token, variables: { b: first.data!.createBooking.bookingId } });
  });
});

describe('time and availability functions', () => {
  it('toUtc applies the RFC 5545 rules and localTime names the abbreviation', async () => {
    const result = await api.gql<{ gap: string; repeat: string; dublin: { local: string; utcOffset: string; abbreviation: string } }>(
      `{ gap: toUtc(local: "2026-03-08T02:30:00", timeZone: "America/New_York")
         repeat: toUtc(local: "2026-11-01T01:30:00", timeZone: "America/New_York")
         dublin: localTime(instant: "2026-07-15T12:00:00Z", timeZone: "Europe/Dublin") { local utcOffset abbreviation } }`,
      { tenant: 'meridian' },
    );
    expect(result.errors).toBeUndefined();
    expect(new Date(result.data!.gap).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(new Date(result.data!.repeat).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(result.data!.dublin).toMatchObject({ utcOffset: '+01:00', abbreviation: 'IST' });
    expect(result.data!.dublin.local).toMatch(/^2026-07-15T13:00:00/);
  });

  it('toUtc rejects an unknown zone with TZINV', async () => {
    const result = await api.gql(`{ toUtc(local: "2026-03-08T02:30:00", timeZone: "Mars/Base") }`, { tenant: 'meridian' });
    expect(result.errors?.[0]?.extensions?.code).toBe('TZINV');
  });

  it('resourceFreeIntervals and singleResourceSlots see the booking and the buffer', async () => {
    const during = { start: { value: `${monday}T00:00:00Z`, inclusive: true }, end: { value: `${monday}T23:59:00Z`, inclusive: false } };
    const free = await api.gql<{ resourceFreeIntervals: { nodes: { start: { value: string }; end: { value: string } }[] } }>(
      `query($r: UUID!, $d: DatetimeRangeInput!) { resourceFreeIntervals(resourceId: $r, during: $d) { nodes { start { value } end { value } } } }`,
      { tenant: 'meridian', variables: { r: ids.resource, d: during } },
    );
    expect(free.errors).toBeUndefined();
    // Chicago 09:00-12:00 local minus the booking 15:00Z-16:00Z (+5 min turnover).
    const hhmm = (iso: string) => new Date(iso).toISOString().slice(11, 16);
    const spans = free.data!.resourceFreeIntervals.nodes.map((n) => [hhmm(n.start.value), hhmm(n.end.value)]);
    const hours = await api.gql<{ nine: string; noon: string }>(
      `{ nine: toUtc(local: "${monday}T09:00:00", timeZone: "America/Chicago") noon: toUtc(local: "${monday}T12:00:00", timeZone: "America/Chicago") }`, { tenant: 'meridian' });
    const [nine, noon] = [hhmm(hours.data!.nine), hhmm(hours.data!.noon)];
    // The booking is 15:00Z-16:00Z, which is 09:00 CST or 10:00 CDT.
    expect(spans).toEqual(nine === '15:00' ? [['16:05', noon]] : [[nine, '15:00'], ['16:05', noon]]);

    const slots = await api.gql<{ singleResourceSlots: { nodes: { startAt: string; resourceId: string }[] } }>(
      `query($s: UUID!, $d: DatetimeRangeInput!) { singleResourceSlots(serviceId: $s, during: $d) { nodes { startAt resourceId } } }`,
      { tenant: 'meridian', variables: { s: ids.service, d: during } },
    );
    expect(slots.errors).toBeUndefined();
    const starts = slots.data!.singleResourceSlots.nodes.map((n) => new Date(n.startAt).getTime());
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) {
      // Every offered hour lies inside a free span (service buffer 0, resource turnover 5 min).
      expect(free.data!.resourceFreeIntervals.nodes.some((n) => new Date(n.start.value).getTime() <= start && start + 65 * 60_000 <= new Date(n.end.value).getTime())).toBe(true);
    }
    expect(slots.data!.singleResourceSlots.nodes.every((n) => n.resourceId === ids.resource)).toBe(true);
  });

  it('rejects a window over the tenant maximum (WINLG) and a multi-resource service (SVCMR)', async () => {
    const long = { start: { value: '2026-01-01T00:00:00Z', inclusive: true }, end: { value: '2026-06-01T00:00:00Z', inclusive: false } };
    const tooLong = await api.gql(`query($r: UUID!, $d: DatetimeRangeInput!) { resourceFreeIntervals(resourceId: $r, during: $d) { nodes { start { value } } } }`, { tenant: 'meridian', variables: { r: ids.resource, d: long } });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('WINLG');
    const noRequirement = await api.gql(
      `query($s: UUID!, $d: DatetimeRangeInput!) { singleResourceSlots(serviceId: $s, during: $d) { nodes { startAt } } }`,
      { tenant: 'northgate', variables: { s: ids.serviceB, d: { start: { value: `${monday}T00:00:00Z`, inclusive: true }, end: { value: `${monday}T23:00:00Z`, inclusive: false } } } },
    );
    expect(noRequirement.errors?.[0]?.extensions?.code).toBe('SVCMR');
  });

  it('rejects a reversed window with INVALID_RANGE', async () => {
    const reversed = { start: { value: '2026-06-02T00:00:00Z', inclusive: true }, end: { value: '2026-06-01T00:00:00Z', inclusive: false } };
    const result = await api.gql(`query($r: UUID!, $d: DatetimeRangeInput!) { resourceFreeIntervals(resourceId: $r, during: $d) { nodes { start { value } } } }`, { tenant: 'meridian', variables: { r: ids.resource, d: reversed } });
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_RANGE');
  });
});

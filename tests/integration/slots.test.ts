// availableSlots and explainAvailability through GraphQL on a fixture we control: parity with the SQL
// single-resource search, multi-resource assignment with distinct resources, display zones,
// pagination, reasons, and registered errors.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const db = inject('db');
const NORTHGATE = '20000000-0000-4000-8000-000000000002';
const HALL = '21000000-0000-4000-8000-000000000001'; // America/New_York
const id = (n: number) => `e5000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const R = { doc1: id(1), doc2: id(2), room: id(3), device: id(4), flex: id(5) };
const S = { single: id(11), trio: id(12), shared: id(13), empty: id(14) };
const CUSTOMER = id(21);

// A Wednesday 3-5 weeks ahead (inside the default 90-day advance window), in New York local time.
const wednesday = (() => {
  const d = new Date(Date.now() + 21 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
})();

let api: TestApi;
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
let utc: (local: string) => Promise<string>;

const SLOTS = `query($s: UUID!, $from: Datetime!, $to: Datetime!, $tz: String, $first: Int, $after: String, $pref: [UUID!]) {
  availableSlots(serviceId: $s, from: $from, to: $to, timeZone: $tz, first: $first, after: $after, preferredResourceIds: $pref) {
    totalCount timeZone pageInfo { hasNextPage endCursor }
    nodes { cursor start end startLocal endLocal timeZone abbreviation score assignments { requirementName resources { id name } } } } }`;
interface SlotsData {
  availableSlots: {
    totalCount: number;
    timeZone: string;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { cursor: string; start: string; end: string; startLocal: string; abbreviation: string; score: number; assignments: { requirementName: string; resources: { id: string }[] }[] }[];
  };
}

beforeAll(async () => {
  api = await startTestApi(db);
  utc = async (local) => (await owner.query<{ t: Date }>(`select app_public.to_utc($1, 'America/New_York') as t`, [local])).rows[0]!.t.toISOString();
  const run = (text: string, values: unknown[] = []) => owner.query(text, values);
  await run(`insert into app_public.resource (tenant_id, id, location_id, kind, name, tags, buffer_after_minutes) values
    ($1, $2, $7, 'practitioner', 'Slot Doc One', '{slots}', 0), ($1, $3, $7, 'practitioner', 'Slot Doc Two', '{slots}', 0),
    ($1, $4, $7, 'room', 'Slot Room', '{slots}', 15), ($1, $5, $7, 'equipment', 'Slot Device', '{slots}', 0),
    ($1, $6, $7, 'practitioner', 'Slot Flex', '{slots,flex}', 0)`, [NORTHGATE, R.doc1, R.doc2, R.room, R.device, R.flex, HALL]);
  await run(`insert into app_public.availability_template (tenant_id, resource_id, weekday, start_time, end_time)
    select $1, r, 3, '09:00', '12:00' from unnest($2::uuid[]) r`, [NORTHGATE, Object.values(R)]);
  await run(`insert into app_public.service (tenant_id, id, location_id, name, duration_minutes, buffer_before_minutes, slot_step_minutes, max_advance_days) values
    ($1, $2, $6, 'Slot Single', 60, 0, 30, 120), ($1, $3, $6, 'Slot Trio', 60, 0, 30, 120),
    ($1, $4, $6, 'Slot Shared Pool', 60, 0, 60, 120), ($1, $5, $6, 'Slot Nobody', 30, 0, 30, 120)`, [NORTHGATE, S.single, S.trio, S.shared, S.empty, HALL]);
  await run(`insert into app_public.service_requirement (tenant_id, service_id, name, resource_kind, required_tags, quantity) values
    ($1, $2, 'Practitioner', 'practitioner', '{slots}', 1),
    ($1, $3, 'Practitioner', 'practitioner', '{slots}', 1), ($1, $3, 'Room', 'room', '{slots}', 1), ($1, $3, 'Device', 'equipment', '{slots}', 1),
    ($1, $4, 'Lead', 'practitioner', '{slots,flex}', 1), ($1, $4, 'Assistants', 'practitioner', '{slots}', 2),
    ($1, $5, 'Unicorn', 'practitioner', '{no-such-skill}', 1)`, [NORTHGATE, S.single, S.trio, S.shared, S.empty]);
  await run(`insert into app_public.requirement_preference (tenant_id, requirement_id, resource_id, weight)
    select $1, q.id, $2, 50 from app_public.service_requirement q where q.service_id in ($3, $4) and q.name = 'Practitioner'`, [NORTHGATE, R.doc2, S.single, S.trio]);
  // The room is booked 10:30-11:30 local (busy to 11:45 with its turnover); Doc One is on holiday all day.
  await run(`insert into app_public.customer (tenant_id, id, name) values ($1, $2, 'Slot Customer')`, [NORTHGATE, CUSTOMER]);
  await run(`insert into app_public.booking (tenant_id, id, service_id, customer_id, starts_at) values ($1, $2, $3, $4, app_public.to_utc($5::timestamp, 'America/New_York'))`,
    [NORTHGATE, id(31), S.trio, CUSTOMER, `${wednesday} 10:30`]);
  await run(`insert into app_public.booking_allocation (tenant_id, booking_id, resource_id) values ($1, $2, $3)`, [NORTHGATE, id(31), R.room]);
  await run(`insert into app_public.availability_override (tenant_id, resource_id, kind, reason, starts_local, ends_local) values ($1, $2, 'closed', 'Holiday', $3, $4)`,
    [NORTHGATE, R.doc1, `${wednesday} 00:00`, `${wednesday} 23:59`]);
});

afterAll(async () => {
  await api?.close();
  await owner.end();
});

const day = () => ({ from: `${wednesday}T00:00:00Z`, to: new Date(Date.parse(`${wednesday}T00:00:00Z`) + 2 * 86_400_000).toISOString() });
const slots = (s: string, extra: Record<string, unknown> = {}) => api.gql<SlotsData>(SLOTS, { tenant: 'northgate', variables: { s, ...day(), first: 100, ...extra } });

describe('availableSlots', () => {
  it('offers the same starts and resources as the SQL single-resource search', async () => {
    const engine = await slots(S.single);
    expect(engine.errors).toBeUndefined();
    const sql = await api.gql<{ singleResourceSlots: { nodes: { startAt: string; resourceId: string }[] } }>(
      `query($s: UUID!, $d: DatetimeRangeInput!) { singleResourceSlots(serviceId: $s, during: $d) { nodes { startAt resourceId } } }`,
      { tenant: 'northgate', variables: { s: S.single, d: { start: { value: day().from, inclusive: true }, end: { value: day().to, inclusive: false } } } },
    );
    const fromSql = sql.data!.singleResourceSlots.nodes.map((n) => [new Date(n.startAt).toISOString(), n.resourceId]);
    const fromEngine = engine.data!.availableSlots.nodes.map((n) => [n.start, n.assignments[0]!.resources[0]!.id]);
    expect(fromEngine.length).toBeGreaterThan(0);
    expect(fromEngine).toEqual(fromSql);
  });

  it('assigns a practitioner, a room and a device, skipping the booked room and the doctor on holiday', async () => {
    const result = await slots(S.trio);
    const nodes = result.data!.availableSlots.nodes;
    // The room is busy 10:30-11:45 and needs 15 min turnover after any slot: 09:00 (busy to 10:15) fits;
    // 09:30 (to 10:45) clashes; after 11:45 a 60-min slot runs past noon.
    expect(nodes.map((n) => n.startLocal)).toEqual([`${wednesday}T09:00:00`]);
    expect(nodes[0]!.abbreviation).toMatch(/^E[SD]T$/);
    const byRequirement = Object.fromEntries(nodes[0]!.assignments.map((a) => [a.requirementName, a.resources.map((r) => r.id)]));
    // Doc Two is preferred (weight 50) and Doc One is on holiday.
    expect(byRequirement).toEqual({ Practitioner: [R.doc2], Room: [R.room], Device: [R.device] });
    expect(nodes[0]!.start).toBe(await utc(`${wednesday} 09:00`));
  });

  it('gives every requirement distinct resources when pools overlap', async () => {
    const result = await slots(S.shared);
    // Lead must be Slot Flex (the only flex one); the two assistants must then be Doc Two and... only
    // Doc Two is left (Doc One is on holiday), so nothing is offered.
    expect(result.data!.availableSlots.nodes).toEqual([]);
    await owner.query(`delete from app_public.availability_override where resource_id = $1`, [R.doc1]);
    try {
      const freed = await slots(S.shared);
      const first = freed.data!.availableSlots.nodes[0]!;
      const all = first.assignments.flatMap((a) => a.resources.map((r) => r.id));
      expect(new Set(all).size).toBe(3);
      expect(first.assignments.find((a) => a.requirementName === 'Lead')!.resources.map((r) => r.id)).toEqual([R.flex]);
    } finally {
      await owner.query(`insert into app_public.availability_override (tenant_id, resource_id, kind, reason, starts_local, ends_local) values ($1, $2, 'closed', 'Holiday', $3, $4)`,
        [NORTHGATE, R.doc1, `${wednesday} 00:00`, `${wednesday} 23:59`]);
    }
  });

  it('shows times in the requested zone with its tzdata abbreviation', async () => {
    const result = await slots(S.single, { tz: 'Asia/Kathmandu' });
    const first = result.data!.availableSlots.nodes[0]!;
    expect(result.data!.availableSlots.timeZone).toBe('Asia/Kathmandu');
    expect(first.abbreviation).toBe('+0545');
    expect(first.startLocal).toMatch(/:(45|15):00$/); // New York :00/:30 starts are :45/:15 in Kathmandu
  });

  it('paginates with cursors without repeating or skipping', async () => {
    const all = (await slots(S.single)).data!.availableSlots;
    const page1 = (await slots(S.single, { first: 2 })).data!.availableSlots;
    expect(page1.pageInfo.hasNextPage).toBe(all.nodes.length > 2);
    const page2 = (await slots(S.single, { first: 100, after: page1.pageInfo.endCursor })).data!.availableSlots;
    expect([...page1.nodes, ...page2.nodes].map((n) => n.start)).toEqual(all.nodes.map((n) => n.start));
    expect(page1.totalCount).toBe(all.nodes.length);
  });

  it('scores a preferred resource above the preference weights', async () => {
    const result = await slots(S.single, { pref: [R.flex] });
    expect(result.data!.availableSlots.nodes[0]!.assignments[0]!.resources[0]!.id).toBe(R.flex);
    expect(result.data!.availableSlots.nodes[0]!.score).toBeGreaterThanOrEqual(1000);
  });

  it('answers bad input with registered codes', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ s: id(99) }, 'SVCUK'],
      [{ s: S.empty }, 'NOCND'],
      [{ s: S.single, from: day().to, to: day().from }, 'INVALID_RANGE'],
      [{ s: S.single, from: '2027-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' }, 'WINLG'],
      [{ s: S.single, tz: 'Mars/Olympus_Mons' }, 'TZINV'],
    ];
    for (const [variables, code] of cases) {
      const result = await api.gql(SLOTS, { tenant: 'northgate', variables: { ...day(), ...variables } });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe(code);
    }
  });

  it('does not offer another tenant\'s service', async () => {
    const result = await api.gql(SLOTS, { tenant: 'meridian', variables: { s: S.single, ...day() } });
    expect(result.errors?.[0]?.extensions?.code).toBe('SVCUK');
  });
});

describe('explainAvailability', () => {
  const EXPLAIN = `query($s: UUID!, $t: Datetime!) { explainAvailability(serviceId: $s, start: $t) {
    offered startLocal abbreviation reasons { code message }
    requirements { name satisfied candidates { resourceId name available reasons { code message from to } } } } }`;
  interface ExplainData {
    explainAvailability: {
      offered: boolean;
      reasons: { code: string; message: string }[];
      requirements: { name: string; satisfied: boolean; candidates: { resourceId: string; available: boolean; reasons: { code: string; message: string }[] }[] }[];
    };
  }
  const explain = async (local: string, s = S.trio) =>
    (await api.gql<ExplainData>(EXPLAIN, { tenant: 'northgate', variables: { s, t: await utc(local) } })).data!.explainAvailability;

  it('says an offered time is offered', async () => {
    expect((await explain(`${wednesday} 09:00`)).offered).toBe(true);
  });

  it('names the booking, the buffer and the holiday for 10:00', async () => {
    const result = await explain(`${wednesday} 10:00`);
    expect(result.offered).toBe(false);
    expect(result.reasons.map((r) => r.code)).toEqual(['NO_CANDIDATE']);
    const candidates = Object.fromEntries(result.requirements.flatMap((r) => r.candidates.map((c) => [c.resourceId, c])));
    expect(candidates[R.room]!.reasons.map((r) => r.code)).toEqual(['BOOKED']);
    expect(candidates[R.doc1]!.reasons.map((r) => r.code)).toEqual(['OVERRIDE']);
    expect(candidates[R.doc1]!.reasons[0]!.message).toMatch(/^Holiday \(/);
    expect(candidates[R.doc2]!.available).toBe(true);
  });

  it('tells a turnover clash from a booking: at 09:30 only the room\'s turnover overlaps the 10:30 booking', async () => {
    const result = await explain(`${wednesday} 09:30`);
    const room = result.requirements.find((r) => r.name === 'Room')!.candidates[0]!;
    expect(room.reasons.map((r) => r.code)).toEqual(['BUFFER']);
    expect(room.reasons[0]!.message).toMatch(/turnover time overlaps a booking/);
    const late = await explain(`${wednesday} 11:30`);
    const lateRoom = late.requirements.find((r) => r.name === 'Room')!.candidates[0]!;
    expect(lateRoom.reasons.map((r) => r.code)).toEqual(['OUTSIDE_WORKING_HOURS', 'BOOKED']);
  });

  it('explains times outside working hours, off the grid and outside the notice window', async () => {
    const evening = await explain(`${wednesday} 18:00`);
    expect(evening.requirements.every((r) => r.candidates.every((c) => c.reasons.some((x) => x.code === 'OUTSIDE_WORKING_HOURS')))).toBe(true);
    expect((await explain(`${wednesday} 09:10`)).reasons.map((r) => r.code)).toEqual(['NOT_A_START_TIME']);
    const past = await api.gql<ExplainData>(EXPLAIN, { tenant: 'northgate', variables: { s: S.trio, t: '2020-01-01T14:00:00Z' } });
    expect(past.data!.explainAvailability.reasons.map((r) => r.code)).toContain('NOTICE_WINDOW');
  });
});

// Node's ICU tzdata and PostgreSQL's must agree; the server compares them at start-up.
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { compareTzdata, disagreements, nodeWallClock, TZ_SAMPLE_ZONES } from '../../server/src/tzdata.ts';

const pool = new pg.Pool({ connectionString: inject('db').authUrl, max: 1 });
afterAll(() => pool.end());

describe('tzdata comparison', () => {
  it('reads Node wall-clock times the tzdata way', () => {
    expect(nodeWallClock('America/Phoenix', new Date('2026-07-01T19:00:00Z'))).toBe('2026-07-01T12:00'); // MST, no DST
    expect(nodeWallClock('Asia/Kathmandu', new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T05:45');
    expect(nodeWallClock('Australia/Lord_Howe', new Date('2026-01-15T12:00:00Z'))).toBe('2026-01-15T23:00'); // +11 in summer
  });

  it('finds Node and this PostgreSQL in agreement on 36 months of samples', async () => {
    const result = await compareTzdata(pool, Temporal.Instant.from('2026-01-01T00:00:00Z'));
    expect(result.samples).toBe(TZ_SAMPLE_ZONES.length * 36);
    expect(result.mismatches).toEqual([]);
  });

  it('reports a sample whose PostgreSQL time differs', () => {
    const instant = new Date('2027-06-15T12:00:00Z');
    const rows = [
      { zone: 'Europe/London', instant, local: nodeWallClock('Europe/London', instant) },
      // As if PostgreSQL's tzdata had Berlin on UTC all year (it is on CEST, 14:00).
      { zone: 'Europe/Berlin', instant, local: '2027-06-15T12:00' },
    ];
    expect(disagreements(rows)).toEqual([{ zone: 'Europe/Berlin', instant: '2027-06-15T12:00:00.000Z', node: '2027-06-15T14:00', postgres: '2027-06-15T12:00' }]);
  });
});

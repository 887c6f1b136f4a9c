// db/ERRORS.md is the single registry: every code SQL raises is listed, and every listed custom
// code is raised somewhere.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { GraphQLError } from 'postgraphile/graphql';
import { describe, expect, it } from 'vitest';
import { loadRegisteredCodes, makeMaskError } from '../../server/src/errors.ts';
import { createLogger } from '../../server/src/logger.ts';

const migrations = path.resolve('db/migrations/committed');

async function raisedCodes(): Promise<Set<string>> {
  const codes = new Set<string>();
  for (const file of await readdir(migrations)) {
    const sql = await readFile(path.join(migrations, file), 'utf8');
    for (const match of sql.matchAll(/errcode\s*=\s*'([0-9A-Z]{5})'/g)) codes.add(match[1]!);
  }
  return codes;
}

describe('db/ERRORS.md', () => {
  const registered = loadRegisteredCodes();

  it('parses the custom and the mapped standard codes', () => {
    expect(registered.get('TZINV')).toBe('TZINV');
    expect(registered.get('23P01')).toBe('CONFLICT');
    expect(registered.get('42501')).toBe('PERMISSION_DENIED');
  });

  it('registers every code the migrations raise', async () => {
    const unregistered = [...(await raisedCodes())].filter((code) => !registered.has(code));
    expect(unregistered).toEqual([]);
  });

  it('lists no custom code that nothing raises', async () => {
    const raised = await raisedCodes();
    const custom = [...registered.keys()].filter((code) => /^[A-Z]/.test(code) && !/^(HV|P0|XX)/.test(code));
    expect(custom.filter((code) => !raised.has(code))).toEqual([]);
  });
});

describe('maskError', () => {
  const mask = makeMaskError(createLogger('test', 'silent'), new Map([['TZINV', 'TZINV'], ['23505', 'DUPLICATE']]));
  const wrap = (originalError: Error) => new GraphQLError('raw', { originalError, path: ['x'] });

  it('passes registered SQLSTATEs with a stable code', () => {
    const dbError = Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505', constraint: 'x' });
    const masked = mask(wrap(dbError));
    expect(masked.extensions).toMatchObject({ code: 'DUPLICATE', sqlstate: '23505', constraint: 'x' });
    expect(masked.path).toEqual(['x']);
  });

  it('masks anything else and keeps the path', () => {
    const masked = mask(wrap(Object.assign(new Error('relation "secret_table" does not exist'), { code: '42P01' })));
    expect(masked.extensions.code).toBe('INTERNAL');
    expect(masked.message).not.toContain('secret_table');
    expect(masked.path).toEqual(['x']);
  });

  it('masks plain exceptions without a code', () => {
    expect(mask(wrap(new TypeError('cannot read properties of undefined'))).extensions.code).toBe('INTERNAL');
  });
});

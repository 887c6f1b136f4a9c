// Bad configuration gets one clear line on stderr and exit code 78, not a stack trace.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const db = inject('db');

interface Outcome {
  code: number | null;
  stderr: string;
}

function runEntry(script: string, env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const clean = { ...process.env };
    for (const key of ['DATABASE_URL', 'AUTH_DATABASE_URL', 'ROOT_DATABASE_URL', 'REDIS_URL', 'API_PORT', 'PORT']) delete clean[key];
    execFile(process.execPath, ['--import', 'tsx', script], { env: { ...clean, LOG_LEVEL: 'silent', ...env }, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr: stderr.trim() });
    });
  });
}

function expectOneLine(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).toBe(78);
  expect(outcome.stderr.split('\n')).toHaveLength(1);
  expect(outcome.stderr).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
}

let blocker: net.Server;
let busyPort: number;
beforeAll(async () => {
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  busyPort = (blocker.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

describe('the API server refuses bad configuration in one line', () => {
  it('unreachable database', async () => {
    const outcome = await runEntry('server/src/main.ts', { DATABASE_URL: 'postgres://app_owner:x@127.0.0.1:1/slotwise', API_PORT: '0' });
    expectOneLine(outcome, /^server: DATABASE_URL: cannot reach PostgreSQL at 127\.0\.0\.1:1\/slotwise/);
  });

  it('a DATABASE_URL role that bypasses RLS (superuser)', async () => {
    const outcome = await runEntry('server/src/main.ts', { DATABASE_URL: db.rootUrl, API_PORT: '0' });
    expectOneLine(outcome, /bypasses row level security \(superuser\)/);
  });

  it('an AUTH_DATABASE_URL role with BYPASSRLS (the owner)', async () => {
    const outcome = await runEntry('server/src/main.ts', { DATABASE_URL: db.ownerUrl, AUTH_DATABASE_URL: db.ownerUrl, API_PORT: '0' });
    expectOneLine(outcome, /"app_owner", a role that bypasses row level security \(BYPASSRLS\)/);
  });

  it('API port already in use', async () => {
    const outcome = await runEntry('server/src/main.ts', { DATABASE_URL: db.authUrl, API_PORT: String(busyPort) });
    expectOneLine(outcome, new RegExp(`port ${busyPort} on 127\\.0\\.0\\.1 is already in use; stop the other process or set API_PORT`));
  });

  it('an invalid port number', async () => {
    const outcome = await runEntry('server/src/main.ts', { DATABASE_URL: db.authUrl, API_PORT: 'eighty' });
    expectOneLine(outcome, /API_PORT=eighty is not a valid TCP port/);
  });
});

describe('npm start and the worker refuse bad configuration in one line', () => {
  it('web port already in use', async () => {
    const outcome = await runEntry('scripts/start.ts', { PORT: String(busyPort), API_PORT: '0' });
    expectOneLine(outcome, new RegExp(`^start: port ${busyPort} .* already in use; stop the other process or set PORT`));
  });

  it('unreachable DATABASE_URL', async () => {
    const outcome = await runEntry('scripts/start.ts', { DATABASE_URL: 'postgres://app_owner:x@127.0.0.1:1/slotwise', PORT: '0', API_PORT: '0' });
    expectOneLine(outcome, /^start: DATABASE_URL: cannot reach PostgreSQL/);
  });

  it('superuser DATABASE_URL without AUTH_DATABASE_URL', async () => {
    const outcome = await runEntry('scripts/start.ts', { DATABASE_URL: db.rootUrl, PORT: '0', API_PORT: '0' });
    expectOneLine(outcome, /^start: DATABASE_URL connects as ".+", a role that bypasses row level security/);
  });

  it('worker with an unreachable database', async () => {
    const outcome = await runEntry('worker/src/main.ts', { DATABASE_URL: 'postgres://app_owner:x@127.0.0.1:1/slotwise' });
    expectOneLine(outcome, /^worker: DATABASE_URL: cannot reach PostgreSQL/);
  });
});

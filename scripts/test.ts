// `npm test`: typecheck, lint, vitest (unit + integration against a real Postgres: TEST_DATABASE_URL
// or an embedded one) and the pgTAP files in db/tests. Ends with one line "npm test: N passed, M failed".
import '../server/src/polyfills.ts';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestServer } from '../tests/helpers/database.ts';
import { runPgTap } from './lib/pgtap.ts';
import { repoRoot } from './lib/artifacts.ts';

interface Step {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
}
const steps: Step[] = [];

function exec(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function step(name: string, fn: () => Promise<Omit<Step, 'name' | 'seconds'>>): Promise<void> {
  console.log(`\n── ${name} ──`);
  const began = performance.now();
  let result: Omit<Step, 'name' | 'seconds'>;
  try {
    result = await fn();
  } catch (error) {
    console.error(`${name} crashed: ${error instanceof Error ? error.stack : String(error)}`);
    result = { passed: 0, failed: 1, skipped: 0 };
  }
  steps.push({ name, ...result, seconds: (performance.now() - began) / 1000 });
}

const bin = (pkg: string, file: string) => path.join(repoRoot, 'node_modules', pkg, file);
const check = async (command: string, args: string[]) => ((await exec(command, args)) === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 });

await step('typecheck', async () => {
  const server = await check(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json']);
  const web = await check(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'web/tsconfig.json']);
  return { passed: server.passed + web.passed, failed: server.failed + web.failed, skipped: 0 };
});

await step('lint', () => check(process.execPath, [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.']));

await step('vitest', async () => {
  await mkdir(path.join(repoRoot, '.tmp'), { recursive: true });
  const report = path.join(repoRoot, '.tmp/vitest-report.json');
  const code = await exec(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const summary = JSON.parse(await readFile(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numTotalTests: number };
  // A crash outside any test (e.g. global setup) fails the step even when no test failed.
  const failed = summary.numFailedTests + (code !== 0 && summary.numFailedTests === 0 ? 1 : 0);
  return { passed: summary.numPassedTests, failed, skipped: summary.numPendingTests + summary.numTodoTests };
});

await step('pgTAP (db/tests)', async () => {
  const dir = path.join(repoRoot, 'db/tests');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort().map((f) => path.join(dir, f));
  if (files.length === 0) throw new Error('no pgTAP files in db/tests');
  const server = await startTestServer();
  const db = await server.createDatabase('slotwise_pgtap');
  try {
    const result = await runPgTap({ connectionString: db.rootUrl, files, log: (line) => console.log(line) });
    const assertions = result.files.reduce((sum, f) => ({ passed: sum.passed + f.passed, failed: sum.failed + f.failed }), { passed: 0, failed: 0 });
    // A file that errored or missed its plan fails even if no single assertion did.
    const brokenFiles = result.files.filter((f) => !f.ok && f.failed === 0).length;
    return { passed: assertions.passed, failed: assertions.failed + brokenFiles, skipped: 0 };
  } finally {
    await server.dropDatabase(db.name);
    await server.stop();
  }
});

console.log('\n── summary ──');
for (const s of steps) {
  console.log(`${s.failed ? 'FAIL' : 'ok  '}  ${s.name.padEnd(18)} ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}  (${s.seconds.toFixed(1)} s)`);
}
const total = steps.reduce((sum, s) => ({ passed: sum.passed + s.passed, failed: sum.failed + s.failed, skipped: sum.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`npm test: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed ? 1 : 0);

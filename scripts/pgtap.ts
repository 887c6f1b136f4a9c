// Runs pgTAP test files against DATABASE_URL (no pg_prove or system pgTAP needed).
//
//   DATABASE_URL=postgres://... tsx scripts/pgtap.ts [file.sql|dir ...]
//
// Directories are searched recursively for *.sql files (sorted by path); the default is db/tests.
// Prints a TAP stream (each file as an indented subtest) and ends with
// `pgtap: N passed, M failed`, counting files. Exits 1 when any file failed.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPgTap } from './lib/pgtap.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(message?: string): never {
  if (message) console.error(`pgtap: ${message}`);
  console.error('usage: DATABASE_URL=... tsx scripts/pgtap.ts [file.sql|dir ...]   (default: db/tests)');
  process.exit(2);
}

function sqlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sqlFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.sql')) found.push(full);
  }
  return found;
}

function collectFiles(args: string[]): string[] {
  const targets = args.length > 0 ? args : [path.relative(process.cwd(), path.join(repoRoot, 'db', 'tests')) || '.'];
  const files: string[] = [];
  for (const target of targets) {
    let stat;
    try {
      stat = statSync(target);
    } catch {
      usage(`no such file or directory: ${target}`);
    }
    if (stat.isDirectory()) files.push(...sqlFilesUnder(target).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    else files.push(target);
  }
  return [...new Set(files)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) usage();
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) usage(`unknown option ${unknown}`);
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) usage('DATABASE_URL is not set');

  const files = collectFiles(args);
  if (files.length === 0) console.error('pgtap: warning: no test files found');

  const result = await runPgTap({ connectionString, files, log: (line) => console.log(line) });
  const assertionsPassed = result.files.reduce((n, f) => n + f.passed, 0);
  const assertionsFailed = result.files.reduce((n, f) => n + f.failed, 0);
  for (const f of result.files.filter((f) => !f.ok)) console.log(`# failed: ${f.file}`);
  console.log(`# assertions: ${assertionsPassed} passed, ${assertionsFailed} failed`);
  console.log(`pgtap: ${result.passed} passed, ${result.failed} failed`);
  process.exitCode = result.failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(`pgtap: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

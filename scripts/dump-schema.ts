// Writes a deterministic SQL dump of the database schema (no pg_dump needed).
//
//   DATABASE_URL=postgres://... tsx scripts/dump-schema.ts [--out db/schema.sql]
//
// `--out -` prints to stdout. The default output path is db/schema.sql at the repository root.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dumpSchema } from './lib/dump-schema.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(message?: string): never {
  if (message) console.error(`dump-schema: ${message}`);
  console.error('usage: DATABASE_URL=... tsx scripts/dump-schema.ts [--out <file>|-]');
  process.exit(2);
}

function parseArgs(argv: string[]): { out: string } {
  let out = path.join(repoRoot, 'db', 'schema.sql');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out' || arg === '-o') {
      const value = argv[++i];
      if (value === undefined) usage('--out needs a value');
      out = value;
    } else if (arg.startsWith('--out=')) {
      out = arg.slice('--out='.length);
    } else if (arg === '--help' || arg === '-h') {
      usage();
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  return { out };
}

async function main(): Promise<void> {
  const { out } = parseArgs(process.argv.slice(2));
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) usage('DATABASE_URL is not set');

  const sql = await dumpSchema(connectionString);
  if (out === '-') {
    process.stdout.write(sql);
    return;
  }
  const file = path.resolve(out);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, sql, 'utf8');
  console.error(`dump-schema: wrote ${path.relative(process.cwd(), file) || file}`);
}

main().catch((err: unknown) => {
  console.error(`dump-schema: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

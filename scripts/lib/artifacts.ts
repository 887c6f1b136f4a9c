// The generated files reviewers see change, built from a database migrated from the committed
// migrations: the SQL schema dump, the GraphQL SDL and the Kysely database types.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportSchemaSdl } from '../../server/src/schema-export.ts';
import { dumpSchema } from './dump-schema.ts';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const ARTIFACTS = {
  schemaSql: 'db/schema.sql',
  schemaGraphql: 'server/schema.graphql',
  dbTypes: 'server/src/generated/db.d.ts',
} as const;

export type Artifacts = Record<keyof typeof ARTIFACTS, string>;

/** The kysely-codegen invocation of `npm run codegen`, minus --url and --out-file. */
export const KYSELY_CODEGEN_ARGS = ['--dialect', 'postgres', '--include-pattern', '{app_public,app_hidden,app_private,analytics}.*', '--log-level', 'error'];

export async function kyselyTypes(ownerUrl: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slotwise-codegen-'));
  const outFile = path.join(dir, 'db.d.ts');
  try {
    const bin = path.join(repoRoot, 'node_modules/kysely-codegen/dist/cli/bin.js');
    await run(process.execPath, [bin, ...KYSELY_CODEGEN_ARGS, '--url', ownerUrl, '--out-file', outFile], { cwd: repoRoot });
    return await readFile(outFile, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function buildArtifacts(db: { ownerUrl: string; authUrl: string }): Promise<Artifacts> {
  const [schemaSql, schemaGraphql, dbTypes] = await Promise.all([dumpSchema(db.ownerUrl), exportSchemaSdl(db.authUrl), kyselyTypes(db.ownerUrl)]);
  return { schemaSql, schemaGraphql, dbTypes };
}

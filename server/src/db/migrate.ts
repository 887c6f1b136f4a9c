// Applies the committed migrations (graphile-migrate) and graphile-worker's own schema, and tells
// whether a database is current. Runs as the owner role.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@graphile/logger';
import { migrate as graphileMigrate } from 'graphile-migrate';
import { runMigrations as workerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { withClient } from './connection.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../db/migrations', import.meta.url));

/** graphile-migrate writes to stdout through @graphile/logger; route it to our logger instead. */
type LogFn = (message: string) => void;

export async function migrateDatabase(ownerUrl: string, log: LogFn = () => undefined): Promise<void> {
  // graphile-worker first: migrations may define functions that enqueue jobs.
  const logger = quietLogger(log);
  await workerMigrations({ connectionString: ownerUrl, logger });
  await graphileMigrate({ connectionString: ownerUrl, migrationsFolder: MIGRATIONS_FOLDER, logger });
  // The server's tzdata may have changed since the last migration (an OS or Postgres upgrade).
  await withClient(ownerUrl, (client) => client.query('select app_private.refresh_time_zone_names()'));
}

/** The hash of the newest committed migration file, as graphile-migrate records it. */
export async function latestCommittedHash(): Promise<string | null> {
  const dir = path.join(MIGRATIONS_FOLDER, 'committed');
  const files = (await readdir(dir)).filter((f) => /^\d{6}.*\.sql$/.test(f)).sort();
  const last = files.at(-1);
  if (!last) return null;
  const text = await readFile(path.join(dir, last), 'utf8');
  return /^--! Hash: (sha1:[0-9a-f]{40})$/m.exec(text)?.[1] ?? null;
}

/** True when the database has applied exactly the newest committed migration. */
export async function migrationsCurrent(client: pg.ClientBase | pg.Pool): Promise<boolean> {
  const expected = await latestCommittedHash();
  const result = await client.query<{ hash: string }>(
    `select hash from graphile_migrate.migrations order by filename desc limit 1`,
  );
  return result.rows[0]?.hash === expected;
}

export async function migrationsCurrentAt(connectionString: string): Promise<boolean> {
  return withClient(connectionString, (client) => migrationsCurrent(client));
}

/** A @graphile/logger (used by both graphile-migrate and graphile-worker) that keeps warnings only. */
function quietLogger(log: LogFn): Logger {
  return new Logger(() => (level: string, message: string) => {
    // graphile-migrate keeps idle pools around; their termination when the server stops is benign.
    if ((level === 'error' || level === 'warning') && !message.startsWith('An error occurred in the PgPool')) log(message);
  });
}

// Typed SQL: Kysely over the generated database types (server/src/generated/db.d.ts, `npm run codegen`).
// Used as a query compiler, so the SQL runs on whichever client the caller holds (a worker job's
// client, a transaction) instead of a second pool.
import { Kysely, PostgresAdapter, DummyDriver, PostgresIntrospector, PostgresQueryCompiler, type Compilable } from 'kysely';
import type pg from 'pg';
import type { DB } from '../generated/db.d.ts';

export const sqlBuilder = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Runs a compiled Kysely query on a node-postgres client. */
export async function execute<R extends pg.QueryResultRow>(client: Pick<pg.ClientBase, 'query'>, query: Compilable<R>): Promise<pg.QueryResult<R>> {
  const compiled = query.compile();
  return client.query<R>(compiled.sql, compiled.parameters as unknown[]);
}

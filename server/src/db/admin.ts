// Creates the login roles and the database. Needs a superuser (or CREATEROLE + CREATEDB) connection;
// everything else (group roles, schemas, tables) is created by the migrations, run as the owner.
import pg from 'pg';
import { withClient } from './connection.ts';

export const OWNER_ROLE = 'app_owner';
export const AUTHENTICATOR_ROLE = 'app_authenticator';

export interface DatabaseSetup {
  database: string;
  ownerPassword: string;
  authenticatorPassword: string;
  /** Also set the passwords of roles that exist already (default true). Roles are cluster-wide,
   * so test runs against a shared server leave existing passwords alone. */
  resetPasswords?: boolean;
}

/**
 * Idempotent: creates (or updates the passwords of) app_owner and app_authenticator and creates the
 * database owned by app_owner if it does not exist. The owner gets BYPASSRLS for seeding and jobs;
 * the authenticator never does (the API refuses to start on a role that bypasses RLS).
 */
export async function ensureDatabase(rootUrl: string, setup: DatabaseSetup): Promise<void> {
  await withClient(rootUrl, async (client) => {
    const lit = (s: string) => pg.escapeLiteral(s);
    const reset = setup.resetPasswords ?? true;
    const ownerPassword = reset ? ` password ${lit(setup.ownerPassword)}` : '';
    const authPassword = reset ? ` password ${lit(setup.authenticatorPassword)}` : '';
    await client.query(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${OWNER_ROLE}') then
          create role ${OWNER_ROLE} login createrole bypassrls password ${lit(setup.ownerPassword)};
        else
          alter role ${OWNER_ROLE} login createrole bypassrls${ownerPassword};
        end if;
        if not exists (select 1 from pg_roles where rolname = '${AUTHENTICATOR_ROLE}') then
          create role ${AUTHENTICATOR_ROLE} login noinherit nobypassrls password ${lit(setup.authenticatorPassword)};
        else
          alter role ${AUTHENTICATOR_ROLE} login noinherit nobypassrls${authPassword};
        end if;
      end
      $$;`);
    // A request must not wait forever: behind a long lock holder, or after its server died while
    // waiting (the backend would otherwise keep queueing). Role settings apply at login.
    await client.query(`alter role ${AUTHENTICATOR_ROLE} set lock_timeout = '10s'`);
    await client.query(`alter role ${AUTHENTICATOR_ROLE} set statement_timeout = '30s'`);
    await client.query(`alter role ${AUTHENTICATOR_ROLE} set idle_in_transaction_session_timeout = '60s'`);
    const exists = await client.query('select 1 from pg_database where datname = $1', [setup.database]);
    if (exists.rowCount === 0) {
      await client.query(`create database ${pg.escapeIdentifier(setup.database)} owner ${OWNER_ROLE}`);
    }
  });
}

/** Drops the database (terminating its connections). Used by db:reset and test teardown. */
export async function dropDatabase(rootUrl: string, database: string): Promise<void> {
  await withClient(rootUrl, async (client) => {
    await client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
  });
}

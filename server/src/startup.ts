// Start-up checks shared by the processes: each failure is one clear line and a non-zero exit.
import net from 'node:net';
import { ConfigError } from './config.ts';
import { describeConnectionError, withClient } from './db/connection.ts';

/** Fails when the connection cannot be made, or when its role bypasses row level security. */
export async function assertRespectsRls(connectionString: string, label: string): Promise<void> {
  let role: { rolname: string; rolsuper: boolean; rolbypassrls: boolean } | undefined;
  try {
    role = await withClient(connectionString, async (client) =>
      (await client.query('select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user')).rows[0],
    );
  } catch (error) {
    throw new ConfigError(describeConnectionError(error, label, connectionString));
  }
  if (role && (role.rolsuper || role.rolbypassrls)) {
    throw new ConfigError(
      `${label} connects as "${role.rolname}", a role that bypasses row level security (${role.rolsuper ? 'superuser' : 'BYPASSRLS'}); ` +
        'the API must use the authenticator role (set AUTH_DATABASE_URL, see README "Configuration")',
    );
  }
}

export async function assertReachable(connectionString: string, label: string): Promise<void> {
  try {
    await withClient(connectionString, (client) => client.query('select 1'));
  } catch (error) {
    throw new ConfigError(describeConnectionError(error, label, connectionString));
  }
}

/** Resolves when the port can be bound on host; a ConfigError names the variable to change. */
export function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(`port ${port} on ${host} is already in use; stop the other process or set ${variable}`)
          : new ConfigError(`cannot listen on ${host}:${port} (${error.code ?? error.message}); check HOST and ${variable}`),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Runs a process's main function: ConfigError -> one line on stderr and exit 78; else exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}

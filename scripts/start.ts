// `npm start` / `npm run dev`: the whole system in one command. Starts the embedded PostgreSQL
// (unless DATABASE_URL is set), applies migrations, loads the demo data once, then runs the API,
// the worker and the web app as child processes and prints their URLs. Ctrl-C (or SIGTERM) stops
// the children first, then the database; nothing is left running.
import '../server/src/polyfills.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../server/src/config.ts';
import { startEmbedded, type EmbeddedCluster } from '../server/src/db/embedded.ts';
import { migrateDatabase } from '../server/src/db/migrate.ts';
import { seedDemo } from '../server/src/db/seed.ts';
import { assertPortFree, assertReachable, assertRespectsRls } from '../server/src/startup.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const devMode = process.argv.includes('--dev');
const began = performance.now();
const seconds = () => ((performance.now() - began) / 1000).toFixed(1);
const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

const children: { name: string; child: ChildProcess }[] = [];
let cluster: EmbeddedCluster | undefined;
let stopping = false;

async function main(): Promise<void> {
  const config = loadConfig();
  await assertPortFree(config.host, config.apiPort, 'API_PORT');
  await assertPortFree(config.host, config.webPort, 'PORT');

  let ownerUrl = config.databaseUrl;
  let authUrl = config.authDatabaseUrl;
  let jwtSecret = process.env.JWT_SECRET;
  if (!ownerUrl) {
    say(`starting embedded PostgreSQL in ${path.resolve(config.dataDir, 'pg')}`);
    cluster = await startEmbedded({ dataDir: config.dataDir });
    ownerUrl = cluster.ownerUrl;
    authUrl = cluster.authUrl;
    jwtSecret ||= cluster.secrets.jwtSecret;
    say(`embedded PostgreSQL ${cluster.created ? 'initialised and ' : ''}running on 127.0.0.1:${cluster.port} (${seconds()} s)`);
  } else {
    await assertReachable(ownerUrl, 'DATABASE_URL');
  }
  await assertRespectsRls(authUrl!, authUrl === config.databaseUrl ? 'DATABASE_URL' : 'AUTH_DATABASE_URL');

  await migrateDatabase(ownerUrl, (message) => say(message));
  say(`migrations applied (${seconds()} s)`);
  if (config.seedDemo && (await seedDemo(ownerUrl))) say('demo data loaded (tenant "meridian")');

  const env = {
    ...process.env,
    DATABASE_URL: ownerUrl,
    AUTH_DATABASE_URL: authUrl,
    ...(jwtSecret ? { JWT_SECRET: jwtSecret } : {}),
    API_URL: `http://${config.host}:${config.apiPort}/graphql`,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const node = (name: string, script: string) => launch(name, process.execPath, ['--import', 'tsx', script], env);
  node('server', 'server/src/main.ts');
  node('worker', 'worker/src/main.ts');
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  const built = webBuildIsCurrent();
  if (!devMode && !built && existsSync(path.join(root, 'web/.next/BUILD_ID'))) say('web build is older than web/ sources; serving in dev mode (run npm run build)');
  const webArgs = devMode || !built
    ? ['dev', 'web', '-p', String(config.webPort), '-H', config.host]
    : ['start', 'web', '-p', String(config.webPort), '-H', config.host];
  launch('web', process.execPath, [nextBin, ...webArgs], { ...env, PORT: String(config.webPort) });

  const api = `http://${config.host}:${config.apiPort}`;
  const web = `http://${config.host}:${config.webPort}`;
  await waitFor(`${api}/readyz`, 60_000);
  await waitFor(web, 120_000);
  say(`ready in ${seconds()} s`);
  process.stdout.write(
    `\n  Web app:      ${web}/\n  GraphQL:      ${api}/graphql\n` +
      (config.graphiql ? `  GraphQL IDE:  ${api}/graphiql\n` : '') +
      `  Health:       ${api}/readyz\n\n  Press Ctrl-C to stop.\n\n`,
  );
}

/** A production build exists and no file under web/ (outside .next) changed after it. */
function webBuildIsCurrent(): boolean {
  const buildId = path.join(root, 'web/.next/BUILD_ID');
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      if (entry.name === '.next' || entry.name === 'node_modules') return max;
      const full = path.join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  return newest(path.join(root, 'web')) <= builtAt;
}

function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  // Each child leads its own process group, so Ctrl-C reaches only this supervisor, which then stops
  // the children (and their own children, e.g. Next's workers) in order.
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`[start] ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything\n`);
    void shutdown(1);
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stopping) throw new Error('stopped while starting');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (code === 0) say('stopping');
  await Promise.all(
    children.map(({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        signalGroup(child, 'SIGKILL'); // reap anything the dead child left behind
        return undefined;
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          signalGroup(child, 'SIGKILL'); // leftovers in the group (e.g. Next's workers)
          resolve();
        });
        signalGroup(child, 'SIGTERM');
      });
    }),
  );
  if (cluster) {
    await cluster.stop();
    say('embedded PostgreSQL stopped');
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

main().catch(async (error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`start: ${message}\n`);
  const code = error instanceof ConfigError ? 78 : 1;
  if (children.length === 0 && !cluster) process.exit(code);
  if (!stopping) await shutdown(code);
});

// Database commands: `tsx scripts/db.ts <setup|migrate|seed [--force]|reset>`.
// With DATABASE_URL they act on that server (setup/reset also need ROOT_DATABASE_URL); without it,
// on the embedded cluster in DATA_DIR, which they start and stop around the command.
import '../server/src/polyfills.ts';
import { ConfigError, loadConfig } from '../server/src/config.ts';
import { dropDatabase, ensureDatabase } from '../server/src/db/admin.ts';
import { databaseName, describeConnectionError } from '../server/src/db/connection.ts';
import { startEmbedded, loadSecrets } from '../server/src/db/embedded.ts';
import { migrateDatabase } from '../server/src/db/migrate.ts';
import { seedDemo } from '../server/src/db/seed.ts';

const command = process.argv[2];
const commands = ['setup', 'migrate', 'seed', 'reset'];

async function main(): Promise<void> {
  if (!command || !commands.includes(command)) {
    throw new ConfigError(`usage: tsx scripts/db.ts <${commands.join('|')}>`);
  }
  const config = loadConfig();
  let ownerUrl = config.databaseUrl;
  let rootUrl = config.rootDatabaseUrl;
  let stop: () => Promise<void> = async () => undefined;
  if (!ownerUrl) {
    const cluster = await startEmbedded({ dataDir: config.dataDir });
    ownerUrl = cluster.ownerUrl;
    rootUrl = cluster.rootUrl;
    stop = cluster.stop;
  }
  try {
    const database = databaseName(ownerUrl);
    if (command === 'setup' || command === 'reset') {
      if (!rootUrl) throw new ConfigError(`db:${command} needs ROOT_DATABASE_URL (a superuser connection) to create roles and the database`);
      const secrets = config.databaseUrl ? passwordsFrom(ownerUrl, config.authDatabaseUrl) : await loadSecrets(config.dataDir);
      if (command === 'reset') await dropDatabase(rootUrl, database);
      await ensureDatabase(rootUrl, { database, ownerPassword: secrets.ownerPassword, authenticatorPassword: secrets.authenticatorPassword });
      console.log(`database ${database} ready`);
    }
    if (command === 'setup' || command === 'reset' || command === 'migrate') {
      await migrateDatabase(ownerUrl, (m) => console.warn(m));
      console.log('migrations applied');
    }
    if (command === 'reset' || command === 'seed') {
      const loaded = await seedDemo(ownerUrl, { force: process.argv.includes('--force') });
      console.log(loaded ? 'demo data loaded' : 'demo data already present');
    }
  } finally {
    await stop();
  }
}

function passwordsFrom(ownerUrl: string, authUrl: string | undefined) {
  const ownerPassword = decodeURIComponent(new URL(ownerUrl).password);
  const authenticatorPassword = authUrl && authUrl !== ownerUrl ? decodeURIComponent(new URL(authUrl).password) : '';
  if (!ownerPassword || !authenticatorPassword) {
    throw new ConfigError('db:setup with DATABASE_URL needs passwords in DATABASE_URL (app_owner) and AUTH_DATABASE_URL (app_authenticator)');
  }
  return { ownerPassword, authenticatorPassword };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const err = error as { code?: string };
    const connectionProblem = err.code && /^(E[A-Z]+|28P01|28000|3D000)$/.test(err.code) && process.env.DATABASE_URL;
    const message = error instanceof ConfigError ? error.message
      : connectionProblem ? describeConnectionError(error, `db:${command}`, process.env.DATABASE_URL!)
      : `db:${command} failed: ${(error as Error).message ?? String(error)}`;
    console.error(message);
    process.exit(1);
  },
);

// Test databases: a fresh database per run on the server in TEST_DATABASE_URL (a superuser
// connection), or on an embedded cluster under .tmp/ when it is not set.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, ensureDatabase } from '../../server/src/db/admin.ts';
import { withCredentials } from '../../server/src/db/connection.ts';
import { startEmbedded, type EmbeddedCluster } from '../../server/src/db/embedded.ts';
import { migrateDatabase } from '../../server/src/db/migrate.ts';
import { seedDemo } from '../../server/src/db/seed.ts';

export interface TestDatabase {
  name: string;
  /** Superuser, connected to the test database. */
  rootUrl: string;
  ownerUrl: string;
  authUrl: string;
}

export const TEST_OWNER_PASSWORD = 'slotwise-test-owner';
export const TEST_AUTH_PASSWORD = 'slotwise-test-authenticator';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface TestServer {
  rootUrl: string;
  createDatabase(prefix: string, options?: { seed?: boolean }): Promise<TestDatabase>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  let rootUrl = process.env.TEST_DATABASE_URL;
  let cluster: EmbeddedCluster | undefined;
  if (!rootUrl) {
    cluster = await startEmbedded({ dataDir: path.join(repoRoot, '.tmp/test-cluster'), database: null });
    rootUrl = cluster.rootUrl;
  }
  const root = rootUrl;
  const embedded = cluster;
  return {
    rootUrl: root,
    async createDatabase(prefix, options = {}) {
      const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
      await ensureDatabase(root, {
        database: name,
        ownerPassword: embedded?.secrets.ownerPassword ?? TEST_OWNER_PASSWORD,
        authenticatorPassword: embedded?.secrets.authenticatorPassword ?? TEST_AUTH_PASSWORD,
        // A shared server's roles keep their passwords; the embedded test cluster is ours.
        resetPasswords: Boolean(embedded),
      });
      const db: TestDatabase = {
        name,
        rootUrl: withCredentials(root, { database: name }),
        ownerUrl: withCredentials(root, { user: 'app_owner', password: embedded?.secrets.ownerPassword ?? TEST_OWNER_PASSWORD, database: name }),
        authUrl: withCredentials(root, { user: 'app_authenticator', password: embedded?.secrets.authenticatorPassword ?? TEST_AUTH_PASSWORD, database: name }),
      };
      await migrateDatabase(db.ownerUrl);
      if (options.seed) await seedDemo(db.ownerUrl);
      return db;
    },
    dropDatabase: (name) => dropDatabase(root, name),
    async stop() {
      await embedded?.stop();
    },
  };
}

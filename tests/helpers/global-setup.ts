// vitest globalSetup: one migrated and seeded database for the whole run, dropped at the end.
import '../../server/src/polyfills.ts';
import type { TestProject } from 'vitest/node';
import { startTestServer, type TestDatabase } from './database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    db: TestDatabase;
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestServer();
  const db = await server.createDatabase('slotwise_test', { seed: true });
  project.provide('db', db);
  return async () => {
    await server.dropDatabase(db.name);
    await server.stop();
  };
}

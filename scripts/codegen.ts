// `npm run codegen`: regenerates db/schema.sql, server/schema.graphql and the Kysely types from a
// scratch database migrated from db/migrations/committed (TEST_DATABASE_URL's server, or an
// embedded one), so the result never depends on the state of a development database.
import '../server/src/polyfills.ts';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestServer } from '../tests/helpers/database.ts';
import { ARTIFACTS, buildArtifacts, repoRoot } from './lib/artifacts.ts';

const server = await startTestServer();
const db = await server.createDatabase('slotwise_codegen');
try {
  const artifacts = await buildArtifacts(db);
  for (const [key, file] of Object.entries(ARTIFACTS)) {
    await writeFile(path.join(repoRoot, file), artifacts[key as keyof typeof ARTIFACTS]);
    console.log(`wrote ${file}`);
  }
} finally {
  await server.dropDatabase(db.name);
  await server.stop();
}

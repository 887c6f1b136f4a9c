// Builds the GraphQL schema from a database and prints it as sorted SDL (server/schema.graphql).
import './polyfills.ts';
import { makeSchema } from 'postgraphile';
import { lexicographicSortSchema, printSchema } from 'postgraphile/graphql';
import { makePreset } from './graphile.config.ts';

export const SCHEMA_SDL_FILE = new URL('../schema.graphql', import.meta.url);

export async function exportSchemaSdl(authDatabaseUrl: string): Promise<string> {
  const preset = makePreset({ connectionString: authDatabaseUrl, graphiql: false, poolMax: 2 });
  try {
    const { schema } = await makeSchema(preset);
    return printSchema(lexicographicSortSchema(schema)) + '\n';
  } finally {
    await Promise.all((preset.pgServices ?? []).map((service) => service.release?.()));
  }
}

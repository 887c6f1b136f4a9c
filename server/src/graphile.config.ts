// The PostGraphile preset: one table of contents for the GraphQL API.
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import { makePgService } from 'postgraphile/adaptors/pg';
import type {} from 'postgraphile/grafserv/express/v4';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { anonymousIdentity, pgSettingsFor, type IdentifiedRequest } from './auth.ts';
import type { GraphQLError } from 'postgraphile/graphql';

export interface PresetOptions {
  /** The authenticator connection; each request switches role through pgSettings. */
  connectionString: string;
  graphiql: boolean;
  maskError?: (error: GraphQLError) => GraphQLError;
  poolMax?: number;
}

export function makePreset(options: PresetOptions): GraphileConfig.Preset {
  return {
    extends: [
      PostGraphileAmberPreset, // tables, relations, connections, CRUD mutations, computed columns
      PgSimplifyInflectionPreset, // `locations` and `location.services` instead of allLocations/servicesByLocationId
    ],
    pgServices: [
      makePgService({
        connectionString: options.connectionString,
        schemas: ['app_public'],
        poolConfig: { max: options.poolMax ?? 20 },
        pgSettings(requestContext) {
          const req = requestContext.expressv4?.req as IdentifiedRequest | undefined;
          return pgSettingsFor(req?.identity ?? anonymousIdentity);
        },
      }),
    ],
    grafserv: {
      graphqlPath: '/graphql',
      graphiql: options.graphiql,
      graphiqlPath: '/graphiql',
      graphiqlOnGraphQLGET: false,
      ...(options.maskError ? { maskError: options.maskError } : {}),
    },
    grafast: { explain: false },
    schema: { sortExport: true },
  };
}

// The PostGraphile preset: one table of contents for the GraphQL API.
import { randomBytes } from 'node:crypto';
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import { makePgService } from 'postgraphile/adaptors/pg';
import type {} from 'postgraphile/grafserv/express/v4';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { anonymousIdentity, pgSettingsFor, type IdentifiedRequest } from './auth.ts';
import type { GraphQLError } from 'postgraphile/graphql';
import type { HoldStore } from './holds/types.ts';
import { ApprovalPlugin } from './plugins/ApprovalPlugin.ts';
import { makeAvailabilityPlugin } from './plugins/AvailabilityPlugin.ts';
import { makeBookingPlugin } from './plugins/BookingPlugin.ts';
import { makeLoginPlugin } from './plugins/LoginPlugin.ts';
import { RecurrencePlugin } from './plugins/RecurrencePlugin.ts';
import { makeSeriesPlugin } from './plugins/SeriesPlugin.ts';
import { PostgresHoldStore } from './holds/postgres.ts';

export interface PresetOptions {
  /** The authenticator connection; each request switches role through pgSettings. */
  connectionString: string;
  graphiql: boolean;
  maskError?: (error: GraphQLError) => GraphQLError;
  poolMax?: number;
  /** Signs the tokens `login` returns; a random one when only the schema is built. */
  jwtSecret?: string;
  tokenTtlSeconds?: number;
  /** Tentative holds (Redis or Postgres); the schema alone needs none. */
  holds?: HoldStore;
}

export function makePreset(options: PresetOptions): GraphileConfig.Preset {
  return {
    extends: [
      PostGraphileAmberPreset, // tables, relations, connections, CRUD mutations, computed columns
      PgSimplifyInflectionPreset, // `locations` and `location.services` instead of allLocations/servicesByLocationId
    ],
    plugins: [
      makeLoginPlugin({ jwtSecret: options.jwtSecret ?? randomBytes(32).toString('hex'), ttlSeconds: options.tokenTtlSeconds ?? 8 * 3600 }), // login → JWT
      makeAvailabilityPlugin(options.holds ?? new PostgresHoldStore()), // availableSlots, explainAvailability
      makeBookingPlugin(options.holds ?? new PostgresHoldStore()), // placeHold, confirmBooking, createBooking, cancel, reschedule
      RecurrencePlugin, // previewRecurrence
      makeSeriesPlugin(options.holds ?? new PostgresHoldStore()), // bookRecurring, updateSeries, cancelSeries
      ApprovalPlugin, // approveBooking, declineBooking
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

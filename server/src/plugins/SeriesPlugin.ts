// Recurring bookings: bookRecurring, updateSeries, cancelSeries (server/src/series.ts). Single
// instances are moved or cancelled with rescheduleBooking / cancelBooking.
import { sideEffectWithPgClientTransaction } from 'postgraphile/@dataplan/pg';
import { extendSchema } from 'postgraphile/utils';
import * as series from '../series.ts';
import type { HoldStore } from '../holds/types.ts';

export function makeSeriesPlugin(holds: HoldStore): GraphileConfig.Plugin {
  return extendSchema(
    (build) => ({
      typeDefs: /* GraphQL */ `
        enum SeriesMode {
          "Book every instance within the horizon, or none (default)."
          ALL_OR_NOTHING
          "Book the free instances; return the taken ones as skipped (also recorded as series conflicts)."
          SKIP_CONFLICTS
        }
        input BookRecurringInput {
          serviceId: UUID!
          customer: BookingCustomerInput!
          "RFC 5545 RRULE: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, e.g. FREQ=WEEKLY;BYDAY=WE."
          rrule: String!
          "Nominal local start of the first instance, e.g. 2027-01-06T09:00:00."
          dtstartLocal: String!
          "Zone of the rule; default: the service's location."
          timeZone: String
          "The resources every instance books; default: the best assignment at the first instance."
          resourceIds: [UUID!]
          exdatesLocal: [String!]
          mode: SeriesMode = ALL_OR_NOTHING
          notes: String
          "Zone for the returned local times (an operator elsewhere); default: the series' zone."
          displayTimeZone: String
        }
        input UpdateSeriesInput {
          seriesId: UUID!
          "Start of the instance from which the change applies (this and following); omit for the whole series (from now on)."
          from: Datetime
          rrule: String
          dtstartLocal: String
          timeZone: String
          resourceIds: [UUID!]
          mode: SeriesMode = ALL_OR_NOTHING
          displayTimeZone: String
        }
        input CancelSeriesInput {
          seriesId: UUID!
          "Cancel instances from this instant on (default: now)."
          from: Datetime
        }
        type SeriesInstance {
          bookingId: UUID
          start: Datetime!
          startLocal: String!
          abbreviation: String!
          reason: String
        }
        type SeriesResult {
          seriesId: UUID!
          booked: [SeriesInstance!]!
          skipped: [SeriesInstance!]!
          "Instances up to here are booked; the series__extend task books later ones."
          horizonEnd: Datetime!
        }
        type CancelSeriesResult {
          seriesId: UUID!
          cancelled: Int!
        }
        extend type Mutation {
          "Books a recurring appointment: every instance within the tenant's horizon is checked. Errors: SLOT_TAKEN / HOLD_CONFLICT (extensions.instance), RRULE_*, TZINV."
          bookRecurring(input: BookRecurringInput!): SeriesResult!
          "Changes a series from an instance on, or as a whole, atomically (the old part is kept, the rest rebooked)."
          updateSeries(input: UpdateSeriesInput!): SeriesResult!
          cancelSeries(input: CancelSeriesInput!): CancelSeriesResult!
        }
      `,
      objects: {
        Mutation: {
          plans: {
            bookRecurring(_$root, fieldArgs) {
              return sideEffectWithPgClientTransaction(build.pgExecutor, fieldArgs.getRaw() as never, (client, args: { input: Parameters<typeof series.bookRecurring>[2] }) =>
                series.bookRecurring(client, holds, args.input));
            },
            updateSeries(_$root, fieldArgs) {
              return sideEffectWithPgClientTransaction(build.pgExecutor, fieldArgs.getRaw() as never, (client, args: { input: Parameters<typeof series.updateSeries>[2] }) =>
                series.updateSeries(client, holds, args.input));
            },
            cancelSeries(_$root, fieldArgs) {
              return sideEffectWithPgClientTransaction(build.pgExecutor, fieldArgs.getRaw() as never, (client, args: { input: Parameters<typeof series.cancelSeries>[1] }) =>
                series.cancelSeries(client, args.input));
            },
          },
        },
      },
    }),
    'SeriesPlugin',
  );
}

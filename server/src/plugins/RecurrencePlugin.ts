// previewRecurrence: the instances of a recurring appointment before it is booked, resolved from the
// rule at query time (server/src/engine/recurrence.ts), labelled with local time, UTC offset and the
// tzdata abbreviation in the display zone.
import { sideEffectWithPgClient } from 'postgraphile/@dataplan/pg';
import { GraphQLError } from 'postgraphile/graphql';
import { extendSchema } from 'postgraphile/utils';
import { zonedLabels } from '../availability.ts';
import { expandRecurrence, RecurrenceError } from '../engine/recurrence.ts';
import { instantMs, isoOf } from '../time.ts';

interface PreviewArgs {
  rrule: string;
  dtstartLocal: string;
  timeZone: string;
  durationMinutes: number;
  from: string;
  to: string;
  exdatesLocal?: string[] | null;
  displayTimeZone?: string | null;
}

export const RecurrencePlugin = extendSchema(
  (build) => ({
    typeDefs: /* GraphQL */ `
      type RecurrenceInstance {
        startUtc: Datetime!
        endUtc: Datetime!
        "Wall-clock start in displayTimeZone (default: the series' zone), ISO 8601 without offset."
        startLocal: String!
        "tzdata abbreviation at the start (EDT, IST, +0545)."
        abbreviation: String!
        "UTC offset at the start, +HH:MM."
        utcOffset: String!
        timeZone: String!
      }
      extend type Query {
        """
        The instances of an RRULE (DAILY, WEEKLY, MONTHLY or YEARLY) starting in [from, to), expanded on
        local wall-clock time in timeZone: a start in a DST gap moves forward, a repeated local time takes
        the earlier instant; COUNT counts before EXDATE; UNTIL is UTC and inclusive. Errors: RRULE_INVALID,
        RRULE_FREQUENCY, RRULE_DTSTART, RRULE_TOO_MANY, TZINV, INVALID_RANGE.
        """
        previewRecurrence(
          rrule: String!
          dtstartLocal: String!
          timeZone: String!
          durationMinutes: Int!
          from: Datetime!
          to: Datetime!
          exdatesLocal: [String!]
          displayTimeZone: String
        ): [RecurrenceInstance!]!
      }
    `,
    objects: {
      Query: {
        plans: {
          previewRecurrence(_$root, fieldArgs) {
            return sideEffectWithPgClient(build.pgExecutor, fieldArgs.getRaw() as never, async (client, args: PreviewArgs) => {
              const window = [instantMs(args.from), instantMs(args.to)] as const;
              if (!(window[0] < window[1])) throw new GraphQLError('from must be before to', { extensions: { code: 'INVALID_RANGE' } });
              let occurrences;
              try {
                occurrences = expandRecurrence({ ...args, exdatesLocal: args.exdatesLocal ?? [], window, maxInstances: 2000 });
              } catch (error) {
                if (error instanceof RecurrenceError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
                throw error;
              }
              const zone = args.displayTimeZone ?? args.timeZone;
              const labels = await zonedLabels(client, occurrences.map((o) => o.start), zone);
              return occurrences.map((o) => {
                const label = labels.get(o.start)!;
                return { startUtc: isoOf(o.start), endUtc: isoOf(o.end), startLocal: label.local, abbreviation: label.abbreviation, utcOffset: label.utcOffset, timeZone: zone };
              });
            });
          },
        },
      },
    },
  }),
  'RecurrencePlugin',
);

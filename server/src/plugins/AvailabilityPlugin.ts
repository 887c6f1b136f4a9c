// availableSlots and explainAvailability: plans that run the TypeScript engine on data read with the
// SQL availability functions, in a bounded number of queries per request (see server/src/availability.ts).
import { sideEffectWithPgClient } from 'postgraphile/@dataplan/pg';
import { extendSchema } from 'postgraphile/utils';
import { availableSlots, explainAvailability, type SlotQuery } from '../availability.ts';
import type { HoldStore } from '../holds/types.ts';

export const makeAvailabilityPlugin = (holds: HoldStore): GraphileConfig.Plugin => extendSchema(
  (build) => ({
    typeDefs: /* GraphQL */ `
      "A resource assigned to a slot."
      type SlotResource {
        id: UUID!
        name: String!
      }
      "The resources one requirement of the service gets in a slot (empty for an unfilled optional one)."
      type SlotAssignment {
        requirementId: UUID!
        requirementName: String!
        resources: [SlotResource!]!
      }
      "A bookable start time with a concrete assignment of distinct resources."
      type AvailableSlot {
        "Opaque cursor for pagination."
        cursor: String!
        start: Datetime!
        end: Datetime!
        "Wall-clock start in timeZone, ISO 8601 without offset."
        startLocal: String!
        endLocal: String!
        timeZone: String!
        "tzdata abbreviation at the start (MST, CEST, +0545)."
        abbreviation: String!
        "Sum of preference weights (+1000 per preferred resource)."
        score: Int!
        "The hold given as holdToken covers this start."
        heldByYou: Boolean!
        assignments: [SlotAssignment!]!
      }
      type AvailableSlotsPageInfo {
        hasNextPage: Boolean!
        endCursor: String
      }
      type AvailableSlotsConnection {
        nodes: [AvailableSlot!]!
        totalCount: Int!
        pageInfo: AvailableSlotsPageInfo!
        "The zone startLocal/endLocal are in."
        timeZone: String!
      }
      type AvailabilityReason {
        "OUTSIDE_WORKING_HOURS, OVERRIDE, BOOKED, BUFFER, NOTICE_WINDOW, NOT_A_START_TIME, RESOURCE_CONFLICT, NO_CANDIDATE, or a business rule: GAP_RULE, LIMIT_REACHED, LOCATION_CLOSED."
        code: String!
        message: String!
        from: Datetime
        to: Datetime
        "The sequence rule or booking limit behind GAP_RULE / LIMIT_REACHED (SequenceRule.rowId or BookingLimit.rowId)."
        ruleId: UUID
      }
      type CandidateExplanation {
        resourceId: UUID!
        name: String!
        available: Boolean!
        reasons: [AvailabilityReason!]!
      }
      type RequirementExplanation {
        requirementId: UUID!
        name: String!
        required: Boolean!
        quantity: Int!
        "Enough candidates can serve the start (ignoring the other requirements)."
        satisfied: Boolean!
        candidates: [CandidateExplanation!]!
      }
      type AvailabilityExplanation {
        start: Datetime!
        end: Datetime!
        startLocal: String!
        timeZone: String!
        abbreviation: String!
        offered: Boolean!
        "Why the start as a whole is not offered (notice window, not on the grid, resource conflict, a rule on the whole booking)."
        reasons: [AvailabilityReason!]!
        requirements: [RequirementExplanation!]!
      }
      extend type Query {
        """
        Start times at which every required resource of the service is free (with buffers), each with
        the best-scoring assignment of distinct resources. The window is by start time, half-open, at
        most the tenant's max_search_days. Errors: SVCUK, NOCND, WINUB, WINLG, TZINV, INVALID_RANGE.
        """
        availableSlots(
          serviceId: UUID!
          from: Datetime!
          to: Datetime!
          "Zone for startLocal/endLocal/abbreviation; default: the location's."
          timeZone: String
          locationId: UUID
          "Resources the customer prefers (scored above any preference weight)."
          preferredResourceIds: [UUID!]
          first: Int = 50
          after: String
          "Your hold (from placeHold): its time stays visible to you and is marked heldByYou."
          holdToken: String
        ): AvailableSlotsConnection!
        "Why a start time is or is not offered, per requirement and candidate."
        explainAvailability(serviceId: UUID!, start: Datetime!, timeZone: String): AvailabilityExplanation!
      }
    `,
    objects: {
      Query: {
        plans: {
          availableSlots(_$root, fieldArgs) {
            const $args = fieldArgs.getRaw() as never;
            return sideEffectWithPgClient(build.pgExecutor, $args, (client, args: SlotQuery) => availableSlots(client, args, holds));
          },
          explainAvailability(_$root, fieldArgs) {
            const $args = fieldArgs.getRaw() as never;
            return sideEffectWithPgClient(build.pgExecutor, $args, (client, args: { serviceId: string; start: string; timeZone?: string | null }) =>
              explainAvailability(client, args),
            );
          },
        },
      },
    },
  }),
  'AvailabilityPlugin',
);

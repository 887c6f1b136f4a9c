// The booking flow as GraphQL mutations: placeHold, releaseHold, confirmBooking, createBooking,
// cancelBooking, rescheduleBooking. Each runs in the request's transaction with its pgSettings; the
// writes happen in SQL (app_private.book and friends), the choices in server/src/booking.ts.
import { sideEffectWithPgClientTransaction } from 'postgraphile/@dataplan/pg';
import { extendSchema } from 'postgraphile/utils';
import * as flow from '../booking.ts';
import type { HoldStore } from '../holds/types.ts';

export function makeBookingPlugin(holds: HoldStore): GraphileConfig.Plugin {
  return extendSchema(
    (build) => {
      const run = <A, R>(fn: (client: Parameters<typeof flow.cancelBooking>[0], args: A) => Promise<R>) =>
        (_$root: unknown, fieldArgs: { getRaw(): unknown }) =>
          sideEffectWithPgClientTransaction(build.pgExecutor, fieldArgs.getRaw() as never, (client, args: A) => fn(client, args));
      return {
        typeDefs: /* GraphQL */ `
          input PlaceHoldInput {
            serviceId: UUID!
            "A start offered by availableSlots."
            start: Datetime!
            "The resources to hold (e.g. the slot's assignment); default: the best assignment."
            resourceIds: [UUID!]
            "At most the tenant's hold_ttl_seconds (default 300)."
            ttlSeconds: Int
          }
          type HeldResource {
            id: UUID!
            name: String!
            requirementId: UUID!
          }
          "Resources reserved for you for a few minutes while you confirm."
          type Hold {
            token: String!
            expiresAt: Datetime!
            start: Datetime!
            end: Datetime!
            resources: [HeldResource!]!
          }
          input BookingCustomerInput {
            "Staff only: an existing customer."
            id: UUID
            name: String
            email: String
            phone: String
            timeZone: String
          }
          input ConfirmBookingInput {
            holdToken: String!
            customer: BookingCustomerInput!
            "Retries with the same key return the same booking."
            idempotencyKey: String
            notes: String
            "Zone to show the booking in."
            timeZone: String
          }
          input CreateBookingInput {
            serviceId: UUID!
            start: Datetime!
            resourceIds: [UUID!]
            customer: BookingCustomerInput!
            idempotencyKey: String
            notes: String
            timeZone: String
          }
          input CancelBookingInput {
            bookingId: UUID!
            reason: String
          }
          input RescheduleBookingInput {
            bookingId: UUID!
            start: Datetime!
            "Default: the booking's current resources."
            resourceIds: [UUID!]
            "Zone for the returned local times; default: the location's."
            timeZone: String
          }
          type BookingResult {
            bookingId: UUID!
            "True when an earlier request with the same idempotency key made this booking."
            replayed: Boolean!
            serviceId: UUID!
            start: Datetime!
            end: Datetime!
            status: String!
            "Wall-clock start and end in timeZone (the requested one, else the location's)."
            startLocal: String!
            endLocal: String!
            "tzdata abbreviation at the start (EST, CEST, +0545)."
            abbreviation: String!
            timeZone: String!
          }
          type CancelBookingResult {
            bookingId: UUID!
            status: String!
          }
          extend type Mutation {
            "Holds a slot's resources for a few minutes. Errors: HOLD_CONFLICT or SLOT_TAKEN (with extensions.alternatives)."
            placeHold(input: PlaceHoldInput!): Hold!
            releaseHold(token: String!): Boolean!
            "Books a held slot in one transaction. Errors: SLOT_TAKEN, HOLD_EXPIRED (with alternatives), SLOT_NOT_OFFERED."
            confirmBooking(input: ConfirmBookingInput!): BookingResult!
            "Staff and integrations: books directly through the same transaction as confirmBooking."
            createBooking(input: CreateBookingInput!): BookingResult!
            "Frees the booking's resources (staff, or the customer who owns it)."
            cancelBooking(input: CancelBookingInput!): CancelBookingResult!
            "Moves a booking atomically; on conflict nothing changes (SLOT_TAKEN, HOLD_CONFLICT)."
            rescheduleBooking(input: RescheduleBookingInput!): BookingResult!
          }
        `,
        objects: {
          Mutation: {
            plans: {
              placeHold: run((client, args: { input: Parameters<typeof flow.placeHold>[2] }) => flow.placeHold(client, holds, args.input)),
              releaseHold: run((client, args: { token: string }) => flow.releaseHold(client, holds, args.token)),
              confirmBooking: run((client, args: { input: Parameters<typeof flow.confirmBooking>[2] }) => flow.confirmBooking(client, holds, args.input)),
              createBooking: run((client, args: { input: Parameters<typeof flow.createBooking>[2] }) => flow.createBooking(client, holds, args.input)),
              cancelBooking: run((client, args: { input: Parameters<typeof flow.cancelBooking>[1] }) => flow.cancelBooking(client, args.input)),
              rescheduleBooking: run((client, args: { input: Parameters<typeof flow.rescheduleBooking>[2] }) => flow.rescheduleBooking(client, holds, args.input)),
            },
          },
        },
      };
    },
    'BookingPlugin',
  );
}

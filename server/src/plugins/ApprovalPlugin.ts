// Approval of bookings that wait for it (a service or resource with requires_approval): approveBooking
// and declineBooking for staff, admins and the owner of one of the booking's resources. The decision
// is app_private.decide_booking; undecided requests are declined by the worker (approval__expire).
import { sideEffectWithPgClientTransaction } from 'postgraphile/@dataplan/pg';
import type { PgClient } from 'postgraphile/@dataplan/pg';
import { extendSchema } from 'postgraphile/utils';

export interface Decision {
  bookingId: string;
  status: string;
  decidedAt: string;
  decisionNote: string | null;
}

export async function decideBooking(db: Pick<PgClient, 'query'>, args: { bookingId: string; note?: string | null }, approve: boolean): Promise<Decision> {
  const { rows } = await db.query<{ id: string; status: string; decided_at: Date; decision_note: string | null }>({
    text: 'select (b).id, (b).status, (b).decided_at, (b).decision_note from app_private.decide_booking($1, $2, $3) b',
    values: [args.bookingId, approve, args.note ?? null],
  });
  const row = rows[0]!;
  return { bookingId: row.id, status: row.status, decidedAt: row.decided_at.toISOString(), decisionNote: row.decision_note };
}

export const ApprovalPlugin: GraphileConfig.Plugin = extendSchema((build) => {
  const decide = (approve: boolean) => (_$root: unknown, fieldArgs: { getRaw(): unknown }) =>
    sideEffectWithPgClientTransaction(build.pgExecutor, fieldArgs.getRaw() as never, (client, args: { input: { bookingId: string; note?: string | null } }) =>
      decideBooking(client, args.input, approve));
  return {
    typeDefs: /* GraphQL */ `
      input DecideBookingInput {
        bookingId: UUID!
        "Shown to staff; for a decline, also to the customer."
        note: String
      }
      type BookingDecision {
        bookingId: UUID!
        "confirmed or declined."
        status: String!
        decidedAt: Datetime!
        decisionNote: String
      }
      extend type Mutation {
        "Confirms a booking pending approval (staff, admins, or an owner of one of its resources). Errors: BOOKING_NOT_FOUND, BOOKING_NOT_PENDING, and the rule codes if a rule changed since it was requested."
        approveBooking(input: DecideBookingInput!): BookingDecision!
        "Declines a booking pending approval and frees its time. Errors: BOOKING_NOT_FOUND, BOOKING_NOT_PENDING."
        declineBooking(input: DecideBookingInput!): BookingDecision!
      }
    `,
    objects: {
      Mutation: {
        plans: {
          approveBooking: decide(true),
          declineBooking: decide(false),
        },
      },
    },
  };
}, 'ApprovalPlugin');

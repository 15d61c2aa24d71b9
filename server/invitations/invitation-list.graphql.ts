import { builder } from '../graphql/builder.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { InvitationRef } from './invitation.graphql.ts';
import { UNDELIVERABLE_DELIVERY_STATES } from './invitation-rules.ts';
import { invitationInStateWhere } from './invitation-state.ts';

// The organization's invitations, newest first, by what an admin is after:
// who has not answered yet, whose link runs out soon, whose ran out, whose
// email bounced, which were withdrawn. Each view reads the state rules of
// invitation-state.ts; the indexes behind them are in the migration
// 20261207161000_invitation_list.

/** An open invitation "expires soon" within this many hours. */
export const EXPIRING_SOON_HOURS = 24;

export const InvitationViewEnum = builder.enumType('InvitationView', {
  description: "Which of the organization's invitations to list.",
  values: {
    OPEN: { description: 'Sent, not yet accepted, still valid.' },
    EXPIRING_SOON: { description: `Open, and expiring within ${EXPIRING_SOON_HOURS} hours.` },
    EXPIRED: { description: 'Not accepted in time, and not replaced by a newer invitation: the profile must be re-invited.' },
    UNDELIVERABLE: {
      description: 'Open or expired, and its email bounced or was reported as spam: the address must be fixed before it is sent again.',
    },
    REVOKED: { description: 'Withdrawn by an admin, or closed because the profile’s address changed.' },
  } as const,
});

type InvitationView = (typeof InvitationViewEnum)['$inferType'];

/** The view as Prisma's where (the organization is added by the scope's confined client). */
export function invitationViewWhere(view: InvitationView, now: Date): Prisma.InvitationWhereInput {
  switch (view) {
    case 'OPEN':
      return invitationInStateWhere('OPEN', now);
    case 'EXPIRING_SOON':
      return { AND: [invitationInStateWhere('OPEN', now), { expiresAt: { lte: new Date(now.getTime() + EXPIRING_SOON_HOURS * 3_600_000) } }] };
    case 'EXPIRED':
      return invitationInStateWhere('EXPIRED', now);
    case 'UNDELIVERABLE':
      return {
        AND: [
          { OR: [invitationInStateWhere('OPEN', now), invitationInStateWhere('EXPIRED', now)] },
          { deliveryState: { in: [...UNDELIVERABLE_DELIVERY_STATES] } },
        ],
      };
    case 'REVOKED':
      return invitationInStateWhere('REVOKED', now);
  }
}

builder.queryFields((t) => ({
  invitations: t.withAuth({ allowed: 'READ_PROFILES' }).prismaConnection(
    {
      type: InvitationRef,
      cursor: 'id',
      defaultSize: 50,
      maxSize: 200,
      description:
        "The organization's invitations in one view (open, expiring soon, expired, undeliverable, revoked), newest first: who must be re-invited, at which address.",
      args: { state: t.arg({ type: InvitationViewEnum, required: true, description: 'Which invitations.' }) },
      resolve: (query, _root, args, context) =>
        context.scope.db.invitation.findMany({
          ...query,
          where: invitationViewWhere(args.state, context.clock.now()),
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'InvitationListConnection', description: 'A page of the organization’s invitations.' },
    { name: 'InvitationListEdge', description: 'An invitation in a page, with its cursor.' },
  ),
}));

import type { Invitation } from '../generated/prisma/client.ts';

export type InvitationState = 'OPEN' | 'EXPIRED' | 'ACCEPTED' | 'REVOKED' | 'SUPERSEDED';

type InvitationDates = Pick<Invitation, 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>;

/** Where an invitation stands at `now`; the one place that decides it. */
export function invitationState(invitation: InvitationDates, now: Date): InvitationState {
  if (invitation.acceptedAt) return 'ACCEPTED';
  if (invitation.revokedAt) return 'REVOKED';
  if (invitation.supersededAt) return 'SUPERSEDED';
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'OPEN';
}

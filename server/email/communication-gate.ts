import type { EmailKind, ProfileStatus } from '../generated/prisma/enums.ts';
import { invitationState } from '../invitations/index.ts';
import { adminInvitationState } from '../admins/index.ts';

// The one place that decides whether a person may be contacted.
// Every email passes here right before it is handed to Postmark or the local
// mailbox (server/email/email-delivery.ts); nothing else sends.

export interface ContactFacts {
  kind: EmailKind;
  to: string;
  profile: { status: ProfileStatus; email: string; latestInvitationId: string | null } | null;
  invitation: { id: string; expiresAt: Date; acceptedAt: Date | null; revokedAt: Date | null; supersededAt: Date | null } | null;
  adminInvitation: { email: string; expiresAt: Date; acceptedAt: Date | null; revokedAt: Date | null } | null;
}

/** Null when the email may go; otherwise why not. */
export function contactRefusal(facts: ContactFacts, now: Date): string | null {
  const { profile, invitation } = facts;
  if (facts.kind === 'ADMIN_INVITATION') {
    // Someone asked to join the admin team, not a profile: only while their invitation is open, at its address.
    const adminInvitation = facts.adminInvitation;
    if (!adminInvitation) return 'the admin invitation no longer exists';
    if (adminInvitation.email.toLowerCase() !== facts.to.toLowerCase()) return 'the admin invitation has another address';
    const state = adminInvitationState(adminInvitation, now);
    return state === 'OPEN' ? null : `the admin invitation is ${state}`;
  }
  if (!profile) return 'the profile no longer exists';
  if (profile.email.toLowerCase() !== facts.to.toLowerCase()) return 'the profile has another email address now';
  switch (facts.kind) {
    case 'INVITATION':
    case 'REMINDER':
      // Only the invitation email (and its one reminder) may reach someone not VALIDATED, and only for the invitation that is still open.
      if (profile.status !== 'PENDING') return `the profile is ${profile.status}, not PENDING`;
      if (!invitation || profile.latestInvitationId !== invitation.id) return 'a newer invitation replaced this one';
      {
        const state = invitationState(invitation, now);
        return state === 'OPEN' ? null : `the invitation is ${state}`;
      }
    case 'APP_DOWNLOAD':
      return profile.status === 'VALIDATED' ? null : `the profile is ${profile.status}, not VALIDATED`;
  }
}

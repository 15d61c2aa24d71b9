import type { RequestScope } from '../kernel/scope.ts';
import {
  EmailUndeliverableError,
  InvalidEmailError,
  NotFoundError,
  ProfileAlreadyValidatedError,
  ProfileDeactivatedError,
  ResendTooSoonError,
} from '../kernel/errors.ts';
import type { Invitation, Profile } from '../generated/prisma/client.ts';
import { personName, recordAudit } from '../audit/index.ts';
import { acceptLink, invitationToken } from './invitation-tokens.ts';
import { inviteBatch } from './invitation-batch.ts';

// An admin (or an API key) invites one profile.

export interface InviteOneResult {
  profile: Profile;
  invitation: Invitation;
  /** The accept link, only when no email was sent (returned this once). */
  link: string | null;
}

/** Invite one profile, or say exactly why not. */
export async function inviteProfile(scope: RequestScope, profileId: string, options: { sendEmail: boolean }): Promise<InviteOneResult> {
  const { now, organizationId, actor } = scope;
  return scope.prisma.$transaction(async (tx) => {
    const organization = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { invitationValidityHours: true } });
    const batch = await inviteBatch(
      tx,
      {
        settings: scope.settings,
        organizationId,
        invitationValidityHours: organization.invitationValidityHours,
        now,
        sender: actor,
        sendEmail: options.sendEmail,
      },
      [profileId],
    );
    const outcome = batch.outcomes.get(profileId)!;
    if (outcome.kind === 'SKIP') {
      const profile = await tx.profile.findUnique({ where: { id: profileId }, select: { email: true } });
      switch (outcome.reason) {
        case 'NOT_FOUND':
          throw new NotFoundError(['input', 'profileId'], 'profile');
        case 'ALREADY_VALIDATED':
          throw new ProfileAlreadyValidatedError();
        case 'DEACTIVATED':
          throw new ProfileDeactivatedError();
        case 'INVALID_EMAIL':
          throw new InvalidEmailError(['input', 'profileId'], profile!.email);
        case 'EMAIL_UNDELIVERABLE':
          throw new EmailUndeliverableError(profile!.email);
        case 'RESEND_TOO_SOON':
          throw new ResendTooSoonError(Math.ceil((outcome.retryAfterMs ?? 0) / 1000));
      }
    }
    const [profile, invitation] = await Promise.all([
      tx.profile.findUniqueOrThrow({ where: { id: profileId } }),
      tx.invitation.findUniqueOrThrow({ where: { id: outcome.invitationId! } }),
    ]);
    const link = options.sendEmail ? null : acceptLink(scope.settings.publicUrl, invitationToken(scope.settings.invitationTokenSecret, invitation.id));
    await recordAudit(tx, scope, {
      kind: 'PROFILE_INVITED',
      profileId,
      subjectId: invitation.id,
      summary:
        `${outcome.kind === 'REINVITE' ? 'Re-invited' : 'Invited'} ${personName(profile)}` +
        (options.sendEmail ? ` by email to ${invitation.email}.` : ' without an email (the link was handed over another way).'),
    });
    return { profile, invitation, link };
  });
}

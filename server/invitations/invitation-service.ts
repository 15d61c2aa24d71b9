import type { RequestScope } from '../kernel/scope.ts';
import {
  EmailUndeliverableError,
  InvalidEmailError,
  NotFoundError,
  ProfileAlreadyValidatedError,
  ProfileDeactivatedError,
  ResendTooSoonError,
} from '../kernel/errors.ts';
import type { Invitation, Prisma, Profile } from '../generated/prisma/client.ts';
import { idempotentCreate } from '../kernel/idempotency.ts';
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

/**
 * Invite one profile, or say exactly why not. With an idempotency key, a retry
 * (by the same caller, with the same input) answers the invitation the first
 * request made, rather than inviting again (a second email, or RESEND_TOO_SOON).
 */
export async function inviteProfile(
  scope: RequestScope,
  profileId: string,
  options: { sendEmail: boolean },
  idempotencyKey?: string | null,
): Promise<InviteOneResult> {
  const { organizationId } = scope;
  const answer = async (tx: Prisma.TransactionClient, invitation: Invitation) => ({
    id: invitation.id,
    invitation,
    profile: await tx.profile.findUniqueOrThrow({ where: { id: invitation.profileId } }),
    // The token is derived from the invitation, so a replay can answer the same link.
    link: options.sendEmail ? null : acceptLink(scope.settings.publicUrl, invitationToken(scope.settings.invitationTokenSecret, invitation.id)),
  });
  return scope.prisma.$transaction((tx) =>
    idempotentCreate(tx, {
      organizationId,
      operation: 'profileInvite',
      key: idempotencyKey,
      callId: scope.callId,
      // A link is answered again on a replay: only to the caller who asked first.
      input: { profileId, sendEmail: options.sendEmail, actor: scope.actor },
      load: async (id) => {
        const invitation = await tx.invitation.findFirst({ where: { id, organizationId } });
        return invitation && answer(tx, invitation);
      },
      create: async () => answer(tx, await inviteIn(tx, scope, profileId, options)),
    }),
  );
}

async function inviteIn(tx: Prisma.TransactionClient, scope: RequestScope, profileId: string, options: { sendEmail: boolean }): Promise<Invitation> {
  const { now, organizationId, actor } = scope;
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
  await recordAudit(tx, scope, {
    kind: 'PROFILE_INVITED',
    profileId,
    subjectId: invitation.id,
    summary:
      `${outcome.kind === 'REINVITE' ? 'Re-invited' : 'Invited'} ${personName(profile)}` +
      (options.sendEmail ? ` by email to ${invitation.email}.` : ' without an email (the link was handed over another way).'),
  });
  return invitation;
}

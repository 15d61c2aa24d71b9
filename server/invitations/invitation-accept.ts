import { assertPasswordPolicy } from '../auth/index.ts';
import { hashPassword } from '../auth/index.ts';
import type { ServiceScope } from '../kernel/scope.ts';
import { InvitationNotFoundError } from '../kernel/errors.ts';
import type { Invitation, Organization, Profile } from '../generated/prisma/client.ts';
import { personName, recordAudit } from '../audit/index.ts';
import { hashInvitationToken } from './invitation-tokens.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { enqueue } from '../outbox/index.ts';
import { assertOpen } from './invitation-state.ts';

// The invited person's side: reading the invitation a link names, and accepting it with a password.

/** What the accept page shows before the person types a password; null for an unknown token. */
export async function readInvitationByToken(scope: ServiceScope, token: string) {
  const invitation = await scope.prisma.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: {
      profile: { select: { firstName: true, locale: true } },
      organization: { select: { name: true, defaultLocale: true, timeZone: true, inviteeMayRequestNewLink: true } },
    },
  });
  return invitation;
}

/**
 * The person accepts with the token and a password. The profile and
 * invitation rows are locked, so a token works once even when two requests race. The
 * profile becomes VALIDATED and the app-download email is queued in the same
 * transaction.
 */
export async function acceptInvitation(scope: ServiceScope, input: { token: string; password: string }): Promise<AcceptedInvitation> {
  const tokenHash = hashInvitationToken(input.token.trim());
  const now = scope.clock.now();
  // With its organization: what the person is told once they accepted (its name, the app links).
  const known = await scope.prisma.invitation.findUnique({ where: { tokenHash }, include: { organization: true } });
  if (!known) throw new InvitationNotFoundError();
  // The token must work before the password costs anything: hashing is memory-hard on purpose,
  // and a used or expired token must not buy an anonymous caller that work. Checked again under the lock.
  assertOpen(known, now);
  assertPasswordPolicy(input.password, known.email, ['input', 'password']);
  const passwordHash = await hashPassword(input.password);
  const { organization } = known;
  return scope.prisma.$transaction(async (tx) => {
    // Profile first, then invitation: the order inviting takes them in, so an accept and a re-invite of the same person never deadlock.
    await tx.$queryRaw`SELECT id FROM profile WHERE id = (SELECT profile_id FROM invitation WHERE token_hash = ${tokenHash}) FOR UPDATE`;
    // Locked and read again in one statement: what a concurrent accept, revocation or re-invite left.
    const [invitation] = await tx.$queryRaw<
      Pick<Invitation, 'id' | 'organizationId' | 'profileId' | 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>[]
    >`
      SELECT id::text, organization_id::text AS "organizationId", profile_id::text AS "profileId", expires_at AS "expiresAt",
             accepted_at AS "acceptedAt", revoked_at AS "revokedAt", superseded_at AS "supersededAt"
      FROM invitation WHERE token_hash = ${tokenHash} FOR UPDATE`;
    if (!invitation) throw new InvitationNotFoundError();
    assertOpen(invitation, now);
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: now } });
    const profile = await tx.profile.update({
      where: { id: invitation.profileId },
      data: { status: 'VALIDATED', passwordHash, validatedAt: now },
    });
    await enqueue(tx, {
      emails: [{ organizationId: invitation.organizationId, profileId: profile.id, invitationId: null, kind: 'APP_DOWNLOAD', to: profile.email }],
      now,
    });
    await enqueue(tx, {
      webhookEvents: {
        organizationId: invitation.organizationId,
        type: 'invitation.accepted',
        now,
        events: [
          {
            data: {
              profileId: globalIdOf('Profile', profile.id),
              externalId: profile.externalId,
              invitationId: globalIdOf('Invitation', invitation.id),
              acceptedAt: now.toISOString(),
            },
          },
        ],
      },
    });
    await recordAudit(
      tx,
      { organizationId: invitation.organizationId, actor: { kind: 'INVITED_PERSON' }, now },
      {
        kind: 'INVITATION_ACCEPTED',
        profileId: profile.id,
        subjectId: invitation.id,
        summary: `${personName(profile)} accepted the invitation and set a password.`,
      },
    );
    return { profile, organization };
  });
}

/** What the person who accepted is told: who they are to the organization, and where to get the app. */
export interface AcceptedInvitation {
  profile: Profile;
  organization: Organization;
}

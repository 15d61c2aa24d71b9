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
    // Read under its lock: what the webhook, the audit row and the email say of the person.
    const [person] = await tx.$queryRaw<Pick<Profile, 'id' | 'firstName' | 'lastName' | 'email' | 'externalId'>[]>`
      SELECT id::text, first_name AS "firstName", last_name AS "lastName", email, external_id AS "externalId"
      FROM profile WHERE id = (SELECT profile_id FROM invitation WHERE token_hash = ${tokenHash}) FOR UPDATE`;
    // Locked and read again in one statement: what a concurrent accept, revocation or re-invite left.
    const [invitation] = await tx.$queryRaw<
      Pick<Invitation, 'id' | 'organizationId' | 'profileId' | 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>[]
    >`
      SELECT id::text, organization_id::text AS "organizationId", profile_id::text AS "profileId", expires_at AS "expiresAt",
             accepted_at AS "acceptedAt", revoked_at AS "revokedAt", superseded_at AS "supersededAt"
      FROM invitation WHERE token_hash = ${tokenHash} FOR UPDATE`;
    if (!invitation || !person) throw new InvitationNotFoundError();
    assertOpen(invitation, now);
    // The rows only this transaction touches first. The rows concurrent accepts share come last, each held
    // until the commit: the organization's profile counter shard (the profile update's trigger), then the
    // email delivery job's row (queueing the email); earlier, they would make the accepts wait on each other.
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: now } });
    await recordAudit(
      tx,
      { organizationId: invitation.organizationId, actor: { kind: 'INVITED_PERSON' }, now },
      {
        kind: 'INVITATION_ACCEPTED',
        profileId: person.id,
        subjectId: invitation.id,
        summary: `${personName(person)} accepted the invitation and set a password.`,
      },
    );
    await enqueue(tx, {
      webhookEvents: {
        organizationId: invitation.organizationId,
        type: 'invitation.accepted',
        now,
        events: [
          {
            data: {
              profileId: globalIdOf('Profile', person.id),
              externalId: person.externalId,
              invitationId: globalIdOf('Invitation', invitation.id),
              acceptedAt: now.toISOString(),
            },
          },
        ],
      },
    });
    const profile = await tx.profile.update({
      where: { id: person.id },
      data: { status: 'VALIDATED', passwordHash, validatedAt: now },
    });
    await enqueue(tx, {
      emails: [{ organizationId: invitation.organizationId, profileId: person.id, invitationId: null, kind: 'APP_DOWNLOAD', to: person.email }],
      now,
    });
    return { profile, organization };
  });
}

/** What the person who accepted is told: who they are to the organization, and where to get the app. */
export interface AcceptedInvitation {
  profile: Profile;
  organization: Organization;
}

import type { OrganizationScope, RequestScope } from '../kernel/scope.ts';
import { NotFoundError } from '../kernel/errors.ts';
import type { Invitation, Prisma } from '../generated/prisma/client.ts';
import { recordAudit } from '../audit/index.ts';
import { invitationNotClosedSql } from './invitation-state.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { enqueue } from '../outbox/index.ts';
import { assertOpen } from './invitation-state.ts';
import { oncePerCall } from '../kernel/idempotency.ts';

type Transaction = Prisma.TransactionClient;

// Closing invitations before they are accepted: by an admin, or because the
// profile's address changed. Both announce invitation.revoked the same way.

/**
 * When a profile's email changes, its open invitation stops working: the link
 * went to the old address, which may belong to someone else. The profile
 * stays PENDING, to be invited at the new address. One statement for any
 * number of profiles.
 */
export async function revokeInvitationsToOldAddresses(tx: Transaction, profileIds: string[], now: Date): Promise<void> {
  if (profileIds.length === 0) return;
  const revoked = await tx.$queryRaw<{ id: string; organization_id: string; profile_id: string; external_id: string | null }[]>`
    UPDATE invitation SET revoked_at = ${now}::timestamptz
    FROM profile
    WHERE profile.id = invitation.profile_id AND invitation.profile_id = ANY(${profileIds}::uuid[])
      AND ${invitationNotClosedSql('invitation')}
      AND invitation.email <> profile.email
    RETURNING invitation.id, invitation.organization_id, invitation.profile_id, profile.external_id`;
  const [first] = revoked;
  if (!first) return;
  await announceRevocations(
    tx,
    first.organization_id,
    now,
    revoked.map((row) => ({ invitationId: row.id, profileId: row.profile_id, externalId: row.external_id })),
  );
}

/**
 * Closes the open invitations of the profiles (their links stop working; a queued email is then refused by the
 * communication gate), e.g. when the directory deactivates them. One statement for any number of profiles.
 */
export async function revokeOpenInvitations(tx: Transaction, organizationId: string, profileIds: string[], now: Date): Promise<number> {
  return (await closeOpenInvitations(tx, organizationId, profileIds, now)).length;
}

/**
 * Revokes the open invitations of many profiles at an admin's or API key's request (invitationsRevoke): as
 * revokeInvitation does for one, each is announced (invitation.revoked) and audited (INVITATION_REVOKED), in the
 * caller's transaction. Returns the profiles whose invitation was revoked.
 */
export async function revokeOpenInvitationsOf(tx: Transaction, scope: OrganizationScope, profileIds: string[]): Promise<string[]> {
  const revoked = await closeOpenInvitations(tx, scope.organizationId, profileIds, scope.now);
  await recordAudit(
    tx,
    scope,
    revoked.map((row) => ({
      kind: 'INVITATION_REVOKED' as const,
      profileId: row.profile_id,
      subjectId: row.id,
      summary: `Revoked the invitation sent to ${row.email} (bulk).`,
    })),
  );
  return [...new Set(revoked.map((row) => row.profile_id))];
}

/** Closes the profiles' open invitations and writes their invitation.revoked events: one statement, the rows revoked. */
async function closeOpenInvitations(tx: Transaction, organizationId: string, profileIds: string[], now: Date) {
  if (profileIds.length === 0) return [];
  const revoked = await tx.$queryRaw<{ id: string; profile_id: string; external_id: string | null; email: string }[]>`
    UPDATE invitation SET revoked_at = ${now}::timestamptz
    FROM profile
    WHERE profile.id = invitation.profile_id AND invitation.organization_id = ${organizationId}::uuid
      AND invitation.profile_id = ANY(${profileIds}::uuid[]) AND ${invitationNotClosedSql('invitation')}
    RETURNING invitation.id, invitation.profile_id, profile.external_id, invitation.email::text AS email`;
  await announceRevocations(
    tx,
    organizationId,
    now,
    revoked.map((row) => ({ invitationId: row.id, profileId: row.profile_id, externalId: row.external_id })),
  );
  return revoked;
}

/** The invitation.revoked events of invitations revoked at `now`, written to the outbox. */
async function announceRevocations(
  tx: Transaction,
  organizationId: string,
  now: Date,
  revoked: { invitationId: string; profileId: string; externalId: string | null }[],
): Promise<void> {
  await enqueue(tx, {
    webhookEvents: {
      organizationId,
      type: 'invitation.revoked',
      now,
      events: revoked.map((row) => ({
        data: {
          profileId: globalIdOf('Profile', row.profileId),
          externalId: row.externalId,
          invitationId: globalIdOf('Invitation', row.invitationId),
          revokedAt: now.toISOString(),
        },
      })),
    },
  });
}

/**
 * Withdraws an open invitation: its link stops working and its email, if still queued, is not sent. The same call's
 * retry (its answer lost) gets the revoked invitation again, not INVITATION_REVOKED.
 */
export async function revokeInvitation(scope: RequestScope, invitationId: string): Promise<Invitation> {
  const { now, organizationId } = scope;
  return scope.prisma.$transaction((tx) =>
    oncePerCall(tx, {
      organizationId,
      operation: 'invitationRevoke',
      callId: scope.callId,
      input: { invitationId },
      keep: (revoked) => revoked.id,
      answerAgain: (kept) => tx.invitation.findFirstOrThrow({ where: { id: kept as string, organizationId } }),
      run: async () => {
        // Locked, so a revocation racing an accept sees the accept (and says so) instead of revoking an accepted invitation.
        await tx.$queryRaw`SELECT id FROM invitation WHERE id = ${invitationId}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
        const invitation = await tx.invitation.findFirst({
          where: { id: invitationId, organizationId },
          include: { profile: { select: { externalId: true } } },
        });
        if (!invitation) throw new NotFoundError(['input', 'invitationId'], 'invitation');
        assertOpen(invitation, now);
        const revoked = await tx.invitation.update({ where: { id: invitationId }, data: { revokedAt: now } });
        await announceRevocations(tx, organizationId, now, [
          { invitationId: invitation.id, profileId: invitation.profileId, externalId: invitation.profile.externalId },
        ]);
        await recordAudit(tx, scope, {
          kind: 'INVITATION_REVOKED',
          profileId: invitation.profileId,
          subjectId: invitation.id,
          summary: `Revoked the invitation sent to ${invitation.email}.`,
        });
        return revoked;
      },
    }),
  );
}

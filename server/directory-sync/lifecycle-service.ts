import { personName, recordAudit } from '../audit/index.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { ProfileStatus } from '../generated/prisma/enums.ts';
import { inviteBatch, revokeOpenInvitations } from '../invitations/index.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { enqueue } from '../outbox/index.ts';
import { connectionWords, type DirectoryScope } from './directory-scope.ts';
import { reconcileGroupAccess } from './group-access.ts';

type Transaction = Prisma.TransactionClient;

// What the directory's `active` does to a profile, and when a provisioned
// profile is invited.
//
// Deactivation (active=false, or DELETE): the profile becomes DEACTIVATED,
// remembering its status; its open invitation is closed (the link stops
// working, a queued email is refused by the communication gate); its
// group-given access is taken away; `profile.deactivated` is announced.
// Reactivation gives back the status it had and its group access; a VALIDATED
// person stays VALIDATED and is never invited again; a NOT_INVITED or PENDING
// one meets the connection's invite policy again.

/** Whether the connection's invite policy invites now. */
export function policyInvitesNow(scope: DirectoryScope): boolean {
  const { invitePolicy, goLiveAt } = scope.connection;
  return invitePolicy === 'ON_PROVISIONING' || (invitePolicy === 'ON_GO_LIVE_DATE' && goLiveAt !== null && goLiveAt.getTime() <= scope.now.getTime());
}

/**
 * Invites, through the one invitation engine, those of the profiles that the policy says to invite now and that are
 * NOT_INVITED (or PENDING without an open invitation, after a reactivation). The email goes through the outbox and
 * the communication gate like any invitation. Returns how many were invited.
 */
export async function inviteByPolicy(tx: Transaction, scope: DirectoryScope, profileIds: string[]): Promise<number> {
  if (profileIds.length === 0 || !policyInvitesNow(scope)) return 0;
  const candidates = await tx.$queryRaw<{ id: string; first_name: string; last_name: string }[]>`
    SELECT p.id::text, p.first_name, p.last_name FROM profile p
    WHERE p.organization_id = ${scope.organizationId}::uuid AND p.id = ANY(${profileIds}::uuid[])
      AND (p.status = 'NOT_INVITED' OR (p.status = 'PENDING' AND NOT EXISTS (
        SELECT 1 FROM invitation i WHERE i.id = p.latest_invitation_id AND i.accepted_at IS NULL AND i.revoked_at IS NULL
          AND i.superseded_at IS NULL AND i.expires_at > ${scope.now}::timestamptz)))`;
  if (candidates.length === 0) return 0;
  const organization = await tx.organization.findUniqueOrThrow({ where: { id: scope.organizationId }, select: { invitationValidityHours: true } });
  const result = await inviteBatch(
    tx,
    {
      settings: scope.settings,
      organizationId: scope.organizationId,
      invitationValidityHours: organization.invitationValidityHours,
      now: scope.now,
      sender: null,
      sendEmail: true,
    },
    candidates.map((row) => row.id),
  );
  const invited = candidates.filter((row) => {
    const outcome = result.outcomes.get(row.id);
    return outcome && outcome.kind !== 'SKIP';
  });
  await recordAudit(
    tx,
    scope,
    invited.map((row) => ({
      kind: 'PROFILE_INVITED' as const,
      profileId: row.id,
      subjectId: (result.outcomes.get(row.id) as { invitationId?: string }).invitationId ?? null,
      summary: `Invited ${personName({ firstName: row.first_name, lastName: row.last_name })} by email: the invite policy of the ${connectionWords(scope.connection)}.`,
    })),
  );
  if (invited.length) scope.changes.push(`invited ${invited.length} (invite policy)`);
  return invited.length;
}

/** Deactivates the profile the connection holds (it must be active there). */
export async function deactivate(tx: Transaction, scope: DirectoryScope, profileId: string): Promise<void> {
  const [profile] = await tx.$queryRaw<{ status: ProfileStatus; first_name: string; last_name: string; external_id: string | null }[]>`
    SELECT status, first_name, last_name, external_id FROM profile WHERE id = ${profileId}::uuid AND organization_id = ${scope.organizationId}::uuid FOR UPDATE`;
  if (!profile) return;
  await tx.directoryUser.update({
    where: { profileId },
    data: { active: false, statusBeforeDeactivation: profile.status === 'DEACTIVATED' ? undefined : profile.status },
  });
  const closed = await revokeOpenInvitations(tx, scope.organizationId, [profileId], scope.now);
  await reconcileGroupAccess(tx, scope, [profileId]);
  if (profile.status !== 'DEACTIVATED') {
    await tx.profile.update({ where: { id: profileId }, data: { status: 'DEACTIVATED', updatedAt: scope.now } });
  }
  await enqueue(tx, {
    webhookEvents: {
      organizationId: scope.organizationId,
      type: 'profile.deactivated',
      now: scope.now,
      events: [{ data: { profileId: globalIdOf('Profile', profileId), externalId: profile.external_id, deactivatedAt: scope.now.toISOString() } }],
    },
  });
  const name = personName({ firstName: profile.first_name, lastName: profile.last_name });
  await recordAudit(tx, scope, {
    kind: 'PROFILE_DEACTIVATED',
    profileId,
    summary: `The ${connectionWords(scope.connection)} deactivated ${name}${closed ? '; the open invitation was closed' : ''}.`,
  });
  scope.changes.push(`deactivated ${name}${closed ? ', closed the open invitation' : ''}`);
}

/** Reactivates the profile the connection holds: its earlier status, its group access, the invite policy. */
export async function reactivate(tx: Transaction, scope: DirectoryScope, profileId: string): Promise<void> {
  const held = await tx.directoryUser.findUniqueOrThrow({ where: { profileId }, select: { statusBeforeDeactivation: true } });
  const [profile] = await tx.$queryRaw<{ status: ProfileStatus; first_name: string; last_name: string; external_id: string | null }[]>`
    SELECT status, first_name, last_name, external_id FROM profile WHERE id = ${profileId}::uuid AND organization_id = ${scope.organizationId}::uuid FOR UPDATE`;
  if (!profile) return;
  const status: ProfileStatus = profile.status === 'DEACTIVATED' ? (held.statusBeforeDeactivation ?? 'NOT_INVITED') : profile.status;
  await tx.directoryUser.update({ where: { profileId }, data: { active: true, statusBeforeDeactivation: null } });
  if (profile.status === 'DEACTIVATED') await tx.profile.update({ where: { id: profileId }, data: { status, updatedAt: scope.now } });
  await reconcileGroupAccess(tx, scope, [profileId]);
  const name = personName({ firstName: profile.first_name, lastName: profile.last_name });
  await recordAudit(tx, scope, {
    kind: 'PROFILE_REACTIVATED',
    profileId,
    summary: `The ${connectionWords(scope.connection)} reactivated ${name}: back to ${status}.`,
  });
  scope.changes.push(`reactivated ${name} (${status})`);
  await inviteByPolicy(tx, scope, [profileId]);
  // After the invitation's email: the email delivery job's row is locked before the webhook delivery job's, as
  // everywhere (server/outbox/index.ts), so a reactivation and an accept never deadlock.
  await enqueue(tx, {
    webhookEvents: {
      organizationId: scope.organizationId,
      type: 'profile.reactivated',
      now: scope.now,
      events: [{ data: { profileId: globalIdOf('Profile', profileId), externalId: profile.external_id, status, reactivatedAt: scope.now.toISOString() } }],
    },
  });
}

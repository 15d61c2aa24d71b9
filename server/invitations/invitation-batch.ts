import { randomUUID } from 'node:crypto';
import type { AppSettings, Viewer } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, ProfileStatus } from '../generated/prisma/enums.ts';
import { type InvitationOutcome, invitationOutcome, type SkipReason } from './invitation-rules.ts';
import { invitationNotClosedSql } from './invitation-state.ts';
import { hashInvitationToken, invitationToken } from './invitation-tokens.ts';
import { globalIdOf, nullableGlobalIdOf } from '../kernel/global-ids.ts';
import { enqueue } from '../outbox/index.ts';

// The invitation engine: invites a batch of profiles in one transaction (one
// profile from the API, a chunk of a bulk invitation), each for the reason its
// state gives, or records why it was skipped. Every invitation, email and
// webhook event of the batch is written in a few statements whatever its size.

type Transaction = Prisma.TransactionClient;

/** Who sends: an admin or an API key of the organization. */
export type Sender = Viewer['actor'] | null;

/** One batch of invitations: in which organization, by whom, at what instant, and how. */
export interface BatchScope {
  settings: AppSettings;
  organizationId: string;
  invitationValidityHours: number;
  now: Date;
  sender: Sender;
  /** The bulk invitation the batch is a chunk of, if any. */
  bulkInvitationId?: string;
  /** False: no email, the link is handed over another way. */
  sendEmail: boolean;
  /** The invited person asked for it (a new link from the accept page); the sender is then null. */
  requestedByInvitee?: boolean;
}

export interface BatchResult {
  invited: number;
  reinvited: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Per requested profile id. */
  outcomes: Map<string, InvitationOutcome & { invitationId?: string }>;
}

interface CandidateRow {
  id: string;
  status: ProfileStatus;
  email: string;
  latest_invitation_id: string | null;
  latest_created_at: Date | null;
  latest_email: string | null;
  latest_delivery_state: EmailDeliveryState | null;
  external_id: string | null;
}

/**
 * The profiles among `ids` that belong to the organization, with what decides
 * their outcome (status, email, latest invitation). When inviting (`lock`),
 * the profiles are locked first, in id order, and read in a second statement:
 * under READ COMMITTED each statement sees what was committed when it began,
 * so a read made after the lock was granted sees the invitation that a
 * concurrent invite (holding the lock before us) just committed. Locking and
 * reading in one statement (`FOR UPDATE OF p` on the join) would re-check the
 * profile row alone and still join the latest invitation as it was before the
 * wait: two racing invites would both pass the re-send cooldown.
 */
export async function loadCandidates(executor: Transaction | PrismaClient, organizationId: string, ids: string[], lock: boolean) {
  if (lock) {
    await executor.$queryRaw`
      SELECT id FROM profile WHERE organization_id = ${organizationId}::uuid AND id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  }
  return executor.$queryRaw<CandidateRow[]>`
    SELECT p.id, p.status, p.email, p.latest_invitation_id, i.created_at AS latest_created_at, i.email AS latest_email,
           i.delivery_state AS latest_delivery_state, p.external_id
    FROM profile p LEFT JOIN invitation i ON i.id = p.latest_invitation_id
    WHERE p.organization_id = ${organizationId}::uuid AND p.id = ANY(${ids}::uuid[])`;
}

export function outcomeOf(row: CandidateRow, now: Date): InvitationOutcome {
  return invitationOutcome(
    {
      status: row.status,
      email: row.email,
      latestInvitation: row.latest_created_at
        ? { createdAt: row.latest_created_at, email: row.latest_email!, deliveryState: row.latest_delivery_state! }
        : null,
    },
    now,
  );
}

/**
 * Invites the profiles among `ids` that may be invited, in the caller's
 * transaction, with a fixed number of statements whatever the batch size:
 * earlier open invitations stop working, each invitee gets a new invitation
 * and (unless `sendEmail` is false) a queued email, and the delivery job is
 * requested in the same transaction. The others are skipped, by reason.
 */
export async function inviteBatch(tx: Transaction, scope: BatchScope, ids: string[]): Promise<BatchResult> {
  const { settings, sendEmail } = scope;
  const result: BatchResult = { invited: 0, reinvited: 0, skipped: {}, outcomes: new Map() };
  const rows = await loadCandidates(tx, scope.organizationId, ids, true);
  const found = new Set(rows.map((row) => row.id));
  for (const id of ids) {
    if (found.has(id)) continue;
    result.outcomes.set(id, { kind: 'SKIP', reason: 'NOT_FOUND' });
    result.skipped.NOT_FOUND = (result.skipped.NOT_FOUND ?? 0) + 1;
  }

  const invitees: { row: CandidateRow; invitationId: string }[] = [];
  for (const row of rows) {
    const outcome = outcomeOf(row, scope.now);
    if (outcome.kind === 'SKIP') {
      result.skipped[outcome.reason] = (result.skipped[outcome.reason] ?? 0) + 1;
      result.outcomes.set(row.id, outcome);
      continue;
    }
    const invitationId = randomUUID();
    invitees.push({ row, invitationId });
    result.outcomes.set(row.id, { ...outcome, invitationId });
    if (outcome.kind === 'INVITE') result.invited++;
    else result.reinvited++;
  }
  if (scope.bulkInvitationId) await recordSkippedProfiles(tx, scope.bulkInvitationId, result.outcomes, found);
  if (invitees.length === 0) return result;

  const { now } = scope;
  const previous = invitees.map(({ row }) => row.latest_invitation_id).filter((id): id is string => id !== null);
  if (previous.length > 0) {
    await tx.$executeRaw`
      UPDATE invitation SET superseded_at = ${now}::timestamptz
      WHERE id = ANY(${previous}::uuid[]) AND ${invitationNotClosedSql('invitation')}`;
  }
  const expiresAt = new Date(now.getTime() + scope.invitationValidityHours * 3_600_000);
  const profileIds = invitees.map(({ row }) => row.id);
  const invitationIds = invitees.map(({ invitationId }) => invitationId);
  const emails = invitees.map(({ row }) => row.email);
  const tokenHashes = invitationIds.map((id) => hashInvitationToken(invitationToken(settings.invitationTokenSecret, id)));
  const adminId = scope.sender?.kind === 'ADMIN' ? scope.sender.id : null;
  const apiKeyId = scope.sender?.kind === 'API_KEY' ? scope.sender.id : null;
  // Arrays through unnest: one statement of a dozen parameters per table, where
  // Prisma's createMany would bind thousands (and take ten times as long). In
  // the UPDATE, "id = ANY(…)" lets PostgreSQL fetch the rows by primary key;
  // joining on unnest alone, it scans the whole table at every chunk.
  await tx.$executeRaw`
    INSERT INTO invitation (id, organization_id, profile_id, token_hash, email, created_at, expires_at,
                            sent_by_admin_id, sent_by_api_key_id, bulk_invitation_id, delivery_state, requested_by_invitee)
    SELECT v.id, ${scope.organizationId}::uuid, v.profile_id, v.token_hash, v.email, ${now}::timestamptz, ${expiresAt}::timestamptz,
           ${adminId}::uuid, ${apiKeyId}::uuid, ${scope.bulkInvitationId ?? null}::uuid, ${sendEmail ? 'QUEUED' : 'NO_EMAIL'}::"EmailDeliveryState",
           ${scope.requestedByInvitee ?? false}
    FROM unnest(${invitationIds}::uuid[], ${profileIds}::uuid[], ${tokenHashes}::text[], ${emails}::citext[]) AS v(id, profile_id, token_hash, email)`;
  await tx.$executeRaw`
    UPDATE profile SET status = 'PENDING', latest_invitation_id = v.invitation_id, invited_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    FROM unnest(${profileIds}::uuid[], ${invitationIds}::uuid[]) AS v(profile_id, invitation_id)
    WHERE profile.id = v.profile_id AND profile.id = ANY(${profileIds}::uuid[])`;
  if (sendEmail) {
    const organizationId = scope.organizationId;
    await enqueue(tx, {
      emails: invitees.map(({ row, invitationId }) => ({ organizationId, profileId: row.id, invitationId, kind: 'INVITATION', to: row.email })),
      now,
    });
  }
  await enqueue(tx, {
    webhookEvents: {
      organizationId: scope.organizationId,
      type: 'profile.invited',
      now,
      events: invitees.map(({ row, invitationId }) => ({
        data: {
          profileId: globalIdOf('Profile', row.id),
          externalId: row.external_id,
          invitationId: globalIdOf('Invitation', invitationId),
          bulkInvitationId: nullableGlobalIdOf('BulkInvitation', scope.bulkInvitationId),
          reinvited: row.latest_invitation_id !== null,
          invitedAt: now.toISOString(),
          expiresAt: expiresAt.toISOString(),
        },
      })),
    },
  });
  return result;
}

/** Which profiles a bulk invitation skipped and why (null profile: the id named none of the organization's). One statement. */
async function recordSkippedProfiles(tx: Transaction, bulkInvitationId: string, outcomes: BatchResult['outcomes'], found: Set<string>) {
  const skipped = [...outcomes].filter(([, outcome]) => outcome.kind === 'SKIP');
  if (skipped.length === 0) return;
  const profileIds = skipped.map(([id]) => (found.has(id) ? id : null));
  const reasons = skipped.map(([, outcome]) => (outcome as { reason: SkipReason }).reason);
  await tx.$executeRaw`
    INSERT INTO bulk_invitation_skip (id, bulk_invitation_id, profile_id, reason)
    SELECT gen_random_uuid(), ${bulkInvitationId}::uuid, v.profile_id, v.reason::"SkipReason"
    FROM unnest(${profileIds}::uuid[], ${reasons}::text[]) AS v(profile_id, reason)`;
}

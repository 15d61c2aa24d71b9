import { randomUUID } from 'node:crypto';
import { assertPasswordPolicy } from '../auth/password-policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { AppSettings, RequestScope, ServiceScope, Viewer } from '../scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import {
  EmailUndeliverableError,
  InvalidEmailError,
  InvitationAlreadyUsedError,
  InvitationExpiredError,
  InvitationNotFoundError,
  InvitationRevokedError,
  NotFoundError,
  ProfileAlreadyValidatedError,
  ProfileDeactivatedError,
  ResendTooSoonError,
} from '../errors/domain-errors.ts';
import type { Invitation, Organization, Prisma, Profile } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, ProfileStatus } from '../generated/prisma/enums.ts';
import { personName, recordAudit } from '../audit/audit-trail.ts';
import { requestEmailDelivery } from '../jobs/job-queue.ts';
import { type InvitationOutcome, invitationOutcome, type SkipReason } from './invitation-rules.ts';
import { invitationNotClosedSql, invitationState } from './invitation-state.ts';
import { acceptLink, hashInvitationToken, invitationToken } from './invitation-tokens.ts';
import { globalIdOf, nullableGlobalIdOf, recordWebhookEvents } from '../webhooks/webhook-events.ts';

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
    await tx.$executeRaw`
      INSERT INTO email (id, organization_id, profile_id, invitation_id, kind, "to", created_at)
      SELECT gen_random_uuid(), ${scope.organizationId}::uuid, v.profile_id, v.invitation_id, 'INVITATION', v.email, ${now}::timestamptz
      FROM unnest(${profileIds}::uuid[], ${invitationIds}::uuid[], ${emails}::text[]) AS v(profile_id, invitation_id, email)`;
    await requestEmailDelivery(tx);
  }
  await recordWebhookEvents(
    tx,
    scope.organizationId,
    'profile.invited',
    now,
    invitees.map(({ row, invitationId }) => ({
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
  );
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

/**
 * When a profile's email changes, its open invitation stops working: the link
 * went to the old address, which may belong to someone else. The profile
 * stays PENDING, to be invited at the new address. One statement for any
 * number of profiles.
 */
export async function revokeInvitationsToOldAddresses(tx: Transaction, profileIds: string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const revoked = await tx.$queryRaw<{ id: string; organization_id: string; profile_id: string; external_id: string | null; revoked_at: Date }[]>`
    UPDATE invitation SET revoked_at = now()
    FROM profile
    WHERE profile.id = invitation.profile_id AND invitation.profile_id = ANY(${profileIds}::uuid[])
      AND ${invitationNotClosedSql('invitation')}
      AND invitation.email <> profile.email
    RETURNING invitation.id, invitation.organization_id, invitation.profile_id, profile.external_id, invitation.revoked_at`;
  const [first] = revoked;
  if (!first) return;
  await recordWebhookEvents(
    tx,
    first.organization_id,
    'invitation.revoked',
    first.revoked_at,
    revoked.map((row) => ({
      data: {
        profileId: globalIdOf('Profile', row.profile_id),
        externalId: row.external_id,
        invitationId: globalIdOf('Invitation', row.id),
        revokedAt: row.revoked_at.toISOString(),
      },
    })),
  );
}

/**
 * Closes the open invitations of the profiles (their links stop working; a queued email is then refused by the
 * communication gate), e.g. when the directory deactivates them. One statement for any number of profiles.
 */
export async function revokeOpenInvitations(tx: Transaction, organizationId: string, profileIds: string[], now: Date): Promise<number> {
  if (profileIds.length === 0) return 0;
  const revoked = await tx.$queryRaw<{ id: string; profile_id: string; external_id: string | null }[]>`
    UPDATE invitation SET revoked_at = ${now}::timestamptz
    FROM profile
    WHERE profile.id = invitation.profile_id AND invitation.organization_id = ${organizationId}::uuid
      AND invitation.profile_id = ANY(${profileIds}::uuid[]) AND ${invitationNotClosedSql('invitation')}
    RETURNING invitation.id, invitation.profile_id, profile.external_id`;
  await recordWebhookEvents(
    tx,
    organizationId,
    'invitation.revoked',
    now,
    revoked.map((row) => ({
      data: {
        profileId: globalIdOf('Profile', row.profile_id),
        externalId: row.external_id,
        invitationId: globalIdOf('Invitation', row.id),
        revokedAt: now.toISOString(),
      },
    })),
  );
  return revoked.length;
}

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

/** Withdraws an open invitation: its link stops working and its email, if still queued, is not sent. */
export async function revokeInvitation(scope: RequestScope, invitationId: string): Promise<Invitation> {
  const { now, organizationId } = scope;
  return scope.prisma.$transaction(async (tx) => {
    // Locked, so a revocation racing an accept sees the accept (and says so) instead of revoking an accepted invitation.
    await tx.$queryRaw`SELECT id FROM invitation WHERE id = ${invitationId}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, organizationId }, include: { profile: { select: { externalId: true } } } });
    if (!invitation) throw new NotFoundError(['input', 'invitationId'], 'invitation');
    assertOpen(invitation, now);
    const revoked = await tx.invitation.update({ where: { id: invitationId }, data: { revokedAt: now } });
    await recordWebhookEvents(tx, organizationId, 'invitation.revoked', now, [
      {
        data: {
          profileId: globalIdOf('Profile', invitation.profileId),
          externalId: invitation.profile.externalId,
          invitationId: globalIdOf('Invitation', invitation.id),
          revokedAt: now.toISOString(),
        },
      },
    ]);
    await recordAudit(tx, scope, {
      kind: 'INVITATION_REVOKED',
      profileId: invitation.profileId,
      subjectId: invitation.id,
      summary: `Revoked the invitation sent to ${invitation.email}.`,
    });
    return revoked;
  });
}

function assertOpen(invitation: Pick<Invitation, 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>, now: Date): void {
  switch (invitationState(invitation, now)) {
    case 'ACCEPTED':
      throw new InvitationAlreadyUsedError();
    case 'REVOKED':
      throw new InvitationRevokedError(false);
    case 'SUPERSEDED':
      throw new InvitationRevokedError(true);
    case 'EXPIRED':
      throw new InvitationExpiredError(invitation.expiresAt);
    case 'OPEN':
      return;
  }
}

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
    await tx.email.create({
      data: { organizationId: invitation.organizationId, profileId: profile.id, kind: 'APP_DOWNLOAD', to: profile.email, createdAt: now },
    });
    await requestEmailDelivery(tx);
    await recordWebhookEvents(tx, invitation.organizationId, 'invitation.accepted', now, [
      {
        data: {
          profileId: globalIdOf('Profile', profile.id),
          externalId: profile.externalId,
          invitationId: globalIdOf('Invitation', invitation.id),
          acceptedAt: now.toISOString(),
        },
      },
    ]);
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

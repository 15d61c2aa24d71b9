import type { Prisma, AdminInvitation } from '../generated/prisma/client.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { assertPasswordPolicy, hashPassword } from '../auth/index.ts';
import { recordAudit } from '../audit/index.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import {
  AdminInvitationLimitReachedError,
  EmailAlreadyUsedError,
  InvitationAlreadyUsedError,
  InvitationExpiredError,
  InvitationNotFoundError,
  InvitationRevokedError,
  NotFoundError,
  ResendTooSoonError,
} from '../kernel/errors.ts';
import { assertMayGrant } from '../kernel/granting.ts';
import { ADMIN_INVITATION_RESEND_SECONDS, ADMIN_INVITATION_VALIDITY_HOURS, MAX_OPEN_ADMIN_INVITATIONS } from '../kernel/limits.ts';
import type { RequestScope, ServiceScope } from '../kernel/scope.ts';
import { parseEmail, parseRequiredText } from '../kernel/text-fields.ts';
import { enqueue } from '../outbox/index.ts';
import { adminInvitationToken, hashAdminInvitationToken } from './admin-invitation-tokens.ts';
import { assertCallerStillOwner, lockAdminTeam } from './admin-team-lock.ts';

// Admins invited by email: an owner names the person and their role, Parkpass
// emails a link (server/email, kind ADMIN_INVITATION), and the person chooses
// their own password on the admin UI's join page. Nobody hands a password
// over. One open invitation per address: inviting again replaces it.

export const MAX_ADMIN_NAME_LENGTH = 100;

export type AdminInvitationState = 'OPEN' | 'EXPIRED' | 'ACCEPTED' | 'REVOKED';

type Dates = Pick<AdminInvitation, 'expiresAt' | 'acceptedAt' | 'revokedAt'>;

/** Where an admin invitation stands at `now` (accepted and revoked win over expired). */
export function adminInvitationState(invitation: Dates, now: Date): AdminInvitationState {
  if (invitation.acceptedAt) return 'ACCEPTED';
  if (invitation.revokedAt) return 'REVOKED';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'OPEN';
}

/** Prisma's where for the invitations in `state` at `now`. */
export function adminInvitationsInState(state: AdminInvitationState, now: Date): Prisma.AdminInvitationWhereInput {
  switch (state) {
    case 'ACCEPTED':
      return { acceptedAt: { not: null } };
    case 'REVOKED':
      return { acceptedAt: null, revokedAt: { not: null } };
    case 'EXPIRED':
      return { acceptedAt: null, revokedAt: null, expiresAt: { lte: now } };
    case 'OPEN':
      return { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } };
  }
}

function assertUsable(invitation: Dates, now: Date): void {
  switch (adminInvitationState(invitation, now)) {
    case 'ACCEPTED':
      throw new InvitationAlreadyUsedError();
    case 'REVOKED':
      throw new InvitationRevokedError(false);
    case 'EXPIRED':
      throw new InvitationExpiredError(invitation.expiresAt);
    case 'OPEN':
      return;
  }
}

export interface AdminInviteInput {
  email: string;
  name: string;
  role: Role;
}

/**
 * Invites a person to the admin team. Refused when the address is already an
 * admin here (EMAIL_ALREADY_USED), when it was invited moments ago
 * (RESEND_TOO_SOON: nobody is spammed), or when the organization holds too
 * many open invitations. An earlier open invitation to the address stops
 * working. The invitation, its email and the audit event commit together.
 */
export async function inviteAdmin(scope: RequestScope, input: AdminInviteInput): Promise<AdminInvitation> {
  const email = parseEmail(input.email, ['input', 'email']).toLowerCase();
  const name = parseRequiredText(input.name, ['input', 'name'], MAX_ADMIN_NAME_LENGTH);
  assertMayGrant(scope.viewer, input.role, 'MANAGE_ADMINS');
  const { organizationId } = scope.viewer;
  const now = scope.now;
  return scope.prisma.$transaction(async (tx) => {
    await lockAdminTeam(tx, organizationId);
    await assertCallerStillOwner(tx, scope);
    if (await tx.admin.findFirst({ where: { organizationId, email }, select: { id: true } })) {
      throw new EmailAlreadyUsedError(['input', 'email'], email, null, `${email} is already an admin of this organization.`);
    }
    const open = adminInvitationsInState('OPEN', now);
    const latest = await tx.adminInvitation.findFirst({ where: { organizationId, email }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
    const since = latest ? (now.getTime() - latest.createdAt.getTime()) / 1000 : Number.POSITIVE_INFINITY;
    if (since < ADMIN_INVITATION_RESEND_SECONDS) {
      const wait = Math.ceil(ADMIN_INVITATION_RESEND_SECONDS - since);
      throw new ResendTooSoonError(wait, `${email} was invited moments ago. Try again in ${wait} seconds.`);
    }
    const { count: replaced } = await tx.adminInvitation.updateMany({ where: { organizationId, email, ...open }, data: { revokedAt: now } });
    if ((await tx.adminInvitation.count({ where: { organizationId, ...open } })) >= MAX_OPEN_ADMIN_INVITATIONS) {
      throw new AdminInvitationLimitReachedError(MAX_OPEN_ADMIN_INVITATIONS);
    }
    const id = crypto.randomUUID();
    const invitation = await tx.adminInvitation.create({
      data: {
        id,
        organizationId,
        email,
        name,
        role: input.role,
        tokenHash: hashAdminInvitationToken(adminInvitationToken(scope.settings.invitationTokenSecret, id)),
        createdAt: now,
        expiresAt: new Date(now.getTime() + ADMIN_INVITATION_VALIDITY_HOURS * 3_600_000),
        invitedByAdminId: scope.viewer.actor.kind === 'ADMIN' ? scope.viewer.actor.id : null,
      },
    });
    await enqueue(tx, { emails: [{ organizationId, profileId: null, invitationId: null, adminInvitationId: id, kind: 'ADMIN_INVITATION', to: email }], now });
    await recordAudit(tx, scope, {
      kind: 'ADMIN_INVITED',
      subjectId: id,
      summary: `Invited ${name} <${email}> to the admin team as ${input.role}${replaced ? ' (the earlier invitation stopped working)' : ''}.`,
    });
    return invitation;
  });
}

/** Revokes an open admin invitation: its link stops working. An invitation no longer open is refused with its state's error. */
export async function revokeAdminInvitation(scope: RequestScope, id: string): Promise<AdminInvitation> {
  const { organizationId } = scope.viewer;
  return scope.prisma.$transaction(async (tx) => {
    await lockAdminTeam(tx, organizationId);
    await assertCallerStillOwner(tx, scope);
    const invitation = await tx.adminInvitation.findFirst({ where: { id, organizationId } });
    if (!invitation) throw new NotFoundError(['id'], 'admin invitation');
    assertUsable(invitation, scope.now);
    const revoked = await tx.adminInvitation.update({ where: { id }, data: { revokedAt: scope.now } });
    await recordAudit(tx, scope, {
      kind: 'ADMIN_INVITATION_REVOKED',
      subjectId: id,
      summary: `Revoked the admin invitation of ${invitation.name} <${invitation.email}>.`,
    });
    return revoked;
  });
}

/** What the join page shows before the person types a password; null for an unknown token. */
export async function readAdminInvitationByToken(scope: ServiceScope, token: string) {
  return scope.prisma.adminInvitation.findUnique({
    where: { tokenHash: hashAdminInvitationToken(token.trim()) },
    include: { organization: { select: { id: true, name: true, defaultLocale: true } } },
  });
}

export interface AcceptedAdminInvitation {
  adminId: string;
  organizationId: string;
  organizationName: string;
  email: string;
}

/**
 * The invited person accepts with the token and the password they choose:
 * they become an admin with the invitation's name and role. The token is
 * checked before the password costs anything, and again under the team lock
 * and the invitation's row lock, so it works once even when two requests race.
 */
export async function acceptAdminInvitation(scope: ServiceScope, input: { token: string; password: string }): Promise<AcceptedAdminInvitation> {
  const tokenHash = hashAdminInvitationToken(input.token.trim());
  const now = scope.clock.now();
  const known = await scope.prisma.adminInvitation.findUnique({ where: { tokenHash }, include: { organization: { select: { name: true } } } });
  if (!known) throw new InvitationNotFoundError();
  assertUsable(known, now);
  assertPasswordPolicy(input.password, known.email, ['input', 'password']);
  const passwordHash = await hashPassword(input.password);
  try {
    return await scope.prisma.$transaction(async (tx) => {
      await lockAdminTeam(tx, known.organizationId);
      const [invitation] = await tx.$queryRaw<Dates[]>`
        SELECT expires_at AS "expiresAt", accepted_at AS "acceptedAt", revoked_at AS "revokedAt"
        FROM admin_invitation WHERE id = ${known.id}::uuid FOR UPDATE`;
      if (!invitation) throw new InvitationNotFoundError();
      assertUsable(invitation, now);
      await tx.adminInvitation.update({ where: { id: known.id }, data: { acceptedAt: now } });
      const admin = await tx.admin.create({
        data: { organizationId: known.organizationId, email: known.email, name: known.name, role: known.role, passwordHash, createdAt: now },
      });
      await recordAudit(
        tx,
        { organizationId: known.organizationId, actor: { kind: 'INVITED_PERSON' }, now },
        {
          kind: 'ADMIN_ADDED',
          subjectId: admin.id,
          summary: `${admin.name} <${admin.email}> accepted the invitation and joined the admin team as ${admin.role}.`,
        },
      );
      return { adminId: admin.id, organizationId: known.organizationId, organizationName: known.organization.name, email: admin.email };
    });
  } catch (error) {
    // The address became an admin meanwhile (added with a password): this invitation has nothing left to do.
    if (uniqueViolation(error)) throw new InvitationAlreadyUsedError();
    throw error;
  }
}

import { assertMayGrant } from '../kernel/granting.ts';
import type { RequestScope } from '../kernel/scope.ts';
import { hashPassword } from '../auth/index.ts';
import { assertPasswordPolicy } from '../auth/index.ts';
import { CannotRemoveSelfError, EmailAlreadyUsedError, NotFoundError } from '../kernel/errors.ts';
import type { Admin } from '../generated/prisma/client.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { parseEmail, parseRequiredText } from '../kernel/text-fields.ts';
import { eraseAdminFromTrail, recordAudit } from '../audit/index.ts';
import { disableEndpointsKnownToAdmin } from '../webhooks/index.ts';
import { assertCallerStillOwner, assertOwnersRemain, lockAdminTeam } from './admin-team-lock.ts';

const MAX_ADMIN_NAME_LENGTH = 100;

export interface AdminInput {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/**
 * Adds an admin who signs in with the email and the initial password given
 * (handed over by the owner; the admin should change it). Admin emails are
 * unique per organization: the answer never depends on whether the email is
 * an admin of another organization (sign-in tells the accounts apart, see
 * server/auth/sign-in-accounts.ts).
 */
export async function createAdmin(scope: RequestScope, input: AdminInput): Promise<Admin> {
  const email = parseEmail(input.email, ['input', 'email']).toLowerCase();
  const name = parseRequiredText(input.name, ['input', 'name'], MAX_ADMIN_NAME_LENGTH);
  assertPasswordPolicy(input.password, email, ['input', 'password']);
  assertMayGrant(scope.viewer, input.role, 'MANAGE_ADMINS');
  const passwordHash = await hashPassword(input.password);
  try {
    return await scope.prisma.$transaction(async (tx) => {
      await lockAdminTeam(tx, scope.viewer.organizationId);
      await assertCallerStillOwner(tx, scope);
      // An open invitation to the address has nothing left to do.
      await tx.adminInvitation.updateMany({
        where: { organizationId: scope.viewer.organizationId, email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: scope.now },
      });
      const admin = await tx.admin.create({
        data: { organizationId: scope.viewer.organizationId, email, name, role: input.role, passwordHash, createdAt: scope.now },
      });
      // Never the password.
      await recordAudit(tx, scope, {
        kind: 'ADMIN_ADDED',
        subjectId: admin.id,
        summary: `Added ${admin.name} <${admin.email}> as ${admin.role}.`,
      });
      return admin;
    });
  } catch (error) {
    if (uniqueViolation(error)) {
      throw new EmailAlreadyUsedError(['input', 'email'], email, null, `${email} is already an admin of this organization.`);
    }
    throw error;
  }
}

/**
 * Removes an admin, ends their sessions, revokes the API keys they created and
 * disables the webhook endpoints whose secret or URL they or those keys last
 * set, in one transaction: neither must outlive the person who answers for it.
 * (Revoking is the safe default; an owner who wants an integration to keep
 * running creates a new key first and hands it over.) Nobody removes
 * themselves, and the last owner stays.
 */
export async function deleteAdmin(scope: RequestScope, id: string): Promise<void> {
  if (scope.viewer.actor.kind === 'ADMIN' && scope.viewer.actor.id === id) {
    throw new CannotRemoveSelfError();
  }
  const organizationId = scope.viewer.organizationId;
  await scope.prisma.$transaction(async (tx) => {
    // The team's lock first: two owners removing each other at once must not leave the organization without one.
    await lockAdminTeam(tx, organizationId);
    await assertCallerStillOwner(tx, scope);
    // Then the admin's row lock: a key or endpoint they are creating right now (its insert holds a key-share
    // lock on this row) commits before we look for theirs, and any later one fails on the deleted admin.
    await tx.$queryRaw`SELECT id FROM admin WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
    const admin = await tx.admin.findFirst({ where: { id, organizationId }, select: { role: true, email: true } });
    if (!admin) throw new NotFoundError(['id'], 'admin');
    if (admin.role === 'OWNER') await assertOwnersRemain(tx, organizationId, id);
    const { count: keys } = await tx.apiKey.updateMany({ where: { organizationId, createdByAdminId: id, revokedAt: null }, data: { revokedAt: scope.now } });
    // Before the delete, which clears the admin's id from endpoints and keys.
    const endpoints = await disableEndpointsKnownToAdmin(tx, organizationId, id, scope.now);
    await tx.admin.delete({ where: { id } });
    // The trail keeps what they did and what was done to their account, not their name or email (docs/organizations.md, "Audit trail").
    // Their invitations to the team held their name and address too: gone, and erased from the trail like the admin.
    const invitations = await tx.adminInvitation.findMany({ where: { organizationId, email: admin.email }, select: { id: true } });
    await tx.adminInvitation.deleteMany({ where: { organizationId, email: admin.email } });
    await eraseAdminFromTrail(
      tx,
      organizationId,
      id,
      invitations.map((invitation) => invitation.id),
    );
    const revoked = [
      ...(keys ? [`the ${keys} API key(s) they created were revoked`] : []),
      ...(endpoints ? [`the ${endpoints} webhook endpoint(s) whose secret or URL they or their keys last set were disabled`] : []),
    ];
    await recordAudit(tx, scope, {
      kind: 'ADMIN_REMOVED',
      subjectId: id,
      summary: `Removed an admin (${admin.role}); their sessions ended${revoked.length ? ` and ${revoked.join(' and ')}` : ''}.`,
    });
  });
}

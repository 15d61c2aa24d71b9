import type { Admin } from '../generated/prisma/client.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { recordAudit } from '../audit/index.ts';
import { InvalidInputError, NotFoundError } from '../kernel/errors.ts';
import type { RequestScope } from '../kernel/scope.ts';
import { assertCallerStillOwner, assertOwnersRemain, lockAdminTeam } from './admin-team-lock.ts';

// Changing what an admin may do, and handing the organization over. Both run
// under the team lock (admin-team-lock.ts): whatever two owners do at the same
// instant, the organization keeps an owner (LAST_OWNER refuses the rest).

/** Gives an admin another role. Taking the owner role from the last owner is refused (LAST_OWNER); an owner may step down while another remains. */
export async function changeAdminRole(scope: RequestScope, id: string, role: Role): Promise<Admin> {
  const { organizationId } = scope.viewer;
  return scope.prisma.$transaction(async (tx) => {
    await lockAdminTeam(tx, organizationId);
    await assertCallerStillOwner(tx, scope);
    const admin = await tx.admin.findFirst({ where: { id, organizationId } });
    if (!admin) throw new NotFoundError(['id'], 'admin');
    if (admin.role === role) return admin;
    if (admin.role === 'OWNER') await assertOwnersRemain(tx, organizationId, admin.id);
    const changed = await tx.admin.update({ where: { id }, data: { role } });
    await recordAudit(tx, scope, {
      kind: 'ADMIN_ROLE_CHANGED',
      subjectId: id,
      summary: `Changed the role of ${admin.name} <${admin.email}> from ${admin.role} to ${role}.`,
      changedFields: ['role'],
    });
    return changed;
  });
}

export interface OwnershipTransfer {
  newOwner: Admin;
  previousOwner: Admin;
}

/**
 * The caller (an owner) makes another admin an owner and takes `callerRole`
 * (ADMIN by default) in the same transaction, so the organization has an owner
 * at every instant.
 */
export async function transferOwnership(scope: RequestScope, toAdminId: string, callerRole: Role): Promise<OwnershipTransfer> {
  const { organizationId } = scope.viewer;
  const callerId = scope.viewer.actor.id;
  if (toAdminId === callerId) throw new InvalidInputError(['input', 'adminId'], 'You already own the organization: choose another admin.');
  if (callerRole === 'OWNER') throw new InvalidInputError(['input', 'previousOwnerRole'], 'Choose the role you keep: ADMIN, MANAGER or VIEWER.');
  return scope.prisma.$transaction(async (tx) => {
    await lockAdminTeam(tx, organizationId);
    await assertCallerStillOwner(tx, scope);
    const target = await tx.admin.findFirst({ where: { id: toAdminId, organizationId } });
    if (!target) throw new NotFoundError(['input', 'adminId'], 'admin');
    const newOwner = target.role === 'OWNER' ? target : await tx.admin.update({ where: { id: target.id }, data: { role: 'OWNER' } });
    const previousOwner = await tx.admin.update({ where: { id: callerId }, data: { role: callerRole } });
    await recordAudit(tx, scope, {
      kind: 'OWNERSHIP_TRANSFERRED',
      subjectId: target.id,
      summary: `Handed ownership over to ${target.name} <${target.email}> (an owner now); the previous owner is ${callerRole} now.`,
      changedFields: ['role'],
    });
    return { newOwner, previousOwner };
  });
}

import type { Prisma } from '../generated/prisma/client.ts';
import { ForbiddenError, LastOwnerError } from '../kernel/errors.ts';
import { actorKindsOf, ACTIONS } from '../kernel/policy.ts';
import type { RequestScope } from '../kernel/scope.ts';

// Changes to an organization's admin team (adding, removing, changing a role,
// handing over ownership, inviting) take one lock per organization first, for
// the rest of their transaction. Without it, two owners demoting or removing
// each other at the same instant would each count two owners, each go ahead,
// and leave none. A transaction-scoped advisory lock, not a row lock on the
// organization: profile writes take key-share locks on that row and must not
// queue behind the team.

export async function lockAdminTeam(tx: Prisma.TransactionClient, organizationId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`admin-team:${organizationId}`}, 0))`;
}

/**
 * Under the lock, the caller must still be an owner: a request authenticated a
 * moment ago may have lost the role to a change that committed since (another
 * owner demoted them). Throws FORBIDDEN, as the role check would have.
 */
export async function assertCallerStillOwner(tx: Prisma.TransactionClient, scope: RequestScope): Promise<void> {
  if (scope.viewer.actor.kind !== 'ADMIN') return; // Unreachable: admins are managed by signed-in admins only.
  const caller = await tx.admin.findFirst({ where: { id: scope.viewer.actor.id, organizationId: scope.viewer.organizationId }, select: { role: true } });
  if (caller?.role === 'OWNER') return;
  const action = 'MANAGE_ADMINS';
  throw new ForbiddenError(action, caller?.role ?? scope.viewer.role, ACTIONS[action].roles, scope.viewer.actor.kind, actorKindsOf(action));
}

/** Under the lock: refuses a change that takes the owner role from `losing` when no other owner would remain. */
export async function assertOwnersRemain(tx: Prisma.TransactionClient, organizationId: string, losing: string): Promise<void> {
  const owners = await tx.admin.count({ where: { organizationId, role: 'OWNER', id: { not: losing } } });
  if (owners === 0) throw new LastOwnerError();
}

import type { Viewer } from './scope.ts';
import { ForbiddenError } from './errors.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { type Action, actorKindsOf, mayGrantRole, ROLES } from './policy.ts';

/** Roles are granted at most at the granter's own level (an ADMIN cannot mint an OWNER key). Throws FORBIDDEN. */
export function assertMayGrant(viewer: Viewer, role: Role, action: Action): void {
  if (mayGrantRole(viewer.role, role)) return;
  const granters = (Object.keys(ROLES) as Role[]).filter((granter) => mayGrantRole(granter, role));
  throw new ForbiddenError(
    action,
    viewer.role,
    granters,
    viewer.actor.kind,
    actorKindsOf(action),
    `The ${viewer.role} role may not grant the ${role} role: nobody grants more rights than their own.`,
  );
}

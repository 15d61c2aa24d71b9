import type { GraphQLError } from 'graphql';
import type { Viewer } from '../scope.ts';
import { type DomainError, FeatureNotInPlanError, ForbiddenError } from '../errors/domain-errors.ts';
import { domainErrorAsGraphQLError } from '../errors/graphql-errors.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { type Action, actorKindsOf, type Caller, mayGrantRole, type Refusal, ROLES, refusalFor } from './policy.ts';

export const callerOf = (viewer: Viewer): Caller => ({ plan: viewer.plan, role: viewer.role, actorKind: viewer.actor.kind });

/** A refusal as the typed error a mutation returns. */
export function refusalAsDomainError(refusal: Refusal): DomainError {
  return refusal.code === 'FEATURE_NOT_IN_PLAN'
    ? new FeatureNotInPlanError(refusal.feature, refusal.plan, refusal.requiredPlan)
    : new ForbiddenError(refusal.action, refusal.role, refusal.requiredRoles, refusal.actorKind, refusal.allowedActorKinds);
}

/** A refusal as the GraphQL error a query raises: same code and message, the details in `extensions`. */
export function refusalAsGraphQLError(refusal: Refusal): GraphQLError {
  return domainErrorAsGraphQLError(refusalAsDomainError(refusal));
}

/** Throws the refusal (as a GraphQL error) when the viewer may not do the action; for checks outside field scopes. */
export function assertAllowed(viewer: Viewer, action: Action | null): void {
  const refusal = refusalFor(callerOf(viewer), action);
  if (refusal) throw refusalAsGraphQLError(refusal);
}

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

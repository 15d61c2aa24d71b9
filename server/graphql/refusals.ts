import type { GraphQLError } from 'graphql';
import type { Viewer } from '../kernel/scope.ts';
import { type DomainError, FeatureNotInPlanError, ForbiddenError } from '../kernel/errors.ts';
import { domainErrorAsGraphQLError } from './graphql-errors.ts';
import { type Action, type Caller, type Refusal, refusalFor } from '../kernel/policy.ts';

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

// assertMayGrant (used by services, which import nothing of GraphQL) lives in granting.ts.

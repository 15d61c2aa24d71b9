import { assertAllowed } from '../access/refusals.ts';
import type { Context } from '../context.ts';
import { unauthenticated } from '../errors/graphql-errors.ts';

/**
 * The caller's organization id; every query filters on it, so other
 * organizations' rows never match. For loaders outside field scopes (node,
 * nodes), it also applies the API-access check of the plan.
 */
export function organizationIdOf(context: Context): string {
  if (!context.viewer) throw unauthenticated();
  assertAllowed(context.viewer, null);
  return context.viewer.organizationId;
}

import { assertAllowed } from './refusals.ts';
import type { Context } from './context.ts';
import { confinedWhere } from '../kernel/confined-client.ts';
import { unauthenticated } from './graphql-errors.ts';

/**
 * The caller's organization id, for loaders outside field scopes (node, nodes):
 * it also applies the API-access check of the plan.
 */
export function organizationIdOf(context: Context): string {
  if (!context.viewer) throw unauthenticated();
  assertAllowed(context.viewer, null);
  return context.viewer.organizationId;
}

/**
 * The `findUnique` of every node type (Relay's node, nodes, and global ids
 * loaded by Pothos): the row with this id, if it is the caller's organization's.
 * The same confinement as RequestScope.db (server/kernel/confined-client.ts).
 */
export function inCallerOrganization<Model extends string>(model: Model) {
  return (id: string, context: Context) => confinedWhere(model, { id }, organizationIdOf(context)) as { id: string };
}

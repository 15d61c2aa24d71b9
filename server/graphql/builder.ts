import SchemaBuilder from '@pothos/core';
import type { AuthFailure } from '@pothos/plugin-scope-auth';
// Plugin order matters: errors wraps scope-auth, so refusals can become typed errors.
// https://pothos-graphql.dev/docs/plugins/errors
import ErrorsPlugin from '@pothos/plugin-errors';
// https://pothos-graphql.dev/docs/plugins/scope-auth
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
// https://pothos-graphql.dev/docs/plugins/prisma
import PrismaPlugin from '@pothos/plugin-prisma';
// https://pothos-graphql.dev/docs/plugins/relay
import RelayPlugin from '@pothos/plugin-relay';
// Ours: every global-id argument checked (type and uuid) before anything runs.
import ArgumentCheckPlugin from './argument-check-plugin.ts';
// https://pothos-graphql.dev/docs/plugins/complexity: each field's cost; server/security/query-cost.ts checks it per request.
import ComplexityPlugin from '@pothos/plugin-complexity';
import { DateTimeResolver } from 'graphql-scalars';
import type { Action } from '../kernel/policy.ts';
import { refusalFor } from '../kernel/policy.ts';
import { callerOf, refusalAsDomainError, refusalAsGraphQLError } from './refusals.ts';
import type { AuthenticatedContext, Context } from './context.ts';
import { unauthenticated } from './graphql-errors.ts';
import { fieldCost } from '../security/query-cost.ts';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import { decodeGlobalId } from '../kernel/global-ids.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  // `authenticated`: any caller of an organization (an API key also needs the plan's API access).
  // `allowed`: the caller may do this action of the access table (server/kernel/policy.ts).
  AuthScopes: { authenticated: boolean; allowed: Action };
  AuthContexts: { authenticated: AuthenticatedContext; allowed: AuthenticatedContext };
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ErrorsPlugin, ArgumentCheckPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  complexity: { fieldComplexity: fieldCost },
  scopeAuth: {
    // Subscriptions are authorized once, when they start.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      authenticated: context.viewer !== null && refusalFor(callerOf(context.viewer), null) === null,
      allowed: (action) => context.viewer !== null && refusalFor(callerOf(context.viewer), action) === null,
    }),
    // Say what is missing: a sign-in, the plan's feature or a role. Mutations list the
    // refusals among their typed errors, so there they come back as data.
    unauthorizedError: (_parent, context, info, result) => {
      if (!context.viewer) return unauthenticated();
      const refusal = refusalFor(callerOf(context.viewer), actionOf(result.failure));
      if (!refusal) return new Error(result.message);
      return info.operation.operation === 'mutation' ? refusalAsDomainError(refusal) : refusalAsGraphQLError(refusal);
    },
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    decodeGlobalID: (globalID) => decodeGlobalId(globalID),
    cursorType: 'String',
    nodeQueryOptions: { description: "Fetches any object of the caller's organization by its global id; null when there is none." },
    nodesQueryOptions: { description: 'Fetches several objects by global id, in order; null where there is none.' },
    nodeTypeOptions: { description: 'An object with a global id.' },
    pageInfoTypeOptions: { description: 'Where a page sits in a connection.' },
  },
  errors: {
    directResult: true,
    // A bad global id (checked before the resolver) becomes the mutation's typed InvalidInput.
    unsafelyHandleInputErrors: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result` },
  },
});

builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'An instant, as an ISO 8601 string in UTC (e.g. 2026-11-26T09:30:00.000Z).',
});

builder.queryType({ description: "Reads. Everything is confined to the caller's organization." });
builder.mutationType({ description: 'Writes. Each takes one input and returns a success payload or a typed error.' });
builder.subscriptionType({ description: 'Live updates, over Server-Sent Events (GraphQL over SSE).' });

/** The action of the access table whose check failed, wherever it sits in the failure tree; null for `authenticated`. */
function actionOf(failure: AuthFailure): Action | null {
  if (failure.kind === 'AuthScope' && failure.scope === 'allowed') return failure.parameter as Action;
  if ('failures' in failure) {
    for (const inner of failure.failures) {
      const action = actionOf(inner);
      if (action) return action;
    }
  }
  return null;
}

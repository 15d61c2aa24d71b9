import { GraphQLError } from 'graphql';
import { DomainError, errorDetails, errorEntry } from '../kernel/errors.ts';

// Errors raised as GraphQL errors (queries, subscriptions, and calls that never
// reach a resolver). Mutations report the caller's mistakes as typed results
// instead (domain-errors.ts); a domain error a query raises becomes the GraphQL
// error below, with the same code and details.

export function unauthenticated(): GraphQLError {
  return new GraphQLError('Authentication required: send an API key or session token as "Authorization: Bearer <token>".', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** Runs `parse` on a query's arguments: an input error becomes the GraphQL error a query raises (its code and path in `extensions`). */
export function parseQueryInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DomainError) throw domainErrorAsGraphQLError(error);
    throw error;
  }
}

/** A caller opened more subscriptions than it may hold at once. */
export function tooManySubscriptions(max: number): GraphQLError {
  return new GraphQLError(`Too many open subscriptions: a caller holds at most ${max} at once; close one first.`, {
    extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', max, http: { status: 429 } },
  });
}

export function invalidCredentials(reason: string): GraphQLError {
  return new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * A domain error as the GraphQL error of a query: its message, `extensions.code`
 * and the typed details of its row in the table (e.g. `path`, `retryAfterSeconds`,
 * `requiredPlan`). `at` is the located error graphql-js wrapped it in, if any.
 */
export function domainErrorAsGraphQLError(error: DomainError, at?: GraphQLError): GraphQLError {
  const status = errorEntry(error.code).httpStatus;
  return new GraphQLError(error.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    originalError: error,
    // An explicit status: yoga answers 500 for an error wrapping a non-GraphQL error unless told otherwise.
    extensions: { code: error.code, ...errorDetails(error), http: { status: status ?? 200 } },
  });
}

export { DomainError };

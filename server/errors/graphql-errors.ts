import { GraphQLError } from 'graphql';
import { InputError } from './domain-errors.ts';

// Errors raised as GraphQL errors (queries, and calls that never reach a resolver).
// Mutations report the caller's mistakes as typed results instead (domain-errors.ts).

export function unauthenticated(): GraphQLError {
  return new GraphQLError(
    'Authentication required: send an API key or session token as "Authorization: Bearer <token>".',
    { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
  );
}

/** Runs `parse` on a query's arguments: an input error becomes the GraphQL error a query raises (its code and path in `extensions`). */
export function parseQueryInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InputError) {
      throw new GraphQLError(error.message, { extensions: { code: error.code, path: error.path, http: { status: 400 } } });
    }
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

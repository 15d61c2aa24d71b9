import type { ErrorCode } from './generated/graphql.ts';

/**
 * Every `code` a ParkpassError may carry: the API's error codes (the same
 * `ErrorCode` enum typed errors use), the GraphQL layer's own, and the
 * client's (the network failed, timed out, or the server failed). Generated
 * from the schema, so a new code in the API is a new member here.
 */
export type ParkpassErrorCode =
  | ErrorCode
  | 'UNAUTHENTICATED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'GRAPHQL_PARSE_FAILED'
  | 'BAD_USER_INPUT'
  | 'GRAPHQL_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'SERVER_ERROR';

/**
 * Thrown for everything that is not a result of the operation itself: the
 * network failed or timed out, the server answered 5xx, the credentials were
 * refused (`UNAUTHENTICATED`), a query was refused by plan or role
 * (`FEATURE_NOT_IN_PLAN`, `FORBIDDEN`, with `details` saying what is missing).
 *
 * Mutations do not throw for the caller's mistakes: they return a typed
 * result to `switch` on by `__typename` (e.g. `ProfileAlreadyValidated`,
 * `InvitationExpired`, `FeatureNotInPlan`), each with a `code` and a `message`.
 */
export class ParkpassError extends Error {
  override readonly name = 'ParkpassError';

  constructor(
    /** The GraphQL error code (`UNAUTHENTICATED`, `FORBIDDEN`, …), or `NETWORK_ERROR`, `TIMEOUT`, `SERVER_ERROR`. */
    readonly code: ParkpassErrorCode,
    /** The SDK method that failed, e.g. `profiles.search`. */
    readonly operation: string,
    message: string,
    /** The error's `extensions` (e.g. `requiredPlan`, `requiredRoles`), when the server sent any. */
    readonly details: Record<string, unknown> = {},
    /** HTTP status, when there was an answer. */
    readonly status?: number,
  ) {
    super(`${operation}: ${message}`);
  }

  /** Worth retrying: the request may not have reached the server, or the server failed. */
  get transient(): boolean {
    return this.code === 'NETWORK_ERROR' || this.code === 'TIMEOUT' || this.code === 'SERVER_ERROR';
  }
}

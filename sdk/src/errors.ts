import { ErrorCode, type Plan, type Role } from './generated/graphql.ts';

/**
 * Codes the server answers outside the typed errors: a refused request
 * (credentials, a malformed document, a limit). Listed in the API's docs
 * (docs/api.md, "Error codes").
 */
export const RequestErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  PAGE_SIZE_TOO_LARGE: 'PAGE_SIZE_TOO_LARGE',
  LIST_TOO_LONG: 'LIST_TOO_LONG',
  RATE_LIMITED: 'RATE_LIMITED',
  CSRF_HEADER_MISSING: 'CSRF_HEADER_MISSING',
  INTROSPECTION_DISABLED: 'INTROSPECTION_DISABLED',
} as const;
export type RequestErrorCode = (typeof RequestErrorCode)[keyof typeof RequestErrorCode];

/** Codes the SDK gives when no coded answer came back. */
export const TransportErrorCode = {
  /** The request never got an answer (connection refused or reset, DNS). Retried on idempotent calls. */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** One attempt took longer than `timeoutMs`. Retried on idempotent calls. */
  TIMEOUT: 'TIMEOUT',
  /** The whole call, retries included, took longer than `deadlineMs`. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** Your AbortSignal aborted the call. */
  ABORTED: 'ABORTED',
  /** The server failed: HTTP 5xx, or an unexpected error it masked ("Unexpected error."). Retried on idempotent calls. */
  SERVER_ERROR: 'SERVER_ERROR',
  /** An HTTP error with no GraphQL answer, e.g. 404 for a mistyped URL. Never retried. */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The server sent a code this version of the SDK does not know (`details.serverCode` has it): upgrade the SDK. */
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const;
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** Every `code` a ParkpassError may carry: the typed errors' (`ErrorCode`, from the schema), the request's, and the transport's. */
export type ParkpassErrorCode = ErrorCode | RequestErrorCode | TransportErrorCode;

const KNOWN_CODES: ReadonlySet<string> = new Set<string>([
  ...Object.values(ErrorCode),
  ...Object.values(RequestErrorCode),
  ...Object.values(TransportErrorCode),
]);

/** The code as sent by the server when the SDK knows it, else UNKNOWN_ERROR. */
export const knownCode = (code: string): ParkpassErrorCode => (KNOWN_CODES.has(code) ? (code as ParkpassErrorCode) : 'UNKNOWN_ERROR');

/**
 * The HTTP status each API code is answered with, from the server's error
 * table: FORBIDDEN and FEATURE_NOT_IN_PLAN are 403, every other code is 200
 * (a GraphQL refusal inside a successful response). `ParkpassError.status`
 * gives a code this one status whichever call refused, a query (which answers
 * it as a GraphQL error) or a mutation (a typed error in its result).
 */
export const ERROR_CODE_HTTP_STATUS: Readonly<Partial<Record<ErrorCode, number>>> = { FEATURE_NOT_IN_PLAN: 403, FORBIDDEN: 403 };

const API_CODES: ReadonlySet<string> = new Set<string>(Object.values(ErrorCode));

/** The status a ParkpassError carries: an API code's one status from the table; otherwise the answer's HTTP status, or null without one. */
export function statusOfCode(code: ParkpassErrorCode, httpStatus: number | null): number | null {
  if (API_CODES.has(code)) return ERROR_CODE_HTTP_STATUS[code as ErrorCode] ?? 200;
  return httpStatus;
}

const RETRYABLE: ReadonlySet<ParkpassErrorCode> = new Set(['NETWORK_ERROR', 'TIMEOUT', 'SERVER_ERROR', 'RATE_LIMITED']);

export interface ParkpassErrorInit {
  code: ParkpassErrorCode;
  operation: string;
  message: string;
  requestId?: string | null | undefined;
  status?: number | null | undefined;
  /** How many attempts the call made before this error (0 when none was sent). */
  attempts?: number | undefined;
  details?: Readonly<Record<string, unknown>> | undefined;
  cause?: unknown;
}

/**
 * The one error every SDK method throws: a refusal of the API (a typed error
 * of a mutation or a coded error of a query), a limit, or a transport failure.
 * Branch on `code`; the common details are always present (null when they do
 * not apply), the rest are in `details`.
 */
export class ParkpassError extends Error {
  override readonly name = 'ParkpassError';
  /** Why: the API's ErrorCode, a request refusal, or a transport code. */
  readonly code: ParkpassErrorCode;
  /** The SDK method that failed, e.g. `profiles.search`. */
  readonly operation: string;
  /** The server's `x-request-id` of the (last) attempt; quote it to support. Null when no answer came. */
  readonly requestId: string | null;
  /**
   * The HTTP status: for an API code (`ErrorCode`), the one status the server's
   * error table gives it (403 for FORBIDDEN and FEATURE_NOT_IN_PLAN, 200 for the
   * rest), whichever call refused; otherwise the answer's status, null when no
   * answer came.
   */
  readonly status: number | null;
  /** How many attempts the call made, retries included (0 when none was sent, e.g. aborted before). */
  readonly attempts: number;
  /** FEATURE_NOT_IN_PLAN: the smallest plan that has the feature. */
  readonly requiredPlan: Plan | null;
  /** FORBIDDEN: the roles that may do it. */
  readonly requiredRoles: readonly Role[] | null;
  /** RATE_LIMITED, RESEND_TOO_SOON, TOO_MANY_LOGIN_ATTEMPTS: how long to wait. */
  readonly retryAfterSeconds: number | null;
  /** Input errors: where in the input, e.g. ["input", "profiles", "3", "email"]. */
  readonly path: readonly string[] | null;
  /** Every detail the server sent (e.g. `size`, `max`, `profileId`, `allowedActorKinds`). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(init: ParkpassErrorInit) {
    const attempts = init.attempts ?? 1;
    super(`${init.operation}: ${init.message}${attempts > 1 ? ` (${attempts} attempts)` : ''}`, init.cause === undefined ? undefined : { cause: init.cause });
    const details = init.details ?? {};
    this.attempts = attempts;
    this.code = init.code;
    this.operation = init.operation;
    this.requestId = init.requestId ?? null;
    this.status = statusOfCode(init.code, init.status ?? null);
    this.details = details;
    this.requiredPlan = typeof details.requiredPlan === 'string' ? (details.requiredPlan as Plan) : null;
    this.requiredRoles = Array.isArray(details.requiredRoles) ? (details.requiredRoles as Role[]) : null;
    this.retryAfterSeconds = typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : null;
    this.path = Array.isArray(details.path) ? (details.path as string[]) : null;
  }

  /** Worth retrying later: nothing happened (network, timeout, rate limit) or the server failed. The SDK already retried idempotent calls. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/**
 * A ParkpassError with one of the codes `C`, and what those codes always
 * carry: `requiredPlan` for FEATURE_NOT_IN_PLAN, `requiredRoles` for FORBIDDEN.
 */
export type ParkpassErrorWith<C extends ParkpassErrorCode> = ParkpassError & { readonly code: C } & (C extends 'FEATURE_NOT_IN_PLAN'
    ? { readonly requiredPlan: Plan }
    : unknown) &
  (C extends 'FORBIDDEN' ? { readonly requiredRoles: readonly Role[] } : unknown);

/** True when `error` is a ParkpassError, optionally with one of these codes (narrowed to them, and to what they always carry). */
export function isParkpassError<C extends ParkpassErrorCode = ParkpassErrorCode>(error: unknown, ...codes: C[]): error is ParkpassErrorWith<C> {
  return error instanceof ParkpassError && (codes.length === 0 || (codes as ParkpassErrorCode[]).includes(error.code));
}

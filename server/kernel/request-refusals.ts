import { GraphQLError } from 'graphql';
import { DOMAIN_ERRORS } from './errors.ts';

// The codes of a whole request, next to the domain's (errors.ts): one place
// for every `extensions.code` the server answers. First the protocol's
// (credentials, GraphQL syntax and validation, the server's own trouble), then
// the refusals before any resolver runs: the limits on what one request may
// ask, rate limits, CSRF and production-only refusals. Each refusal is a
// GraphQL error with its code and an HTTP status, never a 500.

export const REQUEST_ERROR_CODES = {
  UNAUTHENTICATED:
    'The Authorization header is missing where credentials are needed, malformed, or names an unknown, revoked or expired key or session (HTTP 401).',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The document does not fit the schema (unknown field, missing argument, wrong literal type…).',
  OPERATION_RESOLUTION_FAILURE: 'The document holds several operations and `operationName` names none of them (or is missing).',
  BAD_USER_INPUT: "A variable's value does not fit its declared type (a string for an Int, a number out of range, null for a non-null type…).",
  BAD_REQUEST: 'The HTTP request is not a GraphQL request: the body is not JSON, the query is missing, a mutation was sent with GET…',
  TOO_MANY_SUBSCRIPTIONS: 'The caller already follows as many bulk invitations at once as allowed (`max`); end one first.',
  SERVICE_UNAVAILABLE:
    'The database was out of reach or every connection busy for a moment, or the server had as many passwords to check as it takes at once (HTTP 503, `retryAfterSeconds`); nothing was written, the same request can be sent again.',
  INTERNAL_SERVER_ERROR: 'Something failed on the server; the message says only "Unexpected error." and the detail is in the server\'s log.',
} as const;

export type RequestErrorCode = keyof typeof REQUEST_ERROR_CODES;

export const requestRefusalCodes = {
  REQUEST_TOO_LARGE: 'The request body is larger than the server accepts.',
  TOO_MANY_TOKENS: 'The GraphQL document has more tokens than one request may hold.',
  QUERY_TOO_DEEP: 'The selection, or a value written in the document, is nested deeper than allowed.',
  TOO_MANY_ALIASES: 'The operation uses more aliases than allowed.',
  TOO_MANY_DIRECTIVES: 'The operation uses more directives than allowed.',
  QUERY_TOO_COSTLY: 'The operation would cost more points than one request may.',
  PAGE_SIZE_TOO_LARGE: '`first` or `last` asks for more items than a page holds.',
  LIST_TOO_LONG:
    "A list argument holds more items than allowed (nodes: 100 ids; a preview's profileIds: the plan's largest bulk invitation; any other list: the largest plan's).",
  RATE_LIMITED: 'The caller spent its points for this minute; wait `retryAfterSeconds` and retry.',
  CSRF_HEADER_MISSING:
    "A GET or form-encoded request to /graphql needs the x-graphql-yoga-csrf header; a request signed in by the admin UI's session cookie needs it always, and must come from this server's own pages (no other site's Origin).",
  INTROSPECTION_DISABLED: 'Introspection is off on this server (production); the schema is in schema.graphql.',
} as const;

export type RequestRefusalCode = keyof typeof requestRefusalCodes;

const STATUS: Record<RequestRefusalCode, number> = {
  REQUEST_TOO_LARGE: 413,
  TOO_MANY_TOKENS: 400,
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_DIRECTIVES: 400,
  QUERY_TOO_COSTLY: 400,
  PAGE_SIZE_TOO_LARGE: 400,
  LIST_TOO_LONG: 400,
  RATE_LIMITED: 429,
  CSRF_HEADER_MISSING: 403,
  INTROSPECTION_DISABLED: 400,
};

/** A refusal as a GraphQL error: the code, details in `extensions`, the HTTP status and headers yoga sends. */
export function requestRefusal(
  code: RequestRefusalCode,
  message: string,
  options: { details?: Record<string, unknown>; headers?: Record<string, string>; nodes?: GraphQLError['nodes'] } = {},
): GraphQLError {
  return new GraphQLError(message, {
    nodes: options.nodes,
    extensions: { code, ...options.details, http: { status: STATUS[code], ...(options.headers ? { headers: options.headers } : {}) } },
  });
}

/** Every `extensions.code` the server may answer: the protocol's, the refusals' above and the domain's (errors.ts). */
export const ALL_ERROR_CODES: ReadonlySet<string> = new Set<string>([
  ...Object.keys(REQUEST_ERROR_CODES),
  ...Object.keys(requestRefusalCodes),
  ...Object.keys(DOMAIN_ERRORS),
]);

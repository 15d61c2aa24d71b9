import { GraphQLError } from 'graphql';

// Refusals of a whole request, before any resolver runs: the limits on what one
// request may ask, rate limits, CSRF and production-only refusals. Each is a
// GraphQL error with `extensions.code` from this table (docs/operations.md lists it)
// and an HTTP status, never a 500.

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
  CSRF_HEADER_MISSING: 'A GET or form-encoded request to /graphql needs the x-graphql-yoga-csrf header.',
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

// What one SCIM request may hold.

/** The largest body taken: a user, a group PATCH with its 1,000 members. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The most resources one page answers; a larger `count` gets this many (RFC 7644 §3.4.2.4), not a refusal. */
export const MAX_PAGE_SIZE = 1_000;
/** How long the request log keeps a request. */
export const REQUEST_LOG_DAYS = 30;
/**
 * Points of a connection's rate-limit budget counted ahead with a request and spent by its next ones on the same
 * server without a statement to the shared counters (rate-limits.ts): an IdP's one-point requests then cost the
 * counters one statement per ~50. A connection spread over several servers may be refused up to this many points
 * early per server, never late.
 */
export const RATE_LIMIT_POINTS_AHEAD = 50;

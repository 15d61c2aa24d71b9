import { PLANS } from './policy.ts';

// What one request may ask, in one place. The limits table of docs/operations.md
// is generated from this (a test keeps the two equal).

const LARGEST_BULK = Math.max(...Object.values(PLANS).map((plan) => plan.maxBulkInvitationSize));

export const REQUEST_LIMITS = {
  /** Fits a 5,000-row profilesUpsert (≈ 2–4 MB) and 100,000 profile ids (≈ 6.5 MB) with room to spare. */
  bodyBytes: 10 * 1024 * 1024,
  /** Lexical tokens of the GraphQL document; variables do not count. */
  tokens: 2_000,
  /** Nesting of fields (fragments flattened); introspection's own nesting is exempt. */
  depth: 10,
  /**
   * Brackets ({ [ () open at once anywhere in the document, counted before it is parsed: graphql-js parses
   * them recursively, and 20,000 `[` overflowed its stack before the token limit was reached.
   * GraphiQL's introspection query opens about 20.
   */
  nesting: 64,
  aliases: 15,
  directives: 20,
  /** Points of one operation (see query-cost.ts): profiles(first: 500) with the SDK's fields costs 3,001. */
  cost: 10_000,
  /** `first` / `last` of every connection. */
  pageSize: 500,
  /** `nodes(ids:)`, as GitHub. */
  nodeIds: 100,
  /** Any other list argument (filter ids, upsert rows…): the largest plan's bulk invitation. A bulk selection's profileIds: the caller's plan's. */
  listItems: LARGEST_BULK,
} as const;

/** Points per minute (see rate-limits.ts); the budgets are settings, the public operations' limits are not. */
export const PUBLIC_OPERATION_LIMITS = {
  invitationAccept: 10,
  invitationByToken: 30,
  invitationRequestNewLink: 5,
  adminLogin: 60,
  adminInvitationByToken: 30,
  adminInvitationAccept: 10,
} as const;

export type PublicOperation = keyof typeof PUBLIC_OPERATION_LIMITS;

export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** Rows of one profilesUpsert (an HR sync sends its people in batches of this size). */
export const MAX_UPSERT_BATCH = 5000;

/** An organization's reminder time, in hours before an invitation expires (the longest validity is 720 h). */
export const MIN_REMINDER_HOURS = 1;
export const MAX_REMINDER_HOURS = 719;

/** How many profiles a count reports before it answers "at least" (ProfileConnection.count). */
export const DEFAULT_COUNT_LIMIT = 10_000;
/** The largest limit a caller may ask a bounded count for. */
export const MAX_COUNT_LIMIT = 100_000;

/** How long an admin invitation's link works, in hours (a week, as GitHub's and Clerk's). */
export const ADMIN_INVITATION_VALIDITY_HOURS = 168;

/** Open admin invitations an organization may hold at once. */
export const MAX_OPEN_ADMIN_INVITATIONS = 50;

/** The least time between two admin invitations to one address, in seconds (nobody is spammed). */
export const ADMIN_INVITATION_RESEND_SECONDS = 300;

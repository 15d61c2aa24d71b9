import { GraphQLError } from 'graphql';
import type pg from 'pg';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Viewer } from '../scope.ts';
import { PUBLIC_OPERATION_LIMITS, type PublicOperation, RATE_LIMIT_WINDOW_SECONDS } from './limits.ts';
import { requestRefusal } from './request-refusals.ts';

// Rate limits (rate-limiter-flexible), in points per minute:
//   - each API key, and each signed-in admin (all their sessions together),
//     has a budget spent by the cost of its operations (query-cost.ts);
//   - anonymous callers, a smaller budget per network address;
//   - the public operations (invitationAccept, invitationByToken, adminLogin)
//     count apart, per address, whatever the credentials.
// A request that does not fit is refused and costs one point (its other points
// are given back), so a caller near the end of its budget can still make
// cheaper calls. The counters live in PostgreSQL (table rate_limit, one atomic
// upsert per check), so every server behind a load balancer shares them; if
// the database cannot answer, each server falls back to counting in memory.
// Without a pool (tests, tools), the counters are in memory.

export interface RateLimitSettings {
  /** Points per minute of one API key or one admin. */
  pointsPerMinute: number;
  /** Points per minute of one network address without credentials. */
  anonymousPointsPerMinute: number;
  /** Calls per minute of each public operation from one network address. */
  publicOperationsPerMinute: Record<PublicOperation, number>;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  pointsPerMinute: 100_000,
  anonymousPointsPerMinute: 1_000,
  publicOperationsPerMinute: PUBLIC_OPERATION_LIMITS,
};

/** What the response's rate-limit headers say about the caller's budget. */
export interface BudgetState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimits {
  /** Spends `points` of the caller's budget and one per public operation called; throws RATE_LIMITED when one is spent. */
  charge(caller: { viewer: Viewer | null; address: string }, points: number, publicOperations: Map<PublicOperation, number>): Promise<BudgetState>;
  /** Gives points back to the caller's budget (what an operation did not return). */
  refund(caller: { viewer: Viewer | null; address: string }, points: number): Promise<void>;
  /** Counts one call of a public operation made outside GraphQL (the mailbox's sign-in form): the seconds to wait when refused, else null. */
  tryPublicOperation(address: string, operation: PublicOperation): Promise<number | null>;
}

export function createRateLimits(settings: RateLimitSettings = DEFAULT_RATE_LIMITS, store?: { pool: pg.Pool }): RateLimits {
  let first = true;
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const options = { keyPrefix, points, duration: RATE_LIMIT_WINDOW_SECONDS };
    if (!store) return new RateLimiterMemory(options);
    const clearExpiredByTimeout = first; // one sweeper of expired rows is enough
    first = false;
    return new RateLimiterPostgres({
      ...options,
      storeClient: store.pool,
      storeType: 'pool',
      tableName: 'rate_limit',
      tableCreated: true, // by the migrations
      clearExpiredByTimeout,
      insuranceLimiter: new RateLimiterMemory(options),
    }) as unknown as RateLimiterAbstract;
  };
  const callers = limiter('caller', settings.pointsPerMinute);
  const addresses = limiter('address', settings.anonymousPointsPerMinute);
  const publicOperations = Object.fromEntries(
    Object.entries(settings.publicOperationsPerMinute).map(([name, points]) => [name, limiter(`public:${name}`, points)]),
  ) as Record<PublicOperation, RateLimiterAbstract>;

  const budgetOf = ({ viewer, address }: { viewer: Viewer | null; address: string }) =>
    viewer
      ? ([callers, `${viewer.actor.kind === 'API_KEY' ? 'key' : 'admin'}:${viewer.actor.id}`, settings.pointsPerMinute, viewer.actor.kind === 'API_KEY' ? 'this API key' : 'this admin'] as const)
      : ([addresses, address, settings.anonymousPointsPerMinute, 'anonymous calls from this address'] as const);

  return {
    async charge({ viewer, address }, points, calls) {
      for (const [operation, count] of calls) {
        await consume(publicOperations[operation], address, count, settings.publicOperationsPerMinute[operation], `${operation} from this address`);
      }
      const [budget, key, limit, who] = budgetOf({ viewer, address });
      return consume(budget, key, points, limit, who);
    },
    async refund(caller, points) {
      const [budget, key] = budgetOf(caller);
      await budget.reward(key, points);
    },
    async tryPublicOperation(address, operation) {
      try {
        await publicOperations[operation].consume(address, 1);
        return null;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return retryAfterSeconds(rejection);
      }
    },
  };
}

/** Whole seconds until a refused caller may try again: at least 1 (Retry-After, retryAfterSeconds). */
function retryAfterSeconds(rejection: RateLimiterRes): number {
  return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
}

async function consume(limiter: RateLimiterAbstract, key: string, points: number, limit: number, who: string): Promise<BudgetState> {
  try {
    const result = await limiter.consume(key, points);
    return { limit, remaining: result.remainingPoints, resetSeconds: Math.ceil(result.msBeforeNext / 1000) };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    if (points > 1) await limiter.reward(key, points - 1);
    const retryAfter = retryAfterSeconds(rejection);
    throw requestRefusal(
      'RATE_LIMITED',
      `Rate limit reached: ${who} may spend ${limit} points per minute (this request: ${points}). Retry in ${retryAfter} s.`,
      {
        details: { retryAfterSeconds: retryAfter, limit, cost: points },
        headers: { 'retry-after': String(retryAfter), ...budgetHeaders({ limit, remaining: 0, resetSeconds: retryAfter }) },
      },
    );
  }
}

/** The rate-limit headers of a response (IETF draft names, as GitHub's x-ratelimit-* without the prefix). */
export function budgetHeaders(state: BudgetState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSeconds),
  };
}

/**
 * A credential that is refused (unknown, revoked or expired key or session) is
 * found before any operation runs, so the request budget never sees it: it
 * costs the caller's address one anonymous point here, and a flood of bad keys
 * meets RATE_LIMITED like any other anonymous caller.
 */
export async function chargeRefusedCredential<T>(rateLimits: RateLimits, address: string, authenticate: () => Promise<T>): Promise<T> {
  try {
    return await authenticate();
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') {
      await rateLimits.charge({ viewer: null, address }, 1, new Map());
    }
    throw error;
  }
}

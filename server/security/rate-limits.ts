import { GraphQLError } from 'graphql';
import type pg from 'pg';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Viewer } from '../kernel/scope.ts';
import { PUBLIC_OPERATION_LIMITS, type PublicOperation, RATE_LIMIT_WINDOW_SECONDS } from '../kernel/limits.ts';
import { requestRefusal } from '../kernel/request-refusals.ts';
import { rateLimitRefusals } from '../observability/metrics.ts';

// Rate limits (rate-limiter-flexible), in points per minute:
//   - each API key, and each signed-in admin (all their sessions together),
//     has a budget spent by the cost of its operations (query-cost.ts);
//   - anonymous callers, a smaller budget per network address;
//   - the public operations (invitationAccept, invitationByToken, adminLogin)
//     count apart, per address, whatever the credentials.
// A request that does not fit is refused and costs one point (its other points
// are given back), so a caller near the end of its budget can still make
// cheaper calls. What a query did not use is given back as a credit kept in
// this process and spent by the caller's next charge here (which then counts
// only the difference): one statement to the counters per request, not two.
// A caller that sends many one-point requests (an identity provider over
// SCIM) is charged ahead: up to `ahead` points more are counted with a
// request (at most a tenth of what its budget had left), kept as its credit
// here, and its next requests here spend that credit without a statement.
// A credit ends with the window it was counted in (never spent in the next);
// a caller whose next request reaches another server is charged more, never
// less. The counters live in PostgreSQL (table rate_limit, one atomic
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
  /**
   * Spends `points` of the caller's budget and one per public operation called; throws RATE_LIMITED when one is spent.
   * `ahead`: up to that many points more may be counted now, kept as a credit here that the caller's next charges
   * spend without a statement to the counters (for callers that send many one-point requests: an identity provider).
   */
  charge(
    caller: { viewer: Viewer | null; address: string },
    points: number,
    publicOperations: Map<PublicOperation, number>,
    options?: { ahead?: number },
  ): Promise<BudgetState>;
  /** Gives points back to the caller's budget (what an operation did not return). */
  refund(caller: { viewer: Viewer | null; address: string }, points: number): Promise<void>;
  /** Counts one call of a public operation made outside GraphQL (the mailbox's sign-in form): the seconds to wait when refused, else null. */
  tryPublicOperation(address: string, operation: PublicOperation): Promise<number | null>;
}

/** A limiter counting in PostgreSQL's rate_limit table when given a pool (with memory as insurance), else in memory. */
function storedLimiter(
  options: { keyPrefix: string; points: number; duration: number },
  store: { pool: pg.Pool } | undefined,
  clearExpiredByTimeout: boolean,
): RateLimiterAbstract {
  if (!store) return new RateLimiterMemory(options);
  return new RateLimiterPostgres({
    ...options,
    storeClient: store.pool,
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true, // by the migrations
    clearExpiredByTimeout,
    insuranceLimiter: new RateLimiterMemory(options),
  }) as unknown as RateLimiterAbstract;
}

export function createRateLimits(settings: RateLimitSettings = DEFAULT_RATE_LIMITS, store?: { pool: pg.Pool }): RateLimits {
  let first = true;
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const clearExpiredByTimeout = first; // one sweeper of expired rows is enough
    first = false;
    return storedLimiter({ keyPrefix, points, duration: RATE_LIMIT_WINDOW_SECONDS }, store, clearExpiredByTimeout);
  };
  const callers = limiter('caller', settings.pointsPerMinute);
  const addresses = limiter('address', settings.anonymousPointsPerMinute);
  const publicOperations = Object.fromEntries(
    Object.entries(settings.publicOperationsPerMinute).map(([name, points]) => [name, limiter(`public:${name}`, points)]),
  ) as Record<PublicOperation, RateLimiterAbstract>;

  const budgetOf = ({ viewer, address }: { viewer: Viewer | null; address: string }) =>
    viewer
      ? ([
          callers,
          `${viewer.actor.kind === 'API_KEY' ? 'key' : 'admin'}:${viewer.actor.id}`,
          settings.pointsPerMinute,
          viewer.actor.kind === 'API_KEY' ? 'this API key' : 'this admin',
        ] as const)
      : ([addresses, address, settings.anonymousPointsPerMinute, 'anonymous calls from this address'] as const);

  const credits = new Credits();

  const rateLimits: RateLimits = {
    async charge({ viewer, address }, points, calls, { ahead = 0 } = {}) {
      for (const [operation, count] of calls) {
        await consume(
          publicOperations[operation],
          address,
          count,
          settings.publicOperationsPerMinute[operation],
          `${operation} from this address`,
          count,
          operation,
        );
      }
      const [budget, key, limit, who] = budgetOf({ viewer, address });
      // Points counted ahead earlier pay for the whole charge: no statement (the state is the one learnt then, less what was spent since).
      const known = ahead > 0 ? credits.known(key) : null;
      if (known && credits.of(key) >= points) {
        credits.take(key, points);
        return { limit, remaining: Math.min(limit, known.remaining + credits.of(key)), resetSeconds: known.resetSeconds };
      }
      // Otherwise at least one point is counted, so the answer still says where the budget stands; points counted ahead
      // are at most a tenth of what the budget had left at its last charge here, so they never make it refuse this one alone.
      const credit = credits.take(key, points - 1);
      const extra = known ? Math.min(ahead, Math.floor(known.remaining / 10)) : 0;
      try {
        const { endsAt, ...state } = await consume(budget, key, points - credit + extra, limit, who, points, viewer ? 'caller' : 'anonymous');
        // A credit lasts exactly as long as the window its points were counted in: to its last millisecond, not to the
        // whole second below (which, in a window's last second, dropped the points just counted ahead: counted, never
        // spent). Once that window is over, the points counted in it are gone with it: nothing is left to give back.
        credits.window(key, endsAt, state.remaining);
        credits.give(key, extra);
        return { ...state, remaining: Math.min(limit, state.remaining + credits.of(key)) };
      } catch (error) {
        credits.give(key, credit);
        // Refused with points counted ahead (other servers spent the budget meanwhile): asked again for this charge alone.
        if (extra > 0 && (error as { extensions?: { code?: unknown } }).extensions?.code === 'RATE_LIMITED') {
          return rateLimits.charge({ viewer, address }, points, new Map());
        }
        throw error;
      }
    },
    async refund(caller, points) {
      const [budget, key] = budgetOf(caller);
      if (!credits.give(key, points)) await budget.reward(key, points);
    },
    async tryPublicOperation(address, operation) {
      try {
        await publicOperations[operation].consume(address, 1);
        return null;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        rateLimitRefusals.inc({ budget: operation });
        return retryAfterSeconds(rejection);
      }
    },
  };
  return rateLimits;
}

/**
 * Points given back, per budget key, until the end of the window they were
 * counted in (learnt from that key's last charge here): a credit never
 * reaches into the next window. Bounded in number of keys.
 */
class Credits {
  private static readonly MAX_KEYS = 10_000;
  private readonly byKey = new Map<string, { points: number; until: number; remaining: number }>();

  /** What the key's last charge here learnt of its budget in the current window (what the counters had left), if any. */
  known(key: string): { remaining: number; resetSeconds: number } | null {
    const credit = this.byKey.get(key);
    if (!credit || credit.until <= Date.now()) return null;
    return { remaining: credit.remaining, resetSeconds: Math.max(1, Math.ceil((credit.until - Date.now()) / 1000)) };
  }

  /** The key's credit in its current window. */
  of(key: string): number {
    const credit = this.byKey.get(key);
    if (!credit) return 0;
    if (credit.until > Date.now()) return credit.points;
    this.byKey.delete(key);
    return 0;
  }

  /** Takes up to `max` points of the key's credit; what was taken. */
  take(key: string, max: number): number {
    const taken = Math.max(0, Math.min(this.of(key), max));
    if (taken > 0) this.byKey.get(key)!.points -= taken;
    return taken;
  }

  /** The key was just charged in a window that ends at `until`, with `remaining` points left: credits given from now on last until then. */
  window(key: string, until: number, remaining: number): void {
    const credit = this.byKey.get(key);
    if (credit && credit.until > Date.now()) {
      credit.until = Math.min(credit.until, until);
      credit.remaining = remaining;
      return;
    }
    if (this.byKey.size >= Credits.MAX_KEYS) {
      const now = Date.now();
      for (const [other, old] of this.byKey) if (old.until <= now) this.byKey.delete(other);
      if (this.byKey.size >= Credits.MAX_KEYS) return;
    }
    this.byKey.set(key, { points: 0, until, remaining });
  }

  /** Adds to the key's credit in its current window; false when there is none known (the caller gives the points back at once). */
  give(key: string, points: number): boolean {
    if (points <= 0) return true;
    const credit = this.byKey.get(key);
    if (!credit || credit.until <= Date.now()) return false;
    credit.points += points;
    return true;
  }
}

/** Whole seconds until a refused caller may try again: at least 1 (Retry-After, retryAfterSeconds). */
function retryAfterSeconds(rejection: RateLimiterRes): number {
  return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
}

/** Counts `points` against `key`; a refusal names the request's whole `cost` (what it asked for, credits aside). */
async function consume(
  limiter: RateLimiterAbstract,
  key: string,
  points: number,
  limit: number,
  who: string,
  cost: number,
  budgetName: string,
): Promise<BudgetState & { endsAt: number }> {
  try {
    const result = await limiter.consume(key, points);
    return {
      limit,
      remaining: result.remainingPoints,
      resetSeconds: Math.ceil(result.msBeforeNext / 1000),
      endsAt: Date.now() + result.msBeforeNext,
    };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    rateLimitRefusals.inc({ budget: budgetName });
    if (points > 1) await limiter.reward(key, points - 1);
    const retryAfter = retryAfterSeconds(rejection);
    throw requestRefusal('RATE_LIMITED', `Rate limit reached: ${who} may spend ${limit} points per minute (this request: ${cost}). Retry in ${retryAfter} s.`, {
      details: { retryAfterSeconds: retryAfter, limit, cost },
      headers: { 'retry-after': String(retryAfter), ...budgetHeaders({ limit, remaining: 0, resetSeconds: retryAfter }) },
    });
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

/**
 * "Send me a new link" (server/invitations/invitation-renewal.ts), on top of
 * the per-address limit of the public operation: requests concerning one
 * profile, and one email address, over a day, whatever they were answered.
 * Counted by the job that handles them, so a refusal here looks like any other.
 */
export const NEW_LINK_LIMITS = { perProfile: 3, perEmailAddress: 5, windowSeconds: 24 * 3600 } as const;

export interface NewLinkLimits {
  /** Counts one request for the profile and its address; false when either is spent. */
  tryRequest(profileId: string, emailAddress: string): Promise<boolean>;
}

export function createNewLinkLimits(store?: { pool: pg.Pool }): NewLinkLimits {
  const duration = NEW_LINK_LIMITS.windowSeconds;
  const profiles = storedLimiter({ keyPrefix: 'new-link:profile', points: NEW_LINK_LIMITS.perProfile, duration }, store, false);
  const addresses = storedLimiter({ keyPrefix: 'new-link:email', points: NEW_LINK_LIMITS.perEmailAddress, duration }, store, false);
  const spend = async (limiter: RateLimiterAbstract, key: string) => {
    try {
      await limiter.consume(key, 1);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  };
  return {
    async tryRequest(profileId, emailAddress) {
      const [profileOk, addressOk] = await Promise.all([spend(profiles, profileId), spend(addresses, emailAddress.toLowerCase())]);
      return profileOk && addressOk;
    },
  };
}

import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';
import { ServiceBusyError } from '../kernel/service-busy.ts';

// argon2id (memory-hard) with the OWASP-recommended floor: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * How much password hashing one process does at once, and how much more waits.
 * Sign-in costs one argon2id (also for unknown emails, so the answer says
 * nothing), and so do accepting an invitation and adding an admin: without a
 * bound, many callers (many addresses, many emails) fill both cores with it.
 *
 * - `concurrency`: one hash per core (2 on the 2-core machines). A hash takes
 *   one thread (`parallelism: 1`) at full speed; more at once only make each
 *   slower. At most 4, libuv's thread pool, which file and DNS work share.
 * - `queue`: 16 per running hash (32 on 2 cores), so a waiter waits at most
 *   about 16 hash times (~0.6 s at ~40 ms a hash) and a burst of legitimate
 *   sign-ins or accepts (bench:accept keeps 10 in flight) fits.
 * Beyond both, the work is refused at once with ServiceBusyError
 * (SERVICE_UNAVAILABLE, Retry-After: 1) instead of queueing without end.
 */
export interface PasswordWorkLimits {
  concurrency: number;
  queue: number;
}

const DEFAULT_CONCURRENCY = Math.min(4, Math.max(1, availableParallelism()));
export const PASSWORD_WORK_LIMITS: PasswordWorkLimits = { concurrency: DEFAULT_CONCURRENCY, queue: 16 * DEFAULT_CONCURRENCY };

const RETRY_AFTER_SECONDS = 1;

/** Runs password work under the limits: at once, after a short wait, or refused (ServiceBusyError) when the queue is full. */
export function passwordWorkLimit(limits: PasswordWorkLimits) {
  const limit = pLimit(limits.concurrency);
  return <T>(work: () => Promise<T>): Promise<T> => {
    if (limit.activeCount + limit.pendingCount >= limits.concurrency + limits.queue) {
      return Promise.reject(new ServiceBusyError('The server is busy checking passwords. Try again in a moment.', RETRY_AFTER_SECONDS));
    }
    return limit(work);
  };
}

const limited = passwordWorkLimit(PASSWORD_WORK_LIMITS);

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return limited(() => verify(passwordHash, password));
}

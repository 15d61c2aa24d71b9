import { randomBytes } from 'node:crypto';
import type { RequestScope, ServiceScope } from '../scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { InvalidCredentialsError, NotASessionError, TooManyLoginAttemptsError } from '../errors/domain-errors.ts';
import { parseText } from '../input/text-fields.ts';
import { hashSecret } from './api-keys.ts';
import { adminSigningIn, NothingCheckedError } from './sign-in-accounts.ts';

export const SESSION_TOKEN_PREFIX = 'pps_';
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

// Failed sign-ins, counted over a sliding window (LoginAttempt rows), limit:
// - one account from one address: MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS;
// - one address, all accounts together: MAX_FAILURES_PER_ADDRESS;
// - one account, all addresses together: MAX_FAILURES_PER_ACCOUNT. This
//   ceiling slows a guesser who spreads over many addresses; it does not apply
//   at an address the admin signed in from in the last KNOWN_ADDRESS_MS, so
//   nobody can lock an owner out of their own address.
// An attempt is counted BEFORE its password is checked, in a transaction
// serialized per account and per address: parallel calls cannot get more
// checks than the limits allow. A success removes its own attempt and the
// earlier failures of that account at that address only (the ceiling keeps
// counting the others). Unknown emails are counted like known ones and cost
// the same argon2 work, so neither the answer nor its timing says whether an
// account exists.
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
export const MAX_FAILURES_PER_ACCOUNT = 20;
export const KNOWN_ADDRESS_MS = 90 * 24 * 3_600_000;

export interface Session {
  token: string;
  expiresAt: Date;
  adminId: string;
}

/** Signing in and out needs the database and the time (a subset of ServiceScope: the mailbox page signs in too). */
type Dependencies = Pick<ServiceScope, 'prisma' | 'clock'>;

/** A new session token: opaque, 256 random bits, recognisable by its prefix. Only its hash is stored. */
export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export async function login(
  { prisma, clock }: Dependencies,
  input: { email: string; password: string; address: string; organizationId?: string | null },
): Promise<Session> {
  // Shape only (before anything is counted or stored): says nothing about whether the account exists.
  const email = parseText(input.email, ['input', 'email']).toLowerCase();
  const now = clock.now();
  const attemptId = await countAttempt(prisma, email, input.address, now);

  const admin = await adminSigningIn(prisma, { email, password: input.password, organizationId: input.organizationId }).catch(async (error: unknown) => {
    // Refused before any password was checked (too much password work under way): not a failed sign-in.
    if (error instanceof NothingCheckedError) await prisma.loginAttempt.deleteMany({ where: { id: attemptId } });
    throw error;
  });
  // A failure stays counted: its attempt row is the failure.
  if (!admin) throw new InvalidCredentialsError();

  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await prisma.$transaction([
    prisma.loginAttempt.deleteMany({ where: { OR: [{ id: attemptId }, { email, address: input.address }] } }),
    prisma.adminSignInAddress.upsert({
      where: { adminId_address: { adminId: admin.id, address: input.address } },
      create: { adminId: admin.id, address: input.address, lastSignedInAt: now },
      update: { lastSignedInAt: now },
    }),
    prisma.adminSession.create({ data: { adminId: admin.id, tokenHash: hashSecret(token), createdAt: now, expiresAt } }),
  ]);
  return { token, expiresAt, adminId: admin.id };
}

/**
 * Counts one attempt, or refuses with TooManyLoginAttempts when a limit is
 * reached. Advisory locks on the account, then the address (always in that
 * order, so two sign-ins never wait on each other in a cycle), make the
 * count and the insert one step for every sign-in of that account or address.
 */
async function countAttempt(prisma: PrismaClient, email: string, address: string, now: Date): Promise<bigint> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const knownSince = new Date(now.getTime() - KNOWN_ADDRESS_MS);
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`sign-in account:${email}`}, 0))`;
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`sign-in address:${address}`}, 0))`;
    // For each limit, the oldest of the last `max` failures, if there are that many: the limit is reached until it leaves the window.
    const [limits] = await tx.$queryRaw<{ pair: Date | null; address: Date | null; account: Date | null; known: boolean }[]>`
      SELECT
        (SELECT created_at FROM login_attempt WHERE email = ${email}::citext AND address = ${address} AND created_at > ${since}::timestamptz
          ORDER BY created_at DESC OFFSET ${MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1} LIMIT 1) AS pair,
        (SELECT created_at FROM login_attempt WHERE address = ${address} AND created_at > ${since}::timestamptz
          ORDER BY created_at DESC OFFSET ${MAX_FAILURES_PER_ADDRESS - 1} LIMIT 1) AS address,
        (SELECT created_at FROM login_attempt WHERE email = ${email}::citext AND created_at > ${since}::timestamptz
          ORDER BY created_at DESC OFFSET ${MAX_FAILURES_PER_ACCOUNT - 1} LIMIT 1) AS account,
        EXISTS (SELECT 1 FROM admin_sign_in_address k JOIN admin a ON a.id = k.admin_id
                WHERE a.email = ${email}::citext AND k.address = ${address} AND k.last_signed_in_at > ${knownSince}::timestamptz) AS known`;
    const reached = [limits!.pair, limits!.address, limits!.known ? null : limits!.account].filter((oldest): oldest is Date => oldest !== null);
    if (reached.length > 0) {
      const until = Math.max(...reached.map((oldest) => oldest.getTime() + LOGIN_WINDOW_MS));
      throw new TooManyLoginAttemptsError(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
    }
    const attempt = await tx.loginAttempt.create({ data: { email, address, createdAt: now }, select: { id: true } });
    return attempt.id;
  });
}

/** adminLogout: ends the caller's own session. An API key is not a session (it is revoked with apiKeyRevoke). */
export async function endCallerSession(scope: RequestScope): Promise<void> {
  if (!scope.viewer.sessionId) throw new NotASessionError();
  await logout(scope, scope.viewer.sessionId);
}

/** Ends a session: its token stops working at once. */
export async function logout({ prisma, clock }: Dependencies, sessionId: string): Promise<void> {
  await prisma.adminSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: clock.now() } });
}

/** Forgets what no longer matters: failed sign-ins past the window, sessions ended or expired a day ago, addresses not signed in from for 90 days. Run hourly by the worker. */
export async function pruneSignInRecords(prisma: PrismaClient, now: Date): Promise<{ attempts: number; sessions: number }> {
  const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
  const [attempts, sessions] = await prisma.$transaction([
    prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - LOGIN_WINDOW_MS) } } }),
    prisma.adminSession.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] } }),
    prisma.adminSignInAddress.deleteMany({ where: { lastSignedInAt: { lt: new Date(now.getTime() - KNOWN_ADDRESS_MS) } } }),
  ]);
  return { attempts: attempts.count, sessions: sessions.count };
}

import { randomBytes } from 'node:crypto';
import type { Clock } from '../context.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { InvalidCredentialsError, TooManyLoginAttemptsError } from '../errors/domain-errors.ts';
import { hashSecret } from './api-keys.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export const SESSION_TOKEN_PREFIX = 'pps_';
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

// Failed sign-ins are counted per account and per network address over a
// sliding window (LoginAttempt rows); a success clears the account's count.
// Unknown emails are counted like known ones and cost the same argon2 work,
// so neither the answer nor its timing says whether an account exists.
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

export interface Session {
  token: string;
  expiresAt: Date;
  adminId: string;
}

interface Dependencies {
  prisma: PrismaClient;
  clock: Clock;
}

let dummyHash: Promise<string> | undefined;

/** A new session token: opaque, 256 random bits, recognisable by its prefix. Only its hash is stored. */
export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export async function login(
  { prisma, clock }: Dependencies,
  input: { email: string; password: string; address: string },
): Promise<Session> {
  const email = input.email.trim().toLowerCase();
  const now = clock.now();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const [accountFailures, addressFailures] = await Promise.all([
    prisma.loginAttempt.findMany({ where: { email, createdAt: { gt: since } }, orderBy: { createdAt: 'desc' }, take: MAX_FAILURES_PER_ACCOUNT, select: { createdAt: true } }),
    prisma.loginAttempt.findMany({ where: { address: input.address, createdAt: { gt: since } }, orderBy: { createdAt: 'desc' }, take: MAX_FAILURES_PER_ADDRESS, select: { createdAt: true } }),
  ]);
  for (const [failures, max] of [[accountFailures, MAX_FAILURES_PER_ACCOUNT], [addressFailures, MAX_FAILURES_PER_ADDRESS]] as const) {
    if (failures.length >= max) {
      // Allowed again once the oldest of the last `max` failures leaves the window.
      const oldest = failures[max - 1]!.createdAt.getTime();
      throw new TooManyLoginAttemptsError(Math.max(1, Math.ceil((oldest + LOGIN_WINDOW_MS - now.getTime()) / 1000)));
    }
  }

  const admin = await prisma.admin.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const passwordMatches = await verifyPassword(admin?.passwordHash ?? (await dummyHash), input.password);
  if (!admin || !passwordMatches) {
    await prisma.loginAttempt.create({ data: { email, address: input.address, createdAt: now } });
    throw new InvalidCredentialsError();
  }

  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await prisma.$transaction([
    prisma.loginAttempt.deleteMany({ where: { email } }),
    prisma.adminSession.create({ data: { adminId: admin.id, tokenHash: hashSecret(token), createdAt: now, expiresAt } }),
  ]);
  return { token, expiresAt, adminId: admin.id };
}

/** Ends a session: its token stops working at once. */
export async function logout({ prisma, clock }: Dependencies, sessionId: string): Promise<void> {
  await prisma.adminSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: clock.now() } });
}

/** Forgets what no longer matters: failed sign-ins past the window, sessions ended or expired a day ago. Run hourly by the worker. */
export async function pruneSignInRecords(prisma: PrismaClient, now: Date): Promise<{ attempts: number; sessions: number }> {
  const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
  const [attempts, sessions] = await prisma.$transaction([
    prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - LOGIN_WINDOW_MS) } } }),
    prisma.adminSession.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] } }),
  ]);
  return { attempts: attempts.count, sessions: sessions.count };
}

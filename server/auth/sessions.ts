import { randomBytes } from 'node:crypto';
import type { RequestScope, ServiceScope } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { InvalidCredentialsError, NotASessionError, TooManyLoginAttemptsError } from '../kernel/errors.ts';
import { parseText } from '../kernel/text-fields.ts';
import { hashSecret } from './api-keys.ts';
import { adminSigningIn, NothingCheckedError } from './sign-in-accounts.ts';

export const SESSION_TOKEN_PREFIX = 'pps_';
export const SESSION_LIFETIME_MS = 12 * 3_600_000;
export const DEVICE_TOKEN_PREFIX = 'ppd_';
export const DEVICE_LIFETIME_MS = 180 * 24 * 3_600_000;

// Sign-in protection: locking someone out must cost the attacker more than it
// costs the victim. Failed sign-ins are counted over a sliding window
// (LoginAttempt rows), in two ways:
//
// - With a device token (given by an earlier success of that account on that
//   browser or script, sent back with later sign-ins): the attempt counts
//   against that device only, MAX_FAILURES_PER_DEVICE in the window, and is
//   never refused for failures from other devices or addresses. An attacker
//   without the victim's device token cannot lock that device out. Beyond its
//   limit the token stops counting as trusted for the window, and the attempt
//   is counted as an untrusted one.
// - Without (or with an unknown, expired or another account's token), limits
//   per account and address (MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS), per address
//   (MAX_FAILURES_PER_ADDRESS) and per account from all addresses
//   (MAX_FAILURES_PER_ACCOUNT; not at an address the admin signed in from in
//   the last KNOWN_ADDRESS_MS). Once one is reached, the next attempt waits a
//   delay that doubles with each further failure (FIRST_DELAY_MS, then 2×, 4×…,
//   at most MAX_DELAY_MS): a guesser stays slow, and someone who only wants to
//   lock the owner out must keep failing to keep them waiting.
//
// An attempt is counted BEFORE its password is checked, in a transaction
// serialized per account and per address: parallel calls cannot get more
// checks than the limits allow. A success removes its own attempt and the
// earlier failures of its device (with a valid device token) or of that
// account at that address (without one); the other limits keep counting.
// Unknown emails are counted like known ones and cost the same argon2 work,
// so neither the answer nor its timing says whether an account exists.
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_DEVICE = 10;
export const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
export const MAX_FAILURES_PER_ACCOUNT = 20;
export const KNOWN_ADDRESS_MS = 90 * 24 * 3_600_000;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = LOGIN_WINDOW_MS;
/** Failures read per limit: past this many beyond a limit the delay is at its maximum anyway. */
const FAILURES_READ_BEYOND_LIMIT = 32;

export interface Session {
  token: string;
  expiresAt: Date;
  adminId: string;
  /** The device token to send with this admin's next sign-ins from the same device. */
  deviceToken: string;
}

/** Signing in and out needs the database and the time (a subset of ServiceScope: the mailbox page signs in too). */
type Dependencies = Pick<ServiceScope, 'prisma' | 'clock'>;

/** A new session token: opaque, 256 random bits, recognisable by its prefix. Only its hash is stored. */
export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A new device token: opaque, 256 random bits. Only its hash is stored. */
function newDeviceToken(): string {
  return `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A device token as newDeviceToken makes it: the prefix, then 32 bytes in base64url. */
const DEVICE_TOKEN_SHAPE = new RegExp(`^${DEVICE_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

export async function login(
  { prisma, clock }: Dependencies,
  input: { email: string; password: string; address: string; organizationId?: string | null; deviceToken?: string | null },
): Promise<Session> {
  // Shape only (before anything is counted or stored): says nothing about whether the account exists.
  const email = parseText(input.email, ['input', 'email']).toLowerCase();
  // A token of another shape is no token: it is counted as an attempt without one.
  const deviceToken = input.deviceToken && DEVICE_TOKEN_SHAPE.test(input.deviceToken) ? input.deviceToken : null;
  const now = clock.now();
  const attempt = await countAttempt(prisma, { email, address: input.address, deviceTokenHash: deviceToken && hashSecret(deviceToken) }, now);

  const admin = await adminSigningIn(prisma, { email, password: input.password, organizationId: input.organizationId }).catch(async (error: unknown) => {
    // Refused before any password was checked (too much password work under way): not a failed sign-in.
    if (error instanceof NothingCheckedError) await prisma.loginAttempt.deleteMany({ where: { id: attempt.id } });
    throw error;
  });
  // A failure stays counted: its attempt row is the failure.
  if (!admin) throw new InvalidCredentialsError();

  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  // The device keeps its token (its life starts again); a sign-in without a valid one gets a new device.
  const device = attempt.deviceId && deviceToken ? { id: attempt.deviceId, token: deviceToken } : { id: null, token: newDeviceToken() };
  const deviceExpiresAt = new Date(now.getTime() + DEVICE_LIFETIME_MS);
  await prisma.$transaction([
    prisma.loginAttempt.deleteMany({
      where: {
        OR: [
          { id: attempt.id },
          ...(attempt.deviceId ? [{ deviceId: attempt.deviceId }] : []),
          ...(attempt.trusted ? [] : [{ email, address: input.address, deviceId: null }]),
        ],
      },
    }),
    prisma.adminSignInAddress.upsert({
      where: { adminId_address: { adminId: admin.id, address: input.address } },
      create: { adminId: admin.id, address: input.address, lastSignedInAt: now },
      update: { lastSignedInAt: now },
    }),
    device.id
      ? prisma.adminDevice.updateMany({ where: { id: device.id }, data: { lastSignedInAt: now, expiresAt: deviceExpiresAt } })
      : prisma.adminDevice.create({ data: { adminId: admin.id, tokenHash: hashSecret(device.token), lastSignedInAt: now, expiresAt: deviceExpiresAt } }),
    prisma.adminSession.create({ data: { adminId: admin.id, tokenHash: hashSecret(token), createdAt: now, expiresAt } }),
  ]);
  return { token, expiresAt, adminId: admin.id, deviceToken: device.token };
}

/** The rule of a valid device token: unexpired, and of an account of the email signing in (another account's token counts as none). */
function deviceOf(tokenHash: string, email: string, now: Date) {
  return { tokenHash, expiresAt: { gt: now }, admin: { email } };
}

/**
 * The device a sign-in's token names, or null when it brings none that is
 * valid for its email. The rate limits count such a sign-in against its
 * device rather than its address (security/request-budget.ts), so callers
 * flooding a shared address with sign-ins never keep this device out.
 */
export async function signInDevice({ prisma, clock }: Dependencies, input: { email?: unknown; deviceToken?: unknown }): Promise<string | null> {
  if (typeof input.email !== 'string' || typeof input.deviceToken !== 'string' || !DEVICE_TOKEN_SHAPE.test(input.deviceToken)) return null;
  const device = await prisma.adminDevice.findFirst({
    where: deviceOf(hashSecret(input.deviceToken), input.email.trim().toLowerCase(), clock.now()),
    select: { id: true },
  });
  return device?.id ?? null;
}

interface CountedAttempt {
  id: bigint;
  /** The valid device token's device, if one came with the attempt (trusted or not). */
  deviceId: string | null;
  /** Counted against its device only. */
  trusted: boolean;
}

/**
 * Counts one attempt, or refuses with TooManyLoginAttempts while a delay
 * holds. Advisory locks on the account, then the address (always in that
 * order, so two sign-ins never wait on each other in a cycle), make the
 * count and the insert one step for every sign-in of that account or address
 * (a device belongs to one account, so its count is serialized too).
 */
async function countAttempt(
  prisma: PrismaClient,
  { email, address, deviceTokenHash }: { email: string; address: string; deviceTokenHash: string | null },
  now: Date,
): Promise<CountedAttempt> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const knownSince = new Date(now.getTime() - KNOWN_ADDRESS_MS);
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`sign-in account:${email}`}, 0))`;
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`sign-in address:${address}`}, 0))`;

    const device = deviceTokenHash ? await tx.adminDevice.findFirst({ where: deviceOf(deviceTokenHash, email, now), select: { id: true } }) : null;
    if (device) {
      const failures = await tx.loginAttempt.count({ where: { deviceId: device.id, createdAt: { gt: since } } });
      if (failures < MAX_FAILURES_PER_DEVICE) {
        const attempt = await tx.loginAttempt.create({ data: { email, address, deviceId: device.id, createdAt: now }, select: { id: true } });
        return { id: attempt.id, deviceId: device.id, trusted: true };
      }
    }

    // Untrusted: each limit's failures in the window, newest first.
    const [failures] = await tx.$queryRaw<{ pair: Date[]; address: Date[]; account: Date[]; known: boolean }[]>`
      SELECT
        ARRAY(SELECT created_at FROM login_attempt
              WHERE email = ${email}::citext AND address = ${address} AND device_id IS NULL AND created_at > ${since}::timestamptz
              ORDER BY created_at DESC LIMIT ${MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS + FAILURES_READ_BEYOND_LIMIT}) AS pair,
        ARRAY(SELECT created_at FROM login_attempt
              WHERE address = ${address} AND device_id IS NULL AND created_at > ${since}::timestamptz
              ORDER BY created_at DESC LIMIT ${MAX_FAILURES_PER_ADDRESS + FAILURES_READ_BEYOND_LIMIT}) AS address,
        ARRAY(SELECT created_at FROM login_attempt
              WHERE email = ${email}::citext AND device_id IS NULL AND created_at > ${since}::timestamptz
              ORDER BY created_at DESC LIMIT ${MAX_FAILURES_PER_ACCOUNT + FAILURES_READ_BEYOND_LIMIT}) AS account,
        EXISTS (SELECT 1 FROM admin_sign_in_address k JOIN admin a ON a.id = k.admin_id
                WHERE a.email = ${email}::citext AND k.address = ${address} AND k.last_signed_in_at > ${knownSince}::timestamptz) AS known`;
    const allowedAt = Math.max(
      nextAttemptAllowedAt(failures!.pair, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS),
      nextAttemptAllowedAt(failures!.address, MAX_FAILURES_PER_ADDRESS),
      failures!.known ? 0 : nextAttemptAllowedAt(failures!.account, MAX_FAILURES_PER_ACCOUNT),
    );
    if (allowedAt > now.getTime()) throw new TooManyLoginAttemptsError(Math.ceil((allowedAt - now.getTime()) / 1000));
    const attempt = await tx.loginAttempt.create({ data: { email, address, createdAt: now }, select: { id: true } });
    return { id: attempt.id, deviceId: device?.id ?? null, trusted: false };
  });
}

/**
 * When one limit lets the next untrusted attempt run, from its failures in
 * the window (newest first): at once below the limit; else the newest failure
 * plus a delay that doubles with each failure beyond the limit, or, if sooner,
 * when enough failures leave the window to bring the count under the limit.
 */
export function nextAttemptAllowedAt(failures: readonly (Date | string)[], limit: number): number {
  if (failures.length < limit) return 0;
  const at = (i: number) => new Date(failures[i]!).getTime();
  const delay = Math.min(FIRST_DELAY_MS * 2 ** (failures.length - limit), MAX_DELAY_MS);
  return Math.min(at(0) + delay, at(limit - 1) + LOGIN_WINDOW_MS);
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

/**
 * Forgets what no longer matters: failed sign-ins past the window, sessions ended or expired a day ago, addresses not
 * signed in from for 90 days, devices not signed in from for 180 days. Run hourly by the worker.
 */
export async function pruneSignInRecords(prisma: PrismaClient, now: Date): Promise<{ attempts: number; sessions: number }> {
  const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
  const [attempts, sessions] = await prisma.$transaction([
    prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - LOGIN_WINDOW_MS) } } }),
    prisma.adminSession.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] } }),
    prisma.adminSignInAddress.deleteMany({ where: { lastSignedInAt: { lt: new Date(now.getTime() - KNOWN_ADDRESS_MS) } } }),
    prisma.adminDevice.deleteMany({ where: { expiresAt: { lt: now } } }),
  ]);
  return { attempts: attempts.count, sessions: sessions.count };
}

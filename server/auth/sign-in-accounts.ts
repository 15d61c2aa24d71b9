import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../database/prisma.ts';
import { ServiceBusyError } from '../kernel/service-busy.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

// Which admin account an email and a password sign in to. Admin emails are
// unique per organization, so one person may be an admin of several
// organizations under one email, with one password each.
// - With `organizationId`, only that organization's account is tried.
// - Without, that email's accounts are tried most recently signed in first
//   (then newest first), at most MAX_ACCOUNTS_TRIED of them, and the first
//   whose password matches gets the session: when two accounts share a
//   password, the one used last; to reach the other, name its organization.
// An email with no account costs one argon2 verification, like an email with
// one account, so neither the answer nor its timing says whether it exists.

/** Accounts of one email a sign-in without `organizationId` tries (a bound on the argon2 work of one call). */
export const MAX_ACCOUNTS_TRIED = 10;

/** The server refused the sign-in's password work before any password was checked: not a failed attempt. */
export class NothingCheckedError extends ServiceBusyError {}

let dummyHash: Promise<string> | undefined;

function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex')).catch((error: unknown) => {
    dummyHash = undefined; // refused (the server was busy): made again next time
    throw error;
  });
  return dummyHash;
}

export async function adminSigningIn(
  prisma: PrismaClient,
  input: { email: string; password: string; organizationId?: string | null },
): Promise<{ id: string } | null> {
  const organizationId = input.organizationId ?? null;
  const accounts = await prisma.$queryRaw<{ id: string; password_hash: string }[]>`
    SELECT a.id, a.password_hash FROM admin a
    WHERE a.email = ${input.email}::citext AND (${organizationId}::uuid IS NULL OR a.organization_id = ${organizationId}::uuid)
    ORDER BY (SELECT max(k.last_signed_in_at) FROM admin_sign_in_address k WHERE k.admin_id = a.id) DESC NULLS LAST, a.created_at DESC, a.id
    LIMIT ${MAX_ACCOUNTS_TRIED}`;
  const first = await firstCheck(async () => verifyPassword(accounts[0]?.password_hash ?? (await dummy()), input.password));
  if (accounts.length === 0) return null;
  if (first) return { id: accounts[0]!.id };
  for (const account of accounts.slice(1)) {
    if (await verifyPassword(account.password_hash, input.password)) return { id: account.id };
  }
  return null;
}

async function firstCheck(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof ServiceBusyError) throw new NothingCheckedError(error.message, error.retryAfterSeconds);
    throw error;
  }
}

import type { Clock, Viewer } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';
import { type Organization, Prisma } from '../generated/prisma/client.ts';
import { invalidCredentials } from '../graphql/graphql-errors.ts';
import { API_KEY_PREFIX, hashSecret } from '../auth/api-keys.ts';
import { SESSION_TOKEN_PREFIX } from '../auth/sessions.ts';
import type { CredentialCache } from './credential-cache.ts';

// Last-used times are written at most once a minute per key or session.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Turns the Authorization header into the caller. No header: an anonymous
 * caller (public fields only). A header that is malformed, or a token that is
 * unknown, revoked or expired: the request is refused as UNAUTHENTICATED,
 * with a message that says which.
 */
export async function authenticate(prisma: PrismaClient, clock: Clock, header: string | null, cache?: CredentialCache): Promise<Viewer | null> {
  if (header === null || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw invalidCredentials('Malformed Authorization header: expected "Bearer <token>".');
  const token = match[1]!;
  const isKey = token.startsWith(API_KEY_PREFIX);
  if (!isKey && !token.startsWith(SESSION_TOKEN_PREFIX)) {
    throw invalidCredentials('Unknown token format: API keys start with "ppk_", session tokens with "pps_".');
  }
  const tokenHash = hashSecret(token);
  const now = clock.now();
  const cached = cache?.get(tokenHash, now);
  if (cached) return cached;
  const generation = cache?.generation ?? 0;
  const { viewer, expiresAt } = isKey ? await authenticateApiKey(prisma, now, tokenHash) : await authenticateSession(prisma, now, tokenHash);
  cache?.set(tokenHash, viewer, expiresAt, generation);
  return viewer;
}

// Each credential is read in ONE statement: the key (or session, admin) with
// its organization's row, and, in the same statement, its last-used time
// refreshed when it is stale (a data-modifying CTE). The organization read
// there answers `viewer.organization` and `organization` without another
// statement (server/auth/viewer.graphql.ts). With a CredentialCache
// (server/app/credential-cache.ts), a caller read in the last half second on
// this server is not read again; a revocation, sign-out, role or plan change
// clears every server's cache through NOTIFY.

// Every column of the organization, named `org.<Prisma field>` (each column is its field's snake_case @map), from the
// generated field list: a column added to the model is read here too.
const ORGANIZATION_PREFIX = 'org.';
const ORGANIZATION_COLUMNS = Prisma.raw(
  Object.values(Prisma.OrganizationScalarFieldEnum)
    .map((field) => `o.${field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}${field === 'id' ? '::text' : ''} AS "${ORGANIZATION_PREFIX}${field}"`)
    .join(', '),
);
const ORGANIZATION_FIELDS = Prisma.raw(
  Object.values(Prisma.OrganizationScalarFieldEnum)
    .map((field) => `"${ORGANIZATION_PREFIX}${field}"`)
    .join(', '),
);

function organizationOf(row: Record<string, unknown>): Organization {
  const organization: Record<string, unknown> = {};
  for (const field of Object.values(Prisma.OrganizationScalarFieldEnum)) organization[field] = row[ORGANIZATION_PREFIX + field];
  return organization as unknown as Organization;
}

interface Authenticated {
  viewer: Viewer;
  /** A session's end; null for an API key. */
  expiresAt: Date | null;
}

interface ApiKeyRow extends Record<string, unknown> {
  id: string;
  organization_id: string;
  role: Role;
  revoked_at: Date | null;
  plan: Plan;
}

async function authenticateApiKey(prisma: PrismaClient, now: Date, tokenHash: string): Promise<Authenticated> {
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  const [key] = await prisma.$queryRaw<ApiKeyRow[]>`
    WITH key AS (
      SELECT k.id, k.organization_id, k.role, k.revoked_at, k.last_used_at, o.plan, ${ORGANIZATION_COLUMNS}
      FROM "api_key" k JOIN "organization" o ON o.id = k.organization_id
      WHERE k.secret_hash = ${tokenHash}
    ), touched AS (
      UPDATE "api_key" SET last_used_at = ${now}::timestamptz
      WHERE id = (SELECT id FROM key WHERE revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < ${stale}::timestamptz))
    )
    SELECT id::text, organization_id::text, role, revoked_at, plan, ${ORGANIZATION_FIELDS} FROM key`;
  if (!key) throw invalidCredentials('Invalid API key.');
  if (key.revoked_at) throw invalidCredentials('This API key was revoked.');
  return {
    viewer: { organizationId: key.organization_id, plan: key.plan, role: key.role, actor: { kind: 'API_KEY', id: key.id }, organization: organizationOf(key) },
    expiresAt: null,
  };
}

interface SessionRow extends Record<string, unknown> {
  id: string;
  expires_at: Date;
  revoked_at: Date | null;
  admin_id: string;
  role: Role;
  organization_id: string;
  plan: Plan;
}

async function authenticateSession(prisma: PrismaClient, now: Date, tokenHash: string): Promise<Authenticated> {
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  const [session] = await prisma.$queryRaw<SessionRow[]>`
    WITH session AS (
      SELECT s.id, s.expires_at, s.revoked_at, s.last_used_at, a.id AS admin_id, a.role, a.organization_id, o.plan, ${ORGANIZATION_COLUMNS}
      FROM "admin_session" s JOIN "admin" a ON a.id = s.admin_id JOIN "organization" o ON o.id = a.organization_id
      WHERE s.token_hash = ${tokenHash}
    ), touched AS (
      UPDATE "admin_session" SET last_used_at = ${now}::timestamptz
      WHERE id = (SELECT id FROM session WHERE revoked_at IS NULL AND expires_at > ${now}::timestamptz
                  AND (last_used_at IS NULL OR last_used_at < ${stale}::timestamptz))
    )
    SELECT id::text, expires_at, revoked_at, admin_id::text, role, organization_id::text, plan, ${ORGANIZATION_FIELDS} FROM session`;
  if (!session) throw invalidCredentials('Invalid session token.');
  if (session.revoked_at) throw invalidCredentials('This session ended (signed out); sign in again.');
  if (session.expires_at <= now) throw invalidCredentials('This session expired; sign in again.');
  return {
    viewer: {
      organizationId: session.organization_id,
      plan: session.plan,
      role: session.role,
      actor: { kind: 'ADMIN', id: session.admin_id },
      sessionId: session.id,
      organization: organizationOf(session),
    },
    expiresAt: session.expires_at,
  };
}

import type { Clock, Viewer } from '../scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { invalidCredentials } from '../errors/graphql-errors.ts';
import { API_KEY_PREFIX, hashSecret } from './api-keys.ts';
import { SESSION_TOKEN_PREFIX } from './sessions.ts';

// Last-used times are written at most once a minute per key or session, so
// authentication costs one indexed read on most requests.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Turns the Authorization header into the caller. No header: an anonymous
 * caller (public fields only). A header that is malformed, or a token that is
 * unknown, revoked or expired: the request is refused as UNAUTHENTICATED,
 * with a message that says which.
 */
export async function authenticate(prisma: PrismaClient, clock: Clock, header: string | null): Promise<Viewer | null> {
  if (header === null || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw invalidCredentials('Malformed Authorization header: expected "Bearer <token>".');
  const token = match[1]!;
  if (token.startsWith(API_KEY_PREFIX)) return authenticateApiKey(prisma, clock, token);
  if (token.startsWith(SESSION_TOKEN_PREFIX)) return authenticateSession(prisma, clock, token);
  throw invalidCredentials('Unknown token format: API keys start with "ppk_", session tokens with "pps_".');
}

const isStale = (lastUsedAt: Date | null, now: Date) => !lastUsedAt || now.getTime() - lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS;

async function authenticateApiKey(prisma: PrismaClient, clock: Clock, token: string): Promise<Viewer> {
  const key = await prisma.apiKey.findUnique({
    where: { secretHash: hashSecret(token) },
    select: { id: true, organizationId: true, role: true, revokedAt: true, lastUsedAt: true, organization: { select: { plan: true } } },
  });
  if (!key) throw invalidCredentials('Invalid API key.');
  if (key.revokedAt) throw invalidCredentials('This API key was revoked.');
  const now = clock.now();
  if (isStale(key.lastUsedAt, now)) await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  return { organizationId: key.organizationId, plan: key.organization.plan, role: key.role, actor: { kind: 'API_KEY', id: key.id } };
}

async function authenticateSession(prisma: PrismaClient, clock: Clock, token: string): Promise<Viewer> {
  const session = await prisma.adminSession.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: {
      id: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      admin: { select: { id: true, role: true, organizationId: true, organization: { select: { plan: true } } } },
    },
  });
  if (!session) throw invalidCredentials('Invalid session token.');
  if (session.revokedAt) throw invalidCredentials('This session ended (signed out); sign in again.');
  const now = clock.now();
  if (session.expiresAt <= now) throw invalidCredentials('This session expired; sign in again.');
  if (isStale(session.lastUsedAt, now)) await prisma.adminSession.update({ where: { id: session.id }, data: { lastUsedAt: now } });
  const { admin } = session;
  return {
    organizationId: admin.organizationId,
    plan: admin.organization.plan,
    role: admin.role,
    actor: { kind: 'ADMIN', id: admin.id },
    sessionId: session.id,
  };
}

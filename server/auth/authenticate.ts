import type { Clock, Viewer } from '../context.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { invalidCredentials } from '../errors/graphql-errors.ts';
import { API_KEY_PREFIX, hashSecret } from './api-keys.ts';

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Turns the Authorization header into the caller. No header: an anonymous
 * caller (public fields only). A header that is malformed, or names a key that
 * is unknown or revoked: the request is refused as UNAUTHENTICATED.
 */
export async function authenticate(prisma: PrismaClient, clock: Clock, header: string | null): Promise<Viewer | null> {
  if (header === null || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw invalidCredentials('Malformed Authorization header: expected "Bearer <token>".');
  const token = match[1]!;
  if (!token.startsWith(API_KEY_PREFIX)) throw invalidCredentials('Unknown token format: API keys start with "ppk_".');

  const key = await prisma.apiKey.findUnique({
    where: { secretHash: hashSecret(token) },
    select: { id: true, organizationId: true, role: true, revokedAt: true, lastUsedAt: true },
  });
  if (!key) throw invalidCredentials('Invalid API key.');
  if (key.revokedAt) throw invalidCredentials('This API key was revoked.');

  const now = clock.now();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { organizationId: key.organizationId, role: key.role, actor: { kind: 'API_KEY', id: key.id } };
}

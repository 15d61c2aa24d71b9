import { assertMayGrant } from '../kernel/granting.ts';
import type { RequestScope } from '../kernel/scope.ts';
import { NotFoundError } from '../kernel/errors.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { parseRequiredText } from '../kernel/text-fields.ts';
import { generateApiKeySecret } from './api-keys.ts';
import { recordAudit } from '../audit/index.ts';
import { disableEndpointsKnownToApiKey } from '../webhooks/index.ts';

const MAX_KEY_NAME_LENGTH = 100;

/** A new key; its secret is returned once and only its hash is kept. A key never gets more rights than its creator. */
export async function createApiKey(scope: RequestScope, input: { name: string; role: Role }): Promise<{ apiKey: ApiKey; secret: string }> {
  const name = parseRequiredText(input.name, ['input', 'name'], MAX_KEY_NAME_LENGTH);
  assertMayGrant(scope.viewer, input.role, 'MANAGE_API_KEYS');
  const generated = generateApiKeySecret();
  return scope.prisma.$transaction(async (tx) => {
    const apiKey = await tx.apiKey.create({
      data: {
        organizationId: scope.viewer.organizationId,
        name,
        role: input.role,
        prefix: generated.prefix,
        secretHash: generated.hash,
        createdByAdminId: scope.viewer.actor.kind === 'ADMIN' ? scope.viewer.actor.id : null,
        createdAt: scope.now,
      },
    });
    // The name, role and visible prefix only: never the secret.
    await recordAudit(tx, scope, {
      kind: 'API_KEY_CREATED',
      subjectId: apiKey.id,
      summary: `Created the API key "${apiKey.name}" (${apiKey.role}, ${apiKey.prefix}…).`,
    });
    return { apiKey, secret: generated.secret };
  });
}

/**
 * Revokes a key at once, and disables the webhook endpoints whose secret or URL it last set (whoever holds the key
 * knows that secret); revoking a revoked key changes nothing.
 */
export async function revokeApiKey(scope: RequestScope, id: string): Promise<ApiKey> {
  const organizationId = scope.viewer.organizationId;
  return scope.prisma.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: scope.now } });
    const apiKey = await tx.apiKey.findFirst({ where: { id, organizationId } });
    if (!apiKey) throw new NotFoundError(['id'], 'API key');
    if (!count) return apiKey;
    const endpoints = await disableEndpointsKnownToApiKey(tx, organizationId, id, scope.now);
    await recordAudit(tx, scope, {
      kind: 'API_KEY_REVOKED',
      subjectId: id,
      summary: `Revoked the API key "${apiKey.name}"${endpoints ? `; the ${endpoints} webhook endpoint(s) whose secret or URL it last set were disabled` : ''}.`,
    });
    return apiKey;
  });
}

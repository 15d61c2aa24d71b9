import { describe, expect, it } from 'vitest';
import { ProfileTotalDocument, ViewerIdentityDocument } from '../test/generated/graphql.ts';
import { useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';
import { hashSecret } from './api-keys.ts';

const kit = useTestKit();

describe('API keys', () => {
  it('creates a key whose secret is shown once, stored hashed, usable at once and listed without its secret', async () => {
    const org = await kit.createOrganization({ role: 'ADMIN' });
    const answer = await org.admin.apiKeyCreate({ name: 'HR sync', role: 'MANAGER' });
    expect(answer.__typename).toBe('ApiKeyCreatePayload');
    const created = expectTypename(answer, 'ApiKeyCreatePayload');
    expect(created.secret).toMatch(/^ppk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({
      name: 'HR sync',
      role: 'MANAGER',
      prefix: created.secret.slice(0, 12),
      lastUsedAt: null,
      revokedAt: null,
      createdBy: { email: org.adminEmail },
    });
    const stored = await kit.prisma.apiKey.findFirstOrThrow({ where: { name: 'HR sync', organizationId: org.id } });
    expect(stored.secretHash).toBe(hashSecret(created.secret));
    expect(JSON.stringify(stored)).not.toContain(created.secret);

    const asKey = await kit.as(created.secret).viewerIdentity();
    expect(asKey).toEqual({ actorKind: 'API_KEY', role: 'MANAGER', apiKey: { name: 'HR sync' } });

    const list = await org.admin.apiKeys();
    expect(list.totalCount).toBe(2);
    expect(list.edges[0]!.node).toEqual({
      name: 'HR sync',
      prefix: created.secret.slice(0, 12),
      role: 'MANAGER',
      createdAt: kit.clock.now().toISOString(),
      lastUsedAt: kit.clock.now().toISOString(),
    });
  });

  it('never grants a key more rights than its creator, and checks the name', async () => {
    const org = await kit.createOrganization({ role: 'ADMIN' });
    const owner = await org.admin.apiKeyCreate({ name: 'Too strong', role: 'OWNER' });
    expect(owner).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN', message: expect.stringMatching(/may not grant the OWNER role/) });
    const unnamed = await org.admin.apiKeyCreate({ name: '  ', role: 'VIEWER' });
    expect(unnamed).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT' });
    expect(await kit.prisma.apiKey.count({ where: { organizationId: org.id } })).toBe(1);
  });

  it('revokes a key: calls with it are refused from then on; revoking again changes nothing', async () => {
    const org = await kit.createOrganization();
    const created = expectTypename(await org.admin.apiKeyCreate({ name: 'Old integration', role: 'VIEWER' }), 'ApiKeyCreatePayload');
    const revoked = await org.admin.apiKeyRevoke(created.apiKey.id);
    expect(revoked).toEqual({ __typename: 'ApiKeyPayload', apiKey: { revokedAt: kit.clock.now().toISOString() } });
    const refused = await kit.as(created.secret).send(ViewerIdentityDocument, {});
    expect(refused.errors?.[0]).toMatchObject({ message: 'This API key was revoked.', extensions: { code: 'UNAUTHENTICATED' } });

    kit.clock.advance(60_000);
    const again = await org.admin.apiKeyRevoke(created.apiKey.id);
    expect(again).toEqual(revoked);
  });

  it('refuses a key of an organization whose plan has no API access, saying which plan has it', async () => {
    const org = await kit.createOrganization({ plan: 'STARTER' });
    const response = await org.api.send(ProfileTotalDocument, {});
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FEATURE_NOT_IN_PLAN', feature: 'API_ACCESS', plan: 'STARTER', requiredPlan: 'BUSINESS' });
    // Its admins still use the admin UI.
    expect(await org.admin.profileTotal()).toBe(0);
  });
});

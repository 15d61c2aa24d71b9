import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';
import { hashSecret } from './api-keys.ts';

const kit = useTestKit();

const CREATE = `mutation ($name: String!, $role: Role!) {
  apiKeyCreate(input: { name: $name, role: $role }) {
    __typename
    ... on ApiKeyCreatePayload { secret apiKey { id name prefix role createdAt lastUsedAt revokedAt createdBy { email } } }
    ... on Error { code message }
  }
}`;
const REVOKE = 'mutation ($id: ID!) { apiKeyRevoke(id: $id) { __typename ... on ApiKeyPayload { apiKey { revokedAt } } ... on Error { code } } }';

describe('API keys', () => {
  it('creates a key whose secret is shown once, stored hashed, usable at once and listed without its secret', async () => {
    const org = await kit.createOrganization({ role: 'ADMIN' });
    const created = (await org.graphqlAs('ADMIN', CREATE, { name: 'HR sync', role: 'MANAGER' })).data.apiKeyCreate;
    expect(created.__typename).toBe('ApiKeyCreatePayload');
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

    const asKey = await kit.graphql('{ viewer { actorKind role apiKey { name } } }', {}, { token: created.secret });
    expect(asKey.data.viewer).toEqual({ actorKind: 'API_KEY', role: 'MANAGER', apiKey: { name: 'HR sync' } });

    const list = await org.graphqlAs('ADMIN', '{ apiKeys { totalCount edges { node { name prefix role createdAt lastUsedAt } } } }');
    expect(list.data.apiKeys.totalCount).toBe(2);
    expect(list.data.apiKeys.edges[0].node).toEqual({
      name: 'HR sync',
      prefix: created.secret.slice(0, 12),
      role: 'MANAGER',
      createdAt: kit.clock.now().toISOString(),
      lastUsedAt: kit.clock.now().toISOString(),
    });
  });

  it('never grants a key more rights than its creator, and checks the name', async () => {
    const org = await kit.createOrganization({ role: 'ADMIN' });
    const owner = (await org.graphqlAs('ADMIN', CREATE, { name: 'Too strong', role: 'OWNER' })).data.apiKeyCreate;
    expect(owner).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN', message: expect.stringMatching(/may not grant the OWNER role/) });
    const unnamed = (await org.graphqlAs('ADMIN', CREATE, { name: '  ', role: 'VIEWER' })).data.apiKeyCreate;
    expect(unnamed).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT' });
    expect(await kit.prisma.apiKey.count({ where: { organizationId: org.id } })).toBe(1);
  });

  it('revokes a key: calls with it are refused from then on; revoking again changes nothing', async () => {
    const org = await kit.createOrganization();
    const created = (await org.graphqlAs('ADMIN', CREATE, { name: 'Old integration', role: 'VIEWER' })).data.apiKeyCreate;
    const revoked = await org.graphqlAs('ADMIN', REVOKE, { id: created.apiKey.id });
    expect(revoked.data.apiKeyRevoke).toEqual({ __typename: 'ApiKeyPayload', apiKey: { revokedAt: kit.clock.now().toISOString() } });
    const refused = await kit.graphql('{ viewer { role } }', {}, { token: created.secret });
    expect(refused.errors?.[0]).toMatchObject({ message: 'This API key was revoked.', extensions: { code: 'UNAUTHENTICATED' } });

    kit.clock.advance(60_000);
    const again = await org.graphqlAs('ADMIN', REVOKE, { id: created.apiKey.id });
    expect(again.data.apiKeyRevoke).toEqual(revoked.data.apiKeyRevoke);
  });

  it('refuses a key of an organization whose plan has no API access, saying which plan has it', async () => {
    const org = await kit.createOrganization({ plan: 'STARTER' });
    const response = await org.graphql('{ profiles { totalCount } }');
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FEATURE_NOT_IN_PLAN', feature: 'API_ACCESS', plan: 'STARTER', requiredPlan: 'BUSINESS' });
    // Its admins still use the admin UI.
    expect((await org.graphqlAs('ADMIN', '{ profiles { totalCount } }')).data.profiles.totalCount).toBe(0);
  });
});

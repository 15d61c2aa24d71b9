import { describe, expect, it } from 'vitest';
import { KIT_ADMIN_PASSWORD, useTestKit } from '../test/kit.ts';

// Issue 10, finding 8: API keys do not outlive the admin who made them, and
// keys do not make keys (or admins). Real requests through yoga.fetch.

const kit = useTestKit();

const ADMIN_CREATE = `mutation ($email: String!, $role: Role!) {
  adminCreate(input: { email: $email, name: "Leaving Admin", role: $role, password: "a long enough password" }) {
    __typename ... on AdminPayload { admin { id } } ... on Error { code }
    ... on Forbidden { action role requiredRoles actorKind allowedActorKinds }
  }
}`;
const KEY_CREATE = `mutation ($name: String!) {
  apiKeyCreate(input: { name: $name, role: ADMIN }) {
    __typename ... on ApiKeyCreatePayload { secret apiKey { id } } ... on Error { code message }
    ... on Forbidden { action role requiredRoles actorKind allowedActorKinds }
  }
}`;
const LOGIN = `mutation ($email: String!, $password: String!) {
  adminLogin(input: { email: $email, password: $password }) { ... on AdminLoginPayload { token } }
}`;
const VIEWER = '{ viewer { actorKind permissions { action allowed refusal } } }';

describe('API key ownership', () => {
  it('removing an admin revokes the API keys they created; the keys of others keep working', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const email = `leaving-${org.id.slice(-6)}@example.test`;
    const created = await org.graphqlAs('ADMIN', ADMIN_CREATE, { email, role: 'ADMIN' });
    expect(created.data.adminCreate.__typename).toBe('AdminPayload');
    const { token } = (await kit.graphql(LOGIN, { email, password: 'a long enough password' }, { headers: { 'x-forwarded-for': '192.0.2.80' } })).data
      .adminLogin;
    const theirs = (await kit.graphql(KEY_CREATE, { name: 'made by the leaver' }, { token })).data.apiKeyCreate;
    expect(theirs.__typename).toBe('ApiKeyCreatePayload');
    const ownersKey = (await org.graphqlAs('ADMIN', KEY_CREATE, { name: 'made by the owner' })).data.apiKeyCreate;
    expect((await kit.graphql(VIEWER, {}, { token: theirs.secret })).data.viewer.actorKind).toBe('API_KEY');

    const removed = await org.graphqlAs('ADMIN', 'mutation ($id: ID!) { adminDelete(id: $id) { __typename } }', { id: created.data.adminCreate.admin.id });
    expect(removed.data.adminDelete.__typename).toBe('AdminDeletePayload');

    const after = await kit.graphql(VIEWER, {}, { token: theirs.secret });
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/revoked/);
    expect((await kit.graphql(VIEWER, {}, { token: ownersKey.secret })).data.viewer.actorKind).toBe('API_KEY');
    const listed = await org.graphqlAs('ADMIN', '{ apiKeys { edges { node { id name revokedAt } } } }');
    const byName = Object.fromEntries(listed.data.apiKeys.edges.map((edge: any) => [edge.node.name, edge.node.revokedAt]));
    expect(byName['made by the leaver']).not.toBeNull();
    expect(byName['made by the owner']).toBeNull();
  });

  it('an API key, whatever its role, cannot create API keys or admins: a typed Forbidden naming the admin session it takes', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const key = await org.graphqlAs('API_KEY', KEY_CREATE, { name: 'key-made key' });
    expect(key.data.apiKeyCreate).toMatchObject({
      __typename: 'Forbidden',
      code: 'FORBIDDEN',
      action: 'MANAGE_API_KEYS',
      role: 'OWNER',
      actorKind: 'API_KEY',
      allowedActorKinds: ['ADMIN'],
    });
    const admin = await org.graphqlAs('API_KEY', ADMIN_CREATE, { email: `by-key-${org.id.slice(-6)}@example.test`, role: 'VIEWER' });
    expect(admin.data.adminCreate).toMatchObject({ __typename: 'Forbidden', action: 'MANAGE_ADMINS', actorKind: 'API_KEY', allowedActorKinds: ['ADMIN'] });
    expect(await kit.prisma.apiKey.count({ where: { organizationId: org.id } })).toBe(1);
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id } })).toBe(1);

    // viewer.permissions says so, for the key; the owner's session may.
    const permissions = async (actor: 'ADMIN' | 'API_KEY') =>
      Object.fromEntries((await org.graphqlAs(actor, VIEWER)).data.viewer.permissions.map((p: any) => [p.action, p.refusal]));
    expect(await permissions('API_KEY')).toMatchObject({ MANAGE_API_KEYS: 'FORBIDDEN', MANAGE_ADMINS: 'FORBIDDEN', READ_PROFILES: null });
    expect(await permissions('ADMIN')).toMatchObject({ MANAGE_API_KEYS: null, MANAGE_ADMINS: null });
    // And the owner, signed in, still can.
    const bySession = await kit.graphql(
      KEY_CREATE,
      { name: 'by session' },
      {
        token: (await kit.graphql(LOGIN, { email: org.adminEmail, password: KIT_ADMIN_PASSWORD }, { headers: { 'x-forwarded-for': '192.0.2.81' } })).data
          .adminLogin.token,
      },
    );
    expect(bySession.data.apiKeyCreate.__typename).toBe('ApiKeyCreatePayload');
  });
});

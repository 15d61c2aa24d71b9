import { describe, expect, it } from 'vitest';
import { KIT_ADMIN_PASSWORD, useTestKit } from '../test/kit.ts';

// API keys do not outlive the admin who made them, and
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
const ENDPOINT_CREATE = `mutation ($url: String!) {
  webhookEndpointCreate(input: { url: $url, eventTypes: [PROFILE_INVITED] }) {
    __typename ... on WebhookEndpointSecretPayload { webhookEndpoint { id } } ... on Error { code }
  }
}`;
const ENDPOINT_ENABLE = `mutation ($id: ID!) {
  webhookEndpointUpdate(id: $id, input: { enabled: true }) { __typename ... on Error { code message } ... on InputError { path } }
}`;

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

  it('removing an admin disables the webhook endpoints they created, for good; those of others keep receiving', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const email = `leaving-hooks-${org.id.slice(-6)}@example.test`;
    const created = await org.graphqlAs('ADMIN', ADMIN_CREATE, { email, role: 'ADMIN' });
    const leaverId = created.data.adminCreate.admin.id;
    const { token } = (await kit.graphql(LOGIN, { email, password: 'a long enough password' }, { headers: { 'x-forwarded-for': '192.0.2.82' } })).data
      .adminLogin;
    const endpoint = async (url: string, options: { token?: string; actor?: 'ADMIN' | 'API_KEY' }) => {
      const result = options.token
        ? await kit.graphql(ENDPOINT_CREATE, { url }, { token: options.token })
        : await org.graphqlAs(options.actor!, ENDPOINT_CREATE, { url });
      expect(result.data?.webhookEndpointCreate.__typename, JSON.stringify(result)).toBe('WebhookEndpointSecretPayload');
      return result.data.webhookEndpointCreate.webhookEndpoint.id as string;
    };
    const theirs = await endpoint('https://hooks.example.test/leaver', { token });
    const theirsDisabledBefore = await endpoint('https://hooks.example.test/leaver-paused', { token });
    await kit.graphql(
      'mutation ($id: ID!) { webhookEndpointUpdate(id: $id, input: { enabled: false }) { __typename } }',
      { id: theirsDisabledBefore },
      { token },
    );
    const ownersEndpoint = await endpoint('https://hooks.example.test/owner', { actor: 'ADMIN' });
    await endpoint('https://hooks.example.test/key', { actor: 'API_KEY' });

    const removed = await org.graphqlAs('ADMIN', 'mutation ($id: ID!) { adminDelete(id: $id) { __typename } }', { id: leaverId });
    expect(removed.data.adminDelete.__typename).toBe('AdminDeletePayload');

    const listed = await org.graphqlAs('ADMIN', '{ webhookEndpoints { edges { node { id url enabled disabledReason disabledAt } } } }');
    const byUrl = Object.fromEntries(listed.data.webhookEndpoints.edges.map((edge: any) => [new URL(edge.node.url).pathname, edge.node]));
    const now = kit.clock.now().toISOString();
    expect(byUrl['/leaver']).toMatchObject({ enabled: false, disabledReason: 'CREATOR_REMOVED', disabledAt: now });
    expect(byUrl['/leaver-paused']).toMatchObject({ enabled: false, disabledReason: 'CREATOR_REMOVED' });
    expect(byUrl['/owner']).toMatchObject({ enabled: true, disabledReason: null });
    expect(byUrl['/key']).toMatchObject({ enabled: true, disabledReason: null });

    // The secret they saw never signs again: enabling is refused, an owner creates a new endpoint.
    for (const id of [theirs, theirsDisabledBefore]) {
      const enabled = (await org.graphqlAs('ADMIN', ENDPOINT_ENABLE, { id })).data.webhookEndpointUpdate;
      expect(enabled).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'enabled'] });
      expect(enabled.message).toMatch(/create it again/);
    }
    expect((await org.graphqlAs('ADMIN', ENDPOINT_ENABLE, { id: ownersEndpoint })).data.webhookEndpointUpdate.__typename).toBe('WebhookEndpointPayload');

    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) they created were disabled/);
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

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

  it('removing an admin disables the webhook endpoints they created, until their secret is rotated; those of others keep receiving', async () => {
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
    expect(byUrl['/leaver']).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED', disabledAt: now });
    expect(byUrl['/leaver-paused']).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(byUrl['/owner']).toMatchObject({ enabled: true, disabledReason: null });
    expect(byUrl['/key']).toMatchObject({ enabled: true, disabledReason: null });

    // The secret they saw never signs again: enabling is refused until a remaining admin rotates it.
    for (const id of [theirs, theirsDisabledBefore]) {
      const enabled = (await org.graphqlAs('ADMIN', ENDPOINT_ENABLE, { id })).data.webhookEndpointUpdate;
      expect(enabled).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'enabled'] });
      expect(enabled.message).toMatch(/rotate its secret/);
    }
    expect((await org.graphqlAs('ADMIN', ENDPOINT_ENABLE, { id: ownersEndpoint })).data.webhookEndpointUpdate.__typename).toBe('WebhookEndpointPayload');

    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) whose secret or URL they or their keys last set were disabled/);
  });

  // Who last saw an endpoint's secret or chose its URL answers for it: the admin, or the API key (and, through it, the
  // admin who created the key).
  const ROTATE = `mutation ($id: ID!) {
    webhookEndpointRotateSecret(id: $id) { __typename ... on WebhookEndpointSecretPayload { secret webhookEndpoint { enabled disabledReason } } ... on Error { code } }
  }`;
  const RETARGET = `mutation ($id: ID!, $url: String, $eventTypes: [WebhookEventType!]) {
    webhookEndpointUpdate(id: $id, input: { url: $url, eventTypes: $eventTypes }) { __typename ... on Error { code message } }
  }`;
  const KEY_REVOKE = 'mutation ($id: ID!) { apiKeyRevoke(id: $id) { __typename ... on Error { code } } }';
  const endpointStates = async (org: Awaited<ReturnType<typeof kit.createOrganization>>) => {
    const listed = await org.graphqlAs('ADMIN', '{ webhookEndpoints { edges { node { id url enabled disabledReason } } } }');
    return Object.fromEntries(listed.data.webhookEndpoints.edges.map((edge: any) => [edge.node.id, edge.node])) as Record<string, any>;
  };
  const addAdmin = async (org: Awaited<ReturnType<typeof kit.createOrganization>>, name: string, address: string) => {
    const email = `${name}-${org.id.slice(-6)}@example.test`;
    const created = await org.graphqlAs('ADMIN', ADMIN_CREATE, { email, role: 'ADMIN' });
    const { token } = (await kit.graphql(LOGIN, { email, password: 'a long enough password' }, { headers: { 'x-forwarded-for': address } })).data.adminLogin;
    return { id: created.data.adminCreate.admin.id as string, token: token as string };
  };
  const createEndpoint = async (url: string, token: string) => {
    const result = await kit.graphql(ENDPOINT_CREATE, { url }, { token });
    expect(result.data?.webhookEndpointCreate.__typename, JSON.stringify(result)).toBe('WebhookEndpointSecretPayload');
    return result.data.webhookEndpointCreate.webhookEndpoint.id as string;
  };

  it('removing an admin disables the endpoints created with an API key they created', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const mallory = await addAdmin(org, 'mallory-key', '192.0.2.83');
    const key = (await kit.graphql(KEY_CREATE, { name: 'mallory key' }, { token: mallory.token })).data.apiKeyCreate;
    const byHerKey = await createEndpoint('https://hooks.example.test/by-her-key', key.secret);
    const byOrgKey = await createEndpoint('https://hooks.example.test/by-org-key', org.apiKey);

    const removed = await org.graphqlAs('ADMIN', 'mutation ($id: ID!) { adminDelete(id: $id) { __typename } }', { id: mallory.id });
    expect(removed.data.adminDelete.__typename).toBe('AdminDeletePayload');

    const states = await endpointStates(org);
    expect(states[byHerKey]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[byOrgKey]).toMatchObject({ enabled: true, disabledReason: null });
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/1 API key\(s\) they created were revoked/);
    expect(audit.summary).toMatch(/1 webhook endpoint\(s\) whose secret or URL they or their keys last set were disabled/);
  });

  it("removing an admin disables the owner's endpoints whose secret they rotated or URL they changed; rotating again lets an owner enable it", async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const ownerToken = (await kit.graphql(LOGIN, { email: org.adminEmail, password: KIT_ADMIN_PASSWORD }, { headers: { 'x-forwarded-for': '192.0.2.84' } }))
      .data.adminLogin.token as string;
    const mallory = await addAdmin(org, 'mallory-rotate', '192.0.2.85');
    const rotated = await createEndpoint('https://hooks.example.test/rotated', ownerToken);
    const retargeted = await createEndpoint('https://hooks.example.test/retargeted', ownerToken);
    const retypedOnly = await createEndpoint('https://hooks.example.test/retyped', ownerToken);
    const untouched = await createEndpoint('https://hooks.example.test/untouched', ownerToken);

    expect((await kit.graphql(ROTATE, { id: rotated }, { token: mallory.token })).data.webhookEndpointRotateSecret.__typename).toBe(
      'WebhookEndpointSecretPayload',
    );
    const moved = await kit.graphql(RETARGET, { id: retargeted, url: 'https://mallory.example.test/inbox' }, { token: mallory.token });
    expect(moved.data.webhookEndpointUpdate.__typename).toBe('WebhookEndpointPayload');
    const retyped = await kit.graphql(RETARGET, { id: retypedOnly, eventTypes: ['PROFILE_INVITED', 'INVITATION_ACCEPTED'] }, { token: mallory.token });
    expect(retyped.data.webhookEndpointUpdate.__typename).toBe('WebhookEndpointPayload');

    await org.graphqlAs('ADMIN', 'mutation ($id: ID!) { adminDelete(id: $id) { __typename } }', { id: mallory.id });

    const states = await endpointStates(org);
    expect(states[rotated]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[retargeted]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED', url: 'https://mallory.example.test/inbox' });
    expect(states[retypedOnly]).toMatchObject({ enabled: true, disabledReason: null });
    expect(states[untouched]).toMatchObject({ enabled: true, disabledReason: null });
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) whose secret or URL they or their keys last set were disabled/);

    // Enabling is refused until a remaining admin rotates the secret; the rotation has no grace for the old one.
    const refused = (await org.graphqlAs('ADMIN', ENDPOINT_ENABLE, { id: rotated })).data.webhookEndpointUpdate;
    expect(refused).toMatchObject({ __typename: 'InvalidInput', path: ['input', 'enabled'] });
    expect(refused.message).toMatch(/rotate its secret/);
    const fresh = (await org.graphqlAs('ADMIN', ROTATE, { id: rotated })).data.webhookEndpointRotateSecret;
    expect(fresh.webhookEndpoint).toEqual({ enabled: false, disabledReason: 'MANUAL' });
    const stored = await kit.prisma.webhookEndpoint.findFirstOrThrow({ where: { organizationId: org.id, url: 'https://hooks.example.test/rotated' } });
    expect(stored.previousSecretExpiresAt).toBeNull();
    expect((await org.graphqlAs('ADMIN', ENDPOINT_ENABLE, { id: rotated })).data.webhookEndpointUpdate.__typename).toBe('WebhookEndpointPayload');
  });

  it('revoking an API key disables the endpoints whose secret or URL that key last set', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const keyA = (await org.graphqlAs('ADMIN', KEY_CREATE, { name: 'integration A' })).data.apiKeyCreate;
    const keyB = (await org.graphqlAs('ADMIN', KEY_CREATE, { name: 'integration B' })).data.apiKeyCreate;
    const byA = await createEndpoint('https://hooks.example.test/by-a', keyA.secret);
    const rotatedByA = await createEndpoint('https://hooks.example.test/rotated-by-a', keyB.secret);
    const byB = await createEndpoint('https://hooks.example.test/by-b', keyB.secret);
    expect((await kit.graphql(ROTATE, { id: rotatedByA }, { token: keyA.secret })).data.webhookEndpointRotateSecret.__typename).toBe(
      'WebhookEndpointSecretPayload',
    );

    const revoked = await org.graphqlAs('ADMIN', KEY_REVOKE, { id: keyA.apiKey.id });
    expect(revoked.data.apiKeyRevoke.__typename).toBe('ApiKeyPayload');

    const states = await endpointStates(org);
    expect(states[byA]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[rotatedByA]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[byB]).toMatchObject({ enabled: true, disabledReason: null });
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'API_KEY_REVOKED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) whose secret or URL it last set were disabled/);
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

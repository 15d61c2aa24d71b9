import { describe, expect, it } from 'vitest';
import { KIT_ADMIN_PASSWORD, type TestOrganization, useTestKit } from '../test/kit.ts';
import { ApiKeysDocument, ViewerPermissionsDocument } from '../test/generated/graphql.ts';
import { expectTypename } from '../test/operations.ts';

// API keys do not outlive the admin who made them, and
// keys do not make keys (or admins). Real requests through yoga.fetch.

const kit = useTestKit();

const PASSWORD = 'a long enough password';
/** Signs in from `address` (its own sign-in budget); the session token. */
const signIn = async (email: string, password: string, address: string) =>
  expectTypename(await kit.as(null, { headers: { 'x-forwarded-for': address } }).adminLogin({ email, password }), 'AdminLoginPayload').token;
const createAdmin = (org: TestOrganization, actor: 'ADMIN' | 'API_KEY', email: string, role: 'ADMIN' | 'VIEWER') =>
  org.as(actor).adminCreate({ email, name: 'Leaving Admin', role, password: PASSWORD });
const createKey = (token: string, name: string) => kit.as(token).apiKeyCreate({ name, role: 'ADMIN' });
const enable = (org: TestOrganization, id: string) => org.admin.webhookEndpointUpdate(id, { enabled: true });

describe('API key ownership', () => {
  it('removing an admin revokes the API keys they created; the keys of others keep working', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const email = `leaving-${org.id.slice(-6)}@example.test`;
    const created = await createAdmin(org, 'ADMIN', email, 'ADMIN');
    expect(created.__typename).toBe('AdminPayload');
    const token = await signIn(email, PASSWORD, '192.0.2.80');
    const theirs = expectTypename(await createKey(token, 'made by the leaver'), 'ApiKeyCreatePayload');
    const ownersKey = expectTypename(await org.admin.apiKeyCreate({ name: 'made by the owner', role: 'ADMIN' }), 'ApiKeyCreatePayload');
    expect((await kit.as(theirs.secret).viewerPermissions()).actorKind).toBe('API_KEY');

    const removed = await org.admin.adminDelete(expectTypename(created, 'AdminPayload').admin.id);
    expect(removed.__typename).toBe('AdminDeletePayload');

    const after = await kit.as(theirs.secret).send(ViewerPermissionsDocument, {});
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/revoked/);
    expect((await kit.as(ownersKey.secret).viewerPermissions()).actorKind).toBe('API_KEY');
    const listed = await org.admin.apiKeyRevocations();
    const byName = Object.fromEntries(listed.edges.map((edge) => [edge.node.name, edge.node.revokedAt]));
    expect(byName['made by the leaver']).not.toBeNull();
    expect(byName['made by the owner']).toBeNull();
  });

  it('removing an admin disables the webhook endpoints they created, until their secret is rotated; those of others keep receiving', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const email = `leaving-hooks-${org.id.slice(-6)}@example.test`;
    const leaverId = expectTypename(await createAdmin(org, 'ADMIN', email, 'ADMIN'), 'AdminPayload').admin.id;
    const token = await signIn(email, PASSWORD, '192.0.2.82');
    const endpoint = async (url: string, options: { token?: string; actor?: 'ADMIN' | 'API_KEY' }) => {
      const result = await (options.token ? kit.as(options.token) : org.as(options.actor!)).webhookEndpointCreate({ url, eventTypes: ['PROFILE_INVITED'] });
      return expectTypename(result, 'WebhookEndpointSecretPayload').webhookEndpoint.id;
    };
    const theirs = await endpoint('https://hooks.example.test/leaver', { token });
    const theirsDisabledBefore = await endpoint('https://hooks.example.test/leaver-paused', { token });
    await kit.as(token).webhookEndpointUpdate(theirsDisabledBefore, { enabled: false });
    const ownersEndpoint = await endpoint('https://hooks.example.test/owner', { actor: 'ADMIN' });
    await endpoint('https://hooks.example.test/key', { actor: 'API_KEY' });

    const removed = await org.admin.adminDelete(leaverId);
    expect(removed.__typename).toBe('AdminDeletePayload');

    const listed = await org.admin.webhookEndpointStates();
    const byUrl = Object.fromEntries(listed.edges.map((edge) => [new URL(edge.node.url).pathname, edge.node]));
    const now = kit.clock.now().toISOString();
    expect(byUrl['/leaver']).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED', disabledAt: now });
    expect(byUrl['/leaver-paused']).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(byUrl['/owner']).toMatchObject({ enabled: true, disabledReason: null });
    expect(byUrl['/key']).toMatchObject({ enabled: true, disabledReason: null });

    // The secret they saw never signs again: enabling is refused until a remaining admin rotates it.
    for (const id of [theirs, theirsDisabledBefore]) {
      const enabled = expectTypename(await enable(org, id), 'InvalidInput');
      expect(enabled).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'enabled'] });
      expect(enabled.message).toMatch(/rotate its secret/);
    }
    expect((await enable(org, ownersEndpoint)).__typename).toBe('WebhookEndpointPayload');

    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) whose secret or URL they or their keys last set were disabled/);
  });

  // Who last saw an endpoint's secret or chose its URL answers for it: the admin, or the API key (and, through it, the
  // admin who created the key).
  const endpointStates = async (org: TestOrganization) => {
    const listed = await org.admin.webhookEndpointStates();
    return Object.fromEntries(listed.edges.map((edge) => [edge.node.id, edge.node]));
  };
  const addAdmin = async (org: TestOrganization, name: string, address: string) => {
    const email = `${name}-${org.id.slice(-6)}@example.test`;
    const created = expectTypename(await createAdmin(org, 'ADMIN', email, 'ADMIN'), 'AdminPayload');
    return { id: created.admin.id, token: await signIn(email, PASSWORD, address) };
  };
  const createEndpoint = async (url: string, token: string) =>
    expectTypename(await kit.as(token).webhookEndpointCreate({ url, eventTypes: ['PROFILE_INVITED'] }), 'WebhookEndpointSecretPayload').webhookEndpoint.id;

  it('removing an admin disables the endpoints created with an API key they created', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const mallory = await addAdmin(org, 'mallory-key', '192.0.2.83');
    const key = expectTypename(await createKey(mallory.token, 'mallory key'), 'ApiKeyCreatePayload');
    const byHerKey = await createEndpoint('https://hooks.example.test/by-her-key', key.secret);
    const byOrgKey = await createEndpoint('https://hooks.example.test/by-org-key', org.apiKey);

    const removed = await org.admin.adminDelete(mallory.id);
    expect(removed.__typename).toBe('AdminDeletePayload');

    const states = await endpointStates(org);
    expect(states[byHerKey]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[byOrgKey]).toMatchObject({ enabled: true, disabledReason: null });
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/1 API key\(s\) they created were revoked/);
    expect(audit.summary).toMatch(/1 webhook endpoint\(s\) whose secret or URL they or their keys last set were disabled/);
  });

  it("removing an admin disables the owner's endpoints whose secret they rotated or URL they changed; rotating again lets an owner enable it", async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const ownerToken = await signIn(org.adminEmail, KIT_ADMIN_PASSWORD, '192.0.2.84');
    const mallory = await addAdmin(org, 'mallory-rotate', '192.0.2.85');
    const rotated = await createEndpoint('https://hooks.example.test/rotated', ownerToken);
    const retargeted = await createEndpoint('https://hooks.example.test/retargeted', ownerToken);
    const retypedOnly = await createEndpoint('https://hooks.example.test/retyped', ownerToken);
    const untouched = await createEndpoint('https://hooks.example.test/untouched', ownerToken);

    expect((await kit.as(mallory.token).webhookEndpointRotateSecret(rotated)).__typename).toBe('WebhookEndpointSecretPayload');
    const moved = await kit.as(mallory.token).webhookEndpointUpdate(retargeted, { url: 'https://mallory.example.test/inbox' });
    expect(moved.__typename).toBe('WebhookEndpointPayload');
    const retyped = await kit.as(mallory.token).webhookEndpointUpdate(retypedOnly, { eventTypes: ['PROFILE_INVITED', 'INVITATION_ACCEPTED'] });
    expect(retyped.__typename).toBe('WebhookEndpointPayload');

    await org.admin.adminDelete(mallory.id);

    const states = await endpointStates(org);
    expect(states[rotated]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[retargeted]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED', url: 'https://mallory.example.test/inbox' });
    expect(states[retypedOnly]).toMatchObject({ enabled: true, disabledReason: null });
    expect(states[untouched]).toMatchObject({ enabled: true, disabledReason: null });
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'ADMIN_REMOVED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) whose secret or URL they or their keys last set were disabled/);

    // Enabling is refused until a remaining admin rotates the secret; the rotation has no grace for the old one.
    const refused = expectTypename(await enable(org, rotated), 'InvalidInput');
    expect(refused).toMatchObject({ __typename: 'InvalidInput', path: ['input', 'enabled'] });
    expect(refused.message).toMatch(/rotate its secret/);
    const fresh = expectTypename(await org.admin.webhookEndpointRotateSecret(rotated), 'WebhookEndpointSecretPayload');
    expect(fresh.webhookEndpoint).toEqual({ enabled: false, disabledReason: 'MANUAL' });
    const stored = await kit.prisma.webhookEndpoint.findFirstOrThrow({ where: { organizationId: org.id, url: 'https://hooks.example.test/rotated' } });
    expect(stored.previousSecretExpiresAt).toBeNull();
    expect((await enable(org, rotated)).__typename).toBe('WebhookEndpointPayload');
  });

  it('revoking an API key disables the endpoints whose secret or URL that key last set', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const keyA = expectTypename(await org.admin.apiKeyCreate({ name: 'integration A', role: 'ADMIN' }), 'ApiKeyCreatePayload');
    const keyB = expectTypename(await org.admin.apiKeyCreate({ name: 'integration B', role: 'ADMIN' }), 'ApiKeyCreatePayload');
    const byA = await createEndpoint('https://hooks.example.test/by-a', keyA.secret);
    const rotatedByA = await createEndpoint('https://hooks.example.test/rotated-by-a', keyB.secret);
    const byB = await createEndpoint('https://hooks.example.test/by-b', keyB.secret);
    expect((await kit.as(keyA.secret).webhookEndpointRotateSecret(rotatedByA)).__typename).toBe('WebhookEndpointSecretPayload');

    const revoked = await org.admin.apiKeyRevoke(keyA.apiKey.id);
    expect(revoked.__typename).toBe('ApiKeyPayload');

    const states = await endpointStates(org);
    expect(states[byA]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[rotatedByA]).toMatchObject({ enabled: false, disabledReason: 'SECRET_HOLDER_REMOVED' });
    expect(states[byB]).toMatchObject({ enabled: true, disabledReason: null });
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, kind: 'API_KEY_REVOKED' } });
    expect(audit.summary).toMatch(/the 2 webhook endpoint\(s\) whose secret or URL it last set were disabled/);
  });

  it('an API key, whatever its role, cannot create API keys or admins: a typed Forbidden naming the admin session it takes', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const key = await org.api.apiKeyCreate({ name: 'key-made key', role: 'ADMIN' });
    expect(key).toMatchObject({
      __typename: 'Forbidden',
      code: 'FORBIDDEN',
      action: 'MANAGE_API_KEYS',
      role: 'OWNER',
      actorKind: 'API_KEY',
      allowedActorKinds: ['ADMIN'],
    });
    const admin = await createAdmin(org, 'API_KEY', `by-key-${org.id.slice(-6)}@example.test`, 'VIEWER');
    expect(admin).toMatchObject({ __typename: 'Forbidden', action: 'MANAGE_ADMINS', actorKind: 'API_KEY', allowedActorKinds: ['ADMIN'] });
    expect(await kit.prisma.apiKey.count({ where: { organizationId: org.id } })).toBe(1);
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id } })).toBe(1);
    // Listing keys is refused the same way, and the message names the caller's kind as the reason, not the owner's role.
    const listed = await kit.as(org.apiKey).send(ApiKeysDocument, {});
    expect(listed.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', actorKind: 'API_KEY', allowedActorKinds: ['ADMIN'] });
    expect(listed.errors?.[0]?.message).toMatch(/^An API key may not do this .*sign in as an admin/);

    // viewer.permissions says so, for the key; the owner's session may.
    const permissions = async (actor: 'ADMIN' | 'API_KEY') =>
      Object.fromEntries((await org.as(actor).viewerPermissions()).permissions.map((p) => [p.action, p.refusal]));
    expect(await permissions('API_KEY')).toMatchObject({ MANAGE_API_KEYS: 'FORBIDDEN', MANAGE_ADMINS: 'FORBIDDEN', READ_PROFILES: null });
    expect(await permissions('ADMIN')).toMatchObject({ MANAGE_API_KEYS: null, MANAGE_ADMINS: null });
    // And the owner, signed in, still can.
    const bySession = await createKey(await signIn(org.adminEmail, KIT_ADMIN_PASSWORD, '192.0.2.81'), 'by session');
    expect(bySession.__typename).toBe('ApiKeyCreatePayload');
  });
});

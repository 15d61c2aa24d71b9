import { describe, expect } from 'vitest';
import { kitTest, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';
import { GROUP, patchOf, sendScim, USER, useScimServer } from '../test/scim-client.ts';

// Directory sync for admins, through GraphQL: connections (token shown once,
// rotated, deleted), the invite policy, group mappings, the request log, and
// where a profile's access comes from; refused by plan and role like the rest.

const kit = useTestKit();
const server = useScimServer(kit);
const it = kitTest(kit);

describe('directory connections in GraphQL', () => {
  it('an owner creates one (token shown once, absolute SCIM URL), rotates its token, reads its request log, deletes it', async ({ org }) => {
    const payload = expectTypename(await org.admin.directoryConnectionCreate('Entra ID'), 'DirectoryConnectionCreatePayload');
    expect(payload.secret).toMatch(/^ppscim_[A-Za-z0-9_-]{43}$/);
    expect(payload.connection).toMatchObject({ scimBaseUrl: 'http://parkpass.test/scim/v2', invitePolicy: 'NEVER' });
    expect(payload.secret.startsWith(payload.connection!.tokenPrefix)).toBe(true);
    const stored = await kit.prisma.directoryConnection.findFirstOrThrow({ where: { organizationId: org.id } });
    expect(JSON.stringify(stored)).not.toContain(payload.secret);

    const first = await sendScim(server.url(), payload.secret, 'POST', '/Users', { schemas: [USER], userName: 'alice@contoso.test' });
    expect(first.status).toBe(201);
    const refused = await sendScim(server.url(), payload.secret, 'POST', '/Users', { schemas: [USER], userName: 'no-address' });
    expect(refused.status).toBe(400);

    const { secret } = expectTypename(await org.admin.directoryConnectionRotateToken(payload.connection!.id), 'DirectoryConnectionCreatePayload');
    expect(secret).not.toBe(payload.secret);
    expect((await sendScim(server.url(), payload.secret, 'GET', '/Users')).status).toBe(401);
    expect((await sendScim(server.url(), secret, 'GET', '/Users')).status).toBe(200);

    const log = await org.admin.directoryRequestLog(10);
    const node = log.edges[0]!.node;
    expect(node.userCount).toBe(1);
    expect(node.lastRequestAt).not.toBeNull();
    expect(node.failed.totalCount).toBe(1);
    const requests = node.requests.edges.map((edge) => edge.node);
    expect(requests).toEqual([
      { method: 'GET', resource: '/Users', status: 200, summary: '', error: null },
      { method: 'POST', resource: '/Users', status: 400, summary: '', error: expect.stringContaining('invalidValue: The user needs an email address') },
      { method: 'POST', resource: '/Users', status: 201, summary: 'created the profile of alice alice', error: null },
    ]);
    expect(JSON.stringify(log)).not.toContain(secret);

    expect((await org.admin.directoryConnectionDelete(payload.connection!.id)).__typename).toBe('DirectoryConnectionDeletePayload');
    expect((await sendScim(server.url(), secret, 'GET', '/Users')).status).toBe(401);
    // The profile stays.
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, email: 'alice@contoso.test' } })).toBe(1);
  });

  it('is refused by plan, by role and to API keys, with typed errors; an organization has at most three', async ({ org }) => {
    const business = await kit.createOrganization({ plan: 'BUSINESS' });
    expect(await business.admin.directoryConnectionCreate('x')).toEqual({
      __typename: 'FeatureNotInPlan',
      code: 'FEATURE_NOT_IN_PLAN',
    });
    const admin = await kit.createOrganization({ role: 'ADMIN' });
    expect(await admin.admin.directoryConnectionCreate('x')).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    expect(await org.api.directoryConnectionCreate('x')).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    for (const name of ['Entra ID', 'Okta', 'Okta (test)']) {
      expect((await org.admin.directoryConnectionCreate(name)).__typename).toBe('DirectoryConnectionCreatePayload');
    }
    expect(await org.admin.directoryConnectionCreate('fourth')).toEqual({
      __typename: 'DirectoryConnectionLimitReached',
      code: 'DIRECTORY_CONNECTION_LIMIT_REACHED',
    });
  });

  it('maps a group to access and sets the invite policy; the profile shows which grants its groups gave', async ({ org, mailbox }) => {
    const created = expectTypename(await org.admin.directoryConnectionCreate('Okta'), 'DirectoryConnectionCreatePayload');
    const scim = (method: string, path: string, body?: unknown) => sendScim(server.url(), created.secret, method, path, body);
    const user = await scim('POST', '/Users', { schemas: [USER], userName: 'bob@contoso.test', name: { givenName: 'Bob', familyName: 'Stone' } });
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Garage B2', members: [{ value: user.body.id }] });
    await scim('PATCH', `/Groups/${group.body.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: user.body.id }] }));

    const mapped = await org.admin.directoryGroupMap(group.body.id, {
      parkingLotIds: [org.lots[0]!.globalId],
      tagIds: [org.tags[1]!.globalId],
      paymentMethod: 'COMPANY_INVOICE',
    });
    expect(expectTypename(mapped, 'DirectoryGroupPayload').group).toEqual({
      displayName: 'Garage B2',
      memberCount: 1,
      paymentMethod: 'COMPANY_INVOICE',
      parkingLots: [{ name: org.lots[0]!.name }],
      tags: [{ name: org.tags[1]!.name }],
    });
    expect(await org.admin.profileDirectory(user.body.id)).toEqual({
      status: 'NOT_INVITED',
      parkingLots: [{ id: org.lots[0]!.globalId }],
      directory: {
        userName: 'bob@contoso.test',
        active: true,
        groupParkingLotIds: [org.lots[0]!.globalId],
        groupTagIds: [org.tags[1]!.globalId],
        groupPaymentMethods: ['COMPANY_INVOICE'],
        connection: { name: 'Okta' },
      },
    });

    // What the directory sends is the directory's to change; access stays the admin's.
    expect(await org.admin.profileUpdate(user.body.id, { firstName: 'Robert' })).toMatchObject({
      __typename: 'ManagedByDirectory',
      code: 'MANAGED_BY_DIRECTORY',
      path: ['input', 'firstName'],
    });
    const byHand = await org.admin.profileUpdate(user.body.id, { parkingLotIds: [org.lots[0]!.globalId, org.lots[1]!.globalId] });
    expect(byHand.__typename).toBe('ProfilePayload');

    // Switching to "invite when provisioned" invites the people already provisioned, once.
    const policy = await org.admin.directoryConnectionUpdate(created.connection!.id, { invitePolicy: 'ON_PROVISIONING' });
    expect(expectTypename(policy, 'DirectoryConnectionPayload').connection?.invitePolicy).toBe('ON_PROVISIONING');
    await kit.runJobs();
    expect(mailbox.to('bob@contoso.test')).toHaveLength(1);
    const goLive = await org.admin.directoryConnectionUpdate(created.connection!.id, { invitePolicy: 'ON_GO_LIVE_DATE' });
    expect(goLive).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'goLiveAt'] });
  });

  it('keeps the request log 30 days', async ({ org, clock }) => {
    const created = expectTypename(await org.admin.directoryConnectionCreate('Entra ID'), 'DirectoryConnectionCreatePayload');
    await sendScim(server.url(), created.secret, 'GET', '/Users?filter=userName%20eq%20%22old%40contoso.test%22');
    clock.advance(31 * 86_400_000);
    await sendScim(server.url(), created.secret, 'GET', '/ServiceProviderConfig');
    // (The admin's session has expired by now; the API key reads it.)
    const log = await org.api.directoryRequestLog(10);
    expect(log.edges[0]!.node.requests).toMatchObject({ totalCount: 1, edges: [{ node: { resource: '/ServiceProviderConfig' } }] });
    expect(await kit.prisma.directoryRequest.count({ where: { organizationId: org.id } })).toBe(1);
  });
});

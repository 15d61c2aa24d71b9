import { describe, expect } from 'vitest';
import { globalId, kitTest, useTestKit } from '../test/kit.ts';
import { GROUP, patchOf, sendScim, USER, useScimServer } from '../test/scim-client.ts';

// Directory sync for admins, through GraphQL: connections (token shown once,
// rotated, deleted), the invite policy, group mappings, the request log, and
// where a profile's access comes from; refused by plan and role like the rest.

const kit = useTestKit();
const server = useScimServer(kit);
const it = kitTest(kit);

const CREATE = `mutation ($name: String!) { directoryConnectionCreate(input: { name: $name }) {
  __typename ... on Error { code } ... on DirectoryConnectionCreatePayload { secret connection { id scimBaseUrl tokenPrefix invitePolicy } } } }`;

describe('directory connections in GraphQL', () => {
  it('an owner creates one (token shown once, absolute SCIM URL), rotates its token, reads its request log, deletes it', async ({ org }) => {
    const created = await org.graphqlAs('ADMIN', CREATE, { name: 'Entra ID' });
    const payload = created.data.directoryConnectionCreate;
    expect(payload.__typename).toBe('DirectoryConnectionCreatePayload');
    expect(payload.secret).toMatch(/^ppscim_[A-Za-z0-9_-]{43}$/);
    expect(payload.connection).toMatchObject({ scimBaseUrl: 'http://parkpass.test/scim/v2', invitePolicy: 'NEVER' });
    expect(payload.secret.startsWith(payload.connection.tokenPrefix)).toBe(true);
    const stored = await kit.prisma.directoryConnection.findFirstOrThrow({ where: { organizationId: org.id } });
    expect(JSON.stringify(stored)).not.toContain(payload.secret);

    const first = await sendScim(server.url(), payload.secret, 'POST', '/Users', { schemas: [USER], userName: 'alice@contoso.test' });
    expect(first.status).toBe(201);
    const refused = await sendScim(server.url(), payload.secret, 'POST', '/Users', { schemas: [USER], userName: 'no-address' });
    expect(refused.status).toBe(400);

    const rotated = await org.graphqlAs(
      'ADMIN',
      'mutation ($id: ID!) { directoryConnectionRotateToken(id: $id) { __typename ... on DirectoryConnectionCreatePayload { secret } } }',
      {
        id: payload.connection.id,
      },
    );
    const secret = rotated.data.directoryConnectionRotateToken.secret as string;
    expect(secret).not.toBe(payload.secret);
    expect((await sendScim(server.url(), payload.secret, 'GET', '/Users')).status).toBe(401);
    expect((await sendScim(server.url(), secret, 'GET', '/Users')).status).toBe(200);

    const log = await org.graphqlAs(
      'ADMIN',
      'query { directoryConnections { totalCount edges { node { userCount lastRequestAt requests(first: 10) { totalCount edges { node { method resource status summary error } } } failed: requests(failedOnly: true) { totalCount } } } } }',
    );
    const node = log.data.directoryConnections.edges[0].node;
    expect(node.userCount).toBe(1);
    expect(node.lastRequestAt).not.toBeNull();
    expect(node.failed.totalCount).toBe(1);
    const requests = node.requests.edges.map((edge: { node: unknown }) => edge.node);
    expect(requests).toEqual([
      { method: 'GET', resource: '/Users', status: 200, summary: '', error: null },
      { method: 'POST', resource: '/Users', status: 400, summary: '', error: expect.stringContaining('invalidValue: The user needs an email address') },
      { method: 'POST', resource: '/Users', status: 201, summary: 'created the profile of alice alice', error: null },
    ]);
    expect(JSON.stringify(log)).not.toContain(secret);

    const deleted = await org.graphqlAs('ADMIN', 'mutation ($id: ID!) { directoryConnectionDelete(id: $id) { __typename } }', { id: payload.connection.id });
    expect(deleted.data.directoryConnectionDelete.__typename).toBe('DirectoryConnectionDeletePayload');
    expect((await sendScim(server.url(), secret, 'GET', '/Users')).status).toBe(401);
    // The profile stays.
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, email: 'alice@contoso.test' } })).toBe(1);
  });

  it('is refused by plan, by role and to API keys, with typed errors; an organization has at most three', async ({ org }) => {
    const business = await kit.createOrganization({ plan: 'BUSINESS' });
    expect((await business.graphqlAs('ADMIN', CREATE, { name: 'x' })).data.directoryConnectionCreate).toEqual({
      __typename: 'FeatureNotInPlan',
      code: 'FEATURE_NOT_IN_PLAN',
    });
    const admin = await kit.createOrganization({ role: 'ADMIN' });
    expect((await admin.graphqlAs('ADMIN', CREATE, { name: 'x' })).data.directoryConnectionCreate).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    expect((await org.graphqlAs('API_KEY', CREATE, { name: 'x' })).data.directoryConnectionCreate).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    for (const name of ['Entra ID', 'Okta', 'Okta (test)']) {
      expect((await org.graphqlAs('ADMIN', CREATE, { name })).data.directoryConnectionCreate.__typename).toBe('DirectoryConnectionCreatePayload');
    }
    expect((await org.graphqlAs('ADMIN', CREATE, { name: 'fourth' })).data.directoryConnectionCreate).toEqual({
      __typename: 'DirectoryConnectionLimitReached',
      code: 'DIRECTORY_CONNECTION_LIMIT_REACHED',
    });
  });

  it('maps a group to access and sets the invite policy; the profile shows which grants its groups gave', async ({ org, mailbox }) => {
    const created = (await org.graphqlAs('ADMIN', CREATE, { name: 'Okta' })).data.directoryConnectionCreate;
    const scim = (method: string, path: string, body?: unknown) => sendScim(server.url(), created.secret, method, path, body);
    const user = await scim('POST', '/Users', { schemas: [USER], userName: 'bob@contoso.test', name: { givenName: 'Bob', familyName: 'Stone' } });
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Garage B2', members: [{ value: user.body.id }] });
    await scim('PATCH', `/Groups/${group.body.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: user.body.id }] }));

    const mapped = await org.graphqlAs(
      'ADMIN',
      `mutation ($id: ID!, $lot: ID!, $tag: ID!) { directoryGroupMap(id: $id, input: { parkingLotIds: [$lot], tagIds: [$tag], paymentMethod: COMPANY_INVOICE }) {
        __typename ... on DirectoryGroupPayload { group { displayName memberCount paymentMethod parkingLots { name } tags { name } } } } }`,
      { id: globalId('DirectoryGroup', group.body.id), lot: org.lots[0]!.globalId, tag: org.tags[1]!.globalId },
    );
    expect(mapped.data.directoryGroupMap.group).toEqual({
      displayName: 'Garage B2',
      memberCount: 1,
      paymentMethod: 'COMPANY_INVOICE',
      parkingLots: [{ name: org.lots[0]!.name }],
      tags: [{ name: org.tags[1]!.name }],
    });
    const profile = await org.graphqlAs(
      'ADMIN',
      'query ($id: ID!) { profile(id: $id) { status parkingLots { id } directory { userName active groupParkingLotIds groupTagIds groupPaymentMethods connection { name } } } }',
      { id: globalId('Profile', user.body.id) },
    );
    expect(profile.data.profile).toEqual({
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
    const rename = await org.graphqlAs(
      'ADMIN',
      'mutation ($id: ID!) { profileUpdate(id: $id, input: { firstName: "Robert" }) { __typename ... on Error { code } ... on InputError { path } } }',
      { id: globalId('Profile', user.body.id) },
    );
    expect(rename.data.profileUpdate).toEqual({ __typename: 'ManagedByDirectory', code: 'MANAGED_BY_DIRECTORY', path: ['input', 'firstName'] });
    const byHand = await org.graphqlAs(
      'ADMIN',
      'mutation ($id: ID!, $lots: [ID!]) { profileUpdate(id: $id, input: { parkingLotIds: $lots }) { __typename } }',
      { id: globalId('Profile', user.body.id), lots: [org.lots[0]!.globalId, org.lots[1]!.globalId] },
    );
    expect(byHand.data.profileUpdate.__typename).toBe('ProfilePayload');

    // Switching to "invite when provisioned" invites the people already provisioned, once.
    const policy = await org.graphqlAs(
      'ADMIN',
      'mutation ($id: ID!) { directoryConnectionUpdate(id: $id, input: { invitePolicy: ON_PROVISIONING }) { __typename ... on DirectoryConnectionPayload { connection { invitePolicy } } } }',
      { id: created.connection.id },
    );
    expect(policy.data.directoryConnectionUpdate.connection.invitePolicy).toBe('ON_PROVISIONING');
    await kit.runJobs();
    expect(mailbox.to('bob@contoso.test')).toHaveLength(1);
    const goLive = await org.graphqlAs(
      'ADMIN',
      'mutation ($id: ID!) { directoryConnectionUpdate(id: $id, input: { invitePolicy: ON_GO_LIVE_DATE }) { __typename ... on Error { code } ... on InputError { path } } }',
      { id: created.connection.id },
    );
    expect(goLive.data.directoryConnectionUpdate).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'goLiveAt'] });
  });

  it('keeps the request log 30 days', async ({ org, clock }) => {
    const created = (await org.graphqlAs('ADMIN', CREATE, { name: 'Entra ID' })).data.directoryConnectionCreate;
    await sendScim(server.url(), created.secret, 'GET', '/Users?filter=userName%20eq%20%22old%40contoso.test%22');
    clock.advance(31 * 86_400_000);
    await sendScim(server.url(), created.secret, 'GET', '/ServiceProviderConfig');
    // (The admin's session has expired by now; the API key reads it.)
    const log = await org.graphqlAs(
      'API_KEY',
      'query { directoryConnections(first: 3) { edges { node { requests(first: 10) { totalCount edges { node { resource } } } } } } }',
    );
    expect(log.errors, JSON.stringify(log.errors)).toBeUndefined();
    expect(log.data.directoryConnections.edges[0].node.requests).toEqual({ totalCount: 1, edges: [{ node: { resource: '/ServiceProviderConfig' } }] });
    expect(await kit.prisma.directoryRequest.count({ where: { organizationId: org.id } })).toBe(1);
  });
});

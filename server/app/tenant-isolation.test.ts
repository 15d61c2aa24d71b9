import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKeySecret } from '../auth/api-keys.ts';
import { globalId, useTestKit } from '../test/kit.ts';

// Organization A calls every query and mutation with organization B's ids,
// and with ids that exist nowhere. The two answers must be identical (so B's
// ids reveal nothing, not even that they exist), and B's data must not change.

// Raw documents on purpose: one organization's ids replayed into another's requests, in documents built per operation.
const kit = useTestKit();

describe('tenant isolation', () => {
  it("answers another organization's ids exactly as ids that do not exist, everywhere, and changes nothing of it", async () => {
    const a = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const b = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const [aProfile] = await a.insertProfiles(1);
    const [bProfile] = await b.insertProfiles(1, {
      with: () => ({ lotIds: [b.lots[0]!.id], tagIds: [b.tags[0]!.id], status: 'PENDING', invitationExpiresAt: new Date('2026-12-01T00:00:00Z') }),
    });
    await kit.prisma.profile.update({ where: { id: bProfile! }, data: { externalId: 'hr-shared-1' } });
    const bInvitation = (await kit.prisma.profile.findUniqueOrThrow({ where: { id: bProfile! } })).latestInvitationId!;
    const secondKey = generateApiKeySecret();
    const bKey = await kit.prisma.apiKey.create({
      data: { organizationId: b.id, name: 'B integration', role: 'VIEWER', prefix: secondKey.prefix, secretHash: secondKey.hash },
    });

    const bBulk = await kit.prisma.bulkInvitation.create({ data: { organizationId: b.id, selection: { profileIds: [bProfile!] } } });
    const bEndpoint = await kit.prisma.webhookEndpoint.create({
      data: { organizationId: b.id, url: 'https://hooks.b.test/parkpass', eventTypes: ['profile.invited'] },
    });
    const bEvent = await kit.prisma.webhookEvent.create({
      data: { organizationId: b.id, type: 'profile.invited', payload: '{}', occurredAt: kit.clock.now() },
    });
    const bDelivery = await kit.prisma.webhookDelivery.create({
      data: { organizationId: b.id, eventId: bEvent.id, endpointId: bEndpoint.id, state: 'FAILED', createdAt: kit.clock.now() },
    });
    const bConnection = await kit.prisma.directoryConnection.create({
      data: { organizationId: b.id, name: 'B directory', tokenPrefix: 'ppscim_b', tokenHash: randomUUID() },
    });
    const bGroup = await kit.prisma.directoryGroup.create({ data: { organizationId: b.id, connectionId: bConnection.id, displayName: 'B group' } });
    const aConnection = await kit.prisma.directoryConnection.create({
      data: { organizationId: a.id, name: 'A directory', tokenPrefix: 'ppscim_a', tokenHash: randomUUID() },
    });
    const aGroup = await kit.prisma.directoryGroup.create({ data: { organizationId: a.id, connectionId: aConnection.id, displayName: 'A group' } });
    const bIds: Record<string, string> = {
      DirectoryConnection: bConnection.id,
      DirectoryGroup: bGroup.id,
      BulkInvitation: bBulk.id,
      Profile: bProfile!,
      ParkingLot: b.lots[0]!.id,
      Tag: b.tags[0]!.id,
      Organization: b.id,
      Admin: b.adminId,
      ApiKey: bKey.id,
      Invitation: bInvitation,
      WebhookEndpoint: bEndpoint.id,
      WebhookDelivery: bDelivery.id,
    };
    // B's admin writes through the API, so B's audit trail has an event about its profile by that admin.
    const bWrite = await b.graphqlAs('ADMIN', 'mutation ($id: ID!) { profileUpdate(id: $id, input: { phone: "+33 1 00 00 00 00" }) { __typename } }', {
      id: globalId('Profile', bProfile!),
    });
    expect(bWrite.data.profileUpdate.__typename).toBe('ProfilePayload');
    const snapshotOfB = () =>
      kit.prisma.organization.findUniqueOrThrow({
        where: { id: b.id },
        include: {
          profiles: { include: { parkingLots: true, tags: true }, orderBy: { id: 'asc' } },
          admins: { orderBy: { id: 'asc' } },
          apiKeys: { orderBy: { id: 'asc' } },
          invitations: { orderBy: { id: 'asc' } },
          bulkInvitations: { orderBy: { id: 'asc' } },
          emails: { orderBy: { id: 'asc' } },
          parkingLots: { orderBy: { id: 'asc' } },
          tags: { orderBy: { id: 'asc' } },
          auditEvents: { orderBy: { id: 'asc' } },
          webhookEndpoints: { orderBy: { id: 'asc' }, include: { deliveries: { include: { attempts: true } } } },
          webhookEvents: { orderBy: { id: 'asc' } },
          directoryConnections: { orderBy: { id: 'asc' }, include: { groups: { include: { parkingLots: true, tags: true } } } },
        },
      });
    const before = await snapshotOfB();

    type Call = { name: string; actor?: 'ADMIN' | 'API_KEY'; query: string; variables: (id: (type: string) => string) => Record<string, unknown> };
    const everyNode =
      '... on Node { id } ... on BulkInvitation { state } ... on Profile { email } ... on ParkingLot { name } ... on Tag { name } ... on Organization { name } ... on Admin { email } ... on ApiKey { prefix } ... on Invitation { expiresAt } ... on WebhookEndpoint { url } ... on WebhookDelivery { deliveryState: state } ... on DirectoryConnection { name } ... on DirectoryGroup { displayName }';
    const result = '__typename ... on Error { code message } ... on InputError { path }';
    const calls: Call[] = [
      ...Object.keys(bIds).map((type) => ({
        name: `node(${type})`,
        query: `query ($id: ID!) { node(id: $id) { ${everyNode} } }`,
        variables: (id: (type: string) => string) => ({ id: id(type) }),
      })),
      {
        name: 'nodes(all types)',
        query: `query ($ids: [ID!]!) { nodes(ids: $ids) { ${everyNode} } }`,
        variables: (id) => ({ ids: Object.keys(bIds).map(id) }),
      },
      { name: 'profile', query: 'query ($id: ID!) { profile(id: $id) { email } }', variables: (id) => ({ id: id('Profile') }) },
      {
        name: 'profiles filtered by lot and tag',
        query:
          'query ($lot: ID!, $tag: ID!) { a: profiles(filter: { parkingLotIds: [$lot] }) { totalCount } b: profiles(filter: { tagIds: [$tag] }) { totalCount } c: profiles(filter: { parkingLotIds: [$lot], noAccess: true }) { totalCount edges { node { email } } } d: profiles(filter: { tagIds: [$tag], tagsMatch: ALL }) { totalCount } }',
        variables: (id) => ({ lot: id('ParkingLot'), tag: id('Tag') }),
      },
      {
        name: 'profileCounts filtered by lot and tag',
        query:
          'query ($lot: ID!, $tag: ID!) { a: profileCounts(filter: { parkingLotIds: [$lot] }) { total pending } b: profileCounts(filter: { tagIds: [$tag] }) { total } }',
        variables: (id) => ({ lot: id('ParkingLot'), tag: id('Tag') }),
      },
      {
        name: 'auditEvents filtered by profile and actor',
        query:
          'query ($profile: ID!, $admin: ID!, $key: ID!) { a: auditEvents(filter: { profileId: $profile }) { totalCount } b: auditEvents(filter: { actorIds: [$admin, $key] }) { totalCount } }',
        variables: (id) => ({ profile: id('Profile'), admin: id('Admin'), key: id('ApiKey') }),
      },
      {
        name: 'profileUpdate',
        query: `mutation ($id: ID!) { profileUpdate(id: $id, input: { firstName: "Mallory" }) { ${result} } }`,
        variables: (id) => ({ id: id('Profile') }),
      },
      { name: 'profileDelete', query: `mutation ($id: ID!) { profileDelete(id: $id) { ${result} } }`, variables: (id) => ({ id: id('Profile') }) },
      {
        name: 'profileCreate with a lot',
        query: `mutation ($lot: ID!) { profileCreate(input: { firstName: "M", lastName: "X", email: "m1@example.test", parkingLotIds: [$lot] }) { ${result} } }`,
        variables: (id) => ({ lot: id('ParkingLot') }),
      },
      {
        name: 'profileCreate with a tag',
        query: `mutation ($tag: ID!) { profileCreate(input: { firstName: "M", lastName: "X", email: "m2@example.test", tagIds: [$tag] }) { ${result} } }`,
        variables: (id) => ({ tag: id('Tag') }),
      },
      {
        name: 'profileUpdate of an own profile with a lot and a tag',
        query: `mutation ($id: ID!, $lot: ID!, $tag: ID!) { profileUpdate(id: $id, input: { parkingLotIds: [$lot], tagIds: [$tag] }) { ${result} } }`,
        variables: (id) => ({ id: globalId('Profile', aProfile!), lot: id('ParkingLot'), tag: id('Tag') }),
      },
      {
        name: 'profilesUpsert with a lot and a tag',
        query: `mutation ($lot: ID!, $tag: ID!) { profilesUpsert(input: { profiles: [{ externalId: "x1", firstName: "M", lastName: "X", email: "m3@example.test", parkingLotIds: [$lot] }, { externalId: "x2", firstName: "M", lastName: "X", email: "m4@example.test", tagIds: [$tag] }] }) { ${result} ... on ProfilesUpsertPayload { failedCount results { outcome error { ... on InputError { code path } } } } } }`,
        variables: (id) => ({ lot: id('ParkingLot'), tag: id('Tag') }),
      },
      {
        name: 'profileInvite',
        query: `mutation ($id: ID!) { profileInvite(input: { profileId: $id }) { ${result} } }`,
        variables: (id) => ({ id: id('Profile') }),
      },
      {
        name: 'profilesInvite by ids',
        query: `mutation ($id: ID!) { profilesInvite(input: { profileIds: [$id] }) { ${result} ... on ProfilesInvitePayload { bulkInvitation { state total done invitedCount skipped { reason count } } } } }`,
        variables: (id) => ({ id: id('Profile') }),
      },
      {
        name: 'profilesInvitePreview by ids and by filter',
        query:
          'query ($id: ID!, $lot: ID!, $tag: ID!) { a: profilesInvitePreview(profileIds: [$id]) { total inviteCount skipped { reason count } } b: profilesInvitePreview(filter: { parkingLotIds: [$lot], tagIds: [$tag] }) { total } }',
        variables: (id) => ({ id: id('Profile'), lot: id('ParkingLot'), tag: id('Tag') }),
      },
      {
        name: 'profilesInvite by filter',
        query: `mutation ($lot: ID!) { profilesInvite(input: { filter: { parkingLotIds: [$lot] } }) { ${result} ... on ProfilesInvitePayload { bulkInvitation { state total done invitedCount } } } }`,
        variables: (id) => ({ lot: id('ParkingLot') }),
      },
      {
        name: 'profilesDelete by ids',
        query: `mutation ($id: ID!) { profilesDelete(input: { profileIds: [$id] }) { ${result} ... on ProfilesDeletePayload { total changedCount skipped { reason count } } } }`,
        variables: (id) => ({ id: id('Profile') }),
      },
      {
        name: 'profilesUpdateAccess with a lot',
        query: `mutation ($id: ID!, $lot: ID!) { profilesUpdateAccess(input: { profileIds: [$id], addParkingLotIds: [$lot] }) { ${result} } }`,
        variables: (id) => ({ id: id('Profile'), lot: id('ParkingLot') }),
      },
      {
        name: 'invitationsRevoke by filter',
        query: `mutation ($lot: ID!) { invitationsRevoke(input: { filter: { parkingLotIds: [$lot] } }) { ${result} ... on InvitationsRevokePayload { total changedCount } } }`,
        variables: (id) => ({ lot: id('ParkingLot') }),
      },
      {
        name: 'invitationRevoke',
        query: `mutation ($id: ID!) { invitationRevoke(input: { invitationId: $id }) { ${result} } }`,
        variables: (id) => ({ id: id('Invitation') }),
      },
      {
        name: 'bulkInvitation',
        query:
          'query ($id: ID!) { bulkInvitation(id: $id) { state selectionSummary skippedProfiles { totalCount edges { node { reason profile { id } } } } } }',
        variables: (id) => ({ id: id('BulkInvitation') }),
      },
      // Managing admins and keys takes a signed-in admin (API keys are refused), so these go through A's admin session.
      { name: 'adminDelete', actor: 'ADMIN', query: `mutation ($id: ID!) { adminDelete(id: $id) { ${result} } }`, variables: (id) => ({ id: id('Admin') }) },
      {
        name: 'parkingLotUpdate',
        query: `mutation ($id: ID!) { parkingLotUpdate(id: $id, input: { name: "Mallory lot" }) { ${result} } }`,
        variables: (id) => ({ id: id('ParkingLot') }),
      },
      { name: 'parkingLotDelete', query: `mutation ($id: ID!) { parkingLotDelete(id: $id) { ${result} } }`, variables: (id) => ({ id: id('ParkingLot') }) },
      {
        name: 'tagUpdate',
        query: `mutation ($id: ID!) { tagUpdate(id: $id, input: { name: "Mallory tag" }) { ${result} } }`,
        variables: (id) => ({ id: id('Tag') }),
      },
      { name: 'tagDelete', query: `mutation ($id: ID!) { tagDelete(id: $id) { ${result} } }`, variables: (id) => ({ id: id('Tag') }) },
      {
        name: 'webhookEndpointUpdate',
        query: `mutation ($id: ID!) { webhookEndpointUpdate(id: $id, input: { url: "https://mallory.test/", enabled: true }) { ${result} } }`,
        variables: (id) => ({ id: id('WebhookEndpoint') }),
      },
      {
        name: 'webhookEndpointDelete',
        query: `mutation ($id: ID!) { webhookEndpointDelete(id: $id) { ${result} } }`,
        variables: (id) => ({ id: id('WebhookEndpoint') }),
      },
      {
        name: 'webhookEndpointRotateSecret',
        query: `mutation ($id: ID!) { webhookEndpointRotateSecret(id: $id) { ${result} ... on WebhookEndpointSecretPayload { secret } } }`,
        variables: (id) => ({ id: id('WebhookEndpoint') }),
      },
      {
        name: 'webhookDeliveryRetry',
        query: `mutation ($id: ID!) { webhookDeliveryRetry(id: $id) { ${result} } }`,
        variables: (id) => ({ id: id('WebhookDelivery') }),
      },
      { name: 'apiKeyRevoke', actor: 'ADMIN', query: `mutation ($id: ID!) { apiKeyRevoke(id: $id) { ${result} } }`, variables: (id) => ({ id: id('ApiKey') }) },
      {
        name: 'directoryConnectionUpdate',
        query: `mutation ($id: ID!) { directoryConnectionUpdate(id: $id, input: { name: "Mallory", invitePolicy: ON_PROVISIONING }) { ${result} } }`,
        variables: (id) => ({ id: id('DirectoryConnection') }),
      },
      {
        name: 'directoryConnectionRotateToken',
        actor: 'ADMIN',
        query: `mutation ($id: ID!) { directoryConnectionRotateToken(id: $id) { ${result} ... on DirectoryConnectionCreatePayload { secret } } }`,
        variables: (id) => ({ id: id('DirectoryConnection') }),
      },
      {
        name: 'directoryConnectionDelete',
        actor: 'ADMIN',
        query: `mutation ($id: ID!) { directoryConnectionDelete(id: $id) { ${result} } }`,
        variables: (id) => ({ id: id('DirectoryConnection') }),
      },
      {
        name: 'directoryGroupMap',
        query: `mutation ($id: ID!, $lot: ID!) { directoryGroupMap(id: $id, input: { parkingLotIds: [$lot], tagIds: [] }) { ${result} } }`,
        variables: (id) => ({ id: id('DirectoryGroup'), lot: globalId('ParkingLot', a.lots[0]!.id) }),
      },
      {
        name: 'directoryGroupMap of an own group with a lot and a tag',
        query: `mutation ($id: ID!, $lot: ID!, $tag: ID!) { directoryGroupMap(id: $id, input: { parkingLotIds: [$lot], tagIds: [$tag] }) { ${result} } }`,
        variables: (id) => ({ id: globalId('DirectoryGroup', aGroup.id), lot: id('ParkingLot'), tag: id('Tag') }),
      },
    ];

    const fakeIds = Object.fromEntries(Object.keys(bIds).map((type) => [type, randomUUID()]));
    const answers: Record<string, any> = {};
    for (const call of calls) {
      const actor = call.actor ?? 'API_KEY';
      const withB = await a.graphqlAs(
        actor,
        call.query,
        call.variables((type) => globalId(type, bIds[type]!)),
      );
      const withNothing = await a.graphqlAs(
        actor,
        call.query,
        call.variables((type) => globalId(type, fakeIds[type]!)),
      );
      expect(withB, call.name).toEqual(withNothing);
      expect(JSON.stringify(withB), call.name).not.toMatch(/"data":null/);
      answers[call.name] = withB.data;
    }
    // What "does not exist" looks like, for a few of them.
    expect(answers['node(Profile)']).toEqual({ node: null });
    expect(answers['auditEvents filtered by profile and actor']).toEqual({ a: { totalCount: 0 }, b: { totalCount: 0 } });
    expect(answers['profileCounts filtered by lot and tag']).toEqual({ a: { total: 0, pending: 0 }, b: { total: 0 } });
    expect(answers['nodes(all types)'].nodes).toEqual(Object.keys(bIds).map(() => null));
    expect(answers.profileUpdate.profileUpdate.code).toBe('NOT_FOUND');
    expect(answers.adminDelete.adminDelete.code).toBe('NOT_FOUND');
    expect(answers.apiKeyRevoke.apiKeyRevoke.code).toBe('NOT_FOUND');
    expect(answers.profileInvite.profileInvite.code).toBe('NOT_FOUND');
    expect(answers.invitationRevoke.invitationRevoke.code).toBe('NOT_FOUND');
    for (const name of ['webhookEndpointUpdate', 'webhookEndpointDelete', 'webhookEndpointRotateSecret', 'webhookDeliveryRetry'])
      expect(answers[name][name].code, name).toBe('NOT_FOUND');
    for (const name of ['parkingLotUpdate', 'parkingLotDelete', 'tagUpdate', 'tagDelete']) expect(answers[name][name].code, name).toBe('NOT_FOUND');
    for (const name of ['directoryConnectionUpdate', 'directoryConnectionRotateToken', 'directoryConnectionDelete', 'directoryGroupMap'])
      expect(answers[name][name].code, name).toBe('NOT_FOUND');
    expect(answers['directoryGroupMap of an own group with a lot and a tag'].directoryGroupMap.code).toBe('NOT_FOUND');
    expect(answers['profilesInvite by ids'].profilesInvite.bulkInvitation).toMatchObject({ invitedCount: 0, skipped: [{ reason: 'NOT_FOUND', count: 1 }] });
    expect(answers['profilesInvite by filter'].profilesInvite.bulkInvitation).toMatchObject({ total: 0, invitedCount: 0 });
    expect(answers['profilesDelete by ids'].profilesDelete).toMatchObject({ total: 1, changedCount: 0, skipped: [{ reason: 'NOT_FOUND', count: 1 }] });
    expect(answers['profilesUpdateAccess with a lot'].profilesUpdateAccess.code).toBe('UNKNOWN_PARKING_LOT');
    expect(answers['invitationsRevoke by filter'].invitationsRevoke).toMatchObject({ total: 0, changedCount: 0 });
    expect(answers['profileCreate with a lot'].profileCreate.code).toBe('UNKNOWN_PARKING_LOT');
    expect(answers['profilesUpsert with a lot and a tag'].profilesUpsert.results.map((row: any) => row.error.code)).toEqual([
      'UNKNOWN_PARKING_LOT',
      'UNKNOWN_TAG',
    ]);

    // An externalId B uses is free in A: upserting it creates A's own profile and leaves B's alone.
    const upsert = await a.graphql(
      'mutation { profilesUpsert(input: { profiles: [{ externalId: "hr-shared-1", firstName: "Own", lastName: "Person", email: "own@example.test" }] }) { ... on ProfilesUpsertPayload { results { outcome } } } }',
    );
    expect(upsert.data.profilesUpsert.results).toEqual([{ outcome: 'CREATED' }]);

    // Lists never hold B's rows.
    const lists = await a.graphqlAs(
      'ADMIN',
      '{ profiles(first: 100) { edges { node { email } } } parkingLots { edges { node { id profileCount } } } tags { edges { node { id profileCount } } } apiKeys { edges { node { id } } } admins { edges { node { id } } } bulkInvitations { edges { node { id } } } webhookEndpoints { edges { node { id deliveries(first: 10) { edges { node { id } } } } } } }',
    );
    expect(lists.errors, JSON.stringify(lists.errors)).toBeUndefined();
    const directoryLists = await a.graphqlAs(
      'ADMIN',
      '{ directoryConnections(first: 5) { edges { node { id groups(first: 10) { edges { node { id } } } } } } }',
    );
    expect(directoryLists.errors, JSON.stringify(directoryLists.errors)).toBeUndefined();
    const listed = JSON.stringify([lists.data, directoryLists.data]);
    for (const [type, id] of Object.entries(bIds)) expect(listed, type).not.toContain(globalId(type, id));

    expect(await snapshotOfB()).toEqual(before);
  });
});

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiKeySecret, hashSecret } from '../auth/api-keys.ts';
import { newSessionToken, SESSION_LIFETIME_MS } from '../auth/sessions.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';
import { schema } from './schema.ts';
import { MatrixOwnershipTransferDocument } from '../test/generated/graphql.ts';
import { type GraphQLResponse, globalId, type TestOrganization, useTestKit } from '../test/kit.ts';
import { accessTableMarkdown } from '../graphql/access-table-markdown.ts';
import { type Action, type ActorKind, actorKindsOf, PLAN_ORDER, refusalFor, ROLES } from '../kernel/policy.ts';

// Every guarded root field × every plan × every role × both kinds of caller,
// with the expected answer computed from the access table itself: adding a
// row, a role, a plan or a guarded field adds cases here.

// Raw documents on purpose: the matrix builds one document per operation of the schema, for every plan, role and actor.
const kit = useTestKit();

/** What a root field's auth scope asks for: an action of the table, or only "an authenticated caller" (null). */
function guardOf(fieldName: string, root: 'Query' | 'Mutation'): Action | null | undefined {
  const type = root === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
  const scopes = (type.getFields()[fieldName]?.extensions as { pothosOptions?: { authScopes?: Record<string, unknown> } })?.pothosOptions?.authScopes;
  if (!scopes) return undefined;
  if (typeof scopes.allowed === 'string') return scopes.allowed as Action;
  if (scopes.authenticated === true) return null;
  throw new Error(`Unexpected scopes on ${root}.${fieldName}: ${JSON.stringify(scopes)}`);
}

type Run = (org: TestOrganization, actor: ActorKind) => Promise<GraphQLResponse>;
interface Sample {
  root: 'Query' | 'Mutation';
  run: Run;
  /** The __typename a mutation answers when allowed (default: its payload). */
  allowedTypename?: (actor: ActorKind) => RegExp;
}

const query = (document: string, variables?: (org: TestOrganization) => Promise<Record<string, unknown>> | Record<string, unknown>): Sample => ({
  root: 'Query',
  run: async (org, actor) => org.graphqlAs(actor, document, await variables?.(org)),
});
const mutation = (document: string, variables?: (org: TestOrganization) => Promise<Record<string, unknown>> | Record<string, unknown>): Sample => ({
  root: 'Mutation',
  run: async (org, actor) => org.graphqlAs(actor, document, await variables?.(org)),
});

const unique = () => randomBytes(4).toString('hex');

/** One call per guarded root field, written to succeed whenever the caller is allowed. */
const samples: Record<string, Sample> = {
  viewer: query('{ viewer { role plan } }'),
  organization: query('{ organization { name } }'),
  parkingLots: query('{ parkingLots { totalCount } }'),
  tags: query('{ tags { totalCount } }'),
  profiles: query('{ profiles(first: 5) { totalCount } }'),
  profileCounts: query('{ profileCounts { total } }'),
  profile: query('query ($id: ID!) { profile(id: $id) { email } }', async (org) => ({
    id: globalId('Profile', (await org.insertProfiles(1))[0]!),
  })),
  profileByExternalId: query('query ($externalId: String!) { profileByExternalId(externalId: $externalId) { email } }', async (org) => {
    const externalId = `hr-${unique()}`;
    await kit.prisma.profile.update({ where: { id: (await org.insertProfiles(1))[0]! }, data: { externalId } });
    return { externalId };
  }),
  admins: query('{ admins { totalCount } }'),
  apiKeys: query('{ apiKeys { totalCount } }'),
  organizationUpdate: mutation('mutation { organizationUpdate(input: { invitationValidityHours: 48 }) { __typename ... on Error { code } } }'),
  profileCreate: mutation(
    'mutation ($email: String!) { profileCreate(input: { firstName: "Ada", lastName: "Lovelace", email: $email }) { __typename ... on Error { code } } }',
    () => ({ email: `ada-${unique()}@example.test` }),
  ),
  profileUpdate: mutation(
    'mutation ($id: ID!) { profileUpdate(id: $id, input: { phone: "+33 1 23 45 67 89" }) { __typename ... on Error { code } } }',
    async (org) => ({ id: globalId('Profile', (await org.insertProfiles(1))[0]!) }),
  ),
  profileDelete: mutation('mutation ($id: ID!) { profileDelete(id: $id) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('Profile', (await org.insertProfiles(1))[0]!),
  })),
  profilesUpsert: mutation(
    'mutation ($externalId: String!, $email: String!) { profilesUpsert(input: { profiles: [{ externalId: $externalId, firstName: "Grace", lastName: "Hopper", email: $email }] }) { __typename ... on Error { code } } }',
    () => ({ externalId: `hr-${unique()}`, email: `grace-${unique()}@example.test` }),
  ),
  adminCreate: mutation(
    'mutation ($email: String!) { adminCreate(input: { email: $email, name: "New Admin", role: VIEWER, password: "a long enough password" }) { __typename ... on Error { code } } }',
    () => ({ email: `new-admin-${unique()}@example.test` }),
  ),
  adminDelete: mutation('mutation ($id: ID!) { adminDelete(id: $id) { __typename ... on Error { code } } }', async (org) => {
    const admin = await kit.prisma.admin.create({
      data: { organizationId: org.id, email: `leaving-${unique()}@example.test`, name: 'Leaving', role: 'VIEWER', passwordHash: 'x' },
    });
    return { id: globalId('Admin', admin.id) };
  }),
  adminInvitations: query('{ adminInvitations { totalCount } }'),
  adminInvite: mutation(
    'mutation ($email: String!) { adminInvite(input: { email: $email, name: "Invited Admin", role: VIEWER }) { __typename ... on Error { code } } }',
    () => ({ email: `invited-admin-${unique()}@example.test` }),
  ),
  adminInvitationRevoke: mutation('mutation ($id: ID!) { adminInvitationRevoke(id: $id) { __typename ... on Error { code } } }', async (org) => {
    const invitation = await kit.prisma.adminInvitation.create({
      data: {
        organizationId: org.id,
        email: `revoked-${unique()}@example.test`,
        name: 'Revoked',
        role: 'VIEWER',
        tokenHash: randomBytes(32).toString('hex'),
        createdAt: kit.clock.now(),
        expiresAt: new Date(kit.clock.now().getTime() + 3_600_000),
      },
    });
    return { id: globalId('AdminInvitation', invitation.id) };
  }),
  adminUpdate: mutation('mutation ($id: ID!) { adminUpdate(id: $id, input: { role: MANAGER }) { __typename ... on Error { code } } }', async (org) => {
    const admin = await kit.prisma.admin.create({
      data: { organizationId: org.id, email: `changing-${unique()}@example.test`, name: 'Changing', role: 'VIEWER', passwordHash: 'x' },
    });
    return { id: globalId('Admin', admin.id) };
  }),
  organizationOwnershipTransfer: {
    root: 'Mutation',
    // Handed over by a second admin with the organization's role (its own session), so the main admin keeps theirs.
    run: async (org, actor) => {
      const target = await kit.prisma.admin.create({
        data: { organizationId: org.id, email: `heir-${unique()}@example.test`, name: 'Heir', role: 'VIEWER', passwordHash: 'x' },
      });
      const variables = { id: globalId('Admin', target.id) };
      if (actor === 'API_KEY') return (await kit.as(org.apiKey).send(MatrixOwnershipTransferDocument, variables)) as GraphQLResponse;
      const { role } = await kit.prisma.admin.findUniqueOrThrow({ where: { id: org.adminId } });
      const token = newSessionToken();
      await kit.prisma.admin.create({
        data: {
          organizationId: org.id,
          email: `handing-${unique()}@example.test`,
          name: 'Handing over',
          role,
          passwordHash: 'x',
          sessions: { create: { tokenHash: hashSecret(token), expiresAt: new Date(kit.clock.now().getTime() + SESSION_LIFETIME_MS) } },
        },
      });
      return (await kit.as(token).send(MatrixOwnershipTransferDocument, variables)) as GraphQLResponse;
    },
  },
  apiKeyCreate: mutation('mutation { apiKeyCreate(input: { name: "Matrix key", role: VIEWER }) { __typename ... on Error { code } } }'),
  apiKeyRevoke: mutation('mutation ($id: ID!) { apiKeyRevoke(id: $id) { __typename ... on Error { code } } }', async (org) => {
    const generated = generateApiKeySecret();
    const key = await kit.prisma.apiKey.create({
      data: { organizationId: org.id, name: 'To revoke', role: 'VIEWER', prefix: generated.prefix, secretHash: generated.hash },
    });
    return { id: globalId('ApiKey', key.id) };
  }),
  bulkInvitations: query('{ bulkInvitations { totalCount } }'),
  invitations: query('{ invitations(state: OPEN) { pageInfo { hasNextPage } } }'),
  auditEvents: query('{ auditEvents { totalCount } }'),
  profilesInvitePreview: query('{ profilesInvitePreview(filter: {}) { total } }'),
  bulkInvitation: query('query ($id: ID!) { bulkInvitation(id: $id) { state } }', async (org) => {
    const bulk = await kit.prisma.bulkInvitation.create({ data: { organizationId: org.id, selection: { profileIds: [] } } });
    return { id: globalId('BulkInvitation', bulk.id) };
  }),
  profileInvite: mutation('mutation ($id: ID!) { profileInvite(input: { profileId: $id }) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('Profile', (await org.insertProfiles(1))[0]!),
  })),
  profilesInvite: mutation('mutation ($id: ID!) { profilesInvite(input: { profileIds: [$id] }) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('Profile', (await org.insertProfiles(1))[0]!),
  })),
  profilesUpdateAccess: mutation(
    'mutation ($id: ID!, $tag: ID!) { profilesUpdateAccess(input: { profileIds: [$id], addTagIds: [$tag] }) { __typename ... on Error { code } } }',
    async (org) => ({ id: globalId('Profile', (await org.insertProfiles(1))[0]!), tag: org.tags[0]!.globalId }),
  ),
  invitationsRevoke: mutation('mutation ($id: ID!) { invitationsRevoke(input: { profileIds: [$id] }) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('Profile', (await org.insertProfiles(1))[0]!),
  })),
  profilesDelete: mutation('mutation ($id: ID!) { profilesDelete(input: { profileIds: [$id] }) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('Profile', (await org.insertProfiles(1))[0]!),
  })),
  invitationRevoke: mutation('mutation ($id: ID!) { invitationRevoke(input: { invitationId: $id }) { __typename ... on Error { code } } }', async (org) => {
    const [profileId] = await org.insertProfiles(1, {
      with: () => ({ status: 'PENDING', invitationExpiresAt: new Date(kit.clock.now().getTime() + 3_600_000) }),
    });
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: profileId! } });
    return { id: globalId('Invitation', profile.latestInvitationId!) };
  }),
  parkingLotCreate: mutation('mutation ($name: String!) { parkingLotCreate(input: { name: $name }) { __typename ... on Error { code } } }', () => ({
    name: `Lot ${unique()}`,
  })),
  parkingLotUpdate: mutation(
    'mutation ($id: ID!, $name: String!) { parkingLotUpdate(id: $id, input: { name: $name }) { __typename ... on Error { code } } }',
    async (org) => {
      const lot = await kit.prisma.parkingLot.create({ data: { organizationId: org.id, name: `Lot ${unique()}` } });
      return { id: globalId('ParkingLot', lot.id), name: `Renamed ${unique()}` };
    },
  ),
  parkingLotDelete: mutation('mutation ($id: ID!) { parkingLotDelete(id: $id) { __typename ... on Error { code } } }', async (org) => {
    const lot = await kit.prisma.parkingLot.create({ data: { organizationId: org.id, name: `Lot ${unique()}` } });
    return { id: globalId('ParkingLot', lot.id) };
  }),
  tagCreate: mutation('mutation ($name: String!) { tagCreate(input: { name: $name }) { __typename ... on Error { code } } }', () => ({
    name: `Tag ${unique()}`,
  })),
  tagUpdate: mutation(
    'mutation ($id: ID!, $name: String!) { tagUpdate(id: $id, input: { name: $name }) { __typename ... on Error { code } } }',
    async (org) => {
      const tag = await kit.prisma.tag.create({ data: { organizationId: org.id, name: `Tag ${unique()}` } });
      return { id: globalId('Tag', tag.id), name: `Renamed ${unique()}` };
    },
  ),
  tagDelete: mutation('mutation ($id: ID!) { tagDelete(id: $id) { __typename ... on Error { code } } }', async (org) => {
    const tag = await kit.prisma.tag.create({ data: { organizationId: org.id, name: `Tag ${unique()}` } });
    return { id: globalId('Tag', tag.id) };
  }),
  webhookEndpoints: query('{ webhookEndpoints { totalCount } }'),
  webhookEndpointCreate: mutation(
    'mutation { webhookEndpointCreate(input: { url: "https://hooks.example.test/parkpass", eventTypes: [PROFILE_INVITED] }) { __typename ... on Error { code } } }',
  ),
  webhookEndpointUpdate: mutation(
    'mutation ($id: ID!) { webhookEndpointUpdate(id: $id, input: { enabled: false }) { __typename ... on Error { code } } }',
    async (org) => ({ id: globalId('WebhookEndpoint', (await insertWebhookEndpoint(org)).id) }),
  ),
  webhookEndpointDelete: mutation('mutation ($id: ID!) { webhookEndpointDelete(id: $id) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('WebhookEndpoint', (await insertWebhookEndpoint(org)).id),
  })),
  webhookEndpointRotateSecret: mutation('mutation ($id: ID!) { webhookEndpointRotateSecret(id: $id) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('WebhookEndpoint', (await insertWebhookEndpoint(org)).id),
  })),
  webhookDeliveryRetry: mutation('mutation ($id: ID!) { webhookDeliveryRetry(id: $id) { __typename ... on Error { code } } }', async (org) => {
    const endpoint = await insertWebhookEndpoint(org);
    const event = await kit.prisma.webhookEvent.create({
      data: { organizationId: org.id, type: 'profile.invited', payload: '{}', occurredAt: kit.clock.now() },
    });
    const delivery = await kit.prisma.webhookDelivery.create({
      data: { organizationId: org.id, eventId: event.id, endpointId: endpoint.id, state: 'FAILED', createdAt: kit.clock.now() },
    });
    return { id: globalId('WebhookDelivery', delivery.id) };
  }),
  directoryConnections: query('{ directoryConnections { totalCount } }'),
  directoryConnectionCreate: mutation('mutation { directoryConnectionCreate(input: { name: "Matrix" }) { __typename ... on Error { code } } }'),
  directoryConnectionRotateToken: mutation(
    'mutation ($id: ID!) { directoryConnectionRotateToken(id: $id) { __typename ... on Error { code } } }',
    async (org) => ({ id: globalId('DirectoryConnection', (await insertDirectoryConnection(org)).id) }),
  ),
  directoryConnectionDelete: mutation('mutation ($id: ID!) { directoryConnectionDelete(id: $id) { __typename ... on Error { code } } }', async (org) => ({
    id: globalId('DirectoryConnection', (await insertDirectoryConnection(org)).id),
  })),
  directoryConnectionUpdate: mutation(
    'mutation ($id: ID!) { directoryConnectionUpdate(id: $id, input: { name: "Renamed" }) { __typename ... on Error { code } } }',
    async (org) => ({ id: globalId('DirectoryConnection', (await insertDirectoryConnection(org)).id) }),
  ),
  directoryGroupMap: mutation(
    'mutation ($id: ID!) { directoryGroupMap(id: $id, input: { parkingLotIds: [], tagIds: [] }) { __typename ... on Error { code } } }',
    async (org) => {
      const connection = await insertDirectoryConnection(org);
      const group = await kit.prisma.directoryGroup.create({ data: { organizationId: org.id, connectionId: connection.id, displayName: 'Matrix group' } });
      return { id: globalId('DirectoryGroup', group.id) };
    },
  ),
  adminLogout: {
    root: 'Mutation',
    // An API key has no session to end: it is told to use apiKeyRevoke.
    allowedTypename: (actor) => (actor === 'ADMIN' ? /^AdminLogoutPayload$/ : /^NotASession$/),
    // A session of its own, so the admin's main session survives the sample.
    run: async (org, actor) => {
      if (actor === 'API_KEY') return org.graphqlAs(actor, 'mutation { adminLogout { __typename ... on Error { code } } }');
      const token = newSessionToken();
      await kit.prisma.adminSession.create({
        data: { adminId: org.adminId, tokenHash: hashSecret(token), expiresAt: new Date(kit.clock.now().getTime() + SESSION_LIFETIME_MS) },
      });
      return kit.graphql('mutation { adminLogout { __typename ... on Error { code } } }', {}, { token });
    },
  },
};

function insertDirectoryConnection(org: TestOrganization) {
  return kit.prisma.directoryConnection.create({
    data: { organizationId: org.id, name: 'Matrix', tokenPrefix: 'ppscim_matrix', tokenHash: randomBytes(32).toString('hex') },
  });
}

function insertWebhookEndpoint(org: TestOrganization) {
  return kit.prisma.webhookEndpoint.create({ data: { organizationId: org.id, url: 'https://hooks.example.test/matrix', eventTypes: ['profile.invited'] } });
}

const PLANS = PLAN_ORDER;
const ROLE_NAMES = Object.keys(ROLES) as Role[];
const ACTORS: ActorKind[] = ['ADMIN', 'API_KEY'];

describe('access matrix', () => {
  it('has a sample for every root field guarded by an auth scope, and every sample names a guarded field', () => {
    const guarded = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields())
        .filter((name) => guardOf(name, type.name as 'Query' | 'Mutation') !== undefined)
        .map((name) => name),
    );
    expect(guarded.sort()).toEqual(Object.keys(samples).sort());
  });

  const organizations = new Map<string, TestOrganization>();
  beforeAll(async () => {
    for (const plan of PLANS) {
      for (const role of ROLE_NAMES) organizations.set(`${plan}/${role}`, await kit.createOrganization({ plan, role }));
    }
  });

  const cases = PLANS.flatMap((plan) => ROLE_NAMES.flatMap((role) => ACTORS.map((actor) => ({ plan, role, actor }))));

  it.each(cases)('$plan plan, $role role, as $actor: each guarded field answers as the table says', async ({ plan, role, actor }) => {
    const org = organizations.get(`${plan}/${role}`)!;
    for (const [field, sample] of Object.entries(samples)) {
      const action = guardOf(field, sample.root)!;
      const expected = refusalFor({ plan: plan as Plan, role, actorKind: actor }, action);
      const response = await sample.run(org, actor);
      const label = `${field} (${action ?? 'authenticated'})`;
      if (sample.root === 'Mutation') {
        const result = response.data?.[field];
        expect(response.errors, label).toBeUndefined();
        if (expected) expect(result, label).toEqual({ __typename: expected.code === 'FORBIDDEN' ? 'Forbidden' : 'FeatureNotInPlan', code: expected.code });
        else expect(result.__typename, `${label}: ${JSON.stringify(result)}`).toMatch(sample.allowedTypename?.(actor) ?? /Payload$/);
      } else if (expected) {
        expect(response.data?.[field] ?? null, label).toBeNull();
        const extensions = response.errors?.[0]?.extensions as Record<string, unknown> | undefined;
        expect(extensions, `${label}: ${JSON.stringify(response)}`).toMatchObject(JSON.parse(JSON.stringify(expected)));
      } else {
        expect(response.errors, label).toBeUndefined();
        expect(response.data?.[field], label).toBeTruthy();
      }
    }
  });

  it('answers every guarded field with UNAUTHENTICATED when no credentials are sent', async () => {
    for (const [field, sample] of Object.entries(samples)) {
      const document = sample.root === 'Query' ? `{ ${field} { __typename } }` : `mutation { ${field} { __typename } }`;
      const response = await kit.graphql(document.replace(`${field} {`, `${field}${argumentsOf(field)} {`), {}, {});
      expect(response.errors?.[0]?.extensions?.code, field).toBe('UNAUTHENTICATED');
    }
  });

  it('tells the viewer, from the same table, which actions it may do and what is missing', async () => {
    for (const plan of PLANS) {
      for (const role of ROLE_NAMES) {
        const org = organizations.get(`${plan}/${role}`)!;
        for (const actor of ACTORS) {
          const response = await org.graphqlAs(
            actor,
            '{ viewer { role plan permissions { action allowed refusal missingFeature requiredPlan requiredRoles allowedActorKinds } } }',
          );
          // An API key of a plan without API access cannot ask at all.
          const keyRefused = refusalFor({ plan, role, actorKind: actor }, null);
          if (keyRefused) {
            expect(response.errors?.[0]?.extensions?.code).toBe(keyRefused.code);
            continue;
          }
          for (const permission of response.data.viewer.permissions) {
            const refusal = refusalFor({ plan, role, actorKind: actor }, permission.action);
            const label = `${plan}/${role}/${actor} ${permission.action}`;
            expect(permission.allowed, label).toBe(refusal === null);
            expect(permission.refusal, label).toBe(refusal?.code ?? null);
            expect(permission.requiredPlan, label).toBe(refusal?.code === 'FEATURE_NOT_IN_PLAN' ? refusal.requiredPlan : null);
            expect(permission.allowedActorKinds, label).toEqual([...actorKindsOf(permission.action)]);
          }
        }
      }
    }
  });
});

/** Dummy arguments so anonymous calls pass validation and reach authorization. */
function argumentsOf(field: string): string {
  const id = JSON.stringify(globalId('Profile', '00000000-0000-7000-8000-000000000000'));
  const args: Record<string, string> = {
    profile: `(id: ${id})`,
    profileByExternalId: '(externalId: "hr-1")',
    invitations: '(state: OPEN)',
    profileUpdate: `(id: ${id}, input: {})`,
    profileDelete: `(id: ${id})`,
    adminDelete: `(id: ${JSON.stringify(globalId('Admin', '00000000-0000-7000-8000-000000000000'))})`,
    apiKeyRevoke: `(id: ${JSON.stringify(globalId('ApiKey', '00000000-0000-7000-8000-000000000000'))})`,
    organizationUpdate: '(input: {})',
    profileCreate: '(input: { firstName: "a", lastName: "b", email: "a@b.test" })',
    profilesUpsert: '(input: { profiles: [] })',
    adminCreate: '(input: { email: "a@b.test", name: "a", role: VIEWER, password: "x" })',
    apiKeyCreate: '(input: { name: "a", role: VIEWER })',
    adminInvite: '(input: { email: "a@b.test", name: "a", role: VIEWER })',
    adminInvitationRevoke: `(id: ${JSON.stringify(globalId('AdminInvitation', '00000000-0000-7000-8000-000000000000'))})`,
    adminUpdate: `(id: ${JSON.stringify(globalId('Admin', '00000000-0000-7000-8000-000000000000'))}, input: { role: VIEWER })`,
    organizationOwnershipTransfer: `(input: { adminId: ${JSON.stringify(globalId('Admin', '00000000-0000-7000-8000-000000000000'))} })`,
    bulkInvitation: `(id: ${JSON.stringify(globalId('BulkInvitation', '00000000-0000-7000-8000-000000000000'))})`,
    profilesInvitePreview: '(filter: {})',
    profileInvite: `(input: { profileId: ${id} })`,
    profilesInvite: '(input: { filter: {} })',
    profilesUpdateAccess: '(input: { filter: {}, addPaymentMethods: [CREDIT_CARD] })',
    invitationsRevoke: '(input: { filter: {} })',
    profilesDelete: '(input: { filter: {} })',
    parkingLotCreate: '(input: { name: "a" })',
    parkingLotUpdate: `(id: ${JSON.stringify(globalId('ParkingLot', '00000000-0000-7000-8000-000000000000'))}, input: { name: "a" })`,
    parkingLotDelete: `(id: ${JSON.stringify(globalId('ParkingLot', '00000000-0000-7000-8000-000000000000'))})`,
    tagCreate: '(input: { name: "a" })',
    tagUpdate: `(id: ${JSON.stringify(globalId('Tag', '00000000-0000-7000-8000-000000000000'))}, input: { name: "a" })`,
    tagDelete: `(id: ${JSON.stringify(globalId('Tag', '00000000-0000-7000-8000-000000000000'))})`,
    invitationRevoke: `(input: { invitationId: ${JSON.stringify(globalId('Invitation', '00000000-0000-7000-8000-000000000000'))} })`,
    webhookEndpointCreate: '(input: { url: "https://a.test/", eventTypes: [PROFILE_INVITED] })',
    directoryConnectionCreate: '(input: { name: "a" })',
    directoryConnectionRotateToken: `(id: ${JSON.stringify(globalId('DirectoryConnection', '00000000-0000-7000-8000-000000000000'))})`,
    directoryConnectionDelete: `(id: ${JSON.stringify(globalId('DirectoryConnection', '00000000-0000-7000-8000-000000000000'))})`,
    directoryConnectionUpdate: `(id: ${JSON.stringify(globalId('DirectoryConnection', '00000000-0000-7000-8000-000000000000'))}, input: {})`,
    directoryGroupMap: `(id: ${JSON.stringify(globalId('DirectoryGroup', '00000000-0000-7000-8000-000000000000'))}, input: { parkingLotIds: [], tagIds: [] })`,
    webhookEndpointUpdate: `(id: ${JSON.stringify(globalId('WebhookEndpoint', '00000000-0000-7000-8000-000000000000'))}, input: {})`,
    webhookEndpointDelete: `(id: ${JSON.stringify(globalId('WebhookEndpoint', '00000000-0000-7000-8000-000000000000'))})`,
    webhookEndpointRotateSecret: `(id: ${JSON.stringify(globalId('WebhookEndpoint', '00000000-0000-7000-8000-000000000000'))})`,
    webhookDeliveryRetry: `(id: ${JSON.stringify(globalId('WebhookDelivery', '00000000-0000-7000-8000-000000000000'))})`,
  };
  return args[field] ?? '';
}

describe('docs/organizations.md', () => {
  it('shows the access table exactly as the code has it', async () => {
    const doc = await readFile(new URL('../../docs/organizations.md', import.meta.url), 'utf8');
    const shown = /<!-- access-table:start -->\n([\s\S]*?)\n<!-- access-table:end -->/.exec(doc)?.[1];
    expect(shown).toBe(accessTableMarkdown());
  });
});

import { describe, expect, it } from 'vitest';
import { globalId, useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const EVENTS = `query ($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { occurredAt kind actor { type name id } profileId subjectId summary changedFields } }
  }
}`;

describe('audit trail', () => {
  it('records every write that matters with who, when, what and which ids, and filters by actor, kind, profile and time', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const as = org.graphqlAs;
    const t0 = kit.clock.now().toISOString();

    const created = await as(
      'API_KEY',
      'mutation { profileCreate(input: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.test" }) { ... on ProfilePayload { profile { id } } } }',
    );
    const adaId = created.data.profileCreate.profile.id as string;
    kit.clock.advance(1_000);
    await as('ADMIN', 'mutation ($id: ID!) { profileUpdate(id: $id, input: { phone: "+33 6 00 00 00 00", lastName: "King" }) { __typename } }', { id: adaId });
    await as(
      'API_KEY',
      'mutation { profilesUpsert(input: { profiles: [{ externalId: "hr-1", firstName: "Grace", lastName: "Hopper", email: "grace@example.test" }] }) { __typename } }',
    );
    const invited = await as(
      'ADMIN',
      'mutation ($id: ID!) { profileInvite(input: { profileId: $id, sendEmail: false }) { ... on ProfileInvitePayload { link invitation { id } } } }',
      { id: adaId },
    );
    const { link, invitation } = invited.data.profileInvite;
    const bulk = await as(
      'ADMIN',
      'mutation { profilesInvite(input: { filter: { search: "grace" } }) { ... on ProfilesInvitePayload { bulkInvitation { id } } } }',
    );
    const token = /#token=(.+)$/.exec(link)![1]!;
    const accepted = await kit.graphql(
      'mutation ($token: String!) { invitationAccept(input: { token: $token, password: "a long and fine password" }) { __typename } }',
      { token },
    );
    expect(accepted.data.invitationAccept.__typename).toBe('InvitationAcceptPayload');
    const key = await as(
      'ADMIN',
      'mutation { apiKeyCreate(input: { name: "HR sync", role: VIEWER }) { ... on ApiKeyCreatePayload { secret apiKey { id } } } }',
    );
    const secret = key.data.apiKeyCreate.secret as string;
    await as('ADMIN', 'mutation ($id: ID!) { apiKeyRevoke(id: $id) { __typename } }', { id: key.data.apiKeyCreate.apiKey.id });
    const admin = await as(
      'ADMIN',
      'mutation { adminCreate(input: { email: "new.admin@example.test", name: "New Admin", role: VIEWER, password: "the initial password 42" }) { ... on AdminPayload { admin { id } } } }',
    );
    await as('ADMIN', 'mutation ($id: ID!) { adminDelete(id: $id) { __typename } }', { id: admin.data.adminCreate.admin.id });
    await as('ADMIN', 'mutation { organizationUpdate(input: { invitationValidityHours: 48 }) { __typename } }');
    const tag = await as('ADMIN', 'mutation { tagCreate(input: { name: "Night" }) { ... on TagPayload { tag { id } } } }');
    await as('ADMIN', 'mutation ($id: ID!) { tagDelete(id: $id) { __typename } }', { id: tag.data.tagCreate.tag.id });
    kit.clock.advance(1_000);
    const t1 = kit.clock.now().toISOString();
    await as('API_KEY', 'mutation ($id: ID!) { profileDelete(id: $id) { __typename } }', { id: adaId });
    // A refused write records nothing.
    const refused = await as('API_KEY', 'mutation { profileCreate(input: { firstName: "G", lastName: "H", email: "grace@example.test" }) { __typename } }');
    expect(refused.data.profileCreate.__typename).toBe('EmailAlreadyUsed');

    const all = await as('ADMIN', EVENTS, { first: 100 });
    expect(all.errors).toBeUndefined();
    const events = all.data.auditEvents.edges.map((edge: any) => edge.node);
    expect(events.map((event: any) => event.kind)).toEqual([
      'PROFILE_DELETED',
      'TAG_DELETED',
      'TAG_CREATED',
      'ORGANIZATION_SETTINGS_CHANGED',
      'ADMIN_REMOVED',
      'ADMIN_ADDED',
      'API_KEY_REVOKED',
      'API_KEY_CREATED',
      'INVITATION_ACCEPTED',
      'BULK_INVITATION_STARTED',
      'PROFILE_INVITED',
      'PROFILE_CREATED',
      'PROFILE_UPDATED',
      'PROFILE_CREATED',
    ]);
    const byKind = (kind: string) => events.filter((event: any) => event.kind === kind);
    const keyActor = { type: 'API_KEY', name: 'test key', id: globalId('ApiKey', org.apiKeyId) };
    const adminActor = { type: 'ADMIN', name: expect.stringMatching(/^Admin \d+$/), id: globalId('Admin', org.adminId) };
    expect(byKind('PROFILE_CREATED').at(-1)).toMatchObject({
      actor: keyActor,
      profileId: adaId,
      summary: 'Created the profile of Ada Lovelace.',
      occurredAt: t0,
    });
    expect(byKind('PROFILE_UPDATED')[0]).toMatchObject({ actor: adminActor, profileId: adaId, changedFields: ['lastName', 'phone'] });
    expect(byKind('PROFILE_CREATED')[0].summary).toBe('Created the profile of Grace Hopper (bulk upsert, externalId hr-1).');
    expect(byKind('PROFILE_INVITED')[0]).toMatchObject({ actor: adminActor, profileId: adaId, subjectId: invitation.id });
    expect(byKind('BULK_INVITATION_STARTED')[0]).toMatchObject({
      subjectId: bulk.data.profilesInvite.bulkInvitation.id,
      summary: 'Asked to invite 1 profiles: Profiles matching "grace".',
    });
    expect(byKind('INVITATION_ACCEPTED')[0]).toMatchObject({
      actor: { type: 'INVITED_PERSON', name: null, id: null },
      profileId: adaId,
      subjectId: invitation.id,
    });
    expect(byKind('API_KEY_CREATED')[0].subjectId).toBe(key.data.apiKeyCreate.apiKey.id);
    expect(byKind('ORGANIZATION_SETTINGS_CHANGED')[0]).toMatchObject({ changedFields: ['invitationValidityHours'] });
    expect(byKind('PROFILE_DELETED')[0]).toMatchObject({
      actor: keyActor,
      profileId: adaId,
      summary: 'Deleted the profile of Ada King, with its invitations.',
    });

    // Never a token, password or secret.
    const stored = JSON.stringify(await kit.prisma.auditEvent.findMany({ where: { organizationId: org.id } }), (_key, value) =>
      typeof value === 'bigint' ? String(value) : value,
    );
    for (const secretText of [secret, token, 'the initial password 42', 'a long and fine password', link]) expect(stored).not.toContain(secretText);

    // Filters: actor, kind, profile, time; they combine.
    const count = async (filter: Record<string, unknown>) => (await as('ADMIN', EVENTS, { filter })).data.auditEvents.totalCount;
    expect(await count({ actorIds: [globalId('ApiKey', org.apiKeyId)] })).toBe(3);
    expect(await count({ kinds: ['PROFILE_CREATED', 'PROFILE_DELETED'] })).toBe(3);
    expect(await count({ profileId: adaId })).toBe(5);
    expect(await count({ profileId: adaId, actorIds: [globalId('Admin', org.adminId)] })).toBe(2);
    expect(await count({ from: t1 })).toBe(1);
    expect(await count({ to: t1 })).toBe(events.length - 1);

    // Page by page, newest first.
    const page1 = (await as('ADMIN', EVENTS, { first: 5 })).data.auditEvents;
    const page2 = (await as('ADMIN', EVENTS, { first: 100, after: page1.pageInfo.endCursor })).data.auditEvents;
    expect([...page1.edges, ...page2.edges].map((edge: any) => edge.node.summary)).toEqual(events.map((event: any) => event.summary));
  });

  it('is for owners and admins only', async () => {
    const org = await kit.createOrganization({ role: 'MANAGER' });
    const refused = await org.graphqlAs('ADMIN', EVENTS, {});
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['OWNER', 'ADMIN'] });
  });
});

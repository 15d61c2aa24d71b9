import { describe, expect, it } from 'vitest';
import { globalId, KIT_ADMIN_PASSWORD, useTestKit } from '../test/kit.ts';

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
    // Ada's profile was deleted: her events stay, without her name (see the erasure test below).
    expect(byKind('PROFILE_CREATED').at(-1)).toMatchObject({
      actor: keyActor,
      profileId: adaId,
      summary: 'Created a profile (deleted since).',
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
      summary: 'Deleted a profile, with its invitations.',
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

  it('keeps the events of a deleted profile and a deleted admin, but not their names or emails', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const as = org.graphqlAs;
    const added = await as(
      'ADMIN',
      'mutation { adminCreate(input: { email: "erin.admin@example.test", name: "Erin Admin", role: ADMIN, password: "erin has a fine password" }) { ... on AdminPayload { admin { id } } } }',
    );
    const erinId = added.data.adminCreate.admin.id as string;
    const login = await kit.graphql(
      'mutation { adminLogin(input: { email: "erin.admin@example.test", password: "erin has a fine password" }) { ... on AdminLoginPayload { token } } }',
    );
    const asErin = (query: string, variables: Record<string, unknown> = {}) => kit.graphql(query, variables, { token: login.data.adminLogin.token });
    const created = await asErin(
      'mutation { profileCreate(input: { firstName: "Zed", lastName: "Quimby", email: "zed.before@example.test" }) { ... on ProfilePayload { profile { id } } } }',
    );
    const zedId = created.data.profileCreate.profile.id as string;
    // Renamed and moved: the earlier events hold the earlier name and address.
    await asErin('mutation ($id: ID!) { profileUpdate(id: $id, input: { lastName: "Quimbleton", email: "zed.after@example.test" }) { __typename } }', {
      id: zedId,
    });
    const invited = await asErin(
      'mutation ($id: ID!) { profileInvite(input: { profileId: $id, sendEmail: false }) { ... on ProfileInvitePayload { link } } }',
      {
        id: zedId,
      },
    );
    const token = /#token=(.+)$/.exec(invited.data.profileInvite.link)![1]!;
    kit.clock.advance(73 * 3_600_000);
    await kit.graphql('mutation ($token: String!) { invitationRequestNewLink(input: { token: $token }) { __typename } }', { token });
    await kit.runJobs();

    const personal = ['Zed', 'Quimby', 'Quimbleton', 'zed.before@example.test', 'zed.after@example.test', 'Erin', 'erin.admin@example.test'];
    const stored = async () =>
      JSON.stringify(await kit.prisma.auditEvent.findMany({ where: { organizationId: org.id }, orderBy: { seq: 'asc' } }), (_key, value) =>
        typeof value === 'bigint' ? String(value) : value,
      );
    const before = await kit.prisma.auditEvent.findMany({ where: { organizationId: org.id }, select: { id: true, kind: true } });
    // The renewal's summary, among others, named the person and their address.
    expect(await stored()).toContain('asked for a new link from the page of an expired invitation; sent by email to zed.after@example.test');
    expect(before.map((event) => event.kind).sort()).toEqual(['ADMIN_ADDED', 'PROFILE_CREATED', 'PROFILE_INVITED', 'PROFILE_INVITED', 'PROFILE_UPDATED']);

    // The kit's session ended with the days that passed: the owner signs in again.
    const owner = await kit.graphql(
      'mutation ($email: String!, $password: String!) { adminLogin(input: { email: $email, password: $password }) { ... on AdminLoginPayload { token } } }',
      {
        email: org.adminEmail,
        password: KIT_ADMIN_PASSWORD,
      },
    );
    const asOwner = (query: string, variables: Record<string, unknown> = {}) => kit.graphql(query, variables, { token: owner.data.adminLogin.token });
    expect((await asOwner('mutation ($id: ID!) { profileDelete(id: $id) { __typename } }', { id: zedId })).data.profileDelete.__typename).toBe(
      'ProfileDeletePayload',
    );
    expect((await asOwner('mutation ($id: ID!) { adminDelete(id: $id) { __typename } }', { id: erinId })).data.adminDelete.__typename).toBe(
      'AdminDeletePayload',
    );

    const after = await stored();
    for (const text of personal) expect(after).not.toContain(text);
    // Every event is still there, with its time, actor id and subject ids.
    const events = (await asOwner(EVENTS, { first: 100 })).data.auditEvents.edges.map((edge: any) => edge.node);
    expect(events).toHaveLength(before.length + 2);
    const erinActor = { type: 'ADMIN', name: 'a deleted admin', id: erinId };
    expect(events.map((event: any) => [event.kind, event.summary])).toEqual([
      ['ADMIN_REMOVED', 'Removed an admin (ADMIN); their sessions ended.'],
      ['PROFILE_DELETED', 'Deleted a profile, with its invitations.'],
      ['PROFILE_INVITED', 'Sent an invitation to a profile (deleted since).'],
      ['PROFILE_INVITED', 'Sent an invitation to a profile (deleted since).'],
      ['PROFILE_UPDATED', 'Changed a profile (deleted since): email, lastName.'],
      ['PROFILE_CREATED', 'Created a profile (deleted since).'],
      ['ADMIN_ADDED', 'Added an admin (deleted since).'],
    ]);
    expect(events.filter((event: any) => event.actor.id === erinId).map((event: any) => event.actor)).toEqual([erinActor, erinActor, erinActor]);
    expect(events.filter((event: any) => event.profileId === zedId)).toHaveLength(5);
    expect(events.at(-1).subjectId).toBe(erinId);
  });

  it('is for owners and admins only', async () => {
    const org = await kit.createOrganization({ role: 'MANAGER' });
    const refused = await org.graphqlAs('ADMIN', EVENTS, {});
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['OWNER', 'ADMIN'] });
  });
});

import { describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../kernel/global-ids.ts';
import { type AuditEventFilter, AuditEventsDocument } from '../test/generated/graphql.ts';
import { globalId, KIT_ADMIN_PASSWORD, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();

/** The database id of a global id (profileInvite's helper takes database ids). */
const databaseId = (id: string) => decodeGlobalId(id).id;

describe('audit trail', () => {
  it('records every write that matters with who, when, what and which ids, and filters by actor, kind, profile and time', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const t0 = kit.clock.now().toISOString();

    const created = await org.api.profileCreateChecked({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' });
    const adaId = expectTypename(created, 'ProfilePayload').profile.id;
    kit.clock.advance(1_000);
    await org.admin.profileUpdateContact(adaId, { phone: '+33 6 00 00 00 00', lastName: 'King' });
    await org.api.profilesUpsertRows([{ externalId: 'hr-1', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.test' }]);
    const invited = await org.admin.profileInvite(databaseId(adaId), { sendEmail: false });
    const { link, invitation } = expectTypename(invited, 'ProfileInvitePayload');
    const bulk = expectTypename(await org.admin.profilesInviteCounts({ filter: { search: 'grace' } }), 'ProfilesInvitePayload');
    const token = /#token=(.+)$/.exec(link!)![1]!;
    const accepted = await kit.anonymous.invitationAccept(token, 'a long and fine password');
    expect(accepted.__typename).toBe('InvitationAcceptPayload');
    const key = expectTypename(await org.admin.apiKeyCreate({ name: 'HR sync', role: 'VIEWER' }), 'ApiKeyCreatePayload');
    const secret = key.secret;
    await org.admin.apiKeyRevoke(key.apiKey.id);
    const admin = await org.admin.adminCreate({ email: 'new.admin@example.test', name: 'New Admin', role: 'VIEWER', password: 'the initial password 42' });
    await org.admin.adminDelete(expectTypename(admin, 'AdminPayload').admin.id);
    await org.admin.organizationUpdate({ invitationValidityHours: 48 });
    const tag = expectTypename(await org.admin.tagCreate({ name: 'Night' }), 'TagPayload');
    await org.admin.tagDelete(tag.tag.id);
    kit.clock.advance(1_000);
    const t1 = kit.clock.now().toISOString();
    await org.api.profileDelete(adaId);
    // A refused write records nothing.
    const refused = await org.api.profileCreateChecked({ firstName: 'G', lastName: 'H', email: 'grace@example.test' });
    expect(refused.__typename).toBe('EmailAlreadyUsed');

    const all = await org.admin.send(AuditEventsDocument, { first: 100 });
    expect(all.errors).toBeUndefined();
    const events = all.data!.auditEvents.edges.map((edge) => edge.node);
    expect(events.map((event) => event.kind)).toEqual([
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
    const byKind = (kind: string) => events.filter((event) => event.kind === kind);
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
    expect(byKind('PROFILE_CREATED')[0]!.summary).toBe('Created the profile of Grace Hopper (bulk upsert, externalId hr-1).');
    expect(byKind('PROFILE_INVITED')[0]).toMatchObject({ actor: adminActor, profileId: adaId, subjectId: invitation.id });
    expect(byKind('BULK_INVITATION_STARTED')[0]).toMatchObject({
      subjectId: bulk.bulkInvitation.id,
      summary: 'Asked to invite 1 profiles: Profiles matching "grace".',
    });
    expect(byKind('INVITATION_ACCEPTED')[0]).toMatchObject({
      actor: { type: 'INVITED_PERSON', name: null, id: null },
      profileId: adaId,
      subjectId: invitation.id,
    });
    expect(byKind('API_KEY_CREATED')[0]!.subjectId).toBe(key.apiKey.id);
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
    for (const secretText of [secret, token, 'the initial password 42', 'a long and fine password', link!]) expect(stored).not.toContain(secretText);

    // Filters: actor, kind, profile, time; they combine.
    const count = async (filter: AuditEventFilter) => (await org.admin.auditEvents({ filter })).totalCount;
    expect(await count({ actorIds: [globalId('ApiKey', org.apiKeyId)] })).toBe(3);
    expect(await count({ kinds: ['PROFILE_CREATED', 'PROFILE_DELETED'] })).toBe(3);
    expect(await count({ profileId: adaId })).toBe(5);
    expect(await count({ profileId: adaId, actorIds: [globalId('Admin', org.adminId)] })).toBe(2);
    expect(await count({ from: t1 })).toBe(1);
    expect(await count({ to: t1 })).toBe(events.length - 1);

    // Page by page, newest first.
    const page1 = await org.admin.auditEvents({ first: 5 });
    const page2 = await org.admin.auditEvents({ first: 100, after: page1.pageInfo.endCursor });
    expect([...page1.edges, ...page2.edges].map((edge) => edge.node.summary)).toEqual(events.map((event) => event.summary));
  });

  it('keeps the events of a deleted profile and a deleted admin, but not their names or emails', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const added = await org.admin.adminCreate({ email: 'erin.admin@example.test', name: 'Erin Admin', role: 'ADMIN', password: 'erin has a fine password' });
    const erinId = expectTypename(added, 'AdminPayload').admin.id;
    const login = await kit.anonymous.adminLogin({ email: 'erin.admin@example.test', password: 'erin has a fine password' });
    const asErin = kit.as(expectTypename(login, 'AdminLoginPayload').token);
    const created = await asErin.profileCreateChecked({ firstName: 'Zed', lastName: 'Quimby', email: 'zed.before@example.test' });
    const zedId = expectTypename(created, 'ProfilePayload').profile.id;
    // Renamed and moved: the earlier events hold the earlier name and address.
    await asErin.profileUpdateContact(zedId, { lastName: 'Quimbleton', email: 'zed.after@example.test' });
    const invited = await asErin.profileInvite(databaseId(zedId), { sendEmail: false });
    const token = /#token=(.+)$/.exec(expectTypename(invited, 'ProfileInvitePayload').link!)![1]!;
    kit.clock.advance(73 * 3_600_000);
    await kit.anonymous.invitationRequestNewLink(token);
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
    const owner = await kit.anonymous.adminLogin({ email: org.adminEmail, password: KIT_ADMIN_PASSWORD });
    const asOwner = kit.as(expectTypename(owner, 'AdminLoginPayload').token);
    expect((await asOwner.profileDelete(zedId)).__typename).toBe('ProfileDeletePayload');
    expect((await asOwner.adminDelete(erinId)).__typename).toBe('AdminDeletePayload');

    const after = await stored();
    for (const text of personal) expect(after).not.toContain(text);
    // Every event is still there, with its time, actor id and subject ids.
    const events = (await asOwner.auditEvents({ first: 100 })).edges.map((edge) => edge.node);
    expect(events).toHaveLength(before.length + 2);
    const erinActor = { type: 'ADMIN', name: 'a deleted admin', id: erinId };
    expect(events.map((event) => [event.kind, event.summary])).toEqual([
      ['ADMIN_REMOVED', 'Removed an admin (ADMIN); their sessions ended.'],
      ['PROFILE_DELETED', 'Deleted a profile, with its invitations.'],
      ['PROFILE_INVITED', 'Sent an invitation to a profile (deleted since).'],
      ['PROFILE_INVITED', 'Sent an invitation to a profile (deleted since).'],
      ['PROFILE_UPDATED', 'Changed a profile (deleted since): email, lastName.'],
      ['PROFILE_CREATED', 'Created a profile (deleted since).'],
      ['ADMIN_ADDED', 'Added an admin (deleted since).'],
    ]);
    expect(events.filter((event) => event.actor.id === erinId).map((event) => event.actor)).toEqual([erinActor, erinActor, erinActor]);
    expect(events.filter((event) => event.profileId === zedId)).toHaveLength(5);
    expect(events.at(-1)!.subjectId).toBe(erinId);
  });

  it('is for owners and admins only', async () => {
    const org = await kit.createOrganization({ role: 'MANAGER' });
    const refused = await org.admin.send(AuditEventsDocument, {});
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['OWNER', 'ADMIN'] });
  });
});

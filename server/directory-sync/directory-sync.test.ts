import { describe, expect } from 'vitest';
import { mapDirectoryGroup, updateDirectoryConnection } from './connection-service.ts';
import { requestScope } from '../kernel/scope.ts';
import { DEFAULT_RATE_LIMITS } from '../security/rate-limits.ts';
import { kitTest, type TestKit, type TestOrganization, useTestKit } from '../test/kit.ts';
import { productionApp } from '../test/production.ts';
import { connectDirectory, ERROR, GROUP, patchOf, type ScimClient, sendScim, USER, useScimServer } from '../test/scim-client.ts';

// What directory sync does to profiles: groups grant access (and never take
// what an admin gave), deactivation closes the invitation and removes group
// access, reactivation gives it back, the invite policy decides what is sent,
// a second identical sync changes nothing, tokens reach one organization only,
// and every malformed request gets a SCIM error, never a 5xx.

const kit = useTestKit();
const server = useScimServer(kit);
const it = kitTest(kit);

const ownerScope = (org: TestOrganization) =>
  requestScope(
    { prisma: kit.prisma, clock: kit.clock, settings: kit.worker.settings },
    { organizationId: org.id, plan: 'ENTERPRISE', role: 'OWNER', actor: { kind: 'ADMIN', id: org.adminId } },
  );

const access = async (profileId: string) => {
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: profileId }, include: { parkingLots: true, tags: true } });
  return {
    status: profile.status,
    lots: profile.parkingLots.map((link) => link.parkingLotId).sort(),
    tags: profile.tags.map((link) => link.tagId).sort(),
    paymentMethods: [...profile.paymentMethods].sort(),
  };
};

async function provision(scim: ScimClient, userName: string, extra: Record<string, unknown> = {}) {
  const response = await scim.post('/Users', { schemas: [USER], userName, name: { givenName: 'Ada', familyName: userName.split('@')[0] }, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

describe('groups grant parking access', () => {
  it('membership gives the mapped lots, tags and payment method; leaving takes away only what the group gave', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    const [north, south] = org.lots;
    const [engineering] = org.tags;
    const id = await provision(scim, 'grace@contoso.test');
    // The admin gives South by hand.
    expect((await org.api.profileUpdate(id, { parkingLotIds: [south!.globalId] })).__typename).toBe('ProfilePayload');

    const group = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Parking', members: [] });
    await mapDirectoryGroup(ownerScope(org), group.body.id, {
      parkingLotIds: [north!.id, south!.id],
      tagIds: [engineering!.id],
      paymentMethod: 'PAYROLL_DEDUCTION',
    });
    expect((await scim.patch(`/Groups/${group.body.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: id }] }))).status).toBe(204);
    expect(await access(id)).toMatchObject({ lots: [north!.id, south!.id].sort(), tags: [engineering!.id], paymentMethods: ['PAYROLL_DEDUCTION'] });
    const held = await kit.prisma.directoryUser.findUniqueOrThrow({ where: { profileId: id } });
    // South was the admin's already: only North is the group's.
    expect(held.groupParkingLotIds).toEqual([north!.id]);

    expect((await scim.patch(`/Groups/${group.body.id}`, patchOf({ op: 'remove', path: `members[value eq "${id}"]` }))).status).toBe(204);
    expect(await access(id)).toMatchObject({ lots: [south!.id], tags: [], paymentMethods: [] });
  });

  it('deactivation closes the open invitation and removes group access; reactivation restores them and the status', async ({ org, mailbox }) => {
    const scim = await connectDirectory(kit, server, org, { invitePolicy: 'ON_PROVISIONING' });
    const [north] = org.lots;
    const id = await provision(scim, 'linus@contoso.test');
    await kit.runJobs();
    expect(mailbox.to('linus@contoso.test')).toHaveLength(1);
    const invitation = await kit.prisma.invitation.findFirstOrThrow({ where: { profileId: id } });
    const group = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Parking', members: [{ value: id }] });
    await mapDirectoryGroup(ownerScope(org), group.body.id, { parkingLotIds: [north!.id], tagIds: [], paymentMethod: null });
    expect(await access(id)).toMatchObject({ status: 'PENDING', lots: [north!.id] });

    expect((await scim.patch(`/Users/${id}`, patchOf({ op: 'replace', value: { active: false } }))).status).toBe(200);
    expect(await access(id)).toMatchObject({ status: 'DEACTIVATED', lots: [] });
    expect((await kit.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).revokedAt).not.toBeNull();
    // The link no longer works, and inviting is a typed refusal.
    const accept = await kit.anonymous.invitationAccept(kit.tokenOf(mailbox.to('linus@contoso.test')[0]!), 'a long enough password 2026');
    expect(JSON.stringify(accept)).toContain('INVITATION_REVOKED');
    expect(await org.api.profileInvite(id)).toMatchObject({ __typename: 'ProfileDeactivated', code: 'PROFILE_DEACTIVATED' });
    expect(await kit.prisma.webhookEvent.count({ where: { organizationId: org.id } })).toBe(0); // no endpoint listens: nothing written

    kit.clock.advance(10 * 60_000);
    expect((await scim.patch(`/Users/${id}`, patchOf({ op: 'replace', value: { active: true } }))).status).toBe(200);
    // Back to PENDING with its group access, and the invite policy invites again (the earlier link was closed).
    expect(await access(id)).toMatchObject({ status: 'PENDING', lots: [north!.id] });
    await kit.runJobs();
    expect(mailbox.to('linus@contoso.test')).toHaveLength(2);
  });

  it('a VALIDATED person is never invited again on reactivation', async ({ org, mailbox }) => {
    const scim = await connectDirectory(kit, server, org, { invitePolicy: 'ON_PROVISIONING' });
    const id = await provision(scim, 'val@contoso.test');
    await kit.runJobs();
    const token = kit.tokenOf(mailbox.to('val@contoso.test')[0]!);
    const accepted = await kit.anonymous.invitationAccept(token, 'a long enough password 2026');
    expect(JSON.stringify(accepted)).not.toContain('code');
    await kit.runJobs();
    const before = mailbox.to('val@contoso.test').length;
    await scim.patch(`/Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: 'False' }));
    kit.clock.advance(10 * 60_000);
    await scim.patch(`/Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: 'True' }));
    await kit.runJobs();
    expect((await access(id)).status).toBe('VALIDATED');
    expect(mailbox.to('val@contoso.test')).toHaveLength(before);
  });
});

describe('invite policy', () => {
  it('"never": a provisioned profile is NOT_INVITED and receives nothing', async ({ org, mailbox }) => {
    const scim = await connectDirectory(kit, server, org, { invitePolicy: 'NEVER' });
    const id = await provision(scim, 'quiet@contoso.test');
    await kit.runJobs();
    expect((await access(id)).status).toBe('NOT_INVITED');
    expect(mailbox.to('quiet@contoso.test')).toHaveLength(0);
  });

  it('"on a go-live date": nothing before it; the first request after it invites everyone provisioned, once', async ({ org, mailbox, clock }) => {
    const scim = await connectDirectory(kit, server, org, { invitePolicy: 'ON_GO_LIVE_DATE', goLiveAt: new Date(clock.now().getTime() + 86_400_000) });
    const ids = [await provision(scim, 'early1@contoso.test'), await provision(scim, 'early2@contoso.test')];
    await kit.runJobs();
    expect(mailbox.messages()).toHaveLength(0);
    clock.advance(86_400_000 + 1);
    await scim.get('/ServiceProviderConfig');
    await scim.get('/ServiceProviderConfig');
    await kit.runJobs();
    expect(mailbox.to('early1@contoso.test')).toHaveLength(1);
    expect(mailbox.to('early2@contoso.test')).toHaveLength(1);
    for (const id of ids) expect((await access(id)).status).toBe('PENDING');
  });
});

describe('identity', () => {
  it('a filter finds a profile an admin made by hand; the first write adopts it; another connection gets 409 uniqueness', async ({ org }) => {
    const [handMade] = await org.insertProfiles(1);
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: handMade! } });
    const entra = await connectDirectory(kit, server, org);
    const found = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${profile.email}"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(handMade);
    const adopted = await entra.patch(`/Users/${handMade}`, patchOf({ op: 'Add', path: 'userName', value: `upn-${profile.email}` }));
    expect(adopted.status).toBe(200);
    expect(adopted.body.userName).toBe(`upn-${profile.email}`);
    expect(await kit.prisma.directoryUser.count({ where: { profileId: handMade! } })).toBe(1);
    const audit = await kit.prisma.auditEvent.findMany({ where: { profileId: handMade! } });
    expect(audit.some((event) => event.summary.includes('took over'))).toBe(true);

    const okta = await connectDirectory(kit, server, org, { name: 'Okta' });
    const conflict = await okta.post('/Users', { schemas: [USER], userName: profile.email, emails: [{ value: profile.email }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body.scimType).toBe('uniqueness');
    expect((await okta.get(`/Users/${handMade}`)).status).toBe(404);
  });

  it('a user deleted by the directory and created again comes back with its earlier status', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    const id = await provision(scim, 'back@contoso.test');
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect((await scim.get(`/Users?filter=${encodeURIComponent('userName eq "back@contoso.test"')}`)).body.totalResults).toBe(0);
    const again = await scim.post('/Users', { schemas: [USER], userName: 'back@contoso.test', name: { givenName: 'Ada', familyName: 'back' } });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(id);
    expect((await access(id)).status).toBe('NOT_INVITED');
  });
});

describe('isolation and limits', () => {
  it("a connection's token reaches only its organization: another's ids are 404 on every route, its people are not found", async ({ org }) => {
    const other = await kit.createOrganization();
    const mine = await connectDirectory(kit, server, org);
    const theirs = await connectDirectory(kit, server, other);
    const theirUser = await provision(theirs, 'secret@other.test');
    const theirGroup = (await theirs.post('/Groups', { schemas: [GROUP], displayName: 'Theirs' })).body.id as string;
    const [theirHandMade] = await other.insertProfiles(1);
    const handMade = await kit.prisma.profile.findUniqueOrThrow({ where: { id: theirHandMade! } });
    for (const path of [`/Users/${theirUser}`, `/Users/${theirHandMade}`, `/Groups/${theirGroup}`]) {
      expect((await mine.get(path)).status).toBe(404);
      expect((await mine.put(path, { schemas: [USER, GROUP], userName: 'x@y.test', displayName: 'x' })).status).toBe(404);
      expect((await mine.patch(path, patchOf({ op: 'replace', path: 'displayName', value: 'x' }))).status).toBe(404);
      expect((await mine.delete(path)).status).toBe(404);
    }
    for (const filter of [`userName eq "secret@other.test"`, `userName eq "${handMade.email}"`, `emails.value eq "${handMade.email}"`]) {
      expect((await mine.get(`/Users?filter=${encodeURIComponent(filter)}`)).body.totalResults).toBe(0);
    }
    expect((await mine.get(`/Groups?filter=${encodeURIComponent('displayName eq "Theirs"')}`)).body.totalResults).toBe(0);
    expect((await mine.get('/Users')).body.totalResults).toBe(0);
    expect((await kit.prisma.directoryGroup.findUniqueOrThrow({ where: { id: theirGroup } })).displayName).toBe('Theirs');
    expect((await kit.prisma.profile.findUniqueOrThrow({ where: { id: theirUser } })).status).toBe('NOT_INVITED');
  });

  it('no token or a wrong one is 401, a plan without directory sync 403, a spent budget 429 with Retry-After', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    for (const token of [null, 'ppscim_nope', 'Basic abc']) {
      const response = await sendScim(server.url(), token, 'GET', '/Users');
      expect(response.status).toBe(401);
      expect(response.body.schemas).toEqual([ERROR]);
    }
    await kit.prisma.organization.update({ where: { id: org.id }, data: { plan: 'BUSINESS' } });
    expect((await scim.get('/Users')).status).toBe(403);
    await kit.prisma.organization.update({ where: { id: org.id }, data: { plan: 'ENTERPRISE' } });

    const app = productionApp(kit, { rateLimits: { ...DEFAULT_RATE_LIMITS, pointsPerMinute: 2 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await app.fetch('https://parkpass.test/scim/v2/Users', {
        headers: { authorization: `Bearer ${scim.token}`, 'x-forwarded-for': '203.0.113.9' },
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('malformed requests get a 4xx SCIM error, never a 5xx (fuzz)', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    const id = await provision(scim, 'fuzz@contoso.test');
    const gid = (await scim.post('/Groups', { schemas: [GROUP], displayName: 'Fuzz' })).body.id as string;
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const cases: [string, string, unknown, string?][] = [
      ['POST', '/Users', undefined, '{'],
      ['POST', '/Users', undefined, '[]'],
      ['POST', '/Users', undefined, 'null'],
      ['POST', '/Users', undefined, `{"userName":"${huge}"}`],
      ['POST', '/Users', { userName: 5 }],
      ['POST', '/Users', { userName: 'a'.repeat(300) }],
      ['POST', '/Users', { userName: 'no-email' }],
      ['POST', '/Users', { userName: 'x@y.test', active: 'maybe' }],
      ['POST', '/Users', { userName: 'x@y.test', emails: 'x@y.test' }],
      ['POST', '/Users', { userName: 'x@y.test', emails: [{ value: 'not an email' }] }],
      ['POST', '/Users', { userName: 'x@y.test', name: { givenName: 'a\u0000b' } }],
      ['POST', '/Users', { userName: 'x@y.test', phoneNumbers: [{ value: 'call me' }] }],
      ['POST', '/Users', { userName: 'x@y.test', unknownAttribute: { deep: [1, 2, { a: 'b'.repeat(70_000) }] } }],
      ['PATCH', `/Users/${id}`, {}],
      ['PATCH', `/Users/${id}`, { Operations: 'x' }],
      ['PATCH', `/Users/${id}`, patchOf({ op: 'explode', path: 'active' })],
      ['PATCH', `/Users/${id}`, patchOf({ op: 'replace', path: 'active', value: 'perhaps' })],
      ['PATCH', `/Users/${id}`, patchOf({ op: 'remove' })],
      ['PATCH', `/Users/${id}`, patchOf({ op: 'replace', path: 'emails[type eq', value: 'x' })],
      ['PATCH', `/Users/${id}`, patchOf({ op: 'replace', path: 5, value: 'x' })],
      ['PATCH', `/Users/${id}`, patchOf(...Array.from({ length: 1_001 }, () => ({ op: 'replace', path: 'displayName', value: 'x' })))],
      ['PUT', `/Users/${id}`, { name: 'x' }],
      ['GET', `/Users?filter=${encodeURIComponent('userName eq')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('(((((')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent(`userName eq "${'z'.repeat(5_000)}"`)}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('password eq "x"')}`, undefined],
      ['GET', `/Users?filter=${encodeURIComponent('userName eq 5')}`, undefined],
      ['GET', '/Users/not-a-uuid', undefined],
      ['POST', '/Groups', { displayName: 7 }],
      ['POST', '/Groups', { displayName: 'ok', members: 'nope' }],
      ['POST', '/Groups', { displayName: 'ok', members: Array.from({ length: 1_001 }, () => ({ value: id })) }],
      ['PATCH', `/Groups/${gid}`, patchOf({ op: 'add', path: 'members', value: [{ value: 42 }] })],
      ['PATCH', `/Groups/${gid}`, patchOf({ op: 'replace', path: 'owner', value: 'x' })],
      ['PATCH', `/Groups/${gid}`, patchOf({ op: 'add', path: 'members[value eq "x"]', value: 'x' })],
      ['GET', `/Groups?filter=${encodeURIComponent('members eq "x"')}`, undefined],
      ['POST', '/Bulk', { Operations: [] }],
    ];
    for (const [method, path, body, raw] of cases) {
      const response = await scim.send(method, path, body, raw === undefined ? {} : { raw });
      const label = `${method} ${path.slice(0, 80)} ${raw?.slice(0, 40) ?? JSON.stringify(body)?.slice(0, 80)}`;
      expect(response.status, label).toBeGreaterThanOrEqual(400);
      expect(response.status === 501 || response.status < 500, `${label}: ${response.status}`).toBe(true);
      expect(response.contentType, label).toMatch(/^application\/scim\+json/);
      expect(response.body.schemas, label).toEqual([ERROR]);
    }
    // Nothing of those was written: the user is as provisioned.
    expect((await scim.get(`/Users/${id}`)).body.userName).toBe('fuzz@contoso.test');
  });
});

/** Runs `task` for each item, `concurrency` at a time (as an IdP's provisioning engine has several requests in flight). */
async function inFlight<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/**
 * Provisions `users` users in `groups` groups (user i in group i % groups) as Entra does, 4 requests in flight: for each
 * user a filter by userName, then a POST (or, when found, a PATCH of what it holds); for each group a filter by
 * displayName, then a POST when missing, and a PATCH that adds its members.
 */
async function syncDirectory(scim: ScimClient, users: number, groups: number, idsByUserName: Map<string, string>, groupIds: Map<string, string>) {
  const userName = (i: number) => `person${i}@bulk.test`;
  await inFlight(
    Array.from({ length: users }, (_, i) => i),
    4,
    async (i) => {
      const user = { schemas: [USER], userName: userName(i), externalId: `emp-${i}`, active: true, name: { givenName: 'Person', familyName: `Number ${i}` } };
      const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName(i)}"`)}`);
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      if (found.body.totalResults === 0) {
        const created = await scim.post('/Users', user);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        idsByUserName.set(userName(i), created.body.id);
      } else {
        const patched = await scim.patch(
          `/Users/${found.body.Resources[0].id}`,
          patchOf({ op: 'Replace', path: 'name.familyName', value: `Number ${i}` }, { op: 'Replace', path: 'active', value: 'True' }),
        );
        expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      }
    },
  );
  await inFlight(
    Array.from({ length: groups }, (_, g) => g),
    4,
    async (g) => {
      const displayName = `Group ${g}`;
      const found = await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`);
      const gid = found.body.totalResults ? found.body.Resources[0].id : (await scim.post('/Groups', { schemas: [GROUP], displayName })).body.id;
      groupIds.set(displayName, gid);
      const members = Array.from({ length: users }, (_, i) => i)
        .filter((i) => i % groups === g)
        .map((i) => ({ value: idsByUserName.get(userName(i))! }));
      expect((await scim.patch(`/Groups/${gid}`, patchOf({ op: 'Add', path: 'members', value: members }))).status).toBe(204);
    },
  );
}

async function auditCount(kit: TestKit, organizationId: string) {
  return kit.prisma.auditEvent.count({ where: { organizationId } });
}

describe('a second identical sync', () => {
  it('1,000 users and 20 groups, then the same again: nothing changes, nothing is sent, no audit event; deactivation and reactivation', async ({
    org,
    mailbox,
  }) => {
    // The first sync runs before the admin turns invitations on (as an admin checks who arrived before inviting them):
    // switching to "invite when provisioned" then invites them all at once.
    const scim = await connectDirectory(kit, server, org);
    const ids = new Map<string, string>();
    const groups = new Map<string, string>();
    const USERS = 1_000;
    const GROUPS = 20;
    const [lot] = org.lots;
    await syncDirectory(scim, USERS, GROUPS, ids, groups);
    await mapDirectoryGroup(ownerScope(org), groups.get('Group 0')!, { parkingLotIds: [lot!.id], tagIds: [], paymentMethod: null });
    expect(mailbox.messages()).toHaveLength(0);
    await updateDirectoryConnection(ownerScope(org), scim.connectionId, { invitePolicy: 'ON_PROVISIONING' });
    await kit.runJobs();
    expect(mailbox.messages()).toHaveLength(USERS);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, status: 'PENDING' } })).toBe(USERS);
    expect(await kit.prisma.profileParkingLot.count({ where: { parkingLotId: lot!.id } })).toBe(USERS / GROUPS);
    expect(await kit.prisma.directoryGroupMember.count({ where: { group: { connectionId: scim.connectionId } } })).toBe(USERS);

    const audits = await auditCount(kit, org.id);
    const updated = await kit.prisma.profile.aggregate({ where: { organizationId: org.id }, _max: { updatedAt: true } });
    const outbox = () =>
      Promise.all([kit.prisma.email.count({ where: { organizationId: org.id } }), kit.prisma.webhookEvent.count({ where: { organizationId: org.id } })]);
    const queued = await outbox();
    kit.clock.advance(60_000);
    const since = kit.clock.now();
    await syncDirectory(scim, USERS, GROUPS, ids, groups);
    await kit.runJobs();
    expect(await auditCount(kit, org.id)).toBe(audits);
    expect(mailbox.messages()).toHaveLength(USERS);
    expect(await outbox()).toEqual(queued);
    expect((await kit.prisma.profile.aggregate({ where: { organizationId: org.id }, _max: { updatedAt: true } }))._max.updatedAt).toEqual(
      updated._max.updatedAt,
    );
    const secondPass = await kit.prisma.directoryRequest.findMany({ where: { connectionId: scim.connectionId, occurredAt: { gte: since } } });
    expect(secondPass.length).toBe(2 * (USERS + GROUPS));
    expect(secondPass.filter((request) => request.summary !== '')).toEqual([]);

    // person0 is in Group 0 (which gives the lot) with an open invitation: Okta's deactivation closes it and takes the lot.
    const person = ids.get('person0@bulk.test')!;
    const invitation = await kit.prisma.invitation.findFirstOrThrow({ where: { profileId: person, revokedAt: null, acceptedAt: null } });
    expect((await scim.patch(`/Users/${person}`, patchOf({ op: 'replace', value: { active: false } }))).status).toBe(200);
    expect(await access(person)).toMatchObject({ status: 'DEACTIVATED', lots: [] });
    expect((await kit.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).revokedAt).not.toBeNull();
    expect((await scim.get(`/Users/${person}`)).body.active).toBe(false);

    // Entra's reactivation, a day later: PENDING again, the lot back, and (invite when provisioned) a new invitation, once.
    kit.clock.advance(86_400_000);
    expect((await scim.patch(`/Users/${person}`, patchOf({ op: 'Replace', path: 'active', value: 'True' }))).status).toBe(200);
    expect(await access(person)).toMatchObject({ status: 'PENDING', lots: [lot!.id] });
    await kit.runJobs();
    expect(mailbox.to('person0@bulk.test')).toHaveLength(2);
    expect(await kit.prisma.invitation.count({ where: { profileId: person, revokedAt: null, acceptedAt: null, supersededAt: null } })).toBe(1);
    // Everyone else is as the first pass left them.
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, status: 'PENDING' } })).toBe(USERS);
    expect(await kit.prisma.profileParkingLot.count({ where: { parkingLotId: lot!.id } })).toBe(USERS / GROUPS);
  }, 600_000);
});

import { describe, expect, it } from 'vitest';
import type { Role } from '../test/generated/graphql.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

// The admin team: admins invited by email choose their own password; roles
// change; ownership is handed over; whatever owners do at the same instant,
// the organization keeps an owner.

const kit = useTestKit();
const PASSWORD = 'a long and fine password';
const WEEK_MS = 168 * 3_600_000;

/** The token of the join link in the latest email to an address. */
async function joinToken(address: string): Promise<string> {
  await kit.runJobs();
  const message = kit.emailsTo(address).at(-1);
  if (!message) throw new Error(`No email to ${address}.`);
  expect(message.TextBody).toContain('/admin/join');
  return kit.tokenOf(message);
}

/** Invites a person, who accepts and signs in: their admin's global id and signed-in operations. */
async function joinedAdmin(org: TestOrganization, role: Role, name: string) {
  const email = `${name.toLowerCase()}@team.test`;
  expectTypename(await org.admin.adminInvite({ email, name, role }), 'AdminInvitationPayload');
  const accepted = expectTypename(
    await kit.anonymous.adminInvitationAccept({ token: await joinToken(email), password: PASSWORD }),
    'AdminInvitationAcceptPayload',
  );
  const login = expectTypename(await kit.anonymous.adminLogin({ email, password: PASSWORD, organizationId: accepted.organizationId }), 'AdminLoginPayload');
  const admin = await kit.prisma.admin.findFirstOrThrow({ where: { organizationId: org.id, email } });
  return { id: globalId('Admin', admin.id), ops: kit.as(login.token) };
}

const ownerCount = (org: TestOrganization) => kit.prisma.admin.count({ where: { organizationId: org.id, role: 'OWNER' } });

describe('admins invited by email', () => {
  it('emails a link with which the person chooses their own password, joins with the role given and signs in; the link works once', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const invited = expectTypename(await org.admin.adminInvite({ email: 'Nora@Team.test', name: 'Nora Blum', role: 'MANAGER' }), 'AdminInvitationPayload');
    expect(invited.adminInvitation).toMatchObject({
      email: 'nora@team.test',
      name: 'Nora Blum',
      role: 'MANAGER',
      state: 'OPEN',
      invitedBy: { email: org.adminEmail },
    });
    expect(new Date(invited.adminInvitation!.expiresAt).getTime() - kit.clock.now().getTime()).toBe(WEEK_MS);

    await kit.runJobs();
    const [email] = kit.emailsTo('nora@team.test');
    expect(email?.Subject).toBe(`Join the admin team of ${org.name} in Parkpass`);
    expect(email?.TextBody).toContain('Hello Nora Blum');
    expect(email?.TextBody).toContain('as manager');
    const token = kit.tokenOf(email!);

    expect(await kit.anonymous.adminInvitationByToken(token)).toMatchObject({ organizationName: org.name, name: 'Nora Blum', role: 'MANAGER', state: 'OPEN' });
    expect(await kit.anonymous.adminInvitationByToken('not-a-token')).toBeNull();
    expect(await kit.anonymous.adminInvitationAccept({ token, password: 'short' })).toMatchObject({
      __typename: 'PasswordTooWeak',
      path: ['input', 'password'],
    });

    const accepted = expectTypename(await kit.anonymous.adminInvitationAccept({ token, password: PASSWORD }), 'AdminInvitationAcceptPayload');
    expect(accepted).toMatchObject({ email: 'nora@team.test', organizationName: org.name, organizationId: globalId('Organization', org.id) });
    const login = expectTypename(
      await kit.anonymous.adminLogin({ email: 'nora@team.test', password: PASSWORD, organizationId: accepted.organizationId }),
      'AdminLoginPayload',
    );
    expect((await kit.as(login.token).viewerIdentity()).role).toBe('MANAGER');

    expect(await kit.anonymous.adminInvitationAccept({ token, password: PASSWORD })).toMatchObject({
      __typename: 'InvitationAlreadyUsed',
      code: 'INVITATION_ALREADY_USED',
    });
    expect(await kit.anonymous.adminInvitationAccept({ token: 'not-a-token', password: PASSWORD })).toMatchObject({ __typename: 'InvitationNotFound' });
    const list = await org.admin.adminInvitations({ states: ['ACCEPTED'] });
    expect(list.edges.map((edge) => edge.node.email)).toEqual(['nora@team.test']);

    const events = await org.admin.auditEvents({ filter: { kinds: ['ADMIN_INVITED', 'ADMIN_ADDED'] } });
    expect(events.edges.map((edge) => [edge.node.kind, edge.node.actor.type])).toEqual([
      ['ADMIN_ADDED', 'INVITED_PERSON'],
      ['ADMIN_INVITED', 'ADMIN'],
    ]);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('refuses with typed errors: an address already an admin, a re-send within 5 minutes, an expired, replaced or revoked link, and too many open invitations', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    expect(await org.admin.adminInvite({ email: org.adminEmail, name: 'Me', role: 'ADMIN' })).toMatchObject({
      __typename: 'EmailAlreadyUsed',
      path: ['input', 'email'],
    });
    expect(await org.admin.adminInvite({ email: 'nope', name: 'X', role: 'ADMIN' })).toMatchObject({ __typename: 'InvalidEmail' });
    expect(await org.admin.adminInvite({ email: 'x@team.test', name: ' ', role: 'ADMIN' })).toMatchObject({
      __typename: 'InvalidInput',
      path: ['input', 'name'],
    });

    expectTypename(await org.admin.adminInvite({ email: 'sam@team.test', name: 'Sam', role: 'VIEWER' }), 'AdminInvitationPayload');
    const first = await joinToken('sam@team.test');
    expect(await org.admin.adminInvite({ email: 'sam@team.test', name: 'Sam', role: 'VIEWER' })).toMatchObject({
      __typename: 'ResendTooSoon',
      retryAfterSeconds: 300,
    });
    kit.clock.advance(5 * 60_000);
    const second = expectTypename(await org.admin.adminInvite({ email: 'sam@team.test', name: 'Sam', role: 'ADMIN' }), 'AdminInvitationPayload');
    expect(await kit.anonymous.adminInvitationAccept({ token: first, password: PASSWORD })).toMatchObject({ __typename: 'InvitationRevoked' });
    const secondToken = await joinToken('sam@team.test');

    // A week later (moved in the row: the owner's session would not last a week).
    await kit.prisma.adminInvitation.update({ where: { id: decodeId(second.adminInvitation!.id) }, data: { expiresAt: kit.clock.now() } });
    expect(await kit.anonymous.adminInvitationAccept({ token: secondToken, password: PASSWORD })).toMatchObject({
      __typename: 'InvitationExpired',
      code: 'INVITATION_EXPIRED',
    });
    expect(await org.admin.adminInvitationRevoke(second.adminInvitation!.id)).toMatchObject({ __typename: 'InvitationExpired' });
    expect((await org.admin.adminInvitations({ states: ['EXPIRED'] })).totalCount).toBe(1);

    // Revoked before its email went out: the email is not sent, and the link is refused.
    kit.clock.advance(5 * 60_000);
    const third = expectTypename(await org.admin.adminInvite({ email: 'sam@team.test', name: 'Sam', role: 'ADMIN' }), 'AdminInvitationPayload');
    expect(await org.admin.adminInvitationRevoke(third.adminInvitation!.id)).toMatchObject({ adminInvitation: { state: 'REVOKED' } });
    expect(await org.admin.adminInvitationRevoke(third.adminInvitation!.id)).toMatchObject({ __typename: 'InvitationRevoked' });
    const before = kit.emailsTo('sam@team.test').length;
    await kit.runJobs();
    expect(kit.emailsTo('sam@team.test')).toHaveLength(before);
    const cancelled = await kit.prisma.email.findFirstOrThrow({ where: { adminInvitationId: decodeId(third.adminInvitation!.id) } });
    expect(cancelled.state).toBe('CANCELLED');

    await kit.prisma.adminInvitation.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({
        organizationId: org.id,
        email: `bulk${i}@team.test`,
        name: `Bulk ${i}`,
        role: 'VIEWER' as const,
        tokenHash: `hash-${org.id}-${i}`,
        createdAt: kit.clock.now(),
        expiresAt: new Date(kit.clock.now().getTime() + WEEK_MS),
      })),
    });
    expect(await org.admin.adminInvite({ email: 'one.more@team.test', name: 'One more', role: 'VIEWER' })).toMatchObject({
      __typename: 'AdminInvitationLimitReached',
      code: 'ADMIN_INVITATION_LIMIT_REACHED',
      max: 50,
    });
    const page = await org.admin.adminInvitations({ first: 20 });
    expect(page.edges).toHaveLength(20);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await org.admin.adminInvitations({ first: 20, after: page.pageInfo.endCursor });
    expect(new Set([...page.edges, ...next.edges].map((edge) => edge.node.id)).size).toBe(40);
  });

  it('is for signed-in owners only, and confined to the organization', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const other = await kit.createOrganization({ role: 'OWNER' });
    const invited = expectTypename(await org.admin.adminInvite({ email: 'ines@team.test', name: 'Inès', role: 'VIEWER' }), 'AdminInvitationPayload');
    const id = invited.adminInvitation!.id;

    expect(await org.api.adminInvite({ email: 'k@team.test', name: 'K', role: 'VIEWER' })).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    const manager = await kit.createOrganization({ role: 'ADMIN' });
    expect(await manager.admin.adminInvite({ email: 'k@team.test', name: 'K', role: 'VIEWER' })).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });

    expect(await other.admin.adminInvitationRevoke(id)).toMatchObject({ __typename: 'NotFound' });
    expect(await other.admin.adminInvitationNode(id)).toBeNull();
    expect((await other.admin.adminInvitations()).totalCount).toBe(0);
    expect(await org.admin.adminInvitationNode(id)).toMatchObject({ email: 'ines@team.test', state: 'OPEN' });
    const stranger = await joinedAdmin(other, 'OWNER', 'Stranger');
    expect(await org.admin.adminRoleUpdate(stranger.id, 'VIEWER')).toMatchObject({ __typename: 'NotFound' });
    expect(await org.admin.organizationOwnershipTransfer({ adminId: stranger.id })).toMatchObject({ __typename: 'NotFound', path: ['input', 'adminId'] });
  });
});

describe('roles and ownership', () => {
  it("changes an admin's role (recorded), but never takes the owner role from the last owner", async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const me = globalId('Admin', org.adminId);
    const ana = await joinedAdmin(org, 'MANAGER', 'Ana');
    expect(await org.admin.adminRoleUpdate(ana.id, 'VIEWER')).toMatchObject({ admin: { role: 'VIEWER' } });
    expect((await ana.ops.viewerIdentity()).role).toBe('VIEWER');
    expect(await org.admin.adminRoleUpdate(me, 'ADMIN')).toMatchObject({ __typename: 'LastOwner', code: 'LAST_OWNER' });

    expect(await org.admin.adminRoleUpdate(ana.id, 'OWNER')).toMatchObject({ admin: { role: 'OWNER' } });
    // With another owner, an owner may step down.
    expect(await org.admin.adminRoleUpdate(me, 'ADMIN')).toMatchObject({ admin: { role: 'ADMIN' } });
    expect(await org.admin.adminRoleUpdate(ana.id, 'VIEWER')).toMatchObject({ __typename: 'Forbidden' });
    expect(await ana.ops.adminRoleUpdate(ana.id, 'VIEWER')).toMatchObject({ __typename: 'LastOwner' });

    const events = await ana.ops.auditEvents({ filter: { kinds: ['ADMIN_ROLE_CHANGED'] } });
    expect(events.edges.map((edge) => edge.node.summary)).toEqual([
      expect.stringMatching(new RegExp(`^Changed the role of Admin \\d+ <${org.adminEmail.replace(/\./g, '\\.')}> from OWNER to ADMIN\\.$`)),
      'Changed the role of Ana <ana@team.test> from VIEWER to OWNER.',
      'Changed the role of Ana <ana@team.test> from MANAGER to VIEWER.',
    ]);
    expect(events.edges[0]!.node.subjectId).toBe(me);
  });

  it('hands the organization over in one step: the other admin is an owner, the caller takes the role chosen', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const me = globalId('Admin', org.adminId);
    const bo = await joinedAdmin(org, 'ADMIN', 'Bo');
    expect(await org.admin.organizationOwnershipTransfer({ adminId: me })).toMatchObject({ __typename: 'InvalidInput', path: ['input', 'adminId'] });
    expect(await org.admin.organizationOwnershipTransfer({ adminId: bo.id, previousOwnerRole: 'OWNER' })).toMatchObject({ __typename: 'InvalidInput' });
    expect(await bo.ops.organizationOwnershipTransfer({ adminId: me })).toMatchObject({ __typename: 'Forbidden' });

    const handed = expectTypename(
      await org.admin.organizationOwnershipTransfer({ adminId: bo.id, previousOwnerRole: 'MANAGER' }),
      'OrganizationOwnershipTransferPayload',
    );
    expect(handed).toMatchObject({ newOwner: { id: bo.id, role: 'OWNER' }, previousOwner: { id: me, role: 'MANAGER' } });
    expect(await ownerCount(org)).toBe(1);
    expect(await org.admin.adminInvite({ email: 'z@team.test', name: 'Z', role: 'VIEWER' })).toMatchObject({ __typename: 'Forbidden' });
    const events = await bo.ops.auditEvents({ filter: { kinds: ['OWNERSHIP_TRANSFERRED'] } });
    expect(events.edges.map((edge) => [edge.node.subjectId, edge.node.actor.id])).toEqual([[bo.id, me]]);
  });

  it('never leaves the organization without an owner when two owners demote, remove or hand over to each other at once', async () => {
    for (let round = 0; round < 4; round++) {
      const org = await kit.createOrganization({ role: 'OWNER' });
      const a = { id: globalId('Admin', org.adminId), ops: org.admin };
      const b = await joinedAdmin(org, 'OWNER', `Owner${round}`);
      const races = [
        () => Promise.all([a.ops.adminRoleUpdate(b.id, 'ADMIN'), b.ops.adminRoleUpdate(a.id, 'ADMIN')]),
        () => Promise.all([a.ops.adminDelete(b.id), b.ops.adminDelete(a.id)]),
        () => Promise.all([a.ops.organizationOwnershipTransfer({ adminId: b.id }), b.ops.organizationOwnershipTransfer({ adminId: a.id })]),
        () => Promise.all([a.ops.adminRoleUpdate(a.id, 'VIEWER'), b.ops.adminRoleUpdate(b.id, 'VIEWER')]),
      ];
      const results = await races[round]!();
      expect(await ownerCount(org), JSON.stringify(results)).toBe(1);
      // Each went through or was refused with a typed error (the caller was no longer an owner, or was the last one);
      // demoting or removing each other, exactly one goes through (two transfers may both, one after the other).
      const refused = results.filter((result) => ['Forbidden', 'LastOwner'].includes(result.__typename));
      expect(refused.length + results.filter((result) => result.__typename.endsWith('Payload')).length, JSON.stringify(results)).toBe(2);
      if (round !== 2) expect(refused, JSON.stringify(results)).toHaveLength(1);
    }
  });
});

const decodeId = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[1]!;

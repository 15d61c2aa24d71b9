import { describe, expect, it } from 'vitest';
import { ProfileInvitationsDocument, type ProfileInvitationsQuery } from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { RESEND_COOLDOWN_MS } from './invitation-rules.ts';
import { expectTypename } from '../test/operations.ts';

// A profile's invitation history (Profile.invitations), as the admin UI's Show page lists it.

const kit = useTestKit();

type Node = NonNullable<ProfileInvitationsQuery['profile']>['invitations']['edges'][number]['node'];

describe('invitation history', () => {
  it('lists every invitation newest first: who sent it, when, its state, delivery and acceptance', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'ADMIN' });
    const [profileId] = await org.insertProfiles(1);
    const id = globalId('Profile', profileId!);
    const invite = async (actor: 'ADMIN' | 'API_KEY') => {
      const response = await org.as(actor).profileInvite(profileId!);
      expect(response.__typename).toBe('ProfileInvitePayload');
      return expectTypename(response, 'ProfileInvitePayload').invitation.id;
    };

    const byAdmin = await invite('ADMIN');
    const firstSentAt = kit.clock.now().toISOString();
    kit.clock.advance(RESEND_COOLDOWN_MS + 1_000);
    const byKey = await invite('API_KEY');
    kit.clock.advance(RESEND_COOLDOWN_MS + 1_000);
    const bulk = expectTypename(await org.admin.profilesInviteCounts({ profileIds: [id] }), 'ProfilesInvitePayload');
    expect(bulk.bulkInvitation.reinvitedCount).toBe(1);
    kit.clock.advance(60_000);
    // The latest one is revoked by the admin, then the delivery of the first one bounces.
    const latest = await kit.prisma.profile.findUniqueOrThrow({ where: { id: profileId! } });
    const revoked = await org.admin.invitationRevoke(globalId('Invitation', latest.latestInvitationId!));
    expect(revoked.__typename).toBe('InvitationPayload');
    await kit.prisma.invitation.update({
      where: { id: Buffer.from(byAdmin, 'base64').toString().split(':')[1]! },
      data: { deliveryState: 'BOUNCED', deliveryUpdatedAt: kit.clock.now() },
    });

    const response = await org.admin.send(ProfileInvitationsDocument, { id });
    expect(response.errors).toBeUndefined();
    const history = response.data!.profile!.invitations;
    expect(history.totalCount).toBe(3);
    const [third, second, first] = history.edges.map((edge) => edge.node) as [Node, Node, Node];
    expect(first).toMatchObject({
      id: byAdmin,
      createdAt: firstSentAt,
      state: 'SUPERSEDED',
      deliveryState: 'BOUNCED',
      deliveryUpdatedAt: kit.clock.now().toISOString(),
      sentBy: { type: 'ADMIN', name: expect.stringMatching(/^Admin \d+$/), id: globalId('Admin', org.adminId) },
      profile: { id },
      bulkInvitation: null,
    });
    expect(second).toMatchObject({ id: byKey, state: 'SUPERSEDED', sentBy: { type: 'API_KEY', name: 'test key', id: globalId('ApiKey', org.apiKeyId) } });
    expect(third).toMatchObject({
      state: 'REVOKED',
      revokedAt: kit.clock.now().toISOString(),
      acceptedAt: null,
      bulkInvitation: { id: bulk.bulkInvitation.id },
    });
    expect(third.supersededAt).toBeNull();
    expect(first.supersededAt).not.toBeNull();

    // Page by page, in the same order.
    const page1 = (await org.admin.profileInvitations({ id, first: 2 }))!.invitations;
    const page2 = (await org.admin.profileInvitations({ id, first: 2, after: page1.pageInfo.endCursor }))!.invitations;
    expect([...page1.edges, ...page2.edges].map((edge) => edge.node.id)).toEqual([third.id, byKey, byAdmin]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    // Invitation.profile leads back.
    const invitation = await kit.as(org.apiKey).invitationNode(byKey);
    expect(invitation).toEqual({ profile: { id, status: 'PENDING' }, sentBy: { name: 'test key' } });
  });

  it('shows when an invitation was accepted', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const [profileId] = await org.insertProfiles(1);
    const id = globalId('Profile', profileId!);
    const invited = expectTypename(await org.api.profileInvite(profileId!, { sendEmail: false }), 'ProfileInvitePayload');
    const token = /#token=(.+)$/.exec(invited.link!)![1]!;
    kit.clock.advance(90_000);
    const accepted = { data: { invitationAccept: await kit.anonymous.invitationAccept(token, 'a long and fine password') } };
    expect(accepted.data.invitationAccept.__typename).toBe('InvitationAcceptPayload');
    const history = (await org.api.profileInvitations({ id }))!.invitations.edges.map((edge) => edge.node);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ state: 'ACCEPTED', acceptedAt: kit.clock.now().toISOString(), deliveryState: 'NO_EMAIL', revokedAt: null });
  });

  it('shows a deleted sender as null, and is readable by a viewer', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'OWNER' });
    const [profileId] = await org.insertProfiles(1);
    const id = globalId('Profile', profileId!);
    const admin = await kit.prisma.admin.create({
      data: { organizationId: org.id, email: `gone-${org.id}@example.test`, name: 'Gone', role: 'ADMIN', passwordHash: 'x' },
    });
    const invitation = await kit.prisma.invitation.create({
      data: {
        organizationId: org.id,
        profileId: profileId!,
        tokenHash: `h-${profileId}`,
        email: 'x@example.test',
        expiresAt: kit.clock.now(),
        sentByAdminId: admin.id,
      },
    });
    await kit.prisma.admin.delete({ where: { id: admin.id } });
    const viewer = await kit.prisma.apiKey.update({ where: { id: org.apiKeyId }, data: { role: 'VIEWER' } });
    expect(viewer.role).toBe('VIEWER');
    const response = await org.api.send(ProfileInvitationsDocument, { id });
    expect(response.errors).toBeUndefined();
    expect(response.data!.profile!.invitations.edges.map((edge) => [edge.node.id, edge.node.sentBy, edge.node.state])).toEqual([
      [globalId('Invitation', invitation.id), null, 'EXPIRED'],
    ]);
  });
});

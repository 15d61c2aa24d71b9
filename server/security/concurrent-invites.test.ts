import { describe, expect, it } from 'vitest';
import { ProfilesInviteBulkDocument } from '../test/generated/graphql.ts';
import { expectTypename } from '../test/operations.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';

// Parallel invitations of one profile must respect the
// re-send rule (one invitation per profile per cooldown). Real requests race
// through yoga.fetch on the real database; the emails go to the fake Postmark.

const kit = useTestKit();

async function freshProfile(org: TestOrganization) {
  const [id] = await org.insertProfiles(1);
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
  return { id: id!, globalId: globalId('Profile', id!), email: profile.email };
}

async function invitationsAndEmailsOf(profile: { id: string; email: string }) {
  await kit.runJobs();
  const invitations = await kit.prisma.invitation.findMany({ where: { profileId: profile.id } });
  return { invitations: invitations.length, emails: kit.emailsTo(profile.email).length };
}

describe('concurrent invites', () => {
  it('5 parallel profileInvite on one fresh profile: exactly one invitation and one email, the others ResendTooSoon', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const profile = await freshProfile(org);
    const answers = await Promise.all(Array.from({ length: 5 }, () => org.api.profileInvite(profile.id)));
    const typenames = answers.map((answer) => answer.__typename).sort();
    expect(typenames).toEqual(['ProfileInvitePayload', 'ResendTooSoon', 'ResendTooSoon', 'ResendTooSoon', 'ResendTooSoon']);
    expect(await invitationsAndEmailsOf(profile)).toEqual({ invitations: 1, emails: 1 });
  });

  it('a bulk invitation racing invite one on the same profile: exactly one invitation and one email', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    for (let round = 0; round < 3; round++) {
      const profile = await freshProfile(org);
      const [one, many, again] = await Promise.all([
        org.api.profileInvite(profile.id),
        org.api.profilesInviteBulk({ profileIds: [profile.globalId] }),
        org.api.profilesInviteBulk({ profileIds: [profile.globalId] }),
      ]);
      const bulks = [many, again].map((answer) => expectTypename(answer, 'ProfilesInvitePayload').bulkInvitation);
      const invitedByBulks = bulks.reduce((sum, bulk) => sum + bulk.invitedCount + bulk.reinvitedCount, 0);
      const invitedByOne = one.__typename === 'ProfileInvitePayload' ? 1 : 0;
      expect(invitedByOne + invitedByBulks, JSON.stringify([one, bulks])).toBe(1);
      if (!invitedByOne) expect(one.__typename).toBe('ResendTooSoon');
      for (const bulk of bulks) {
        if (bulk.invitedCount + bulk.reinvitedCount === 0) expect(bulk.skipped).toEqual([{ reason: 'RESEND_TOO_SOON', count: 1 }]);
      }
      expect(await invitationsAndEmailsOf(profile)).toEqual({ invitations: 1, emails: 1 });
    }
  });

  it('background bulk chunks racing invite one: every profile invited once, one email each', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const ids = await org.insertManyProfiles(300);
    const started = await org.api.send(ProfilesInviteBulkDocument, { input: { profileIds: ids.map((id) => globalId('Profile', id)) } });
    expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
    expect(expectTypename(started.data!.profilesInvite, 'ProfilesInvitePayload').bulkInvitation.state).toBe('QUEUED');
    // The worker's chunk and twenty single invites of profiles it selected, at the same time.
    const singles = ids.slice(0, 20).map((id) => org.api.profileInvite(id));
    const [answers] = await Promise.all([Promise.all(singles), kit.runJobs()]);
    await kit.runJobs();
    const invited = answers.filter((answer) => answer.__typename === 'ProfileInvitePayload').length;
    expect(answers.every((answer) => ['ProfileInvitePayload', 'ResendTooSoon'].includes(answer.__typename))).toBe(true);
    const invitations = await kit.prisma.invitation.groupBy({ by: ['profileId'], where: { organizationId: org.id }, _count: true });
    expect(invitations).toHaveLength(300);
    expect(invitations.every((row) => row._count === 1)).toBe(true);
    const bulk = await kit.prisma.bulkInvitation.findFirstOrThrow({ where: { organizationId: org.id } });
    expect(bulk.invited + invited).toBe(300);
    const emails = await kit.prisma.email.count({ where: { organizationId: org.id, kind: 'INVITATION', state: { not: 'CANCELLED' } } });
    expect(emails).toBe(300);
  });
});

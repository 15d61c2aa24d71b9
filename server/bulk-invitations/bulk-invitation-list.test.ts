import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BulkInvitationListDocument, BulkInvitationSkippedDocument } from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();

describe('bulk invitations list', () => {
  it('lists bulk invitations newest first with who started them, their selection and outcome in words, and opens the skipped profiles', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const [north] = org.lots;
    const fresh = await org.insertProfiles(2, { with: () => ({ lotIds: [north!.id] }) });
    const [validated] = await org.insertProfiles(1, { with: () => ({ status: 'VALIDATED', lastName: 'Done' }) });
    const missing = randomUUID();
    const byIds = await org.admin.profilesInviteCounts({ profileIds: [...fresh, validated!, missing].map((id) => globalId('Profile', id)) });
    const firstId = expectTypename(byIds, 'ProfilesInvitePayload').bulkInvitation.id;
    kit.clock.advance(60_000);
    const byFilter = await org.api.profilesInviteCounts({ filter: { statuses: ['PENDING', 'VALIDATED'], parkingLotIds: [north!.globalId], search: 'test' } });
    const secondId = expectTypename(byFilter, 'ProfilesInvitePayload').bulkInvitation.id;

    const response = await org.admin.send(BulkInvitationListDocument, {});
    expect(response.errors).toBeUndefined();
    const list = response.data!.bulkInvitations;
    expect(list.totalCount).toBe(2);
    const [second, first] = list.edges.map((edge) => edge.node);
    expect(second).toMatchObject({
      id: secondId,
      state: 'COMPLETED',
      startedBy: { type: 'API_KEY', name: 'test key', id: globalId('ApiKey', org.apiKeyId) },
      selectionSummary: 'Profiles pending or validated, matching "test", with access to "North lot"',
      outcomeSummary: 'Done: 0 invited, 0 re-invited, 2 skipped (2 invited moments ago).',
    });
    expect(first).toMatchObject({
      id: firstId,
      state: 'COMPLETED',
      invitedCount: 2,
      startedBy: { type: 'ADMIN', id: globalId('Admin', org.adminId) },
      selectionSummary: '4 profiles chosen one by one',
      outcomeSummary: 'Done: 2 invited, 0 re-invited, 2 skipped (1 already validated, 1 not found).',
    });

    const skipped = await org.admin.send(BulkInvitationSkippedDocument, { id: firstId });
    expect(skipped.errors).toBeUndefined();
    const rows = skipped.data!.bulkInvitation!.skippedProfiles;
    expect(rows.totalCount).toBe(2);
    expect(rows.edges.map((edge) => edge.node).sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      { reason: 'ALREADY_VALIDATED', profile: { id: globalId('Profile', validated!), fullName: expect.stringMatching(/ Done$/) } },
      { reason: 'NOT_FOUND', profile: null },
    ]);
    const onlyValidated = await org.admin.bulkInvitationSkipped(firstId, 'ALREADY_VALIDATED');
    expect(onlyValidated!.skippedProfiles.totalCount).toBe(1);

    // Filter by state, and page.
    const queued = await kit.prisma.bulkInvitation.create({
      data: { organizationId: org.id, selection: { filter: {} }, total: 300, createdAt: kit.clock.now() },
    });
    const onlyQueued = await org.admin.bulkInvitationList({ states: ['QUEUED', 'RUNNING'] });
    expect(onlyQueued.edges.map((edge) => [edge.node.id, edge.node.selectionSummary, edge.node.outcomeSummary])).toEqual([
      [globalId('BulkInvitation', queued.id), 'All profiles', 'Waiting to start: 300 profiles selected.'],
    ]);
    const page1 = await org.admin.bulkInvitationList({ first: 2 });
    const page2 = await org.admin.bulkInvitationList({ first: 2, after: page1.pageInfo.endCursor });
    expect([...page1.edges, ...page2.edges].map((edge) => edge.node.id)).toEqual([globalId('BulkInvitation', queued.id), secondId, firstId]);
  });

  it("never lists another organization's bulk invitations", async () => {
    const mine = await kit.createOrganization();
    const theirs = await kit.createOrganization();
    await kit.prisma.bulkInvitation.create({ data: { organizationId: theirs.id, selection: { profileIds: [] } } });
    const response = await mine.api.bulkInvitationList();
    expect(response).toMatchObject({ totalCount: 0, edges: [] });
  });
});

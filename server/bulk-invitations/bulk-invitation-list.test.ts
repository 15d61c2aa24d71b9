import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { globalId, useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const LIST = `query ($states: [BulkInvitationState!], $first: Int, $after: String) {
  bulkInvitations(states: $states, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id state createdAt total invitedCount reinvitedCount selectionSummary outcomeSummary
      startedBy { type name id }
      skipped { reason count }
    } }
  }
}`;
const SKIPPED = `query ($id: ID!, $reason: SkipReason) {
  bulkInvitation(id: $id) {
    skippedProfiles(reason: $reason) { totalCount edges { node { reason profile { id fullName } } } }
  }
}`;

describe('bulk invitations list', () => {
  it('lists bulk invitations newest first with who started them, their selection and outcome in words, and opens the skipped profiles', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const [north] = org.lots;
    const fresh = await org.insertProfiles(2, { with: () => ({ lotIds: [north!.id] }) });
    const [validated] = await org.insertProfiles(1, { with: () => ({ status: 'VALIDATED', lastName: 'Done' }) });
    const missing = randomUUID();
    const byIds = await org.graphqlAs(
      'ADMIN',
      'mutation ($ids: [ID!]) { profilesInvite(input: { profileIds: $ids }) { ... on ProfilesInvitePayload { bulkInvitation { id } } } }',
      { ids: [...fresh, validated!, missing].map((id) => globalId('Profile', id)) },
    );
    const firstId = byIds.data.profilesInvite.bulkInvitation.id;
    kit.clock.advance(60_000);
    const byFilter = await org.graphqlAs(
      'API_KEY',
      'mutation ($lot: ID!) { profilesInvite(input: { filter: { statuses: [PENDING, VALIDATED], parkingLotIds: [$lot], search: "test" } }) { ... on ProfilesInvitePayload { bulkInvitation { id } } } }',
      { lot: north!.globalId },
    );
    const secondId = byFilter.data.profilesInvite.bulkInvitation.id;

    const response = await org.graphqlAs('ADMIN', LIST, {});
    expect(response.errors).toBeUndefined();
    const list = response.data.bulkInvitations;
    expect(list.totalCount).toBe(2);
    const [second, first] = list.edges.map((edge: any) => edge.node);
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

    const skipped = await org.graphqlAs('ADMIN', SKIPPED, { id: firstId });
    expect(skipped.errors).toBeUndefined();
    const rows = skipped.data.bulkInvitation.skippedProfiles;
    expect(rows.totalCount).toBe(2);
    expect(rows.edges.map((edge: any) => edge.node).sort((a: any, b: any) => a.reason.localeCompare(b.reason))).toEqual([
      { reason: 'ALREADY_VALIDATED', profile: { id: globalId('Profile', validated!), fullName: expect.stringMatching(/ Done$/) } },
      { reason: 'NOT_FOUND', profile: null },
    ]);
    const onlyValidated = await org.graphqlAs('ADMIN', SKIPPED, { id: firstId, reason: 'ALREADY_VALIDATED' });
    expect(onlyValidated.data.bulkInvitation.skippedProfiles.totalCount).toBe(1);

    // Filter by state, and page.
    const queued = await kit.prisma.bulkInvitation.create({
      data: { organizationId: org.id, selection: { filter: {} }, total: 300, createdAt: kit.clock.now() },
    });
    const onlyQueued = await org.graphqlAs('ADMIN', LIST, { states: ['QUEUED', 'RUNNING'] });
    expect(onlyQueued.data.bulkInvitations.edges.map((edge: any) => [edge.node.id, edge.node.selectionSummary, edge.node.outcomeSummary])).toEqual([
      [globalId('BulkInvitation', queued.id), 'All profiles', 'Waiting to start: 300 profiles selected.'],
    ]);
    const page1 = (await org.graphqlAs('ADMIN', LIST, { first: 2 })).data.bulkInvitations;
    const page2 = (await org.graphqlAs('ADMIN', LIST, { first: 2, after: page1.pageInfo.endCursor })).data.bulkInvitations;
    expect([...page1.edges, ...page2.edges].map((edge: any) => edge.node.id)).toEqual([globalId('BulkInvitation', queued.id), secondId, firstId]);
  });

  it("never lists another organization's bulk invitations", async () => {
    const mine = await kit.createOrganization();
    const theirs = await kit.createOrganization();
    await kit.prisma.bulkInvitation.create({ data: { organizationId: theirs.id, selection: { profileIds: [] } } });
    const response = await mine.graphql(LIST, {});
    expect(response.data.bulkInvitations).toMatchObject({ totalCount: 0, edges: [] });
  });
});

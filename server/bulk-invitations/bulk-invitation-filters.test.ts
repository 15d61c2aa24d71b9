import { describe, expect, it } from 'vitest';
import { BulkInvitationsByWhoAndWhenDocument, type BulkInvitationsByWhoAndWhenQueryVariables } from '../test/generated/graphql.ts';
import { useHttpServer } from '../test/http-sender.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

// Query.bulkInvitations by who started them and when, and each run's emails
// sent so far, over real HTTP.

const kit = useTestKit();
const http = useHttpServer(kit);

describe('bulk invitations by who and when', () => {
  it('lists only those the admin or API key started within the span, with the emails sent', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE' });
    const [a, b] = await org.insertProfiles(2);
    const byAdmin = expectTypename(await org.admin.profilesInviteCounts({ profileIds: [globalId('Profile', a!)] }), 'ProfilesInvitePayload');
    const between = kit.clock.now();
    kit.clock.advance(60 * 60_000);
    const byKey = expectTypename(await org.api.profilesInviteCounts({ profileIds: [globalId('Profile', b!)] }), 'ProfilesInvitePayload');
    await kit.runJobs();
    const send = http.as(org.apiKey);
    const ids = async (variables: BulkInvitationsByWhoAndWhenQueryVariables) => {
      const response = await send(BulkInvitationsByWhoAndWhenDocument, variables);
      expect(response.errors).toBeUndefined();
      return response.data!.bulkInvitations.edges.map((edge) => edge.node.id);
    };
    expect(await ids({})).toEqual([byKey.bulkInvitation.id, byAdmin.bulkInvitation.id]);
    expect(await ids({ startedBy: globalId('Admin', org.adminId) })).toEqual([byAdmin.bulkInvitation.id]);
    expect(await ids({ startedBy: globalId('ApiKey', org.apiKeyId) })).toEqual([byKey.bulkInvitation.id]);
    // Someone else's id, or an id of another type, lists nothing.
    expect(await ids({ startedBy: globalId('Profile', a!) })).toEqual([]);
    expect(await ids({ from: new Date(between.getTime() + 1).toISOString() })).toEqual([byKey.bulkInvitation.id]);
    expect(await ids({ to: new Date(between.getTime() + 1).toISOString() })).toEqual([byAdmin.bulkInvitation.id]);

    const response = await send(BulkInvitationsByWhoAndWhenDocument, { startedBy: globalId('Admin', org.adminId) });
    expect(response.data!.bulkInvitations).toMatchObject({ totalCount: 1, edges: [{ node: { sentCount: 1, failedCount: 0 } }] });
  });
});

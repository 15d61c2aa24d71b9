import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const UPSERT = `mutation ($input: ProfilesUpsertInput!) { profilesUpsert(input: $input) {
  __typename ... on ProfilesUpsertPayload { createdCount updatedCount unchangedCount results { index outcome profileId } } ... on Error { code } } }`;

describe('a bulk upsert retried by the same call (x-parkpass-call-id)', () => {
  it('answers as its first attempt did (CREATED, UPDATED), while another call, or one naming none, finds the rows UNCHANGED', async () => {
    const org = await kit.createOrganization();
    const as = (callId: string | null) => ({ token: org.apiKey, headers: callId ? { 'x-parkpass-call-id': callId } : ({} as Record<string, string>) });
    const profiles = [
      { externalId: 'retry-1', firstName: 'Ann', lastName: 'First', email: 'ann.first@example.test' },
      { externalId: 'retry-2', firstName: 'Bob', lastName: 'Second', email: 'bob.second@example.test' },
    ];
    const first = await kit.graphql(UPSERT, { input: { profiles } }, as('sync-call-1'));
    expect(first.data.profilesUpsert).toMatchObject({ createdCount: 2, unchangedCount: 0 });
    // The first answer was lost; the same call sends the same rows again.
    const retried = await kit.graphql(UPSERT, { input: { profiles } }, as('sync-call-1'));
    expect(retried.data.profilesUpsert).toEqual(first.data.profilesUpsert);
    // Anybody else sees what is now true.
    for (const callId of ['sync-call-2', null]) {
      expect((await kit.graphql(UPSERT, { input: { profiles } }, as(callId))).data.profilesUpsert).toMatchObject({ createdCount: 0, unchangedCount: 2 });
    }
    // An update, retried by its call, stays an update; nothing was written twice (one audit event per profile and write).
    const changed = [{ ...profiles[0]!, lastName: 'Firstly' }, profiles[1]!];
    const update = await kit.graphql(UPSERT, { input: { profiles: changed } }, as('sync-call-3'));
    expect(update.data.profilesUpsert).toMatchObject({ createdCount: 0, updatedCount: 1, unchangedCount: 1 });
    expect((await kit.graphql(UPSERT, { input: { profiles: changed } }, as('sync-call-3'))).data.profilesUpsert).toEqual(update.data.profilesUpsert);
    expect(await kit.prisma.auditEvent.count({ where: { organizationId: org.id, kind: { in: ['PROFILE_CREATED', 'PROFILE_UPDATED'] } } })).toBe(3);
  });
});

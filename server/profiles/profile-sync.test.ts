import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';

// Sync semantics for integrators: a second identical run writes nothing,
// duplicates inside a batch name the earlier row, conflicts name the profile
// holding the value, profiles are found by externalId, and a create retried
// with its idempotency key says it was replayed.

const kit = useTestKit();

const UPSERT = /* GraphQL */ `
  mutation Upsert($input: ProfilesUpsertInput!) {
    profilesUpsert(input: $input) {
      __typename
      ... on ProfilesUpsertPayload {
        createdCount updatedCount unchangedCount failedCount
        results {
          index outcome profileId
          error {
            __typename
            ... on InputError { code path }
            ... on DuplicateInBatch { otherIndex field }
            ... on EmailAlreadyUsed { profileId }
          }
        }
      }
    }
  }
`;

const person = (n: number) => ({ externalId: `hr-${n}`, firstName: `First${n}`, lastName: `Last${n}`, email: `person${n}@example.test` });

describe('sync semantics', () => {
  it('a second identical run is all UNCHANGED and writes nothing, not even updatedAt; a real change is UPDATED', async () => {
    const org = await kit.createOrganization();
    const rows = [1, 2, 3].map((n) => ({ ...person(n), parkingLotIds: [org.lots[0]!.globalId], paymentMethods: ['CREDIT_CARD'] }));
    const first = (await org.graphql(UPSERT, { input: { profiles: rows } })).data.profilesUpsert;
    expect(first).toMatchObject({ createdCount: 3, updatedCount: 0, unchangedCount: 0, failedCount: 0 });
    const before = await kit.prisma.profile.findMany({ where: { organizationId: org.id }, orderBy: { externalId: 'asc' }, select: { updatedAt: true } });

    const second = (await org.graphql(UPSERT, { input: { profiles: rows } })).data.profilesUpsert;
    expect(second).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 3, failedCount: 0 });
    expect(second.results.map((row: { outcome: string }) => row.outcome)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
    expect(second.results.map((row: { profileId: string }) => row.profileId)).toEqual(first.results.map((row: { profileId: string }) => row.profileId));
    const after = await kit.prisma.profile.findMany({ where: { organizationId: org.id }, orderBy: { externalId: 'asc' }, select: { updatedAt: true } });
    expect(after).toEqual(before);

    // Fields left out keep their value, so they count as unchanged; a new lot is a change.
    const third = (await org.graphql(UPSERT, { input: { profiles: [person(1), { ...person(2), parkingLotIds: [org.lots[1]!.globalId] }] } })).data
      .profilesUpsert;
    expect(third.results.map((row: { outcome: string }) => row.outcome)).toEqual(['UNCHANGED', 'UPDATED']);
  });

  it('reports a duplicate inside one batch as such, naming the earlier row; a conflict with a stored profile names that profile', async () => {
    const org = await kit.createOrganization();
    const holder = (await org.graphql(UPSERT, { input: { profiles: [person(9)] } })).data.profilesUpsert.results[0].profileId;
    const result = (
      await org.graphql(UPSERT, {
        input: {
          profiles: [
            person(1),
            { ...person(2), externalId: 'hr-1' },
            { ...person(3), email: 'PERSON1@example.test' },
            { ...person(4), email: 'person9@example.test' },
          ],
        },
      })
    ).data.profilesUpsert;
    expect(result.results.map((row: { outcome: string; error: unknown }) => [row.outcome, row.error])).toEqual([
      ['CREATED', null],
      [
        'FAILED',
        { __typename: 'DuplicateInBatch', code: 'DUPLICATE_IN_BATCH', path: ['input', 'profiles', '1', 'externalId'], otherIndex: 0, field: 'externalId' },
      ],
      ['FAILED', { __typename: 'DuplicateInBatch', code: 'DUPLICATE_IN_BATCH', path: ['input', 'profiles', '2', 'email'], otherIndex: 0, field: 'email' }],
      ['FAILED', { __typename: 'EmailAlreadyUsed', code: 'EMAIL_ALREADY_USED', path: ['input', 'profiles', '3', 'email'], profileId: holder }],
    ]);
  });

  it('finds profiles by externalId, one or a list, case-sensitively and only in the organization', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    await org.graphql(UPSERT, { input: { profiles: [person(1), person(2), person(3)] } });
    await other.graphql(UPSERT, { input: { profiles: [{ ...person(4), externalId: 'hr-1' }] } });
    const one = await org.graphql('query ($x: String!) { profileByExternalId(externalId: $x) { email } }', { x: 'hr-1' });
    expect(one.data.profileByExternalId).toEqual({ email: 'person1@example.test' });
    expect((await org.graphql('{ profileByExternalId(externalId: "HR-1") { email } }')).data.profileByExternalId).toBeNull();
    const listed = await org.graphql('{ profiles(filter: { externalIds: ["hr-1", "hr-3", "hr-404"] }) { totalCount edges { node { externalId } } } }');
    expect(listed.data.profiles.totalCount).toBe(2);
    expect(listed.data.profiles.edges.map((edge: { node: { externalId: string } }) => edge.node.externalId).sort()).toEqual(['hr-1', 'hr-3']);
  });

  it('says replayed when an idempotency key returns what an earlier create made', async () => {
    const org = await kit.createOrganization();
    const CREATE = 'mutation ($input: ProfileCreateInput!) { profileCreate(input: $input) { __typename ... on ProfilePayload { replayed profile { id } } } }';
    const input = { firstName: 'Once', lastName: 'Only', email: 'once@example.test', idempotencyKey: 'key-1' };
    const first = (await org.graphql(CREATE, { input })).data.profileCreate;
    const again = (await org.graphql(CREATE, { input })).data.profileCreate;
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    const lot = 'mutation ($input: ParkingLotInput!) { parkingLotCreate(input: $input) { ... on ParkingLotPayload { replayed } } }';
    expect((await org.graphql(lot, { input: { name: 'Lot R', idempotencyKey: 'lot-1' } })).data.parkingLotCreate.replayed).toBe(false);
    expect((await org.graphql(lot, { input: { name: 'Lot R', idempotencyKey: 'lot-1' } })).data.parkingLotCreate.replayed).toBe(true);
    const bulk =
      'mutation ($input: ProfilesInviteInput!) { profilesInvite(input: $input) { ... on ProfilesInvitePayload { replayed bulkInvitation { id } } } }';
    const selection = { profileIds: [first.profile.id], idempotencyKey: 'bulk-1' };
    const started = (await org.graphql(bulk, { input: selection })).data.profilesInvite;
    const replayed = (await org.graphql(bulk, { input: selection })).data.profilesInvite;
    expect(started.replayed).toBe(false);
    expect(replayed).toEqual({ ...started, replayed: true });
  });
});

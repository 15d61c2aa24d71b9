import { describe, expect, it } from 'vitest';
import type { ProfileUpsertInput } from '../test/generated/graphql.ts';
import { type TestOrganization, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

// Sync semantics for integrators: a second identical run writes nothing,
// duplicates inside a batch name the earlier row, conflicts name the profile
// holding the value, profiles are found by externalId, and a create retried
// with its idempotency key says it was replayed.

const kit = useTestKit();

const upsert = async (org: TestOrganization, profiles: ProfileUpsertInput[]) =>
  expectTypename(await org.api.profilesUpsertRows(profiles), 'ProfilesUpsertPayload');

const person = (n: number) => ({ externalId: `hr-${n}`, firstName: `First${n}`, lastName: `Last${n}`, email: `person${n}@example.test` });

describe('sync semantics', () => {
  it('a second identical run is all UNCHANGED and writes nothing, not even updatedAt; a real change is UPDATED', async () => {
    const org = await kit.createOrganization();
    const rows = [1, 2, 3].map((n): ProfileUpsertInput => ({ ...person(n), parkingLotIds: [org.lots[0]!.globalId], paymentMethods: ['CREDIT_CARD'] }));
    const first = await upsert(org, rows);
    expect(first).toMatchObject({ createdCount: 3, updatedCount: 0, unchangedCount: 0, failedCount: 0 });
    const before = await kit.prisma.profile.findMany({ where: { organizationId: org.id }, orderBy: { externalId: 'asc' }, select: { updatedAt: true } });

    const second = await upsert(org, rows);
    expect(second).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 3, failedCount: 0 });
    expect(second.results.map((row) => row.outcome)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
    expect(second.results.map((row) => row.profileId)).toEqual(first.results.map((row) => row.profileId));
    const after = await kit.prisma.profile.findMany({ where: { organizationId: org.id }, orderBy: { externalId: 'asc' }, select: { updatedAt: true } });
    expect(after).toEqual(before);

    // Fields left out keep their value, so they count as unchanged; a new lot is a change.
    const third = await upsert(org, [person(1), { ...person(2), parkingLotIds: [org.lots[1]!.globalId] }]);
    expect(third.results.map((row) => row.outcome)).toEqual(['UNCHANGED', 'UPDATED']);
  });

  it('reports a duplicate inside one batch as such, naming the earlier row; a conflict with a stored profile names that profile', async () => {
    const org = await kit.createOrganization();
    const holder = (await upsert(org, [person(9)])).results[0]!.profileId;
    const result = await upsert(org, [
      person(1),
      { ...person(2), externalId: 'hr-1' },
      { ...person(3), email: 'PERSON1@example.test' },
      { ...person(4), email: 'person9@example.test' },
    ]);
    expect(result.results.map((row) => [row.outcome, row.error])).toEqual([
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
    await upsert(org, [person(1), person(2), person(3)]);
    await upsert(other, [{ ...person(4), externalId: 'hr-1' }]);
    const one = await org.api.profileByExternalId('hr-1');
    expect(one).toEqual({ email: 'person1@example.test' });
    expect(await org.api.profileByExternalId('HR-1')).toBeNull();
    const listed = await org.api.profileExternalIds({ externalIds: ['hr-1', 'hr-3', 'hr-404'] });
    expect(listed.totalCount).toBe(2);
    expect(listed.edges.map((edge) => edge.node.externalId).sort()).toEqual(['hr-1', 'hr-3']);
  });

  it('says replayed when an idempotency key returns what an earlier create made', async () => {
    const org = await kit.createOrganization();
    const input = { firstName: 'Once', lastName: 'Only', email: 'once@example.test', idempotencyKey: 'key-1' };
    const first = expectTypename(await org.api.profileCreateChecked(input), 'ProfilePayload');
    const again = await org.api.profileCreateChecked(input);
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    const lot = async () => expectTypename(await org.api.parkingLotCreate({ name: 'Lot R', idempotencyKey: 'lot-1' }), 'ParkingLotPayload').replayed;
    expect(await lot()).toBe(false);
    expect(await lot()).toBe(true);
    const selection = { profileIds: [first.profile.id], idempotencyKey: 'bulk-1' };
    const started = expectTypename(await org.api.profilesInviteReplay(selection), 'ProfilesInvitePayload');
    const replayed = await org.api.profilesInviteReplay(selection);
    expect(started.replayed).toBe(false);
    expect(replayed).toEqual({ ...started, replayed: true });
  });
});

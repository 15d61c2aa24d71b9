import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  externalId: `dry-${n}`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  email: `dry${n}@example.test`,
  ...extra,
});

/** Everything the upsert could write for an organization, to prove a dry run wrote none of it. */
async function footprint(organizationId: string) {
  const { prisma } = kit;
  return {
    profiles: await prisma.profile.findMany({ where: { organizationId }, orderBy: { externalId: 'asc' } }),
    tags: await prisma.profileTag.count({ where: { profile: { organizationId } } }),
    lots: await prisma.profileParkingLot.count({ where: { profile: { organizationId } } }),
    audit: await prisma.auditEvent.count({ where: { organizationId } }),
    remembered: await prisma.idempotentRequest.count({ where: { organizationId } }),
  };
}

describe('profilesUpsert(dryRun: true)', () => {
  it('answers row by row what the write then does, writes nothing, and a second write changes nothing', async () => {
    const org = await kit.createOrganization();
    await org.api.profilesUpsertRows([person(1), person(2), person(7)]);
    const rows = [
      person(1), // unchanged
      person(2, { lastName: 'Renamed', tagIds: [org.tags[0]!.globalId] }), // updated
      person(3, { parkingLotIds: [org.lots[0]!.globalId] }), // created
      person(4, { email: 'not-an-email' }), // invalid
      person(5, { email: 'DRY3@example.test' }), // duplicate in the batch
      person(6, { email: 'DRY7@example.test' }), // another profile's address
    ];
    const before = await footprint(org.id);
    const preview = await org.api.profilesUpsertRows(rows, true);
    expect(await footprint(org.id)).toEqual(before);
    expect(preview).toMatchObject({ createdCount: 1, updatedCount: 1, unchangedCount: 1, failedCount: 3 });
    if (preview.__typename !== 'ProfilesUpsertPayload') throw new Error(preview.__typename);
    expect(preview.results.map((row) => [row.outcome, row.error?.__typename ?? null])).toEqual([
      ['UNCHANGED', null],
      ['UPDATED', null],
      ['CREATED', null],
      ['FAILED', 'InvalidEmail'],
      ['FAILED', 'DuplicateInBatch'],
      ['FAILED', 'EmailAlreadyUsed'],
    ]);

    const applied = await org.api.profilesUpsertRows(rows);
    if (applied.__typename !== 'ProfilesUpsertPayload') throw new Error(applied.__typename);
    // The same outcomes and reasons; only the created profile's id is new (the dry run's was rolled back).
    const comparable = (results: typeof applied.results) => results.map(({ profileId, ...row }) => ({ ...row, hasProfile: profileId !== null }));
    expect(comparable(applied.results)).toEqual(comparable(preview.results));
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(4);

    const again = await org.api.profilesUpsertRows(rows);
    expect(again).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 3, failedCount: 3 });
  });

  it('writes no row of the profiles or their links, not even one rolled back: it answers while they cannot be written', async () => {
    const org = await kit.createOrganization();
    const [lot1, lot2] = org.lots.map((lot) => lot.globalId);
    const [tag1, tag2] = org.tags.map((tag) => tag.globalId);
    await org.api.profilesUpsertRows([person(1, { parkingLotIds: [lot1], tagIds: [tag1] }), person(2)]);
    const rows = [
      person(1, { lastName: 'Renamed', parkingLotIds: [lot2], tagIds: [] }), // updated, its links replaced
      person(2), // unchanged
      person(3, { parkingLotIds: [lot1, lot2], tagIds: [tag2] }), // created with links
      person(4, { email: 'DRY2@example.test' }), // another profile's address
    ];
    const before = await footprint(org.id);
    // SHARE mode lets reads through and holds every INSERT, UPDATE or DELETE of these tables until it ends.
    const preview = await kit.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`LOCK TABLE profile, profile_parking_lot, profile_tag IN SHARE MODE`;
        return org.api.profilesUpsertRows(rows, true);
      },
      { timeout: 15_000 },
    );
    expect(preview).toMatchObject({ createdCount: 1, updatedCount: 1, unchangedCount: 1, failedCount: 1 });
    expect(await footprint(org.id)).toEqual(before);

    const applied = await org.api.profilesUpsertRows(rows);
    if (preview.__typename !== 'ProfilesUpsertPayload' || applied.__typename !== 'ProfilesUpsertPayload') throw new Error(applied.__typename);
    const outcomes = (results: typeof applied.results) => results.map((row) => [row.outcome, row.error?.__typename ?? null]);
    expect(outcomes(applied.results)).toEqual(outcomes(preview.results));
    expect(await kit.prisma.profileParkingLot.count({ where: { profile: { organizationId: org.id } } })).toBe(3);
  });

  it('is refused to a role that cannot edit profiles, like the write', async () => {
    const org = await kit.createOrganization({ role: 'VIEWER' });
    expect(await org.api.profilesUpsertRows([person(1)], true)).toMatchObject({ __typename: 'Forbidden' });
  });
});

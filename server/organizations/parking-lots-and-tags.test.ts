import { describe, expect, it } from 'vitest';
import { type TestOrganization, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();

describe('parking lots and tags', () => {
  it('creates, lists with their profile counts, renames and deletes lots and tags; deleting takes them off profiles', async () => {
    const org = await kit.createOrganization();
    const lot = expectTypename(await org.admin.parkingLotCreate({ name: '  Level -2  ' }), 'ParkingLotPayload').parkingLot;
    const tag = expectTypename(await org.admin.tagCreate({ name: 'Night shift' }), 'TagPayload').tag;
    expect(lot).toMatchObject({ name: 'Level -2', profileCount: 0 });
    expect(tag).toMatchObject({ name: 'Night shift', profileCount: 0 });

    const [north] = org.lots;
    const [engineering] = org.tags;
    const profiles = await org.insertProfiles(3, {
      with: (i) => ({ lotIds: i < 2 ? [north!.id] : [], tagIds: [engineering!.id] }),
    });
    const level = await kit.prisma.parkingLot.findFirstOrThrow({ where: { organizationId: org.id, name: 'level -2' } });
    await kit.prisma.profileParkingLot.create({ data: { profileId: profiles[0]!, parkingLotId: level.id } });

    const listed = await org.api.lotsAndTags();
    expect(listed.parkingLots.edges.map((edge) => [edge.node.name, edge.node.profileCount])).toEqual([
      ['Level -2', 1],
      ['North lot', 2],
      ['South lot', 0],
    ]);
    expect(listed.tags.edges.map((edge) => [edge.node.name, edge.node.profileCount])).toEqual([
      ['Engineering', 3],
      ['Night shift', 0],
      ['Sales', 0],
    ]);

    const renamed = await org.api.parkingLotUpdate(lot.id, { name: 'Basement' });
    expect(renamed).toEqual({ __typename: 'ParkingLotPayload', parkingLot: { name: 'Basement', profileCount: 1 } });
    // Renaming to its own name in another case is allowed: it is the same lot.
    const recased = await org.api.parkingLotUpdate(lot.id, { name: 'BASEMENT' });
    expect(recased.__typename).toBe('ParkingLotPayload');

    const deleted = await org.api.parkingLotDelete(north!.globalId);
    expect(deleted).toEqual({
      __typename: 'ParkingLotDeletePayload',
      deletedParkingLotId: north!.globalId,
      name: 'North lot',
      profileCount: 2,
    });
    const tagDeleted = await org.api.tagDelete(engineering!.globalId);
    expect(tagDeleted).toEqual({ __typename: 'TagDeletePayload', deletedTagId: engineering!.globalId, profileCount: 3 });

    // The profiles are still there, without the deleted lot and tag; their other lot stays.
    const after = await org.api.profileAccess();
    expect(after.totalCount).toBe(3);
    const lots = after.edges.map((edge) => edge.node.parkingLots.map((l) => l.name));
    expect(lots.flat().sort()).toEqual(['BASEMENT']);
    expect(after.edges.every((edge) => edge.node.tags.length === 0)).toBe(true);
    // Deleting again: it is gone.
    const again = await org.api.tagDelete(engineering!.globalId);
    expect(again).toMatchObject({ code: 'NOT_FOUND', path: ['id'] });
  });

  it('keeps names unique per organization, ignoring case, with typed errors; other organizations may use the same names', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    // A lot and a tag of the same name, one after the other (the API key's calls).
    const create = async (who: TestOrganization, name: string) => ({
      parkingLotCreate: await who.api.parkingLotCreate({ name }),
      tagCreate: await who.api.tagCreate({ name }),
    });

    const duplicate = await create(org, 'NORTH LOT');
    expect(duplicate.parkingLotCreate).toMatchObject({ __typename: 'NameAlreadyUsed', code: 'NAME_ALREADY_USED', path: ['input', 'name'] });
    expect(duplicate.tagCreate.__typename).toBe('TagPayload');
    expect((await create(org, 'north lot')).tagCreate).toMatchObject({ code: 'NAME_ALREADY_USED' });
    expect((await create(other, 'Lot only in the other one')).parkingLotCreate.__typename).toBe('ParkingLotPayload');
    expect((await create(org, 'Lot only in the other one')).parkingLotCreate.__typename).toBe('ParkingLotPayload');

    const rename = await org.api.parkingLotUpdate(org.lots[0]!.globalId, { name: 'south LOT' });
    expect(rename).toMatchObject({ code: 'NAME_ALREADY_USED', path: ['input', 'name'] });

    const blank = await org.api.tagCreate({ name: '   ' });
    expect(blank).toMatchObject({ code: 'INVALID_INPUT', path: ['input', 'name'] });
    const long = await org.api.tagCreate({ name: 'x'.repeat(101) });
    expect(long).toMatchObject({ code: 'INVALID_INPUT', path: ['input', 'name'] });
  });

  it('is refused to managers and viewers, who may still list them', async () => {
    const org = await kit.createOrganization({ role: 'MANAGER' });
    const refused = await org.admin.tagCreate({ name: 'Mine' });
    expect(refused).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['OWNER', 'ADMIN'] });
    expect((await org.admin.lotsAndTags()).tags.totalCount).toBe(2);
  });
});

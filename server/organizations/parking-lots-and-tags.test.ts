import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const LIST = '{ parkingLots { totalCount edges { node { id name profileCount } } } tags { totalCount edges { node { id name profileCount } } } }';
const result = '__typename ... on Error { code message } ... on InputError { path }';

describe('parking lots and tags', () => {
  it('creates, lists with their profile counts, renames and deletes lots and tags; deleting takes them off profiles', async () => {
    const org = await kit.createOrganization();
    const created = await org.graphqlAs(
      'ADMIN',
      `mutation { lot: parkingLotCreate(input: { name: "  Level -2  " }) { ${result} ... on ParkingLotPayload { parkingLot { id name profileCount } } }
                  tag: tagCreate(input: { name: "Night shift" }) { ${result} ... on TagPayload { tag { id name profileCount } } } }`,
    );
    expect(created.errors).toBeUndefined();
    const lot = created.data.lot.parkingLot;
    const tag = created.data.tag.tag;
    expect(lot).toMatchObject({ name: 'Level -2', profileCount: 0 });
    expect(tag).toMatchObject({ name: 'Night shift', profileCount: 0 });

    const [north] = org.lots;
    const [engineering] = org.tags;
    const profiles = await org.insertProfiles(3, {
      with: (i) => ({ lotIds: i < 2 ? [north!.id] : [], tagIds: [engineering!.id] }),
    });
    const level = await kit.prisma.parkingLot.findFirstOrThrow({ where: { organizationId: org.id, name: 'level -2' } });
    await kit.prisma.profileParkingLot.create({ data: { profileId: profiles[0]!, parkingLotId: level.id } });

    const listed = await org.graphql(LIST);
    expect(listed.data.parkingLots.edges.map((edge: any) => [edge.node.name, edge.node.profileCount])).toEqual([
      ['Level -2', 1],
      ['North lot', 2],
      ['South lot', 0],
    ]);
    expect(listed.data.tags.edges.map((edge: any) => [edge.node.name, edge.node.profileCount])).toEqual([
      ['Engineering', 3],
      ['Night shift', 0],
      ['Sales', 0],
    ]);

    const renamed = await org.graphql(
      `mutation ($id: ID!) { parkingLotUpdate(id: $id, input: { name: "Basement" }) { ${result} ... on ParkingLotPayload { parkingLot { name profileCount } } } }`,
      { id: lot.id },
    );
    expect(renamed.data.parkingLotUpdate).toEqual({ __typename: 'ParkingLotPayload', parkingLot: { name: 'Basement', profileCount: 1 } });
    // Renaming to its own name in another case is allowed: it is the same lot.
    const recased = await org.graphql(`mutation ($id: ID!) { parkingLotUpdate(id: $id, input: { name: "BASEMENT" }) { ${result} } }`, { id: lot.id });
    expect(recased.data.parkingLotUpdate.__typename).toBe('ParkingLotPayload');

    const deleted = await org.graphql(
      `mutation ($id: ID!) { parkingLotDelete(id: $id) { ${result} ... on ParkingLotDeletePayload { deletedParkingLotId name profileCount } } }`,
      { id: north!.globalId },
    );
    expect(deleted.data.parkingLotDelete).toEqual({
      __typename: 'ParkingLotDeletePayload',
      deletedParkingLotId: north!.globalId,
      name: 'North lot',
      profileCount: 2,
    });
    const tagDeleted = await org.graphql(`mutation ($id: ID!) { tagDelete(id: $id) { ${result} ... on TagDeletePayload { deletedTagId profileCount } } }`, {
      id: engineering!.globalId,
    });
    expect(tagDeleted.data.tagDelete).toEqual({ __typename: 'TagDeletePayload', deletedTagId: engineering!.globalId, profileCount: 3 });

    // The profiles are still there, without the deleted lot and tag; their other lot stays.
    const after = await org.graphql('{ profiles(first: 10) { totalCount edges { node { parkingLots { name } tags { name } } } } }');
    expect(after.data.profiles.totalCount).toBe(3);
    const lots = after.data.profiles.edges.map((edge: any) => edge.node.parkingLots.map((l: any) => l.name));
    expect(lots.flat().sort()).toEqual(['BASEMENT']);
    expect(after.data.profiles.edges.every((edge: any) => edge.node.tags.length === 0)).toBe(true);
    // Deleting again: it is gone.
    const again = await org.graphql(`mutation ($id: ID!) { tagDelete(id: $id) { ${result} } }`, { id: engineering!.globalId });
    expect(again.data.tagDelete).toMatchObject({ code: 'NOT_FOUND', path: ['id'] });
  });

  it('keeps names unique per organization, ignoring case, with typed errors; other organizations may use the same names', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const create = (who: typeof org, name: string) =>
      who.graphql(`mutation ($name: String!) { parkingLotCreate(input: { name: $name }) { ${result} } tagCreate(input: { name: $name }) { ${result} } }`, {
        name,
      });

    const duplicate = await create(org, 'NORTH LOT');
    expect(duplicate.data.parkingLotCreate).toMatchObject({ __typename: 'NameAlreadyUsed', code: 'NAME_ALREADY_USED', path: ['input', 'name'] });
    expect(duplicate.data.tagCreate.__typename).toBe('TagPayload');
    expect((await create(org, 'north lot')).data.tagCreate).toMatchObject({ code: 'NAME_ALREADY_USED' });
    expect((await create(other, 'Lot only in the other one')).data.parkingLotCreate.__typename).toBe('ParkingLotPayload');
    expect((await create(org, 'Lot only in the other one')).data.parkingLotCreate.__typename).toBe('ParkingLotPayload');

    const rename = await org.graphql(`mutation ($id: ID!) { parkingLotUpdate(id: $id, input: { name: "south LOT" }) { ${result} } }`, {
      id: org.lots[0]!.globalId,
    });
    expect(rename.data.parkingLotUpdate).toMatchObject({ code: 'NAME_ALREADY_USED', path: ['input', 'name'] });

    const blank = await org.graphql(`mutation { tagCreate(input: { name: "   " }) { ${result} } }`);
    expect(blank.data.tagCreate).toMatchObject({ code: 'INVALID_INPUT', path: ['input', 'name'] });
    const long = await org.graphql(`mutation ($name: String!) { tagCreate(input: { name: $name }) { ${result} } }`, { name: 'x'.repeat(101) });
    expect(long.data.tagCreate).toMatchObject({ code: 'INVALID_INPUT', path: ['input', 'name'] });
  });

  it('is refused to managers and viewers, who may still list them', async () => {
    const org = await kit.createOrganization({ role: 'MANAGER' });
    const refused = await org.graphqlAs('ADMIN', `mutation { tagCreate(input: { name: "Mine" }) { ${result} ... on Forbidden { requiredRoles } } }`);
    expect(refused.data.tagCreate).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['OWNER', 'ADMIN'] });
    expect((await org.graphqlAs('ADMIN', LIST)).data.tags.totalCount).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { ProfileAndNodeDocument, ProfileSearchRowsDocument, type ProfileSearchRowsQueryVariables } from '../test/generated/graphql.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';

const kit = useTestKit();

async function search(org: TestOrganization, variables: ProfileSearchRowsQueryVariables) {
  const response = await org.api.send(ProfileSearchRowsDocument, variables);
  expect(response.errors).toBeUndefined();
  return response.data!.profiles;
}

const names = (page: Awaited<ReturnType<typeof search>>) => page.edges.map((edge) => edge.node.fullName);

describe('profiles search', () => {
  it('finds names and emails ignoring case and accents, full names included', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(1, { with: () => ({ firstName: 'Hélène', lastName: 'Lefèvre' }) });
    await org.insertProfiles(1, { start: 1, with: () => ({ firstName: 'Jean', lastName: 'Dupont' }) });

    expect(names(await search(org, { filter: { search: 'helene' } }))).toEqual(['Hélène Lefèvre']);
    expect(names(await search(org, { filter: { search: 'HÉLÈNE lefevre' } }))).toEqual(['Hélène Lefèvre']);
    expect(names(await search(org, { filter: { search: 'jean dupont' } }))).toEqual(['Jean Dupont']);
    expect(names(await search(org, { filter: { search: 'jean.dupont' } }))).toEqual(['Jean Dupont']);
    expect((await search(org, { filter: { search: 'nobody' } })).totalCount).toBe(0);
  });

  it('filters by access, no access, status, tag, payment method and expired invitation; criteria combine with AND', async () => {
    const org = await kit.createOrganization();
    const [north, south] = org.lots;
    const [engineering, sales] = org.tags;
    const past = new Date(kit.clock.now().getTime() - 3_600_000);
    const future = new Date(kit.clock.now().getTime() + 3_600_000);
    await org.insertProfiles(1, {
      start: 0,
      with: () => ({ lastName: 'North', lotIds: [north!.id], tagIds: [engineering!.id], paymentMethods: ['CREDIT_CARD'] }),
    });
    await org.insertProfiles(1, { start: 1, with: () => ({ lastName: 'South', lotIds: [south!.id], tagIds: [sales!.id], status: 'VALIDATED' }) });
    await org.insertProfiles(1, {
      start: 2,
      with: () => ({ lastName: 'Nowhere', status: 'PENDING', invitationExpiresAt: past, paymentMethods: ['PAYROLL_DEDUCTION'] }),
    });
    await org.insertProfiles(1, { start: 3, with: () => ({ lastName: 'Waiting', status: 'PENDING', invitationExpiresAt: future, lotIds: [north!.id] }) });

    const lastNames = async (filter: Record<string, unknown>) => (await search(org, { filter })).edges.map((edge) => edge.node.fullName.split(' ')[1]).sort();

    expect(await lastNames({ parkingLotIds: [north!.globalId] })).toEqual(['North', 'Waiting']);
    expect(await lastNames({ parkingLotIds: [north!.globalId, south!.globalId] })).toEqual(['North', 'South', 'Waiting']);
    expect(await lastNames({ noAccess: true })).toEqual(['Nowhere']);
    expect(await lastNames({ noAccess: true, parkingLotIds: [south!.globalId] })).toEqual(['Nowhere', 'South']);
    expect(await lastNames({ statuses: ['PENDING', 'VALIDATED'] })).toEqual(['Nowhere', 'South', 'Waiting']);
    expect(await lastNames({ tagIds: [sales!.globalId] })).toEqual(['South']);
    expect(await lastNames({ paymentMethods: ['PAYROLL_DEDUCTION', 'CREDIT_CARD'] })).toEqual(['North', 'Nowhere']);
    expect(await lastNames({ invitationExpired: true })).toEqual(['Nowhere']);
    expect(await lastNames({ statuses: ['PENDING'], parkingLotIds: [north!.globalId] })).toEqual(['Waiting']);

    // The clock moves on: the other pending invitation expires too.
    kit.clock.advance(2 * 3_600_000);
    expect(await lastNames({ invitationExpired: true })).toEqual(['Nowhere', 'Waiting']);
  });

  it('pages forward and backward with cursors and a stable total, in the asked order', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(25);
    const first = await search(org, { first: 10 });
    expect(first.totalCount).toBe(25);
    expect(first.edges).toHaveLength(10);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await search(org, { first: 10, after: first.pageInfo.endCursor });
    const third = await search(org, { first: 10, after: second.pageInfo.endCursor });
    expect(third.edges).toHaveLength(5);
    expect(third.pageInfo.hasNextPage).toBe(false);
    const all = [...first.edges, ...second.edges, ...third.edges].map((edge) => edge.node.id);
    expect(new Set(all).size).toBe(25);

    // By "last first", ignoring case and accents.
    const sorted = [...first.edges, ...second.edges, ...third.edges].map((edge) =>
      edge.node.fullName.split(' ').reverse().join(' ').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase(),
    );
    expect(sorted).toEqual([...sorted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const back = await search(org, { last: 10, before: third.pageInfo.startCursor });
    expect(back.edges.map((edge) => edge.node.id)).toEqual(second.edges.map((edge) => edge.node.id));

    const byEmailDesc = await search(org, { first: 25, orderBy: { field: 'EMAIL', direction: 'DESC' } });
    const emails = byEmailDesc.edges.map((edge) => edge.node.email);
    expect(emails).toEqual([...emails].sort().reverse());
  });

  it('loads a page of 100 profiles with tags, lots and latest invitation in a bounded number of SQL statements', async () => {
    const org = await kit.createOrganization();
    const past = new Date(kit.clock.now().getTime() - 1000);
    await org.insertProfiles(120, {
      with: (i) => ({
        lotIds: [org.lots[i % 2]!.id],
        tagIds: org.tags.map((tag) => tag.id),
        ...(i % 3 === 0 ? { status: 'PENDING' as const, invitationExpiresAt: past } : {}),
      }),
    });
    kit.resetStatements();
    const page = await search(org, { first: 100 });
    expect(page.edges).toHaveLength(100);
    expect(page.edges.every((edge) => edge.node.tags.length === 2 && edge.node.parkingLots.length === 1)).toBe(true);
    // Four statements, whatever the page size (there were 9): the API key with its organization's plan, the page's
    // ids (keyset), its rows with their lots, tags and latest invitation (one statement, through pg), the count.
    expect(kit.statements).toHaveLength(4);
    expect(kit.statements[0]).toMatch(/"api_key" k JOIN "organization"/);
    expect(kit.statements.filter((sql) => /"profile_parking_lot"|"profile_tag"/.test(sql))).toHaveLength(1);
    // Pages select the columns their fields need: never the password hash nor the search text.
    expect(kit.statements.some((sql) => /password_hash|search_text/.test(sql.replace(/WHERE[\s\S]*/, '')))).toBe(false);
  });
});

describe('tenant isolation', () => {
  it("never shows another organization's profiles, by search, by id, or through node()", async () => {
    const mine = await kit.createOrganization();
    const theirs = await kit.createOrganization();
    const [theirId] = await theirs.insertProfiles(1, { with: () => ({ firstName: 'Secret', lastName: 'Person' }) });
    await mine.insertProfiles(1, { start: 5 });

    expect((await search(mine, { filter: { search: 'secret' } })).totalCount).toBe(0);
    expect((await search(mine, {})).totalCount).toBe(1);
    const byId = await mine.api.send(ProfileAndNodeDocument, { id: globalId('Profile', theirId!) });
    expect(byId.errors).toBeUndefined();
    expect(byId.data).toEqual({ profile: null, node: null });
    // Their parking lot in my filter matches nothing, like an id that does not exist.
    expect((await search(mine, { filter: { parkingLotIds: [theirs.lots[0]!.globalId] } })).totalCount).toBe(0);
  });
});

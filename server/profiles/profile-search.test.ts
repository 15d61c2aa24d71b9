import { describe, expect, it } from 'vitest';
import {
  ProfileAndNodeDocument,
  ProfileCountBoundDocument,
  ProfileKeysetPageDocument,
  type ProfileKeysetPageQueryVariables,
  ProfileSearchRowsDocument,
  type ProfileSearchRowsQueryVariables,
} from '../test/generated/graphql.ts';
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

describe('search in a large organization', () => {
  it('finds the same pages and counts by walking the name index as by the trigram index, and walks only when it pays', async () => {
    // Above 20,000 profiles a search in name order first walks the name index (profile-queries.ts); the people of
    // fake-people.ts: "helene" is one profile in twenty, spread over every last name; "lefevre" one in twenty, all
    // together in name order.
    const org = await kit.createOrganization();
    await org.insertManyProfiles(20_100);
    await kit.prisma.$executeRawUnsafe('ANALYZE "profile"');
    const fromGlobal = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1]!;
    // The last 30 in name order are pending: "helene" among the pending is found by no walk from the start.
    await kit.prisma.$executeRaw`
      UPDATE "profile" SET status = 'PENDING' WHERE id IN (
        SELECT id FROM "profile" WHERE organization_id = ${org.id}::uuid ORDER BY sort_name DESC, id DESC LIMIT 30)`;
    const inSqlOrder = async (words: string[], statuses: string[] | undefined, descending = false) => {
      const rows = await kit.prisma.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text AS id FROM "profile" WHERE organization_id = $1::uuid AND ${words.map((_, i) => `search_text LIKE $${i + 2}`).join(' AND ')}
           ${statuses ? `AND status::text IN (${statuses.map((status) => `'${status}'`).join(', ')})` : ''}
         ORDER BY sort_name ${descending ? 'DESC' : 'ASC'}, id ${descending ? 'DESC' : 'ASC'}`,
        org.id,
        ...words.map((word) => `%${word}%`),
      );
      return rows.map((row) => row.id);
    };
    const page = async (variables: ProfileKeysetPageQueryVariables) => {
      const response = await org.api.send(ProfileKeysetPageDocument, variables);
      expect(response.errors).toBeUndefined();
      return response.data!.profiles;
    };
    const ids = (found: Awaited<ReturnType<typeof page>>) => found.edges.map((edge) => fromGlobal(edge.node.id));
    // The last person in name order: their address is found by no walk from the start (it reads 20,000 entries).
    const [last] = await kit.prisma.$queryRaw<{ email: string }[]>`
      SELECT email FROM "profile" WHERE organization_id = ${org.id}::uuid ORDER BY sort_name DESC, id DESC LIMIT 1`;

    const searches: { search: string; statuses?: 'PENDING'[] }[] = [
      { search: 'helene' },
      { search: 'lefevre' },
      { search: 'helene dupont' },
      { search: last!.email },
      { search: 'nobody' },
      { search: 'helene', statuses: ['PENDING'] },
    ];
    for (const filter of searches) {
      const search = `${filter.search} ${filter.statuses ?? ''}`;
      const words = filter.search.split(' ');
      const ascending = await inSqlOrder(words, filter.statuses);
      const descending = await inSqlOrder(words, filter.statuses, true);

      kit.resetStatements();
      const first = await page({ filter, first: 20 });
      expect(ids(first), search).toEqual(ascending.slice(0, 20));
      const walks = kit.statements.filter((sql) => sql.includes(' walked ')).length;
      const lookups = kit.statements.filter((sql) => sql.includes(`(p.sort_name || '')`)).length;
      // A word many hold fills the page from the walk alone; a rare one (the address) goes to the trigram index
      // straight away, with the organization kept out of it (it holds most of the table); a frequent word whose
      // matches the walk does not meet (the pending ones are at the end) goes there after the walk.
      if (!filter.statuses && filter.search === 'helene') expect([walks, lookups], search).toEqual([1, 0]);
      if (filter.search === last!.email) {
        expect([walks, lookups], search).toEqual([0, 1]);
        expect(kit.statements.find((sql) => sql.includes(`(p.sort_name || '')`))).toMatch(/\) IS TRUE/);
      }
      if (filter.statuses) expect([walks, lookups], search).toEqual([1, 1]);

      if (ascending.length > 20) {
        const second = await page({ filter, first: 20, after: first.pageInfo.endCursor });
        expect(ids(second), search).toEqual(ascending.slice(20, 40));
        const back = await page({ filter, last: 20, before: second.pageInfo.endCursor });
        expect(ids(back), search).toEqual(ascending.slice(19, 39));
        expect(ids(await page({ filter, first: 15, after: first.edges[4]!.cursor, before: second.edges[10]!.cursor })), search).toEqual(ascending.slice(5, 20));
      }
      const reversed = await page({ filter, first: 20, orderBy: { field: 'NAME', direction: 'DESC' } });
      expect(ids(reversed), search).toEqual(descending.slice(0, 20));

      const counted = await org.api.send(ProfileCountBoundDocument, { filter, limit: 500 });
      expect(counted.data!.profiles.totalCount, search).toBe(ascending.length);
      expect(counted.data!.profiles.count, search).toEqual(
        ascending.length > 500 ? { count: 500, precision: 'AT_LEAST' } : { count: ascending.length, precision: 'EXACT' },
      );
    }

    // A small organization never walks: its trigram entries are few.
    const small = await kit.createOrganization();
    await small.insertManyProfiles(50);
    kit.resetStatements();
    expect((await small.api.send(ProfileKeysetPageDocument, { filter: { search: 'helene' }, first: 20 })).data!.profiles.edges).toHaveLength(3);
    expect(kit.statements.filter((sql) => sql.includes(' walked '))).toHaveLength(0);
    expect(kit.statements.find((sql) => sql.includes(`(p.sort_name || '')`))).not.toMatch(/IS TRUE/);
  }, 120_000);
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

import { describe, expect, it } from 'vitest';
import { ProfileKeysetPageDocument, type ProfileKeysetPageQuery, type ProfileOrderField } from '../test/generated/graphql.ts';
import { useTestKit } from '../test/kit.ts';

const kit = useTestKit();

type Page = ProfileKeysetPageQuery['profiles'];

const fromGlobal = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1]!;

// The orders the API offers, each written here by hand as the SQL order it must equal (ascending; DESC is its reverse).
const SQL_ORDER: Record<ProfileOrderField, string> = {
  NAME: 'p.sort_name, p.id',
  EMAIL: 'p.email, p.id',
  CREATED_AT: 'p.created_at, p.id',
  STATUS: 'p.status, p.sort_name, p.id',
  INVITED_AT: 'p.invited_at ASC NULLS FIRST, p.id',
  EXPIRES_AT: 'li.expires_at ASC NULLS LAST, p.id',
};

describe('keyset pages in every order', () => {
  it('walks every order both ways page by page, and a page after a deep cursor holds the same rows as the SQL order', async () => {
    const org = await kit.createOrganization();
    await org.insertManyProfiles(230);
    // Many ties in every key, so the id has to break them.
    await kit.prisma.$executeRaw`
      UPDATE "profile" SET
        sort_name = (ARRAY['dupont anna', 'dupont anna', 'martin zoe', 'ábalos ines', 'müller jean'])[1 + abs(hashtext(id::text)) % 5],
        status = (ARRAY['NOT_INVITED', 'PENDING', 'VALIDATED'])[1 + abs(hashtext(id::text || 's')) % 3]::"ProfileStatus",
        created_at = timestamptz '2026-01-01' + (abs(hashtext(id::text || 'c')) % 4) * interval '1 hour',
        invited_at = CASE WHEN abs(hashtext(id::text || 'i')) % 3 = 0 THEN NULL
                          ELSE timestamptz '2026-02-01' + (abs(hashtext(id::text || 'i')) % 5) * interval '1 day' END
      WHERE organization_id = ${org.id}::uuid`;
    await kit.prisma.$executeRaw`
      WITH created AS (
        INSERT INTO "invitation" (id, organization_id, profile_id, token_hash, email, expires_at)
        SELECT gen_random_uuid(), organization_id, id, 'keyset-' || id, email,
               timestamptz '2026-03-01' + (abs(hashtext(id::text || 'e')) % 4) * interval '1 day'
        FROM "profile" WHERE organization_id = ${org.id}::uuid AND invited_at IS NOT NULL
        RETURNING id, profile_id)
      UPDATE "profile" p SET latest_invitation_id = c.id FROM created c WHERE p.id = c.profile_id`;

    for (const [field, sqlOrder] of Object.entries(SQL_ORDER) as [ProfileOrderField, string][]) {
      const rows = await kit.prisma.$queryRawUnsafe<{ id: string }[]>(
        `SELECT p.id::text AS id FROM "profile" p LEFT JOIN "invitation" li ON li.id = p.latest_invitation_id
         WHERE p.organization_id = $1::uuid ORDER BY ${sqlOrder}`,
        org.id,
      );
      const ascending = rows.map((row) => row.id);
      for (const direction of ['ASC', 'DESC'] as const) {
        const expected = direction === 'ASC' ? ascending : [...ascending].reverse();
        const orderBy = { field, direction };
        const label = `${field} ${direction}`;

        // Forward, 37 at a time, to the end.
        const forward: string[] = [];
        const cursors: string[] = [];
        let after: string | null = null;
        for (;;) {
          const response = await org.api.send(ProfileKeysetPageDocument, { orderBy, first: 37, after });
          expect(response.errors, label).toBeUndefined();
          const page: Page = response.data!.profiles;
          forward.push(...page.edges.map((edge) => fromGlobal(edge.node.id)));
          cursors.push(...page.edges.map((edge) => edge.cursor));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        expect(forward, label).toEqual(expected);

        // Backward from the end with last/before.
        const backward: string[] = [];
        let before: string | null = null;
        for (;;) {
          const response = await org.api.send(ProfileKeysetPageDocument, { orderBy, last: 50, before });
          const page: Page = response.data!.profiles;
          backward.unshift(...page.edges.map((edge) => fromGlobal(edge.node.id)));
          if (!page.pageInfo.hasPreviousPage) break;
          before = page.pageInfo.startCursor;
        }
        expect(backward, label).toEqual(expected);

        // A page after a deep cursor: the SQL order's next rows, and so is a page between two cursors.
        const deep = 200;
        const next = await org.api.send(ProfileKeysetPageDocument, { orderBy, first: 20, after: cursors[deep - 1] });
        expect(
          next.data!.profiles.edges.map((edge) => fromGlobal(edge.node.id)),
          label,
        ).toEqual(expected.slice(deep, deep + 20));
        const between = await org.api.send(ProfileKeysetPageDocument, { orderBy, first: 100, after: cursors[9], before: cursors[30] });
        expect(
          between.data!.profiles.edges.map((edge) => fromGlobal(edge.node.id)),
          label,
        ).toEqual(expected.slice(10, 30));
      }
    }
  });

  it('keeps a cursor valid when its row is deleted or renamed, and refuses a cursor of another order', async () => {
    const org = await kit.createOrganization();
    await org.insertManyProfiles(60);
    const first = await org.api.send(ProfileKeysetPageDocument, { first: 30 });
    const ids = first.data!.profiles.edges.map((edge) => fromGlobal(edge.node.id));
    const cursor = first.data!.profiles.pageInfo.endCursor!;
    const rest = await org.api.send(ProfileKeysetPageDocument, { first: 30, after: cursor });
    const expected = rest.data!.profiles.edges.map((edge) => edge.node.id);
    expect(expected).toHaveLength(30);

    // The cursor's row goes away (or moves to the end of the order): the next page is still the one it was.
    await kit.prisma.profile.update({ where: { id: ids[29]! }, data: { sortName: 'zzzz' } });
    const afterRename = await org.api.send(ProfileKeysetPageDocument, { first: 29, after: cursor });
    expect(afterRename.data!.profiles.edges.map((edge) => edge.node.id)).toEqual(expected.slice(0, 29));
    await kit.prisma.profile.delete({ where: { id: ids[29]! } });
    const afterDelete = await org.api.send(ProfileKeysetPageDocument, { first: 30, after: cursor });
    expect(afterDelete.data!.profiles.edges.map((edge) => edge.node.id)).toEqual(expected);

    const otherOrder = await org.api.send(ProfileKeysetPageDocument, { orderBy: { field: 'EMAIL', direction: 'ASC' }, first: 5, after: cursor });
    expect(otherOrder.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(otherOrder.errors?.[0]?.message).toMatch(/another order/);
    for (const bad of ['nonsense', Buffer.from('["p1","NAME",[1],"x"]').toString('base64url'), 'x'.repeat(3000)]) {
      const response = await org.api.send(ProfileKeysetPageDocument, { first: 5, after: bad });
      expect(response.errors?.[0]?.extensions?.code, bad).toBe('INVALID_INPUT');
    }
  });
});

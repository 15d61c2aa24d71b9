import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileFilterAgreementDocument, type ProfileFilter } from '../test/generated/graphql.ts';
import { type TestOrganization, useTestKit } from '../test/kit.ts';
import { documentText } from '../test/operations.ts';

// createdBetween and acceptedBetween, sent over a real HTTP port as the admin UI sends them: each bound where the
// range says (from included, to excluded), confined to the caller's organization, and the list, its counts and the
// "invite all search results" preview all agree on one filter.

const kit = useTestKit();
const DAY = 24 * 3_600_000;

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(kit.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function agreement(org: TestOrganization, filter: ProfileFilter) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
    body: JSON.stringify({ query: documentText(ProfileFilterAgreementDocument), variables: { filter } }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data?: import('../test/generated/graphql.ts').ProfileFilterAgreementQuery; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const { profiles, profileCounts, profilesInvitePreview } = body.data!;
  const names = profiles.edges.map((edge) => edge.node.lastName).sort();
  // "Select all N search results" counts what the list holds, exactly.
  expect([profiles.totalCount, profiles.count.count, profileCounts.total, profilesInvitePreview.total]).toEqual(Array(4).fill(names.length));
  expect(profiles.count.precision).toBe('EXACT');
  return names;
}

/** Profiles created `createdDaysAgo` days ago, accepted `acceptedDaysAgo` days ago (null: never). */
async function people(org: TestOrganization, rows: [string, number, number | null][]) {
  const now = kit.clock.now().getTime();
  const ids = await org.insertProfiles(rows.length, { with: (i) => ({ lastName: rows[i % rows.length]![0] }) });
  for (const [i, id] of ids.entries()) {
    const [, created, accepted] = rows[i]!;
    await kit.prisma.profile.update({
      where: { id },
      data: {
        createdAt: new Date(now - created * DAY),
        ...(accepted === null ? {} : { status: 'VALIDATED', validatedAt: new Date(now - accepted * DAY) }),
      },
    });
  }
}

describe('profile filter: created and accepted between', () => {
  it('selects by creation and acceptance time, bounds as the range says, within the organization only, and the counts equal the list', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    await people(org, [
      ['Old', 30, 20],
      ['Middle', 10, 2],
      ['Recent', 3, null],
      ['Today', 0, null],
    ]);
    // Another organization's profiles, created and accepted on the same days, are never in the answer.
    await people(other, [
      ['Foreign', 10, 2],
      ['Stranger', 3, null],
    ]);
    const iso = (daysAgo: number) => new Date(kit.clock.now().getTime() - daysAgo * DAY).toISOString();

    expect(await agreement(org, { createdBetween: { from: iso(10), to: iso(3) } })).toEqual(['Middle']);
    expect(await agreement(org, { createdBetween: { from: iso(10) } })).toEqual(['Middle', 'Recent', 'Today']);
    expect(await agreement(org, { createdBetween: { to: iso(10) } })).toEqual(['Old']);
    expect(await agreement(org, { createdBetween: {} })).toEqual(['Middle', 'Old', 'Recent', 'Today']);
    expect(await agreement(org, { acceptedBetween: { from: iso(5) } })).toEqual(['Middle']);
    expect(await agreement(org, { acceptedBetween: { to: iso(2) } })).toEqual(['Old']);
    // An open range still means "accepted at some time": never accepted is in no range.
    expect(await agreement(org, { acceptedBetween: {} })).toEqual(['Middle', 'Old']);
    expect(await agreement(org, { createdBetween: { from: iso(40) }, acceptedBetween: { from: iso(25), to: iso(1) } })).toEqual(['Middle', 'Old']);
    expect(await agreement(org, { createdBetween: { from: iso(3) }, acceptedBetween: {} })).toEqual([]);
    expect(await agreement(other, { createdBetween: { from: iso(40) } })).toEqual(['Foreign', 'Stranger']);
  });

  it('each range has an index on (organization, column), so a large organization reads only its span', async () => {
    const indexes = await kit.prisma.$queryRaw<{ indexdef: string }[]>`SELECT indexdef FROM pg_indexes WHERE tablename = 'profile'`;
    const definitions = indexes.map((index) => index.indexdef);
    expect(definitions).toContainEqual(expect.stringMatching(/\(organization_id, created_at, id\)$/));
    expect(definitions).toContainEqual(expect.stringMatching(/\(organization_id, validated_at\)$/));
  });
});

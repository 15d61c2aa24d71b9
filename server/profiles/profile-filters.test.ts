import { describe, expect, it } from 'vitest';
import { ParkingLotDeleteDocument, ProfileSearchDocument, type ProfileSearchQueryVariables } from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();
const HOUR = 3_600_000;

type Org = Awaited<ReturnType<typeof kit.createOrganization>>;
async function lastNames(org: Org, variables: ProfileSearchQueryVariables): Promise<string[]> {
  const response = await org.api.send(ProfileSearchDocument, { first: 100, ...variables });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.profiles.edges.map((edge) => edge.node.lastName);
}

describe('profile filters and order', () => {
  it('orders by name ignoring case and accents: Ábalos with the A\'s, "dupont" next to "Dupont", and pages through that order', async () => {
    const org = await kit.createOrganization();
    const names = ['Zola', 'Émile', 'dupont', 'Ábalos', 'Adam', 'Dupont', 'Durand', 'ábalos'];
    await org.insertProfiles(names.length, { with: (i) => ({ lastName: names[i]!, firstName: 'Sam' }) });
    const ascending = await lastNames(org, {});
    expect(ascending.map((name) => name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase())).toEqual([
      'abalos',
      'abalos',
      'adam',
      'dupont',
      'dupont',
      'durand',
      'emile',
      'zola',
    ]);
    expect(await lastNames(org, { orderBy: { field: 'NAME', direction: 'DESC' } })).toEqual([...ascending].reverse());
    // Page by page, the same order.
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await org.api.profileSearch({ first: 3, after });
      paged.push(...page.edges.map((edge) => edge.node.lastName));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor ?? undefined;
    }
    expect(paged).toEqual(ascending);
  });

  it('searches externalId and phone too, also after updates and upserts', async () => {
    const org = await kit.createOrganization();
    const created = await org.api.profileCreateChecked({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.test',
      externalId: 'HR-Äbc-42',
      phone: '06 12 34 56 78',
    });
    const id = expectTypename(created, 'ProfilePayload').profile.id;
    for (const search of ['hr-abc-42', 'abc', '06 12', '0612345678', '345678'])
      expect(await lastNames(org, { filter: { search } }), search).toEqual(['Lovelace']);
    expect(await lastNames(org, { filter: { search: '0799' } })).toEqual([]);

    await org.api.profileUpdateContact(id, { phone: '+41 79 555 00 11' });
    expect(await lastNames(org, { filter: { search: '0612' } })).toEqual([]);
    expect(await lastNames(org, { filter: { search: '41795550011' } })).toEqual(['Lovelace']);

    // An upsert that leaves the phone out keeps it, and keeps it searchable.
    await org.api.profilesUpsertRows([{ externalId: 'HR-Äbc-42', firstName: 'Ada', lastName: 'King', email: 'ada@example.test' }]);
    expect(await lastNames(org, { filter: { search: '41795550011' } })).toEqual(['King']);
  });

  it('keeps each profile\'s count of parking lots through creates, updates, upserts and a deleted lot, so "no access" stays right', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'OWNER' });
    const [north, south] = org.lots as [(typeof org.lots)[0], (typeof org.lots)[0]];
    await org.api.profileCreate({ firstName: 'Ana', lastName: 'Both', email: `both-${org.id}@example.test`, parkingLotIds: [north.globalId, south.globalId] });
    const none = await org.api.profileCreate({ firstName: 'Ben', lastName: 'None', email: `none-${org.id}@example.test` });
    const [narrowed] = await org.insertProfiles(1, { with: () => ({ lotIds: [north.id, south.id] }) });
    await org.api.profileUpdate(narrowed!, { parkingLotIds: [south.globalId] });
    const [emptied] = await org.insertProfiles(1, { with: () => ({ lotIds: [north.id] }) });
    await org.api.profileUpdate(emptied!, { parkingLotIds: [] });
    await org.api.profilesUpsert([
      { externalId: 'EMP-1', firstName: 'Cy', lastName: 'North', email: `cy-${org.id}@example.test`, parkingLotIds: [north.globalId] },
      { externalId: 'EMP-2', firstName: 'Di', lastName: 'South', email: `di-${org.id}@example.test`, parkingLotIds: [south.globalId] },
    ]);
    // Upserted again: EMP-2 updated to both lots, EMP-3 created with both (a created profile's lots are counted in its row).
    await org.api.profilesUpsert([
      { externalId: 'EMP-2', firstName: 'Di', lastName: 'South', email: `di-${org.id}@example.test`, parkingLotIds: [north.globalId, south.globalId] },
      { externalId: 'EMP-3', firstName: 'Ed', lastName: 'Both', email: `ed-${org.id}@example.test`, parkingLotIds: [north.globalId, south.globalId] },
    ]);
    // Deleting a lot takes its links away by cascade: whoever had only that lot has none now.
    const deleted = await org.api.send(ParkingLotDeleteDocument, { id: north.globalId });
    expect(deleted.errors).toBeUndefined();

    const counts = await kit.prisma.$queryRaw<{ kept: number; actual: number }[]>`
      SELECT p.parking_lot_count AS kept, (SELECT count(*)::int FROM profile_parking_lot x WHERE x.profile_id = p.id) AS actual
      FROM profile p WHERE p.organization_id = ${org.id}::uuid`;
    expect(counts).toHaveLength(7);
    for (const row of counts) expect(row.kept).toBe(row.actual);
    const cy = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, externalId: 'EMP-1' } });
    const noAccess = await org.api.profileSearch({ filter: { noAccess: true }, first: 10 });
    expect(new Set(noAccess.edges.map((edge) => edge.node.id))).toEqual(
      new Set([none.__typename === 'ProfilePayload' ? none.profile.id : 'missing', globalId('Profile', emptied!), globalId('Profile', cy.id)]),
    );
    expect(noAccess.totalCount).toBe(3);
  });

  it("keeps the counts right when link changes and a lot's deletion race each other, and none deadlocks", async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'OWNER' });
    const [north, south] = org.lots as [(typeof org.lots)[0], (typeof org.lots)[0]];
    const ids = await org.insertProfiles(30, { with: () => ({ lotIds: [north.id, south.id] }) });
    const results = await Promise.all([
      ...ids.slice(0, 15).map((id) => org.api.profileUpdate(id, { parkingLotIds: [south.globalId] })),
      ...ids.slice(15).map((id, i) => org.api.profileUpdate(id, { parkingLotIds: i % 2 ? [] : [north.globalId] })),
      org.api.send(ParkingLotDeleteDocument, { id: north.globalId }),
    ]);
    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/"errors"|INTERNAL|deadlock/i);
    const counts = await kit.prisma.$queryRaw<{ kept: number; actual: number }[]>`
      SELECT p.parking_lot_count AS kept, (SELECT count(*)::int FROM profile_parking_lot x WHERE x.profile_id = p.id) AS actual
      FROM profile p WHERE p.organization_id = ${org.id}::uuid`;
    expect(counts).toHaveLength(30);
    for (const row of counts) expect(row.kept).toBe(row.actual);
  });

  it('matches ANY or ALL of the tags', async () => {
    const org = await kit.createOrganization();
    const [engineering, sales] = org.tags;
    await org.insertProfiles(1, { start: 0, with: () => ({ lastName: 'Both', tagIds: [engineering!.id, sales!.id] }) });
    await org.insertProfiles(1, { start: 1, with: () => ({ lastName: 'Eng', tagIds: [engineering!.id] }) });
    await org.insertProfiles(1, { start: 2, with: () => ({ lastName: 'None' }) });
    const tagIds = [engineering!.globalId, sales!.globalId];
    expect(await lastNames(org, { filter: { tagIds } })).toEqual(['Both', 'Eng']);
    expect(await lastNames(org, { filter: { tagIds, tagsMatch: 'ANY' } })).toEqual(['Both', 'Eng']);
    expect(await lastNames(org, { filter: { tagIds, tagsMatch: 'ALL' } })).toEqual(['Both']);
    expect(await lastNames(org, { filter: { tagIds: [engineering!.globalId, engineering!.globalId], tagsMatch: 'ALL' } })).toEqual(['Both', 'Eng']);
    // A tag of another organization is a tag no profile has: ALL of them matches nobody.
    const other = await kit.createOrganization();
    expect(await lastNames(org, { filter: { tagIds: [engineering!.globalId, other.tags[0]!.globalId], tagsMatch: 'ALL' } })).toEqual([]);
  });

  it('filters by delivery state of the latest invitation, invited between and expires between; orders by invited date and by expiry', async () => {
    const org = await kit.createOrganization();
    const now = kit.clock.now().getTime();
    const ids = await org.insertProfiles(4, {
      with: (i) => ({
        lastName: ['Early', 'Middle', 'Late', 'Never'][i]!,
        ...(i < 3 ? { status: 'PENDING' as const, invitationExpiresAt: new Date(now + (i + 1) * 24 * HOUR) } : {}),
      }),
    });
    // Invited 3, 2 and 1 days ago; the middle one bounced.
    for (const [i, id] of ids.slice(0, 3).entries()) {
      await kit.prisma.profile.update({ where: { id }, data: { invitedAt: new Date(now - (3 - i) * 24 * HOUR) } });
    }
    const middle = await kit.prisma.profile.findUniqueOrThrow({ where: { id: ids[1]! } });
    await kit.prisma.invitation.update({ where: { id: middle.latestInvitationId! }, data: { deliveryState: 'BOUNCED' } });

    expect(await lastNames(org, { filter: { deliveryStates: ['BOUNCED', 'SPAM_COMPLAINT'] } })).toEqual(['Middle']);
    expect(await lastNames(org, { filter: { deliveryStates: ['QUEUED'] } })).toEqual(['Early', 'Late']);
    const iso = (offsetHours: number) => new Date(now + offsetHours * HOUR).toISOString();
    expect(await lastNames(org, { filter: { invitedBetween: { from: iso(-50), to: iso(0) } } })).toEqual(['Late', 'Middle']);
    expect(await lastNames(org, { filter: { invitedBetween: { to: iso(-47) } } })).toEqual(['Early', 'Middle']);
    expect(await lastNames(org, { filter: { invitedBetween: {} } })).toEqual(['Early', 'Late', 'Middle']);
    expect(await lastNames(org, { filter: { expiresBetween: { from: iso(24), to: iso(48) } } })).toEqual(['Early']);
    expect(await lastNames(org, { filter: { expiresBetween: { from: iso(30) } } })).toEqual(['Late', 'Middle']);

    expect(await lastNames(org, { orderBy: { field: 'INVITED_AT', direction: 'DESC' } })).toEqual(['Late', 'Middle', 'Early', 'Never']);
    expect(await lastNames(org, { orderBy: { field: 'EXPIRES_AT', direction: 'ASC' } })).toEqual(['Early', 'Middle', 'Late', 'Never']);
    const page1 = await org.api.profileSearch({ first: 2, orderBy: { field: 'EXPIRES_AT', direction: 'DESC' } });
    const page2 = await org.api.profileSearch({ first: 2, after: page1.pageInfo.endCursor, orderBy: { field: 'EXPIRES_AT', direction: 'DESC' } });
    expect([...page1.edges, ...page2.edges].map((edge) => edge.node.lastName)).toEqual(['Never', 'Late', 'Middle', 'Early']);

    // The same criteria select a bulk invitation, stored and read back by the job (dates as text), and are summarized in words.
    kit.clock.advance(10 * 60_000);
    const selection = { filter: { invitedBetween: { from: iso(-50) }, deliveryStates: ['QUEUED' as const] }, idempotencyKey: 'k-1' };
    const invited = expectTypename(await org.api.profilesInviteSelection(selection), 'ProfilesInvitePayload');
    expect(invited.bulkInvitation).toMatchObject({
      reinvitedCount: 1,
      total: 1,
      selectionSummary: `Profiles whose invitation email is queued, invited from ${iso(-50).replace('T', ' ').slice(0, 16)} UTC`,
    });
    const retried = expectTypename(await org.api.profilesInviteSelection(selection), 'ProfilesInvitePayload');
    expect(retried.bulkInvitation.id).toBe(invited.bulkInvitation.id);
  });
});

import { describe, expect, it } from 'vitest';
import { type InvitationState, invitationInStateSql, invitationNotClosedSql, invitationState } from '../invitations/invitation-state.ts';
import { globalId, useTestKit } from '../test/kit.ts';

const kit = useTestKit();
const HOUR = 3_600_000;

const COUNTS = 'query ($filter: ProfileFilter) { profileCounts(filter: $filter) { total notInvited pending validated pendingWithExpiredInvitation emailUndeliverable } }';

describe('profile counts (the Status column)', () => {
  it('counts the profiles a filter selects by status, pending with an expired invitation and undeliverable, in one SQL statement', async () => {
    const org = await kit.createOrganization();
    const [north, south] = org.lots;
    const past = new Date(kit.clock.now().getTime() - HOUR);
    const future = new Date(kit.clock.now().getTime() + HOUR);
    await org.insertProfiles(3, { with: () => ({ lotIds: [north!.id] }) });
    await org.insertProfiles(2, { with: () => ({ status: 'VALIDATED', lotIds: [south!.id] }) });
    await org.insertProfiles(2, { with: () => ({ status: 'PENDING', invitationExpiresAt: past, lotIds: [north!.id] }) });
    const [bounced] = await org.insertProfiles(1, { with: () => ({ status: 'PENDING', invitationExpiresAt: future, lotIds: [north!.id] }) });
    const bouncedProfile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: bounced! } });
    await kit.prisma.invitation.update({ where: { id: bouncedProfile.latestInvitationId! }, data: { deliveryState: 'BOUNCED' } });
    // A bounce on an address the profile no longer has does not count: the new address is worth a try.
    const [moved] = await org.insertProfiles(1, { with: () => ({ status: 'PENDING', invitationExpiresAt: future }) });
    const movedProfile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: moved! } });
    await kit.prisma.invitation.update({ where: { id: movedProfile.latestInvitationId! }, data: { deliveryState: 'SPAM_COMPLAINT', email: 'old@example.test' } });

    kit.resetStatements();
    const all = await org.graphql(COUNTS, {});
    expect(all.errors).toBeUndefined();
    expect(all.data.profileCounts).toEqual({ total: 9, notInvited: 3, pending: 4, validated: 2, pendingWithExpiredInvitation: 2, emailUndeliverable: 1 });
    // Besides authentication (the API key and its organization's plan), exactly one statement.
    const counted = kit.statements.filter((sql) => !/"api_key"|"organization"/.test(sql));
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatch(/count\(\*\) FILTER/);

    const north_ = await org.graphql(COUNTS, { filter: { parkingLotIds: [north!.globalId] } });
    expect(north_.data.profileCounts).toEqual({ total: 6, notInvited: 3, pending: 3, validated: 0, pendingWithExpiredInvitation: 2, emailUndeliverable: 1 });
    // The whole filter applies, statuses included.
    const validated = await org.graphql(COUNTS, { filter: { statuses: ['VALIDATED'] } });
    expect(validated.data.profileCounts).toMatchObject({ total: 2, notInvited: 0, pending: 0, validated: 2 });
    // Agrees with what the same filter lists.
    const expired = await org.graphql('{ profiles(filter: { invitationExpired: true }) { totalCount } }');
    expect(expired.data.profiles.totalCount).toBe(2);
  });

  it('uses ONE definition of an expired invitation: a revoked invitation past its expiry is REVOKED, and not "pending with an expired invitation"', async () => {
    const org = await kit.createOrganization();
    const past = new Date(kit.clock.now().getTime() - HOUR);
    const [revokedId, expiredId] = await org.insertProfiles(2, { with: () => ({ status: 'PENDING', invitationExpiresAt: past }) });
    const revoked = await kit.prisma.profile.findUniqueOrThrow({ where: { id: revokedId! } });
    await kit.prisma.invitation.update({ where: { id: revoked.latestInvitationId! }, data: { revokedAt: new Date(past.getTime() - HOUR) } });

    const response = await org.graphql(
      `query ($id: ID!) { profile(id: $id) { latestInvitation { state expired } }
         profiles(filter: { invitationExpired: true }) { totalCount edges { node { id } } }
         others: profiles(filter: { invitationExpired: false }) { totalCount }
         profileCounts { pendingWithExpiredInvitation } }`,
      { id: globalId('Profile', revokedId!) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.profile.latestInvitation).toEqual({ state: 'REVOKED', expired: false });
    expect(response.data.profiles.edges.map((edge: any) => edge.node.id)).toEqual([globalId('Profile', expiredId!)]);
    expect(response.data.others.totalCount).toBe(1);
    expect(response.data.profileCounts.pendingWithExpiredInvitation).toBe(1);
  });

  it('decides invitation states in SQL exactly as in TypeScript, for every combination of dates', async () => {
    const org = await kit.createOrganization();
    const [profileId] = await org.insertProfiles(1);
    const now = kit.clock.now();
    const at = (hours: number) => new Date(now.getTime() + hours * HOUR);
    const variants = [];
    for (const expiresAt of [at(-1), at(0), at(1)]) {
      for (const acceptedAt of [null, at(-2)]) {
        for (const revokedAt of [null, at(-2)]) {
          for (const supersededAt of [null, at(-2)]) variants.push({ expiresAt, acceptedAt, revokedAt, supersededAt });
        }
      }
    }
    const created = await Promise.all(
      variants.map((dates, i) =>
        kit.prisma.invitation.create({ data: { organizationId: org.id, profileId: profileId!, tokenHash: `state-${i}-${profileId}`, email: 'x@example.test', ...dates } }),
      ),
    );
    // The SQL the queries use (invitationInStateSql, invitationNotClosedSql), state by state: each invitation in exactly its own.
    const ids = created.map((row) => row.id);
    const inSql = new Map<string, InvitationState[]>();
    for (const state of ['OPEN', 'EXPIRED', 'ACCEPTED', 'REVOKED', 'SUPERSEDED'] as const) {
      const rows = await kit.prisma.$queryRaw<{ id: string }[]>`
        SELECT i.id::text AS id FROM invitation i WHERE i.id = ANY(${ids}::uuid[]) AND ${invitationInStateSql('i', state, now)}`;
      for (const row of rows) inSql.set(row.id, [...(inSql.get(row.id) ?? []), state]);
    }
    const notClosed = await kit.prisma.$queryRaw<{ id: string }[]>`
      SELECT i.id::text AS id FROM invitation i WHERE i.id = ANY(${ids}::uuid[]) AND ${invitationNotClosedSql('i')}`;
    for (const invitation of created) {
      const state = invitationState(invitation, now);
      expect(inSql.get(invitation.id), JSON.stringify(invitation)).toEqual([state]);
      expect(notClosed.some((row) => row.id === invitation.id)).toBe(state === 'OPEN' || state === 'EXPIRED');
    }
    expect(new Set([...inSql.values()].flat())).toEqual(new Set(['OPEN', 'EXPIRED', 'ACCEPTED', 'REVOKED', 'SUPERSEDED']));
  });

  it('pages backwards with last/before and refuses a cursor it never gave', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(7);
    const PAGE = 'query ($first: Int, $after: String, $last: Int, $before: String) { profiles(first: $first, after: $after, last: $last, before: $before, orderBy: { field: CREATED_AT, direction: DESC }) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }';
    const all = (await org.graphql(PAGE, { first: 10 })).data.profiles.edges.map((edge: any) => edge.node.id);
    expect(all).toHaveLength(7);
    const last3 = (await org.graphql(PAGE, { last: 3 })).data.profiles;
    expect(last3.edges.map((edge: any) => edge.node.id)).toEqual(all.slice(4));
    expect(last3.pageInfo.hasPreviousPage).toBe(true);
    const before = (await org.graphql(PAGE, { last: 2, before: last3.pageInfo.startCursor })).data.profiles;
    expect(before.edges.map((edge: any) => edge.node.id)).toEqual(all.slice(2, 4));
    const between = (await org.graphql(PAGE, { first: 10, after: before.pageInfo.endCursor })).data.profiles;
    expect(between.edges.map((edge: any) => edge.node.id)).toEqual(all.slice(4));

    const bad = await org.graphql(PAGE, { first: 2, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });
});

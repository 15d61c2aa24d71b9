import { describe, expect, it } from 'vitest';
import { type InvitationState, invitationInStateSql, invitationNotClosedSql, invitationState } from '../invitations/invitation-state.ts';
import { RESEND_COOLDOWN_MS } from '../invitations/invitation-rules.ts';
import {
  ExpiredInvitationAgreementDocument,
  ProfileCountBoundDocument,
  type ProfileFilter,
  ProfilePageNewestFirstDocument,
  StatusCountsDocument,
} from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();
const HOUR = 3_600_000;

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
    await kit.prisma.invitation.update({
      where: { id: movedProfile.latestInvitationId! },
      data: { deliveryState: 'SPAM_COMPLAINT', email: 'old@example.test' },
    });

    kit.resetStatements();
    const all = await org.api.send(StatusCountsDocument, {});
    expect(all.errors).toBeUndefined();
    expect(all.data!.profileCounts).toEqual({ total: 9, notInvited: 3, pending: 4, validated: 2, pendingWithExpiredInvitation: 2, emailUndeliverable: 1 });
    // Besides authentication, exactly one statement: with no criterion, the statuses come from the maintained counters.
    const counted = kit.statements.filter((sql) => !/"api_key"|"organization"/.test(sql));
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatch(/profile_status_count/);
    kit.resetStatements();
    await org.api.statusCounts({ search: 'a' });
    // A search first reads the organization's size (counters and the table's estimate: how its SQL is written).
    expect(kit.statements.filter((sql) => /pg_class/.test(sql))).toHaveLength(1);
    const filtered = kit.statements.filter((sql) => !/"api_key"|"organization"|pg_class/.test(sql));
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toMatch(/count\(\*\) FILTER/);

    const north_ = await org.api.statusCounts({ parkingLotIds: [north!.globalId] });
    expect(north_).toEqual({ total: 6, notInvited: 3, pending: 3, validated: 0, pendingWithExpiredInvitation: 2, emailUndeliverable: 1 });
    // The whole filter applies, statuses included.
    const validated = await org.api.statusCounts({ statuses: ['VALIDATED'] });
    expect(validated).toMatchObject({ total: 2, notInvited: 0, pending: 0, validated: 2 });
    // Agrees with what the same filter lists.
    expect(await org.api.profileTotal({ invitationExpired: true })).toBe(2);
  });

  it('uses ONE definition of an expired invitation: a revoked invitation past its expiry is REVOKED, and not "pending with an expired invitation"', async () => {
    const org = await kit.createOrganization();
    const past = new Date(kit.clock.now().getTime() - HOUR);
    const [revokedId, expiredId] = await org.insertProfiles(2, { with: () => ({ status: 'PENDING', invitationExpiresAt: past }) });
    const revoked = await kit.prisma.profile.findUniqueOrThrow({ where: { id: revokedId! } });
    await kit.prisma.invitation.update({ where: { id: revoked.latestInvitationId! }, data: { revokedAt: new Date(past.getTime() - HOUR) } });

    const response = await org.api.send(ExpiredInvitationAgreementDocument, { id: globalId('Profile', revokedId!) });
    expect(response.errors).toBeUndefined();
    const data = response.data!;
    expect(data.profile!.latestInvitation).toEqual({ state: 'REVOKED', expired: false });
    expect(data.profiles.edges.map((edge) => edge.node.id)).toEqual([globalId('Profile', expiredId!)]);
    expect(data.others.totalCount).toBe(1);
    expect(data.profileCounts.pendingWithExpiredInvitation).toBe(1);
  });

  it('counts "pending, invitation expired" from the open invitations alone, and agrees with the filter after every flow', async () => {
    // The Status column reads that number from the open invitations' index without the profiles (profile-queries.ts):
    // every open invitation is the latest of a pending profile. Each flow that opens or closes one, through the API.
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'OWNER' });
    const ids = await org.insertProfiles(6);
    const [kept, reinvited, accepted, moved, revoked, expired] = ids as [string, string, string, string, string, string];
    const links = new Map<string, string>();
    for (const id of ids) {
      const result = expectTypename(await org.api.profileInvite(id, { sendEmail: false }), 'ProfileInvitePayload');
      links.set(id, result.link!.split('#token=')[1]!);
      if (id === revoked) await org.api.invitationRevoke(result.invitation.id);
    }
    kit.clock.advance(RESEND_COOLDOWN_MS);
    expectTypename(await org.api.profileInvite(reinvited, { sendEmail: false }), 'ProfileInvitePayload');
    expectTypename(await kit.anonymous.invitationAccept(links.get(accepted)!, 'a long and fine password'), 'InvitationAcceptPayload');
    expectTypename(await org.api.profileUpdate(moved, { email: `moved-${moved}@example.test` }), 'ProfilePayload');
    kit.clock.advance(10 * 24 * HOUR);
    expectTypename(await org.api.profileInvite(expired, { sendEmail: false }), 'ProfileInvitePayload');
    kit.clock.advance(HOUR);

    // kept and reinvited: open and expired; expired: re-invited, still open; accepted, moved, revoked: closed.
    const counts = await org.api.profileCounts();
    const listed = await org.api.profiles({ filter: { invitationExpired: true } });
    expect(counts.pendingWithExpiredInvitation).toBe(2);
    expect(listed.totalCount).toBe(2);
    expect(new Set(listed.edges.map((edge) => edge.node.id))).toEqual(new Set([globalId('Profile', kept), globalId('Profile', reinvited)]));
    // And the profile's copy of its latest invitation's expiry (kept by a trigger) is that invitation's.
    const copies = await kit.prisma.$queryRaw<{ same: boolean }[]>`
      SELECT p.invitation_expires_at IS NOT DISTINCT FROM li.expires_at AS same
      FROM profile p LEFT JOIN invitation li ON li.id = p.latest_invitation_id WHERE p.organization_id = ${org.id}::uuid`;
    expect(copies.map((row) => row.same)).toEqual(ids.map(() => true));
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
        kit.prisma.invitation.create({
          data: { organizationId: org.id, profileId: profileId!, tokenHash: `state-${i}-${profileId}`, email: 'x@example.test', ...dates },
        }),
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
    const page = org.api.profilePageNewestFirst;
    const all = (await page({ first: 10 })).edges.map((edge) => edge.node.id);
    expect(all).toHaveLength(7);
    const last3 = await page({ last: 3 });
    expect(last3.edges.map((edge) => edge.node.id)).toEqual(all.slice(4));
    expect(last3.pageInfo.hasPreviousPage).toBe(true);
    const before = await page({ last: 2, before: last3.pageInfo.startCursor });
    expect(before.edges.map((edge) => edge.node.id)).toEqual(all.slice(2, 4));
    const between = await page({ first: 10, after: before.pageInfo.endCursor });
    expect(between.edges.map((edge) => edge.node.id)).toEqual(all.slice(4));

    const bad = await org.api.send(ProfilePageNewestFirstDocument, { first: 2, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });

  it('bounds ProfileConnection.count: exact up to the limit, AT_LEAST the limit beyond; by status alone always exact; totalCount exact', async () => {
    const org = await kit.createOrganization();
    const [north] = org.lots;
    await org.insertProfiles(12, { with: (i) => ({ lotIds: i < 8 ? [north!.id] : [], status: i < 5 ? 'PENDING' : 'NOT_INVITED' }) });
    const ask = async (filter: ProfileFilter | null, limit?: number) => {
      const response = await org.api.send(ProfileCountBoundDocument, { filter, limit });
      expect(response.errors).toBeUndefined();
      return response.data!.profiles;
    };
    const lot = { parkingLotIds: [north!.globalId] };
    expect(await ask(lot, 5)).toEqual({ totalCount: 8, count: { count: 5, precision: 'AT_LEAST' } });
    expect(await ask(lot, 8)).toEqual({ totalCount: 8, count: { count: 8, precision: 'EXACT' } });
    expect(await ask(lot)).toEqual({ totalCount: 8, count: { count: 8, precision: 'EXACT' } });
    // The counters answer a filter on status alone, exactly, whatever the limit.
    expect(await ask(null, 3)).toEqual({ totalCount: 12, count: { count: 12, precision: 'EXACT' } });
    expect(await ask({ statuses: ['PENDING'] }, 1)).toEqual({ totalCount: 5, count: { count: 5, precision: 'EXACT' } });
    expect(await ask({ statuses: [] }, 1)).toEqual({ totalCount: 0, count: { count: 0, precision: 'EXACT' } });
    for (const limit of [0, 100_001]) {
      const refused = await org.api.send(ProfileCountBoundDocument, { filter: null, limit });
      expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    }
  });

  it('keeps the status counters exact under concurrent inserts, status changes and deletes on many connections', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const ids = await org.insertManyProfiles(400);
    await other.insertManyProfiles(50);
    const statuses = ['NOT_INVITED', 'PENDING', 'VALIDATED'] as const;
    // 40 writers at once (the pool holds 10 connections, so shards and row locks are really shared), each in its own transaction.
    await Promise.all(
      Array.from({ length: 40 }, (_, writer) =>
        kit.prisma
          .$transaction(async (tx) => {
            const mine = ids.filter((_, i) => i % 40 === writer);
            await tx.profile.updateMany({ where: { id: { in: mine.slice(0, 5) } }, data: { status: statuses[writer % 3] } });
            await tx.profile.update({ where: { id: mine[5]! }, data: { status: statuses[(writer + 1) % 3] } });
            await tx.profile.deleteMany({ where: { id: { in: mine.slice(6, 8) } } });
            await tx.profile.createMany({
              data: Array.from({ length: 3 }, (_, n) => ({
                organizationId: org.id,
                firstName: 'C',
                lastName: `W${writer}`,
                email: `c${writer}.${n}@concurrent.test`,
                status: statuses[n],
                searchText: 'c',
                sortName: 'c',
              })),
            });
            if (writer % 10 === 0) throw new Error('rolled back');
          })
          .catch((error: Error) => {
            if (error.message !== 'rolled back') throw error;
          }),
      ),
    );
    for (const organization of [org, other]) {
      const actual = await kit.prisma.profile.groupBy({ by: ['status'], where: { organizationId: organization.id }, _count: true });
      const counters = await organization.api.statusCounters();
      const expected = Object.fromEntries(statuses.map((status) => [status, actual.find((row) => row.status === status)?._count ?? 0]));
      expect(counters).toEqual({
        notInvited: expected.NOT_INVITED,
        pending: expected.PENDING,
        validated: expected.VALIDATED,
        total: expected.NOT_INVITED! + expected.PENDING! + expected.VALIDATED!,
      });
    }
    // Deleting an organization cascades to its profiles without tripping the trigger.
    await kit.prisma.organization.delete({ where: { id: other.id } });
    expect(await kit.prisma.profileStatusCount.count({ where: { organizationId: other.id } })).toBe(0);
  });
});

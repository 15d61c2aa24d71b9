import { describe, expect, it } from 'vitest';
import { profileSearchText, profileSortName } from '../profiles/search-text.ts';
import { useTestKit } from '../test/kit.ts';
import { seedLargeOrganization } from './large-seed.ts';

const kit = useTestKit();

describe('the benchmark seed (SQL, not the upsert)', () => {
  it('writes the same search text and sort name as the application, and spreads statuses, invitations, lots and tags', async () => {
    const seeded = await seedLargeOrganization(kit.prisma, 3_000, undefined, 'ENTERPRISE', false);
    const profiles = await kit.prisma.profile.findMany({ where: { organizationId: seeded.organizationId }, include: { latestInvitation: true } });
    expect(profiles).toHaveLength(3_000);
    for (const profile of profiles) {
      expect(profile.searchText).toBe(profileSearchText(profile));
      expect(profile.sortName).toBe(profileSortName(profile));
      expect(profile.latestInvitation !== null).toBe(profile.status === 'PENDING');
      expect(profile.invitedAt !== null).toBe(profile.status === 'PENDING');
    }
    const counts = await kit.as(seeded.apiKey).statusCounters();
    expect(counts.total).toBe(3_000);
    for (const status of ['notInvited', 'pending', 'validated'] as const) expect(counts[status]).toBeGreaterThan(900);
    // A sixth of the pending invitations expired (the seed writes real times: the test clock does not apply).
    const expired = profiles.filter((profile) => profile.latestInvitation && profile.latestInvitation.expiresAt.getTime() < Date.now()).length;
    expect(expired).toBeGreaterThan(counts.pending / 12);
    expect(expired).toBeLessThan(counts.pending / 3);
    expect(await kit.prisma.profileParkingLot.count({ where: { profile: { organizationId: seeded.organizationId } } })).toBeGreaterThan(3_000);
    expect(await kit.prisma.profileTag.count({ where: { profile: { organizationId: seeded.organizationId } } })).toBe(3_000);
    // The counts of lots and the expiry copies the seed writes itself agree with the links and invitations.
    const [disagreements] = await kit.prisma.$queryRaw<{ lots: number; expiries: number }[]>`
      SELECT count(*) FILTER (WHERE p.parking_lot_count <> (SELECT count(*) FROM profile_parking_lot x WHERE x.profile_id = p.id))::int AS lots,
             count(*) FILTER (WHERE p.invitation_expires_at IS DISTINCT FROM li.expires_at)::int AS expiries
      FROM profile p LEFT JOIN invitation li ON li.id = p.latest_invitation_id WHERE p.organization_id = ${seeded.organizationId}::uuid`;
    expect(disagreements).toEqual({ lots: 0, expiries: 0 });
    expect(await kit.prisma.profile.count({ where: { organizationId: seeded.organizationId, parkingLotCount: 0 } })).toBeGreaterThan(200);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';
import { profilePage } from './profile-queries.ts';
import { profileRows, type RowSelect } from './profile-page-rows.ts';

const kit = useTestKit();

const ORDER = { field: 'NAME', direction: 'ASC' } as const;
const FIRST_PAGE = { limit: 6, inverted: false };

/** Every scalar a GraphQL field may read of a profile, its lots, tags, latest invitation and invitation history. */
const EVERYTHING: RowSelect = {
  id: true,
  organizationId: true,
  firstName: true,
  lastName: true,
  email: true,
  phone: true,
  externalId: true,
  locale: true,
  status: true,
  paymentMethods: true,
  sortName: true,
  latestInvitationId: true,
  invitationExpiresAt: true,
  parkingLotCount: true,
  createdAt: true,
  updatedAt: true,
  invitedAt: true,
  validatedAt: true,
  parkingLots: { select: { parkingLot: true }, orderBy: { parkingLot: { name: 'asc' } } },
  tags: { select: { tag: { select: { id: true, name: true, createdAt: true } } }, orderBy: { tag: { name: 'desc' } } },
  latestInvitation: {
    select: { id: true, email: true, createdAt: true, expiresAt: true, acceptedAt: true, revokedAt: true, supersededAt: true, deliveryState: true },
  },
  invitations: { select: { id: true, createdAt: true, requestedByInvitee: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
};

describe('the rows of a page in one statement through pg', () => {
  it('gives the rows Prisma gives for the same selection, in the order of the ids, of the caller organization only', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    await org.insertProfiles(8, {
      with: (i) => ({
        lotIds: org.lots.slice(0, i % 3).map((lot) => lot.id),
        tagIds: org.tags.slice(0, i % 2 ? 2 : 0).map((tag) => tag.id),
        paymentMethods: i % 2 ? ['CREDIT_CARD', 'COMPANY_INVOICE'] : [],
        invitationExpiresAt: i % 3 === 1 ? new Date('2026-12-01T10:00:00.123Z') : undefined,
      }),
    });
    await other.insertProfiles(8, { with: () => ({ lotIds: [other.lots[0]!.id] }) });
    const now = kit.clock.now();
    const ids = (await profilePage(kit.prisma, org.id, null, ORDER, now, FIRST_PAGE)).map((row) => row.id);
    const byPrisma = (await kit.prisma.profile.findMany({ select: EVERYTHING as never, where: { id: { in: ids } } })) as { id: string }[];
    const expected = ids.map((id) => byPrisma.find((row) => row.id === id));

    // The ids in page order, and one of another organization: left out, as Prisma's confined read leaves it out.
    const [stranger] = (await profilePage(kit.prisma, other.id, null, ORDER, now, FIRST_PAGE)).map((row) => row.id);
    const rows = await profileRows(kit.prisma, org.id, [...ids.slice(0, 3), stranger!, ...ids.slice(3)], EVERYTHING);
    expect(rows).toEqual(expected);
    expect(rows!.map((row) => row.id)).toEqual(ids);
    expect(rows!.some((row) => (row.parkingLots as unknown[]).length === 2) && rows!.some((row) => (row.tags as unknown[]).length === 2)).toBe(true);
    expect(rows!.some((row) => row.latestInvitation !== null && (row.invitations as unknown[]).length === 1)).toBe(true);
    expect(rows!.every((row) => (row.latestInvitation === null) === (row.invitations as unknown[]).length < 1)).toBe(true);
    // A whole relation (`true`, as a field's `select` asks it) holds every column but the secrets.
    const [whole] = (await profileRows(kit.prisma, org.id, ids, { id: true, latestInvitation: true }))!.filter((row) => row.latestInvitation);
    expect(whole!.latestInvitation).toMatchObject({ expiresAt: new Date('2026-12-01T10:00:00.123Z'), deliveryState: 'QUEUED' });
    expect(whole!.latestInvitation).not.toHaveProperty('tokenHash');
  });

  it('leaves to Prisma the selections it does not read', async () => {
    const org = await kit.createOrganization();
    const [id] = await org.insertProfiles(1);
    const read = (select: RowSelect) => profileRows(kit.prisma, org.id, [id!], select);
    expect(await read({ id: true, invitations: { select: { id: true }, take: 3 } })).toBeNull();
    expect(await read({ id: true, passwordHash: true })).toBeNull();
    expect(await read({ id: true, latestInvitation: { select: { id: true, sentByAdmin: { select: { name: true } } } } })).toBeNull();
    expect(await read({ id: true, _count: { select: { invitations: true } } })).toBeNull();
    expect(await read({ id: true })).toHaveLength(1);
  });
});

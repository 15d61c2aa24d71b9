import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';
import { confinedClient, TENANT_COLUMN } from './confined-client.ts';

const kit = useTestKit();

describe('the confined client (RequestScope.db)', () => {
  it('confines every model with an organizationId, and Organization to the caller’s own', () => {
    expect(TENANT_COLUMN).toMatchObject({
      Organization: 'id',
      Admin: 'organizationId',
      ApiKey: 'organizationId',
      ParkingLot: 'organizationId',
      Tag: 'organizationId',
      Profile: 'organizationId',
      Invitation: 'organizationId',
      BulkInvitation: 'organizationId',
      AuditEvent: 'organizationId',
      Email: 'organizationId',
    });
    // Rows that belong to an organization only through another row are reached through it.
    expect(TENANT_COLUMN).not.toHaveProperty('ProfileTag');
  });

  it('reads, counts, updates and deletes nothing of another organization, even by id', async () => {
    const mine = await kit.createOrganization();
    const other = await kit.createOrganization();
    const [theirs] = await other.insertProfiles(2);
    await mine.insertProfiles(1);
    const db = confinedClient(kit.prisma, mine.id);

    expect(await db.profile.findUnique({ where: { id: theirs! } })).toBeNull();
    expect(await db.profile.findFirst({ where: { id: theirs! } })).toBeNull();
    expect(await db.profile.count()).toBe(1);
    expect(await db.organization.findMany({ select: { id: true } })).toEqual([{ id: mine.id }]);
    expect(await db.organization.findUnique({ where: { id: other.id } })).toBeNull();
    expect((await db.profile.updateMany({ where: { id: theirs! }, data: { firstName: 'Mallory' } })).count).toBe(0);
    expect((await db.profile.deleteMany({ where: { id: theirs! } })).count).toBe(0);
    expect(await kit.prisma.profile.findUniqueOrThrow({ where: { id: theirs! } })).not.toMatchObject({ firstName: 'Mallory' });
    // The owner's own client finds it.
    expect(await confinedClient(kit.prisma, other.id).profile.findUnique({ where: { id: theirs! }, select: { id: true } })).toEqual({ id: theirs });
  });
});

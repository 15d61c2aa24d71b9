import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfilesDeleteDocument } from '../../sdk/src/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.ts';

// Bulk actions beyond inviting, over real HTTP: the dry run is the preview and
// the write does what it said; other organizations' ids are ignored; the role,
// the plan's feature and its limit refuse with typed errors; a failure writes
// nothing; a retry with the same key changes nothing again.

const kit = useTestKit();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

const profileIds = (ids: string[]) => ids.map((id) => globalId('Profile', id));
const counts = (result: { total: number; changedCount: number; unchangedCount: number; skippedCount: number; skipped: unknown[] }) => ({
  total: result.total,
  changedCount: result.changedCount,
  unchangedCount: result.unchangedCount,
  skippedCount: result.skippedCount,
  skipped: result.skipped,
});

describe('bulk actions', () => {
  it('sets access and tags: the dry run writes nothing and counts what the write then does; other organizations are ignored; a retry changes nothing', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'ADMIN' });
    const [north, south] = org.lots;
    const [vip, night] = org.tags;
    const already = await org.insertProfiles(2, { with: () => ({ lotIds: [north!.id], tagIds: [vip!.id], paymentMethods: ['CREDIT_CARD'] }) });
    const toChange = await org.insertProfiles(3, { with: () => ({ lotIds: [south!.id], tagIds: [night!.id] }) });
    const elsewhere = await kit.createOrganization();
    const [foreign] = await elsewhere.insertProfiles(1, { with: () => ({ lotIds: [elsewhere.lots[0]!.id] }) });
    const input = {
      profileIds: profileIds([...already, ...toChange, foreign!, randomUUID()]),
      addParkingLotIds: [north!.globalId],
      addTagIds: [vip!.globalId],
      removeTagIds: [night!.globalId],
      addPaymentMethods: ['CREDIT_CARD' as const],
      idempotencyKey: 'access-2026-12-07',
    };
    const links = () =>
      Promise.all([
        kit.prisma.profileParkingLot.count({ where: { profile: { organizationId: org.id } } }),
        kit.prisma.profileTag.count({ where: { profile: { organizationId: org.id } } }),
        kit.prisma.auditEvent.count({ where: { organizationId: org.id } }),
      ]);
    const before = await links();

    const preview = expectTypename(await org.api.profilesUpdateAccess(input, true), 'ProfilesUpdateAccessPayload');
    expect(counts(preview)).toEqual({
      total: 7,
      changedCount: 3,
      unchangedCount: 2,
      skippedCount: 2,
      skipped: [{ __typename: 'BulkSkippedCount', reason: 'NOT_FOUND', count: 2 }],
    });
    expect(preview.dryRun).toBe(true);
    expect(await links()).toEqual(before);

    const applied = expectTypename(await org.api.profilesUpdateAccess(input), 'ProfilesUpdateAccessPayload');
    expect(counts(applied)).toEqual(counts(preview));
    expect(applied).toMatchObject({ dryRun: false, replayed: false });
    const changed = await kit.prisma.profile.findMany({
      where: { id: { in: toChange } },
      include: { parkingLots: { select: { parkingLotId: true } }, tags: { select: { tagId: true } } },
    });
    for (const profile of changed) {
      expect(profile.parkingLots.map((link) => link.parkingLotId).sort()).toEqual([north!.id, south!.id].sort());
      expect(profile.tags.map((link) => link.tagId)).toEqual([vip!.id]);
      expect(profile.paymentMethods).toEqual(['CREDIT_CARD']);
    }
    const audited = await kit.prisma.auditEvent.findMany({ where: { organizationId: org.id, kind: 'PROFILE_UPDATED' } });
    expect(audited.map((event) => event.profileId).sort()).toEqual([...toChange].sort());
    expect(audited[0]!.changedFields).toEqual(['parkingLotIds', 'paymentMethods', 'tagIds']);
    // Another organization's profile was not touched.
    expect(await kit.prisma.profileParkingLot.findMany({ where: { profileId: foreign! } })).toEqual([
      { profileId: foreign!, parkingLotId: elsewhere.lots[0]!.id },
    ]);

    // A retry with the same key answers the first result again and writes nothing.
    const afterApply = await links();
    const retried = expectTypename(await org.api.profilesUpdateAccess(input), 'ProfilesUpdateAccessPayload');
    expect(counts(retried)).toEqual(counts(applied));
    expect(retried.replayed).toBe(true);
    expect(await links()).toEqual(afterApply);
    // The same key with another change is refused.
    const reused = await org.api.profilesUpdateAccess({ ...input, removeTagIds: [] });
    expect(reused.__typename).toBe('IdempotencyKeyReused');
  });

  it('refuses a lot or tag of another organization, and an item both added and removed, at its path, writing nothing', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'OWNER' });
    const elsewhere = await kit.createOrganization();
    const ids = await org.insertProfiles(2);
    const foreignLot = await org.api.profilesUpdateAccess({
      profileIds: profileIds(ids),
      addParkingLotIds: [org.lots[0]!.globalId, elsewhere.lots[0]!.globalId],
    });
    expect(foreignLot).toMatchObject({ __typename: 'UnknownParkingLot', path: ['input', 'addParkingLotIds', '1'] });
    const both = await org.api.profilesUpdateAccess({ profileIds: profileIds(ids), addTagIds: [org.tags[0]!.globalId], removeTagIds: [org.tags[0]!.globalId] });
    expect(both).toMatchObject({ __typename: 'InvalidInput', path: ['input', 'removeTagIds'] });
    const nothing = await org.api.profilesUpdateAccess({ profileIds: profileIds(ids) });
    expect(nothing).toMatchObject({ __typename: 'InvalidInput', path: ['input'] });
    expect(await kit.prisma.profileParkingLot.count({ where: { profileId: { in: ids } } })).toBe(0);
  });

  it('revokes the open invitations of a filter: preview equals result, each revocation announced and audited, others skipped', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'ADMIN' });
    const endpoint = expectTypename(
      await org.api.webhookEndpointCreate({ url: receiver.url, eventTypes: ['INVITATION_REVOKED'] }),
      'WebhookEndpointSecretPayload',
    );
    const tagged = await org.insertProfiles(4, { with: () => ({ tagIds: [org.tags[0]!.id] }) });
    await org.insertProfiles(2); // not tagged: not selected
    for (const id of tagged.slice(0, 3)) expectTypename(await org.api.profileInvite(id), 'ProfileInvitePayload');
    const input = { filter: { tagIds: [org.tags[0]!.globalId] } };

    const preview = expectTypename(await org.api.invitationsRevoke(input, true), 'InvitationsRevokePayload');
    expect(counts(preview)).toEqual({
      total: 4,
      changedCount: 3,
      unchangedCount: 0,
      skippedCount: 1,
      skipped: [{ __typename: 'BulkSkippedCount', reason: 'NO_OPEN_INVITATION', count: 1 }],
    });
    expect(await kit.prisma.invitation.count({ where: { organizationId: org.id, revokedAt: { not: null } } })).toBe(0);
    expect(await kit.prisma.webhookEvent.count({ where: { organizationId: org.id } })).toBe(0);

    const applied = expectTypename(await org.api.invitationsRevoke(input), 'InvitationsRevokePayload');
    expect(counts(applied)).toEqual(counts(preview));
    expect(await kit.prisma.invitation.count({ where: { organizationId: org.id, revokedAt: { not: null } } })).toBe(3);
    const events = await kit.prisma.webhookEvent.findMany({ where: { organizationId: org.id } });
    expect(events.map((event) => event.type)).toEqual(['invitation.revoked', 'invitation.revoked', 'invitation.revoked']);
    expect(await kit.prisma.auditEvent.count({ where: { organizationId: org.id, kind: 'INVITATION_REVOKED' } })).toBe(3);

    // Naturally repeatable without a key too: the second time, nothing is left to revoke.
    const again = expectTypename(await org.api.invitationsRevoke(input), 'InvitationsRevokePayload');
    expect(again).toMatchObject({ changedCount: 0, skippedCount: 4 });
    expect(await kit.prisma.webhookEvent.count({ where: { organizationId: org.id } })).toBe(3);
    expect(endpoint.webhookEndpoint.id).toBeTruthy();
  });

  it('deletes the profiles a filter matches, in this organization only; a retry with the key deletes nobody who matches since', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'ADMIN' });
    const elsewhere = await kit.createOrganization();
    const lot = org.lots[1]!;
    const leaving = await org.insertProfiles(5, { with: () => ({ lotIds: [lot.id] }) });
    const staying = await org.insertProfiles(2);
    const [foreign] = await elsewhere.insertProfiles(1, { with: () => ({ lotIds: [elsewhere.lots[1]!.id] }) });
    // A filter naming the other organization's lot too: it matches nothing there.
    const input = { filter: { parkingLotIds: [lot.globalId, elsewhere.lots[1]!.globalId] }, idempotencyKey: 'leavers-december' };

    const preview = expectTypename(await org.api.profilesDelete(input, true), 'ProfilesDeletePayload');
    expect(counts(preview)).toEqual({ total: 5, changedCount: 5, unchangedCount: 0, skippedCount: 0, skipped: [] });
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(7);

    const applied = expectTypename(await org.api.profilesDelete(input), 'ProfilesDeletePayload');
    expect(counts(applied)).toEqual(counts(preview));
    expect(await kit.prisma.profile.findMany({ where: { organizationId: org.id }, select: { id: true } })).toEqual(
      expect.arrayContaining(staying.map((id) => ({ id }))),
    );
    expect(await kit.prisma.profile.count({ where: { id: { in: leaving } } })).toBe(0);
    expect(await kit.prisma.profile.count({ where: { id: foreign! } })).toBe(1);
    expect(await kit.prisma.auditEvent.count({ where: { organizationId: org.id, kind: 'PROFILE_DELETED' } })).toBe(5);

    // Someone joins the lot after; the client retries the lost answer with the same key: the first answer, nobody deleted.
    const [newcomer] = await org.insertProfiles(1, { with: () => ({ lotIds: [lot.id] }) });
    const retried = expectTypename(await org.api.profilesDelete(input), 'ProfilesDeletePayload');
    expect(retried).toMatchObject({ replayed: true, changedCount: 5 });
    expect(await kit.prisma.profile.count({ where: { id: newcomer! } })).toBe(1);
  });

  it('refuses a VIEWER and a MANAGER, the revocation on a plan without bulk invitations, and a selection over the plan limit, writing nothing', async () => {
    for (const role of ['VIEWER', 'MANAGER'] as const) {
      const org = await kit.createOrganization({ plan: 'BUSINESS', role });
      const ids = profileIds(await org.insertProfiles(1));
      expect(await org.api.profilesDelete({ profileIds: ids })).toMatchObject({ __typename: 'Forbidden', action: 'EDIT_PROFILES_BULK', role });
      expect(await org.api.profilesUpdateAccess({ profileIds: ids, addTagIds: [org.tags[0]!.globalId] })).toMatchObject({ __typename: 'Forbidden' });
      expect(await org.api.invitationsRevoke({ profileIds: ids })).toMatchObject({ __typename: 'Forbidden', action: 'INVITE_BULK' });
      expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(1);
    }

    const starter = await kit.createOrganization({ plan: 'STARTER', role: 'OWNER' });
    const ids = await starter.insertManyProfiles(1_001);
    expect(await starter.admin.invitationsRevoke({ profileIds: profileIds(ids.slice(0, 1)) })).toMatchObject({
      __typename: 'FeatureNotInPlan',
      feature: 'BULK_INVITATIONS',
    });
    expect(await starter.admin.profilesDelete({ filter: {} })).toMatchObject({ __typename: 'SelectionTooLarge', size: 1_001, max: 1_000 });
    expect(await starter.admin.profilesDelete({ profileIds: profileIds(ids) }, true)).toMatchObject({ __typename: 'SelectionTooLarge', size: 1_001 });
    expect(await kit.prisma.profile.count({ where: { organizationId: starter.id } })).toBe(1_001);
    // Within the limit, a STARTER owner may (from the admin UI).
    expect(await starter.admin.profilesDelete({ profileIds: profileIds(ids.slice(0, 1_000)) })).toMatchObject({ changedCount: 1_000 });
  });

  it('writes nothing when the transaction fails after its first writes (all or nothing)', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'ADMIN' });
    const ids = await org.insertProfiles(3);
    // The audit entries are the last write of a deletion: make them fail for this organization only.
    await kit.prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_audit_${org.id.replaceAll('-', '_')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.organization_id = '${org.id}' AND NEW.kind = 'PROFILE_DELETED' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`);
    await kit.prisma.$executeRawUnsafe(`
      CREATE TRIGGER refuse_audit_${org.id.replaceAll('-', '_')} BEFORE INSERT ON audit_event
      FOR EACH ROW EXECUTE FUNCTION refuse_audit_${org.id.replaceAll('-', '_')}()`);
    try {
      const answer = await org.api.send(ProfilesDeleteDocument, { input: { profileIds: profileIds(ids) } });
      expect(answer.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(await kit.prisma.profile.count({ where: { id: { in: ids } } })).toBe(3);
    } finally {
      await kit.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_audit_${org.id.replaceAll('-', '_')} ON audit_event`);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../kernel/global-ids.ts';
import {
  type ProfileCreateInput,
  ProfileUpdateContactDocument,
  type ProfileUpdateContactMutation,
  type ProfileUpdateContactMutationVariables,
  ProfilesUpsertRowsDocument,
} from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();

const person = (n: number) => ({ firstName: `First${n}`, lastName: `Last${n}`, email: `person${n}@example.test` });

describe('profileCreate / profileUpdate / profileDelete', () => {
  it('creates a NOT_INVITED profile with its access, tags and payment methods', async () => {
    const org = await kit.createOrganization();
    const created = await org.api.profileCreateChecked({
      ...person(1),
      parkingLotIds: [org.lots[0]!.globalId],
      tagIds: [org.tags[1]!.globalId],
      paymentMethods: ['SEPA_DIRECT_DEBIT'],
    });
    expect(created).toMatchObject({
      __typename: 'ProfilePayload',
      profile: {
        status: 'NOT_INVITED',
        email: 'person1@example.test',
        parkingLots: [{ name: 'North lot' }],
        tags: [{ name: 'Sales' }],
        paymentMethods: ['SEPA_DIRECT_DEBIT'],
      },
    });
    expect(await kit.prisma.email.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it('refuses bad input with a typed error naming the field, and writes nothing', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    await org.api.profileCreateChecked(person(1));

    const cases: [ProfileCreateInput, string, string[]][] = [
      [{ ...person(2), email: 'not-an-email' }, 'INVALID_EMAIL', ['input', 'email']],
      [{ ...person(2), email: 'PERSON1@example.test' }, 'EMAIL_ALREADY_USED', ['input', 'email']],
      [{ ...person(2), firstName: '   ' }, 'INVALID_INPUT', ['input', 'firstName']],
      [{ ...person(2), phone: 'call me' }, 'INVALID_INPUT', ['input', 'phone']],
      [{ ...person(2), parkingLotIds: [org.lots[0]!.globalId, other.lots[0]!.globalId] }, 'UNKNOWN_PARKING_LOT', ['input', 'parkingLotIds', '1']],
      [{ ...person(2), tagIds: [other.tags[0]!.globalId] }, 'UNKNOWN_TAG', ['input', 'tagIds', '0']],
    ];
    for (const [input, code, path] of cases) {
      const response = await org.api.profileCreateChecked(input);
      expect(response, code).toMatchObject({ code, path });
    }
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(1);
  });

  it('updates given fields only, replaces access, and cannot touch another organization', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const created = await org.api.profileCreateChecked({ ...person(1), phone: '+33 1 23 45 67 89', parkingLotIds: [org.lots[0]!.globalId] });
    const id = expectTypename(created, 'ProfilePayload').profile.id;

    const updated = await org.api.profileUpdateContact(id, { firstName: 'Renamed', parkingLotIds: [org.lots[1]!.globalId] });
    expect(updated).toEqual({
      __typename: 'ProfilePayload',
      profile: { firstName: 'Renamed', email: 'person1@example.test', phone: '+33 1 23 45 67 89', parkingLots: [{ name: 'South lot' }] },
    });
    expect(await org.api.profileTotal({ search: 'renamed' })).toBe(1);

    expect(await other.api.profileUpdateContact(id, { firstName: 'Hacked' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await other.api.profileDelete(id)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await org.api.profileDelete(id)).toEqual({ __typename: 'ProfileDeletePayload', deletedProfileId: id });
    expect(await org.api.profileDelete(id)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers UNKNOWN_PARKING_LOT, not an internal error, when the lot is deleted between its checks and its write', async () => {
    const org = await kit.createOrganization();
    const id = expectTypename(await org.api.profileCreateChecked(person(2)), 'ProfilePayload').profile.id;
    const lot = org.lots[0]!;
    let update: ReturnType<typeof org.api.send<ProfileUpdateContactMutation, ProfileUpdateContactMutationVariables>> | undefined;
    // The lot's deletion is made but not committed: the update still finds the lot, then its link waits on the deleted row.
    await kit.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`DELETE FROM parking_lot WHERE id = ${lot.id}::uuid`;
        update = org.api.send(ProfileUpdateContactDocument, { id, input: { parkingLotIds: [lot.globalId] } });
        await expect
          .poll(async () => {
            const [row] = await kit.prisma.$queryRaw<{ waiting: number }[]>`
              SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
            return row!.waiting;
          })
          .toBe(1);
      },
      { timeout: 20_000 },
    );
    const result = await update!;
    expect(result.errors).toBeUndefined();
    expect(result.data!.profileUpdate).toMatchObject({ __typename: 'UnknownParkingLot', code: 'UNKNOWN_PARKING_LOT', path: ['input', 'parkingLotIds', '0'] });
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: decodeGlobalId(id).id }, select: { parkingLotCount: true } });
    expect(profile.parkingLotCount).toBe(0);
  });
});

describe('profilesUpsert', () => {
  it('creates then updates by externalId, reporting bad rows without writing them', async () => {
    const org = await kit.createOrganization();
    const rows = [
      { externalId: 'HR-1', ...person(1), parkingLotIds: [org.lots[0]!.globalId] },
      { externalId: 'HR-2', ...person(2), email: 'broken' },
      { externalId: 'HR-3', ...person(3), tagIds: [globalId('Tag', '00000000-0000-0000-0000-000000000000')] },
      { externalId: 'HR-4', ...person(4) },
      { externalId: 'HR-5', ...person(5), email: 'PERSON4@example.test' },
    ];
    const firstResponse = await org.api.send(ProfilesUpsertRowsDocument, { input: { profiles: rows } });
    expect(firstResponse.errors).toBeUndefined();
    const first = expectTypename(firstResponse.data!.profilesUpsert, 'ProfilesUpsertPayload');
    expect(first).toMatchObject({ createdCount: 2, updatedCount: 0, failedCount: 3 });
    expect(first.results.map((row) => [row.outcome, row.error?.code ?? null, row.error?.path ?? null])).toEqual([
      ['CREATED', null, null],
      ['FAILED', 'INVALID_EMAIL', ['input', 'profiles', '1', 'email']],
      ['FAILED', 'UNKNOWN_TAG', ['input', 'profiles', '2', 'tagIds', '0']],
      ['CREATED', null, null],
      ['FAILED', 'DUPLICATE_IN_BATCH', ['input', 'profiles', '4', 'email']],
    ]);

    const second = expectTypename(await org.api.profilesUpsertRows([{ externalId: 'HR-1', ...person(1), firstName: 'Changed' }]), 'ProfilesUpsertPayload');
    expect(second).toMatchObject({ createdCount: 0, updatedCount: 1, failedCount: 0 });
    expect(second.results[0]!.profileId).toBe(first.results[0]!.profileId);
    const profile = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, externalId: 'HR-1' }, include: { parkingLots: true } });
    expect(profile.firstName).toBe('Changed');
    expect(profile.parkingLots).toHaveLength(1); // left out: access kept
    expect(profile.status).toBe('NOT_INVITED');
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(2);
  });

  it('writes a thousand rows in a bounded number of SQL statements', async () => {
    const org = await kit.createOrganization();
    const rows = Array.from({ length: 1000 }, (_, i) => ({ externalId: `E${i}`, ...person(i), tagIds: [org.tags[i % 2]!.globalId] }));
    kit.resetStatements();
    const result = await org.api.profilesUpsertRows(rows);
    expect(result).toMatchObject({ createdCount: 1000, failedCount: 0 });
    expect(kit.statements.length).toBeLessThanOrEqual(12);
    expect(await kit.prisma.profileTag.count({ where: { profile: { organizationId: org.id } } })).toBe(1000);
  });

  it('refuses an oversize batch as a whole', async () => {
    const org = await kit.createOrganization();
    const rows = Array.from({ length: 5001 }, (_, i) => ({ externalId: `E${i}`, ...person(i) }));
    const result = await org.api.profilesUpsertRows(rows);
    expect(result).toEqual({ __typename: 'BatchTooLarge', code: 'BATCH_TOO_LARGE', size: 5001, max: 5000 });
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(0);
  });
});

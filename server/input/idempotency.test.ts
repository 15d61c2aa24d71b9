import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';
import { codeOf, expectTypename } from '../test/operations.ts';

const kit = useTestKit();

describe('idempotency keys on creates', () => {
  it('returns what the first call created to a retry with the same key, even racing it, and refuses the key with another input', async () => {
    const org = await kit.createOrganization();
    const input = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test', idempotencyKey: 'create-ada-1' };
    const [first, second] = await Promise.all([org.api.profileCreateKeyed(input), org.api.profileCreateKeyed(input)]);
    expect(first.__typename).toBe('ProfilePayload');
    expect(second).toEqual(first);
    const third = await org.api.profileCreateKeyed(input);
    expect(third).toEqual(first);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(1);

    const other = await org.api.profileCreateKeyed({ ...input, email: 'someone.else@example.test' });
    expect(other).toEqual({ __typename: 'IdempotencyKeyReused', code: 'IDEMPOTENCY_KEY_REUSED' });

    // Without a key, the same input is a second create (refused here: the email is taken).
    const { idempotencyKey: _, ...withoutKey } = input;
    expect(codeOf(await org.api.profileCreateKeyed(withoutKey))).toBe('EMAIL_ALREADY_USED');

    // Once deleted, the key says so rather than creating it again.
    await org.api.profileDelete(expectTypename(first, 'ProfilePayload').profile.id);
    expect(codeOf(await org.api.profileCreateKeyed(input))).toBe('NOT_FOUND');
  });

  it('keeps keys per organization and per operation', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const a = expectTypename(await org.api.tagCreate({ name: 'Night shift', idempotencyKey: 'k' }), 'TagPayload');
    const again = expectTypename(await org.api.tagCreate({ name: 'Night shift', idempotencyKey: 'k' }), 'TagPayload');
    expect(again.tag.id).toBe(a.tag.id);
    const b = await other.api.tagCreate({ name: 'Night shift', idempotencyKey: 'k' });
    expect(b.__typename).toBe('TagPayload');
    expect(expectTypename(b, 'TagPayload').tag.id).not.toBe(a.tag.id);
    const lot = await org.api.parkingLotCreate({ name: 'Night shift', idempotencyKey: 'k' });
    expect(lot.__typename).toBe('ParkingLotPayload');
    const tooLong = await org.api.tagCreate({ name: 'X', idempotencyKey: 'k'.repeat(201) });
    expect(codeOf(tooLong)).toBe('INVALID_INPUT');
  });
});

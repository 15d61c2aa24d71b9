import { describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const CREATE = `mutation ($input: ProfileCreateInput!) { profileCreate(input: $input) {
  __typename ... on ProfilePayload { profile { id email } } ... on Error { code } } }`;
const TAG = `mutation ($name: String!, $key: String) { tagCreate(input: { name: $name, idempotencyKey: $key }) {
  __typename ... on TagPayload { tag { id } } ... on Error { code } } }`;

describe('idempotency keys on creates', () => {
  it('returns what the first call created to a retry with the same key, even racing it, and refuses the key with another input', async () => {
    const org = await kit.createOrganization();
    const input = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test', idempotencyKey: 'create-ada-1' };
    const [first, second] = await Promise.all([org.graphql(CREATE, { input }), org.graphql(CREATE, { input })]);
    expect(first.data.profileCreate.__typename).toBe('ProfilePayload');
    expect(second.data.profileCreate).toEqual(first.data.profileCreate);
    const third = await org.graphql(CREATE, { input });
    expect(third.data.profileCreate).toEqual(first.data.profileCreate);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(1);

    const other = await org.graphql(CREATE, { input: { ...input, email: 'someone.else@example.test' } });
    expect(other.data.profileCreate).toEqual({ __typename: 'IdempotencyKeyReused', code: 'IDEMPOTENCY_KEY_REUSED' });

    // Without a key, the same input is a second create (refused here: the email is taken).
    const { idempotencyKey: _, ...withoutKey } = input;
    expect((await org.graphql(CREATE, { input: withoutKey })).data.profileCreate.code).toBe('EMAIL_ALREADY_USED');

    // Once deleted, the key says so rather than creating it again.
    await org.graphql('mutation ($id: ID!) { profileDelete(id: $id) { __typename } }', { id: first.data.profileCreate.profile.id });
    expect((await org.graphql(CREATE, { input })).data.profileCreate.code).toBe('NOT_FOUND');
  });

  it('keeps keys per organization and per operation', async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const a = await org.graphql(TAG, { name: 'Night shift', key: 'k' });
    const again = await org.graphql(TAG, { name: 'Night shift', key: 'k' });
    expect(again.data.tagCreate.tag.id).toBe(a.data.tagCreate.tag.id);
    const b = await other.graphql(TAG, { name: 'Night shift', key: 'k' });
    expect(b.data.tagCreate.__typename).toBe('TagPayload');
    expect(b.data.tagCreate.tag.id).not.toBe(a.data.tagCreate.tag.id);
    const lot = await org.graphql('mutation { parkingLotCreate(input: { name: "Night shift", idempotencyKey: "k" }) { __typename } }');
    expect(lot.data.parkingLotCreate.__typename).toBe('ParkingLotPayload');
    const tooLong = await org.graphql(TAG, { name: 'X', key: 'k'.repeat(201) });
    expect(tooLong.data.tagCreate.code).toBe('INVALID_INPUT');
  });
});

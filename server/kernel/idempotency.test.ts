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

describe("a client's own retry (the same x-parkpass-call-id) is not a replay", () => {
  const CREATE_REPLAYED = `mutation ($input: ProfileCreateInput!) { profileCreate(input: $input) {
    __typename ... on ProfilePayload { replayed profile { id } } ... on Error { code } } }`;
  const INVITE = `mutation ($input: ProfilesInviteInput!) { profilesInvite(input: $input) {
    __typename ... on ProfilesInvitePayload { replayed bulkInvitation { id } } ... on Error { code } } }`;

  it('answers the same call as its first attempt, another call (or none named) as a replay, for creates and bulk invitations', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE' });
    const as = (callId: string | null) => ({ token: org.apiKey, headers: callId ? { 'x-parkpass-call-id': callId } : ({} as Record<string, string>) });
    const input = { firstName: 'Retried', lastName: 'Once', email: 'retried.once@example.test', idempotencyKey: 'hr-run-7:create' };
    const first = await kit.graphql(CREATE_REPLAYED, { input }, as('call-aaaaaaaa'));
    expect(first.data.profileCreate).toMatchObject({ __typename: 'ProfilePayload', replayed: false });
    // The same call again (its first answer lost): its own work, not a replay.
    expect((await kit.graphql(CREATE_REPLAYED, { input }, as('call-aaaaaaaa'))).data.profileCreate).toEqual(first.data.profileCreate);
    // A later run with the same key: a replay; so is a client that names no call.
    expect((await kit.graphql(CREATE_REPLAYED, { input }, as('call-bbbbbbbb'))).data.profileCreate).toMatchObject({ replayed: true });
    expect((await kit.graphql(CREATE_REPLAYED, { input }, as(null))).data.profileCreate).toMatchObject({ replayed: true });

    const invite = { profileIds: [first.data.profileCreate.profile.id], idempotencyKey: 'hr-run-7:invite' };
    const started = await kit.graphql(INVITE, { input: invite }, as('call-cccccccc'));
    expect(started.data.profilesInvite).toMatchObject({ __typename: 'ProfilesInvitePayload', replayed: false });
    expect((await kit.graphql(INVITE, { input: invite }, as('call-cccccccc'))).data.profilesInvite).toEqual(started.data.profilesInvite);
    expect((await kit.graphql(INVITE, { input: invite }, as('call-dddddddd'))).data.profilesInvite).toMatchObject({ replayed: true });
  });
});

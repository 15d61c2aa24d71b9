import { describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS } from '../auth/sessions.ts';
import { KIT_ADMIN_PASSWORD, useTestKit } from '../test/kit.ts';

// Issue 10, finding 6: sign-in limits cannot be raced, and nobody can lock an
// owner out from their own address. Parallel requests through yoga.fetch; the
// caller's address comes from X-Forwarded-For (the kit's app trusts the proxy).

const kit = useTestKit();

const LOGIN = `mutation ($email: String!, $password: String!) {
  adminLogin(input: { email: $email, password: $password }) {
    __typename
    ... on Error { code }
    ... on TooManyLoginAttempts { retryAfterSeconds }
  }
}`;

let addressCounter = 0;
const newAddress = () => `198.51.100.${++addressCounter}`;

async function login(email: string, password: string, address: string): Promise<{ __typename: string; retryAfterSeconds?: number }> {
  const response = await kit.graphql(LOGIN, { email, password }, { headers: { 'x-forwarded-for': address } });
  expect(response.errors).toBeUndefined();
  return response.data.adminLogin;
}

const count = (answers: { __typename: string }[], typename: string) => answers.filter((answer) => answer.__typename === typename).length;

describe('sign-in limits', () => {
  it('30 parallel wrong sign-ins from one address: only the limit is checked, and the right password afterwards is refused', async () => {
    const org = await kit.createOrganization();
    const address = newAddress();
    const answers = await Promise.all(Array.from({ length: 30 }, () => login(org.adminEmail, 'wrong password', address)));
    expect(count(answers, 'InvalidCredentials')).toBe(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
    expect(count(answers, 'TooManyLoginAttempts')).toBe(30 - MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
    expect(await kit.prisma.loginAttempt.count({ where: { email: org.adminEmail } })).toBe(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, address)).__typename).toBe('TooManyLoginAttempts');
    expect(await kit.prisma.adminSession.count({ where: { adminId: org.adminId } })).toBe(1); // the kit's own session only
  });

  it('the right password racing 29 wrong ones gets a session only if it was among the attempts the limit lets through', async () => {
    const org = await kit.createOrganization();
    const address = newAddress();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(org.adminEmail, i === 19 ? KIT_ADMIN_PASSWORD : 'wrong password', address)));
    // Checked = refused as wrong + signed in: never more than the limit.
    expect(count(answers, 'InvalidCredentials') + count(answers, 'AdminLoginPayload')).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
  });

  it('an attacker failing from another address does not lock the owner out of their own address', async () => {
    const org = await kit.createOrganization();
    const owner = newAddress();
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, owner)).__typename).toBe('AdminLoginPayload');
    const attacker = newAddress();
    await Promise.all(Array.from({ length: 10 }, () => login(org.adminEmail, 'wrong password', attacker)));
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, attacker)).__typename).toBe('TooManyLoginAttempts');
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, owner)).__typename).toBe('AdminLoginPayload');
    // A first sign-in from a fresh address also works: the account is below its ceiling.
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).__typename).toBe('AdminLoginPayload');
  });

  it('many addresses together hit the per-account ceiling: new addresses are slowed, the owner still signs in from theirs', async () => {
    const org = await kit.createOrganization();
    const owner = newAddress();
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, owner)).__typename).toBe('AdminLoginPayload');
    // A distributed attacker: a few guesses from each of many addresses, all at once.
    const perAddress = MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1;
    const addresses = Array.from({ length: Math.ceil((MAX_FAILURES_PER_ACCOUNT + 10) / perAddress) }, newAddress);
    const answers = await Promise.all(
      addresses.flatMap((address) => Array.from({ length: perAddress }, () => login(org.adminEmail, 'wrong password', address))),
    );
    expect(count(answers, 'InvalidCredentials')).toBe(MAX_FAILURES_PER_ACCOUNT);
    // Another new address, even with the right password, waits for the window.
    const slowed = await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress());
    expect(slowed.__typename).toBe('TooManyLoginAttempts');
    expect(slowed.retryAfterSeconds).toBeGreaterThan(0);
    // The owner, from the address they signed in from before, is not locked out.
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, owner)).__typename).toBe('AdminLoginPayload');
  });
});

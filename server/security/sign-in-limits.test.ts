import { describe, expect, it } from 'vitest';
import {
  FIRST_DELAY_MS,
  LOGIN_WINDOW_MS,
  MAX_DELAY_MS,
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
  MAX_FAILURES_PER_DEVICE,
  nextAttemptAllowedAt,
} from '../auth/sessions.ts';
import { AdminSignInDeviceDocument } from '../test/generated/graphql.ts';
import { KIT_ADMIN_PASSWORD, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { documentText } from '../test/operations.ts';
import { productionApp } from '../test/production.ts';
import { PUBLIC_OPERATION_LIMITS } from '../kernel/limits.ts';
import { DEFAULT_RATE_LIMITS } from './rate-limits.ts';

// Sign-in limits cannot be raced, and nobody can lock an
// owner out from their own address. Then: locking someone out must cost the
// attacker more than the victim: a device token keeps the owner's device out
// of everyone else's failures, and without one the limits answer with growing
// delays instead of a 15-minute lock. Parallel requests through yoga.fetch; the
// caller's address comes from X-Forwarded-For (the kit's app trusts the proxy).

const kit = useTestKit();

/** Sent over plain HTTP to a production app below. */
const LOGIN = documentText(AdminSignInDeviceDocument);

let addressCounter = 0;
const newAddress = () => `198.51.100.${++addressCounter}`;

interface Answer {
  __typename: string;
  deviceToken?: string;
  retryAfterSeconds?: number;
}

async function login(email: string, password: string, address: string, deviceToken?: string): Promise<Answer> {
  const response = await kit.as(null, { headers: { 'x-forwarded-for': address } }).send(AdminSignInDeviceDocument, { input: { email, password, deviceToken } });
  expect(response.errors).toBeUndefined();
  return response.data!.adminLogin;
}

/** The owner signs in once from their usual address and keeps the device token it returns. */
async function ownerDevice(email: string, address: string): Promise<string> {
  const signedIn = await login(email, KIT_ADMIN_PASSWORD, address);
  expect(signedIn.__typename).toBe('AdminLoginPayload');
  return signedIn.deviceToken!;
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

describe('device tokens', () => {
  it('a sign-in returns a device token, stored only as a hash; sending it back returns the same token', async () => {
    const org = await kit.createOrganization();
    const token = await ownerDevice(org.adminEmail, newAddress());
    expect(token).toMatch(/^ppd_[A-Za-z0-9_-]{43}$/);
    const stored = await kit.prisma.adminDevice.findFirstOrThrow({ where: { adminId: org.adminId } });
    expect(stored.tokenHash).not.toContain(token.slice(4));
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress(), token)).toEqual({ __typename: 'AdminLoginPayload', deviceToken: token });
    expect(await kit.prisma.adminDevice.count({ where: { adminId: org.adminId } })).toBe(1);
  });

  it('the owner with their device token signs in at once after 20+ failures from other addresses', async () => {
    const org = await kit.createOrganization();
    const device = await ownerDevice(org.adminEmail, newAddress());
    // A distributed attacker reaches the account-wide ceiling.
    const perAddress = MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1;
    const attackers = Array.from({ length: Math.ceil((MAX_FAILURES_PER_ACCOUNT + 10) / perAddress) }, newAddress);
    await Promise.all(attackers.flatMap((address) => Array.from({ length: perAddress }, () => login(org.adminEmail, 'wrong password', address))));
    expect(await kit.prisma.loginAttempt.count({ where: { email: org.adminEmail } })).toBe(MAX_FAILURES_PER_ACCOUNT);
    // From a new address (a trip, a new network), without the token: slowed.
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).__typename).toBe('TooManyLoginAttempts');
    // With it: at once, from any address, even one the attacker used.
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress(), device)).__typename).toBe('AdminLoginPayload');
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, attackers[0]!, device)).__typename).toBe('AdminLoginPayload');
  });

  it('the owner with their device token signs in at once after 5+ failures at their own address (a shared NAT)', async () => {
    const org = await kit.createOrganization();
    const office = newAddress();
    const device = await ownerDevice(org.adminEmail, office);
    // Someone behind the same NAT fails again and again.
    await Promise.all(Array.from({ length: 3 * MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS }, () => login(org.adminEmail, 'wrong password', office)));
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, office)).__typename).toBe('TooManyLoginAttempts');
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, office, device)).toEqual({ __typename: 'AdminLoginPayload', deviceToken: device });
    // The owner's success does not hand the attacker fresh guesses: the failures at that address still count.
    expect((await login(org.adminEmail, 'wrong password', office)).__typename).toBe('TooManyLoginAttempts');
  });

  it('a wrong password with a valid device token counts against that device only, up to its own limit', async () => {
    const org = await kit.createOrganization();
    const device = await ownerDevice(org.adminEmail, newAddress());
    const address = newAddress();
    for (let i = 0; i < MAX_FAILURES_PER_DEVICE; i++) {
      expect((await login(org.adminEmail, 'wrong password', address, device)).__typename).toBe('InvalidCredentials');
    }
    // More than the address's own limit went through, and none of it counted for the account or the address.
    expect(await kit.prisma.loginAttempt.count({ where: { email: org.adminEmail, deviceId: null } })).toBe(0);
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, address)).__typename).toBe('AdminLoginPayload');
    // Beyond its limit the token is not trusted for the window: its attempts meet the untrusted limits.
    const elsewhere = newAddress();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) {
      expect((await login(org.adminEmail, 'wrong password', elsewhere, device)).__typename).toBe('InvalidCredentials');
    }
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, elsewhere, device)).__typename).toBe('TooManyLoginAttempts');
    // Once its failures leave the window, it is trusted again.
    kit.clock.advance(LOGIN_WINDOW_MS);
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, elsewhere, device)).toEqual({ __typename: 'AdminLoginPayload', deviceToken: device });
  });

  it("a forged token, a malformed one or another account's counts as none", async () => {
    const [victim, other] = [await kit.createOrganization(), await kit.createOrganization()];
    const othersDevice = await ownerDevice(other.adminEmail, newAddress());
    const forged = `ppd_${'A'.repeat(43)}`;
    for (const token of [othersDevice, forged, 'not a device token']) {
      const address = newAddress();
      for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) {
        expect((await login(victim.adminEmail, 'wrong password', address, token)).__typename).toBe('InvalidCredentials');
      }
      expect((await login(victim.adminEmail, KIT_ADMIN_PASSWORD, address, token)).__typename).toBe('TooManyLoginAttempts');
    }
    expect(await kit.prisma.loginAttempt.count({ where: { email: victim.adminEmail, deviceId: { not: null } } })).toBe(0);
    // A success with another account's token gets a device of its own.
    const signedIn = await login(victim.adminEmail, KIT_ADMIN_PASSWORD, newAddress(), othersDevice);
    expect(signedIn.__typename).toBe('AdminLoginPayload');
    expect(signedIn.deviceToken).not.toBe(othersDevice);
  });

  it('30 parallel wrong sign-ins with a device token: only its limit, then the untrusted ones, are checked', async () => {
    const org = await kit.createOrganization();
    const device = await ownerDevice(org.adminEmail, newAddress());
    const address = newAddress();
    const answers = await Promise.all(Array.from({ length: 30 }, () => login(org.adminEmail, 'wrong password', address, device)));
    const checked = MAX_FAILURES_PER_DEVICE + MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS;
    expect(count(answers, 'InvalidCredentials')).toBe(checked);
    expect(count(answers, 'TooManyLoginAttempts')).toBe(30 - checked);
    expect(await kit.prisma.loginAttempt.count({ where: { email: org.adminEmail } })).toBe(checked);
  });
});

describe('growing delays without a device token', () => {
  it('once a limit is reached, each further failure doubles the wait, and the owner gets in once it passes', async () => {
    const org = await kit.createOrganization();
    const address = newAddress();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) await login(org.adminEmail, 'wrong password', address);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const refused = await login(org.adminEmail, KIT_ADMIN_PASSWORD, address);
      expect(refused.__typename).toBe('TooManyLoginAttempts');
      waits.push(refused.retryAfterSeconds!);
      // Just before the wait ends it is still refused; at its end one more guess is checked.
      kit.clock.advance(refused.retryAfterSeconds! * 1000 - 1);
      expect((await login(org.adminEmail, 'wrong password', address)).__typename).toBe('TooManyLoginAttempts');
      kit.clock.advance(1);
      expect((await login(org.adminEmail, 'wrong password', address)).__typename).toBe('InvalidCredentials');
    }
    expect(waits).toEqual([1, 2, 4, 8, 16].map((factor) => (factor * FIRST_DELAY_MS) / 1000));
    const refused = await login(org.adminEmail, KIT_ADMIN_PASSWORD, address);
    expect(refused.retryAfterSeconds).toBe(32);
    kit.clock.advance(32_000);
    expect((await login(org.adminEmail, KIT_ADMIN_PASSWORD, address)).__typename).toBe('AdminLoginPayload');
  });

  it('the account-wide ceiling delays new addresses the same way, and never more than the window', async () => {
    const org = await kit.createOrganization();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) await login(org.adminEmail, 'wrong password', newAddress());
    const first = await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress());
    expect(first).toMatchObject({ __typename: 'TooManyLoginAttempts', retryAfterSeconds: 1 });
    kit.clock.advance(1_000);
    expect((await login(org.adminEmail, 'wrong password', newAddress())).__typename).toBe('InvalidCredentials');
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).toMatchObject({ __typename: 'TooManyLoginAttempts', retryAfterSeconds: 2 });
    // The cap: however many failures, the wait ends when the newest is MAX_DELAY_MS old, or sooner as the oldest leave the window.
    const now = kit.clock.now().getTime();
    const many = Array.from({ length: MAX_FAILURES_PER_ACCOUNT + 30 }, (_, i) => new Date(now - i));
    expect(nextAttemptAllowedAt(many, MAX_FAILURES_PER_ACCOUNT)).toBe(Math.min(now + MAX_DELAY_MS, now - (MAX_FAILURES_PER_ACCOUNT - 1) + LOGIN_WINDOW_MS));
  });
});

describe('the per-address sign-in budget', () => {
  it(`a flood of sign-ins from a shared address spends its ${PUBLIC_OPERATION_LIMITS.adminLogin} a minute, yet the owner with a device token still signs in there`, async () => {
    const org = await kit.createOrganization();
    const app = productionApp(kit, { rateLimits: DEFAULT_RATE_LIMITS });
    const shared = newAddress();
    const signIn = async (email: string, password: string, deviceToken?: string) => {
      const response = await app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': shared },
        body: JSON.stringify({ query: LOGIN, variables: { input: { email, password, deviceToken } } }),
      });
      const body = (await response.json()) as { data?: { adminLogin: Answer }; errors?: { extensions: { code: string } }[] };
      return body.data?.adminLogin.__typename ?? body.errors![0]!.extensions.code;
    };
    const token = await ownerDevice(org.adminEmail, newAddress());
    const flood = [];
    for (let i = 0; i < PUBLIC_OPERATION_LIMITS.adminLogin; i++) flood.push(await signIn(`nobody-${i}@flood.test`, 'wrong password', `ppd_${'x'.repeat(43)}`));
    expect(flood).not.toContain('RATE_LIMITED');
    // The address's budget is spent: without a token, or with one that is not valid for the email, the owner waits.
    expect(await signIn(org.adminEmail, KIT_ADMIN_PASSWORD)).toBe('RATE_LIMITED');
    expect(await signIn('nobody-0@flood.test', KIT_ADMIN_PASSWORD, token)).toBe('RATE_LIMITED');
    // With the device's token: counted against the device, so the flood does not keep it out.
    expect(await signIn(org.adminEmail, KIT_ADMIN_PASSWORD, token)).toBe('AdminLoginPayload');
  });
});

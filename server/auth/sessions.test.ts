import { describe, expect, it } from 'vitest';
import { AdminSignInDocument, ViewerAdminDocument } from '../test/generated/graphql.ts';
import { KIT_ADMIN_PASSWORD, type TestKit, useTestKit } from '../test/kit.ts';
import { codeOf, expectTypename } from '../test/operations.ts';
import { hashSecret } from './api-keys.ts';
import {
  DEVICE_LIFETIME_MS,
  FIRST_DELAY_MS,
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
  MAX_FAILURES_PER_ADDRESS,
  pruneSignInRecords,
  SESSION_LIFETIME_MS,
} from './sessions.ts';

const kit = useTestKit();

let addressCounter = 0;
/** Each test signs in from an address of its own, so per-address limits never leak between tests. */
const newAddress = () => `203.0.113.${++addressCounter}`;

async function login(kit: TestKit, email: string, password: string, address: string) {
  const response = await kit.as(null, { headers: { 'x-forwarded-for': address } }).send(AdminSignInDocument, { input: { email, password } });
  expect(response.errors).toBeUndefined();
  return response.data!.adminLogin;
}

describe('admin sessions', () => {
  it('signs in with email (any case) and password, and the token then identifies the admin until it expires', async () => {
    const org = await kit.createOrganization({ role: 'MANAGER' });
    const answer = await login(kit, org.adminEmail.toUpperCase(), KIT_ADMIN_PASSWORD, newAddress());
    expect(answer.__typename).toBe('AdminLoginPayload');
    const result = expectTypename(answer, 'AdminLoginPayload');
    expect(result.token).toMatch(/^pps_[A-Za-z0-9_-]{43}$/);
    expect(new Date(result.expiresAt)).toEqual(new Date(kit.clock.now().getTime() + SESSION_LIFETIME_MS));
    // Only the hash is stored.
    const stored = await kit.prisma.adminSession.findUniqueOrThrow({ where: { tokenHash: hashSecret(result.token) } });
    expect(stored.adminId).toBe(org.adminId);

    const viewer = await kit.as(result.token).viewerAdmin();
    expect(viewer).toEqual({ actorKind: 'ADMIN', role: 'MANAGER', admin: { email: org.adminEmail } });

    kit.clock.advance(SESSION_LIFETIME_MS);
    const expired = await kit.as(result.token).send(ViewerAdminDocument, {});
    expect(expired.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(expired.errors?.[0]?.message).toMatch(/session expired/);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const org = await kit.createOrganization();
    const address = newAddress();
    const wrongPassword = await login(kit, org.adminEmail, 'not the password', address);
    const unknownEmail = await login(kit, 'nobody@nowhere.test', 'not the password', address);
    expect(wrongPassword).toEqual({ __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: 'The email or password is wrong.' });
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('limits failures of one account from one address; a success there clears them', async () => {
    const org = await kit.createOrganization();
    const address = newAddress();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1; i++) await login(kit, org.adminEmail, 'wrong password', address);
    expect((await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, address)).__typename).toBe('AdminLoginPayload');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) {
      expect(codeOf(await login(kit, org.adminEmail, 'wrong password', address))).toBe('INVALID_CREDENTIALS');
    }
    expect(codeOf(await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, address))).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    // Another address of the same admin is not affected.
    expect((await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).__typename).toBe('AdminLoginPayload');
  });

  it('slows an account after its ceiling of failures from new addresses, for a delay after the last failure', async () => {
    const org = await kit.createOrganization();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      if (i > 0) kit.clock.advance(1_000);
      expect(codeOf(await login(kit, org.adminEmail, 'wrong password', newAddress()))).toBe('INVALID_CREDENTIALS');
    }
    // Even the right password is not checked now, from an address the admin never signed in from.
    const locked = await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress());
    expect(locked).toMatchObject({ __typename: 'TooManyLoginAttempts', code: 'TOO_MANY_LOGIN_ATTEMPTS' });
    // Allowed again the first delay after the last failure (each further failure doubles it).
    expect(expectTypename(locked, 'TooManyLoginAttempts').retryAfterSeconds).toBe(FIRST_DELAY_MS / 1000);
    // Unknown accounts are limited the same way, so the limit says nothing about existence.
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) await login(kit, 'ghost@nowhere.test', 'wrong password', newAddress());
    expect(codeOf(await login(kit, 'ghost@nowhere.test', 'wrong password', newAddress()))).toBe('TOO_MANY_LOGIN_ATTEMPTS');

    kit.clock.advance(expectTypename(locked, 'TooManyLoginAttempts').retryAfterSeconds * 1000);
    expect((await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).__typename).toBe('AdminLoginPayload');
  });

  it('limits failures from one address across accounts', async () => {
    const address = newAddress();
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) await login(kit, `guess-${i}@nowhere.test`, 'wrong password', address);
    const org = await kit.createOrganization();
    expect(codeOf(await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, address))).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    expect((await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).__typename).toBe('AdminLoginPayload');
  });

  it('ends the session on logout; an API key cannot log out', async () => {
    const org = await kit.createOrganization();
    const { token } = expectTypename(await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress()), 'AdminLoginPayload');
    const logout = await kit.as(token).adminLogout();
    expect(logout).toEqual({ __typename: 'AdminLogoutPayload', sessionEnded: true });
    const after = await kit.as(token).send(ViewerAdminDocument, {});
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/session ended/);
    // The admin's other session still works.
    expect((await org.admin.viewerAdmin()).actorKind).toBe('ADMIN');

    const withKey = await org.api.adminLogout();
    expect(withKey).toMatchObject({ __typename: 'NotASession', code: 'NOT_A_SESSION' });
  });

  it('forgets failed sign-ins past the window and sessions ended a day ago (the hourly job)', async () => {
    const org = await kit.createOrganization();
    const address = newAddress();
    await login(kit, 'prune-me@nowhere.test', 'wrong password', address);
    const { token, deviceToken } = expectTypename(await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress()), 'AdminLoginPayload');
    kit.clock.advance(SESSION_LIFETIME_MS + 24 * 3_600_000 + 1);
    await pruneSignInRecords(kit.prisma, kit.clock.now());
    expect(await kit.prisma.loginAttempt.count({ where: { email: 'prune-me@nowhere.test' } })).toBe(0);
    expect(await kit.prisma.adminSession.count({ where: { tokenHash: hashSecret(token) } })).toBe(0);
    // A device token lives 180 days from its last sign-in.
    expect(await kit.prisma.adminDevice.count({ where: { tokenHash: hashSecret(deviceToken) } })).toBe(1);
    kit.clock.advance(DEVICE_LIFETIME_MS);
    await pruneSignInRecords(kit.prisma, kit.clock.now());
    expect(await kit.prisma.adminDevice.count({ where: { tokenHash: hashSecret(deviceToken) } })).toBe(0);
    // Signing in still works afterwards.
    expect((await login(kit, org.adminEmail, KIT_ADMIN_PASSWORD, newAddress())).__typename).toBe('AdminLoginPayload');
  });
});

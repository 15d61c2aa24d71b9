import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import * as passwords from '../auth/passwords.ts';
import { MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, MAX_FAILURES_PER_ADDRESS } from '../auth/sessions.ts';
import { KIT_ADMIN_PASSWORD, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { builtServerExit, productionApp } from '../test/production.ts';
import { PUBLIC_OPERATION_LIMITS } from '../kernel/limits.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './rate-limits.ts';

// A caller writes whatever it likes in X-Forwarded-For; our proxy appends the
// address it received the request from. The leftmost entry used to be taken
// as the caller's address, so rotating it lifted every per-address limit and
// naming someone else's address locked them out. Now the caller is the
// rightmost entry not from our proxies (here one hop, as the kit's app and
// productionApp trust), and an IPv6 caller is its whole /64.

vi.mock('../auth/passwords.ts', { spy: true });

const kit = useTestKit();

/** An X-Forwarded-For header as a caller at `real` sends it through our proxy, having forged `forged` first. */
const forwarded = (forged: string, real: string) => `${forged}, ${real}`;

let counter = 0;
const forgedAddress = () => `198.51.100.${(++counter % 250) + 1}`;

const LOGIN = `mutation ($email: String!, $password: String!) {
  adminLogin(input: { email: $email, password: $password }) { __typename ... on Error { code } }
}`;

async function login(email: string, password: string, xForwardedFor: string, app: { fetch: typeof kit.app.fetch } = kit.app) {
  const response = await app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xForwardedFor },
    body: JSON.stringify({ query: LOGIN, variables: { email, password } }),
  });
  const body = (await response.json()) as { data?: { adminLogin: { __typename: string } }; errors?: { extensions?: { code?: string } }[] };
  return body.data?.adminLogin.__typename ?? body.errors?.[0]?.extensions?.code;
}

async function lookUp(app: { fetch: typeof kit.app.fetch }, xForwardedFor: string) {
  const response = await app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xForwardedFor },
    body: JSON.stringify({ query: '{ invitationByToken(token: "not-a-token") { state } }' }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code };
}

const tally = (answers: (string | undefined)[]) =>
  Object.fromEntries([...new Set(answers)].map((answer) => [answer, answers.filter((a) => a === answer).length]));

describe('a forged X-Forwarded-For entry lifts no limit', () => {
  it(`the public look-up limit (${PUBLIC_OPERATION_LIMITS.invitationByToken} a minute) refuses the next call, whatever the caller forges`, async () => {
    const app = productionApp(kit, { rateLimits: DEFAULT_RATE_LIMITS });
    const real = '203.0.113.5';
    const answers = [];
    for (let i = 0; i <= PUBLIC_OPERATION_LIMITS.invitationByToken; i++) answers.push(await lookUp(app, forwarded(forgedAddress(), real)));
    expect(answers.slice(0, -1).every((answer) => answer.status === 200 && answer.code === undefined)).toBe(true);
    expect(answers.at(-1)).toEqual({ status: 429, code: 'RATE_LIMITED' });
    // Another caller behind the same proxy is not affected.
    expect((await lookUp(app, forwarded(forgedAddress(), '203.0.113.6'))).status).toBe(200);
  });

  it.each(['203.0.113.16:443', '[2001:db8:16::1]:8443', 'unknown'])(
    'the same when our proxy writes the caller as %s: the entry at its place is the key, never the forged one to its left',
    async (real) => {
      const app = productionApp(kit, { rateLimits: DEFAULT_RATE_LIMITS });
      const answers = [];
      for (let i = 0; i <= PUBLIC_OPERATION_LIMITS.invitationByToken; i++) answers.push(await lookUp(app, forwarded(forgedAddress(), real)));
      expect(answers.slice(0, -1).every((answer) => answer.status === 200)).toBe(true);
      expect(answers.at(-1)).toEqual({ status: 429, code: 'RATE_LIMITED' });
    },
  );

  it('40 wrong sign-ins over 8 accounts from one caller: checked up to the per-address limit, then refused', async () => {
    const emails = await Promise.all(Array.from({ length: 8 }, async () => (await kit.createOrganization()).adminEmail));
    const real = '203.0.113.7';
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await login(emails[i % 8]!, 'wrong password', forwarded(forgedAddress(), real)));
    const checked = Math.min(MAX_FAILURES_PER_ADDRESS, 8 * Math.min(5, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS));
    expect(tally(answers)).toEqual({ InvalidCredentials: checked, TooManyLoginAttempts: 40 - checked });
    expect(await kit.prisma.loginAttempt.count({ where: { address: real } })).toBe(checked);
  });

  it('an owner is not locked out at their usual address by an attacker forging it', async () => {
    const org = await kit.createOrganization();
    const owner = '203.0.113.8';
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, owner)).toBe('AdminLoginPayload');
    const attacker = '203.0.113.66';
    const answers = [];
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS + 5; i++) answers.push(await login(org.adminEmail, 'wrong password', forwarded(owner, attacker)));
    // Counted at the attacker's address: refused there once its limit is reached, and the known-address exemption is not theirs.
    expect(tally(answers)).toEqual({ InvalidCredentials: MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, TooManyLoginAttempts: 5 });
    expect(await kit.prisma.loginAttempt.count({ where: { email: org.adminEmail, address: owner } })).toBe(0);
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, owner)).toBe('AdminLoginPayload');
  });

  it('password hashing stays limited per caller: refused sign-ins hash nothing', async () => {
    const limits: RateLimitSettings = { ...DEFAULT_RATE_LIMITS, publicOperationsPerMinute: { ...PUBLIC_OPERATION_LIMITS, adminLogin: 5 } };
    const app = productionApp(kit, { rateLimits: limits });
    const verifications = vi.mocked(passwords.verifyPassword);
    verifications.mockClear();
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await login(`nobody-${i}@nowhere.test`, 'wrong password', forwarded(forgedAddress(), '203.0.113.9'), app));
    expect(tally(answers)).toEqual({ InvalidCredentials: 5, RATE_LIMITED: 7 });
    expect(verifications).toHaveBeenCalledTimes(5);
  });

  it('the mailbox’s sign-in counts the same caller', async () => {
    const mailbox = productionApp(kit, {
      env: { POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' },
      rateLimits: { ...DEFAULT_RATE_LIMITS, publicOperationsPerMinute: { ...PUBLIC_OPERATION_LIMITS, adminLogin: 2 } },
    });
    const owner = await kit.createOrganization();
    const signIn = (xForwardedFor: string) =>
      mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': xForwardedFor },
        body: new URLSearchParams({ email: owner.adminEmail, password: 'not the password' }).toString(),
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn(forwarded(forgedAddress(), '203.0.113.10'))).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});

describe('IPv6 callers, by /64', () => {
  it('addresses in one /64 share the public look-up limit; another /64 has its own', async () => {
    const app = productionApp(kit, { rateLimits: DEFAULT_RATE_LIMITS });
    const statuses = [];
    for (let i = 1; i <= PUBLIC_OPERATION_LIMITS.invitationByToken + 1; i++) statuses.push((await lookUp(app, `2001:db8:1:2::${i.toString(16)}`)).status);
    expect(statuses.slice(0, -1)).toEqual(Array(PUBLIC_OPERATION_LIMITS.invitationByToken).fill(200));
    expect(statuses.at(-1)).toBe(429);
    expect((await lookUp(app, '2001:db8:1:2:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await lookUp(app, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('sign-in failures and known addresses are counted per /64', async () => {
    const org = await kit.createOrganization();
    const answers = [];
    for (let i = 1; i <= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS + 1; i++) answers.push(await login(org.adminEmail, 'wrong password', `2001:db8:5:6::${i}`));
    expect(tally(answers)).toEqual({ InvalidCredentials: MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, TooManyLoginAttempts: 1 });
    expect(await kit.prisma.loginAttempt.count({ where: { email: org.adminEmail, address: '2001:db8:5:6::/64' } })).toBe(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
    // Another /64 is another caller.
    expect(await login(org.adminEmail, KIT_ADMIN_PASSWORD, '2001:db8:5:7::1')).toBe('AdminLoginPayload');
    expect(await kit.prisma.adminSignInAddress.findMany({ where: { adminId: org.adminId }, select: { address: true } })).toEqual([
      { address: '2001:db8:5:7::/64' },
    ]);
  });
});

describe('over real HTTP, the proxies named in TRUST_PROXY', () => {
  let server: Server | undefined;
  const close = async () => {
    const open = server;
    server = undefined;
    if (open) await new Promise((resolve) => open.close(resolve));
  };
  afterEach(close);

  /** Serves a production app with TRUST_PROXY = `trustProxy` on 127.0.0.1; a wrong sign-in with the header, then the address it was counted at. */
  async function countedAt(trustProxy: string, xForwardedFor: string): Promise<string> {
    server = createServer(productionApp(kit, { env: { TRUST_PROXY: trustProxy } }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const email = `counted-${++counter}@nowhere.test`;
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': xForwardedFor },
      body: JSON.stringify({ query: LOGIN, variables: { email, password: 'wrong password' } }),
    });
    expect(((await response.json()) as { data: { adminLogin: { __typename: string } } }).data.adminLogin.__typename).toBe('InvalidCredentials');
    const attempt = await kit.prisma.loginAttempt.findFirstOrThrow({ where: { email }, select: { address: true } });
    return attempt.address;
  }

  it('trusting nothing: the connection’s address', async () => {
    expect(await countedAt('false', '203.0.113.20')).toBe('127.0.0.1');
  });

  it('two hops: the entry before the second proxy’s', async () => {
    expect(await countedAt('2', '198.51.100.1, 203.0.113.21, 10.0.0.1')).toBe('203.0.113.21');
  });

  it('a list of addresses and ranges: the rightmost entry not within it (an entry that is not an address is not a proxy)', async () => {
    expect(await countedAt('127.0.0.1, 10.0.0.0/8, 2001:db8:ffff::/48', '198.51.100.1, 203.0.113.22, 2001:db8:ffff::5, 10.9.9.9')).toBe('203.0.113.22');
    await close();
    expect(await countedAt('127.0.0.1, 10.0.0.0/8', '198.51.100.1, 203.0.113.22, not-an-ip, 10.9.9.9')).toBe('unparsed:not-an-ip');
    await close();
    expect(await countedAt('loopback', '2001:db8:7:7::7')).toBe('2001:db8:7:7::/64');
  });
});

describe('TRUST_PROXY=true in production', () => {
  it('refuses to start, with one configuration line', async () => {
    const { code, output } = await builtServerExit(inject('postgresServerUrl'), { TRUST_PROXY: 'true' });
    expect(code).toBe(1);
    expect(output).toContain('TRUST_PROXY: "true" is refused in production');
    expect(output).not.toContain('    at ');
  });
});

afterAll(() => vi.restoreAllMocks());

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as passwords from '../auth/passwords.ts';
import { TEST_PUBLIC_URL, type TestOrganization, useTestKit } from '../test/kit.ts';
import { productionApp } from '../test/production.ts';
import { createApp } from '../app/yoga.ts';
import { PUBLIC_OPERATION_LIMITS } from '../kernel/limits.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimitSettings } from './rate-limits.ts';
import { expectTypename } from '../test/operations.ts';
import { createPool } from '../database/connections.ts';

// Finding 5: nothing but sign-in was rate-limited, and 100 aliased accepts of a
// used token burned 2 s of CPU anonymously. Now each API key and each admin
// spends a budget of points per minute by the cost of its operations, anonymous
// callers a smaller one per address, and the public operations count per
// address; a spent budget answers RATE_LIMITED with the time to wait, a 429,
// Retry-After and rate-limit headers. invitationAccept hashes a password only
// for a token that works.

vi.mock('../auth/passwords.ts', { spy: true });

const kit = useTestKit();

const SMALL: RateLimitSettings = { ...DEFAULT_RATE_LIMITS, pointsPerMinute: 600, anonymousPointsPerMinute: 5 };

async function send(
  app: { fetch: typeof kit.app.fetch },
  query: string,
  options: { token?: string; address?: string; variables?: Record<string, unknown> } = {},
) {
  const response = await app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': options.address ?? '192.0.2.1',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] },
  };
}

// Asks for 1 + 100 × (edge 1 + node 1 + parkingLots 1) = 301 points; on 100 profiles without
// parking lots it returns 201 objects (the connection, 100 edges, 100 nodes): it spends 201.
const PAGE = '{ profiles(first: 100) { edges { node { id parkingLots { name } } } } }';

describe('refused credentials', () => {
  it('charge the address one anonymous point each, so a flood of bad keys meets RATE_LIMITED', async () => {
    const app = productionApp(kit, { rateLimits: SMALL });
    const address = '192.0.2.77';
    for (let i = 0; i < SMALL.anonymousPointsPerMinute; i++) {
      const refused = await send(app, '{ viewer { role } }', { token: 'ppk_not_a_real_key', address });
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const limited = await send(app, '{ viewer { role } }', { token: 'ppk_not_a_real_key', address });
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await send(app, '{ viewer { role } }', { token: 'ppk_not_a_real_key', address: '192.0.2.78' });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('budgets by query cost', () => {
  let org: TestOrganization;
  beforeAll(async () => {
    org = await kit.createOrganization();
    await org.insertProfiles(100);
  });

  it('spends an API key’s points by the cost of each operation, then answers RATE_LIMITED with the time to wait', async () => {
    const app = productionApp(kit, { rateLimits: { ...SMALL, pointsPerMinute: 450 } });
    const first = await send(app, PAGE, { token: org.apiKey });
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('ratelimit-limit')).toBe('450');
    expect(first.headers.get('ratelimit-remaining')).toBe(String(450 - 201));
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);

    const second = await send(app, PAGE, { token: org.apiKey });
    expect(second.status).toBe(429);
    expect(second.body.data).toBeUndefined();
    expect(second.body.errors).toHaveLength(1);
    const [error] = second.body.errors!;
    expect(error!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 450, cost: 301 });
    expect(error!.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(error!.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(error!.message).toMatch(/^Rate limit reached: this API key may spend 450 points per minute \(this request: 301\)\. Retry in \d+ s\.$/);
    expect(second.headers.get('retry-after')).toBe(String(error!.extensions.retryAfterSeconds));
    expect(second.headers.get('ratelimit-remaining')).toBe('0');

    // The refused request cost one point: a cheap call still fits. The admin and other organizations have budgets of their own.
    const cheap = await send(app, '{ viewer { role } }', { token: org.apiKey });
    expect(cheap.body.errors).toBeUndefined();
    expect(cheap.headers.get('ratelimit-remaining')).toBe(String(450 - 201 - 1 - 1));
    expect((await send(app, PAGE, { token: org.sessionToken })).body.errors).toBeUndefined();
    const other = await kit.createOrganization();
    expect((await send(app, PAGE, { token: other.apiKey })).body.errors).toBeUndefined();
  });

  it('gives back what a query did not return: it may run by what it asks for, it spends what it got', async () => {
    const app = productionApp(kit, { rateLimits: { ...SMALL, pointsPerMinute: 400 } });
    const small = await kit.createOrganization();
    await small.insertProfiles(2);
    for (let i = 0; i < 10; i++) {
      const page = await send(app, PAGE, { token: small.apiKey });
      expect(page.body.data.profiles.edges).toHaveLength(2);
      expect(page.headers.get('ratelimit-remaining')).toBe(String(400 - 5 * (i + 1))); // 1 + 2 edges + 2 nodes each
    }
  });

  it('gives anonymous callers a budget per address', async () => {
    const app = productionApp(kit, { rateLimits: SMALL });
    for (let i = 0; i < 5; i++) expect((await send(app, '{ __typename }', { address: '198.51.100.5' })).body.errors).toBeUndefined();
    const limited = await send(app, '{ __typename }', { address: '198.51.100.5' });
    expect(limited.body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
    expect(limited.body.errors![0]!.message).toContain('anonymous calls from this address may spend 5 points per minute');
    expect((await send(app, '{ __typename }', { address: '198.51.100.6' })).body.errors).toBeUndefined();
  });

  it('charges a refused operation one point, so refusals are not free to repeat', async () => {
    const app = productionApp(kit, { rateLimits: { ...SMALL, anonymousPointsPerMinute: 2 } });
    for (let i = 0; i < 2; i++) {
      const refused = await send(app, '{ profiles(first: 1000) { totalCount } }', { address: '198.51.100.9' });
      expect(refused.body.errors![0]!.extensions.code).toBe('PAGE_SIZE_TOO_LARGE');
    }
    expect((await send(app, '{ __typename }', { address: '198.51.100.9' })).body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
  });

  it('shares the counters between servers through PostgreSQL', async () => {
    const pool = createPool('test', { connectionString: kit.worker.connectionString, max: 2 });
    const settings = { ...SMALL, pointsPerMinute: 400 };
    const options = { prisma: kit.prisma, databaseUrl: kit.worker.connectionString, clock: kit.clock, settings: kit.worker.settings };
    const [one, two] = [
      createApp({ ...options, rateLimits: createRateLimits(settings, { pool }) }),
      createApp({ ...options, rateLimits: createRateLimits(settings, { pool }) }),
    ];
    const caller = await kit.createOrganization();
    await caller.insertProfiles(100);
    expect((await send(one, PAGE, { token: caller.apiKey })).body.errors).toBeUndefined();
    const onTheOther = await send(two, PAGE, { token: caller.apiKey });
    expect(onTheOther.body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
    const { rows } = await pool.query<{ points: number }>('SELECT points FROM rate_limit WHERE key = $1', [`caller:key:${caller.apiKeyId}`]);
    // 301 asked for by the first (the 100 it did not return wait as a credit on server one), then 1 for the refused request.
    expect(rows).toEqual([{ points: 302 }]);
    // Server one spends that credit with the caller's next request there: 41 points asked for, 1 counted (at least one
    // always is), and the budget it reports counts the credit left.
    const next = await send(one, '{ profiles(first: 20) { edges { node { id } } } }', { token: caller.apiKey });
    expect(next.body.errors).toBeUndefined();
    expect(Number(next.headers.get('ratelimit-remaining'))).toBeGreaterThan(400 - 303);
    const after = await pool.query<{ points: number }>('SELECT points FROM rate_limit WHERE key = $1', [`caller:key:${caller.apiKeyId}`]);
    expect(after.rows).toEqual([{ points: 303 }]);
    await pool.end();
  });
});

describe('charging ahead (what SCIM asks for an identity provider)', () => {
  const caller = (id: string) => ({
    viewer: { organizationId: '', plan: 'ENTERPRISE' as const, role: 'ADMIN' as const, actor: { kind: 'API_KEY' as const, id } },
    address: '192.0.2.7',
  });
  const spend = async (limits: ReturnType<typeof createRateLimits>[], who: ReturnType<typeof caller>, times: number) => {
    let granted = 0;
    for (let i = 0; i < times; i++) {
      try {
        await limits[i % limits.length]!.charge(who, 1, new Map(), { ahead: 50 });
        granted++;
      } catch (error) {
        expect((error as { extensions?: { code?: unknown } }).extensions?.code).toBe('RATE_LIMITED');
      }
    }
    return granted;
  };

  it('grants exactly the budget on one server, with a statement to the counters per many requests', async () => {
    const pool = createPool('test', { connectionString: kit.worker.connectionString, max: 2 });
    const statements = vi.spyOn(pool, 'query');
    const limits = createRateLimits({ ...SMALL, pointsPerMinute: 300 }, { pool });
    const who = caller(`ahead-alone-${Date.now()}`);
    expect(await spend([limits], who, 300)).toBe(300);
    // Without charging ahead: 300 statements (one per charge). With it: the first charges learn the budget, then one
    // statement counts up to 50 points; near the end, fewer (a tenth of what is left).
    expect(statements.mock.calls.length).toBeLessThan(50);
    expect(await spend([limits], who, 1)).toBe(0);
    await pool.end();
  });

  it('never grants more than the budget to a caller spread over two servers', async () => {
    const pool = createPool('test', { connectionString: kit.worker.connectionString, max: 2 });
    const settings = { ...SMALL, pointsPerMinute: 300 };
    const granted = await spend([createRateLimits(settings, { pool }), createRateLimits(settings, { pool })], caller(`ahead-two-${Date.now()}`), 400);
    // Each server may hold up to 50 points counted but not yet spent: refused early by at most that, never late.
    expect(granted).toBeLessThanOrEqual(300);
    expect(granted).toBeGreaterThanOrEqual(300 - 2 * 50);
    await pool.end();
  });

  it('keeps the points counted ahead in a window’s last second as a credit, spent there without a statement', async () => {
    const pool = createPool('test', { connectionString: kit.worker.connectionString, max: 2 });
    const settings = { ...SMALL, pointsPerMinute: 300 };
    const [other, here] = [createRateLimits(settings, { pool }), createRateLimits(settings, { pool })];
    const who = caller(`ahead-edge-${Date.now()}`);
    const start = Date.now();
    const now = vi.spyOn(Date, 'now');
    try {
      // Another server opens the window (it ends at start + 60 s); this one learns it half a second later.
      now.mockReturnValue(start);
      await other.charge(who, 1, new Map(), { ahead: 50 });
      now.mockReturnValue(start + 500);
      await here.charge(who, 1, new Map(), { ahead: 50 });
      // 0.8 s before the window ends: 1 point asked for, up to 29 more counted ahead (a tenth of the 298 left).
      now.mockReturnValue(start + 59_200);
      const statements = vi.spyOn(pool, 'query');
      const edge = await here.charge(who, 1, new Map(), { ahead: 50 });
      expect(statements).toHaveBeenCalledTimes(1);
      const { rows } = await pool.query<{ points: number }>('SELECT points FROM rate_limit WHERE key = $1', [`caller:key:${who.viewer.actor.id}`]);
      const counted = rows[0]!.points;
      expect(counted).toBeGreaterThan(3);
      // What was counted and not spent is held for this window: the budget it reports is what the caller did not spend...
      expect(edge.remaining).toBe(300 - 3);
      // ... and the caller's next requests in that last second spend it, with no statement to the counters.
      now.mockReturnValue(start + 59_500);
      statements.mockClear();
      for (let i = 0; i < counted - 3; i++) await here.charge(who, 1, new Map(), { ahead: 50 });
      expect(statements).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
      await pool.end();
    }
  });
});

describe('the public operations, per address', () => {
  const app = () => productionApp(kit, { rateLimits: DEFAULT_RATE_LIMITS });
  const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

  it(`allows ${PUBLIC_OPERATION_LIMITS.invitationByToken} invitationByToken and ${PUBLIC_OPERATION_LIMITS.invitationAccept} invitationAccept a minute from one address, aliases counted`, async () => {
    const server = app();
    const byToken = 'invitationByToken(token: "not-a-token") { state }';
    expect((await send(server, aliased(15, byToken), { address: '203.0.113.1' })).body.errors).toBeUndefined();
    expect((await send(server, aliased(15, byToken), { address: '203.0.113.1' })).body.errors).toBeUndefined();
    const limited = await send(server, aliased(1, byToken), { address: '203.0.113.1' });
    expect(limited.status).toBe(429);
    expect(limited.body.errors![0]!.message).toContain('invitationByToken from this address may spend 30 points per minute');
    expect((await send(server, aliased(1, byToken), { address: '203.0.113.2' })).body.errors).toBeUndefined();

    const accept = 'invitationAccept(input: { token: "not-a-token", password: "a fine long password" }) { __typename }';
    const ten = await send(server, `mutation ${aliased(10, accept)}`, { address: '203.0.113.3' });
    expect(Object.values(ten.body.data)).toEqual(Array(10).fill({ __typename: 'InvitationNotFound' }));
    // Credentials do not lift the public limits.
    const org = await kit.createOrganization();
    const eleventh = await send(server, `mutation ${aliased(1, accept)}`, { address: '203.0.113.3', token: org.apiKey });
    expect(eleventh.body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
  });

  it(`allows ${PUBLIC_OPERATION_LIMITS.adminLogin} adminLogin a minute from one address`, async () => {
    const server = app();
    const login = 'adminLogin(input: { email: "nobody@nowhere.test", password: "wrong password" }) { __typename }';
    for (let i = 0; i < PUBLIC_OPERATION_LIMITS.adminLogin / 15; i++) {
      expect((await send(server, `mutation ${aliased(15, login)}`, { address: '203.0.113.4' })).body.errors).toBeUndefined();
    }
    expect((await send(server, `mutation ${aliased(1, login)}`, { address: '203.0.113.4' })).body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
  });
});

describe('invitationAccept', () => {
  it('hashes the password only once the token proved it works', async () => {
    const org = await kit.createOrganization();
    const [id] = await org.insertProfiles(1);
    const invited = expectTypename(await org.api.profileInvite(id!, { sendEmail: false }), 'ProfileInvitePayload');
    const token = invited.link!.split('#token=')[1]!;
    // A raw document on purpose: n aliases of one mutation in one request.
    const accept = (n: number) =>
      kit.graphql(
        `mutation ($token: String!) { ${Array.from({ length: n }, (_, i) => `a${i}: invitationAccept(input: { token: $token, password: "a fine long password" }) { __typename }`).join(' ')} }`,
        { token },
      );

    const hashes = vi.mocked(passwords.hashPassword);
    hashes.mockClear();
    expect((await accept(1)).data).toEqual({ a0: { __typename: 'InvitationAcceptPayload' } });
    expect(hashes).toHaveBeenCalledTimes(1);

    const started = performance.now();
    const used = await accept(15);
    const elapsed = performance.now() - started;
    expect(Object.values(used.data)).toEqual(Array(15).fill({ __typename: 'InvitationAlreadyUsed' }));
    expect(hashes).toHaveBeenCalledTimes(1);
    expect(elapsed).toBeLessThan(2_000);
  });
});

afterAll(() => vi.restoreAllMocks());

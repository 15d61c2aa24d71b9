import { describe, expect, it } from 'vitest';
import { ViewerIdentityDocument } from '../test/generated/graphql.ts';
import { appOptions } from '../app/wiring.ts';
import { createApp } from '../app/yoga.ts';
import { KIT_ADMIN_PASSWORD, type TestKit, TEST_PUBLIC_URL, testRateLimits, useTestKit } from '../test/kit.ts';
import { productionConfig } from '../test/production.ts';
import { DEVICE_COOKIE, SESSION_COOKIE } from './admin-session.ts';

// The admin UI's session cookie: set by POST /session, HttpOnly and
// SameSite=Strict (Secure in production), accepted by /graphql only from this
// server's own pages (CSRF), ended server-side by DELETE /session.

const kit = useTestKit();

/** What the admin UI's page sends: its own Origin and the CSRF header. */
const FROM_THE_UI = { origin: TEST_PUBLIC_URL, 'x-graphql-yoga-csrf': '1', 'sec-fetch-site': 'same-origin' };

async function signIn(email: string, app: TestKit['app'] = kit.app, headers: Record<string, string> = FROM_THE_UI) {
  return app.fetch(`${TEST_PUBLIC_URL}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password: KIT_ADMIN_PASSWORD }),
  });
}

/** The cookies a response sets, by name: the whole Set-Cookie line. */
function setCookies(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.getSetCookie().map((line) => [line.split('=')[0]!, line]));
}

const cookieValue = (line: string) => line.split(';')[0]!.split('=').slice(1).join('=');

describe('the admin UI session cookie', () => {
  it('is set at sign-in, HttpOnly and SameSite=Strict, with no token in the answer, and signs /graphql requests from the UI in', async () => {
    const org = await kit.createOrganization();
    const response = await signIn(org.adminEmail);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['expiresAt']);
    const cookies = setCookies(response);
    expect(cookies[SESSION_COOKIE]).toMatch(/^parkpass_session=pps_[\w-]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(cookies[DEVICE_COOKIE]).toMatch(/^parkpass_device=ppd_[\w-]+; Path=\/session; Max-Age=15552000; HttpOnly; SameSite=Strict$/);

    const cookie = `${SESSION_COOKIE}=${cookieValue(cookies[SESSION_COOKIE]!)}`;
    const viewer = await kit.as(null, { headers: { ...FROM_THE_UI, cookie } }).send(ViewerIdentityDocument, {});
    expect(viewer.data?.viewer).toMatchObject({ actorKind: 'ADMIN', role: 'OWNER' });
    const current = await kit.app.fetch(`${TEST_PUBLIC_URL}/session`, { headers: { cookie } });
    expect(current.status).toBe(200);
    expect(await current.json()).toEqual(body);
  });

  it('is Secure in production (an https PUBLIC_URL), the device cookie too', async () => {
    const org = await kit.createOrganization();
    // The app as main.ts builds it in production, on its https public address.
    const config = productionConfig({ TRUST_PROXY: '1' });
    const app = createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: { ...kit.worker.settings, publicUrl: config.publicUrl },
      ...appOptions(config),
      rateLimits: testRateLimits(),
    });
    const response = await signIn(org.adminEmail, app, { ...FROM_THE_UI, origin: 'https://parkpass.test' });
    expect(response.status).toBe(200);
    const cookies = setCookies(response);
    expect(cookies[SESSION_COOKIE]).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    expect(cookies[DEVICE_COOKIE]).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('refuses a cross-site request that relies on the cookie (by Origin, by Sec-Fetch-Site, or without the CSRF header), and a cross-site sign-in', async () => {
    const org = await kit.createOrganization();
    const cookie = `${SESSION_COOKIE}=${org.sessionToken}`;
    const crossSite: Record<string, string>[] = [
      { ...FROM_THE_UI, origin: 'https://evil.example' },
      { ...FROM_THE_UI, origin: 'null' },
      { 'x-graphql-yoga-csrf': '1', 'sec-fetch-site': 'cross-site' },
      { 'x-graphql-yoga-csrf': '1', 'sec-fetch-site': 'same-site' },
      { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of crossSite) {
      const response = await kit.as(null, { headers: { ...headers, cookie } }).send(ViewerIdentityDocument, {});
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(headers)).toBe('CSRF_HEADER_MISSING');
      expect(response.data ?? null).toBeNull();
    }
    const refused = await signIn(org.adminEmail, kit.app, { ...FROM_THE_UI, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie()).toEqual([]);
    // The SDK's way is unchanged: a Bearer token, from anywhere, and the cookie is then not looked at.
    const bearer = await kit.as(org.apiKey, { headers: { origin: 'https://integrator.example', cookie } }).send(ViewerIdentityDocument, {});
    expect(bearer.data?.viewer).toMatchObject({ actorKind: 'API_KEY' });
  });

  it('ends at sign-out: the session is ended in the database, the cookie cleared, and an old copy of it refused', async () => {
    const org = await kit.createOrganization();
    const cookies = setCookies(await signIn(org.adminEmail));
    const cookie = `${SESSION_COOKIE}=${cookieValue(cookies[SESSION_COOKIE]!)}`;
    const cross = await kit.app.fetch(`${TEST_PUBLIC_URL}/session`, { method: 'DELETE', headers: { cookie, origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);

    const out = await kit.app.fetch(`${TEST_PUBLIC_URL}/session`, { method: 'DELETE', headers: { ...FROM_THE_UI, cookie } });
    expect(out.status).toBe(200);
    expect(setCookies(out)[SESSION_COOKIE]).toMatch(/^parkpass_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    const sessions = await kit.prisma.adminSession.findMany({ where: { adminId: org.adminId, revokedAt: { not: null } } });
    expect(sessions).toHaveLength(1);

    const after = await kit.as(null, { headers: { ...FROM_THE_UI, cookie } }).send(ViewerIdentityDocument, {});
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/session ended/);
    const current = await kit.app.fetch(`${TEST_PUBLIC_URL}/session`, { headers: { cookie } });
    expect(await current.json()).toEqual({ expiresAt: null });
    expect(setCookies(current)[SESSION_COOKIE]).toMatch(/Max-Age=0/);
  });

  it('answers a wrong password with the typed code, and sets no cookie', async () => {
    const org = await kit.createOrganization();
    const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...FROM_THE_UI },
      body: JSON.stringify({ email: org.adminEmail, password: 'not-the-password' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../database/index.ts';
import { rootDir } from '../database/paths.ts';
import { createPrisma } from '../database/prisma.ts';
import { TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { productionApp, productionConfig } from '../test/production.ts';
import { appOptions } from '../app/wiring.ts';
import { createApp } from '../app/yoga.ts';
import { captureLogs } from '../observability/log.ts';

// Every response carries nosniff and refuses to be framed (the sign-in form of
// /mailbox, the accept page's password form, the admin UI); HSTS only where
// the public address is https.

const kit = useTestKit();
const MAILBOX = { POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' };
const asset = readdirSync(path.join(rootDir, 'admin/dist/assets')).find((file) => file.endsWith('.js'))!;

type App = ReturnType<typeof createApp>;

async function answers(app: App) {
  const get = (route: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => app.fetch(`${TEST_PUBLIC_URL}${route}`, init);
  return {
    'POST /graphql': await get('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
    'GET /graphql without the CSRF header (403)': await get('/graphql?query=%7B__typename%7D'),
    'POST /graphql, not JSON (400)': await get('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
    'GET /admin/': await get('/admin/'),
    'GET /admin/assets/…': await get(`/admin/assets/${asset}`),
    'GET /accept': await get('/accept?lang=en'),
    'GET /mailbox (its sign-in form, 401)': await get('/mailbox'),
    'GET /health': await get('/health'),
    'GET /nowhere (404)': await get('/nowhere'),
  };
}

function expectNotFramableNorSniffed(responses: Record<string, Response>) {
  for (const [route, response] of Object.entries(responses)) {
    expect(response.headers.get('x-content-type-options'), route).toBe('nosniff');
    expect(response.headers.get('x-frame-options'), route).toBe('DENY');
    expect(response.headers.get('content-security-policy'), route).toContain("frame-ancestors 'none'");
  }
}

describe('response headers', () => {
  it('nosniff and no framing on every route, each page keeping its own policy; no HSTS over http', async () => {
    const responses = await answers(productionApp(kit, { env: MAILBOX }));
    expect(Object.fromEntries(Object.entries(responses).map(([route, response]) => [route, response.status]))).toEqual({
      'POST /graphql': 200,
      'GET /graphql without the CSRF header (403)': 403,
      'POST /graphql, not JSON (400)': 400,
      'GET /admin/': 200,
      'GET /admin/assets/…': 200,
      'GET /accept': 200,
      'GET /mailbox (its sign-in form, 401)': 401,
      'GET /health': 200,
      'GET /nowhere (404)': 404,
    });
    expectNotFramableNorSniffed(responses);
    expect(responses['GET /accept'].headers.get('content-security-policy')).toMatch(/^default-src 'none'; .*; frame-ancestors 'none'$/);
    expect(responses['GET /admin/'].headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    for (const response of Object.values(responses)) expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('adds HSTS when the public address is https', async () => {
    const config = productionConfig({ ...MAILBOX, PUBLIC_URL: 'https://parkpass.example.com' });
    const app = createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: { ...kit.worker.settings, publicUrl: config.publicUrl },
      ...appOptions(config),
    });
    const responses = await answers(app);
    expectNotFramableNorSniffed(responses);
    for (const [route, response] of Object.entries(responses)) expect(response.headers.get('strict-transport-security'), route).toBe('max-age=31536000');
  });

  it('on an unexpected failure too (500 "Internal error")', async () => {
    const errorLog = captureLogs('error');
    const missing = withDatabase(inject('postgresServerUrl'), 'parkpass_no_such_database');
    const broken = createPrisma(missing);
    const app = createApp({ prisma: broken, databaseUrl: missing, clock: kit.clock, settings: kit.worker.settings, ...appOptions(productionConfig(MAILBOX)) });
    const failed = await app.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { authorization: 'Bearer pps_unknown' } });
    expect(failed.status).toBe(500);
    expectNotFramableNorSniffed({ 'GET /mailbox, the database out of reach': failed });
    await broken.$disconnect();
    errorLog.stop();
  });
});

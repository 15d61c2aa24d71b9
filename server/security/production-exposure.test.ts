import { afterEach, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../database/index.ts';
import { createPrisma } from '../database/prisma.ts';
import { TEST_PUBLIC_URL, TEST_WEBHOOK_PASSWORD, useTestKit } from '../test/kit.ts';
import { productionApp, productionConfig } from '../test/production.ts';
import { appOptions } from '../app/wiring.ts';
import { createApp } from '../app/yoga.ts';
import { captureLogs } from '../observability/log.ts';

// Finding 9: production showed its insides: introspection, GraphiQL and "Did
// you mean …" were on; /mailbox/<bad id> and /webhooks/postmark with a body of
// null answered 500 with a Prisma stack trace and file paths; CORS reflected
// any origin with credentials; form-encoded and multipart POSTs were executed.

const kit = useTestKit();
const app = () => productionApp(kit, { env: { POSTMARK_WEBHOOK_PASSWORD: TEST_WEBHOOK_PASSWORD } });

async function graphql(server: ReturnType<typeof app>, query: string, headers: Record<string, string> = {}) {
  const response = await server.fetch(`${TEST_PUBLIC_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] },
  };
}

/** What must never reach a caller: the ORM's words, stack frames, file paths. */
const INSIDES = /prisma|PrismaClient|invocation|\n\s+at |\/work\/|node_modules|\.ts:\d+/i;

// The server's log lines at error level, per test.
let errorLog = captureLogs('error');
afterEach(() => {
  errorLog.stop();
  errorLog = captureLogs('error');
});

describe('production mode', () => {
  it('answers no introspection and no GraphiQL unless enabled, and hides suggestions', async () => {
    const server = app();
    const introspection = await graphql(server, '{ __schema { queryType { name } } }');
    expect(introspection.body.errors!.map((error) => error.extensions.code)).toContain('INTROSPECTION_DISABLED');
    expect(introspection.body.data).toBeUndefined();
    const type = await graphql(server, '{ __type(name: "Profile") { fields { name } } }');
    expect(type.body.errors![0]!.extensions.code).toBe('INTROSPECTION_DISABLED');
    expect((await graphql(server, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });

    const playground = await server.fetch(`${TEST_PUBLIC_URL}/graphql`, { headers: { accept: 'text/html' } });
    expect(playground.headers.get('content-type') ?? '').not.toContain('text/html');

    const typo = await graphql(server, '{ profils { totalCount } }');
    expect(typo.body.errors![0]!.message).toBe('Cannot query field "profils" on type "Query". [Suggestion hidden]');
    // Every form of suggestion: a field of an interface, an argument, an enum literal, a type, a variable's input field and enum value.
    const org = await kit.createOrganization();
    const send = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await server.fetch(`${TEST_PUBLIC_URL}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      return ((await response.json()) as { errors: { message: string }[] }).errors.map((error) => error.message);
    };
    const filtered = 'query ($f: ProfileFilter) { profiles(first: 1, filter: $f) { totalCount } }';
    const messages = [
      ...(await send('{ node(id: "x") { email } }')),
      ...(await send('{ profiles(frist: 1) { totalCount } }')),
      ...(await send('{ profiles(first: 1, filter: { statuses: [PENDNG] }) { totalCount } }')),
      ...(await send('query ($f: ProfileFiltr) { profiles(first: 1, filter: $f) { totalCount } }')),
      ...(await send(filtered, { f: { status: ['x'] } })),
      ...(await send(filtered, { f: { statuses: ['PENDNG'] } })),
    ];
    expect(messages).toHaveLength(6);
    for (const message of messages) {
      expect(message).toContain('[Suggestion hidden]');
      expect(message).not.toMatch(/Did you mean|"Admin"|"Invitation"|"first"|"PENDING"|"statuses"/);
    }

    const enabled = productionApp(kit, { env: { PARKPASS_GRAPHIQL: 'true' } });
    expect((await graphql(enabled, '{ __schema { queryType { name } } }')).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await graphql(enabled, '{ node(id: "x") { email } }')).body.errors![0]!.message).toMatch(/Did you mean to use an inline fragment on "Admin"/);
    expect((await enabled.fetch(`${TEST_PUBLIC_URL}/graphql`, { headers: { accept: 'text/html' } })).headers.get('content-type')).toContain('text/html');
    expect(productionConfig({ PARKPASS_INTROSPECTION: 'true' }).exposure).toEqual({ introspection: true, graphiql: false, corsOrigins: [] });
  });

  it('answers bad requests to the other routes with a short text, never a 500 or a trace', async () => {
    const server = productionApp(kit, { env: { POSTMARK_WEBHOOK_PASSWORD: TEST_WEBHOOK_PASSWORD, POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' } });
    const org = await kit.createOrganization();
    const owner = { authorization: `Bearer ${org.sessionToken}` };
    const webhook = (body: string) =>
      server.fetch(`${TEST_PUBLIC_URL}/webhooks/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`postmark:${TEST_WEBHOOK_PASSWORD}`).toString('base64')}` },
        body,
      });
    const answers = [
      await server.fetch(`${TEST_PUBLIC_URL}/mailbox/------------------------------------`, { headers: owner }),
      await server.fetch(`${TEST_PUBLIC_URL}/mailbox/00000000-0000-0000-0000-00000000000g`, { headers: owner }),
      await webhook('null'),
      await webhook('[1, 2]'),
      await webhook('{"RecordType": "Delivery", "MessageID": {"$ne": 1}}'),
      await webhook('{"RecordType": '),
      await server.fetch(`${TEST_PUBLIC_URL}/accept`, { method: 'POST', body: 'x' }),
    ];
    expect(answers.map((response) => response.status)).toEqual([404, 404, 400, 400, 400, 400, 405]);
    for (const response of answers) {
      const text = await response.text();
      expect(text.length).toBeLessThan(100);
      expect(text).not.toMatch(INSIDES);
    }
  });

  it('answers an unexpected failure with "Internal error" and the detail in the server log only', async () => {
    // A database that does not exist: every query fails inside Prisma.
    const missing = withDatabase(inject('postgresServerUrl'), 'parkpass_no_such_database');
    const broken = createPrisma(missing);
    const config = productionConfig({ POSTMARK_WEBHOOK_PASSWORD: TEST_WEBHOOK_PASSWORD, POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' });
    const server = createApp({ prisma: broken, databaseUrl: missing, clock: kit.clock, settings: kit.worker.settings, ...appOptions(config) });
    const webhook = await server.fetch(`${TEST_PUBLIC_URL}/webhooks/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`postmark:${TEST_WEBHOOK_PASSWORD}`).toString('base64')}` },
      body: JSON.stringify({ RecordType: 'Delivery', MessageID: 'abc' }),
    });
    const mailbox = await server.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { authorization: 'Bearer pps_unknown' } });
    for (const response of [webhook, mailbox]) {
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal error');
    }
    const logged = errorLog.text();
    expect(logged).toContain('POST /webhooks/postmark failed');
    expect(logged).toContain('GET /mailbox failed');
    expect(logged).toMatch(/parkpass_no_such_database|does not exist/);

    // On /graphql, yoga masks it (errors.ts gives it its code).
    const query = await graphql(server, '{ profiles(first: 1) { totalCount } }', { authorization: 'Bearer ppk_unknown' });
    expect(query.body.errors![0]!.message).toBe('Unexpected error.');
    expect(JSON.stringify(query.body)).not.toMatch(INSIDES);
    await broken.$disconnect();
  });

  it('sends no CORS headers to other origins unless they are in the allowlist', async () => {
    const preflight = (server: ReturnType<typeof app>, origin: string) =>
      server.fetch(`${TEST_PUBLIC_URL}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const sameOriginOnly = app();
    const evil = await preflight(sameOriginOnly, 'https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await graphql(sameOriginOnly, '{ __typename }', { origin: 'https://evil.example' })).headers.get('access-control-allow-origin')).toBeNull();

    const allowing = productionApp(kit, { env: { PARKPASS_CORS_ORIGINS: 'https://admin.example.com, https://hr.example.com/' } });
    expect((await preflight(allowing, 'https://hr.example.com')).headers.get('access-control-allow-origin')).toBe('https://hr.example.com');
    expect((await preflight(allowing, 'https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect((await preflight(allowing, 'https://hr.example.com')).headers.get('access-control-allow-credentials')).toBeNull();
    // An allowed browser app may send the headers the SDK sends, the call id among them, and read the request id and Retry-After.
    const allowed = await preflight(allowing, 'https://hr.example.com');
    expect(
      allowed.headers
        .get('access-control-allow-headers')
        ?.split(',')
        .map((name) => name.trim()),
    ).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-request-id', 'x-parkpass-call-id']));
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  it('does not execute GraphQL sent as a form, multipart or text, or by GET, without the CSRF header', async () => {
    const server = app();
    const query = 'mutation { adminLogout { __typename } }';
    const form = new FormData();
    form.set('operations', JSON.stringify({ query }));
    form.set('map', '{}');
    const attempts = [
      await server.fetch(`${TEST_PUBLIC_URL}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query }).toString(),
      }),
      await server.fetch(`${TEST_PUBLIC_URL}/graphql`, { method: 'POST', body: form }),
      await server.fetch(`${TEST_PUBLIC_URL}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query }) }),
      await server.fetch(`${TEST_PUBLIC_URL}/graphql?query=${encodeURIComponent('{ __typename }')}`),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('CSRF_HEADER_MISSING');
    }
    const withHeader = await server.fetch(`${TEST_PUBLIC_URL}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'x-graphql-yoga-csrf': '1' },
    });
    expect(await withHeader.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('masks unexpected errors (in every environment: there is no switch to show them)', () => {
    expect(Object.keys(appOptions(productionConfig()))).not.toContain('exposeErrors');
  });
});

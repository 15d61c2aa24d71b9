import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootDir } from '../database/paths.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';
import { productionApp } from '../test/production.ts';
import { REQUEST_LIMITS } from '../kernel/limits.ts';
import { limitsTableMarkdown, refusalCodesMarkdown } from './limits-table.ts';
import { captureLogs } from '../observability/log.ts';

// Finding 4: nothing bounded what one request may ask (2,000 aliased
// introspections: 9.7 s and +320 MB; 300 × profiles(first: 500): 19 s; 20,000
// ids in nodes: an internal error; a 100 MB body read whole; 5,000 nested
// fragments: HTTP 500). Each limit now refuses before any work, with a GraphQL
// error carrying its code, and never a 500.

const kit = useTestKit();
let app: ReturnType<typeof productionApp>;
let org: TestOrganization;

beforeAll(async () => {
  app = productionApp(kit);
  org = await kit.createOrganization();
});

async function send(body: unknown, options: { token?: string; app?: typeof app } = {}) {
  const response = await (options.app ?? app).fetch('http://parkpass.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

const codesOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => (body.errors ?? []).map((error) => error.extensions?.code);

const PROFILE_FIELDS = 'id firstName lastName email status parkingLots { id name } tags { id name } latestInvitation { id state expired }';

describe('the limits on one request', () => {
  it('refuses 2,000 aliased introspections (at the parser already), and a few more aliases than the limit, even where introspection is on', async () => {
    const introspections = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
    const started = performance.now();
    const finding = await send({ query: introspections(2_000) }, { app: kit.app });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(finding.status).not.toBe(500);
    expect(codesOf(finding.body)).toEqual(['TOO_MANY_TOKENS']);

    const { body } = await send({ query: introspections(REQUEST_LIMITS.aliases + 1) }, { app: kit.app });
    expect(codesOf(body)).toEqual(['TOO_MANY_ALIASES']);
    expect(body.errors![0]!.message).toBe(`Aliases limit of ${REQUEST_LIMITS.aliases} exceeded, found ${REQUEST_LIMITS.aliases + 1}.`);

    // Each whole-schema introspection costs 1,000 points: ten fit in one request, eleven do not.
    expect((await send({ query: introspections(10) }, { app: kit.app, token: org.apiKey })).body.errors).toBeUndefined();
    const eleven = await send({ query: introspections(11) }, { app: kit.app, token: org.apiKey });
    expect(codesOf(eleven.body)).toEqual(['QUERY_TOO_COSTLY']);
    expect(eleven.body.errors![0]!.extensions).toMatchObject({ cost: 11_000 });
  });

  it('refuses a selection nested deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 4; i++) selection = `latestInvitation { profile { ${selection} } }`;
    const { body } = await send({ query: `{ profiles(first: 1) { edges { node { ${selection} } } } }` }, { token: org.apiKey });
    expect(codesOf(body)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('refuses 20,000 nested brackets before parsing them, where the parser used to overflow its stack; a nested variable is a BAD_USER_INPUT', async () => {
    const logged = captureLogs('error');
    const deep = (n: number) => `${'['.repeat(n)}"x"${']'.repeat(n)}`;
    const refused = await send({ query: `{ profiles(first: 1, filter: { search: ${deep(20_000)} }) { totalCount } }` }, { token: org.apiKey });
    expect(refused.status).toBe(400);
    expect(codesOf(refused.body)).toEqual(['QUERY_TOO_DEEP']);
    expect(refused.body.errors![0]).toMatchObject({
      message: `The document nests brackets deeper than ${REQUEST_LIMITS.nesting}.`,
      extensions: { max: REQUEST_LIMITS.nesting },
    });
    expect(codesOf((await send({ query: `{ __typename(a: ${deep(REQUEST_LIMITS.nesting)}) }` })).body)).toEqual(['QUERY_TOO_DEEP']);

    // Brackets inside a string, a block string or a comment are text, not nesting.
    const text = '['.repeat(20_000);
    const quoted = await send(
      {
        query: `{ a: profiles(first: 1, filter: { search: "${text}" }) { totalCount } b: profiles(first: 1, filter: { search: """${text}""" }) { totalCount } } # ${text}`,
      },
      { token: org.apiKey },
    );
    expect(quoted.body).toEqual({ data: { a: { totalCount: 0 }, b: { totalCount: 0 } } });

    // 20,000 levels of JSON in a variable: graphql-js' coercion refuses it without recursing.
    const response = await app.fetch('http://parkpass.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
      body: `{"query": "query ($search: String) { profiles(first: 1, filter: { search: $search }) { totalCount } }", "variables": {"search": ${deep(20_000)}}}`,
    });
    expect(codesOf((await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] })).toEqual(['BAD_USER_INPUT']);
    expect(logged.entries()).toEqual([]);
    logged.stop();
  });

  it('refuses a document of more tokens than the limit, and 5,000 nested fragments are that, not an HTTP 500', async () => {
    const long = await send({ query: `{ ${'__typename '.repeat(REQUEST_LIMITS.tokens)} }` });
    expect(codesOf(long.body)).toEqual(['TOO_MANY_TOKENS']);

    const fragments = Array.from({ length: 5_000 }, (_, i) => `fragment F${i} on Query { ${i === 4_999 ? '__typename' : `...F${i + 1}`} }`);
    const started = performance.now();
    const nested = await send({ query: `query { ...F0 } ${fragments.join(' ')}` });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(nested.status).not.toBe(500);
    expect(codesOf(nested.body)).toEqual(['TOO_MANY_TOKENS']);
    expect(nested.body.errors![0]!.message).toBe(`Token limit of ${REQUEST_LIMITS.tokens} exceeded.`);
  });

  it('refuses more directives than the limit', async () => {
    const { body } = await send({ query: `{ ${'__typename @include(if: true) '.repeat(REQUEST_LIMITS.directives + 1)} }` });
    expect(codesOf(body)).toEqual(['TOO_MANY_DIRECTIVES']);
  });

  it('refuses first or last above the page size, literal or variable, rather than cutting the page short', async () => {
    const ok = await send({ query: '{ profiles(first: 500) { totalCount } }' }, { token: org.apiKey });
    expect(ok.body.errors).toBeUndefined();
    for (const [query, variables] of [
      ['{ profiles(first: 501) { totalCount } }', {}],
      ['query ($n: Int) { profiles(last: $n) { totalCount } }', { n: 10_000 }],
      ['{ parkingLots(first: 501) { totalCount } }', {}],
    ] as const) {
      const { body } = await send({ query, variables }, { token: org.apiKey });
      expect(codesOf(body), query).toEqual(['PAGE_SIZE_TOO_LARGE']);
      expect(body.errors![0]!.extensions).toMatchObject({ max: 500 });
      expect(body.data).toBeUndefined();
    }
  });

  it('costs one document by its variables each time: a remembered cost never lets a larger page or a costlier request through', async () => {
    const query = 'query ($n: Int) { profiles(first: $n) { edges { node { id } } } }';
    for (let i = 0; i < 2; i++) {
      const small = await send({ query, variables: { n: 5 } }, { token: org.apiKey });
      expect(small.body.errors).toBeUndefined();
      const large = await send({ query, variables: { n: 501 } }, { token: org.apiKey });
      expect(codesOf(large.body)).toEqual(['PAGE_SIZE_TOO_LARGE']);
    }
    const many = (first: number) =>
      `{ ${['a', 'b', 'c', 'd', 'e'].map((alias) => `${alias}: profiles(first: ${first}) { edges { node { ${PROFILE_FIELDS} } } }`).join(' ')} }`;
    for (let i = 0; i < 2; i++) expect(codesOf((await send({ query: many(500) }, { token: org.apiKey })).body)).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('refuses an operation that would cost more than the limit: a connection costs by its first', async () => {
    const page = (first: number, alias: string) => `${alias}: profiles(first: ${first}) { edges { node { ${PROFILE_FIELDS} } } }`;
    const fits = await send({ query: `{ ${page(500, 'a')} }` }, { token: org.apiKey });
    expect(fits.body.errors).toBeUndefined();
    const tooCostly = await send({ query: `{ ${['a', 'b', 'c', 'd', 'e'].map((alias) => page(500, alias)).join(' ')} }` }, { token: org.apiKey });
    expect(codesOf(tooCostly.body)).toEqual(['QUERY_TOO_COSTLY']);
    expect(tooCostly.body.errors![0]!.extensions).toMatchObject({ max: REQUEST_LIMITS.cost });
    expect(tooCostly.body.errors![0]!.extensions!.cost).toBeGreaterThan(REQUEST_LIMITS.cost);
    // 300 of them (the finding) stop at the parser; 16 small ones at the aliases.
    const finding = await send({ query: `{ ${Array.from({ length: 300 }, (_, i) => page(500, `p${i}`)).join(' ')} }` }, { token: org.apiKey });
    expect(codesOf(finding.body)).toEqual(['TOO_MANY_TOKENS']);
    const aliased = await send(
      { query: `{ ${Array.from({ length: 16 }, (_, i) => `p${i}: profiles(first: 500) { totalCount }`).join(' ')} }` },
      { token: org.apiKey },
    );
    expect(codesOf(aliased.body)).toEqual(['TOO_MANY_ALIASES']);
  });

  it('takes at most 100 ids in nodes', async () => {
    const [id] = await org.insertProfiles(1);
    const ids = (n: number) => Array.from({ length: n }, () => globalId('Profile', id!));
    const hundred = await send({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: ids(100) } }, { token: org.apiKey });
    expect(hundred.body.errors).toBeUndefined();
    expect(hundred.body.data.nodes).toHaveLength(100);
    for (const n of [101, 20_000]) {
      const { status, body } = await send({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: ids(n) } }, { token: org.apiKey });
      expect(status).not.toBe(500);
      expect(codesOf(body)).toEqual(['LIST_TOO_LONG']);
      expect(body.errors![0]!.extensions).toMatchObject({ argument: 'ids', max: 100, length: n });
    }
  });

  it("bounds a bulk selection's profile ids by the plan's largest bulk invitation, before reading any", async () => {
    const business = await kit.createOrganization({ plan: 'BUSINESS' });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => globalId('Profile', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    const preview = await send(
      { query: 'query ($ids: [ID!]) { profilesInvitePreview(profileIds: $ids) { total } }', variables: { ids: ids(5_001) } },
      { token: business.apiKey },
    );
    expect(codesOf(preview.body)).toEqual(['LIST_TOO_LONG']);
    expect(preview.body.errors![0]!.extensions).toMatchObject({ argument: 'profileIds', max: 5_000, length: 5_001 });
    const invite = await send(
      { query: 'mutation ($ids: [ID!]) { profilesInvite(input: { profileIds: $ids }) { __typename } }', variables: { ids: ids(5_001) } },
      { token: business.apiKey },
    );
    expect(invite.body.data.profilesInvite.__typename).toBe('SelectionTooLarge'); // its typed result, before reading anything
    expect(await kit.prisma.bulkInvitation.count({ where: { organizationId: business.id } })).toBe(0);

    const enterprise = await send(
      { query: 'query ($ids: [ID!]) { profilesInvitePreview(profileIds: $ids) { total } }', variables: { ids: ids(100_001) } },
      { token: org.apiKey },
    );
    expect(codesOf(enterprise.body)).toEqual(['LIST_TOO_LONG']);
    expect(enterprise.body.errors![0]!.extensions).toMatchObject({ max: 100_000 });
  });

  it("lets every operation of the SDK through (its documents' tokens, depth, aliases, directives)", async () => {
    const operationsDir = path.join(rootDir, 'sdk/src/operations');
    for (const file of readdirSync(operationsDir).filter((name) => name.endsWith('.graphql'))) {
      const source = readFileSync(path.join(operationsDir, file), 'utf8');
      for (const definition of parse(source).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation === 'subscription') continue;
        const { body } = await send({ query: source, operationName: definition.name!.value }, { token: org.apiKey });
        const limitCodes = codesOf(body).filter((code) => /TOO_|LIST_TOO_LONG|PAGE_SIZE/.test(String(code)));
        expect(limitCodes, `${file} ${definition.name!.value}`).toEqual([]);
      }
    }
  });
});

describe('the limit on the body', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 413 to a 100 MB body from its Content-Length, without waiting for the body', async () => {
    const started = performance.now();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        { port, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 } },
        (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        },
      );
      request.on('error', reject);
      request.write('{"query":"'); // the rest never comes
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions).toEqual({ code: 'REQUEST_TOO_LARGE', max: REQUEST_LIMITS.bodyBytes });
  });

  it('stops reading a body without a Content-Length once it passes the limit', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024 * 1024;
        controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
        if (sent >= 100 * 1024 * 1024) controller.close();
      },
    });
    const response = await app.fetch(
      new Request('http://parkpass.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    expect(sent).toBeLessThan(20 * 1024 * 1024);
  });

  it('fits a 5,000-row profilesUpsert with long names', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      externalId: `HR-${String(i).padStart(6, '0')}`,
      firstName: `Marie-Hélène-${'x'.repeat(60)}`,
      lastName: `de la Fontaine-${'y'.repeat(60)}`,
      email: `marie.helene.${i}.de.la.fontaine@a-rather-long-company-name.example.com`,
      phone: '+33 6 12 34 56 78',
      paymentMethods: ['CREDIT_CARD', 'PAYROLL_DEDUCTION'],
      parkingLotIds: org.lots.map((lot) => lot.globalId),
      tagIds: org.tags.map((tag) => tag.globalId),
    }));
    const payload = JSON.stringify({
      query:
        'mutation ($input: ProfilesUpsertInput!) { profilesUpsert(input: $input) { __typename ... on ProfilesUpsertPayload { createdCount failedCount } } }',
      variables: { input: { profiles: rows } },
    });
    expect(payload.length).toBeGreaterThan(3 * 1024 * 1024);
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
      body: payload,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.profilesUpsert).toEqual({ __typename: 'ProfilesUpsertPayload', createdCount: 5_000, failedCount: 0 });
  });
});

describe('docs/operations.md', () => {
  it('lists each limit with its value, and each refusal code, as the code has them', () => {
    const doc = readFileSync(path.join(rootDir, 'docs/operations.md'), 'utf8');
    expect(/<!-- limits-table:start -->\n([\s\S]*?)\n<!-- limits-table:end -->/.exec(doc)?.[1]).toBe(limitsTableMarkdown());
    expect(/<!-- refusal-codes:start -->\n([\s\S]*?)\n<!-- refusal-codes:end -->/.exec(doc)?.[1]).toBe(refusalCodesMarkdown());
  });
});

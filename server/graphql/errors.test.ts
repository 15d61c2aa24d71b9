import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { getNamedType, type GraphQLEnumType, type GraphQLInputType, GraphQLObjectType, isInputObjectType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createPrisma } from '../database/prisma.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import { startBulkInvitation } from '../bulk-invitations/bulk-invitation-service.ts';
import { requestScope } from '../kernel/scope.ts';
import { schema } from '../app/schema.ts';
import { globalId, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { createApp } from '../app/yoga.ts';
import { DOMAIN_ERRORS, type ErrorCode } from '../kernel/errors.ts';
import { errorCodesMarkdown } from './error-codes-markdown.ts';
import { ALL_ERROR_CODES } from '../kernel/request-refusals.ts';

// Raw documents on purpose: these tests send what a typed operation cannot (malformed ids and cursors,
// out-of-range arguments, strings that are not text, documents assembled per field) to see each refused cleanly.
const kit = useTestKit();
const base64 = (text: string) => Buffer.from(text).toString('base64');

async function post(body: string, token?: string, contentType = 'application/json') {
  const response = await kit.app.fetch('http://parkpass.test/graphql', {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

describe('the table of domain errors', () => {
  it('builds the ErrorCode enum and one GraphQL type per row, described once', () => {
    const codes = Object.keys(DOMAIN_ERRORS) as ErrorCode[];
    const enumType = schema.getType('ErrorCode') as GraphQLEnumType;
    expect(
      enumType
        .getValues()
        .map((value) => value.name)
        .sort(),
    ).toEqual([...codes].sort());
    for (const code of codes) {
      const entry = DOMAIN_ERRORS[code] as { typeName: string; description: string; input?: true; fields?: Record<string, unknown> };
      const type = schema.getType(entry.typeName) as GraphQLObjectType;
      expect(type, code).toBeInstanceOf(GraphQLObjectType);
      expect(type.description).toBe(entry.description);
      expect(enumType.getValue(code)?.description).toBe(entry.description);
      expect(Object.keys(type.getFields()).sort()).toEqual(['code', 'message', ...(entry.input ? ['path'] : []), ...Object.keys(entry.fields ?? {})].sort());
    }
  });

  it('is the list of error codes in docs/api.md', async () => {
    const doc = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const shown = /<!-- error-codes:start -->\n([\s\S]*?)\n<!-- error-codes:end -->/.exec(doc)?.[1];
    expect(shown).toBe(errorCodesMarkdown());
  });
});

describe('every error has a message and a documented code', () => {
  it('parse, validation, variables, body, credentials', async () => {
    const org = await kit.createOrganization();
    const cases: [string, Awaited<ReturnType<typeof post>>][] = [
      ['GRAPHQL_PARSE_FAILED', await post(JSON.stringify({ query: '{ profiles(' }), org.apiKey)],
      ['GRAPHQL_VALIDATION_FAILED', await post(JSON.stringify({ query: '{ nope }' }), org.apiKey)],
      ['BAD_USER_INPUT', await post(JSON.stringify({ query: 'query ($n: Int) { profiles(first: $n) { totalCount } }', variables: { n: 'ten' } }), org.apiKey)],
      [
        'BAD_USER_INPUT',
        await post(JSON.stringify({ query: 'query ($n: Int) { profiles(first: $n) { totalCount } }', variables: { n: 2 ** 40 } }), org.apiKey),
      ],
      ['BAD_REQUEST', await post('{"query": ', org.apiKey)],
      ['BAD_REQUEST', await post(JSON.stringify({ variables: {} }), org.apiKey)],
      ['UNAUTHENTICATED', await post(JSON.stringify({ query: '{ viewer { role } }' }), 'ppk_nope')],
      ['UNAUTHENTICATED', await post(JSON.stringify({ query: '{ profiles { totalCount } }' }))],
    ];
    for (const [code, { status, body }] of cases) {
      expect(status, code).toBeLessThan(500);
      expect(body.errors?.length, code).toBeGreaterThan(0);
      for (const error of body.errors!) {
        expect(error.message, code).toEqual(expect.any(String));
        expect(error.message.length).toBeGreaterThan(0);
        expect(error.extensions?.code, JSON.stringify(error)).toBe(code);
        expect(ALL_ERROR_CODES.has(code)).toBe(true);
      }
    }
  });

  it('a domain refusal in a query: its message, code and details in extensions, never "Unexpected error."', async () => {
    const org = await kit.createOrganization();
    const both = await post(JSON.stringify({ query: '{ profilesInvitePreview(profileIds: [], filter: {}) { total } }' }), org.apiKey);
    expect(both.body.errors).toEqual([
      expect.objectContaining({
        message: 'Give either profileIds or filter, not both and not neither.',
        path: ['profilesInvitePreview'],
        extensions: { code: 'INVALID_INPUT', path: ['input'] },
      }),
    ]);
    // Was {"errors":[{"path":["input"],"code":"INVALID_INPUT"}]}: no message, the code outside extensions.
    const neither = await post(JSON.stringify({ query: '{ profilesInvitePreview { total } }' }), org.apiKey);
    expect(neither.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/either profileIds or filter/), extensions: { code: 'INVALID_INPUT' } });
    expect(neither.body.errors?.[0]).not.toHaveProperty('code');
    // A refusal of the access table, on a query: same code and details as the typed error.
    const starter = await kit.createOrganization({ plan: 'STARTER' });
    const refused = await kit.graphql('{ profilesInvitePreview(filter: {}) { total } }', {}, { token: starter.sessionToken });
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'FEATURE_NOT_IN_PLAN', feature: 'BULK_INVITATIONS', plan: 'STARTER', requiredPlan: 'BUSINESS' });
  });

  it('the database out of reach: SERVICE_UNAVAILABLE with a 503 and Retry-After, no database text; /health says 503', async () => {
    const unreachable = createPrisma('postgresql://nobody:nothing@127.0.0.1:1/none');
    const app = createApp({
      prisma: unreachable,
      databaseUrl: 'postgresql://nobody:nothing@127.0.0.1:1/none',
      settings: { publicUrl: TEST_PUBLIC_URL, invitationTokenSecret: 'x'.repeat(32) },
    });
    const response = await app.fetch('http://parkpass.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ppk_whatever' },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(text).errors).toEqual([
      expect.objectContaining({
        message: 'The service is busy; nothing was written. Try again in a moment.',
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 },
      }),
    ]);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).not.toMatch(/prisma|ECONNREFUSED|127\.0\.0\.1|\/work\//i);
    const health = await app.fetch('http://parkpass.test/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
    await unreachable.$disconnect();
  });

  it('/health answers a body once the database answers', async () => {
    const health = await kit.app.fetch('http://parkpass.test/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
  });
});

describe('ids are checked in one place, before any service', () => {
  it('queries: a coded INVALID_INPUT naming the argument; nothing reaches PostgreSQL', async () => {
    const org = await kit.createOrganization();
    const bad = ['garbage', '', org.lots[0]!.globalId, base64('Profile:abc'), base64(`Profile:${randomUUID()}:x`), `${globalId('Profile', randomUUID())}!`];
    for (const id of bad) {
      kit.resetStatements();
      const result = await org.graphql('query ($id: ID!) { profile(id: $id) { id } }', { id });
      expect(result.errors, id).toEqual([
        expect.objectContaining({ message: expect.any(String), path: ['profile'], extensions: { code: 'INVALID_INPUT', path: ['id'] } }),
      ]);
      expect(
        kit.statements.filter((sql) => sql.includes('"profile"')),
        id,
      ).toEqual([]);
    }
    const inFilter = await org.graphql('query ($f: ProfileFilter) { profiles(filter: $f) { totalCount } }', {
      filter: undefined,
      f: { tagIds: [org.tags[0]!.globalId, org.lots[0]!.globalId] },
    });
    expect(inFilter.errors?.[0]?.extensions).toEqual({ code: 'INVALID_INPUT', path: ['filter', 'tagIds', '1'] });
    const node = await org.graphql('query ($id: ID!) { node(id: $id) { id } }', { id: base64('Profile:abc') });
    expect(node.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    // A well-formed id of nothing is not malformed: null, as for another organization's.
    expect((await org.graphql('query ($id: ID!) { profile(id: $id) { id } }', { id: globalId('Profile', randomUUID()) })).data.profile).toBeNull();
  });

  it('mutations: the typed InvalidInput with the path of the argument (they answered data: null)', async () => {
    const org = await kit.createOrganization();
    const calls: [string, string, (id: string) => Record<string, unknown>, string[]][] = [
      ['profileUpdate', 'mutation ($id: ID!) { profileUpdate(id: $id, input: { firstName: "A" }) { ...E } }', (id) => ({ id }), ['id']],
      ['profileDelete', 'mutation ($id: ID!) { profileDelete(id: $id) { ...E } }', (id) => ({ id }), ['id']],
      ['profileInvite', 'mutation ($id: ID!) { profileInvite(input: { profileId: $id }) { ...E } }', (id) => ({ id }), ['input', 'profileId']],
      ['profilesInvite', 'mutation ($id: ID!) { profilesInvite(input: { profileIds: [$id] }) { ...E } }', (id) => ({ id }), ['input', 'profileIds', '0']],
      ['invitationRevoke', 'mutation ($id: ID!) { invitationRevoke(input: { invitationId: $id }) { ...E } }', (id) => ({ id }), ['input', 'invitationId']],
      ['apiKeyRevoke', 'mutation ($id: ID!) { apiKeyRevoke(id: $id) { ...E } }', (id) => ({ id }), ['id']],
      ['adminDelete', 'mutation ($id: ID!) { adminDelete(id: $id) { ...E } }', (id) => ({ id }), ['id']],
      [
        'profileCreate',
        'mutation ($id: ID!) { profileCreate(input: { firstName: "A", lastName: "B", email: "a@b.test", parkingLotIds: [$id] }) { ...E } }',
        (id) => ({ id }),
        ['input', 'parkingLotIds', '0'],
      ],
    ];
    const fragment = 'fragment E on Error { __typename code message ... on InputError { path } }';
    for (const [name, document, variables, path] of calls) {
      for (const id of ['garbage', '', base64('Profile:abc'), globalId('Tag', org.tags[0]!.id)]) {
        const result = await org.graphql(`${document} ${fragment}`, variables(id));
        expect(result.errors, `${name} ${id}`).toBeUndefined();
        expect(result.data[name], `${name} ${id}`).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', message: expect.any(String), path });
      }
    }
    expect(await kit.prisma.bulkInvitation.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it('text the database cannot store (NUL, a lone surrogate) is refused with its path, in any argument', async () => {
    const org = await kit.createOrganization();
    const create = await org.graphql('mutation ($input: TagInput!) { tagCreate(input: $input) { __typename ... on InputError { code path } } }', {
      input: { name: 'a\u0000b' },
    });
    expect(create.data.tagCreate).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'name'] });
    const search = await org.graphql('query ($f: ProfileFilter) { profiles(filter: $f) { totalCount } }', { f: { search: 'x\ud800' } });
    expect(search.errors?.[0]?.extensions).toEqual({ code: 'INVALID_INPUT', path: ['filter', 'search'] });
    expect((await org.graphql('query ($f: ProfileFilter) { profiles(filter: $f) { totalCount } }', { f: { search: 'Hélène 😀' } })).errors).toBeUndefined();
  });

  it('every mutation taking an id lists InvalidInput among its typed errors', () => {
    const takesId = (type: GraphQLInputType, seen = new Set<string>()): boolean => {
      const named = getNamedType(type);
      if (named.name === 'ID') return true;
      if (!isInputObjectType(named) || seen.has(named.name)) return false;
      seen.add(named.name);
      return Object.values(named.getFields()).some((field) => takesId(field.type, seen));
    };
    const mutations = Object.values(schema.getMutationType()!.getFields()).filter((field) => field.args.some((arg) => takesId(arg.type)));
    expect(mutations.length).toBeGreaterThan(5);
    for (const mutation of mutations) {
      const result = getNamedType(mutation.type);
      expect(isUnionType(result) && result.getTypes().map((type) => type.name), mutation.name).toContain('InvalidInput');
    }
  });
});

describe('small contracts', () => {
  const INVITE = `mutation ($input: ProfilesInviteInput!) { profilesInvite(input: $input) {
    __typename ... on Error { code } ... on InputError { path } ... on ProfilesInvitePayload { bulkInvitation { state total } } } }`;

  it('refuses a blank idempotency key and an empty list of profiles, creating nothing', async () => {
    const org = await kit.createOrganization();
    const [id] = await org.insertProfiles(1);
    const blank = await org.graphql(INVITE, { input: { profileIds: [globalId('Profile', id!)], idempotencyKey: '  ' } });
    expect(blank.data.profilesInvite).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'idempotencyKey'] });
    const empty = await org.graphql(INVITE, { input: { profileIds: [] } });
    expect(empty.data.profilesInvite).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'profileIds'] });
    expect(await kit.prisma.bulkInvitation.count({ where: { organizationId: org.id } })).toBe(0);
    const negative = await org.graphql('{ profiles(first: -1) { totalCount } }');
    expect(negative.errors?.[0]).toMatchObject({ message: expect.stringMatching(/first/), extensions: { code: 'INVALID_INPUT', path: ['first'] } });
  });

  it('a failing small profilesInvite leaves no QUEUED bulk invitation behind; a retry with its key starts afresh', async () => {
    const org = await kit.createOrganization();
    const ids = await org.insertProfiles(3);
    const viewer = { organizationId: org.id, plan: 'ENTERPRISE' as const, role: 'OWNER' as const, actor: { kind: 'API_KEY' as const, id: org.apiKeyId } };
    // The first transaction records the bulk invitation; the second (its only chunk) dies.
    let transactions = 0;
    const failing = new Proxy(kit.prisma, {
      get(target, property, receiver) {
        if (property !== '$transaction') return Reflect.get(target, property, receiver);
        return (callback: (tx: unknown) => Promise<unknown>, options?: object) =>
          target.$transaction(async (tx) => {
            const result = await callback(tx);
            if (++transactions === 2) throw new Error('simulated failure');
            return result;
          }, options);
      },
    });
    await expect(
      startBulkInvitation(requestScope({ ...kit.worker, prisma: failing }, viewer), { profileIds: ids, idempotencyKey: 'retry-me' }),
    ).rejects.toThrow('simulated failure');
    expect(await kit.prisma.bulkInvitation.count({ where: { organizationId: org.id } })).toBe(0);
    expect(await kit.prisma.invitation.count({ where: { organizationId: org.id } })).toBe(0);
    const retried = await org.graphql(INVITE, { input: { profileIds: ids.map((id) => globalId('Profile', id)), idempotencyKey: 'retry-me' } });
    expect(retried.data.profilesInvite).toEqual({ __typename: 'ProfilesInvitePayload', bulkInvitation: { state: 'COMPLETED', total: 3 } });
  });

  it('one translator recognises a unique violation and the constraint it names', async () => {
    const org = await kit.createOrganization();
    const error = await kit.prisma.admin
      .create({ data: { organizationId: org.id, email: org.adminEmail, name: 'Twin', role: 'VIEWER', passwordHash: 'x' } })
      .catch((caught: unknown) => caught);
    expect(uniqueViolation(error)?.involves('email')).toBe(true);
    expect(uniqueViolation(new Error('something else'))).toBeNull();
  });
});

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../security/rate-limits.ts';
import { globalId, TEST_PUBLIC_URL, type TestOrganization, useTestKit } from '../test/kit.ts';
import { connectDirectory } from '../test/scim-client.ts';
import { type App, createApp } from './yoga.ts';
import { ALL_ERROR_CODES } from '../kernel/request-refusals.ts';

// A schema-aware fuzzer: it reads every query and mutation from the built
// schema, generates values for every argument (boundaries: empty, huge,
// negative, NUL and control characters, lone surrogates, malformed and foreign
// ids, values of the wrong type in variables, unknown and missing fields) with
// fast-check, a fixed seed, and sends them through the real HTTP handler as an
// organization's owner (its API key or its admin's session). Every answer must be free of 5xx, every error
// must have a message and a documented code (and none may be an unexpected
// INTERNAL_SERVER_ERROR), no message may carry database, Prisma or file-path
// text, the organization's data must be unchanged by any call that failed, and
// another organization's data by any call at all.
//
// The production limits stay on (depth, aliases, tokens, cost, list lengths:
// they answer their documented codes, e.g. LIST_TOO_LONG for the 5,001-item
// lists), but the fuzzer's app raises the per-minute budgets, so that one API
// key sending thousands of calls a minute exercises the API rather than
// RATE_LIMITED (which would still pass as a documented code).

const SEED = 20261126;
const RUNS = Number(process.env.PARKPASS_FUZZ_RUNS ?? 2_000);

const kit = useTestKit();

/** Text that must never reach a client: the database's and the runtime's. */
const LEAK = /prisma|invocation|node_modules|\/work\/|\.ts:\d+|22P02|23505|P20\d\d|sqlstate|postgres|syntax for type|violates|constraint|ECONN|at [\w.<>]+ \(/i;

interface Pools {
  own: Record<string, string[]>;
  foreign: string[];
}

// --- Values ------------------------------------------------------------------

const nasty = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0007\u001b[31m\u007f',
  '\ud800',
  'x\udfffy',
  '\u202e\u200b\ufeff',
  '😀'.repeat(50),
  "' OR 1=1 --",
  '%_\\',
  '<script>alert(1)</script>',
  'a'.repeat(300),
  'b'.repeat(70_000),
  'Élodie Dupré',
  'a@b.test',
  'someone@example.com',
  '+33 1 23 45 67 89',
  'https://apps.apple.com/app/parkpass',
  `ppk_${'x'.repeat(43)}`,
  '2026-11-26T09:00:00.000Z',
];

const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...nasty) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 20 }) },
);

const anyInt = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 20, 199, 200, 201, 500, 501, 5_000, 5_001, 2 ** 31 - 1, -(2 ** 31)),
  fc.integer({ min: -1_000, max: 100_000 }),
);

/** Values of the wrong JSON type, for any variable. */
const wrongType = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 2 ** 31, 2 ** 53, 'not a number', [], {}, [null], { nested: { deep: [1] } }, 'NaN'),
  fc.double(),
);

function idValue(typenames: readonly string[], pools: Pools): fc.Arbitrary<string> {
  const own = typenames.flatMap((typename) => pools.own[typename] ?? []);
  const any = Object.values(pools.own).flat();
  const type = typenames[0] ?? 'Profile';
  return fc.oneof(
    { weight: 3, arbitrary: own.length ? fc.constantFrom(...own) : fc.constant(globalId(type, randomUUID())) },
    { weight: 2, arbitrary: fc.constantFrom(...pools.foreign) },
    { weight: 1, arbitrary: fc.constantFrom(...any) },
    { weight: 1, arbitrary: fc.uuid().map((uuid) => globalId(type, uuid)) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        'garbage',
        '====',
        Buffer.from(`${type}:abc`).toString('base64'),
        Buffer.from(`${type}:`).toString('base64'),
        Buffer.from(`:${randomUUID()}`).toString('base64'),
        Buffer.from(`${type}:${randomUUID()}:extra`).toString('base64'),
        Buffer.from(`${type}:${'0'.repeat(10_000)}`).toString('base64'),
        Buffer.from(`${type}:\u0000`).toString('base64'),
        globalId(type, randomUUID()).replace(/=+$/, ''),
        globalId(type, randomUUID()).toLowerCase(),
        randomUUID(),
      ),
    },
    { weight: 1, arbitrary: anyString },
  );
}

function valueFor(type: GraphQLInputType, pools: Pools, depth: number, idTypes?: readonly string[]): fc.Arbitrary<unknown> {
  const value = (): fc.Arbitrary<unknown> => {
    if (isNonNullType(type)) return valueFor(type.ofType, pools, depth, idTypes).filter((inner) => inner !== null && inner !== undefined);
    if (isListType(type)) {
      const item = valueFor(type.ofType, pools, depth + 1, idTypes);
      const scalarItems = !isInputObjectType(getNamedType(type.ofType));
      return fc.oneof(
        { weight: 6, arbitrary: fc.array(item, { maxLength: depth > 1 ? 2 : 4 }) },
        { weight: 1, arbitrary: fc.constant([]) },
        // A list past every limit, of cheap items (ids, enums, short strings).
        {
          weight: scalarItems ? 1 : 0,
          arbitrary: item.filter((one) => JSON.stringify(one ?? null).length < 100).map((one) => Array.from({ length: 5_001 }, () => one)),
        },
      );
    }
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      if (depth > 3) return fc.constant({});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const field of fields) {
        const named = getNamedType(field.type);
        record[field.name] = valueFor(field.type, pools, depth + 1, named.name === 'ID' ? idTypesOf(field.name) : undefined);
      }
      return fc.oneof(
        { weight: 8, arbitrary: fc.record(record, { requiredKeys: fields.filter((field) => isNonNullType(field.type)).map((field) => field.name) }) },
        { weight: 1, arbitrary: fc.record(record, { requiredKeys: [] }) },
        { weight: 1, arbitrary: fc.record(record).map((object) => ({ ...object, unknownField: 1 })) },
      );
    }
    if (isEnumType(type))
      return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((enumValue) => enumValue.name)) }, { weight: 1, arbitrary: anyString });
    switch (type.name) {
      case 'ID':
        return idValue(idTypes ?? [], pools);
      case 'Int':
        return anyInt;
      case 'Boolean':
        return fc.boolean();
      case 'DateTime':
        return fc.oneof(
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          anyString,
        );
      default:
        return anyString;
    }
  };
  const nullable = !isNonNullType(type);
  // Values of the wrong type: often enough at the top, rarely inside inputs (one spoils the whole request).
  return fc.oneof(
    { weight: depth === 0 ? 16 : 48, arbitrary: value() },
    { weight: nullable ? 3 : 0, arbitrary: fc.constant(undefined) },
    { weight: nullable ? 1 : 0, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** The node types an id argument or field names, from its name (profileId, parkingLotIds, …). */
function idTypesOf(name: string): string[] {
  const known: Record<string, string> = {
    profile: 'Profile',
    parkingLot: 'ParkingLot',
    tag: 'Tag',
    invitation: 'Invitation',
    bulkInvitation: 'BulkInvitation',
    apiKey: 'ApiKey',
    admin: 'Admin',
  };
  const stem = name.replace(/Ids?$/, '');
  return known[stem] ? [known[stem]] : [];
}

// --- Documents ---------------------------------------------------------------

/** A selection of the leaf fields (and a level of objects, and every union member) so resolvers below the root run too. */
function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named) || isInterfaceType(named)) {
    const members = isUnionType(named) ? named.getTypes() : schema.getPossibleTypes(named);
    return `{ __typename ${members.map((member) => `... on ${member.name} ${selectionOf(member, depth)}`).join(' ')} }`;
  }
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).filter((field) => field.args.every((arg) => !isNonNullType(arg.type)));
  const parts = fields.flatMap((field) => {
    if (isLeafType(getNamedType(field.type))) return [field.name];
    if (depth <= 0) return [];
    return [`${field.name} ${selectionOf(field.type, depth - 1)}`];
  });
  return `{ __typename ${parts.join(' ')} }`;
}

function documentOf(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`);
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`);
  return `${operation} Fuzz${variables.length ? `(${variables.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selectionOf(field.type, 1)} }`;
}

// --- The organization's data, as a fingerprint --------------------------------

async function fingerprint(organizationId: string): Promise<string> {
  const [row] = await kit.prisma.$queryRaw<{ print: string }[]>`
    SELECT md5(concat_ws('|',
      (SELECT md5(o::text) FROM organization o WHERE o.id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM profile t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM profile_parking_lot t JOIN profile p ON p.id = t.profile_id WHERE p.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM profile_tag t JOIN profile p ON p.id = t.profile_id WHERE p.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM parking_lot t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM tag t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM invitation t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM bulk_invitation t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM email t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM admin t WHERE t.organization_id = ${organizationId}::uuid),
      (SELECT md5(coalesce(string_agg(concat_ws(',', t.id, t.name, t.role, t.revoked_at, t.secret_hash), ';' ORDER BY t.id), '')) FROM api_key t WHERE t.organization_id = ${organizationId}::uuid)
    )) AS print`;
  return row!.print;
}

// --- Cases -------------------------------------------------------------------

type FuzzCase = (
  | { kind: 'field'; operation: 'query' | 'mutation'; field: string; document: string; variables: Record<string, unknown> }
  | { kind: 'raw'; body: string }
) & {
  /** Called by the organization's owner admin (session) rather than its owner API key, which may not manage keys or admins. */
  asAdmin?: boolean;
};

function caseArbitrary(pools: Pools): fc.Arbitrary<FuzzCase> {
  const roots = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ operation: 'query' as const, field })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ operation: 'mutation' as const, field })),
  ];
  const fieldCases = roots.map(({ operation, field }) => {
    const args: Record<string, fc.Arbitrary<unknown>> = {};
    for (const arg of field.args) args[arg.name] = valueFor(arg.type, pools, 0, getNamedType(arg.type).name === 'ID' ? idTypesOf(arg.name) : undefined);
    const document = documentOf(operation, field);
    const required = field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => arg.name);
    return fc
      .oneof({ weight: 9, arbitrary: fc.record(args, { requiredKeys: required }) }, { weight: 1, arbitrary: fc.record(args, { requiredKeys: [] }) })
      .map((variables): FuzzCase => ({ kind: 'field', operation, field: field.name, document, variables }));
  });
  const rawCases = fc.oneof(
    anyString.map((query): FuzzCase => ({ kind: 'raw', body: JSON.stringify({ query }) })),
    anyString.map((body): FuzzCase => ({ kind: 'raw', body })),
    fc.constantFrom<FuzzCase>(
      { kind: 'raw', body: '{}' },
      { kind: 'raw', body: '[]' },
      { kind: 'raw', body: 'null' },
      { kind: 'raw', body: JSON.stringify({ query: '{ viewer { role } }', variables: 'nope' }) },
      { kind: 'raw', body: JSON.stringify({ query: 'query A { viewer { role } } query B { viewer { role } }' }) },
      { kind: 'raw', body: JSON.stringify({ query: `{ ${'profiles { edges { node { id } } } '.repeat(3)} }` }) },
      { kind: 'raw', body: JSON.stringify({ query: `{ viewer { ${'role '.repeat(2_000)} } }` }) },
      { kind: 'raw', body: JSON.stringify({ query: 'subscription { bulkInvitationProgress(id: "x") { state } }' }) },
    ),
  );
  return (
    fc
      .tuple(fc.oneof({ weight: 19, arbitrary: fc.oneof(...fieldCases) }, { weight: 1, arbitrary: rawCases }), fc.boolean())
      // adminLogout as the admin would end the session the other cases use.
      .map(([fuzzCase, asAdmin]) => ({ ...fuzzCase, asAdmin: asAdmin && !(fuzzCase.kind === 'field' && fuzzCase.field === 'adminLogout') }))
  );
}

interface Outcome {
  status: number;
  messages: string[];
  codes: unknown[];
  failed: boolean;
}

/** The app the fuzzer calls: the kit's database and clock, with budgets no run of the fuzzer spends. */
function fuzzApp(): App {
  const unlimited = 1_000_000_000;
  return createApp({
    prisma: kit.prisma,
    databaseUrl: kit.worker.connectionString,
    clock: kit.clock,
    settings: { publicUrl: TEST_PUBLIC_URL, invitationTokenSecret: kit.worker.settings.invitationTokenSecret },
    rateLimits: createRateLimits({
      pointsPerMinute: unlimited,
      anonymousPointsPerMinute: unlimited,
      publicOperationsPerMinute: Object.fromEntries(
        Object.keys(DEFAULT_RATE_LIMITS.publicOperationsPerMinute).map((name) => [name, unlimited]),
      ) as typeof DEFAULT_RATE_LIMITS.publicOperationsPerMinute,
    }),
  });
}

async function send(app: App, fuzzCase: FuzzCase, token: string): Promise<Outcome> {
  const body = fuzzCase.kind === 'raw' ? fuzzCase.body : JSON.stringify({ query: fuzzCase.document, variables: fuzzCase.variables });
  const response = await app.fetch('http://parkpass.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  const messages: string[] = [];
  const codes: unknown[] = [];
  for (const error of json.errors ?? []) {
    messages.push(typeof error.message === 'string' ? error.message : '');
    codes.push(error.extensions?.code);
  }
  // Typed errors returned as data (mutation results, upsert rows) are checked the same way.
  let typedError = false;
  const visit = (value: unknown, root: boolean) => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, false);
      return;
    }
    const object = value as Record<string, unknown>;
    if (typeof object.code === 'string' && 'message' in object) {
      messages.push(String(object.message));
      if (root) typedError = true;
    }
    for (const inner of Object.values(object)) visit(inner, false);
  };
  for (const result of Object.values(json.data ?? {})) visit(result, true);
  return { status: response.status, messages, codes, failed: (json.errors?.length ?? 0) > 0 || typedError };
}

describe('schema-aware fuzzing', () => {
  it(`${RUNS} generated calls over every query and mutation: no 5xx, every error coded, no leaks, failed calls change nothing`, {
    timeout: 300_000,
  }, async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const pools = await idPools(org, other);
    const app = fuzzApp();
    let before = await fingerprint(org.id);
    const otherBefore = await fingerprint(other.id);
    const figures = { cases: 0, fiveHundreds: 0, uncoded: 0, failedCalls: 0, byCode: new Map<string, number>(), byField: new Map<string, number>() };
    const started = performance.now();
    const timeByField = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(caseArbitrary(pools), async (fuzzCase) => {
        figures.cases++;
        const label = fuzzCase.kind === 'raw' ? `raw ${fuzzCase.body.slice(0, 200)}` : `${fuzzCase.field} ${JSON.stringify(fuzzCase.variables).slice(0, 300)}`;
        if (fuzzCase.kind === 'field') figures.byField.set(fuzzCase.field, (figures.byField.get(fuzzCase.field) ?? 0) + 1);
        const sent = performance.now();
        const outcome = await send(app, fuzzCase, fuzzCase.asAdmin ? org.sessionToken : org.apiKey);
        const key = fuzzCase.kind === 'field' ? fuzzCase.field : 'raw';
        timeByField.set(key, (timeByField.get(key) ?? 0) + performance.now() - sent);
        if (outcome.status >= 500) figures.fiveHundreds++;
        expect(outcome.status, label).toBeLessThan(500);
        for (const [index, code] of outcome.codes.entries()) {
          figures.byCode.set(String(code), (figures.byCode.get(String(code)) ?? 0) + 1);
          if (typeof code !== 'string' || !ALL_ERROR_CODES.has(code) || !outcome.messages[index]) figures.uncoded++;
          expect(outcome.messages[index], label).toMatch(/\S/);
          expect(ALL_ERROR_CODES.has(String(code)), `${label}: code ${String(code)}`).toBe(true);
          expect(code, `${label}: ${outcome.messages[index]}`).not.toBe('INTERNAL_SERVER_ERROR');
        }
        for (const message of outcome.messages) expect(message, label).not.toMatch(LEAK);
        const after = await fingerprint(org.id);
        if (outcome.failed) {
          figures.failedCalls++;
          expect(after, `${label}: failed, yet the organization's data changed`).toBe(before);
        }
        before = after;
        return true;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    expect(await fingerprint(other.id), 'another organization changed').toBe(otherBefore);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(
      fields.filter((field) => !figures.byField.has(field)),
      'fields the fuzzer never called',
    ).toEqual([]);
    console.log(
      `Schema fuzz (seed ${SEED}): ${figures.cases} cases over ${figures.byField.size} fields in ${seconds} s; ` +
        `${figures.failedCalls} failed calls, data unchanged after each; 5xx: ${figures.fiveHundreds}; uncoded errors: ${figures.uncoded}. ` +
        `Codes: ${[...figures.byCode]
          .sort((a, b) => b[1] - a[1])
          .map(([code, count]) => `${code} ${count}`)
          .join(', ')}. Slowest: ${[...timeByField]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([field, ms]) => `${field} ${(ms / 1000).toFixed(1)} s`)
          .join(', ')}.`,
    );
  });
});

/** Ids the fuzzer may use: the organization's own (every node type), and another organization's. */
async function idPools(org: TestOrganization, other: TestOrganization): Promise<Pools> {
  const profiles = await org.insertProfiles(6, {
    with: (index) => ({
      status: index === 0 ? 'VALIDATED' : index === 1 ? 'PENDING' : 'NOT_INVITED',
      invitationExpiresAt: index === 1 ? new Date('2026-12-01T00:00:00Z') : undefined,
      lotIds: [org.lots[0]!.id],
      tagIds: [org.tags[1]!.id],
    }),
  });
  const otherProfiles = await other.insertProfiles(2);
  const invitations = await kit.prisma.invitation.findMany({ where: { organizationId: org.id }, select: { id: true } });
  // A second key and a second admin to revoke and remove; the fuzzer's own key is left out so it keeps working.
  const spareKey = await kit.prisma.apiKey.create({
    data: { organizationId: org.id, name: 'spare', role: 'VIEWER', prefix: 'ppk_spare', secretHash: randomUUID() },
  });
  const spareAdmin = await kit.prisma.admin.create({
    data: { organizationId: org.id, email: `spare-${randomUUID()}@fuzz.test`, name: 'Spare', role: 'VIEWER', passwordHash: 'x' },
  });
  const bulk = await kit.prisma.bulkInvitation.create({ data: { organizationId: org.id, selection: { profileIds: [] }, state: 'COMPLETED' } });
  return {
    own: {
      Profile: profiles.map((id) => globalId('Profile', id)),
      ParkingLot: org.lots.map((lot) => lot.globalId),
      Tag: org.tags.map((tag) => tag.globalId),
      Invitation: invitations.map((invitation) => globalId('Invitation', invitation.id)),
      BulkInvitation: [globalId('BulkInvitation', bulk.id)],
      ApiKey: [globalId('ApiKey', spareKey.id)],
      Admin: [globalId('Admin', spareAdmin.id), globalId('Admin', org.adminId)],
      Organization: [globalId('Organization', org.id)],
    },
    foreign: [
      ...otherProfiles.map((id) => globalId('Profile', id)),
      other.lots[0]!.globalId,
      other.tags[0]!.globalId,
      globalId('Admin', other.adminId),
      globalId('ApiKey', other.apiKeyId),
      globalId('Organization', other.id),
    ],
  };
}

// --- SCIM ----------------------------------------------------------------------
//
// The same promise for /scim/v2, the routes Entra ID and Okta call, over real
// HTTP with a connection's token: generated methods, paths, filters, paging
// and projection parameters, bodies (malformed JSON, wrong types, unknown and
// huge attributes, patch operations of every shape). Every refusal is a 4xx
// with a SCIM error body (application/scim+json, the Error schema, its status,
// a detail free of database text), never a 5xx (but 501 for /Bulk, which the
// ServiceProviderConfig says is not supported); another organization is untouched.

const SCIM_RUNS = Math.ceil(RUNS / 4);
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface ScimCase {
  method: string;
  path: string;
  /** The body as sent: JSON text, or anything (malformed). */
  body?: string;
}

function scimCaseArbitrary(ids: { user: string; group: string; foreignUser: string }): fc.Arbitrary<ScimCase> {
  const anyJson: fc.Arbitrary<unknown> = fc.oneof(wrongType, anyString, fc.constant(undefined));
  const filterValue = fc.oneof(anyString, fc.constantFrom('alice@contoso.test', ids.user, 'x'.repeat(5_000)));
  const filter = fc.oneof(
    filterValue.map((value) => `userName eq ${JSON.stringify(value)}`),
    fc
      .tuple(
        fc.constantFrom('userName', 'externalId', 'emails.value', 'emails', 'displayName', 'id', 'password', 'members', 'name.givenName', 'meta.created'),
        fc.constantFrom('eq', 'ne', 'co', 'sw', 'pr', 'gt', 'EQ'),
        filterValue,
      )
      .map(([attribute, op, value]) => (op === 'pr' ? `${attribute} pr` : `${attribute} ${op} ${JSON.stringify(value)}`)),
    fc.constantFrom(
      'userName eq',
      '(((((',
      'userName eq 5',
      'userName eq true',
      'userName eq null',
      'a eq "b" or c eq "d"',
      'not (userName eq "x")',
      'emails[type eq "work"].value eq "x"',
      '"',
      '',
      ' and ',
    ),
    fc.tuple(filterValue, filterValue).map(([a, b]) => `userName eq ${JSON.stringify(a)} and externalId eq ${JSON.stringify(b)}`),
    anyString,
  );
  const query = fc
    .record(
      {
        filter,
        startIndex: fc.oneof(anyInt.map(String), anyString),
        count: fc.oneof(anyInt.map(String), anyString),
        attributes: fc.oneof(
          fc.constantFrom('userName', 'members', 'name.givenName', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager'),
          anyString,
        ),
        excludedAttributes: fc.oneof(fc.constantFrom('members', 'emails'), anyString),
      },
      { requiredKeys: [] },
    )
    .map((params) => {
      const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
      return search ? `?${search}` : '';
    });
  const id = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(ids.user, ids.group) },
    { weight: 1, arbitrary: fc.constant(ids.foreignUser) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: anyString.map((text) => encodeURIComponent(text) || 'x') },
  );
  const collection = fc.constantFrom('Users', 'Groups');
  const path = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(collection, query).map(([name, search]) => `/${name}${search}`) },
    { weight: 4, arbitrary: fc.tuple(collection, id).map(([name, one]) => `/${name}/${one}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/ServiceProviderConfig',
        '/Schemas',
        '/Schemas/urn:nope',
        '/ResourceTypes',
        '/ResourceTypes/Nope',
        '/Bulk',
        '/Nope',
        '/Users/a/b',
        '/',
      ),
    },
  );
  const user = fc.record(
    {
      schemas: fc.oneof(fc.constant([SCIM_USER]), anyJson),
      userName: fc.oneof(fc.constantFrom('fuzz.new@contoso.test', 'alice@contoso.test'), anyJson),
      externalId: anyJson,
      active: fc.oneof(fc.boolean(), fc.constantFrom('False', 'True', 'maybe'), anyJson),
      name: fc.oneof(fc.record({ givenName: anyJson, familyName: anyJson }, { requiredKeys: [] }), anyJson),
      emails: fc.oneof(
        fc.array(fc.record({ value: fc.oneof(fc.constant('a@b.test'), anyJson), type: anyJson, primary: anyJson }, { requiredKeys: [] }), { maxLength: 3 }),
        anyJson,
      ),
      phoneNumbers: fc.oneof(fc.array(fc.record({ value: anyJson }), { maxLength: 2 }), anyJson),
      preferredLanguage: anyJson,
      locale: anyJson,
      displayName: anyJson,
      members: fc.oneof(fc.array(fc.record({ value: fc.oneof(id, anyJson) }), { maxLength: 3 }), anyJson),
      unknownAttribute: anyJson,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': fc.oneof(
        fc.record({ employeeNumber: anyJson, department: anyJson, manager: anyJson }, { requiredKeys: [] }),
        anyJson,
      ),
    },
    { requiredKeys: [] },
  );
  const operation = fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'explode'), anyJson),
      path: fc.oneof(
        fc.constantFrom(
          'active',
          'name.givenName',
          'emails[type eq "work"].value',
          'members',
          'members[value eq "x"]',
          'displayName',
          'emails[type eq',
          'userName',
        ),
        anyJson,
      ),
      value: fc.oneof(anyJson, user, fc.array(fc.record({ value: fc.oneof(id, anyJson) }), { maxLength: 3 })),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: user.map((object) => JSON.stringify(object)) },
    {
      weight: 3,
      arbitrary: fc
        .record(
          { schemas: fc.oneof(fc.constant([SCIM_PATCH]), anyJson), Operations: fc.oneof(fc.array(operation, { maxLength: 4 }), anyJson) },
          { requiredKeys: [] },
        )
        .map((object) => JSON.stringify(object)),
    },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '"text"', '{"userName":', `{"userName":"${'y'.repeat(300_000)}"}`, '\u0000', '{"a":1}{"b":2}') },
  );
  // Node's HTTP parser answers a request line over its 16 KiB header limit (431, no body) before any route runs:
  // the generated URLs stay under it (a huge value still goes in a filter, up to 5,000 characters, or in a body).
  return fc
    .oneof(
      { weight: 3, arbitrary: path.map((where): ScimCase => ({ method: 'GET', path: where })) },
      {
        weight: 6,
        arbitrary: fc
          .tuple(fc.constantFrom('POST', 'PUT', 'PATCH'), path, body)
          .map(([method, where, sent]): ScimCase => ({ method, path: where, body: sent })),
      },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('DELETE', 'DELETE', 'OPTIONS'), path).map(([method, where]): ScimCase => ({ method, path: where })) },
    )
    .filter((scimCase) => scimCase.path.length <= 12_000);
}

interface ScimOutcome {
  status: number;
  contentType: string | null;
  body: Record<string, unknown> | null;
}

async function sendScimCase(base: string, token: string, scimCase: ScimCase, headers: Record<string, string> = {}): Promise<ScimOutcome> {
  const response = await fetch(`${base}/scim/v2${scimCase.path}`, {
    method: scimCase.method,
    headers: { authorization: `Bearer ${token}`, ...(scimCase.body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    body: scimCase.body,
  });
  const text = await response.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    body = { unparsable: text.slice(0, 200) };
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

/** A refusal as an IdP reads it: a SCIM error body with the status it came with, and a detail free of database text. */
function expectScimError(outcome: ScimOutcome, label: string) {
  expect(outcome.contentType, label).toMatch(/^application\/scim\+json/);
  expect(outcome.body?.schemas, `${label}: ${JSON.stringify(outcome.body).slice(0, 300)}`).toEqual([SCIM_ERROR]);
  expect(outcome.body?.status, label).toBe(String(outcome.status));
  expect(outcome.body?.detail, label).toMatch(/\S/);
  expect(String(outcome.body?.detail), label).not.toMatch(LEAK);
}

describe('SCIM fuzzing', () => {
  it(`${SCIM_RUNS} generated SCIM requests: a 4xx with a SCIM error body for every refusal, never a 5xx; a body over the limit is a SCIM 413`, {
    timeout: 300_000,
  }, async () => {
    const org = await kit.createOrganization();
    const other = await kit.createOrganization();
    const server = createServer(fuzzApp());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const [scim, foreign] = await Promise.all([connectDirectory(kit, { url: () => base }, org), connectDirectory(kit, { url: () => base }, other)]);
      const user = await scim.post('/Users', { schemas: [SCIM_USER], userName: 'alice@contoso.test', name: { givenName: 'Alice', familyName: 'Martin' } });
      const group = await scim.post('/Groups', { schemas: [SCIM_GROUP], displayName: 'Garage', members: [{ value: user.body.id }] });
      const foreignUser = await foreign.post('/Users', { schemas: [SCIM_USER], userName: 'bob@other.test', name: { givenName: 'Bob', familyName: 'Other' } });
      expect([user.status, group.status, foreignUser.status]).toEqual([201, 201, 201]);
      const otherBefore = await fingerprint(other.id);
      const byStatus = new Map<number, number>();

      await fc.assert(
        fc.asyncProperty(scimCaseArbitrary({ user: user.body.id, group: group.body.id, foreignUser: foreignUser.body.id }), async (scimCase) => {
          const label = `${scimCase.method} ${scimCase.path.slice(0, 200)} ${scimCase.body?.slice(0, 200) ?? ''}`;
          const outcome = await sendScimCase(base, scim.token, scimCase);
          byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
          if (outcome.status === 501) expect(scimCase.path, label).toMatch(/^\/Bulk/);
          else expect(outcome.status, `${label}: ${JSON.stringify(outcome.body).slice(0, 300)}`).toBeLessThan(500);
          if (outcome.status >= 400) expectScimError(outcome, label);
          return true;
        }),
        { seed: SEED, numRuns: SCIM_RUNS, endOnFailure: true },
      );

      // Bodies over the limit (1 MiB for SCIM; 10 MiB for the whole server): a SCIM 413, whoever's limit it passes.
      for (const size of [1024 * 1024 + 1, 10 * 1024 * 1024 + 1]) {
        const oversized: ScimCase = {
          method: 'POST',
          path: '/Users',
          body: JSON.stringify({ schemas: [SCIM_USER], userName: 'big@contoso.test', padding: 'x'.repeat(size) }),
        };
        const outcome = await sendScimCase(base, scim.token, oversized);
        expect(outcome.status, `a body of ${oversized.body!.length} bytes`).toBe(413);
        expectScimError(outcome, `a body of ${oversized.body!.length} bytes`);
      }

      expect(await fingerprint(other.id), 'another organization changed').toBe(otherBefore);
      expect((await foreign.get(`/Users/${foreignUser.body.id}`)).body.userName).toBe('bob@other.test');
      console.log(
        `SCIM fuzz (seed ${SEED}): ${SCIM_RUNS} requests; statuses: ${[...byStatus]
          .sort((a, b) => a[0] - b[0])
          .map(([status, count]) => `${status} ${count}`)
          .join(', ')}.`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, inject, test } from 'vitest';
import type { ActorKind } from '../kernel/policy.ts';
import { generateApiKeySecret, hashSecret } from '../auth/api-keys.ts';
import { hashPassword } from '../auth/passwords.ts';
import { newSessionToken, SESSION_LIFETIME_MS } from '../auth/sessions.ts';
import type { Clock } from '../kernel/scope.ts';
import { withDatabase } from '../database/index.ts';
import { createPrisma, type PrismaClient } from '../database/prisma.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';
import { profileSearchText, profileSortName } from '../profiles/search-text.ts';
import { fakePeople } from '../seed/fake-people.ts';
import { PostmarkTransport } from '../email/email-transport.ts';
import { runDueJobs, type WorkerDependencies } from '../app/worker.ts';
import { DEFAULT_WEBHOOK_DELIVERY } from '../webhooks/webhook-delivery.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../security/rate-limits.ts';
import { createApp, type App } from '../app/yoga.ts';
import { type FakePostmark, type PostmarkMessage, startFakePostmark } from './fake-postmark.ts';
import { TEMPLATE_DATABASE } from './global-setup.ts';
import { documentText, type Operations, operationsAs, type Send, type TypedResponse } from './operations.ts';
import { createClient } from '../database/connections.ts';

/** The instant every test starts at (the `clock` fixture puts the clock back here). */
export const TEST_START = new Date('2026-11-26T09:00:00.000Z');

/** A clock tests move by hand. */
export class TestClock implements Clock {
  private current: Date;
  constructor(private readonly start = TEST_START) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  /** Back to the start: what a test sees does not depend on the tests before it. */
  reset(): void {
    this.current = new Date(this.start);
  }
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
}

export const TEST_PUBLIC_URL = 'http://parkpass.test';
export const TEST_WEBHOOK_PASSWORD = 'test-webhook-password-2026';

export interface TestKit {
  prisma: PrismaClient;
  app: App;
  clock: TestClock;
  /** The fake Postmark the emails of this file go to, through the real postmark client. */
  postmark: FakePostmark;
  worker: WorkerDependencies;
  /** Runs every background job due now (email delivery, bulk invitations), as the worker would. */
  runJobs(): Promise<void>;
  /** The emails Postmark accepted for an address, oldest first. */
  emailsTo(address: string): PostmarkMessage[];
  /** The token of the accept link in an invitation email. */
  tokenOf(message: PostmarkMessage): string;
  /** SQL statements Prisma sent since the last `resetStatements()`. */
  statements: string[];
  resetStatements(): void;
  /** The typed operations without credentials (the invited person: invitationByToken, invitationAccept; adminLogin). */
  anonymous: Operations;
  /** The typed operations with a bearer token (a session or an API key secret), or none; `headers` go with every request. */
  as(token: string | null, options?: { headers?: Record<string, string> }): Operations;
  /** Sends a GraphQL request through the real HTTP handler (yoga.fetch). */
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  /** A fresh organization with an admin (signed in) and an API key of the same role, two parking lots and two tags. */
  createOrganization(options?: { plan?: Plan; role?: Role; name?: string }): Promise<TestOrganization>;
}

/** The password of every admin the kit creates. */
export const KIT_ADMIN_PASSWORD = 'kit-password-2026';

export interface TestOrganization {
  id: string;
  name: string;
  apiKey: string;
  apiKeyId: string;
  adminId: string;
  adminEmail: string;
  /** A live session token of the admin. */
  sessionToken: string;
  /** Another live session of the same admin, for a test that signs out (which ends it). */
  newSession: () => Promise<string>;
  /**
   * Another owner of this organization with a live session: "Owner N", ownerN@ the
   * admin's domain, N counting 1, 2, … per organization. Each admin has a budget of
   * cost points a minute, so a test that spends many signs in as an owner of its own.
   */
  newOwner: () => Promise<TestAdmin>;
  lots: { id: string; globalId: string; name: string }[];
  tags: { id: string; globalId: string; name: string }[];
  /** The typed operations as this organization's API key. */
  api: Operations;
  /** The typed operations as its signed-in admin. */
  admin: Operations;
  /** The typed operations as its admin (session) or its API key. */
  as(actor: ActorKind): Operations;
  /** Sends a request as this organization's API key. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Sends a request as the admin (session token) or the API key. */
  graphqlAs<T = any>(actor: ActorKind, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Inserts many plain NOT_INVITED profiles at once (thousands per statement); returns their ids. */
  insertManyProfiles(count: number): Promise<string[]>;
  /** Inserts profiles directly (fast), numbered from `start` (by default, after the ones inserted before). */
  insertProfiles(count: number, options?: { start?: number; with?: (index: number) => ProfileExtras }): Promise<string[]>;
}

/** An admin the kit created, with a live session. */
export interface TestAdmin {
  id: string;
  name: string;
  email: string;
  sessionToken: string;
}

export interface ProfileExtras {
  status?: 'NOT_INVITED' | 'PENDING' | 'VALIDATED';
  lotIds?: string[];
  tagIds?: string[];
  paymentMethods?: ('CREDIT_CARD' | 'SEPA_DIRECT_DEBIT' | 'PAYROLL_DEDUCTION' | 'COMPANY_INVOICE')[];
  invitationExpiresAt?: Date;
  firstName?: string;
  lastName?: string;
}

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/**
 * Per test file: a database of its own, cloned from the migrated template, and
 * the real GraphQL app on it. Each test then creates its own organization.
 */
export function useTestKit(): TestKit {
  const kit = {} as TestKit;
  let pool: pg.Client | undefined;
  let databaseName = '';
  beforeAll(async () => {
    const serverUrl = inject('postgresServerUrl');
    databaseName = `parkpass_test_${randomBytes(6).toString('hex')}`;
    pool = createClient('test', serverUrl);
    await pool.connect();
    await pool.query(`CREATE DATABASE ${databaseName} TEMPLATE ${TEMPLATE_DATABASE}`);
    const statements: string[] = [];
    const prisma = createPrisma(withDatabase(serverUrl, databaseName), { onQuery: (sql) => statements.push(sql), namedStatements: true });
    const clock = new TestClock();
    const settings = { publicUrl: TEST_PUBLIC_URL, invitationTokenSecret: randomBytes(32).toString('base64url') };
    const databaseUrl = withDatabase(serverUrl, databaseName);
    // Webhook receivers in tests listen on localhost: private addresses allowed, as outside production.
    // One trusted hop: under yoga.fetch there is no socket, so a test acts from the address it puts rightmost in X-Forwarded-For.
    const app = createApp({
      prisma,
      databaseUrl,
      clock,
      settings,
      trustProxy: { hops: 1 },
      postmarkWebhookPassword: TEST_WEBHOOK_PASSWORD,
      rateLimits: testRateLimits(),
      webhookPrivateAddresses: true,
    });
    const postmark = await startFakePostmark();
    const worker: WorkerDependencies = {
      connectionString: withDatabase(serverUrl, databaseName),
      prisma,
      clock,
      transport: new PostmarkTransport(postmark.token, { apiUrl: postmark.url, timeoutSeconds: 5 }),
      settings: { ...settings, from: 'Parkpass <no-reply@parkpass.test>' },
      webhooks: { ...DEFAULT_WEBHOOK_DELIVERY, timeoutMs: 2_000, allowPrivateAddresses: true },
    };
    Object.assign(kit, {
      prisma,
      app,
      clock,
      postmark,
      worker,
      runJobs: () => runDueJobs(worker),
      emailsTo: (address: string) => postmark.messages.filter((message) => message.To.toLowerCase() === address.toLowerCase()),
      tokenOf: (message: PostmarkMessage) => {
        const match = /#token=([A-Za-z0-9_-]+)/.exec(message.TextBody ?? '');
        if (!match) throw new Error(`No accept link in the email "${message.Subject}".`);
        return match[1]!;
      },
      statements,
      resetStatements: () => statements.splice(0),
      graphql: (query: string, variables?: Record<string, unknown>, options?: { token?: string | null; headers?: Record<string, string> }) =>
        sendGraphQL(app, query, variables, options?.token ?? null, options?.headers),
      anonymous: operationsAs(typedSender(app, null)),
      as: (token: string | null, options?: { headers?: Record<string, string> }) => operationsAs(typedSender(app, token, options?.headers)),
      createOrganization: (options = {}) => createOrganization(kit, options),
    });
  });
  afterAll(async () => {
    await kit.postmark?.close();
    await kit.prisma?.$disconnect();
    await pool?.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await pool?.end();
  });
  return kit;
}

/**
 * The default budgets, but the public operations' per-address limits raised: a
 * file's anonymous calls all come from one address. server/security/rate-limits.test.ts
 * tests the real limits.
 */
export function testRateLimits() {
  const generous = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS.publicOperationsPerMinute).map((name) => [name, 10_000]));
  return createRateLimits({ ...DEFAULT_RATE_LIMITS, publicOperationsPerMinute: generous as typeof DEFAULT_RATE_LIMITS.publicOperationsPerMinute });
}

/** Sends typed documents through yoga.fetch with `token` (or none). */
export function typedSender(app: App, token: string | null, headers?: Record<string, string>): Send {
  return async <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) =>
    (await sendGraphQL(app, documentText(document), variables as Record<string, unknown>, token, headers)) as TypedResponse<Result>;
}

async function sendGraphQL(
  app: App,
  query: string,
  variables: Record<string, unknown> | undefined,
  token: string | null,
  headers: Record<string, string> = {},
) {
  const response = await app.fetch('http://parkpass.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse;
}

let organizationCounter = 0;
let kitPasswordHash: Promise<string> | undefined;

async function createOrganization(kit: TestKit, options: { plan?: Plan; role?: Role; name?: string }): Promise<TestOrganization> {
  const n = ++organizationCounter;
  const key = generateApiKeySecret();
  const organization = await kit.prisma.organization.create({
    data: {
      name: options.name ?? `Test organization ${n}`,
      plan: options.plan ?? 'ENTERPRISE',
      apiKeys: { create: { name: 'test key', role: options.role ?? 'OWNER', prefix: key.prefix, secretHash: key.hash } },
      parkingLots: { create: [{ name: 'North lot' }, { name: 'South lot' }] },
      tags: { create: [{ name: 'Engineering' }, { name: 'Sales' }] },
    },
    include: { apiKeys: true, parkingLots: { orderBy: { name: 'asc' } }, tags: { orderBy: { name: 'asc' } } },
  });
  const domain = `org${n}-${randomBytes(3).toString('hex')}.test`;
  kitPasswordHash ??= hashPassword(KIT_ADMIN_PASSWORD);
  const passwordHash = kitPasswordHash;
  let nextIndex = 0;
  let owners = 0;
  /** A new session's token and its row (the token hashed), live for a session's lifetime from now. */
  const liveSession = () => {
    const token = newSessionToken();
    return { token, row: { tokenHash: hashSecret(token), expiresAt: new Date(kit.clock.now().getTime() + SESSION_LIFETIME_MS) } };
  };
  const createAdmin = async (email: string, name: string, role: Role): Promise<TestAdmin> => {
    const session = liveSession();
    const record = await kit.prisma.admin.create({
      data: { organizationId: organization.id, email, name, role, passwordHash: await passwordHash, sessions: { create: session.row } },
    });
    return { id: record.id, name: record.name, email: record.email, sessionToken: session.token };
  };
  const first = await createAdmin(`admin@${domain}`, `Admin ${n}`, options.role ?? 'OWNER');
  const sessionToken = first.sessionToken;
  const api = operationsAs(typedSender(kit.app, key.secret));
  const admin = operationsAs(typedSender(kit.app, sessionToken));
  return {
    id: organization.id,
    name: organization.name,
    apiKey: key.secret,
    apiKeyId: organization.apiKeys[0]!.id,
    adminId: first.id,
    adminEmail: first.email,
    sessionToken,
    newSession: async () => {
      const session = liveSession();
      await kit.prisma.adminSession.create({ data: { adminId: first.id, ...session.row } });
      return session.token;
    },
    newOwner: () => {
      const number = ++owners;
      return createAdmin(`owner${number}@${domain}`, `Owner ${number}`, 'OWNER');
    },
    graphqlAs: (actor, query, variables) => kit.graphql(query, variables, { token: actor === 'ADMIN' ? sessionToken : key.secret }),
    api,
    admin,
    as: (actor) => (actor === 'ADMIN' ? admin : api),
    lots: organization.parkingLots.map((lot) => ({ id: lot.id, name: lot.name, globalId: globalId('ParkingLot', lot.id) })),
    tags: organization.tags.map((tag) => ({ id: tag.id, name: tag.name, globalId: globalId('Tag', tag.id) })),
    graphql: (query, variables) => kit.graphql(query, variables, { token: key.secret }),
    insertManyProfiles: async (count) => {
      const start = nextIndex;
      nextIndex += count;
      const ids: string[] = [];
      const people = fakePeople(count, domain, start);
      for (let offset = 0; offset < count; offset += 5_000) {
        const rows = await kit.prisma.profile.createManyAndReturn({
          data: people
            .slice(offset, offset + 5_000)
            .map((person) => ({ organizationId: organization.id, ...person, searchText: profileSearchText(person), sortName: profileSortName(person) })),
          select: { id: true },
        });
        ids.push(...rows.map((row) => row.id));
      }
      return ids;
    },
    insertProfiles: async (count, { start = nextIndex, with: extras = (): ProfileExtras => ({}) } = {}) => {
      nextIndex = Math.max(nextIndex, start + count);
      const people = fakePeople(count, domain, start);
      const ids: string[] = [];
      for (const [i, person] of people.entries()) {
        const extra = extras(start + i);
        const named = { ...person, firstName: extra.firstName ?? person.firstName, lastName: extra.lastName ?? person.lastName };
        const profile = await kit.prisma.profile.create({
          data: {
            organizationId: organization.id,
            ...named,
            // An invitation is only ever open for a pending profile (profile-queries.ts counts on it).
            status: extra.status ?? (extra.invitationExpiresAt ? 'PENDING' : 'NOT_INVITED'),
            paymentMethods: extra.paymentMethods ?? [],
            searchText: profileSearchText(named),
            sortName: profileSortName(named),
            parkingLots: { create: (extra.lotIds ?? []).map((parkingLotId) => ({ parkingLotId })) },
            tags: { create: (extra.tagIds ?? []).map((tagId) => ({ tagId })) },
          },
        });
        if (extra.invitationExpiresAt) {
          const invitation = await kit.prisma.invitation.create({
            data: {
              organizationId: organization.id,
              profileId: profile.id,
              tokenHash: randomBytes(16).toString('hex'),
              email: profile.email,
              createdAt: new Date(extra.invitationExpiresAt.getTime() - 72 * 3_600_000),
              expiresAt: extra.invitationExpiresAt,
            },
          });
          await kit.prisma.profile.update({ where: { id: profile.id }, data: { latestInvitationId: invitation.id } });
        }
        ids.push(profile.id);
      }
      return ids;
    },
  };
}

/** The emails of one test: what the fake Postmark accepted since the test began. */
export interface Mailbox {
  messages(): PostmarkMessage[];
  /** This test's emails to an address, oldest first. */
  to(address: string): PostmarkMessage[];
}

export interface KitFixtures {
  /** The file's clock, back at TEST_START for this test. */
  clock: TestClock;
  /** This test's emails only. */
  mailbox: Mailbox;
  /** A fresh organization (ENTERPRISE, OWNER admin and key, two lots, two tags) for this test alone. */
  org: TestOrganization;
}

/**
 * `it` with per-test fixtures: a test that names `clock`, `mailbox` or `org`
 * gets its own (the clock reset, the emails since it began, a new
 * organization), so no assertion depends on which tests ran before it.
 */
export function kitTest(kit: TestKit) {
  return test.extend<KitFixtures>({
    // Automatic: every test of the file starts at TEST_START, whether or not it names the clock.
    clock: [
      // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from its first parameter's pattern.
      async ({}, use) => {
        kit.clock.reset();
        await use(kit.clock);
      },
      { auto: true },
    ],
    // biome-ignore lint/correctness/noEmptyPattern: as above.
    mailbox: async ({}, use) => {
      const first = kit.postmark.messages.length;
      const messages = () => kit.postmark.messages.slice(first);
      await use({ messages, to: (address) => messages().filter((message) => message.To.toLowerCase() === address.toLowerCase()) });
    },
    org: async ({ clock }, use) => {
      void clock;
      await use(await kit.createOrganization());
    },
  });
}

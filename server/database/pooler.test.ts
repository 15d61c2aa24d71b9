import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakePostmark, startFakePostmark } from '../test/fake-postmark.ts';
import { documentText, expectTypename, operationsAs, type Send, type TypedResponse } from '../test/operations.ts';
import { type RunningPgBouncer, startPgBouncer } from '../test/pgbouncer.ts';
import { type BuiltServer, freshDatabase, PRODUCTION_ENV, productionConfig, startBuiltServerOn, startBuiltWorker } from '../test/production.ts';
import { withClient } from './connections.ts';

// PgBouncer in transaction mode between the built server, the built worker
// and PostgreSQL: DATABASE_URL is the pooler, DIRECT_DATABASE_URL the same
// database without it. Prisma's queries (unnamed prepared statements, one
// transaction per server connection) go through the pooler; what needs a
// session of its own (migrations' advisory lock, graphile-worker's LISTEN and
// locks, the progress LISTEN, the rate limits' named prepared statements)
// takes the direct connection. The whole flow runs: profiles created, a bulk
// invitation, the worker's emails through the (fake) Postmark, an acceptance.

let pooler: RunningPgBouncer;
let postmark: FakePostmark;
let server: BuiltServer;
let worker: BuiltServer;
let directUrl: string;
let database: string;

beforeAll(async () => {
  const serverUrl = inject('postgresServerUrl');
  // A pool of 3 server connections for 10 Prisma connections per process: transactions really share them.
  pooler = await startPgBouncer({ serverUrl, poolMode: 'transaction', poolSize: 3 });
  postmark = await startFakePostmark({ token: PRODUCTION_ENV.POSTMARK_SERVER_TOKEN });
  directUrl = await freshDatabase(serverUrl);
  database = new URL(directUrl).pathname.slice(1);
  const env = {
    DIRECT_DATABASE_URL: directUrl,
    POSTMARK_API_URL: postmark.url,
    PARKPASS_SEED_DEMO: 'true',
    PARKPASS_RUN_WORKER: 'false',
  };
  server = await startBuiltServerOn(pooler.urlOf(database), env);
  worker = await startBuiltWorker(pooler.urlOf(database), env);
});

afterAll(async () => {
  await Promise.all([server?.stop(), worker?.stop()]);
  await postmark?.close();
  await pooler?.stop();
});

/** Sends typed documents to the built server over HTTP, as one caller. */
function sender(apiKey: string | null): Send {
  return async <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({ query: documentText(document), variables }),
    });
    return (await response.json()) as TypedResponse<Result>;
  };
}

function demoApiKey(): string {
  const key = /Demo API key:\s+(\S+)/.exec(server.output())?.[1];
  if (!key) throw new Error(`No demo API key in the output:\n${server.output()}`);
  return key;
}

/** Who is connected to PostgreSQL for this database, by `application_name`, and what each last ran. */
function backends(): Promise<{ application_name: string; query: string; client_port: number }[]> {
  return withClient('test', directUrl, async (client) => {
    const { rows } = await client.query<{ application_name: string; query: string; client_port: number }>(
      'SELECT application_name, query, client_port FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows;
  });
}

describe('behind PgBouncer in transaction mode', () => {
  it('runs the whole flow: profiles created, invited in bulk, emailed by the worker, accepted', async () => {
    const api = operationsAs(sender(demoApiKey()));
    const emails = ['ada@pooled.parkpass.test', 'grace@pooled.parkpass.test', 'alan@pooled.parkpass.test'];
    for (const [index, email] of emails.entries()) {
      expectTypename(await api.profileCreate({ email, firstName: `Pooled${index}`, lastName: 'Person', externalId: `pooled-${index}` }), 'ProfilePayload');
    }
    const invited = expectTypename(
      await api.profilesInvite({ filter: { search: 'pooled.parkpass.test' }, idempotencyKey: 'pooled-bulk' }),
      'ProfilesInvitePayload',
    );
    expect(invited.bulkInvitation.total).toBe(emails.length);

    // The worker (its own process, on the direct connection) sends the emails; the fake Postmark receives them.
    await expect.poll(() => emails.map((email) => postmark.messages.filter((message) => message.To === email).length), { timeout: 30_000 }).toEqual([1, 1, 1]);
    const message = postmark.messages.find((sent) => sent.To === emails[0])!;
    const token = /#token=([A-Za-z0-9_-]+)/.exec(message.TextBody ?? '')?.[1];
    expect(token, message.TextBody).toBeTruthy();
    expectTypename(await operationsAs(sender(null)).invitationAccept(token!, 'a long and fine password'), 'InvitationAcceptPayload');

    const { edges } = await api.profiles({ filter: { search: 'pooled.parkpass.test' }, first: 10 });
    expect(Object.fromEntries(edges.map(({ node }) => [node.email, node.status]))).toEqual({
      [emails[0]!]: 'VALIDATED',
      [emails[1]!]: 'PENDING',
      [emails[2]!]: 'PENDING',
    });
    // Nothing refused on the way: no lost prepared statement, no session state missing.
    for (const process of [server, worker]) expect(process.output()).not.toMatch(/prepared statement|SERVICE_UNAVAILABLE|Unhandled|Error:/);
  });

  it('sends only Prisma through the pooler; graphile-worker, LISTEN and the rate limits use the direct connection', async () => {
    // A request counts its caller in PostgreSQL (the rate limits); the worker LISTENs for new jobs.
    await operationsAs(sender(demoApiKey())).profileCounts();
    const clients = await pooler.admin<{ database: string; application_name: string }>('SHOW CLIENTS');
    const pooled = new Set(clients.filter((client) => client.database === database).map((client) => client.application_name));
    expect([...pooled]).toEqual(['parkpass-prisma']);

    const direct = await backends();
    const servers = await pooler.admin<{ database: string; local_port: number }>('SHOW SERVERS');
    const poolerPorts = new Set(servers.filter((row) => row.database === database).map((row) => Number(row.local_port)));
    const outsideThePooler = direct.filter((backend) => !poolerPorts.has(backend.client_port));
    const names = new Set(outsideThePooler.map((backend) => backend.application_name));
    expect(names).toContain('parkpass-jobs');
    expect(names).toContain('parkpass-rate-limits');
    expect(outsideThePooler.some((backend) => backend.application_name === 'parkpass-jobs' && /LISTEN "jobs:insert"/.test(backend.query))).toBe(true);
    expect(names).not.toContain('parkpass-prisma');
  });
});

describe('DIRECT_DATABASE_URL', () => {
  it('is DATABASE_URL unless set, must be a postgres:// URL, and is refused without DATABASE_URL', () => {
    expect(productionConfig().directDatabaseUrl).toBeUndefined();
    expect(productionConfig({ DIRECT_DATABASE_URL: 'postgres://parkpass@db:5432/parkpass' }).directDatabaseUrl).toBe('postgres://parkpass@db:5432/parkpass');
    expect(() => productionConfig({ DIRECT_DATABASE_URL: 'db:5432' })).toThrow('DIRECT_DATABASE_URL: must be a postgres:// URL');
    expect(() => productionConfig({ DATABASE_URL: undefined, DIRECT_DATABASE_URL: 'postgres://db/parkpass' })).toThrow(
      'DIRECT_DATABASE_URL: set only beside DATABASE_URL',
    );
  });
});

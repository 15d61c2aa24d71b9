import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePostmark, startFakePostmark } from '../test/fake-postmark.ts';
import { type BuiltServer, PRODUCTION_ENV, startBuiltServer, startBuiltWorker } from '../test/production.ts';
import { createClient } from './connections.ts';
import { type RunningPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';
import { freePort } from './free-port.ts';
import { dataDir } from './paths.ts';

// The server and the worker outlive their database. On a PostgreSQL cluster of
// this file's own (stopping it disturbs no other test), the built server
// (`npm run start:prod`, its worker in the process) and the worker alone
// (`npm run worker:prod`, beside a server that runs no jobs) see every
// connection they hold terminated, idle or busy (a subscription's LISTEN
// too), then PostgreSQL stopped under traffic and started again, then
// SIGTERM. Neither dies: requests meanwhile
// answer 503 SERVICE_UNAVAILABLE with Retry-After, both recover by themselves,
// and stop with exit code 0.

const UNHANDLED = /unhandled|uncaught/i;

let cluster: { url: string; dir: string; port: number; running: RunningPostgres | null };
let postmark: FakePostmark;
/** The server with its worker in the process. */
let server: BuiltServer;
/** A server that runs no jobs, and the worker that runs them, on another database. */
let apiOnly: BuiltServer;
let worker: BuiltServer;

beforeAll(async () => {
  const dir = path.join(dataDir, `faults-postgres-${randomBytes(4).toString('hex')}`);
  const port = await freePort();
  cluster = { dir, port, url: '', running: null };
  await startCluster();
  postmark = await startFakePostmark({ token: PRODUCTION_ENV.POSTMARK_SERVER_TOKEN });
  const env = { PARKPASS_SEED_DEMO: 'true', POSTMARK_API_URL: postmark.url };
  [server, apiOnly] = await Promise.all([
    startBuiltServer(cluster.url, { ...env, PARKPASS_RUN_WORKER: 'true' }),
    startBuiltServer(cluster.url, { ...env, PARKPASS_RUN_WORKER: 'false' }),
  ]);
  worker = await startBuiltWorker(apiOnly.databaseUrl, { POSTMARK_API_URL: postmark.url });
});

afterAll(async () => {
  await Promise.all([server?.stop(), apiOnly?.stop(), worker?.stop()]);
  await postmark?.close();
  await cluster?.running?.stop();
  if (cluster) await rm(cluster.dir, { recursive: true, force: true });
});

async function startCluster(): Promise<void> {
  cluster.running = await startEmbeddedPostgres({ dataDir: cluster.dir, port: cluster.port, fast: true });
  cluster.url = cluster.running.url;
}

async function stopCluster(): Promise<void> {
  // embedded-postgres stops with SIGINT: PostgreSQL's fast shutdown, as `pg_ctl stop -m fast`.
  await cluster.running?.stop();
  cluster.running = null;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

function apiKeyOf(process: BuiltServer): string {
  const key = /Demo API key:\s+(\S+)/.exec(process.output())?.[1];
  if (!key) throw new Error(`No demo API key in the output:\n${process.output()}`);
  return key;
}

/** A GraphQL request; status 0 when the server did not answer at all (its output in the body, for the failure message). */
async function ask(process: BuiltServer, query: string, variables?: Record<string, unknown>, apiKey: string | null = apiKeyOf(process)): Promise<Answer> {
  try {
    const response = await fetch(`${process.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  } catch (error) {
    return { status: 0, retryAfter: null, body: { errors: [{ message: `${String(error)}\n${process.output()}` }] } };
  }
}

const COUNT_PROFILES = '{ profiles(first: 5) { totalCount } }';

/** What a caller may see while the database is away: the answer, or a coded 503 to retry. */
function expectAnsweredOrUnavailable(answer: Answer): void {
  if (answer.status === 200 && !answer.body.errors) return;
  expect(answer).toMatchObject({ status: 503, retryAfter: '1', body: { errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] } });
}

/** Creates a profile and invites it through the API; the invitation email is then the worker's to send. */
async function invite(process: BuiltServer, email: string): Promise<void> {
  const created = await ask(
    process,
    'mutation ($input: ProfileCreateInput!) { profileCreate(input: $input) { __typename ... on ProfilePayload { profile { id } } } }',
    { input: { email, firstName: 'Ada', lastName: 'Lovelace' } },
  );
  const profileId = (created.body.data as { profileCreate: { profile?: { id: string } } }).profileCreate.profile?.id;
  expect(profileId, JSON.stringify(created.body)).toBeTruthy();
  const invited = await ask(process, 'mutation ($input: ProfileInviteInput!) { profileInvite(input: $input) { __typename } }', {
    input: { profileId },
  });
  expect(invited.body).toEqual({ data: { profileInvite: { __typename: 'ProfileInvitePayload' } } });
}

async function expectEmailSent(to: string): Promise<void> {
  await expect.poll(() => postmark.messages.some((message) => message.To === to), { timeout: 15_000 }).toBe(true);
}

/** Terminates every backend of the database but the caller's: their application names. */
async function terminateAll(databaseUrl: string, except: number[] = []): Promise<string[]> {
  const admin = createClient('test', databaseUrl);
  await admin.connect();
  try {
    // Chosen first, then terminated: in one statement, PostgreSQL may call pg_terminate_backend before the other conditions.
    const { rows } = await admin.query<{ pid: number; application_name: string }>(
      'SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY($1::int[])',
      [except],
    );
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((row) => row.pid)]);
    return rows.map((row) => row.application_name);
  } finally {
    await admin.end();
  }
}

/** The connections waiting on a lock in the client's database, by name (read afresh: inside a transaction, pg_stat_activity is a snapshot). */
async function waitingOnLocks(client: pg.Client): Promise<string[]> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ application_name: string }>(
    "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' ORDER BY 1",
  );
  return rows.map((row) => row.application_name);
}

function expectNoUnhandledError(process: BuiltServer): void {
  expect(process.exitCode(), process.output()).toBeNull();
  expect(process.output()).not.toMatch(UNHANDLED);
}

describe('when the database drops connections', () => {
  it('terminating every connection, idle or busy in a request, leaves the server answering and the worker sending', async () => {
    const apiKey = apiKeyOf(server);
    expect((await ask(server, COUNT_PROFILES)).body).toEqual({ data: { profiles: { totalCount: 50 } } });

    // Busy connections: requests wait on locks, one on Prisma (the API key's lookup), one on the rate-limit counters.
    const locker = createClient('test', server.databaseUrl);
    await locker.connect();
    const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE api_key, rate_limit IN ACCESS EXCLUSIVE MODE');
    const withKey = Array.from({ length: 3 }, () => ask(server, COUNT_PROFILES, undefined, apiKey));
    const anonymous = Array.from({ length: 3 }, () => ask(server, '{ __typename }', undefined, null));
    await expect.poll(() => waitingOnLocks(locker)).toEqual(['parkpass-prisma', 'parkpass-rate-limits']);

    // Idle ones too: graphile-worker's (its LISTEN), and whatever the pools keep open.
    expect(await terminateAll(server.databaseUrl, [lockerPid])).toEqual(expect.arrayContaining(['parkpass-prisma', 'parkpass-rate-limits', 'parkpass-jobs']));
    await locker.query('COMMIT');
    await locker.end();

    for (const answer of await Promise.all(withKey)) expectAnsweredOrUnavailable(answer);
    // The rate limits count in memory when their store fails: these are answered.
    for (const answer of await Promise.all(anonymous)) expect(answer.body).toEqual({ data: { __typename: 'Query' } });
    // The next requests open new connections.
    expect(await ask(server, COUNT_PROFILES)).toMatchObject({ status: 200, body: { data: { profiles: { totalCount: 50 } } } });

    // The worker alone, and its server's idle connections (one request left them in the pools): all terminated.
    expect(await ask(apiOnly, COUNT_PROFILES)).toMatchObject({ status: 200 });
    expect(await terminateAll(apiOnly.databaseUrl)).toEqual(expect.arrayContaining(['parkpass-prisma', 'parkpass-rate-limits', 'parkpass-jobs']));
    expect(await ask(apiOnly, COUNT_PROFILES)).toMatchObject({ status: 200, body: { data: { profiles: { totalCount: 50 } } } });

    await Promise.all([invite(server, 'after-terminate@example.com'), invite(apiOnly, 'after-terminate-worker@example.com')]);
    await Promise.all([expectEmailSent('after-terminate@example.com'), expectEmailSent('after-terminate-worker@example.com')]);
    for (const process of [server, apiOnly, worker]) expectNoUnhandledError(process);
    // Each idle connection lost is one line of the log, no more.
    expect(apiOnly.output().match(/Database connection lost \(rate-limits, 57P01\)/g)).toHaveLength(1);
    expect(apiOnly.output().match(/Database connection lost \(prisma, 57P01\)/g)).toHaveLength(1);
  });

  it('a transaction whose connection is terminated answers 503 with nothing written, and the same request then succeeds', async () => {
    const locker = createClient('test', server.databaseUrl);
    await locker.connect();
    const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE profile IN ACCESS EXCLUSIVE MODE');
    const input = { email: 'cut-transaction@example.com', firstName: 'Grace', lastName: 'Hopper' };
    const create = () => ask(server, 'mutation ($input: ProfileCreateInput!) { profileCreate(input: $input) { __typename } }', { input });
    const cut = create();
    // profileCreate's transaction has begun and waits on the lock.
    await expect.poll(() => waitingOnLocks(locker)).toEqual(['parkpass-prisma']);
    await terminateAll(server.databaseUrl, [lockerPid]);
    await locker.query('COMMIT');
    await locker.end();

    expect(await cut).toMatchObject({ status: 503, retryAfter: '1', body: { errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] } });
    // Nothing was written: the address is still free.
    expect((await create()).body).toEqual({ data: { profileCreate: { __typename: 'ProfilePayload' } } });
    expectNoUnhandledError(server);
  });

  it("a subscription's LISTEN connection terminated: it comes back and the follower sees the next change", async () => {
    // A bulk invitation no job will run: its follower stays open until the row changes.
    const db = createClient('test', server.databaseUrl);
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO bulk_invitation (id, organization_id, selection, state, total)
       SELECT gen_random_uuid(), id, '{}', 'RUNNING', 10 FROM organization LIMIT 1 RETURNING id`,
    );
    const bulkId = rows[0]!.id;
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${apiKeyOf(server)}` },
      body: JSON.stringify({
        query: 'subscription ($id: ID!) { bulkInvitationProgress(id: $id) { state done } }',
        variables: { id: Buffer.from(`BulkInvitation:${bulkId}`).toString('base64') },
      }),
    });
    let events = '';
    const reading = (async () => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) events += decoder.decode(chunk.value, { stream: true });
    })();
    await expect.poll(() => events).toContain('"state":"RUNNING"');

    const listeners = async () =>
      (
        await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parkpass-progress'")
      ).rows.map((row) => row.pid);
    const [before] = await listeners();
    expect(before).toBeDefined();
    const ownPid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    expect(await terminateAll(server.databaseUrl, [ownPid])).toContain('parkpass-progress');
    // A new connection LISTENs in its place.
    await expect.poll(async () => (await listeners()).filter((pid) => pid !== before)).toHaveLength(1);

    await db.query("UPDATE bulk_invitation SET state = 'COMPLETED', done = 10 WHERE id = $1", [bulkId]);
    await db.query('SELECT pg_notify($1, $2)', ['bulk_invitation_progress', bulkId]);
    await reading;
    expect(events).toContain('"state":"COMPLETED","done":10');
    await db.end();
    expectNoUnhandledError(server);
    expect(server.output()).toMatch(/Database connection lost \(progress, 57P01\)/);
  });

  it('PostgreSQL stopped under traffic: 503 with Retry-After meanwhile, then both recover by themselves', async () => {
    const answers: Answer[] = [];
    let traffic = true;
    const sending = (async () => {
      while (traffic) answers.push(await ask(server, COUNT_PROFILES));
    })();

    await expect.poll(() => answers.length).toBeGreaterThan(2);
    await stopCluster();
    const sentBefore = answers.length;
    // The outage lasts three seconds: its length is what this waits for.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const during = answers.slice(sentBefore + 1);
    expect(during.length).toBeGreaterThan(5);
    for (const answer of during) {
      expect(answer).toMatchObject({ status: 503, retryAfter: '1', body: { errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] } });
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(503);

    await startCluster();
    const restarted = Date.now();
    await expect.poll(() => answers.at(-1)?.status, { timeout: 10_000 }).toBe(200);
    // Back within a few seconds of PostgreSQL, by itself (the pools open new connections on demand).
    expect(Date.now() - restarted).toBeLessThan(5_000);
    traffic = false;
    await sending;
    for (const answer of answers) expectAnsweredOrUnavailable(answer);
    expect(await ask(apiOnly, COUNT_PROFILES)).toMatchObject({ status: 200, body: { data: { profiles: { totalCount: expect.any(Number) } } } });

    // The jobs run again, in the server and in the worker alone.
    await Promise.all([invite(server, 'after-restart@example.com'), invite(apiOnly, 'after-restart-worker@example.com')]);
    await Promise.all([expectEmailSent('after-restart@example.com'), expectEmailSent('after-restart-worker@example.com')]);
    for (const process of [server, apiOnly, worker]) expectNoUnhandledError(process);
  });

  it('SIGTERM after connections were terminated, requests running: exit code 0, no unhandled error', async () => {
    await terminateAll(server.databaseUrl);
    await terminateAll(apiOnly.databaseUrl);
    const running = Array.from({ length: 5 }, () => ask(server, COUNT_PROFILES));
    const [serverExit, workerExit] = await Promise.all([server.stop(), worker.stop()]);
    await Promise.all(running);
    expect(serverExit).toEqual({ code: 0, signal: null });
    expect(workerExit).toEqual({ code: 0, signal: null });
    for (const process of [server, worker]) expect(process.output()).not.toMatch(UNHANDLED);
  });
});

import { get, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { print } from 'graphql';
import { ProfilesInviteDocument } from '../../sdk/src/generated/graphql.ts';
import { createPrisma, type PrismaClient } from '../database/prisma.ts';
import { profileSearchText, profileSortName } from '../profiles/search-text.ts';
import { fakePeople } from '../seed/fake-people.ts';
import { type FakePostmark, startFakePostmark } from '../test/fake-postmark.ts';
import { type BuiltServer, PRODUCTION_ENV, startBuiltServer, startBuiltWorker } from '../test/production.ts';

// A deploy's SIGTERM, as the orchestrator sends it: the built server (its
// worker in the process) is in the middle of a 10,000-person bulk invitation
// and of concurrent requests. It drains (/health/ready 503), answers every
// request that had started, hands the rest of the bulk invitation back to the
// queue and exits 0. A worker started afterwards finishes the job: every
// person gets exactly one email (counted at the fake Postmark).

const PEOPLE = 10_000;
const DOMAIN = 'shutdown.test';
const UNHANDLED = /unhandled|uncaught/i;

let postmark: FakePostmark;
let server: BuiltServer;
let worker: BuiltServer | undefined;
let prisma: PrismaClient;

beforeAll(async () => {
  postmark = await startFakePostmark({ token: PRODUCTION_ENV.POSTMARK_SERVER_TOKEN, keepMessages: false });
  server = await startBuiltServer(inject('postgresServerUrl'), {
    PARKPASS_SEED_DEMO: 'true',
    POSTMARK_API_URL: postmark.url,
    PARKPASS_SHUTDOWN_TIMEOUT_SECONDS: '20',
    // Still accepting for 2 s after SIGTERM, readiness failing: what a load balancer needs to stop routing first.
    PARKPASS_DRAIN_SECONDS: '2',
  });
  prisma = createPrisma(server.databaseUrl);
});
afterAll(async () => {
  await Promise.all([server?.stop(), worker?.stop()]);
  await prisma?.$disconnect();
  await postmark?.close();
});

async function graphql(apiKey: string, body: object) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: unknown[] } };
}

/** A GraphQL request on a connection of its own (no keep-alive pool: each request's fate is its own). */
function postAlone(apiKey: string, body: object): Promise<{ status: number; body: { data?: any; errors?: unknown[] } }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = request(
      `${server.url}/graphql`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        response.on('error', reject);
      },
    );
    sent.on('error', (error) => reject(new Error(`${error.message}; the server said:\n${server.output().slice(-4000)}`)));
    sent.end(payload);
  });
}

/** Polls `check` every 100 ms until it holds (or `ms` pass: the test then fails with `what`). */
async function until(what: string, check: () => Promise<boolean>, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const emailsToPeople = () => {
  const counts = new Map<string, number>();
  for (const message of postmark.messages) if (message.To.endsWith(`@${DOMAIN}`)) counts.set(message.To, (counts.get(message.To) ?? 0) + 1);
  return counts;
};

describe('SIGTERM during a bulk invitation and under load', () => {
  it('answers every started request, exits 0, and after a restart every person has exactly one email', { timeout: 240_000 }, async () => {
    const apiKey = /Demo API key:\s+(\S+)/.exec(server.output())![1]!;
    const organization = await prisma.organization.findFirstOrThrow();
    const people = fakePeople(PEOPLE, DOMAIN, 0);
    for (let offset = 0; offset < PEOPLE; offset += 5_000) {
      await prisma.profile.createMany({
        data: people
          .slice(offset, offset + 5_000)
          .map((person) => ({ organizationId: organization.id, ...person, searchText: profileSearchText(person), sortName: profileSortName(person) })),
      });
    }
    const started = await graphql(apiKey, { query: print(ProfilesInviteDocument), variables: { input: { filter: { statuses: ['NOT_INVITED'] } } } });
    expect(started.body.data?.profilesInvite.__typename).toBe('ProfilesInvitePayload');
    const bulkId = started.body.data.profilesInvite.bulkInvitation.id as string;

    // Mid-run: some people invited and some emails sent, most of it still to do.
    await until('the first emails', async () => emailsToPeople().size > 0);
    expect((await prisma.bulkInvitation.findFirstOrThrow()).state).toBe('RUNNING');

    // Requests in flight when SIGTERM arrives.
    const query = { query: '{ profiles(first: 20, filter: { search: "a" }) { totalCount edges { node { email } } } }' };
    const inFlight = Array.from({ length: 24 }, () => postAlone(apiKey, query));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = server.stop();
    // On a connection of its own (not one of the keep-alive pool the answers above close), asked until the
    // signal has been handled (a loaded machine may take a moment): within the drain window it must say 503.
    const readiness = () =>
      new Promise<number | string>((resolve) => {
        get(`${server.url}/health/ready`, { agent: false }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', (error) => resolve(`${error.message}\n${server.output().slice(-3000)}`));
      });
    let ready = await readiness();
    for (let tries = 0; ready === 200 && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await readiness();
    }
    const answers = await Promise.all(inFlight);
    const exit = await stopping;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).not.toMatch(UNHANDLED);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    // Once draining, the readiness probe said so.
    expect(ready).toBe(503);
    const bulkAtStop = await prisma.bulkInvitation.findFirstOrThrow();
    const sentAtStop = emailsToPeople().size;
    expect(bulkAtStop.state).not.toBe('FAILED');

    // The next process finishes what was handed back.
    worker = await startBuiltWorker(server.databaseUrl, { POSTMARK_API_URL: postmark.url });
    await until('the bulk invitation to complete', async () => (await prisma.bulkInvitation.findFirstOrThrow()).state === 'COMPLETED', 150_000);
    await until('every email', async () => (await prisma.email.count({ where: { state: { in: ['QUEUED', 'SENDING'] } } })) === 0, 60_000);
    const exitWorker = await worker.stop();
    expect(exitWorker).toEqual({ code: 0, signal: null });
    expect(worker.output()).not.toMatch(UNHANDLED);

    const counts = emailsToPeople();
    const duplicates = [...counts.values()].filter((count) => count > 1).length;
    const report = {
      people: PEOPLE,
      doneAtStop: bulkAtStop.done,
      stateAtStop: bulkAtStop.state,
      emailsAtStop: sentAtStop,
      requestsInFlight: answers.length,
      requestsAnswered200: answers.filter((answer) => answer.status === 200).length,
      emailedPeople: counts.size,
      duplicates,
    };
    console.info(`Shutdown test: ${JSON.stringify(report)}`);
    expect(bulkId).toBeTruthy();
    expect(sentAtStop).toBeLessThan(PEOPLE);
    expect(counts.size).toBe(PEOPLE);
    expect(duplicates).toBe(0);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MAX_FOLLOWERS_PER_CALLER } from '../graphql/bulk-invitation-progress.ts';
import { expectTypename } from '../test/operations.ts';
import { globalId, TEST_PUBLIC_URL, type TestOrganization, useTestKit } from '../test/kit.ts';

// BulkInvitationProgress followers end when their client
// goes, a caller holds a bounded number of them, and progress costs no polling
// loop per follower (NOTIFY from the worker, one LISTEN connection per process).
// Subscriptions over SSE through yoga.fetch; the kit's Prisma client counts
// every statement the app sends.

const kit = useTestKit();

interface Follower {
  /** The next event's payload (`{ data }` or `{ errors }`), or null when the stream ended. */
  next(): Promise<any | null>;
  /** The client goes away. */
  close(): Promise<void>;
}

async function follow(token: string, bulkGlobalId: string): Promise<Follower> {
  const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'subscription ($id: ID!) { bulkInvitationProgress(id: $id) { state done } }', variables: { id: bulkGlobalId } }),
  });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: complete/m.test(block)) return null;
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('');
          if (data) return JSON.parse(data);
          continue; // a keep-alive comment
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

/** A bulk invitation that stays QUEUED (no job runs it): its followers never end by themselves. */
async function idleBulkInvitation(org: TestOrganization) {
  const bulk = await kit.prisma.bulkInvitation.create({ data: { organizationId: org.id, selection: { profileIds: [] }, total: 1 } });
  return globalId('BulkInvitation', bulk.id);
}

async function progressConnections(): Promise<number> {
  const [row] = await kit.prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parkpass-progress'`;
  return row!.n;
}

describe('bulkInvitationProgress followers', () => {
  it('stop costing database queries once their clients disconnect', async () => {
    const org = await kit.createOrganization();
    const id = await idleBulkInvitation(org);
    const followers = await Promise.all(Array.from({ length: MAX_FOLLOWERS_PER_CALLER }, () => follow(org.apiKey, id)));
    for (const follower of followers) expect((await follower.next()).data.bulkInvitationProgress).toEqual({ state: 'QUEUED', done: 0 });
    expect(await progressConnections()).toBe(1); // one LISTEN connection for them all

    await Promise.all(followers.map((follower) => follower.close()));
    // The last follower gone, the LISTEN connection closes (awaited: it is the event that says they all ended).
    for (let i = 0; i < 100 && (await progressConnections()) > 0; i++) await sleep(20);
    expect(await progressConnections()).toBe(0);
    // Then nothing more reaches the database: a whole second without one statement (the old followers polled every 250 ms).
    kit.resetStatements();
    await sleep(1_000);
    expect(kit.statements).toEqual([]);
  });

  it('while followed, a bulk invitation that does not move costs no query at all', async () => {
    const org = await kit.createOrganization();
    const id = await idleBulkInvitation(org);
    const followers = await Promise.all(Array.from({ length: 5 }, () => follow(org.apiKey, id)));
    // Each first event is the follower's one read, made once LISTEN was in effect: after it, nothing is pending.
    for (const follower of followers) await follower.next();
    kit.resetStatements();
    await sleep(1_000);
    expect(kit.statements).toEqual([]);
    await Promise.all(followers.map((follower) => follower.close()));
  });

  it(`limits a caller to ${MAX_FOLLOWERS_PER_CALLER} open subscriptions, with a coded error beyond; closing one frees a place`, async () => {
    const org = await kit.createOrganization();
    const id = await idleBulkInvitation(org);
    const followers = await Promise.all(Array.from({ length: MAX_FOLLOWERS_PER_CALLER }, () => follow(org.apiKey, id)));
    for (const follower of followers) await follower.next();

    const refused = await follow(org.apiKey, id);
    const answer = await refused.next();
    expect(answer.errors[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(await refused.next()).toBeNull();
    // Another caller of the organization is not affected.
    const admin = await follow(org.sessionToken, id);
    expect((await admin.next()).data.bulkInvitationProgress.state).toBe('QUEUED');

    await followers[0]!.close();
    let again: any = null;
    for (let attempt = 0; attempt < 50; attempt++) {
      const retry = await follow(org.apiKey, id);
      again = await retry.next();
      if (again.data) {
        await retry.close();
        break;
      }
    }
    expect(again.data.bulkInvitationProgress.state).toBe('QUEUED');
    await Promise.all([...followers.slice(1), admin].map((follower) => follower.close()));
  });

  it('follow the worker through NOTIFY to the end, even when the LISTEN connection drops on the way', async () => {
    const org = await kit.createOrganization();
    const ids = await org.insertManyProfiles(300);
    const started = await org.api.profilesInviteBulk({ profileIds: ids.map((id) => globalId('Profile', id)) });
    const bulk = expectTypename(started, 'ProfilesInvitePayload').bulkInvitation;
    expect(bulk.state).toBe('QUEUED');
    const follower = await follow(org.apiKey, bulk.id);
    expect((await follower.next()).data.bulkInvitationProgress).toEqual({ state: 'QUEUED', done: 0 });
    for (let i = 0; i < 100 && (await progressConnections()) === 0; i++) await sleep(20);

    await kit.prisma.$queryRaw`
      SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parkpass-progress'`;
    await kit.runJobs();
    const events: any[] = [];
    for (let event = await follower.next(); event; event = await follower.next()) events.push(event.data.bulkInvitationProgress);
    expect(events.at(-1)).toEqual({ state: 'COMPLETED', done: 300 });
  });
});

import { describe, expect } from 'vitest';
import { BulkInvitationProgressDocument } from '../../sdk/src/generated/graphql.ts';
import { expectTypename } from '../test/operations.ts';
import { documentText } from '../test/operations.ts';
import { kitTest, TEST_PUBLIC_URL, testRateLimits, useTestKit } from '../test/kit.ts';
import { Lifecycle } from './health.ts';
import { createApp } from './yoga.ts';

// Liveness and readiness apart: /health/live asks nothing of the database,
// /health/ready fails once the process drains (SIGTERM), and draining ends
// each progress subscription with its last event instead of a cut stream.

const kit = useTestKit();
const it = kitTest(kit);

describe('/health/live and /health/ready', () => {
  it('are ready until draining starts; then readiness fails, liveness holds, and subscriptions end with their final event', async ({ org }) => {
    const lifecycle = new Lifecycle();
    const app = createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: kit.worker.settings,
      rateLimits: testRateLimits(),
      lifecycle,
    });
    const get = async (path: string) => {
      const response = await app.fetch(`${TEST_PUBLIC_URL}${path}`);
      return { status: response.status, body: await response.json() };
    };
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/health/ready')).toEqual({ status: 200, body: { status: 'ready', database: 'ok' } });

    // A bulk invitation large enough to wait for the worker (none runs here): its progress stream stays open.
    await org.insertManyProfiles(201);
    const bulk = expectTypename(await org.api.profilesInvite({ filter: { statuses: ['NOT_INVITED'] } }), 'ProfilesInvitePayload').bulkInvitation;
    expect(bulk.state).toBe('QUEUED');
    const stream = await app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${org.apiKey}` },
      body: JSON.stringify({ query: documentText(BulkInvitationProgressDocument), variables: { id: bulk.id } }),
    });
    const reader = stream.body!.getReader();
    let received = '';
    while (!received.includes('bulkInvitationProgress')) received += new TextDecoder().decode((await reader.read()).value);

    lifecycle.drain();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += new TextDecoder().decode(chunk.value);
    }
    expect(received).toMatch(/event: complete/);
    expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'draining' } });
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    // /health is as it was.
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });
});

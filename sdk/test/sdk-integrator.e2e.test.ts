import { hash } from '@node-rs/argon2';
import * as sdk from '@parkpass/sdk';
import { createClient, ParkpassError } from '@parkpass/sdk';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient as createDatabaseClient } from '../../server/database/connections.ts';
import { freePort } from '../../server/database/free-port.ts';
import { DOMAIN_ERRORS } from '../../server/kernel/errors.ts';
import { type FakePostmark, startFakePostmark } from '../../server/test/fake-postmark.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { type RunningServer, startServer } from './server-process.ts';

// What an integrator tripped on, each against the real server (its own
// process) through the built SDK: positions in a batched sync, one status per
// code, Retry-After on a 503, webhook events newer than the SDK, a sync that
// stops half way, and retries whose first attempt did the work.

let server: RunningServer;
let postmark: FakePostmark;
let database: pg.Client;
const PASSWORD = 'a long and fine password';
const UUID = /^[0-9a-f-]{36}$/;

beforeAll(async () => {
  postmark = await startFakePostmark();
  server = await startServer({ postgresServerUrl: inject('postgresServerUrl'), postmark, webhookPassword: 'sdk-integrator-webhook-password' });
  database = createDatabaseClient('test', server.databaseUrl);
  await database.connect();
});

afterAll(async () => {
  await database?.end();
  await server?.stop();
  await postmark?.close();
});

const api = () => createClient({ url: `${server.url}/graphql`, apiKey: server.demo.apiKey });

/** A client signed in as the demo admin (API keys are made by admins). */
async function signedIn() {
  const session = await createClient({ url: `${server.url}/graphql`, anonymous: true }).admin.login(server.demo.adminEmail, server.demo.adminPassword);
  return createClient({ url: `${server.url}/graphql`, token: session.token });
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as ParkpassError,
  );

describe('the SDK, as an integrator meets it', () => {
  it('upsertAll gives every position in the whole input: the row index, the path and the duplicate it names', async () => {
    const rows = [
      { externalId: 'pos-0', firstName: 'A', lastName: 'Zero', email: 'pos.zero@sdk.example' },
      { externalId: 'pos-1', firstName: 'B', lastName: 'One', email: 'pos.one@sdk.example' },
      { externalId: 'pos-2', firstName: 'C', lastName: 'Two', email: 'pos.two@sdk.example' },
      { externalId: 'pos-3', firstName: 'D', lastName: 'Three', email: 'POS.TWO@sdk.example' },
    ];
    const synced = await api().profiles.upsertAll(rows, { batchSize: 2 });
    expect(synced).toMatchObject({ createdCount: 3, failedCount: 1 });
    const failed = synced.results[3]!;
    expect(failed.index).toBe(3);
    expect(failed.error).toMatchObject({ __typename: 'DuplicateInBatch', otherIndex: 2, field: 'email', path: ['input', 'profiles', '3', 'email'] });
    expect(failed.error!.message).toMatch(/^Row 2 of the input already has the email/);
  });

  it('gives each API code one status, the one of the error table, whichever call refused it', async () => {
    // The SDK's table is the server's.
    const serverTable = Object.fromEntries(
      Object.entries(DOMAIN_ERRORS).flatMap(([code, entry]) => ('httpStatus' in entry && entry.httpStatus ? [[code, entry.httpStatus]] : [])),
    );
    expect(sdk.ERROR_CODE_HTTP_STATUS).toEqual(serverTable);

    const admin = await signedIn();
    const viewerKey = await admin.apiKeys.create({ name: 'status reader', role: 'VIEWER' });
    const readOnly = createClient({ url: `${server.url}/graphql`, apiKey: viewerKey.secret });
    const someone = (await readOnly.profiles.search({ first: 1 })).edges[0]!.node;
    // FORBIDDEN: from a query, from a mutation, from a bulk upsert.
    const forbidden = [
      await refusal(readOnly.invitations.preview({ profileIds: [someone.id] })),
      await refusal(readOnly.profiles.upsert([{ externalId: 'x', firstName: 'X', lastName: 'Y', email: 'x@sdk.example' }])),
      await refusal(readOnly.invitations.inviteOne(someone.id)),
    ];
    expect(forbidden.map((error) => [error.operation, error.code, error.status])).toEqual([
      ['invitations.preview', 'FORBIDDEN', 403],
      ['profiles.upsert', 'FORBIDDEN', 403],
      ['invitations.inviteOne', 'FORBIDDEN', 403],
    ]);

    // FEATURE_NOT_IN_PLAN, from a STARTER organization. Fixture: the organization and its owner, written directly.
    const { rows } = await database.query<{ id: string }>(
      "INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Status Co', 'STARTER', now()) RETURNING id",
    );
    await database.query(
      "INSERT INTO admin (id, organization_id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'owner@status.example', 'Owner', 'OWNER', $2, now())",
      [rows[0]!.id, await hash(PASSWORD)],
    );
    const login = await createClient({ url: `${server.url}/graphql`, anonymous: true }).admin.login('owner@status.example', PASSWORD);
    const starter = createClient({ url: `${server.url}/graphql`, token: login.token });
    const only = await starter.profiles.create({ firstName: 'Only', lastName: 'One', email: 'only@status.example' });
    const notInPlan = [
      await refusal(starter.invitations.preview({ profileIds: [only.profile.id] })),
      await refusal(starter.invitations.inviteOne(only.profile.id)),
      await refusal(starter.webhooks.create({ url: 'https://hooks.example.com/parkpass', eventTypes: ['INVITATION_ACCEPTED'] })),
    ];
    expect(notInPlan.map((error) => [error.operation, error.code, error.status, error.requiredPlan])).toEqual([
      ['invitations.preview', 'FEATURE_NOT_IN_PLAN', 403, 'BUSINESS'],
      ['invitations.inviteOne', 'FEATURE_NOT_IN_PLAN', 403, 'BUSINESS'],
      ['webhooks.create', 'FEATURE_NOT_IN_PLAN', 403, 'BUSINESS'],
    ]);

    // INVALID_INPUT: from a query and from a mutation.
    const invalid = [
      await refusal(api().profiles.get('not-a-global-id')),
      await refusal(api().profiles.create({ firstName: ' ', lastName: 'X', email: 'x@x.example' })),
    ];
    expect(invalid.map((error) => [error.operation, error.code, error.status])).toEqual([
      ['profiles.get', 'INVALID_INPUT', 200],
      ['profiles.create', 'INVALID_INPUT', 200],
    ]);
  });

  it("waits for a 503's Retry-After, tells each attempt and each wait to the hooks, and every result its request id and attempts", async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const requests: sdk.RequestEvent[] = [];
      const retries: sdk.RetryEvent[] = [];
      const parkpass = createClient({
        url: `${proxy.url}/graphql`,
        apiKey: server.demo.apiKey,
        retryDelayMs: 10,
        onRequest: (event) => requests.push(event),
        onRetry: (event) => retries.push(event),
      });
      proxy.script('status503RetryAfter');
      const viewer = await parkpass.viewer();
      expect(proxy.arrivals()).toHaveLength(2);
      expect(proxy.gaps()[0]).toBeGreaterThanOrEqual(990);
      expect(retries).toEqual([expect.objectContaining({ operation: 'viewer', attempt: 1, reason: 'RETRY_AFTER', delayMs: 1000 })]);
      expect(retries[0]!.error).toMatchObject({ code: 'SERVER_ERROR', status: 503, retryAfterSeconds: 1 });
      expect(requests.map((event) => [event.operation, event.attempt])).toEqual([
        ['viewer', 1],
        ['viewer', 2],
      ]);
      expect(viewer.lastResponse).toEqual({ requestId: requests[1]!.requestId, attempts: 2, status: 200 });
      expect(JSON.stringify(viewer)).not.toContain('lastResponse');

      // A rate-limit wait is told too; a create's attempts carry its key, the same on each.
      proxy.script('rateLimited');
      requests.length = 0;
      retries.length = 0;
      const tag = await parkpass.tags.create('Hooked tag');
      expect(retries).toEqual([expect.objectContaining({ operation: 'tags.create', reason: 'RATE_LIMITED', delayMs: 1000 })]);
      expect(requests).toHaveLength(2);
      expect(requests[0]!.idempotencyKey).toMatch(UUID);
      expect(requests[1]!.idempotencyKey).toBe(requests[0]!.idempotencyKey);
      expect(tag.lastResponse).toMatchObject({ attempts: 2, requestId: requests[1]!.requestId });
    } finally {
      await proxy.close();
    }
  });

  it('says why no answer came: the system error, the attempts, and the request id it sent', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}/graphql`;
    const sent: string[] = [];
    const parkpass = createClient({ url: nobody, apiKey: 'ppk_x', retries: 1, retryDelayMs: 1, onRequest: (event) => sent.push(event.requestId) });
    const error = await refusal(parkpass.viewer());
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', attempts: 2, requestId: sent[1], status: null, details: { causeCode: 'ECONNREFUSED' } });
    expect(error.message).toMatch(/^viewer: No answer from 127\.0\.0\.1:\d+: ECONNREFUSED .*\(2 attempts\)$/);
  });

  it('verifies a signed event of a type it does not know as UnknownWebhookEvent, never as a known one', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = JSON.stringify({ type: 'profile.archived', timestamp: new Date().toISOString(), data: { profileId: 'UHJvZmlsZTox' } });
    const id = 'msg_unknown_1';
    const now = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    };
    const event = sdk.verifyWebhook(body, headers, secret);
    expect(event).toEqual({ type: 'unknown', originalType: 'profile.archived', timestamp: expect.any(String), data: { profileId: 'UHJvZmlsZTox' } });
    // A known one is handed over as it came; the SDK's own signer makes headers it accepts.
    const known = JSON.stringify({
      type: 'invitation.revoked',
      timestamp: now.toISOString(),
      data: { profileId: 'p', externalId: null, invitationId: 'i', revokedAt: now.toISOString() },
    });
    expect(sdk.verifyWebhook(known, sdk.signWebhook(known, secret), secret)).toMatchObject({ type: 'invitation.revoked', data: { invitationId: 'i' } });
    expect(() => sdk.verifyWebhook(known, sdk.signWebhook(known, secret), 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toThrow(sdk.WebhookVerificationError);
  });

  it('says which rows were written when upsertAll stops part way', async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const parkpass = createClient({ url: `${proxy.url}/graphql`, apiKey: server.demo.apiKey, retries: 0 });
      const rows = ['a', 'b', 'c', 'd'].map((name) => ({ externalId: `half-${name}`, firstName: name, lastName: 'Half', email: `half.${name}@sdk.example` }));
      proxy.script('forward', 'reset');
      const error = await refusal(parkpass.profiles.upsertAll(rows, { batchSize: 2 }));
      expect(error).toBeInstanceOf(sdk.UpsertAllError);
      expect(error).toBeInstanceOf(ParkpassError);
      const stopped = error as sdk.UpsertAllError;
      expect(stopped).toMatchObject({ code: 'NETWORK_ERROR', operation: 'profiles.upsertAll', firstUnwrittenIndex: 2 });
      expect(stopped.written).toMatchObject({ createdCount: 2, failedCount: 0 });
      expect(stopped.written.results.map((row) => [row.index, row.externalId, row.outcome])).toEqual([
        [0, 'half-a', 'CREATED'],
        [1, 'half-b', 'CREATED'],
      ]);
      expect(stopped.message).toContain('rows 0–1 of 4 written; the batch from row 2 failed');
    } finally {
      await proxy.close();
    }
  });

  it("answers a retry of its own, after the first attempt's answer was lost, as that first attempt would have", async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const parkpass = createClient({ url: `${proxy.url}/graphql`, apiKey: server.demo.apiKey, retryDelayMs: 10 });
      proxy.script('lostAnswer');
      const created = await parkpass.profiles.create({ firstName: 'Lost', lastName: 'Answer', email: 'lost.answer@sdk.example' });
      expect(proxy.arrivals()).toHaveLength(2);
      expect(created.replayed).toBe(false);
      expect(created.lastResponse.attempts).toBe(2);
      expect((await api().profiles.search({ filter: { search: 'lost.answer' } })).totalCount).toBe(1);

      // A bulk upsert, retried after its answer was lost: the rows it created are CREATED, not UNCHANGED.
      proxy.script('lostAnswer');
      const synced = await parkpass.profiles.upsert([
        { externalId: 'lost-1', firstName: 'Lost', lastName: 'One', email: 'lost.one@sdk.example' },
        { externalId: 'lost-2', firstName: 'Lost', lastName: 'Two', email: 'lost.two@sdk.example' },
      ]);
      expect(synced).toMatchObject({ createdCount: 2, unchangedCount: 0 });
      expect(synced.lastResponse.attempts).toBe(2);

      proxy.script('lostAnswer');
      const lot = await parkpass.parkingLots.create('Lost lot');
      expect(lot.replayed).toBe(false);

      // With the caller's own key (a sync run's, as the README's example): the server knows the retry is this call's.
      proxy.script('lostAnswer');
      const selection = { profileIds: [created.profile.id] };
      const started = await parkpass.invitations.inviteMany(selection, { idempotencyKey: 'hr-sync-lost-answer' });
      expect(started.replayed).toBe(false);
      expect(started.lastResponse.attempts).toBe(2);
      // A later run with the same key is a replay, and says so.
      const rerun = await parkpass.invitations.inviteMany(selection, { idempotencyKey: 'hr-sync-lost-answer' });
      expect(rerun).toMatchObject({ replayed: true, bulkInvitation: { id: started.bulkInvitation.id } });

      proxy.script('lostAnswer');
      const lotOfRun = await parkpass.parkingLots.create('Lost lot 2', { idempotencyKey: 'hr-sync-lost-lot' });
      expect(lotOfRun.replayed).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('retries inviteOne and webhooks.create after a lost answer without inviting twice or adding a second endpoint', async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const { token } = await createClient({ url: `${server.url}/graphql`, anonymous: true }).admin.login(server.demo.adminEmail, server.demo.adminPassword);
      const parkpass = createClient({ url: `${proxy.url}/graphql`, token, retryDelayMs: 10 });
      const { profile } = await api().profiles.create({ firstName: 'Once', lastName: 'Invited', email: 'once.invited@sdk.example' });

      // The first attempt invites; its answer is lost; the retry must not invite again (nor answer RESEND_TOO_SOON).
      proxy.script('lostAnswer');
      const invited = await parkpass.invitations.inviteOne(profile.id);
      expect(proxy.arrivals()).toHaveLength(2);
      expect(invited).toMatchObject({ replayed: false, profile: { status: 'PENDING' } });
      const invitations = await database.query('SELECT count(*)::int AS n FROM invitation i JOIN profile p ON p.id = i.profile_id WHERE p.email = $1', [
        'once.invited@sdk.example',
      ]);
      expect(invitations.rows[0].n).toBe(1);

      // The same for an endpoint: one endpoint, and the retry answers its secret.
      proxy.script('lostAnswer');
      const url = 'http://127.0.0.1:9/lost-answer-hook';
      const created = await parkpass.webhooks.create({ url, eventTypes: ['INVITATION_ACCEPTED'] });
      expect(created.replayed).toBe(false);
      expect(created.secret).toMatch(/^whsec_/);
      expect(created.lastResponse.attempts).toBe(2);
      const endpoints = await database.query('SELECT count(*)::int AS n FROM webhook_endpoint WHERE url = $1', [url]);
      expect(endpoints.rows[0].n).toBe(1);

      // The caller's own key, sent again by a later call: a replay, with the same endpoint and secret.
      const first = await parkpass.webhooks.create({ url: `${url}-2`, eventTypes: ['INVITATION_ACCEPTED'] }, { idempotencyKey: 'hook-setup-1' });
      const again = await parkpass.webhooks.create({ url: `${url}-2`, eventTypes: ['INVITATION_ACCEPTED'] }, { idempotencyKey: 'hook-setup-1' });
      expect(again).toMatchObject({ replayed: true, secret: first.secret, webhookEndpoint: { id: first.webhookEndpoint.id } });
      // Another caller cannot use the key to read the secret.
      const reused = await refusal(api().webhooks.create({ url: `${url}-2`, eventTypes: ['INVITATION_ACCEPTED'] }, { idempotencyKey: 'hook-setup-1' }));
      expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    } finally {
      await proxy.close();
    }
  });

  it('retries updates, deletes and revocations after a lost answer and answers them as their first attempt did', async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const parkpass = createClient({ url: `${proxy.url}/graphql`, apiKey: server.demo.apiKey, retryDelayMs: 10 });
      const { profile } = await api().profiles.create({ firstName: 'Gone', lastName: 'Twice', email: 'gone.twice@sdk.example' });
      const { invitation } = await api().invitations.inviteOne(profile.id);

      proxy.script('lostAnswer');
      const revoked = await parkpass.invitations.revoke(invitation.id);
      expect(revoked.invitation).toMatchObject({ id: invitation.id, state: 'REVOKED' });
      expect(revoked.lastResponse.attempts).toBe(2);

      proxy.script('lostAnswer');
      const updated = await parkpass.profiles.update(profile.id, { firstName: 'Renamed' });
      expect(updated.profile.firstName).toBe('Renamed');
      const audited = await database.query("SELECT count(*)::int AS n FROM audit_event WHERE kind = 'PROFILE_UPDATED' AND profile_id = $1", [
        Buffer.from(profile.id, 'base64').toString().split(':')[1],
      ]);
      expect(audited.rows[0].n).toBe(1);

      proxy.script('lostAnswer');
      const deleted = await parkpass.profiles.delete(profile.id);
      expect(deleted.deletedProfileId).toBe(profile.id);
      expect(deleted.lastResponse.attempts).toBe(2);

      const lot = await api().parkingLots.create('Lot deleted once');
      proxy.script('lostAnswer');
      const lotDeleted = await parkpass.parkingLots.delete(lot.parkingLot.id);
      expect(lotDeleted).toMatchObject({ deletedParkingLotId: lot.parkingLot.id, name: 'Lot deleted once', profileCount: 0 });
      // Another call deleting it again is told the truth.
      expect((await refusal(api().parkingLots.delete(lot.parkingLot.id))).code).toBe('NOT_FOUND');
    } finally {
      await proxy.close();
    }
  });
});

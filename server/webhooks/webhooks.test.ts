import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { globalId, type TestOrganization, useTestKit, TEST_WEBHOOK_PASSWORD } from '../test/kit.ts';
import type { WebhookEventType } from '../test/generated/graphql.ts';
import { expectTypename } from '../test/operations.ts';
import { type ReceivedRequest, startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.ts';
import { scanExpiredInvitations } from './invitation-expiry.ts';
import { RETRY_DELAYS_MS } from './webhook-delivery.ts';
import { requestWebhookDelivery } from '../outbox/webhook-jobs.ts';
import { WEBHOOK_EVENT_FIELDS, verifyWebhook } from '../../sdk/src/webhooks.ts';
import { WEBHOOK_EVENTS } from '../kernel/webhook-events.ts';
import { webhookEventsMarkdown } from './webhook-events-markdown.ts';
import { readFile } from 'node:fs/promises';

// Outbound webhooks end to end: events written with the change that caused
// them, delivered by the job queue to a local receiver, verified with the
// `standardwebhooks` package, retried after 500s and timeouts (the test clock
// moves between attempts), exactly once per event once the receiver works.

const kit = useTestKit();
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
afterEach(async () => {
  // Each test's endpoints go with it, so nothing of one test reaches the receiver in the next.
  await kit.prisma.webhookEndpoint.deleteMany({});
  receiver.requests.length = 0;
  receiver.mode = 'ok';
  kit.worker.webhooks!.timeoutMs = 2_000;
});

async function createEndpoint(org: TestOrganization, eventTypes: WebhookEventType[], url = receiver.url) {
  const result = expectTypename(await org.api.webhookEndpointCreate({ url, eventTypes }), 'WebhookEndpointSecretPayload');
  return { id: result.webhookEndpoint.id, secret: result.secret };
}

/** Moves the test clock, then runs the delivery job as a worker would (asked for now: the job queue runs on real time). */
async function deliverAfter(ms: number) {
  kit.clock.advance(ms);
  await requestWebhookDelivery(kit.prisma);
  await kit.runJobs();
}

/** Verifies a request as an integrator would, with `standardwebhooks`, at the time it was signed (the test clock's). */
function verify(secret: string, request: ReceivedRequest) {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Number(request.headers['webhook-timestamp']) * 1000 + 1_000);
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
      type: string;
      timestamp: string;
      data: Record<string, any>;
    };
  } finally {
    vi.useRealTimers();
  }
}

/** Invites a profile (database id) as the organization's API key; the invitation. */
const invite = async (org: TestOrganization, profileId: string) => expectTypename(await org.api.profileInvite(profileId), 'ProfileInvitePayload').invitation;
const ACCEPT_PASSWORD = 'correct horse battery staple';

describe('outbound webhooks', () => {
  it("has the SDK's event types and the catalogue of docs/webhooks.md equal to the server's catalogue", async () => {
    expect(Object.fromEntries(Object.entries(WEBHOOK_EVENTS).map(([type, entry]) => [type, Object.keys(entry.data)]))).toEqual(WEBHOOK_EVENT_FIELDS);
    const doc = await readFile(new URL('../../docs/webhooks.md', import.meta.url), 'utf8');
    expect(/<!-- webhook-events:start -->\n([\s\S]*?)\n<!-- webhook-events:end -->/.exec(doc)?.[1]).toBe(webhookEventsMarkdown());
  });

  it('signs per Standard Webhooks, retries after 500s and timeouts with back-off, and delivers each event exactly once after recovery', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const endpoint = await createEndpoint(org, ['PROFILE_INVITED', 'INVITATION_REVOKED', 'INVITATION_ACCEPTED']);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const [first, second] = await org.insertProfiles(2);
    await kit.prisma.profile.update({ where: { id: first! }, data: { externalId: 'HR-1' } });
    const invited = await invite(org, first!);
    await invite(org, second!);
    const revoke = await org.api.invitationRevoke(invited.id);
    expect(revoke.__typename).toBe('InvitationPayload');
    // Written with the changes: three events, one delivery each.
    expect(await kit.prisma.webhookDelivery.count({ where: { organizationId: org.id } })).toBe(3);

    // 1st attempt: the receiver is down.
    receiver.mode = 'fail';
    await kit.runJobs();
    expect(receiver.requests.map((request) => request.answered)).toEqual([500, 500, 500]);
    // 2nd attempt, 5 s later (the first back-off step): it hangs, the attempt times out.
    receiver.mode = 'hang';
    kit.worker.webhooks!.timeoutMs = 300;
    await deliverAfter(RETRY_DELAYS_MS[0]! - 1_000);
    expect(receiver.requests).toHaveLength(3); // not due yet
    await deliverAfter(1_000);
    expect(receiver.requests).toHaveLength(6);
    // 3rd attempt after the second step: it works again.
    receiver.mode = 'ok';
    await deliverAfter(RETRY_DELAYS_MS[1]!);
    expect(receiver.requests.map((request) => request.answered)).toEqual([500, 500, 500, null, null, null, 200, 200, 200]);
    // Much later: nothing more is sent.
    await deliverAfter(7 * 24 * 3_600_000);
    expect(receiver.requests).toHaveLength(9);

    // Every request verifies; each event was acknowledged exactly once, and the same webhook-id was used for its retries.
    const events = await kit.prisma.webhookEvent.findMany({ where: { organizationId: org.id }, orderBy: { occurredAt: 'asc' } });
    const acknowledged = receiver.requests.filter((request) => request.answered === 200).map((request) => request.headers['webhook-id']);
    expect(acknowledged.sort()).toEqual(events.map((event) => event.id).sort());
    for (const request of receiver.requests) {
      const body = verify(endpoint.secret, request);
      expect(events.map((event) => event.id)).toContain(request.headers['webhook-id']);
      expect(JSON.stringify(body)).toBe(request.body);
    }
    const bodies = receiver.requests.slice(6).map((request) => verify(endpoint.secret, request));
    const invitedEvent = bodies.find((body) => body.type === 'profile.invited' && body.data.externalId === 'HR-1')!;
    expect(invitedEvent.data).toEqual({
      profileId: globalId('Profile', first!),
      externalId: 'HR-1',
      invitationId: invited.id,
      bulkInvitationId: null,
      reinvited: false,
      invitedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(bodies.map((body) => body.type).sort()).toEqual(['invitation.revoked', 'profile.invited', 'profile.invited']);
    // A tampered body, or another secret, does not verify.
    const tampered = { ...receiver.requests[6]!, body: receiver.requests[6]!.body.replace('profile', 'profilf') };
    expect(() => verify(endpoint.secret, tampered)).toThrow(WebhookVerificationError);
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, receiver.requests[6]!)).toThrow(WebhookVerificationError);
    // No token anywhere in what was sent.
    await kit.runJobs();
    const token = kit.tokenOf(kit.emailsTo((await kit.prisma.profile.findUniqueOrThrow({ where: { id: second! } })).email)[0]!);
    for (const request of receiver.requests) expect(request.body).not.toContain(token);

    // The attempts, as the admin reads them.
    const read = await org.api.webhookAttempts();
    const node = read.edges[0]!.node;
    expect(node.failingSince).toBeNull();
    expect(node.deliveries.totalCount).toBe(3);
    for (const { node: delivery } of node.deliveries.edges) {
      expect(delivery).toMatchObject({ state: 'DELIVERED', attemptCount: 3 });
      expect(delivery.attempts.edges.map((edge) => [edge.node.outcome, edge.node.responseStatus])).toEqual([
        ['SUCCESS', 200],
        ['TIMEOUT', null],
        ['HTTP_ERROR', 500],
      ]);
      expect(delivery.attempts.edges[1]!.node.durationMs).toBeGreaterThanOrEqual(290);
    }
  });

  it('announces accepted invitations, bounces, complaints and completed bulk invitations, each to the endpoints that listen for it', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const all = await createEndpoint(org, ['INVITATION_ACCEPTED', 'EMAIL_BOUNCED', 'EMAIL_COMPLAINED', 'BULK_INVITATION_COMPLETED']);
    const onlyBulk = await createEndpoint(org, ['BULK_INVITATION_COMPLETED']);
    const ids = await org.insertProfiles(3);
    const bulk = expectTypename(await org.api.profilesInvite({ profileIds: ids }), 'ProfilesInvitePayload');
    expect(bulk.bulkInvitation.state).toBe('COMPLETED');
    await kit.runJobs(); // sends the emails and the bulk event
    const profiles = await kit.prisma.profile.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    const accept = await kit.anonymous.invitationAccept(kit.tokenOf(kit.emailsTo(profiles[0]!.email)[0]!), ACCEPT_PASSWORD);
    expect(accept.__typename).toBe('InvitationAcceptPayload');
    for (const [profile, record] of [
      [profiles[1]!, { RecordType: 'Bounce', Type: 'HardBounce' }],
      [profiles[2]!, { RecordType: 'SpamComplaint' }],
    ] as const) {
      const messageId = (await kit.prisma.email.findFirstOrThrow({ where: { profileId: profile.id, kind: 'INVITATION' } })).postmarkMessageId;
      for (let twice = 0; twice < 2; twice++) {
        const response = await kit.app.fetch('http://parkpass.test/webhooks/postmark', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`postmark:${TEST_WEBHOOK_PASSWORD}`).toString('base64')}` },
          body: JSON.stringify({ ...record, MessageID: messageId }),
        });
        expect(response.status).toBe(200);
      }
    }
    await deliverAfter(0);
    const received = receiver.requests.map((request) => ({
      endpoint: request.headers['webhook-signature'] && tryVerify(all.secret, request) ? 'all' : tryVerify(onlyBulk.secret, request) ? 'onlyBulk' : 'none',
      body: JSON.parse(request.body),
    }));
    const summary = received.map(({ endpoint, body }) => `${endpoint} ${body.type}`).sort();
    // A bounce or complaint reported twice is announced once.
    expect(summary).toEqual([
      'all bulk_invitation.completed',
      'all email.bounced',
      'all email.complained',
      'all invitation.accepted',
      'onlyBulk bulk_invitation.completed',
    ]);
    const completed = received.find(({ body }) => body.type === 'bulk_invitation.completed')!.body;
    expect(completed.data).toMatchObject({ bulkInvitationId: bulk.bulkInvitation.id, total: 3, invited: 3, reinvited: 0, skipped: 0 });
    // What an integrator's code does with the SDK: verify, then switch on the type; every field the SDK declares is there.
    for (const request of receiver.requests.filter((request) => tryVerify(all.secret, request))) {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Number(request.headers['webhook-timestamp']) * 1000);
      const event = verifyWebhook(request.body, request.headers, all.secret);
      vi.useRealTimers();
      if (event.type === 'unknown') throw new Error(`The SDK does not know the server's event type ${event.originalType}`);
      expect(Object.keys(event.data)).toEqual(WEBHOOK_EVENT_FIELDS[event.type]);
      if (event.type === 'bulk_invitation.completed') expect(event.data.invited).toBe(3);
    }
    const bounced = received.find(({ body }) => body.type === 'email.bounced')!.body;
    expect(bounced.data).toMatchObject({
      profileId: globalId('Profile', profiles[1]!.id),
      invitationId: globalId('Invitation', profiles[1]!.latestInvitationId!),
    });
  });

  it('announces an expired invitation once, from a scan that is safe with several workers, and never one accepted or revoked before expiry', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const endpoint = await createEndpoint(org, ['INVITATION_EXPIRED']);
    await scanExpiredInvitations(kit.worker); // the first scan starts the watermark
    const [expiring, revoked, accepted] = await org.insertProfiles(3);
    for (const id of [expiring!, revoked!, accepted!]) expect(await invite(org, id)).toBeTruthy();
    const revokedInvitation = (await kit.prisma.profile.findUniqueOrThrow({ where: { id: revoked! } })).latestInvitationId!;
    await org.api.invitationRevoke(globalId('Invitation', revokedInvitation));
    await kit.runJobs();
    const acceptedProfile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: accepted! } });
    await kit.anonymous.invitationAccept(kit.tokenOf(kit.emailsTo(acceptedProfile.email)[0]!), ACCEPT_PASSWORD);

    kit.clock.advance(71 * 3_600_000);
    expect(await scanExpiredInvitations(kit.worker)).toBe(0);
    kit.clock.advance(2 * 3_600_000);
    // Two workers scanning at the same moment: one announces, the other finds nothing left.
    const counts = await Promise.all([scanExpiredInvitations(kit.worker), scanExpiredInvitations(kit.worker), scanExpiredInvitations(kit.worker)]);
    expect(counts.sort()).toEqual([0, 0, 1]);
    await deliverAfter(0);
    expect(receiver.requests).toHaveLength(1);
    const body = verify(endpoint.secret, receiver.requests[0]!);
    const expiringProfile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: expiring! }, include: { latestInvitation: true } });
    expect(body).toMatchObject({
      type: 'invitation.expired',
      data: {
        profileId: globalId('Profile', expiring!),
        invitationId: globalId('Invitation', expiringProfile.latestInvitationId!),
        expiredAt: expiringProfile.latestInvitation!.expiresAt.toISOString(),
      },
    });
  });

  it('disables an endpoint that fails for three days, tells the admin, and resumes once enabled again', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const endpoint = await createEndpoint(org, ['PROFILE_INVITED']);
    const [id] = await org.insertProfiles(1);
    await invite(org, id!);
    receiver.mode = 'fail';
    await kit.runJobs();
    const started = kit.clock.now().getTime();
    for (let attempt = 2; attempt <= RETRY_DELAYS_MS.length + 1; attempt++) {
      const delivery = await kit.prisma.webhookDelivery.findFirstOrThrow({ where: { organizationId: org.id } });
      expect(delivery.state, `before attempt ${attempt}`).toBe('PENDING');
      await deliverAfter(delivery.nextAttemptAt!.getTime() - kit.clock.now().getTime());
    }
    expect(receiver.requests).toHaveLength(RETRY_DELAYS_MS.length + 1);
    const hours = (kit.clock.now().getTime() - started) / 3_600_000;
    expect(hours).toBeGreaterThan(72);
    expect(hours).toBeLessThan(80);

    const read = await org.api.webhookFailures();
    const node = read.webhookEndpoints.edges[0]!.node;
    expect(node, JSON.stringify(read)).toMatchObject({ id: endpoint.id, enabled: false, disabledReason: 'FAILING' });
    expect(node.deliveries.edges[0]!.node).toMatchObject({ state: 'FAILED', attemptCount: RETRY_DELAYS_MS.length + 1, nextAttemptAt: null });
    expect(read.auditEvents.edges).toHaveLength(1);
    expect(read.auditEvents.edges[0]!.node.summary).toContain('failed for three days');

    // Nothing new is sent to a disabled endpoint; enabling it and retrying the failed delivery sends it once.
    const [other] = await org.insertProfiles(1);
    await invite(org, other!);
    receiver.mode = 'ok';
    await deliverAfter(60_000);
    expect(receiver.requests).toHaveLength(RETRY_DELAYS_MS.length + 1);
    const enable = expectTypename(await org.api.webhookEndpointUpdate(endpoint.id, { enabled: true }), 'WebhookEndpointPayload');
    expect(enable.webhookEndpoint).toEqual({ enabled: true, disabledReason: null, failingSince: null });
    const retry = expectTypename(await org.api.webhookDeliveryRetry(node.deliveries.edges[0]!.node.id), 'WebhookDeliveryPayload');
    expect(retry.webhookDelivery.state).toBe('PENDING');
    await deliverAfter(0);
    expect(receiver.requests.slice(RETRY_DELAYS_MS.length + 1).map((request) => request.answered)).toEqual([200]);
  });

  it("shows the secret once, rotates it (both signatures for a day), and keeps managing endpoints to the caller's organization", async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const endpoint = await createEndpoint(org, ['PROFILE_INVITED']);
    const secret = expectTypename(await org.api.webhookEndpointRotateSecret(endpoint.id), 'WebhookEndpointSecretPayload').secret;
    expect(secret).not.toBe(endpoint.secret);
    const [id] = await org.insertProfiles(1);
    await invite(org, id!);
    await kit.runJobs();
    expect(verify(secret, receiver.requests[0]!).type).toBe('profile.invited');
    expect(verify(endpoint.secret, receiver.requests[0]!).type).toBe('profile.invited');
    expect(String(receiver.requests[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A day later only the new secret signs.
    const [later] = await org.insertProfiles(1);
    kit.clock.advance(25 * 3_600_000);
    await invite(org, later!);
    await deliverAfter(0);
    expect(verify(secret, receiver.requests[1]!).type).toBe('profile.invited');
    expect(() => verify(endpoint.secret, receiver.requests[1]!)).toThrow(WebhookVerificationError);

    // Input rules, as typed errors.
    const refused = async (input: { url: string; eventTypes?: WebhookEventType[] }) =>
      await org.api.webhookEndpointCreate({ eventTypes: ['PROFILE_INVITED'], ...input });
    expect(await refused({ url: 'ftp://example.test/x' })).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', path: ['input', 'url'] });
    expect(await refused({ url: 'https://user:pass@example.test/x' })).toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
    expect(await refused({ url: 'not a url' })).toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
    expect(await refused({ url: 'https://example.test/x', eventTypes: [] })).toMatchObject({ code: 'INVALID_INPUT', path: ['input', 'eventTypes'] });
    // Another organization sees none of it.
    const other = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const list = await other.api.webhookEndpointStates();
    expect(list.totalCount).toBe(0);
    const deleted = expectTypename(await org.api.webhookEndpointDelete(endpoint.id), 'WebhookEndpointDeletePayload');
    expect(deleted.deletedWebhookEndpointId).toBe(endpoint.id);
    expect(await kit.prisma.webhookDelivery.count({ where: { organizationId: org.id } })).toBe(0);
  });
});

function tryVerify(secret: string, request: ReceivedRequest): boolean {
  try {
    verify(secret, request);
    return true;
  } catch {
    return false;
  }
}

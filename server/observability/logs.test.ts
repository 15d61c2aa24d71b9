import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerDocument } from '../../sdk/src/generated/graphql.ts';
import { expectTypename } from '../test/operations.ts';
import { KIT_ADMIN_PASSWORD, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { connectDirectory, useScimServer } from '../test/scim-client.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.ts';
import { requestWebhookDelivery } from '../outbox/webhook-jobs.ts';
import { captureLogs, maskSecrets } from './log.ts';

// The server's log, as an operator reads it: every request's lines carry its
// id, organization and operation, its last line the outcome; every job's, the
// job id. And no secret of a whole run ever reaches it: the flow below makes
// each kind (a password, session and API key secrets, an invitation link and
// token, a webhook signing secret, a directory token) and greps every line.

const kit = useTestKit();
const scimServer = useScimServer(kit);
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());

describe('the log of a whole run', () => {
  it('carries each request’s id, organization, operation and outcome, each job’s id, and none of the secrets the run made', async () => {
    const logs = captureLogs('trace');
    const secrets: string[] = [KIT_ADMIN_PASSWORD];
    try {
      const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
      secrets.push(org.apiKey, org.sessionToken);

      // An admin signs in: the password goes in, a session token comes out.
      const login = expectTypename(await kit.anonymous.adminLogin({ email: org.adminEmail, password: KIT_ADMIN_PASSWORD }), 'AdminLoginPayload');
      secrets.push(login.token, login.deviceToken);
      // A refused sign-in with a wrong password is logged too, without the password.
      const wrongPassword = 'wrong-password-that-must-not-leak';
      secrets.push(wrongPassword);
      expect((await kit.anonymous.adminLogin({ email: org.adminEmail, password: wrongPassword })).__typename).not.toBe('AdminLoginPayload');

      const key = expectTypename(await org.admin.apiKeyCreate({ name: 'CI', role: 'ADMIN' }), 'ApiKeyCreatePayload');
      secrets.push(key.secret);
      // A bearer that names nothing.
      const unknownKey = 'ppk_unknownkeythatmustnotleak0123456789';
      secrets.push(unknownKey);
      await kit.as(unknownKey).send(ViewerDocument, {});

      // Invite, deliver, accept.
      const [profileId] = await org.insertProfiles(1);
      const invited = expectTypename(await org.api.profileInvite(profileId!), 'ProfileInvitePayload');
      secrets.push(invited.link!);
      await kit.runJobs();
      const [email] = kit.emailsTo((await kit.prisma.profile.findUniqueOrThrow({ where: { id: profileId! } })).email);
      const token = kit.tokenOf(email!);
      secrets.push(token, `${TEST_PUBLIC_URL}/accept?token=${token}`);
      const personPassword = 'person-password-must-not-leak-42';
      secrets.push(personPassword);
      expect((await kit.anonymous.invitationAccept(token, personPassword)).__typename).toBe('InvitationAcceptPayload');

      // A webhook endpoint: its signing secret is shown once; a delivery is signed with it.
      const endpoint = expectTypename(
        await org.api.webhookEndpointCreate({ url: receiver.url, eventTypes: ['PROFILE_INVITED'] }),
        'WebhookEndpointSecretPayload',
      );
      secrets.push(endpoint.secret);
      await org.api.profileInvite((await org.insertProfiles(1))[0]!);
      await requestWebhookDelivery(kit.prisma);
      await kit.runJobs();
      expect(receiver.requests.length).toBeGreaterThan(0);

      // Directory sync: its bearer token, and a SCIM call with it.
      const scim = await connectDirectory(kit, scimServer, org);
      secrets.push(scim.token);
      expect((await scim.get('/Users')).status).toBe(200);

      const text = logs.text();
      for (const secret of secrets) expect(text, `a log line holds ${secret}`).not.toContain(secret);

      const entries = logs.entries();
      const requests = entries.filter((entry) => entry.msg === 'request');
      const created = requests.find((entry) => entry.operationName === 'ApiKeyCreate');
      expect(created).toMatchObject({ requestId: expect.any(String), organizationId: org.id, outcome: 'ok', status: 200, method: 'POST', path: '/graphql' });
      expect(requests.find((entry) => entry.operationName === 'AdminSignIn' && entry.outcome === 'refused')).toBeDefined();
      expect(requests.find((entry) => entry.operationName === 'Viewer' && entry.outcome === 'refused')).toMatchObject({ codes: ['UNAUTHENTICATED'] });
      // Every line written during a request carries the request's id.
      for (const entry of entries.filter((each) => each.component === 'http')) expect(entry.requestId).toEqual(expect.any(String));
      const jobs = entries.filter((entry) => entry.msg === 'job completed');
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) expect(job).toMatchObject({ jobId: expect.any(String), task: expect.any(String) });
      expect(jobs.map((job) => job.task)).toEqual(expect.arrayContaining(['deliver-emails', 'deliver-webhooks']));
      expect(requests.find((entry) => entry.path === '/scim/v2/Users')).toMatchObject({ organizationId: org.id, outcome: 'ok' });
    } finally {
      logs.stop();
    }
  });

  it('masks anything shaped like a secret wherever it appears in a line', () => {
    expect(maskSecrets('Bearer ppk_abcdef123456 and ppscim_zzzzzzzz')).not.toMatch(/ppk_abc|ppscim_zz/);
    expect(maskSecrets('see https://parkpass.test/accept?token=abc.def-ghi now')).toBe('see https://parkpass.test/accept?token=[redacted] now');
    expect(maskSecrets('whsec_c2VjcmV0c2VjcmV0')).toBe('[redacted]');
  });
});

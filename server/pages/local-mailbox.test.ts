import { describe, expect, it } from 'vitest';
import { runDueJobs } from '../app/worker.ts';
import { KIT_ADMIN_PASSWORD, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { createApp } from '../app/yoga.ts';
import { MailboxTransport } from '../email/email-transport.ts';

// Local use, without a Postmark token: emails land in the local mailbox, an
// owner of the organization signs in at /mailbox and reads them, and the link
// leads to the accept page. (Who else may read it: server/security/production-mailbox.test.ts.)

const kit = useTestKit();

describe('the local mailbox', () => {
  it('shows the invitation email with a working link, then the app email once accepted', async () => {
    const app = createApp({ prisma: kit.prisma, databaseUrl: kit.worker.connectionString, clock: kit.clock, settings: kit.worker.settings, mailbox: true });
    const worker = { ...kit.worker, transport: new MailboxTransport(kit.prisma) };
    const org = await kit.createOrganization();

    expect((await app.fetch(`${TEST_PUBLIC_URL}/mailbox`)).status).toBe(401);
    const signIn = await app.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: org.adminEmail, password: KIT_ADMIN_PASSWORD }).toString(),
    });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = async (path: string) => {
      const response = await app.fetch(`${TEST_PUBLIC_URL}${path}`, { headers: { cookie } });
      expect(response.status, path).toBe(200);
      return response.text();
    };

    const [id] = await org.insertProfiles(1);
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
    expect(await page('/mailbox')).toContain('No email yet');

    expect((await org.api.profileInvite(id!)).__typename).toBe('ProfileInvitePayload');
    await runDueJobs(worker);
    const list = await page(`/mailbox?to=${encodeURIComponent(profile.email)}`);
    const [, messagePath] = /<a href="(\/mailbox\/[0-9a-f-]{36})">[^<]*invites you to Parkpass/.exec(list) ?? [];
    expect(messagePath).toBeDefined();
    const email = await page(messagePath!);
    const [, link] = /href="(http:\/\/parkpass\.test\/accept\?lang=en#token=[A-Za-z0-9_-]+)"/.exec(email) ?? [];
    expect(link).toBeDefined();

    // The link opens the accept page, which reads the token from the fragment and calls the public API.
    const acceptPage = await app.fetch(link!.split('#')[0]!);
    expect(acceptPage.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await acceptPage.text();
    expect(html).toContain('invitationByToken(token: $token)');
    expect(html).toContain('invitationAccept(input: $input)');
    expect(html).toContain('At least 12 characters');

    const token = link!.split('#token=')[1]!;
    const accepted = await app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($input: InvitationAcceptInput!) { invitationAccept(input: $input) { __typename } }',
        variables: { input: { token, password: 'my own good password' } },
      }),
    });
    expect(((await accepted.json()) as any).data.invitationAccept.__typename).toBe('InvitationAcceptPayload');
    await runDueJobs(worker);
    expect(await page('/mailbox')).toContain('Your Parkpass account is ready: download the app');
    expect(kit.postmark.requestCount).toBe(0);
  });

  it('is not served when emails go to Postmark', async () => {
    const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/mailbox`);
    expect(response.status).toBe(404);
  });
});

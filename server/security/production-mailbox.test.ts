import { describe, expect, inject, it } from 'vitest';
import { runDueJobs } from '../app/worker.ts';
import { MailboxTransport } from '../email/email-transport.ts';
import { KIT_ADMIN_PASSWORD, TEST_PUBLIC_URL, type TestOrganization, useTestKit } from '../test/kit.ts';
import { builtServerExit, productionApp, productionConfig } from '../test/production.ts';

// Finding 2: without POSTMARK_SERVER_TOKEN, /mailbox was public in production
// and showed every organization's invitation links. Now production refuses to
// start without a Postmark token unless PARKPASS_LOCAL_MAILBOX=true, and even
// then the mailbox shows only the emails of the organization of a signed-in
// OWNER (sign-in form → HttpOnly, SameSite=Strict session cookie on /mailbox).

const kit = useTestKit();

describe('production without a Postmark token', () => {
  it('refuses to start unless the local mailbox is asked for', async () => {
    expect(() => productionConfig({ POSTMARK_SERVER_TOKEN: '' })).toThrow(/POSTMARK_SERVER_TOKEN: required in production, or set PARKPASS_LOCAL_MAILBOX=true/);
    expect(productionConfig({ POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' }).localMailbox).toBe(true);
    expect(productionConfig().localMailbox).toBe(false);

    const { code, output } = await builtServerExit(inject('postgresServerUrl'), { POSTMARK_SERVER_TOKEN: '' });
    expect(code).toBe(1);
    expect(output).toContain('POSTMARK_SERVER_TOKEN: required in production');
    expect(output).not.toContain('    at '); // a message, not a stack trace
  });
});

describe('the local mailbox, asked for in production', () => {
  const app = () => productionApp(kit, { env: { POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' } });
  const worker = () => ({ ...kit.worker, transport: new MailboxTransport(kit.prisma) });

  async function invitedSomeone(org: TestOrganization): Promise<string> {
    const [id] = await org.insertProfiles(1);
    expect((await org.api.profileInvite(id!)).__typename).toBe('ProfileInvitePayload');
    await runDueJobs(worker());
    const message = await kit.prisma.mailboxMessage.findFirstOrThrow({ where: { email: { profileId: id! } } });
    return message.id;
  }

  async function signIn(mailbox: ReturnType<typeof app>, email: string, headers: Record<string, string> = {}) {
    return mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.7', ...headers },
      body: new URLSearchParams({ email, password: KIT_ADMIN_PASSWORD }).toString(),
    });
  }

  it('shows nothing to someone not signed in: a sign-in form', async () => {
    const mailbox = app();
    const org = await kit.createOrganization();
    const messageId = await invitedSomeone(org);
    for (const path of ['/mailbox', `/mailbox/${messageId}`]) {
      const response = await mailbox.fetch(`${TEST_PUBLIC_URL}${path}`);
      expect(response.status, path).toBe(401);
      const html = await response.text();
      expect(html).toContain('action="/mailbox/sign-in"');
      expect(html).not.toContain('invites you to Parkpass');
      expect(html).not.toContain('#token=');
    }
  });

  it("shows an owner their organization's emails only, through a session cookie scoped to /mailbox", async () => {
    const mailbox = app();
    const [mine, theirs] = [await kit.createOrganization({ name: 'Mine' }), await kit.createOrganization({ name: 'Theirs' })];
    const [myMessage, theirMessage] = [await invitedSomeone(mine), await invitedSomeone(theirs)];

    const signedIn = await signIn(mailbox, mine.adminEmail);
    expect(signedIn.status).toBe(303);
    const [setCookie, setDeviceCookie] = signedIn.headers.getSetCookie();
    expect(setCookie).toMatch(/^parkpass_mailbox=pps_[A-Za-z0-9_-]+; Path=\/mailbox; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(setDeviceCookie).toMatch(/^parkpass_mailbox_device=ppd_[A-Za-z0-9_-]{43}; Path=\/mailbox; Max-Age=15552000; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie!.split(';')[0]!;

    const list = await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(`/mailbox/${myMessage}`);
    expect(html).not.toContain(theirMessage);
    expect((await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/${myMessage}`, { headers: { cookie } })).status).toBe(200);
    // Another organization's email is not there, as if it did not exist.
    const other = await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/${theirMessage}`, { headers: { cookie } });
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('No such message');

    // Scripts use the session token as a bearer token instead.
    expect((await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { authorization: `Bearer ${theirs.sessionToken}` } })).status).toBe(200);

    // Signing out ends the session: the cookie stops working.
    const signedOut = await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-out`, { method: 'POST', headers: { cookie } });
    expect(signedOut.status).toBe(303);
    expect((await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { cookie } })).status).toBe(401);
  });

  it('refuses admins who are not owners, API keys, and sign-ins posted from another site', async () => {
    const mailbox = app();
    const admin = await kit.createOrganization({ role: 'ADMIN' });
    await invitedSomeone(admin);
    const refused = await signIn(mailbox, admin.adminEmail);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await refused.text()).toContain('Only an owner');
    expect((await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { authorization: `Bearer ${admin.sessionToken}` } })).status).toBe(403);
    expect((await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox`, { headers: { authorization: `Bearer ${admin.apiKey}` } })).status).toBe(401);

    const owner = await kit.createOrganization();
    const crossSite = await signIn(mailbox, owner.adminEmail, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('signs in with the limits of adminLogin: a wrong password is refused, and so are too many tries from one address', async () => {
    const mailbox = productionApp(kit, {
      env: { POSTMARK_SERVER_TOKEN: '', PARKPASS_LOCAL_MAILBOX: 'true' },
      rateLimits: {
        pointsPerMinute: 1000,
        anonymousPointsPerMinute: 1000,
        publicOperationsPerMinute: {
          adminLogin: 2,
          invitationAccept: 10,
          invitationByToken: 10,
          invitationRequestNewLink: 10,
          adminInvitationByToken: 10,
          adminInvitationAccept: 10,
        },
      },
    });
    const owner = await kit.createOrganization();
    const wrong = await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.1' },
      body: new URLSearchParams({ email: owner.adminEmail, password: 'not the password' }).toString(),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The email or password is wrong.');
    expect((await signIn(mailbox, owner.adminEmail, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(303);
    const limited = await signIn(mailbox, owner.adminEmail, { 'x-forwarded-for': '198.51.100.1' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps a device cookie that outlives sign-out, so failures by others at the same address never refuse that browser', async () => {
    const mailbox = app();
    const owner = await kit.createOrganization();
    const office = { 'x-forwarded-for': '203.0.113.40' };
    const first = await signIn(mailbox, owner.adminEmail, office);
    expect(first.status).toBe(303);
    const [session, device] = first.headers.getSetCookie().map((line) => line.split(';')[0]!);
    expect(device).toMatch(/^parkpass_mailbox_device=ppd_/);
    const signedOut = await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-out`, { method: 'POST', headers: { cookie: `${session}; ${device}` } });
    expect(signedOut.headers.getSetCookie()).toEqual(['parkpass_mailbox=; Path=/mailbox; Max-Age=0; HttpOnly; SameSite=Strict']);

    // Someone else behind the same address fails again and again.
    for (let i = 0; i < 8; i++) {
      const wrong = await mailbox.fetch(`${TEST_PUBLIC_URL}/mailbox/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...office },
        body: new URLSearchParams({ email: owner.adminEmail, password: 'not the password' }).toString(),
      });
      expect(wrong.status).toBe(401);
    }
    const withoutDevice = await signIn(mailbox, owner.adminEmail, office);
    expect(withoutDevice.status).toBe(401);
    expect(await withoutDevice.text()).toContain('Too many failed sign-ins');
    // The owner's browser sends its device cookie and signs in at once; the cookie keeps its token.
    const withDevice = await signIn(mailbox, owner.adminEmail, { ...office, cookie: device! });
    expect(withDevice.status).toBe(303);
    expect(withDevice.headers.getSetCookie()[1]!.split(';')[0]).toBe(device);
  });
});

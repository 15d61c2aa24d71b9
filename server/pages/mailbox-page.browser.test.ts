import { describe, expect, it, vi } from 'vitest';
import { useBrowser } from '../../admin/test/browser.ts';
import { runDueJobs } from '../app/worker.ts';
import { KIT_ADMIN_PASSWORD, useTestKit } from '../test/kit.ts';
import { createApp } from '../app/yoga.ts';
import { MailboxTransport } from '../email/email-transport.ts';
import { MAILBOX_PAGE_SIZE } from './mailbox-page.ts';

// The local mailbox in a real browser: an owner signs in through its form
// (Chromium sends the form's Origin only because the page's Referrer-Policy
// allows it), searches, and pages past the newest emails.

vi.setConfig({ testTimeout: 90_000 });

const kit = useTestKit();
const ui = useBrowser(kit, {
  app: () =>
    createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: kit.worker.settings,
      mailbox: true,
      trustProxy: { hops: 1 },
    }),
});

describe('the local mailbox in a browser', () => {
  it('signs an owner in through its form, finds an email by search, pages to older ones, and opens the accept link', async () => {
    const org = await kit.createOrganization({ name: 'Mailbox Parking' });
    const ids = await org.insertProfiles(MAILBOX_PAGE_SIZE + 5);
    for (const id of ids) expect((await org.api.profileInvite(id)).__typename).toBe('ProfileInvitePayload');
    await runDueJobs({ ...kit.worker, transport: new MailboxTransport(kit.prisma) });
    const oldest = await kit.prisma.mailboxMessage.findFirstOrThrow({ orderBy: { id: 'asc' } });

    const page = await ui.newPage();
    const response = await page.goto('/mailbox');
    expect(response?.headers()['referrer-policy']).toBe('same-origin');
    await page.getByLabel('Email').fill(org.adminEmail);
    await page.getByLabel('Password').fill(KIT_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Local mailbox' }).waitFor();
    const rows = page.getByRole('table', { name: /^Emails/ }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(MAILBOX_PAGE_SIZE + 1);

    // The oldest email is on the second page.
    await page.getByRole('link', { name: 'Older emails' }).click();
    await expect.poll(() => rows.count()).toBe(5 + 1);
    await page.getByRole('cell', { name: oldest.to, exact: true }).waitFor();
    await page.getByRole('link', { name: 'Newest emails' }).waitFor();

    await page.getByRole('searchbox', { name: 'Search by address or subject' }).fill(oldest.to.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole('link', { name: /invites you to Parkpass/ }).click();
    // The link names PUBLIC_URL (parkpass.test): follow it on this server.
    const link = new URL((await page.getByRole('link', { name: 'Confirm my account' }).getAttribute('href'))!);
    await page.goto(link.pathname + link.search + link.hash);
    await page.getByLabel('Create your password').waitFor();
  });
});

describe('the mailbox sign-in form', () => {
  const app = () => createApp({ prisma: kit.prisma, databaseUrl: kit.worker.connectionString, clock: kit.clock, settings: kit.worker.settings, mailbox: true });
  const post = (headers: Record<string, string>) =>
    app().fetch('http://parkpass.test/mailbox/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ email: 'nobody@example.test', password: 'x' }).toString(),
    });

  it('refuses Origin: null, another origin, and a browser request from another site without Origin', async () => {
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ origin: 'http://evil.test' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // Its own origin gets as far as checking the password.
    expect((await post({ origin: 'http://parkpass.test' })).status).toBe(401);
  });
});

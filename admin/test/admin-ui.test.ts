import { readdirSync, statSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { globalId, KIT_ADMIN_PASSWORD, type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, openSignedIn, screenshot, signIn, useBrowser } from './browser.ts';

// The office manager's two flows (invite one person; invite everyone a search
// finds), clicked in a real browser as an admin would, selecting by role and
// accessible name; then what a viewer and a Starter plan see, field errors, and
// the session's end (an HttpOnly cookie). Each page is checked with axe and photographed into
// admin/test/screenshots/ (git-ignored).

vi.setConfig({ testTimeout: 90_000 });

const kit = useTestKit();
const ui = useBrowser(kit);

const HOUR = 3_600_000;
let org: TestOrganization;
let engineering: string;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Acme Parking' });
  const [eng, sales] = org.tags;
  const [north, south] = org.lots;
  engineering = eng!.globalId;
  const past = new Date(kit.clock.now().getTime() - 24 * HOUR);
  await org.insertProfiles(1, { with: () => ({ firstName: 'Hélène', lastName: 'Rousseau', lotIds: [north!.id], paymentMethods: ['CREDIT_CARD'] }) });
  // 60 never-invited engineers: more than a page (50), for "Select all N search results".
  await org.insertProfiles(60, { with: (i) => ({ tagIds: [eng!.id], lotIds: i % 2 ? [north!.id] : [] }) });
  await org.insertProfiles(3, { with: () => ({ status: 'PENDING', tagIds: [eng!.id], invitationExpiresAt: past }) });
  await org.insertProfiles(3, { with: () => ({ status: 'VALIDATED', tagIds: [eng!.id], lotIds: [south!.id] }) });
  await org.insertProfiles(6, { with: () => ({ tagIds: [sales!.id], paymentMethods: ['SEPA_DIRECT_DEBIT'] }) });
}, 120_000);

/**
 * A session of another owner of the organization: each admin's requests share
 * a budget of cost points per minute, which one admin clicking through every
 * test below in a minute or two would spend.
 */
const profilesTable = (page: Page) => page.getByRole('table', { name: 'Profiles' });
const rowsOf = (page: Page) =>
  profilesTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

/** A box of the Status filter, named by its label and the count after it ("Pending (63)"). */
const statusChip = (page: Page, name: string) => page.getByRole('checkbox', { name: new RegExp(`^${name}( \\(|$)`) });

/** Clicks a filter's box; it shows ticked once the URL (which holds the filters) has changed. */
async function tick(box: Locator, checked: boolean) {
  await box.click();
  await expect.poll(() => box.isChecked()).toBe(checked);
}

async function pickOption(page: Page, label: string, option: string) {
  await page.getByRole('textbox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
  await page.keyboard.press('Escape');
}

describe('the admin UI, as an office manager clicks it', () => {
  it('search helene → Show → Invite → Confirm: the status says Pending and one email went out', async () => {
    const page = await ui.newPage();
    await signIn(page, org.adminEmail);
    await rowsOf(page).first().waitFor();
    await screenshot(page, 'profiles');
    await expectAccessible(page, 'the Profiles page');

    await page.getByRole('searchbox', { name: 'Search' }).fill('helene');
    await page.getByRole('link', { name: 'Hélène Rousseau' }).waitFor();
    for (const email of await profilesTable(page).getByRole('cell', { name: /@/ }).allTextContents()) expect(email).toMatch(/^helene\./);
    expect(page.url()).toContain('q=helene');
    await page.getByRole('link', { name: 'Hélène Rousseau' }).click();
    await page.getByRole('heading', { name: 'Hélène Rousseau', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('main').getByText('Not invited', { exact: true }).count()).toBe(1);
    await screenshot(page, 'show-not-invited');
    await expectAccessible(page, 'the Show page');

    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite Hélène Rousseau?' });
    await dialog.waitFor();
    await screenshot(page, 'show-invite-confirm');
    await expectAccessible(page, 'the invite Confirm dialog');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('main').getByText('Pending', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Re-send invitation' }).waitFor();

    await kit.runJobs();
    const helene = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, lastName: 'Rousseau' } });
    expect(kit.emailsTo(helene.email)).toHaveLength(1);
    await page.reload();
    await page.getByText('Email sent', { exact: true }).first().waitFor();
    const history = page.getByRole('table', { name: 'Invitation history' });
    await expect.poll(() => history.getByRole('row').count()).toBe(2);
    await history.getByRole('cell', { name: 'Email sent' }).waitFor();
    await history.getByRole('cell', { name: /^Admin \d+$/ }).waitFor();
    await screenshot(page, 'show-pending');

    // The back button returns to the search as it was.
    await page.goBack();
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('helene');
  });

  it('filter Not invited + a tag → Select all search results → List actions → Invite users → Confirm → all Pending', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await tick(statusChip(page, 'Not invited'), true);
    await pickOption(page, 'Tag', 'Engineering');
    await expect.poll(() => page.getByText(/of 60 profiles/).count()).toBe(1);
    expect(new URL(page.url()).searchParams.getAll('status')).toEqual(['NOT_INVITED']);
    // The Status filter counts what each choice selects with the other criteria (here the tag).
    await page.getByRole('checkbox', { name: 'Not invited (60)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Pending (3)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Validated (3)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Invitation expired (3)' }).waitFor();

    await page.getByRole('checkbox', { name: 'Select this page' }).check();
    await page.getByRole('button', { name: 'Select all 60 search results' }).click();
    await page.getByText('All 60 search results are selected.').waitFor();
    await screenshot(page, 'profiles-select-all');
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Invite users' }).click();

    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByRole('table', { name: 'What inviting will do' }).waitFor();
    const counts = await kit.as(org.sessionToken).invitationPreview({ filter: { statuses: ['NOT_INVITED'], tagIds: [engineering] } });
    expect(counts.inviteCount).toBe(60);
    const cell = (name: string) =>
      dialog
        .getByRole('row', { name: new RegExp(`^${name}`) })
        .getByRole('cell')
        .last();
    expect(await cell('Will be invited').textContent()).toBe(String(counts.inviteCount));
    expect(await cell('Will be re-invited').textContent()).toBe(String(counts.reinviteCount));
    expect(await cell('Skipped').textContent()).toBe(String(counts.skippedCount));
    await screenshot(page, 'bulk-confirm');
    await expectAccessible(page, 'the bulk Confirm dialog');

    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('progressbar', { name: 'Invitation progress' }).waitFor();
    await dialog.getByText('Done.').waitFor();
    await dialog.getByRole('list', { name: 'Summary' }).getByText('Invited: 60').waitFor();
    await screenshot(page, 'bulk-summary');
    await expectAccessible(page, 'the bulk summary');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    // Nobody left to invite in that search; all 60 are Pending now.
    await page.getByText('No profile matches this search').waitFor();
    await tick(statusChip(page, 'Not invited'), false);
    await tick(statusChip(page, 'Pending'), true);
    await expect.poll(() => page.getByText(/of 63 profiles/).count()).toBe(1);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, status: 'NOT_INVITED', tags: { some: { tag: { name: 'Engineering' } } } } })).toBe(
      0,
    );
  });

  // Follows the bulk invitation above (one of its emails).
  it('accepting an invitation through the emailed link turns the Status column to Validated', async () => {
    await kit.runJobs();
    const invited = await kit.prisma.profile.findFirstOrThrow({
      where: { organizationId: org.id, status: 'PENDING', tags: { some: { tag: { name: 'Engineering' } } }, invitations: { some: {} } },
      orderBy: { lastName: 'asc' },
    });
    const [email] = kit.emailsTo(invited.email);
    const page = await ui.newPage();
    await page.goto(`/accept#token=${kit.tokenOf(email!)}`);
    await page.getByLabel('Create your password').fill('a-long-password-2026');
    await page.getByLabel('Type it again').fill('a-long-password-2026');
    await page.getByRole('button', { name: 'Confirm my account' }).click();
    await page.getByText(/Your account with Acme Parking is ready/).waitFor();

    await signIn(page, org.adminEmail);
    await page.getByRole('searchbox', { name: 'Search' }).fill(`${invited.firstName} ${invited.lastName}`);
    const row = rowsOf(page).filter({ has: page.getByRole('link', { name: `${invited.firstName} ${invited.lastName}` }) });
    await row.getByText('Validated', { exact: true }).waitFor();
  });

  it('shows the expired invitations at a glance and filters them', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await tick(statusChip(page, 'Invitation expired'), true);
    await expect.poll(() => rowsOf(page).count()).toBe(3);
    expect(await profilesTable(page).getByText('Expired', { exact: true }).count()).toBe(3);
  });

  it('pages through the results with the page in the URL', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await expect.poll(() => rowsOf(page).count()).toBe(50);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => rowsOf(page).count()).toBe(73 - 50);
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await page.goBack();
    await expect.poll(() => rowsOf(page).count()).toBe(50);
  });
  it('beyond 10,000 search results the list says "10,000+" (the bounded count), and "Invite users" counts the selection exactly', async () => {
    const big = await kit.createOrganization({ name: 'Big Parking' });
    await big.insertManyProfiles(10_020);
    const page = await ui.newPage();
    await signIn(page, big.adminEmail);
    // No criterion but status: exact at any size (the maintained counters).
    await expect.poll(() => page.getByText('1–50 of 10,020 profiles').count()).toBe(1);
    // A search is counted up to 10,000: every address ends in ".test".
    await page.getByRole('searchbox', { name: 'Search' }).fill('.test');
    await expect.poll(() => page.getByText('1–50 of 10,000+ profiles').count()).toBe(1);
    await page.getByRole('checkbox', { name: 'Select this page' }).check();
    await page.getByRole('button', { name: 'Select all 10,000+ search results' }).click();
    await page.getByText('All 10,000+ search results are selected.').waitFor();
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Invite users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByText(/^10,020 profiles selected/).waitFor();
    await screenshot(page, 'profiles-select-all-bounded');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  // After the expired ones were listed above: this re-invites them.
  it('a selection with profiles that cannot be invited: the Confirm dialog counts them by reason, the summary lists them', async () => {
    const page = await ui.newPage();
    const owner = await org.newOwner();
    await openSignedIn(page, owner);
    await tick(statusChip(page, 'Pending'), true);
    await tick(statusChip(page, 'Validated'), true);
    await pickOption(page, 'Tag', 'Engineering');
    const counts = await kit.as(owner.sessionToken).invitationPreview({ filter: { statuses: ['PENDING', 'VALIDATED'], tagIds: [engineering] } });
    const skippedBy = (reason: string) => counts.skipped.find((s) => s.reason === reason)?.count;
    // The 3 pending with an expired invitation are re-invited; the ones invited moments ago and the validated are skipped.
    expect(counts.reinviteCount).toBe(3);
    expect(skippedBy('ALREADY_VALIDATED')).toBeGreaterThanOrEqual(3);
    expect(skippedBy('RESEND_TOO_SOON')).toBeGreaterThan(50);
    await expect.poll(() => page.getByText(new RegExp(`of ${counts.total} profiles`)).count()).toBe(1);
    await page.getByRole('checkbox', { name: 'Select this page' }).check();
    await page.getByRole('button', { name: `Select all ${counts.total} search results` }).click();
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Invite users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByRole('table', { name: 'What inviting will do' }).waitFor();
    const cell = (name: string) =>
      dialog
        .getByRole('row', { name: new RegExp(`^${name}`) })
        .getByRole('cell')
        .last();
    expect(await cell('Will be re-invited').textContent()).toBe(String(counts.reinviteCount));
    expect(await cell('Skipped').textContent()).toBe(String(counts.skippedCount));
    expect(await cell('… invited moments ago').textContent()).toBe(String(skippedBy('RESEND_TOO_SOON')));
    expect(await cell('… already validated').textContent()).toBe(String(skippedBy('ALREADY_VALIDATED')));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByText('Done.').waitFor();
    await dialog.getByRole('button', { name: 'Show the skipped profiles' }).click();
    const skipped = dialog.getByRole('table', { name: 'Skipped profiles' });
    await expect.poll(() => skipped.getByRole('row').count()).toBe(counts.skippedCount + 1);
    await skipped.getByRole('cell', { name: 'already validated' }).first().waitFor();
    await screenshot(page, 'bulk-skipped');
    await expectAccessible(page, 'the summary with the skipped profiles');
  });
});

describe('what the caller may do comes from viewer.permissions', () => {
  it('a VIEWER sees no invite action', async () => {
    const viewer = await kit.createOrganization({ role: 'VIEWER' });
    await viewer.insertProfiles(3);
    const page = await ui.newPage();
    await signIn(page, viewer.adminEmail);
    await rowsOf(page).first().waitFor();
    expect(await page.getByRole('button', { name: 'List actions' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'Select this page' }).count()).toBe(0);
    await rowsOf(page).first().getByRole('link').click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText(/ask an owner/i).waitFor();
    expect(await page.getByRole('button', { name: /Invite|Re-send/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await screenshot(page, 'viewer-show');
  });

  it('a STARTER organization sees "not in your plan"', async () => {
    const starter = await kit.createOrganization({ plan: 'STARTER' });
    await starter.insertProfiles(3);
    const page = await ui.newPage();
    await signIn(page, starter.adminEmail);
    await page.getByRole('checkbox', { name: 'Select this page' }).check();
    await page.getByRole('button', { name: 'List actions' }).click();
    await expect.poll(() => page.getByRole('menuitem', { name: 'Invite users' }).isDisabled()).toBe(true);
    await page
      .getByRole('menu')
      .getByText(/Not in your plan \(Starter\)/)
      .waitFor();
    await page.keyboard.press('Escape');
    await rowsOf(page).first().getByRole('link').click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Invite', exact: true }).isDisabled()).toBe(true);
    await page
      .getByText(/Not in your plan \(Starter\)\. It comes with the Business plan/)
      .first()
      .waitFor();
    await screenshot(page, 'starter-show');
    await expectAccessible(page, 'the Show page of a Starter organization');
  });
});

describe('forms, settings and the session', () => {
  it('a bad field shows its error next to the field', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByRole('heading', { name: 'New profile', level: 1 }).waitFor();
    await expectAccessible(page, 'the New profile form');
    await page.getByRole('textbox', { name: 'First name' }).fill('Zoë');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Martin');
    const email = page.getByRole('textbox', { name: 'Email' });
    await email.fill('zoe.martin@');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby'))!.split(' ');
    const errorText = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(errorText.join(' ')).toMatch(/email/i);
    await screenshot(page, 'profile-form-error');
    await expectAccessible(page, 'the form with an error');

    await email.fill('zoe.martin@example.test');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.getByRole('heading', { name: 'Zoë Martin', level: 1 }).waitFor();
  });

  it('settings: organization, API keys (secret shown once), admins', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'Name' }).waitFor();
    await screenshot(page, 'settings-organization');
    await expectAccessible(page, 'Settings › Organization');

    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('HR sync');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Copy the secret now' });
    await secretDialog.getByText(/^ppk_/).waitFor();
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'HR sync', exact: true }).waitFor();
    await screenshot(page, 'settings-api-keys');
    await expectAccessible(page, 'Settings › API keys');

    await page.getByRole('tab', { name: 'Admins' }).click();
    await page.getByRole('table', { name: 'Admins' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/settings/admins');
    await screenshot(page, 'settings-admins');
    await expectAccessible(page, 'Settings › Admins');
  });

  it('settings: parking lots and tags, with how many profiles use each; a taken name is refused next to the field', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await page.goto('/admin/settings/lots-and-tags');
    const tags = page.getByRole('region', { name: 'Tags' });
    await tags.getByRole('row', { name: /^Sales 6/ }).waitFor();
    await tags.getByRole('textbox', { name: 'New tag' }).fill('engineering');
    await tags.getByRole('button', { name: 'Add' }).click();
    const field = tags.getByRole('textbox', { name: 'New tag' });
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    await field.fill('Night shift');
    await tags.getByRole('button', { name: 'Add' }).click();
    await tags.getByRole('row', { name: /^Night shift 0/ }).waitFor();
    await tags.getByRole('button', { name: 'Rename Night shift' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename the tag "Night shift"' });
    await rename.getByRole('textbox', { name: 'Name' }).fill('Nights');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await tags.getByRole('row', { name: /^Nights 0/ }).waitFor();
    await screenshot(page, 'settings-lots-and-tags');
    await expectAccessible(page, 'Settings › Parking lots & tags');
    await tags.getByRole('button', { name: 'Delete Nights' }).click();
    await page.getByRole('dialog', { name: 'Delete the tag "Nights"?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => tags.getByRole('row', { name: /^Nights/ }).count()).toBe(0);
  });

  it('works at 390 px wide, the menu behind a burger', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openSignedIn(page, await org.newOwner());
    await rowsOf(page).first().waitFor();
    await screenshot(page, 'profiles-390');
    await expectAccessible(page, 'Profiles at 390 px');
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });

  it('a session that expires sends the admin back to sign in, with a message', async () => {
    const page = await ui.newPage();
    await signIn(page, org.adminEmail);
    await page.getByRole('textbox', { name: 'Email' }).count();
    await screenshot(page, 'sign-in-done');
    kit.clock.advance(13 * HOUR);
    try {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByText('This session expired; sign in again.').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await screenshot(page, 'sign-in-expired');
      await expectAccessible(page, 'the sign-in page');
    } finally {
      kit.clock.advance(-13 * HOUR);
    }
  });

  it('keeps the session in an HttpOnly cookie: no token in storage, a reload stays signed in, sign-out ends it on the server', async () => {
    const page = await ui.newPage();
    const owner = await kit.createOrganization({ name: 'Cookie session' });
    await signIn(page, owner.adminEmail);
    const stored = await page.evaluate(() =>
      [localStorage, sessionStorage].flatMap((storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`)),
    );
    expect(stored.filter((entry) => /pps_|ppd_|token|session/i.test(entry))).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'parkpass_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session?.value).toMatch(/^pps_/);

    await page.reload();
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(async () => (await page.context().cookies()).some((cookie) => cookie.name === 'parkpass_session')).toBe(false);
    await expect.poll(() => kit.prisma.adminSession.count({ where: { admin: { email: owner.adminEmail }, revokedAt: { not: null } } })).toBe(1);
    // The ended session's token no longer opens the UI, even put back by hand.
    await page.context().addCookies([{ ...session!, expires: -1 }]);
    await page.goto('/admin/profiles');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('keeps its device cookie across sign-out, so failures by someone behind the same address never refuse this browser', async () => {
    const page = await ui.newPage();
    const office = '192.0.2.80';
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': office });
    const owner = await kit.createOrganization({ name: 'Shared office' });
    await signIn(page, owner.adminEmail);
    const stored = async () => (await page.context().cookies()).find((cookie) => cookie.name === 'parkpass_device');
    const device = await stored();
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/session' });
    expect(device?.value).toMatch(/^ppd_/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await stored())?.value).toBe(device?.value);

    // Someone else behind the same address fails until the limit holds for anyone without this browser's token.
    const login = (password: string) => kit.as(null, { headers: { 'x-forwarded-for': office } }).adminLogin({ email: owner.adminEmail, password });
    for (let i = 0; i < 8; i++) await login('wrong password');
    expect((await login(KIT_ADMIN_PASSWORD)).__typename).toBe('TooManyLoginAttempts');
    await signIn(page, owner.adminEmail);
  });

  it('serves the built assets immutable and the index uncached', async () => {
    const index = await fetch(`${ui.url}/admin/profiles?q=x`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toContain('no-cache');
    const html = await index.text();
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${ui.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${ui.url}/admin/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${ui.url}/admin/assets/missing.js`)).status).toBe(404);
    // The build is split (a chunk per page, the libraries apart): no chunk reaches Vite's 900 kB warning.
    const chunks = readdirSync(new URL('../dist/assets/', import.meta.url)).filter((name) => name.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(statSync(new URL(`../dist/assets/${chunk}`, import.meta.url)).size, chunk).toBeLessThan(900_000);
    expect(globalId('Profile', 'x')).toBeTruthy();
  });
});

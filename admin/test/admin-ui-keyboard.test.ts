import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_PUBLIC_URL, TEST_WEBHOOK_PASSWORD, type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, focusedName, focusInDialog, openSignedIn, screenshot, tabTo, useBrowser } from './browser.ts';

// The article's two flows with the keyboard only (Tab, Shift+Tab, Enter,
// Space, Escape, arrows), every confirmation in the one ConfirmDialog (focus
// trapped, on the safe action first, back to its opener), what changes
// elsewhere shown without a reload, and the forms' and list's details.

vi.setConfig({ testTimeout: 120_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Keyboard Parking' });
  await org.insertProfiles(55, { with: (i) => ({ firstName: `Agent${i}`, lastName: 'Clavier' }) });
  await org.insertProfiles(2, { with: (i) => ({ firstName: `Vivant${i}`, lastName: 'Direct' }) });
  await org.insertProfiles(1, { with: () => ({ firstName: 'Marc', lastName: 'Adresse' }) });
  await org.insertProfiles(1, { with: () => ({ firstName: 'Rémi', lastName: 'Rebond' }) });
}, 120_000);

/** No browser confirm()/alert() ever: the test fails if one opens. */
function refuseBrowserDialogs(page: Page) {
  const opened: string[] = [];
  page.on('dialog', (dialog) => {
    opened.push(dialog.message());
    void dialog.dismiss();
  });
  return opened;
}

const rowsOf = (page: Page) =>
  page
    .getByRole('table', { name: 'Profiles' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

async function invitePerson(email: string) {
  const profile = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, email } });
  const { globalId } = await import('../../server/test/kit.ts');
  const answer = await kit.graphql(
    'mutation ($id: ID!) { profileInvite(input: { profileId: $id }) { __typename } }',
    { id: globalId('Profile', profile.id) },
    { token: org.sessionToken },
  );
  expect(answer.data?.profileInvite.__typename, JSON.stringify(answer.errors)).toBe('ProfileInvitePayload');
  await kit.runJobs();
  return profile;
}

async function accept(email: string) {
  const token = kit.tokenOf(kit.emailsTo(email).at(-1)!);
  const answer = await kit.graphql('mutation ($input: InvitationAcceptInput!) { invitationAccept(input: $input) { __typename } }', {
    input: { token, password: 'a long enough password 2026' },
  });
  expect(answer.data.invitationAccept.__typename).toBe('InvitationAcceptPayload');
}

describe('keyboard only', () => {
  it('creates a profile, then invites it: Tab, Enter, the Confirm dialog starting on Cancel and keeping the focus', async () => {
    const page = await ui.newPage();
    const dialogs = refuseBrowserDialogs(page);
    await openSignedIn(page, await org.newOwner());
    // The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Skip to the content');
    await tabTo(page, 'New profile');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New profile', level: 1 }).waitFor();
    await tabTo(page, /^First name/);
    await page.keyboard.type('Inès');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Touche');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ines.touche@example.test');
    await tabTo(page, 'Create profile');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Inès Touche', level: 1 }).waitFor();
    await page.getByText('English (the organization’s)').waitFor();

    await tabTo(page, 'Invite');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Invite Inès Touche?' });
    await dialog.waitFor();
    await expect.poll(() => focusedName(page)).toBe('Cancel');
    await dialog.getByText(/goes to ines\.touche@example\.test, in English \(the organization’s\)/).waitFor();
    // Tab and Shift+Tab go round inside the dialog.
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await focusInDialog(page), key).toBe(true);
    }
    // Escape cancels; the focus is back on Invite.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe('Invite');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await tabTo(page, 'Confirm');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('main').getByText('Pending', { exact: true }).first().waitFor();
    await expect.poll(() => focusedName(page)).toBe('Re-send invitation');
    expect(dialogs).toEqual([]);
  });

  it('searches, selects all results, invites them: the dialog holds the focus, Escape returns it, and after the run the counts and the selection follow', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner());
    await tabTo(page, /^Search/);
    await page.keyboard.type('clavier');
    await expect.poll(() => page.getByText('1–50 of 55 profiles').count()).toBe(1);
    await page.getByRole('checkbox', { name: 'Not invited (55)' }).waitFor();
    await tabTo(page, 'Select this page');
    await page.keyboard.press('Space');
    await tabTo(page, 'Select all 55 search results', { backwards: true });
    await page.keyboard.press('Enter');
    await page.getByText('All 55 search results are selected.').waitFor();
    await tabTo(page, 'List actions', { backwards: true });
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Invite users' }).waitFor();
    // A menu opened from the keyboard starts on its first item.
    await expect.poll(() => focusedName(page)).toBe('Invite users');
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByRole('table', { name: 'What inviting will do' }).waitFor();
    await expect.poll(() => focusedName(page)).toBe('Cancel');
    // Nothing behind the dialog takes the focus or a key: Tab stays inside, Space changes no tick box.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog(page)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe('List actions');
    await page.getByText('55 profiles selected').waitFor();

    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Invite users' }).waitFor();
    // A menu opened from the keyboard starts on its first item.
    await expect.poll(() => focusedName(page)).toBe('Invite users');
    await page.keyboard.press('Enter');
    await dialog.getByRole('table', { name: 'What inviting will do' }).waitFor();
    await expect.poll(() => focusedName(page)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Confirm');
    await page.keyboard.press('Enter');
    await page.getByText(/Bulk invitation done: 55 invited/).waitFor();
    await dialog.getByText('Done.').waitFor();
    await dialog.getByRole('list', { name: 'Summary' }).getByText('Invited: 55').waitFor();
    await expect.poll(() => focusedName(page)).toBe('Close');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });

    // The selection is gone, and the counts say what happened.
    await page.getByText('Tick profiles to act on them.').waitFor();
    expect(await page.getByRole('button', { name: 'List actions' }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Not invited (0)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Pending (55)' }).waitFor();
  });
});

describe('live', () => {
  it('an acceptance elsewhere shows on the list and on Show without a reload, with a notice, and the Status counts follow', async () => {
    const [first, second] = await kit.prisma.profile.findMany({ where: { organizationId: org.id, lastName: 'Direct' }, orderBy: { firstName: 'asc' } });
    await invitePerson(first!.email);
    await invitePerson(second!.email);
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/profiles?q=direct');
    await page.getByRole('checkbox', { name: 'Pending (2)' }).waitFor();
    await accept(first!.email);
    const row = rowsOf(page).filter({ has: page.getByRole('link', { name: `${first!.firstName} Direct` }) });
    await expect.poll(() => row.getByText('Validated', { exact: true }).count(), { timeout: 25_000 }).toBe(1);
    await page.getByRole('checkbox', { name: 'Validated (1)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Pending (1)' }).waitFor();
    await page.getByText(`A profile on this page changed: ${first!.firstName} Direct (Validated).`).waitFor();

    await page.getByRole('link', { name: `${second!.firstName} Direct` }).click();
    await page.getByRole('heading', { name: `${second!.firstName} Direct`, level: 1 }).waitFor();
    await accept(second!.email);
    await expect.poll(() => page.getByText(`${second!.firstName} Direct is now Validated.`).count(), { timeout: 25_000 }).toBe(1);
    await page.getByRole('main').getByText('Validated', { exact: true }).first().waitFor();
    // "← Profiles" returns to the search it came from.
    await page.getByRole('link', { name: '← Profiles' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('direct');
  });
  it('a bounce reported by Postmark shows on the list without a reload, with a notice', async () => {
    const person = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, lastName: 'Rebond' } });
    await invitePerson(person.email);
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/profiles?q=rebond');
    await page.getByRole('checkbox', { name: 'Email bounced (0)' }).waitFor();
    const sent = kit.emailsTo(person.email).at(-1)!;
    const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/webhooks/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`postmark:${TEST_WEBHOOK_PASSWORD}`).toString('base64')}` },
      body: JSON.stringify({ RecordType: 'Bounce', Type: 'HardBounce', MessageID: sent.MessageID, Metadata: sent.Metadata }),
    });
    expect(response.status).toBe(200);
    await expect.poll(() => rowsOf(page).getByText('Email bounced', { exact: true }).count(), { timeout: 25_000 }).toBe(1);
    await page.getByRole('checkbox', { name: 'Email bounced (1)' }).waitFor();
    await page.getByText('A profile on this page changed: Rémi Rebond (Email bounced).').waitFor();
  });
});

describe('dialogs, forms and the list', () => {
  it('revoking a key and removing an admin ask in the app’s own dialog (never the browser’s confirm), focus back on the button', async () => {
    await org.api; // the organization's API key exists
    const page = await ui.newPage();
    const dialogs = refuseBrowserDialogs(page);
    const owner = await org.newOwner();
    const removed = await org.newOwner();
    await openSignedIn(page, owner, '/admin/settings/api-keys');
    const revoke = page.getByRole('button', { name: /^Revoke / }).first();
    await revoke.click();
    const confirm = page.getByRole('dialog', { name: /^Revoke the key/ });
    await confirm.waitFor();
    await expect.poll(() => focusedName(page)).toBe('Cancel');
    await screenshot(page, 'revoke-key-dialog');
    await expectAccessible(page, 'the revoke key dialog');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toMatch(/^Revoke /);
    await revoke.click();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText(/^The key ".*" was revoked\.$/).waitFor();

    await page.getByRole('tab', { name: 'Admins' }).click();
    const remove = page.getByRole('button', { name: `Remove ${removed.name}` });
    await remove.click();
    const removal = page.getByRole('dialog', { name: `Remove ${removed.name}?` });
    await expect.poll(() => focusedName(page)).toBe('Cancel');
    await removal.getByRole('button', { name: 'Remove' }).click();
    await page.getByText(`${removed.name} was removed.`).waitFor();
    expect(dialogs).toEqual([]);
  });

  it('a new email closes the open invitation and says so; the list and Show mark it', async () => {
    const person = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, lastName: 'Adresse' } });
    await invitePerson(person.email);
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/profiles?q=adresse');
    await page.getByRole('link', { name: 'Marc Adresse' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByText(/Changing it closes the open invitation/).waitFor();
    await page.getByRole('textbox', { name: 'Email' }).fill('marc.adresse@new.example.test');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. The email changed, so the open invitation was closed: invite Marc Adresse again.').waitFor();
    await page.getByRole('main').getByText('No open invitation').first().waitFor();
    await page.getByRole('button', { name: 'Invite', exact: true }).waitFor();
    await page.getByRole('link', { name: '← Profiles' }).click();
    await rowsOf(page).getByText('No open invitation').waitFor();
  });

  it('form errors in plain words next to the field, limits while typing; an out-of-range validity is refused, not changed', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/profiles/new');
    await page.getByRole('heading', { name: 'New profile', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create profile' }).click();
    const first = page.getByRole('textbox', { name: 'First name' });
    await expect.poll(() => first.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await first.getAttribute('aria-describedby'))!.split(' ');
    const errorText = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(errorText.join(' ')).toContain('Required.');
    await page.getByText('Fix the fields marked below.').waitFor();
    expect(await first.getAttribute('maxlength')).toBe('100');

    await page.goto('/admin/settings/organization');
    const validity = page.getByRole('textbox', { name: 'Invitation validity (hours)' });
    await validity.fill('1000');
    await page.getByText('Between 1 and 720 hours.').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Between 1 and 720 hours.').waitFor();
    const saved = await kit.prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
    expect(saved.invitationValidityHours).not.toBe(720);
    expect(await validity.inputValue()).toBe('1000');
  });

  it('Back does not replay each search keystroke; Next page starts at the top; Clear filters', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/settings/organization');
    await page.getByRole('link', { name: 'Profiles' }).click();
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    const search = page.getByRole('searchbox', { name: 'Search' });
    for (const letter of 'olga') {
      await search.press(letter);
      const typed = await search.inputValue();
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(typed);
    }
    await page.goBack();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/settings/organization');

    await page.goto('/admin/profiles');
    await expect.poll(() => rowsOf(page).count()).toBe(50);
    const next = page.getByRole('button', { name: 'Next page' });
    await next.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await next.click();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);

    await page.goto('/admin/profiles?q=clavier&status=PENDING');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
  });

  it('at 390 px: whole status badges, emails that wrap between parts, the filters folded; axe in light and dark', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openSignedIn(page, await org.newOwner(), '/admin/profiles?q=clavier');
    await rowsOf(page).first().waitFor();
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('.mantine-Badge-label')].filter((label) => label.scrollWidth > label.clientWidth + 1).map((label) => label.textContent),
    );
    expect(cut).toEqual([]);
    const firstRow = await rowsOf(page).first().boundingBox();
    expect(firstRow!.y + firstRow!.height).toBeLessThan(844);
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('checkbox', { name: /^Pending/ }).waitFor();
    await expectAccessible(page, 'Profiles at 390 px, light');
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await page.getByRole('button', { name: 'Dark mode' }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await page.getByRole('button', { name: 'Close the menu' }).click();
    await screenshot(page, 'profiles-390-dark');
    await expectAccessible(page, 'Profiles at 390 px, dark');
    await page.setViewportSize({ width: 1280, height: 860 });
    await rowsOf(page).first().getByRole('link').click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expectAccessible(page, 'Show, dark');
    await page.evaluate(() => localStorage.removeItem('parkpass.admin.color-scheme'));
  });
});

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { focusedName, openSignedIn, tabTo, useBrowser } from './browser.ts';

// Smaller things a person met: Copy says it copied, a notice never covers Sign
// out, and the person's language is on Show and in the Invite dialog (the
// email goes out in it); the Status counts follow an invitation made on Show,
// the name is the link to Show (Enter opens it) and "← Profiles" comes back to
// the same search and filters; every dialog opens on its first field or its
// safe action, never on ×.

vi.setConfig({ testTimeout: 90_000 });

const kit = useTestKit();
const ui = useBrowser(kit);

let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Details Parking' });
  const [id] = await org.insertProfiles(1, { with: () => ({ firstName: 'Élodie', lastName: 'Français' }) });
  await kit.prisma.profile.update({ where: { id: id! }, data: { locale: 'FR' } });
  await org.insertProfiles(2, { with: (i) => ({ firstName: ['Nina', 'Paul'][i % 2]!, lastName: 'Suivi' }) });
  await org.insertProfiles(1, { with: () => ({ firstName: 'Omar', lastName: 'Suivi', invitationExpiresAt: new Date(Date.now() + 72 * 3_600_000) }) });
}, 120_000);

/** The Status filter's box for `status`, named with its count ("Pending (2)"). */
const statusBox = (page: Page, status: string) => page.getByRole('checkbox', { name: new RegExp(`^${status} \\(\\d+\\)$`) });
const namesShown = async (page: Page) => (await page.getByRole('table', { name: 'Profiles' }).getByRole('link').allTextContents()).map((name) => name.trim());

describe('details', () => {
  it("shows the person's language on Show and says in the Invite dialog which language the email is in", async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/profiles?q=elodie');
    await page.getByRole('link', { name: 'Élodie Français' }).click();
    await page.getByRole('heading', { name: 'Élodie Français', level: 1 }).waitFor();
    await page.getByRole('main').getByText('French', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Invite Élodie Français?' })
      .getByText(/, in French\./)
      .waitFor();
    await page.keyboard.press('Escape');
  });

  it('Copy says "Copied"; the notice that follows does not cover Sign out', async () => {
    const page = await ui.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    // A session of its own: this test ends by signing out, which ends the session it used.
    await openSignedIn(page, { sessionToken: await org.newSession() }, '/admin/settings/api-keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Copy test');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secret = page.getByRole('dialog', { name: 'Copy the secret now' });
    await secret.getByRole('button', { name: 'Copy the secret' }).click();
    await secret.getByRole('button', { name: 'Copied' }).waitFor();
    await secret.getByRole('button', { name: 'Done' }).click();

    // A notice (here: the key was revoked) sits below the header.
    await page.getByRole('button', { name: 'Revoke Copy test' }).click();
    await page
      .getByRole('dialog', { name: /^Revoke the key/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    const notice = page.getByText(/^The key ".*" was revoked\.$/);
    await notice.waitFor();
    const signOut = (await page.getByRole('button', { name: 'Sign out' }).boundingBox())!;
    const box = (await notice.boundingBox())!;
    const overlaps = box.x < signOut.x + signOut.width && signOut.x < box.x + box.width && box.y < signOut.y + signOut.height && signOut.y < box.y + box.height;
    expect(overlaps).toBe(false);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('ticked Pending, a person invited on Show (opened from the name with Enter): "← Profiles" comes back to the same search and filters, and the counts agree with the list', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/profiles?q=suivi');
    await page.getByRole('checkbox', { name: 'Not invited (2)' }).waitFor({ timeout: 30_000 });
    await statusBox(page, 'Not invited').check();
    await statusBox(page, 'Pending').check();
    await expect.poll(() => namesShown(page)).toEqual(['Nina Suivi', 'Omar Suivi', 'Paul Suivi']);
    await page.getByRole('checkbox', { name: 'Not invited (2)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Pending (1)' }).waitFor();
    const listUrl = new URL(page.url());

    // The name is a link: the keyboard reaches it and Enter opens Show.
    await tabTo(page, 'Nina Suivi');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('A');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Nina Suivi', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('dialog', { name: 'Invite Nina Suivi?' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    await page.getByRole('link', { name: '← Profiles' }).click();
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    const back = new URL(page.url());
    expect([back.pathname, back.searchParams.get('q'), back.searchParams.getAll('status')]).toEqual([
      listUrl.pathname,
      'suivi',
      listUrl.searchParams.getAll('status'),
    ]);
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('suivi');
    // Without a reload, and before the live refresh (10 s after the list shows again) could have fixed it: the counts follow the invitation.
    await page.getByRole('checkbox', { name: 'Not invited (1)' }).waitFor({ timeout: 8_000 });
    await page.getByRole('checkbox', { name: 'Pending (2)' }).waitFor({ timeout: 8_000 });
    await statusBox(page, 'Not invited').uncheck();
    await expect.poll(() => namesShown(page)).toEqual(['Nina Suivi', 'Omar Suivi']);
    await page.getByRole('checkbox', { name: 'Pending (2)' }).waitFor({ timeout: 8_000 });
  });

  it('every dialog opens on its first field or its safe action, never on ×', async () => {
    const page = await ui.newPage();
    const opensOn = async (path: string, opener: string, dialogName: string | RegExp, focused: RegExp) => {
      await openSignedIn(page, org, path);
      await page.getByRole('button', { name: opener, exact: true }).click({ timeout: 30_000 });
      const dialog = page.getByRole('dialog', { name: dialogName });
      await dialog.waitFor();
      await expect.poll(() => focusedName(page), { message: `${opener} opens on ${focused}` }).toMatch(focused);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    };
    await opensOn('/admin/settings/api-keys', 'New API key', 'New API key', /^Name\b/);
    await opensOn('/admin/settings/admins', 'Add admin', 'Add admin', /^Name\b/);
    await opensOn('/admin/settings/admins', 'Invite admin', 'Invite admin', /^Name\b/);
    await opensOn('/admin/settings/directory-sync', 'New directory connection', 'New directory connection', /^Name\b/);
    await opensOn('/admin/settings/lots-and-tags', `Rename ${org.lots[0]!.name}`, /^Rename/, /^Name\b/);
    await opensOn('/admin/settings/lots-and-tags', `Delete ${org.lots[0]!.name}`, /^Delete/, /^Cancel$/);
    await opensOn('/admin/profiles', 'Invite by email', 'Create a profile and invite them', /^Cancel$/);
  });
});

import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, openSignedIn, useBrowser } from './browser.ts';

// axe on every page and every dialog of the admin UI, at 1280 and 390 px, in
// the light and the dark color scheme (the browser's preference, which the UI
// follows until the admin picks one): nothing serious or critical anywhere.

vi.setConfig({ testTimeout: 180_000 });

const kit = useTestKit();
const ui = useBrowser(kit);

const HOUR = 3_600_000;
let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Axe Parking' });
  const [engineering] = org.tags;
  const [north] = org.lots;
  await org.insertProfiles(1, { with: () => ({ firstName: 'Nina', lastName: 'Neverinvited', tagIds: [engineering!.id], lotIds: [north!.id] }) });
  await org.insertProfiles(1, {
    with: () => ({ firstName: 'Paul', lastName: 'Pending', invitationExpiresAt: new Date(kit.clock.now().getTime() + 48 * HOUR) }),
  });
  await org.insertProfiles(1, { with: () => ({ firstName: 'Vera', lastName: 'Validated', status: 'VALIDATED' }) });
}, 120_000);

/** Opens a dialog with `open`, checks it, and closes it with Escape. */
async function checkDialog(page: Page, what: string, open: () => Promise<void>, name: string | RegExp) {
  await open();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  await expectAccessible(page, `${what} (dialog)`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
}

/** Goes to a page through the menu (behind the burger at 390 px). */
async function viaMenu(page: Page, narrow: boolean, link: string) {
  if (narrow) await page.getByRole('button', { name: 'Open the menu' }).click();
  await page.getByRole('navigation').getByRole('link', { name: link }).click();
}

const click = (locator: Locator) => async () => {
  await locator.click();
};

describe('accessibility of every page and dialog', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      it(`${scheme}, ${width} px`, async () => {
        const narrow = width < 768;
        const page = await ui.newPage({ width, height: narrow ? 844 : 860 });
        await page.emulateMedia({ colorScheme: scheme });
        const at = (what: string) => `${what} at ${width} px, ${scheme}`;

        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        expect(await page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'))).toBe(scheme);
        await expectAccessible(page, at('the sign-in page'));

        await openSignedIn(page, await org.newOwner());
        const table = page.getByRole('table', { name: 'Profiles' });
        await table.getByRole('link', { name: 'Nina Neverinvited' }).waitFor();
        await expectAccessible(page, at('the Profiles page'));
        if (narrow) {
          await page.getByRole('button', { name: /^Filters/ }).click();
          await page.getByRole('textbox', { name: 'Invited from' }).waitFor();
          await expectAccessible(page, at('the Profiles page, filters unfolded'));
          await page.getByRole('button', { name: 'Open the menu' }).click();
          await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).waitFor();
          await expectAccessible(page, at('the menu'));
          await page.getByRole('button', { name: 'Close the menu' }).click();
        }
        await page.getByRole('checkbox', { name: 'Select Nina Neverinvited' }).check();
        await checkDialog(
          page,
          at('Invite users'),
          async () => {
            await page.getByRole('button', { name: 'List actions' }).click();
            await page.getByRole('menuitem', { name: 'Invite users' }).click();
          },
          'Invite users',
        );

        await table.getByRole('link', { name: 'Nina Neverinvited' }).click();
        await page.getByRole('heading', { name: 'Nina Neverinvited', level: 1 }).waitFor();
        await expectAccessible(page, at('Show (not invited)'));
        await checkDialog(page, at('Invite one'), click(page.getByRole('button', { name: 'Invite', exact: true })), 'Invite Nina Neverinvited?');
        await checkDialog(page, at('Delete a profile'), click(page.getByRole('button', { name: 'Delete' })), 'Delete Nina Neverinvited?');
        await page.getByRole('link', { name: 'Edit' }).click();
        await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Nina' }).waitFor();
        await expectAccessible(page, at('Edit a profile'));

        await page.goto('/admin/profiles?q=paul');
        await table.getByRole('link', { name: 'Paul Pending' }).click();
        await page.getByRole('heading', { name: 'Paul Pending', level: 1 }).waitFor();
        await expectAccessible(page, at('Show (pending)'));
        await checkDialog(page, at('Re-send'), click(page.getByRole('button', { name: 'Re-send invitation' })), 'Re-send the invitation to Paul Pending?');
        await checkDialog(page, at('Revoke an invitation'), click(page.getByRole('button', { name: 'Revoke invitation' })), 'Revoke this invitation?');

        await page.goto('/admin/profiles/new');
        await page.getByRole('button', { name: 'Create profile' }).waitFor();
        await expectAccessible(page, at('New profile'));

        await viaMenu(page, narrow, 'Settings');
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
        await page.getByRole('textbox', { name: 'Name', exact: true }).waitFor();
        await expectAccessible(page, at('Settings › Organization'));

        await page.getByRole('tab', { name: 'Parking lots & tags' }).click();
        const tag = org.tags[0]!.name;
        await page.getByRole('button', { name: `Rename ${tag}` }).waitFor();
        await expectAccessible(page, at('Settings › Parking lots & tags'));
        await checkDialog(page, at('Rename a tag'), click(page.getByRole('button', { name: `Rename ${tag}` })), `Rename the tag "${tag}"`);
        await checkDialog(page, at('Delete a tag'), click(page.getByRole('button', { name: `Delete ${tag}` })), `Delete the tag "${tag}"?`);

        await page.getByRole('tab', { name: 'API keys' }).click();
        await page.getByRole('table', { name: 'API keys' }).waitFor();
        await expectAccessible(page, at('Settings › API keys'));
        await checkDialog(page, at('Revoke a key'), click(page.getByRole('button', { name: /^Revoke / }).first()), /^Revoke the key/);
        await page.getByRole('button', { name: 'New API key' }).click();
        const newKey = page.getByRole('dialog', { name: 'New API key' });
        await newKey.getByRole('textbox', { name: 'Name' }).waitFor();
        await expectAccessible(page, at('New API key (dialog)'));
        await newKey.getByRole('textbox', { name: 'Name' }).fill(`Axe ${scheme} ${width}`);
        await newKey.getByRole('button', { name: 'Create' }).click();
        const secret = page.getByRole('dialog', { name: 'Copy the secret now' });
        await secret.getByText(/^ppk_/).waitFor();
        await expectAccessible(page, at('the API key secret (dialog)'));
        await secret.getByRole('button', { name: 'Done' }).click();
        await secret.waitFor({ state: 'hidden' });

        await page.getByRole('tab', { name: 'Admins' }).click();
        await page.getByRole('table', { name: 'Admins' }).waitFor();
        await expectAccessible(page, at('Settings › Admins'));
        await checkDialog(page, at('Add an admin'), click(page.getByRole('button', { name: 'Add admin' })), 'Add admin');
        await checkDialog(page, at('Remove an admin'), click(page.getByRole('button', { name: /^Remove / }).first()), /^Remove .+\?$/);
      });
    }
  }
});

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { GROUP, patchOf, sendScim, USER } from '../../server/test/scim-client.ts';
import { expectAccessible, openSignedIn, screenshot, useBrowser } from './browser.ts';

// Settings → Directory sync, as an owner clicks it: a connection created (its
// token shown once, the SCIM base URL to copy), a directory provisioning into
// it, a group mapped to a lot, a tag and a payment method, the invite policy
// set to a go-live date, the request log filtered to the refusals, the token
// rotated and the connection deleted. axe on every step, at 1280 and 390 px,
// in English and in French.

vi.setConfig({ testTimeout: 240_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Contoso Parking' });
});

const open = async (page: Page) => {
  await openSignedIn(page, org, '/admin/settings/directory-sync');
  await page.getByRole('tab', { name: 'Directory sync', selected: true }).waitFor();
};

/** Creates a connection through the page and returns its token as the dialog shows it. */
async function createConnection(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: 'New directory connection' }).click();
  const form = page.getByRole('dialog', { name: 'New directory connection' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('button', { name: 'Create' }).click();
  const shown = page.getByRole('dialog', { name: 'Copy the token now' });
  await shown.waitFor();
  const secret = (await shown.getByText(/^ppscim_/).textContent())!.trim();
  // The absolute SCIM base URL, from the server's public URL.
  await shown.getByText('http://parkpass.test/scim/v2', { exact: true }).waitFor();
  return secret;
}

describe('Settings → Directory sync', () => {
  it('create (token once) → provision → map a group → go-live date → refused requests → rotate → delete', async () => {
    const page = await ui.newPage();
    await open(page);
    await page.getByText('No directory connection').waitFor();
    await expectAccessible(page, 'the empty Directory sync settings');

    const secret = await createConnection(page, 'Entra ID');
    await screenshot(page, 'directory-sync-token');
    await expectAccessible(page, 'the token dialog');
    await page.getByRole('dialog', { name: 'Copy the token now' }).getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Entra ID', level: 2 }).waitFor();
    // The token is not on the page any more, only its prefix.
    expect(await page.getByText(secret).count()).toBe(0);
    await page.getByText(new RegExp(`Token ${secret.slice(0, 13)}…`)).waitFor();

    // The directory provisions two people and a group, and sends one request that is refused.
    const scim = (method: string, path: string, body?: unknown) => sendScim(ui.url, secret, method, path, body);
    const ada = await scim('POST', '/Users', { schemas: [USER], userName: 'ada@contoso.test', name: { givenName: 'Ada', familyName: 'Lovelace' } });
    const alan = await scim('POST', '/Users', { schemas: [USER], userName: 'alan@contoso.test', name: { givenName: 'Alan', familyName: 'Turing' } });
    expect((await scim('POST', '/Users', { schemas: [USER], userName: 'no-address' })).status).toBe(400);
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Garage B2' });
    expect(
      (await scim('PATCH', `/Groups/${group.body.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: ada.body.id }, { value: alan.body.id }] })))
        .status,
    ).toBe(204);

    await page.reload();
    const groups = page.getByRole('table', { name: 'Groups of Entra ID' });
    await groups.getByRole('cell', { name: 'Garage B2', exact: true }).waitFor();
    await groups.getByRole('cell', { name: 'Nothing yet' }).waitFor();
    await page.getByRole('button', { name: 'Edit the access of Garage B2' }).click();
    const mapping = page.getByRole('dialog', { name: 'What the group "Garage B2" gives' });
    await mapping.getByText('Its 2 members get it at once.', { exact: false }).waitFor();
    await mapping.getByRole('textbox', { name: 'Access' }).click();
    await mapping.getByRole('option', { name: org.lots[0]!.name }).click();
    await page.keyboard.press('Escape');
    await mapping.getByRole('textbox', { name: 'Tags' }).click();
    await mapping.getByRole('option', { name: org.tags[0]!.name }).click();
    await page.keyboard.press('Escape');
    await mapping.getByRole('textbox', { name: 'Payment method' }).click();
    await mapping.getByRole('option', { name: 'Company invoice' }).click();
    await screenshot(page, 'directory-sync-group');
    await expectAccessible(page, 'the group mapping dialog');
    await mapping.getByRole('button', { name: 'Save' }).click();
    await mapping.or(page.getByRole('alert')).first().waitFor();
    await expect.poll(async () => ((await mapping.isVisible()) ? await mapping.textContent() : 'closed')).toBe('closed');
    await groups.getByText('Company invoice').waitFor();
    await groups.getByText(`#${org.tags[0]!.name}`).waitFor();
    expect(await kit.prisma.profileParkingLot.count({ where: { parkingLotId: org.lots[0]!.id } })).toBe(2);
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: ada.body.id } });
    expect(profile.paymentMethods).toEqual(['COMPANY_INVOICE']);

    // Invitations on a go-live date: nothing is sent before it.
    const policy = page.getByRole('form', { name: 'Invitations of Entra ID' });
    await policy.getByRole('radio', { name: 'On a go-live date' }).check();
    await policy.locator('input[type="date"]').fill('2030-03-02');
    await policy.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The invitations of "Entra ID" were saved.').waitFor();
    const connection = await kit.prisma.directoryConnection.findFirstOrThrow({ where: { organizationId: org.id } });
    expect(connection.invitePolicy).toBe('ON_GO_LIVE_DATE');
    expect(connection.goLiveAt?.getFullYear()).toBe(2030);
    await kit.runJobs();
    expect(kit.emailsTo('ada@contoso.test')).toHaveLength(0);

    // The request log, then only what was refused and why.
    const log = page.getByRole('table', { name: 'Requests of Entra ID' });
    await log.getByText('created the profile of Ada Lovelace').waitFor();
    await screenshot(page, 'directory-sync');
    await expectAccessible(page, 'the Directory sync settings');
    await page.locator('label', { hasText: /^Refused$/ }).click();
    await expect.poll(() => page.getByRole('radio', { name: 'Refused' }).isChecked()).toBe(true);
    await expect.poll(() => log.getByRole('row').count()).toBe(2);
    await log.getByText(/invalidValue: The user needs an email address/).waitFor();

    // Rotate: the new token is shown once, the old one stops working.
    await page.getByRole('button', { name: 'Rotate the token of Entra ID' }).click();
    const rotate = page.getByRole('dialog', { name: 'Replace the token of "Entra ID"?' });
    await expectAccessible(page, 'the rotate dialog');
    await rotate.getByRole('button', { name: 'Rotate token' }).click();
    const shown = page.getByRole('dialog', { name: 'Copy the token now' });
    const rotated = (await shown.getByText(/^ppscim_/).textContent())!.trim();
    expect(rotated).not.toBe(secret);
    await shown.getByRole('button', { name: 'Done' }).click();
    expect((await scim('GET', '/Users')).status).toBe(401);
    expect((await sendScim(ui.url, rotated, 'GET', '/Users')).status).toBe(200);

    // Delete: the token stops working, the profiles stay.
    await page.getByRole('button', { name: 'Delete Entra ID' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete the connection "Entra ID"?' });
    await remove.getByText('Its 2 profiles stay, no longer held by a directory.', { exact: false }).waitFor();
    await remove.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No directory connection').waitFor();
    expect((await sendScim(ui.url, rotated, 'GET', '/Users')).status).toBe(401);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(2);
  });

  it('at 390 px and in French, with a connection, its groups and its log: accessible', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await open(page);
    const secret = await createConnection(page, 'Okta');
    await page.getByRole('dialog', { name: 'Copy the token now' }).getByRole('button', { name: 'Done' }).click();
    const scim = (method: string, path: string, body?: unknown) => sendScim(ui.url, secret, method, path, body);
    const grace = await scim('POST', '/Users', { schemas: [USER], userName: 'grace@contoso.test', name: { givenName: 'Grace', familyName: 'Hopper' } });
    await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Everyone', members: [{ value: grace.body.id }] });
    await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@contoso.test"')}`);
    await page.reload();
    await page.getByRole('table', { name: 'Requests of Okta' }).getByText('created the profile of Grace Hopper').waitFor();
    await screenshot(page, 'directory-sync-390');
    await expectAccessible(page, 'Directory sync at 390 px');

    await page.setViewportSize({ width: 1280, height: 860 });
    await page.evaluate(() => localStorage.setItem('parkpass.admin.locale', 'fr'));
    await page.reload();
    await page.getByRole('tab', { name: 'Synchronisation d’annuaire', selected: true }).waitFor();
    await page.getByRole('table', { name: 'Requêtes de Okta' }).waitFor();
    await page.getByRole('table', { name: 'Groupes de Okta' }).getByRole('cell', { name: 'Everyone', exact: true }).waitFor();
    await page.getByRole('region', { name: 'Okta', exact: true }).getByRole('radio', { name: 'Jamais : un administrateur les invite' }).waitFor();
    await screenshot(page, 'fr-directory-sync');
    await expectAccessible(page, 'Synchronisation d’annuaire');
    await page.getByRole('button', { name: 'Modifier l’accès de Everyone' }).click();
    await page.getByRole('dialog', { name: 'Ce que donne le groupe « Everyone »' }).waitFor();
    await screenshot(page, 'fr-directory-sync-group');
    await expectAccessible(page, 'la fenêtre du groupe');
  });
});

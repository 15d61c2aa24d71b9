import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectTypename } from '../../server/test/operations.ts';
import { expectAccessible, openSignedIn, screenshot, tabTo, useBrowser } from './browser.ts';

// List actions beyond inviting: Set access and tags…, Revoke invitations…,
// Delete…. Each dialog shows the server's dry run, then applies it and the
// list follows. With the mouse and with the keyboard only, in English and
// French, at 1280 and 390 px, with axe.

vi.setConfig({ testTimeout: 180_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
let org: TestOrganization;
/** Profiles named "Access0…3" (for access), "Revoke0…3" (3 of them invited), "Leaver0…2" (to delete). */
const ids: Record<'access' | 'revoke' | 'leave', string[]> = { access: [], revoke: [], leave: [] };

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Actions groupées SA' });
  ids.access = await org.insertProfiles(4, { with: (i) => ({ lastName: `Access${i}`, tagIds: [org.tags[1]!.id] }) });
  ids.revoke = await org.insertProfiles(4, { with: (i) => ({ lastName: `Revoke${i}` }) });
  for (const id of ids.revoke.slice(0, 3)) expectTypename(await org.api.profileInvite(id), 'ProfileInvitePayload');
  ids.leave = await org.insertProfiles(3, { with: (i) => ({ lastName: `Leaver${i}` }) });
}, 120_000);

async function openIn(page: Page, locale: 'en' | 'fr', search: string) {
  await page.evaluate((l) => localStorage.setItem('parkpass.admin.locale', l), locale);
  await openSignedIn(page, org, `/admin/profiles?q=${encodeURIComponent(search)}`);
}

const rowsOf = (page: Page, table: string) =>
  page
    .getByRole('table', { name: table })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

describe('Set access and tags', () => {
  it('previews the change on the server as it is chosen, then applies it to the ticked rows (mouse, English, 1280 px)', async () => {
    const page = await ui.newPage();
    await openIn(page, 'en', 'Access');
    const rows = rowsOf(page, 'Profiles');
    await expect.poll(() => rows.count()).toBe(4);
    for (const i of [0, 1, 2]) await rows.nth(i).getByRole('checkbox').click();
    await page.getByText('3 profiles selected').waitFor();
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Set access and tags…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set access and tags' });
    // Nothing chosen yet: nothing to preview or apply.
    expect(await dialog.getByRole('button', { name: /^Apply/ }).count()).toBe(0);
    await dialog.getByRole('textbox', { name: 'Give access to' }).click();
    await page.getByRole('option', { name: org.lots[0]!.name }).click();
    await dialog.getByRole('textbox', { name: 'Remove tags' }).click();
    await page.getByRole('option', { name: org.tags[1]!.name }).click();
    await page.keyboard.press('Escape'); // closes the option list, not the dialog
    const counts = dialog.getByRole('table', { name: 'What it will do' });
    await expect.poll(() => counts.getByRole('row', { name: /Will change/ }).textContent()).toBe('Will change3');
    expect(await kit.prisma.profileParkingLot.count({ where: { profileId: { in: ids.access } } })).toBe(0);
    await screenshot(page, 'bulk-access');
    await expectAccessible(page, 'the Set access and tags dialog');

    await dialog.getByRole('button', { name: 'Apply to 3 profiles' }).click();
    await page.getByText('Access and tags changed on 3 profiles.').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    expect(await kit.prisma.profileParkingLot.count({ where: { profileId: { in: ids.access } } })).toBe(3);
    expect(await kit.prisma.profileTag.count({ where: { profileId: { in: ids.access } } })).toBe(1);
    // The list follows: the selection is cleared, the new access shows.
    await page.getByText('Tick profiles to act on them.').waitFor();
    await expect.poll(() => rows.filter({ hasText: org.lots[0]!.name }).count()).toBe(3);
  });

  it('works with the keyboard only, in French, at 390 px', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openIn(page, 'fr', 'Access3');
    await expect.poll(() => rowsOf(page, 'Profils').count()).toBe(1);
    await tabTo(page, /^Sélectionner .*Access3$/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Actions sur la liste', { backwards: true });
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Accès et étiquettes…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Accès et étiquettes' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Annuler');
    await tabTo(page, 'Ajouter des étiquettes');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.getByRole('row', { name: /Vont changer/ }).textContent()).toBe('Vont changer1');
    await screenshot(page, 'fr-bulk-access-390');
    await expectAccessible(page, 'Accès et étiquettes à 390 px');
    await tabTo(page, 'Appliquer à 1 profil');
    await page.keyboard.press('Enter');
    await page.getByText('Accès et étiquettes modifiés sur 1 profil.').waitFor();
    expect(await kit.prisma.profileTag.count({ where: { profileId: ids.access[3]! } })).toBe(2);
  });
});

describe('Revoke invitations', () => {
  it('counts the open invitations among all search results and revokes them (keyboard only, French, 390 px)', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openIn(page, 'fr', 'Revoke');
    await expect.poll(() => rowsOf(page, 'Profils').count()).toBe(4);
    await tabTo(page, 'Sélectionner cette page', { backwards: true });
    await page.keyboard.press('Space');
    await tabTo(page, 'Actions sur la liste', { backwards: true });
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Révoquer les invitations…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Révoquer les invitations' });
    await expect.poll(() => dialog.getByRole('row', { name: /Invitations à révoquer/ }).textContent()).toBe('Invitations à révoquer3');
    await dialog.getByText('aucune invitation ouverte', { exact: false }).waitFor();
    await screenshot(page, 'fr-bulk-revoke-390');
    await expectAccessible(page, 'Révoquer les invitations');
    await tabTo(page, 'Révoquer 3 invitations');
    await page.keyboard.press('Enter');
    await page.getByText('3 invitations révoquées.').waitFor();
    expect(await kit.prisma.invitation.count({ where: { profileId: { in: ids.revoke }, revokedAt: { not: null } } })).toBe(3);
  });

  it('says so in English when the selection has nothing to revoke, and Apply stays off (mouse, 1280 px)', async () => {
    const page = await ui.newPage();
    await openIn(page, 'en', 'Revoke');
    await page.getByRole('checkbox', { name: 'Select this page' }).click();
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Revoke invitations…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke invitations' });
    await dialog.getByText('Nothing in this selection would change.').waitFor();
    await screenshot(page, 'bulk-revoke');
    await expectAccessible(page, 'the Revoke invitations dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });
});

describe('Delete', () => {
  it('deletes every search result after the preview, and the list empties (mouse, English, 1280 px; French 390 px screenshot)', async () => {
    const fr = await ui.newPage({ width: 390, height: 844 });
    await openIn(fr, 'fr', 'Leaver');
    await fr.getByRole('checkbox', { name: 'Sélectionner cette page' }).click();
    await fr.getByRole('button', { name: 'Actions sur la liste' }).click();
    await fr.getByRole('menuitem', { name: 'Supprimer…' }).click();
    await fr.getByRole('dialog', { name: 'Supprimer des profils' }).getByRole('button', { name: 'Supprimer 3 profils' }).waitFor();
    await screenshot(fr, 'fr-bulk-delete-390');
    await expectAccessible(fr, 'Supprimer des profils');
    await fr.keyboard.press('Escape');

    const page = await ui.newPage();
    await openIn(page, 'en', 'Leaver');
    await expect.poll(() => rowsOf(page, 'Profiles').count()).toBe(3);
    await page.getByRole('checkbox', { name: 'Select this page' }).click();
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete profiles' });
    await expect.poll(() => dialog.getByRole('row', { name: /Will be deleted/ }).textContent()).toBe('Will be deleted3');
    expect(await kit.prisma.profile.count({ where: { id: { in: ids.leave } } })).toBe(3);
    await screenshot(page, 'bulk-delete');
    await expectAccessible(page, 'the Delete dialog');
    await dialog.getByRole('button', { name: 'Delete 3 profiles' }).click();
    await page.getByText('3 profiles deleted.').waitFor();
    expect(await kit.prisma.profile.count({ where: { id: { in: ids.leave } } })).toBe(0);
    await page.getByText('No profile matches this search').waitFor();
  });
});

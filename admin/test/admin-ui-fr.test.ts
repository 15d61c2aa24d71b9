import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { KIT_ADMIN_PASSWORD, type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, screenshot, useBrowser } from './browser.ts';

// A French browser gets the admin UI in French (dates and numbers too), and
// the two everyday flows (create and invite one person; search, filter and invite them all) work in its words; the admin's choice
// of language is kept in the browser.

vi.setConfig({ testTimeout: 120_000 });

const kit = useTestKit();
const ui = useBrowser(kit, { locale: 'fr-FR' });
let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Parkings Dupont' });
  const [eng] = org.tags;
  await org.insertProfiles(1, { with: () => ({ firstName: 'Hélène', lastName: 'Rousseau' }) });
  await org.insertProfiles(60, { with: () => ({ tagIds: [eng!.id] }) });
  await org.insertProfiles(3, { with: () => ({ status: 'VALIDATED', tagIds: [eng!.id] }) });
}, 120_000);

const rowsOf = (page: Page) =>
  page
    .getByRole('table', { name: 'Profils' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

async function tick(box: Locator, checked: boolean) {
  await box.click();
  await expect.poll(() => box.isChecked()).toBe(checked);
}

async function signInFr(page: Page) {
  await page.goto('/admin/');
  await page.getByLabel('E-mail').fill(org.adminEmail);
  await page.getByLabel('Mot de passe').fill(KIT_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Profils', level: 1 }).waitFor();
}

describe('the admin UI in French', () => {
  it('recherche helene → fiche → Inviter → Confirmer: En attente, dates en français', async () => {
    const page = await ui.newPage();
    await signInFr(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await rowsOf(page).first().waitFor();
    await screenshot(page, 'fr-profiles');
    await expectAccessible(page, 'Profils');
    await page.getByRole('searchbox', { name: 'Rechercher' }).fill('helene');
    await page.getByRole('link', { name: 'Hélène Rousseau' }).click();
    await page.getByRole('heading', { name: 'Hélène Rousseau', level: 1 }).waitFor();
    await page.getByRole('main').getByText('Non invité', { exact: true }).waitFor();
    // Dates by the locale: "7 déc. 2026, 09:00".
    const created = page.locator('dt', { hasText: 'Créé' }).locator('xpath=following-sibling::dd[1]');
    expect(await created.textContent()).toMatch(/^\d{1,2} [a-zéû]+\.? 2026(,| à) \d\d:\d\d$/);

    await page.getByRole('button', { name: 'Inviter', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Inviter Hélène Rousseau ?' });
    await dialog.getByText(/Le lien est valable 72 heures\./).waitFor();
    await screenshot(page, 'fr-show-invite-confirm');
    await expectAccessible(page, 'la fenêtre Inviter');
    await dialog.getByRole('button', { name: 'Confirmer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('main').getByText('En attente', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Renvoyer l’invitation' }).waitFor();
    await page.getByText(/^Invitation envoyée à helene\./).waitFor();
    await screenshot(page, 'fr-show-pending');
    await page.getByRole('link', { name: '← Profils' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('helene');
  });

  it('Non invité + étiquette → tout sélectionner → Actions sur la liste → Inviter les utilisateurs → Confirmer', async () => {
    const page = await ui.newPage();
    await signInFr(page);
    await tick(page.getByRole('checkbox', { name: /^Non invité/ }), true);
    await page.getByRole('textbox', { name: 'Étiquette' }).click();
    await page.getByRole('option', { name: 'Engineering' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByText('1–50 sur 60 profils').count()).toBe(1);
    await page.getByRole('checkbox', { name: 'Validé (3)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Sélectionner cette page' }).check();
    await page.getByRole('button', { name: 'Sélectionner les 60 résultats de la recherche' }).click();
    await page.getByText('Les 60 résultats de la recherche sont sélectionnés.').waitFor();
    await page.getByRole('button', { name: 'Actions sur la liste' }).click();
    await page.getByRole('menuitem', { name: 'Inviter les utilisateurs' }).click();
    const dialog = page.getByRole('dialog', { name: 'Inviter les utilisateurs' });
    await dialog.getByRole('table', { name: 'Ce que l’invitation va faire' }).waitFor();
    await dialog.getByText('60 profils sélectionnés. Confirmez pour envoyer les e-mails d’invitation :').waitFor();
    await screenshot(page, 'fr-bulk-confirm');
    await expectAccessible(page, 'la confirmation groupée');
    await dialog.getByRole('button', { name: 'Confirmer' }).click();
    await dialog.getByText('Terminé.').waitFor();
    await dialog.getByRole('list', { name: 'Résumé' }).getByText('Invités : 60').waitFor();
    await screenshot(page, 'fr-bulk-summary');
    await dialog.getByRole('button', { name: 'Fermer', exact: true }).click();
    await page.getByText('Aucun profil ne correspond à cette recherche').waitFor();
    await page.getByRole('checkbox', { name: 'En attente (60)' }).waitFor();
    await page.getByText('Cochez des profils pour agir sur eux.').waitFor();
  });

  it('switches to English and keeps the choice; at 390 px the language is in the menu', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await signInFr(page);
    await rowsOf(page).first().waitFor();
    await screenshot(page, 'fr-profiles-390');
    await expectAccessible(page, 'Profils à 390 px');
    await page.getByRole('button', { name: 'Ouvrir le menu' }).click();
    await page.getByRole('textbox', { name: 'Langue' }).click();
    await page.getByRole('option', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.evaluate(() => localStorage.getItem('parkpass.admin.locale'))).toBe('en');
  });
});

import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, openSignedIn, screenshot, tabTo, useBrowser } from './browser.ts';

// Spreadsheets in the browser: a CSV import (a French Excel file: BOM, ";",
// accented French headers) previewed by the server's dry run, applied, then
// applied again; bad files refused with a message; the export of the search
// and of ticked rows, in the admin's language, formulas neutralised. With the
// mouse and with the keyboard, in English and French, at 1280 and 390 px.

vi.setConfig({ testTimeout: 180_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
let org: TestOrganization;
const GOOD = 600;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Tableurs SA' });
  // Two people already there: one the file leaves as it is, one it renames.
  const access = { tagIds: [org.tags[0]!.globalId], parkingLotIds: [org.lots[0]!.globalId] };
  await org.api.profilesUpsertRows([
    { externalId: 'E0', firstName: 'Prénom0', lastName: 'Old', email: 'p0@import.test', ...access },
    { externalId: 'E1', firstName: 'Prénom1', lastName: 'Nom1', email: 'p1@import.test', ...access },
  ]);
  // Names a spreadsheet would run as formulas, to export.
  await org.insertProfiles(1, { with: () => ({ firstName: '=HYPERLINK("http://evil.test")', lastName: '@SUM(A1)' }) });
}, 120_000);

/** A French Excel file: BOM, ";", accented French headers, 600 good rows and 3 bad ones. */
function frenchFile(): Buffer {
  const lines = ['Matricule;Prénom;Nom;Adresse e-mail;Téléphone;Étiquettes;Parkings'];
  for (let i = 0; i < GOOD; i++) lines.push(`E${i};Prénom${i};${i === 0 ? 'Nom0' : `Nom${i}`};p${i}@import.test;;Engineering;North lot`);
  lines.push('B1;Ann;Bad;not-an-email;;;', 'B2;=HYPERLINK("http://evil.test");Evil;evil@import.test;;;', 'B3;Tom;Tag;tom@import.test;;Nope;');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n'), 'utf8')]);
}

const fileInput = (page: Page) => page.locator('input[type=file]');
const counts = (page: Page) => page.getByTestId('import-counts');

async function openIn(page: Page, locale: 'en' | 'fr', path = '/admin/profiles') {
  await page.evaluate((l) => localStorage.setItem('parkpass.admin.locale', l), locale);
  await openSignedIn(page, org, path);
}

/** The file an export hands to the browser (the Blob behind its download link), as text. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  await page.evaluate(`(() => {
    window.__exported = null;
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob) => { window.__exported = blob; return create(blob); };
  })()`);
  await click();
  await page
    .waitForFunction(() => (window as unknown as { __exported: Blob | null }).__exported !== null, undefined, { timeout: 60_000 })
    .catch(async (error) => {
      throw new Error(`No file; the page says: ${await page.locator('.mantine-Notification-root').allTextContents()}`, { cause: error });
    });
  // Bytes, not blob.text(): that would drop the BOM.
  const bytes = (await page.evaluate('window.__exported.arrayBuffer().then((b) => [...new Uint8Array(b)])')) as number[];
  return Buffer.from(bytes).toString('utf8');
}

describe('CSV import', () => {
  it('previews a French Excel file on the server, applies exactly the preview, and a second apply changes nothing (mouse, English, 1280 px)', async () => {
    const page = await ui.newPage();
    await openIn(page, 'en');
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('heading', { name: 'Import profiles from a spreadsheet', level: 1 }).waitFor();
    await fileInput(page).setInputFiles({ name: 'salariés.csv', mimeType: 'text/csv', buffer: frenchFile() });
    await page.getByText(`salariés.csv: ${GOOD + 3} rows, separated by “;”.`).waitFor();
    // The columns, guessed from the French headers.
    for (const [field, header] of [
      ['External id (match key)', 'Matricule'],
      ['First name', 'Prénom'],
      ['Last name', 'Nom'],
      ['Email', 'Adresse e-mail'],
      ['Tags (names, separated by |)', 'Étiquettes'],
      ['Parking lots (names, separated by |)', 'Parkings'],
    ]) {
      expect(await page.getByRole('textbox', { name: field }).inputValue(), field).toBe(header);
    }
    const before = await kit.prisma.profile.count({ where: { organizationId: org.id } });
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => counts(page).textContent()).toBe(`${GOOD - 2} to create, 1 to update, 1 unchanged, 3 invalid.`);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(before);
    await page.getByText('Invalid rows', { exact: true }).click();
    const table = page.getByRole('table', { name: 'Rows of the file' });
    await table.getByText('Not a valid email address.').waitFor();
    await table.getByText('The “Prénom” cell is a formula: formulas are not imported.').waitFor();
    await table.getByText('No tag is named “Nope”.').waitFor();
    await screenshot(page, 'import-preview');
    await expectAccessible(page, 'the import preview');

    await page.getByRole('button', { name: `Apply: write ${GOOD - 1} rows` }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply the import?' });
    await dialog.getByText(`${GOOD - 2} profiles will be created and 1 updated.`, { exact: false }).waitFor();
    await screenshot(page, 'import-confirm');
    await expectAccessible(page, 'the apply dialog');
    await dialog.getByRole('button', { name: `Apply: write ${GOOD - 1} rows` }).click();
    await expect.poll(() => counts(page).textContent(), { timeout: 60_000 }).toBe(`${GOOD - 2} created, 1 updated, 1 unchanged, 3 invalid.`);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(before + GOOD - 2);
    expect((await kit.prisma.profile.findFirst({ where: { organizationId: org.id, externalId: 'E0' } }))?.lastName).toBe('Nom0');
    await screenshot(page, 'import-result');
    // The new ones can be invited at once, through the bulk invitation's Confirm step.
    await page.getByRole('button', { name: `Invite the ${GOOD - 2} new profiles` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    // The same file again: nothing to write.
    await page.getByRole('button', { name: 'Import another file' }).click();
    await fileInput(page).setInputFiles({ name: 'salariés.csv', mimeType: 'text/csv', buffer: frenchFile() });
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => counts(page).textContent()).toBe(`0 to create, 0 to update, ${GOOD} unchanged, 3 invalid.`);
    await page.getByText('Nothing to write: every row is unchanged or invalid.').waitFor();
  });

  it('refuses bad files with a message, and the page stays usable', async () => {
    const page = await ui.newPage();
    await openIn(page, 'en', '/admin/profiles/import');
    const refusal = page.getByRole('alert');
    const cases: [string, Buffer, RegExp][] = [
      ['photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), /This is not a CSV file/],
      ['huge.csv', Buffer.alloc(50 * 1024 * 1024, 'a,b\n'), /This file is 50 MB: files up to 10 MB are accepted/],
      ['many.csv', Buffer.from(`a,b\n${'x,y\n'.repeat(200_000)}`), /more than 50,000 rows/],
      ['latin1.csv', Buffer.from('Prénom,Nom\nHélène,Rousseau\n', 'latin1'), /not UTF-8 text/],
      ['list.csv', Buffer.from('just one column\nand another line\n'), /does not look like a CSV table/],
      ['empty.csv', Buffer.alloc(0), /This file is empty/],
    ];
    for (const [name, buffer, message] of cases) {
      // Playwright hands a buffer of 50 MB or more over as a file only.
      const file = path.join(tmpdir(), `parkpass-${process.pid}-${name}`);
      writeFileSync(file, buffer);
      await fileInput(page).setInputFiles(file);
      await expect.poll(() => refusal.textContent(), { timeout: 30_000, message: name }).toMatch(message);
      unlinkSync(file);
      // Never frozen: the page answers at once.
      expect(await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame((t) => resolve(t))))).toBeGreaterThan(0);
    }
    await screenshot(page, 'import-refused');
    await expectAccessible(page, 'a refused file');
  });

  it('imports with the keyboard only, in French, at 390 px', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openIn(page, 'fr');
    await tabTo(page, 'Importer un CSV');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Importer des profils depuis un tableur', level: 1 }).waitFor();
    await tabTo(page, /Fichier CSV/);
    // The file itself is chosen in the system's dialog, outside the page.
    await fileInput(page).setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('First name,Last name,Email\nZoé,Keyboard,zoe.keyboard@import.test\n'),
    });
    await page.getByText('people.csv : 1 ligne, séparées par « , ».').waitFor();
    await tabTo(page, 'Aperçu');
    await page.keyboard.press('Enter');
    await expect.poll(() => counts(page).textContent()).toBe('1 à créer, 0 à mettre à jour, 0 inchangée, 0 invalide.');
    // The "Afficher" choices fit the phone's width (none cut off at the edge).
    const choices = page.getByRole('radiogroup', { name: 'Afficher' });
    for (const name of ['Toutes les lignes', 'Lignes qui changent', 'Lignes invalides']) {
      const box = await choices.getByText(name, { exact: true }).boundingBox();
      expect(box!.x + box!.width, `"${name}" inside 390 px`).toBeLessThanOrEqual(390);
    }
    await screenshot(page, 'fr-import-preview-390');
    await expectAccessible(page, "l'aperçu");
    await tabTo(page, 'Appliquer : écrire 1 ligne');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Appliquer l’import ?' });
    await dialog.waitFor();
    await screenshot(page, 'fr-import-confirm-390');
    // The focus starts on Cancel; Tab reaches Apply.
    await tabTo(page, 'Appliquer : écrire 1 ligne');
    await page.keyboard.press('Enter');
    await expect.poll(() => counts(page).textContent(), { timeout: 30_000 }).toBe('1 créé, 0 mis à jour, 0 inchangé, 0 invalide.');
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, email: 'zoe.keyboard@import.test' } })).toBe(1);
    await screenshot(page, 'fr-import-result-390');
  });
});

describe('Invite by email from the list', () => {
  it('creates and invites in one step through the Confirm step (mouse, English, 1280 px), and refuses a taken address next to its field', async () => {
    const page = await ui.newPage();
    await openIn(page, 'en');
    await page.getByRole('button', { name: 'Invite by email' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a profile and invite them' });
    await dialog.getByRole('textbox', { name: 'First name' }).fill('Inès');
    await dialog.getByRole('textbox', { name: 'Last name' }).fill('Martin');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('p1@import.test');
    await dialog.getByText('Inès Martin will be created and receive an invitation at p1@import.test.').waitFor();
    await expectAccessible(page, 'the Invite by email dialog');
    await dialog.getByRole('button', { name: 'Create and invite' }).click();
    await dialog.getByText(/already/i).waitFor();
    await dialog.getByRole('textbox', { name: 'Email' }).fill('ines.martin@import.test');
    expect(await dialog.getByText(/already/i).count()).toBe(0);
    await screenshot(page, 'create-and-invite');
    await dialog.getByRole('button', { name: 'Create and invite' }).click();
    await page.getByRole('heading', { name: 'Inès Martin', level: 1 }).waitFor();
    await expect
      .poll(async () => (await kit.prisma.profile.findFirst({ where: { organizationId: org.id, email: 'ines.martin@import.test' } }))?.status)
      .toBe('PENDING');
  });

  it('opens with the keyboard in French at 390 px, starts on Annuler, and Escape closes it', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openIn(page, 'fr');
    await tabTo(page, 'Inviter par e-mail');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Créer un profil et l’inviter' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Annuler');
    await screenshot(page, 'fr-create-and-invite-390');
    await expectAccessible(page, 'Inviter par e-mail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});

describe('CSV export', () => {
  it('exports every match of the search (more than one page), formulas neutralised, headers in English (mouse, 1280 px)', async () => {
    const page = await ui.newPage();
    await openIn(page, 'en');
    const total = await kit.prisma.profile.count({ where: { organizationId: org.id } });
    expect(total).toBeGreaterThan(500);
    const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.startsWith('\uFEFFExternal id,First name,Last name,Email,Phone,Status,Parking lots,Tags,Payment methods,Created\r\n')).toBe(true);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(total + 1);
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.test"")",'@SUM(A1),`);
    expect(csv).toContain('E5,Prénom5,Nom5,p5@import.test,,Not invited,North lot,Engineering,,');
    await page.getByText(`${total} profiles exported to profiles-`).waitFor();
  });

  it('exports the ticked rows from List actions, in French (keyboard, 390 px)', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await openIn(page, 'fr');
    await page.getByRole('searchbox', { name: 'Rechercher' }).fill('Nom5');
    const rows = page
      .getByRole('table', { name: 'Profils' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell') });
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    await expectAccessible(page, 'la liste à 390 px');
    const ticked = 2;
    for (let i = 0; i < ticked; i++) {
      const box = rows.nth(i).getByRole('checkbox');
      await box.click();
      await expect.poll(() => box.isChecked()).toBe(true);
    }
    await tabTo(page, 'Actions sur la liste', { backwards: true });
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Exporter' }).waitFor();
    await screenshot(page, 'fr-list-actions-export-390');
    const csv = await downloaded(page, async () => {
      await page.getByRole('menuitem', { name: 'Exporter' }).focus();
      await page.keyboard.press('Enter');
    });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('\uFEFFIdentifiant externe;Prénom;Nom;E-mail;Téléphone;Statut;Parkings;Étiquettes;Moyens de paiement;Créé le');
    expect(lines).toHaveLength(ticked + 1);
    expect(lines[1]).toMatch(/;Non invité;North lot;Engineering;;\d{4}-\d\d-\d\d$/);
  });
});

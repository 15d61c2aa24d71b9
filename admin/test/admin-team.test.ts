import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, focusInDialog, openSignedIn, screenshot, tabTo, useBrowser } from './browser.ts';

// Settings → Admins: invite by email, the join page where the person chooses
// their password, role change (each role described), ownership handed over;
// and the audit trail, filtered by who. Mouse and keyboard, axe, 1280 and
// 390 px, English and French.

vi.setConfig({ testTimeout: 180_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Dupont Parking' });
}, 120_000);

/** The join link's path and fragment in the latest email to an address. */
async function joinPath(address: string): Promise<string> {
  await kit.runJobs();
  const text = kit.emailsTo(address).at(-1)?.TextBody ?? '';
  const match = /\/admin\/join[^\s#]*#token=[A-Za-z0-9_-]+/.exec(text);
  if (!match) throw new Error(`No join link in the email to ${address}.`);
  return match[0];
}

async function useFrench(page: Page) {
  await page.evaluate(() => localStorage.setItem('parkpass.admin.locale', 'fr'));
}

const PASSWORD = 'a long and fine password';

describe('the admin team, as an owner clicks it', () => {
  it('Invite admin → the email → the join page: the person chooses a password and is signed in with the role given', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/settings/admins');
    await page.getByRole('table', { name: 'Admins' }).waitFor();
    await expectAccessible(page, 'Settings → Admins');
    await page.getByRole('button', { name: 'Invite admin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite admin' });
    await dialog.getByLabel('Name').fill('Nora Blum');
    await dialog.getByLabel('Email').fill('nora@team.test');
    await dialog.getByRole('textbox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Admin', exact: true }).click();
    await dialog.getByText('Manages profiles, invitations (also in bulk), API keys and the organization settings.').waitFor();
    await expectAccessible(page, 'the Invite admin dialog');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to nora@team.test.').waitFor();
    const waiting = page.getByRole('table', { name: 'Invitations waiting' });
    await waiting.getByRole('row', { name: /Nora Blum/ }).waitFor();
    await page.getByRole('heading', { name: 'What each role may do' }).waitFor();
    await screenshot(page, 'admins');

    const path = await joinPath('nora@team.test');
    await page.evaluate(() => localStorage.clear());
    await page.goto(path);
    await page.getByRole('heading', { name: 'Join the admin team', level: 1 }).waitFor();
    await page.getByText(/Nora Blum, Dupont Parking invites you to its admin team as Admin/).waitFor();
    await expectAccessible(page, 'the join page');
    await screenshot(page, 'join');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('button', { name: 'Join' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /password/i })
      .waitFor();
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    await page
      .getByText('nora@team.test · Admin')
      .or(page.getByText(/nora@team\.test/))
      .first()
      .waitFor();

    // The link works once.
    await page.evaluate(() => localStorage.clear());
    await page.goto(path);
    await page.getByText('This invitation was already accepted. Sign in with your email and password.').waitFor();
  });

  it('with the keyboard: change a role, then hand the organization over (Confirm step), and the Admins tab closes to the former owner', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/settings/admins');
    await page
      .getByRole('table', { name: 'Admins' })
      .getByRole('row', { name: /Nora Blum/ })
      .waitFor();
    await tabTo(page, 'Role of Nora Blum');
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'Manager' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByText('Nora Blum is Manager now.').waitFor();

    // The last owner cannot step down: the refusal is said in words.
    await page.getByRole('textbox', { name: /^Role of Admin \d+$/ }).click();
    await page.getByRole('option', { name: 'Viewer' }).click();
    await page.getByRole('alert').filter({ hasText: 'last owner' }).waitFor();

    await tabTo(page, 'Hand ownership over to Nora Blum');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Hand the organization over to Nora Blum?' });
    await dialog.waitFor();
    expect(await focusInDialog(page)).toBe(true);
    await expectAccessible(page, 'the hand-over dialog');
    await screenshot(page, 'admins-transfer');
    await tabTo(page, 'Make owner');
    await page.keyboard.press('Enter');
    await page.getByText('Nora Blum is an owner now.').waitFor();
    await page
      .getByText(/The Admin role may not/)
      .or(page.getByRole('alert'))
      .first()
      .waitFor();
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id, role: 'OWNER' } })).toBe(1);
  });

  it('the audit trail lists who did what, each entry leading to what it touched, filtered by who', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/audit');
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByText(/^Handed ownership over to Nora Blum/).waitFor();
    await table.getByText(/accepted the invitation and joined the admin team as ADMIN/).waitFor();
    await expectAccessible(page, 'the audit trail');
    await screenshot(page, 'audit');
    await page.getByRole('textbox', { name: 'Who' }).click();
    await page
      .getByRole('option', { name: 'The invited person' })
      .or(page.getByRole('option', { name: /^Admin \d+$/ }))
      .first()
      .click();
    await expect.poll(() => page.url()).toContain('actor=');
    await table.getByText(/^Handed ownership over to Nora Blum/).waitFor();
    await expect.poll(() => table.getByText(/accepted the invitation/).count()).toBe(0);
    await table.getByRole('link', { name: 'Admins' }).first().click();
    await expect.poll(() => page.url()).toMatch(/\/admin\/settings\/admins$/);
  });
});

/** The words inside `selector` that the layout cut across two lines (a line may end after a space or a hyphen, or between an email's parts). */
function wordsCutAcrossLines(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const cut: string[] = [];
    for (const element of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        let lineTop: number | null = null;
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width === 0) continue;
          if (lineTop !== null && Math.abs(rect.top - lineTop) > 2 && !/[\s-]/.test(text[i - 1] ?? ' ')) cut.push(`${text.slice(0, i)}|${text.slice(i)}`);
          lineTop = rect.top;
        }
      }
    }
    return cut;
  }, selector);
}

describe('the admin team in French, on a phone (390 px)', () => {
  it('Administrateurs, la page pour rejoindre l’équipe et le journal d’audit, en français, sans défaut d’accessibilité', async () => {
    const french = await kit.createOrganization({ name: 'Parkings Martin' });
    const page = await ui.newPage({ width: 390, height: 844 });
    await useFrench(page);
    await openSignedIn(page, french, '/admin/settings/admins');
    await page.getByRole('table', { name: 'Administrateurs' }).waitFor();
    await page.getByRole('button', { name: 'Inviter un administrateur' }).click();
    const dialog = page.getByRole('dialog', { name: 'Inviter un administrateur' });
    await dialog.getByLabel('Nom').fill('Léa Martin');
    await dialog.getByLabel('E-mail').fill('lea@equipe.test');
    await dialog.getByText('Gère les profils et les invite un par un.').waitFor();
    await expectAccessible(page, 'Inviter un administrateur à 390 px');
    await dialog.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await page.getByText('Invitation envoyée à lea@equipe.test.').waitFor();
    await page
      .getByRole('table', { name: 'Invitations en attente' })
      .getByRole('row', { name: /Léa Martin/ })
      .waitFor();
    await page.getByRole('heading', { name: 'Ce que chaque rôle permet' }).waitFor();
    // The notice closes by itself; axe reads the page as it then stays.
    await page.getByText('Invitation envoyée à lea@equipe.test.').waitFor({ state: 'hidden' });
    await expectAccessible(page, 'Administrateurs à 390 px');
    // Emails wrap only between their parts (after "@" or a dot) and headers stay whole: no word is cut across two lines.
    expect(await wordsCutAcrossLines(page, '.team-table .email, .team-table th')).toEqual([]);
    await screenshot(page, 'fr-admins-390');

    const path = await joinPath('lea@equipe.test');
    expect(kit.emailsTo('lea@equipe.test').at(-1)?.Subject).toBe('Join the admin team of Parkings Martin in Parkpass');
    await page.evaluate(() => localStorage.removeItem('parkpass.admin.session'));
    await page.goto(path);
    await page.getByRole('heading', { name: 'Rejoindre l’équipe d’administration', level: 1 }).waitFor();
    await expectAccessible(page, 'la page pour rejoindre l’équipe à 390 px');
    await screenshot(page, 'fr-join-390');
    await page.getByLabel(/^Mot de passe/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Rejoindre' }).click();
    await page.getByRole('heading', { name: 'Profils', level: 1 }).waitFor();

    await openSignedIn(page, french, '/admin/audit');
    await page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Événements d’audit' })
      .getByText(/joined the admin team as MANAGER/)
      .waitFor();
    await expectAccessible(page, 'le journal d’audit à 390 px');
    await screenshot(page, 'fr-audit-390');
  });
});

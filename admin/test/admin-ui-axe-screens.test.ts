import { IntlMessageFormat } from 'intl-messageformat';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EN, type MessageId } from '../src/i18n/messages.en.ts';
import { FR } from '../src/i18n/messages.fr.ts';
import { globalId, type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, focusedName, openSignedIn, screenshot, tabTo, useBrowser } from './browser.ts';

// The newer screens, walked as admin-ui-axe.test.ts walks the first ones:
// Invitations (each view, each row action and its dialog), Bulk invitations
// and one run, the List actions dialogs with their dry runs, the CSV import
// and Invite by email, the audit trail, Settings → Admins (invite, role,
// hand-over, a waiting invitation) and the join page. Every page, menu and
// dialog at 1280 and 390 px, light and dark, in English and in French: axe
// finds nothing serious; a dialog closed with Escape gives the focus back to
// what opened it; a French page shows no English word of the UI and writes
// its dates and numbers the French way. The light walks leave screenshots.

vi.setConfig({ testTimeout: 300_000 });

const kit = useTestKit();
const ui = useBrowser(kit);

type Locale = 'en' | 'fr';
const MESSAGES: Record<Locale, Record<string, string>> = { en: EN, fr: FR };

/** A message of the UI as the page shows it. */
function say(locale: Locale, id: MessageId, values?: Record<string, string | number>): string {
  return new IntlMessageFormat(MESSAGES[locale][id]!, locale).format(values) as string;
}

const HOUR = 3_600_000;
let org: TestOrganization;
const ids: Record<string, string> = {};
let joinPath = '';
/** The people who get a link to hand over, one a walk. */
let lous: string[] = [];

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Walk Parking' });
  const now = kit.clock.now().getTime();
  const people = [
    ['Alice', 'Open', 48],
    ['Bella', 'Soon', 2],
    ['Boris', 'Bounce', 30],
    ['Eve', 'Expired', -5],
    ['Rita', 'Revoked', 40],
  ] as const;
  const made = await org.insertProfiles(people.length, {
    with: (i) => ({ firstName: people[i]![0], lastName: people[i]![1], invitationExpiresAt: new Date(now + people[i]![2] * HOUR) }),
  });
  for (const [i, id] of made.entries()) ids[people[i]![0]] = id;
  const latest = async (name: string) => (await kit.prisma.profile.findUniqueOrThrow({ where: { id: ids[name]! } })).latestInvitationId!;
  await kit.prisma.invitation.update({ where: { id: await latest('Boris') }, data: { deliveryState: 'BOUNCED', deliveryUpdatedAt: kit.clock.now() } });
  await kit.prisma.invitation.update({ where: { id: await latest('Rita') }, data: { revokedAt: kit.clock.now() } });

  // A bulk invitation that skipped someone.
  const [vera] = await org.insertProfiles(1, { with: () => ({ firstName: 'Vera', lastName: 'Validated', status: 'VALIDATED' }) });
  const [nina] = await org.insertProfiles(1, { with: () => ({ firstName: 'Nina', lastName: 'New', tagIds: [org.tags[0]!.id] }) });
  // One person a walk gets a link to hand over (a second new invitation within minutes would be too soon).
  const links = await org.insertProfiles(8, {
    with: (i) => ({ firstName: 'Lou', lastName: `Link${'ABCDEFGH'[i % 8]}`, invitationExpiresAt: new Date(now + 60 * HOUR) }),
  });
  lous = (await kit.prisma.profile.findMany({ where: { id: { in: links } } })).map((lou) => `${lou.firstName} ${lou.lastName}`);
  const run = await org.admin.profilesInviteCounts({ profileIds: [globalId('Profile', vera!), globalId('Profile', nina!)] });
  expect(run.__typename).toBe('ProfilesInvitePayload');

  // The team: another admin to change and hand over to, and an invitation waiting.
  await kit.prisma.admin.create({
    data: { organizationId: org.id, email: `nora@${org.adminEmail.split('@')[1]}`, name: 'Nora Blum', role: 'ADMIN', passwordHash: 'not used' },
  });
  expect((await org.admin.adminInvite({ name: 'Léa Martin', email: 'lea@walk.test', role: 'MANAGER' })).__typename).toBe('AdminInvitationPayload');
  await kit.runJobs();
  const text = kit.emailsTo('lea@walk.test').at(-1)?.TextBody ?? '';
  joinPath = /\/admin\/join[^\s#]*#token=[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
  expect(joinPath).not.toBe('');
}, 120_000);

/** The UI's English sentences that French says otherwise (two words or more, no placeholder): none may show on a French page. */
const ENGLISH_ONLY = Object.entries(EN)
  .filter(([id, en]) => !en.includes('{') && /\S\s+\S/.test(en) && FR[id as MessageId] !== en)
  .map(([, en]) => en);

/** On a French page: no English sentence of the UI, no English date ("Dec 7, 2026") or number ("1,000"). What the server writes in English (audit summaries, a run's selection) is marked lang="en" and left out. */
async function expectFrench(page: Page, what: string) {
  const text = await page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    for (const english of clone.querySelectorAll('[lang="en"]')) english.remove();
    return clone.textContent ?? '';
  });
  expect(
    ENGLISH_ONLY.filter((en) => text.includes(en)),
    `English on ${what}`,
  ).toEqual([]);
  expect(text, `an English date on ${what}`).not.toMatch(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}/);
  expect(text, `an English number on ${what}`).not.toMatch(/\b\d{1,3},\d{3}\b/);
}

const WALKS = (['en', 'fr'] as const).flatMap((locale) =>
  (['light', 'dark'] as const).flatMap((scheme) => [1280, 390].map((width) => ({ locale, scheme, width }))),
);

describe('accessibility of the newer screens', () => {
  for (const [walk, { locale, scheme, width }] of WALKS.entries()) {
    it(`${locale}, ${scheme}, ${width} px`, async () => {
      const narrow = width < 768;
      const t = (id: MessageId, values?: Record<string, string | number>) => say(locale, id, values);
      const page = await ui.newPage({ width, height: narrow ? 844 : 860 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate((l) => localStorage.setItem('parkpass.admin.locale', l), locale);

      /** axe, French words and dates in French, a screenshot in the light scheme (`name` as in docs/screenshots). */
      const check = async (what: string, shot?: string) => {
        const where = `${what} (${locale}, ${scheme}, ${width} px)`;
        await expectAccessible(page, where);
        if (locale === 'fr') await expectFrench(page, where);
        if (shot && scheme === 'light') await screenshot(page, `${locale === 'fr' ? 'fr-' : ''}${shot}${narrow ? '-390' : ''}`);
      };
      /** Unfolds a menu or a list of options with `opener`, checks it once `shown` is there, and folds it with Escape. */
      const unfolded = async (what: string, opener: Locator, shown: Locator, shot?: string) => {
        await opener.click();
        await shown.waitFor();
        await check(what, shot);
        await page.keyboard.press('Escape');
      };
      /**
       * Opens a dialog with the button `opener` (then the `item` of the menu it unfolds, if any),
       * checks it (after `ready`), closes it with Escape, and the focus is back on `opener`.
       */
      const dialog = async (
        what: string,
        name: string,
        opener: string,
        { item, ready, shot }: { item?: MessageId; ready?: () => Promise<void>; shot?: string } = {},
      ) => {
        await page.getByRole('button', { name: opener }).click();
        if (item) await page.getByRole('menuitem', { name: t(item) }).click();
        const box = page.getByRole('dialog', { name });
        await box.waitFor();
        await ready?.();
        await check(`${what} (dialog)`, shot);
        await page.keyboard.press('Escape');
        await box.waitFor({ state: 'hidden' });
        await expect.poll(() => focusedName(page)).toBe(opener);
      };
      const viaMenu = async (link: string) => {
        if (narrow) await page.getByRole('button', { name: t('app.openMenu') }).click();
        await page
          .getByRole('navigation', { name: t('app.mainMenu') })
          .getByRole('link', { name: link, exact: true })
          .click();
      };

      await openSignedIn(page, await org.newOwner());

      // Invitations: every view.
      await viaMenu(t('app.invitations'));
      await page.getByRole('heading', { name: t('invitations.title'), level: 1 }).waitFor();
      const views = [
        ['OPEN', 'Alice Open', 'invitations'],
        ['EXPIRING_SOON', 'Bella Soon', 'invitations-expiring'],
        ['EXPIRED', 'Eve Expired', 'invitations-expired'],
        ['UNDELIVERABLE', 'Boris Bounce', 'invitations-bounced'],
        ['REVOKED', 'Rita Revoked', 'invitations-revoked'],
      ] as const;
      for (const [view, someone, shot] of views) {
        await page.getByRole('tab', { name: t(`invitations.view.${view}`) }).click();
        await page
          .getByRole('table', { name: t(`invitations.view.${view}`) })
          .getByRole('link', { name: someone })
          .waitFor();
        await check(`Invitations › ${view}`, shot);
      }

      // A row's actions: its menu, then each dialog.
      await page.getByRole('tab', { name: t('invitations.view.UNDELIVERABLE') }).click();
      const actions = t('invitations.actionsFor', { name: 'Boris Bounce' });
      await unfolded(
        'the actions menu of an invitation',
        page.getByRole('button', { name: actions }),
        page.getByRole('menuitem', { name: t('invitations.fixAndResend') }),
      );
      await dialog('Fix the address and send again', t('invitations.resendTitle', { name: 'Boris Bounce' }), actions, {
        item: 'invitations.fixAndResend',
        ready: async () => {
          await page.getByRole('dialog').getByRole('textbox').first().fill('boris.fixed@example.test');
          await page.getByRole('dialog').getByText('boris.fixed@example.test', { exact: false }).first().waitFor();
        },
        shot: 'invitations-fix-address',
      });
      await dialog('Revoke an invitation', t('invitations.revokeTitle', { name: 'Boris Bounce' }), actions, {
        item: 'invitations.revoke',
        shot: 'invitations-revoke',
      });
      // The link: made (a new invitation without email: the person stays open), copied, shown as QR code.
      await page.getByRole('tab', { name: t('invitations.view.OPEN') }).click();
      const lou = lous[walk]!;
      const louActions = t('invitations.actionsFor', { name: lou });
      await dialog('A link to hand over', t('invitations.linkTitle', { name: lou }), louActions, {
        item: 'invitations.link',
        ready: async () => {
          await check('A link to hand over, before it is made');
          const box = page.getByRole('dialog');
          await box.getByRole('button', { name: t('invitations.linkConfirm') }).click();
          await box.getByRole('button', { name: t('invitations.copy') }).click();
          await box.getByRole('status').getByText(t('invitations.copied')).waitFor();
          await box.getByRole('button', { name: t('invitations.showQr') }).click();
          await box.getByRole('img', { name: t('invitations.qrAlt', { name: lou }) }).waitFor();
        },
        shot: 'invitations-link-qr',
      });

      // Bulk invitations and one run.
      await page.getByRole('link', { name: t('invitations.bulkLink') }).click();
      await page.getByRole('heading', { name: t('bulkRuns.title'), level: 1 }).waitFor();
      const runs = page.getByRole('table', { name: t('bulkRuns.table') });
      await runs.getByText(t('bulkRuns.state.COMPLETED'), { exact: true }).first().waitFor();
      await check('Bulk invitations', 'bulk-invitations');
      await unfolded('Bulk invitations, Started by unfolded', page.getByRole('textbox', { name: t('bulkRuns.who') }), page.getByRole('option').first());
      await runs.getByRole('link').first().click();
      await page
        .getByRole('table', { name: t('bulkRun.skippedTable') })
        .getByText('Vera Validated')
        .waitFor();
      await check('a bulk invitation', 'bulk-invitation');

      // List actions and their dry runs.
      await viaMenu(t('app.profiles'));
      await page
        .getByRole('table', { name: t('profiles.title') })
        .getByRole('link', { name: 'Alice Open' })
        .waitFor();
      await page.getByRole('checkbox', { name: t('profiles.selectPage') }).check();
      const listActions = t('profiles.listActions');
      await unfolded(
        'the List actions menu',
        page.getByRole('button', { name: listActions }),
        page.getByRole('menuitem', { name: t('profiles.setAccess') }),
        'list-actions',
      );
      const counted = (row: MessageId) => async () => {
        await expect
          .poll(() =>
            page
              .getByRole('dialog')
              .getByRole('row', { name: new RegExp(t(row)) })
              .textContent(),
          )
          .toMatch(/\d$/);
      };
      await dialog('Set access and tags', t('bulkAccess.title'), listActions, {
        item: 'profiles.setAccess',
        ready: async () => {
          await page
            .getByRole('dialog')
            .getByRole('textbox', { name: t('bulkAccess.addTags') })
            .click();
          await page.getByRole('option', { name: org.tags[1]!.name }).click();
          await page.keyboard.press('Escape'); // the option list, not the dialog
          await counted('bulkAccess.willChange')();
        },
        shot: 'bulk-access',
      });
      await dialog('Revoke invitations', t('bulkRevoke.title'), listActions, {
        item: 'profiles.revokeInvitations',
        ready: counted('bulkRevoke.willRevoke'),
        shot: 'bulk-revoke',
      });
      await dialog('Delete', t('bulkDelete.title'), listActions, {
        item: 'profiles.deleteSelected',
        ready: counted('bulkDelete.willDelete'),
        shot: 'bulk-delete',
      });
      await dialog('Invite by email', t('createInvite.title'), t('createInvite.open'), { shot: 'create-and-invite' });

      // The CSV import, to its Confirm step (nothing written).
      await page.getByRole('link', { name: t('import.open') }).click();
      await page.getByRole('heading', { name: t('import.title'), level: 1 }).waitFor();
      await check('Import CSV', 'import');
      await page.locator('input[type=file]').setInputFiles({
        name: 'people.csv',
        mimeType: 'text/csv',
        // The file's own headers show on the page: a French admin's file has French ones.
        buffer: Buffer.from(`${locale === 'fr' ? 'Prénom;Nom;E-mail' : 'First name;Last name;Email'}\nZoé;Walk;zoe.walk@import.test\nAnn;Bad;not-an-email\n`),
      });
      await page.getByRole('button', { name: t('import.dryRun') }).click();
      await page.getByTestId('import-counts').getByText(/1/).waitFor();
      await check('the import preview', 'import-preview');
      const apply = t('import.apply', { count: 1 });
      await dialog('Apply the import', t('import.applyTitle'), apply, { shot: 'import-confirm' });

      // The audit trail.
      await viaMenu(t('app.audit'));
      await page.getByRole('heading', { name: t('audit.title'), level: 1 }).waitFor();
      await page
        .getByRole('table', { name: t('audit.table') })
        .getByRole('row')
        .nth(1)
        .waitFor();
      await check('the audit trail', 'audit');
      await unfolded('the audit trail, Who unfolded', page.getByRole('textbox', { name: t('audit.who') }), page.getByRole('option').first());

      // Settings › Admins.
      await page.goto('/admin/settings/admins');
      const admins = page.getByRole('table', { name: t('admins.table') });
      await admins.getByRole('row', { name: /Nora Blum/ }).waitFor();
      await page
        .getByRole('table', { name: t('team.invitationsTitle') })
        .getByRole('row', { name: /Léa Martin/ })
        .waitFor();
      await check('Settings › Admins', 'admins');
      await dialog('Invite admin', t('team.invite'), t('team.invite'));
      await unfolded(
        'the role of an admin, unfolded',
        page.getByRole('textbox', { name: t('team.roleOf', { name: 'Nora Blum' }) }),
        page.getByRole('option').first(),
      );
      await dialog('Hand the organization over', t('team.transferTitle', { name: 'Nora Blum' }), t('team.transferTo', { name: 'Nora Blum' }), {
        shot: 'admins-transfer',
      });
      await dialog('Revoke an admin invitation', t('team.revokeTitle', { email: 'lea@walk.test' }), t('team.revokeFor', { email: 'lea@walk.test' }));

      // The join page, signed out.
      await page.context().clearCookies();
      await page.goto(joinPath);
      await page.getByRole('heading', { name: t('join.title'), level: 1 }).waitFor();
      await check('the join page', 'join');
    });
  }
});

describe('the newer screens with the keyboard only', () => {
  it('Invitations: a view by the arrow keys, Fix the address opened and left with Escape, Revoke confirmed with Space; the focus comes back to Actions', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/invitations');
    await tabTo(page, 'Open');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('table', { name: 'Bounced or reported' }).getByRole('link', { name: 'Boris Bounce' }).waitFor();
    expect(new URL(page.url()).search).toBe('?view=undeliverable');
    const actions = 'Actions for Boris Bounce';
    await tabTo(page, actions);
    // Opened with the keyboard, the menu starts on its first item.
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(page)).toBe('Fix the address and send again');
    await page.keyboard.press('Enter');
    const fix = page.getByRole('dialog', { name: 'Send Boris Bounce a new invitation' });
    await fix.waitFor();
    // A Confirm step starts on its safe action; Shift+Tab reaches the address.
    await expect.poll(() => focusedName(page)).toBe('Cancel');
    await tabTo(page, /^Email address/, { backwards: true });
    await page.keyboard.type('x');
    await tabTo(page, 'Cancel');
    await page.keyboard.press('Escape');
    await fix.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe(actions);

    await page.keyboard.press('Enter');
    await page.getByRole('menuitem').first().waitFor();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedName(page)).toBe('Revoke');
    await page.keyboard.press('Enter');
    const revoke = page.getByRole('dialog', { name: 'Revoke the invitation of Boris Bounce?' });
    await revoke.waitFor();
    expect(await focusedName(page)).toBe('Cancel');
    await tabTo(page, 'Revoke');
    await page.keyboard.press('Space');
    await revoke.waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: 'Revoked' }).click();
    await page.getByRole('table', { name: 'Revoked' }).getByRole('link', { name: 'Boris Bounce' }).waitFor();
  });

  it('Settings › Admins: Invite admin opens on its first field and Escape gives the focus back; in French at 390 px the audit trail filters by who', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, await org.newOwner(), '/admin/settings/admins');
    await page
      .getByRole('table', { name: 'Admins' })
      .getByRole('row', { name: /Nora Blum/ })
      .waitFor();
    await tabTo(page, 'Invite admin');
    await page.keyboard.press('Enter');
    const invite = page.getByRole('dialog', { name: 'Invite admin' });
    await invite.waitFor();
    await expect.poll(() => focusedName(page)).toMatch(/^Name/);
    await page.keyboard.type('Kim Keys');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toMatch(/^Email/);
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toMatch(/^Name/);
    await page.keyboard.press('Escape');
    await invite.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe('Invite admin');

    const phone = await ui.newPage({ width: 390, height: 844 });
    await phone.evaluate(() => localStorage.setItem('parkpass.admin.locale', 'fr'));
    await openSignedIn(phone, await org.newOwner(), '/admin/audit');
    await phone.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
    await tabTo(phone, 'Qui');
    await phone.keyboard.press('ArrowDown');
    await phone.getByRole('option').first().waitFor();
    // The first option is "Tout le monde"; the next one a person.
    await phone.keyboard.press('ArrowDown');
    await phone.keyboard.press('Enter');
    await expect.poll(() => new URL(phone.url()).searchParams.has('actor')).toBe(true);
    await tabTo(phone, 'Effacer les filtres');
    await phone.keyboard.press('Enter');
    await expect.poll(() => new URL(phone.url()).searchParams.has('actor')).toBe(false);
  });
});

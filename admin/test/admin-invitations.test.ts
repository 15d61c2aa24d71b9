import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { globalId, type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, focusedName, focusInDialog, openSignedIn, screenshot, tabTo, useBrowser } from './browser.ts';

// Invitations (open, expiring soon, expired, bounced or reported, revoked),
// each row's actions (fix the address and send again, revoke, a link as text
// or QR code), the bulk invitations with their live progress and skipped
// profiles, and the audit trail's links to them. Mouse and keyboard, axe,
// 1280 and 390 px, English and French.

vi.setConfig({ testTimeout: 180_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
let org: TestOrganization;
const HOUR = 3_600_000;
const ids: Record<string, string> = {};

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Invitations SARL' });
  const now = kit.clock.now().getTime();
  const people = [
    ['Alice', 'Open', 48],
    ['Bella', 'Soon', 2],
    ['Boris', 'Bounce', 30],
    ['Eve', 'Expired', -5],
    ['Hugo', 'Soon', 3],
  ] as const;
  const made = await org.insertProfiles(people.length, {
    with: (i) => ({ firstName: people[i]![0], lastName: people[i]![1], invitationExpiresAt: new Date(now + people[i]![2] * HOUR) }),
  });
  for (const [i, id] of made.entries()) ids[people[i]![0]] = id;
  const boris = await kit.prisma.profile.findUniqueOrThrow({ where: { id: ids.Boris! } });
  await kit.prisma.invitation.update({ where: { id: boris.latestInvitationId! }, data: { deliveryState: 'BOUNCED', deliveryUpdatedAt: kit.clock.now() } });
}, 120_000);

async function useFrench(page: Page) {
  await page.evaluate(() => localStorage.setItem('parkpass.admin.locale', 'fr'));
}

const latestOf = async (name: string) => {
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: ids[name]! }, include: { latestInvitation: true } });
  return profile.latestInvitation!;
};

describe('Invitations, with the mouse at 1280 px', () => {
  it('lists each view from the main menu; the bounced one gets a fixed address and a new invitation', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org);
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Invitations' }).click();
    await page.getByRole('heading', { name: 'Invitations', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/invitations');
    const open = page.getByRole('table', { name: 'Open' });
    // Newest first (the earliest expiry was sent first).
    await expect.poll(async () => (await open.getByRole('link').allTextContents()).join(', ')).toBe('Alice Open, Boris Bounce, Hugo Soon, Bella Soon');
    await expectAccessible(page, 'Invitations');
    await screenshot(page, 'invitations');

    await page.getByRole('tab', { name: 'Expiring soon' }).click();
    expect(new URL(page.url()).search).toBe('?view=expiring_soon');
    await expect
      .poll(async () => (await page.getByRole('table', { name: 'Expiring soon' }).getByRole('link').allTextContents()).join(', '))
      .toBe('Hugo Soon, Bella Soon');
    await page.getByRole('tab', { name: 'Expired' }).click();
    await page.getByRole('table', { name: 'Expired' }).getByRole('link', { name: 'Eve Expired' }).waitFor();

    await page.getByRole('tab', { name: 'Bounced or reported' }).click();
    const bounced = page.getByRole('table', { name: 'Bounced or reported' });
    await bounced
      .getByRole('row', { name: /Boris Bounce/ })
      .getByText('Email bounced')
      .waitFor();
    await bounced.getByRole('button', { name: 'Actions for Boris Bounce' }).click();
    await page.getByRole('menuitem', { name: 'Fix the address and send again' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send Boris Bounce a new invitation' });
    await dialog.getByLabel('Email address').fill('boris.fixed@example.test');
    await dialog.getByText(/The address changes from .* to boris\.fixed@example\.test/).waitFor();
    await expectAccessible(page, 'the Fix the address dialog');
    await screenshot(page, 'invitations-fix-address');
    await dialog.getByRole('button', { name: 'Save and send' }).click();
    await page.getByText('Invitation sent to boris.fixed@example.test.').waitFor();
    await bounced.getByText('No email bounced or was reported.').waitFor();
    const latest = await latestOf('Boris');
    expect(latest).toMatchObject({ email: 'boris.fixed@example.test', revokedAt: null, acceptedAt: null });
    // The old address's invitation was closed by the address change (the server's rule).
    expect(await kit.prisma.invitation.count({ where: { profileId: ids.Boris!, revokedAt: { not: null } } })).toBe(1);
    await kit.runJobs();
    expect(kit.emailsTo('boris.fixed@example.test')).toHaveLength(1);
  });

  it('revokes an open invitation through the Confirm step; it shows under Revoked', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/invitations');
    await page.getByRole('button', { name: 'Actions for Alice Open' }).click();
    await page.getByRole('menuitem', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the invitation of Alice Open?' });
    expect(await focusedName(page)).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Open' }).getByRole('link', { name: 'Alice Open' }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Revoked' }).click();
    await page.getByRole('table', { name: 'Revoked' }).getByRole('link', { name: 'Alice Open' }).waitFor();
    expect((await latestOf('Alice')).revokedAt).not.toBeNull();
  });

  it('hands a link over: made without email, copied ("Copied"), shown as a QR code with the link as text', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/invitations?view=expired');
    await page.getByRole('button', { name: 'Actions for Eve Expired' }).click();
    await page.getByRole('menuitem', { name: 'Get a link to hand over' }).click();
    const dialog = page.getByRole('dialog', { name: 'A link for Eve Expired' });
    await dialog.getByRole('button', { name: 'Make the link' }).click();
    const link = dialog.getByLabel('Invitation link');
    await expect.poll(() => link.inputValue()).toMatch(/#token=[A-Za-z0-9_-]{20,}$/);
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByRole('status').getByText('Copied').waitFor();
    await dialog.getByRole('button', { name: 'Show as QR code' }).click();
    const qr = dialog.getByRole('img', { name: 'QR code of the invitation link for Eve Expired' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    await expectAccessible(page, 'the link dialog with its QR code');
    await screenshot(page, 'invitations-link-qr');
    // A new invitation without email, its link the one shown.
    const latest = await latestOf('Eve');
    expect(latest.deliveryState).toBe('NO_EMAIL');
    await kit.runJobs();
    expect(kit.emailsTo(latest.email)).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('table', { name: 'Expired' }).getByText('No expired invitation.').waitFor();
  });
});

describe('Invitations with the keyboard only, in French, at 390 px', () => {
  it('menu → Invitations → Expirent bientôt → Actions → a link, copied and shown as QR code; Escape closes it', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await useFrench(page);
    await openSignedIn(page, org);
    await tabTo(page, 'Ouvrir le menu');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Invitations');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Invitations', level: 1 }).waitFor();
    await tabTo(page, 'Ouvertes');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('table', { name: 'Expirent bientôt' }).getByRole('link', { name: 'Bella Soon' }).waitFor();
    await expectAccessible(page, 'Invitations à 390 px');
    await screenshot(page, 'fr-invitations-390');
    await tabTo(page, 'Actions pour Bella Soon');
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Obtenir un lien à remettre' }).waitFor();
    for (let i = 0; i < 5 && (await focusedName(page)) !== 'Obtenir un lien à remettre'; i++) await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe('Obtenir un lien à remettre');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Un lien pour Bella Soon' });
    await dialog.waitFor();
    expect(await focusedName(page)).toBe('Annuler');
    await tabTo(page, 'Créer le lien');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Copier le lien');
    await page.keyboard.press('Enter');
    await dialog.getByRole('status').getByText('Copié').waitFor();
    await tabTo(page, 'Afficher en QR code');
    await page.keyboard.press('Enter');
    const qr = dialog.getByRole('img', { name: 'QR code du lien d’invitation de Bella Soon' });
    await qr.waitFor();
    expect(await focusInDialog(page)).toBe(true);
    const box = await qr.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'le lien et son QR code à 390 px');
    await screenshot(page, 'fr-invitations-link-390');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Her new invitation expires in 72 hours: she left this tab, and the focus is back on the page, outside any dialog.
    await page.getByRole('table', { name: 'Expirent bientôt' }).getByRole('link', { name: 'Bella Soon' }).waitFor({ state: 'detached' });
    expect(await focusInDialog(page)).toBe(false);
    expect((await latestOf('Bella')).deliveryState).toBe('NO_EMAIL');
  });
});

describe('Bulk invitations', () => {
  it('lists each run with who, when, its counts and live progress; filters by who; opens its skipped profiles; the audit trail links to it', async () => {
    const [validated] = await org.insertProfiles(1, { with: () => ({ firstName: 'Vera', lastName: 'Validated', status: 'VALIDATED' }) });
    const [fresh] = await org.insertProfiles(1, { with: () => ({ firstName: 'Nina', lastName: 'New' }) });
    const admin = await kit.prisma.admin.findUniqueOrThrow({ where: { id: org.adminId } });
    const page = await ui.newPage();
    await openSignedIn(page, org, '/admin/invitations');
    await page.getByRole('link', { name: 'Bulk invitations →' }).click();
    await page.getByRole('heading', { name: 'Bulk invitations', level: 1 }).waitFor();
    await page.getByText('No bulk invitation').waitFor();

    // Started elsewhere (the API) while the page is open: the row appears on reload and follows the run live.
    const started = await org.admin.profilesInviteCounts({ profileIds: [globalId('Profile', validated!), globalId('Profile', fresh!)] });
    expect(started.__typename).toBe('ProfilesInvitePayload');
    await page.reload();
    const table = page.getByRole('table', { name: 'Bulk invitations' });
    const row = table.getByRole('row').filter({ hasText: admin.name });
    await row.waitFor();
    await kit.runJobs();
    await row.getByText('Done', { exact: true }).waitFor();
    await row.getByText('1 invited · 1 skipped · 0 sent · 0 failed').or(row.getByText('1 invited · 1 skipped · 1 sent · 0 failed')).waitFor();
    await expectAccessible(page, 'Bulk invitations');
    await screenshot(page, 'bulk-invitations');

    // By who: the admin who started it, then nobody else's.
    await page.getByRole('textbox', { name: 'Started by' }).click();
    await page.getByRole('option', { name: admin.name }).click();
    expect(new URL(page.url()).searchParams.get('who')).toBe(globalId('Admin', org.adminId));
    await page.getByText('1 bulk invitation', { exact: true }).waitFor();
    await page.getByLabel('From').fill('2000-01-01');
    await page.getByLabel('Until').fill('2000-01-02');
    await page.getByText('No bulk invitation').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();

    await table.getByRole('row').filter({ hasText: admin.name }).getByRole('link').click();
    await page.getByRole('heading', { name: /^Bulk invitation of / }).waitFor();
    const skipped = page.getByRole('table', { name: 'Skipped profiles' });
    await skipped
      .getByRole('row', { name: /Vera Validated/ })
      .getByText('already validated')
      .waitFor();
    await page.getByText('1 profile skipped').waitFor();
    await expectAccessible(page, 'a bulk invitation');
    await screenshot(page, 'bulk-invitation');

    // The audit trail's entry leads to it.
    await page.goto('/admin/audit');
    await page.getByRole('link', { name: 'Bulk invitation', exact: true }).first().click();
    await page.getByRole('heading', { name: /^Bulk invitation of / }).waitFor();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(
      `/admin/bulk-invitations/${(started as { bulkInvitation: { id: string } }).bulkInvitation.id}`,
    );
  });

  it('in French at 390 px, with the keyboard: the list, its filters and a run', async () => {
    const [someone] = await org.insertProfiles(1, { with: () => ({ firstName: 'Paul', lastName: 'Clavier' }) });
    expect((await org.admin.profilesInviteCounts({ profileIds: [globalId('Profile', someone!)] })).__typename).toBe('ProfilesInvitePayload');
    await kit.runJobs();
    const page = await ui.newPage({ width: 390, height: 844 });
    await useFrench(page);
    await openSignedIn(page, org, '/admin/bulk-invitations');
    await page.getByRole('heading', { name: 'Invitations groupées', level: 1 }).waitFor();
    await page
      .getByText(/invités · .* ignorés/)
      .first()
      .waitFor();
    await expectAccessible(page, 'Invitations groupées à 390 px');
    await screenshot(page, 'fr-bulk-invitations-390');
    await tabTo(page, /^\d{1,2} .* \d{4}/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Invitation groupée du / }).waitFor();
    // The newest run (Paul's) skipped nobody.
    await page.getByRole('heading', { name: 'Aucun profil ignoré' }).waitFor();
    await page.getByText('1 invités · 0 ignorés', { exact: false }).waitFor();
    await expectAccessible(page, 'une invitation groupée à 390 px');
    await screenshot(page, 'fr-bulk-invitation-390');
  });
});

describe('Show at 390 px', () => {
  it('fits the phone: nothing wider than the screen, the actions wrap', async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await useFrench(page);
    await openSignedIn(page, org, `/admin/profiles/${encodeURIComponent(globalId('Profile', ids.Hugo!))}`);
    await page.getByRole('heading', { name: 'Hugo Soon', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Historique des invitations' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'Show à 390 px');
    await screenshot(page, 'fr-show-390');
  });
});

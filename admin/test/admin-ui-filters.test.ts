import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { expectAccessible, openSignedIn, screenshot, useBrowser } from './browser.ts';

// The Profiles list's filters beyond the first ones: every tag (not any), the
// email's delivery, the days invited, expiring, created and accepted, each order
// the API offers, and "Clear filters" — each in the URL, each checked against
// what the list shows.

vi.setConfig({ testTimeout: 90_000 });

const kit = useTestKit();
const ui = useBrowser(kit);

let org: TestOrganization;

/** A never-invited profile with these tags; its email is `<letter>@…`, so that the order by email differs from the order by name. */
async function person(name: [string, string], letter: string, tagIds: string[]) {
  const [id] = await org.insertProfiles(1, { with: () => ({ firstName: name[0], lastName: name[1], tagIds }) });
  await kit.prisma.profile.update({ where: { id: id! }, data: { email: `${letter}@filters.test` } });
}

/** A pending profile invited at `invitedAt`, its invitation expiring at `expiresAt` with its email in `delivery`. */
async function invited(name: [string, string], letter: string, invitedAt: string, expiresAt: string, delivery: 'DELIVERED' | 'BOUNCED') {
  const [id] = await org.insertProfiles(1, { with: () => ({ firstName: name[0], lastName: name[1], invitationExpiresAt: new Date(expiresAt) }) });
  const profile = await kit.prisma.profile.update({ where: { id: id! }, data: { invitedAt: new Date(invitedAt), email: `${letter}@filters.test` } });
  await kit.prisma.invitation.update({ where: { id: profile.latestInvitationId! }, data: { deliveryState: delivery, email: profile.email } });
}

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Filters Parking' });
  const [engineering, sales] = org.tags;
  await person(['Alice', 'Both'], 'c', [engineering!.id, sales!.id]);
  await person(['Bruno', 'Engineer'], 'e', [engineering!.id]);
  await person(['Carla', 'Seller'], 'a', [sales!.id]);
  await invited(['Dana', 'Early'], 'd', '2026-10-10T12:00:00Z', '2027-01-10T12:00:00Z', 'DELIVERED');
  await invited(['Eve', 'Late'], 'b', '2026-11-20T12:00:00Z', '2027-02-20T12:00:00Z', 'BOUNCED');
}, 120_000);

const namesShown = async (page: Page) => (await page.getByRole('table', { name: 'Profiles' }).getByRole('link').allTextContents()).map((name) => name.trim());

/** The list shows these names in this order (`first`: only its first rows are checked; the others tie, in the order of their ids). */
async function expectNames(page: Page, names: string[], { first = false } = {}) {
  await expect.poll(async () => (await namesShown(page)).slice(0, first ? names.length : undefined)).toEqual(names);
}

async function pick(page: Page, label: string, option: string) {
  // Once a choice is made, its pill covers the (read-only) input: the click goes to the field around it.
  await page.getByRole('textbox', { name: label }).click({ force: true });
  await page.getByRole('option', { name: option }).click();
  await page.keyboard.press('Escape');
}

describe('the Profiles filters', () => {
  it('tags: any of them by default, every one of them with "Has all these tags"', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org);
    await expectNames(page, ['Alice Both', 'Dana Early', 'Bruno Engineer', 'Eve Late', 'Carla Seller']);
    const [engineering, sales] = org.tags;
    await pick(page, 'Tag', engineering!.name);
    await pick(page, 'Tag', sales!.name);
    await expectNames(page, ['Alice Both', 'Bruno Engineer', 'Carla Seller']);
    await page.getByRole('checkbox', { name: 'Has all these tags' }).check();
    await expectNames(page, ['Alice Both']);
    expect(new URL(page.url()).searchParams.get('tags')).toBe('all');
    await page.reload();
    await expectNames(page, ['Alice Both']);
    await expect.poll(() => page.getByRole('checkbox', { name: 'Has all these tags' }).isChecked()).toBe(true);
  });

  it("the email's delivery, and the days invited and expiring (both ends included)", async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org);
    await pick(page, 'Email delivery', 'Email bounced');
    await expectNames(page, ['Eve Late']);
    await pick(page, 'Email delivery', 'Email delivered');
    await expectNames(page, ['Dana Early', 'Eve Late']);
    await screenshot(page, 'profiles-filters-delivery');
    await expectAccessible(page, 'the Profiles page with the delivery filter');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Invited from').fill('2026-10-10');
    await page.getByLabel('Invited until').fill('2026-11-19');
    await expectNames(page, ['Dana Early']);
    await page.getByLabel('Invited until').fill('2026-11-20');
    await expectNames(page, ['Dana Early', 'Eve Late']);
    expect(new URL(page.url()).searchParams.get('invitedTo')).toBe('2026-11-20');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Invitation expires from').fill('2027-02-01');
    await expectNames(page, ['Eve Late']);
    await page.getByLabel('Invitation expires until').fill('2027-02-19');
    await expectNames(page, []);
    await page.getByText('No profile matches this search').waitFor();
  });

  it('orders by each column the API orders by, and "Clear filters" keeps the order and page size', async () => {
    const page = await ui.newPage();
    await openSignedIn(page, org);
    const orderBy = async (label: string, names: string[], options?: { first: boolean }) => {
      await pick(page, 'Sort by', label);
      await expectNames(page, names, options);
    };
    await orderBy('Email (Z–A)', ['Bruno Engineer', 'Dana Early', 'Alice Both', 'Eve Late', 'Carla Seller']);
    await orderBy('Email (A–Z)', ['Carla Seller', 'Eve Late', 'Alice Both', 'Dana Early', 'Bruno Engineer']);
    await orderBy('Invited most recently', ['Eve Late', 'Dana Early'], { first: true });
    await orderBy('Invitation expiring soonest', ['Dana Early', 'Eve Late'], { first: true });
    await orderBy('Status (not invited first)', ['Alice Both', 'Bruno Engineer', 'Carla Seller', 'Dana Early', 'Eve Late']);
    await pick(page, 'Per page', '25');
    await page.getByRole('searchbox', { name: 'Search' }).fill('e');
    await pick(page, 'Email delivery', 'Email bounced');
    await page.getByLabel('Invited from').fill('2026-01-01');
    await expectNames(page, ['Eve Late']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectNames(page, ['Alice Both', 'Bruno Engineer', 'Carla Seller', 'Dana Early', 'Eve Late']);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ sort: 'STATUS_ASC', size: '25' });
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('');
    await expect.poll(() => page.getByLabel('Invited from').inputValue()).toBe('');
    await expect.poll(() => page.getByRole('button', { name: 'Clear filters' }).count()).toBe(0);
  });

  it('the days created and accepted (both ends included), with the Status counts of the same profiles, in the URL and cleared', async () => {
    const dates = await kit.createOrganization({ name: 'Dates Parking' });
    const people: [string, string, string, string | null][] = [
      ['Gil', 'Ancien', '2026-09-01T12:00:00Z', '2026-09-10T12:00:00Z'],
      ['Ivo', 'Milieu', '2026-10-15T12:00:00Z', '2026-11-20T12:00:00Z'],
      ['Hana', 'Recente', '2026-11-02T12:00:00Z', null],
    ];
    for (const [firstName, lastName, createdAt, acceptedAt] of people) {
      const [id] = await dates.insertProfiles(1, { with: () => ({ firstName, lastName, ...(acceptedAt ? { status: 'VALIDATED' as const } : {}) }) });
      await kit.prisma.profile.update({ where: { id: id! }, data: { createdAt: new Date(createdAt), validatedAt: acceptedAt && new Date(acceptedAt) } });
    }
    const page = await ui.newPage();
    await openSignedIn(page, dates);
    await expectNames(page, ['Gil Ancien', 'Ivo Milieu', 'Hana Recente']);

    await page.getByLabel('Created from').fill('2026-10-15');
    await expectNames(page, ['Ivo Milieu', 'Hana Recente']);
    await page.getByRole('checkbox', { name: 'Validated (1)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Not invited (1)' }).waitFor();
    await page.getByLabel('Created until').fill('2026-10-15');
    await expectNames(page, ['Ivo Milieu']);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ createdFrom: '2026-10-15', createdTo: '2026-10-15' });
    await page.getByText('1–1 of 1 profile').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectNames(page, ['Gil Ancien', 'Ivo Milieu', 'Hana Recente']);
    await page.getByLabel('Accepted from').fill('2026-09-10');
    await page.getByLabel('Accepted until').fill('2026-11-19');
    await expectNames(page, ['Gil Ancien']);
    await page.getByLabel('Accepted until').fill('2026-11-20');
    await expectNames(page, ['Gil Ancien', 'Ivo Milieu']);
    await page.getByRole('checkbox', { name: 'Validated (2)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Not invited (0)' }).waitFor();
    expect(new URL(page.url()).searchParams.get('acceptedTo')).toBe('2026-11-20');
    await page.reload();
    await expectNames(page, ['Gil Ancien', 'Ivo Milieu']);
    await expect.poll(() => page.getByLabel('Accepted from').inputValue()).toBe('2026-09-10');
    await expectAccessible(page, 'the Profiles page with the accepted days');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectNames(page, ['Gil Ancien', 'Ivo Milieu', 'Hana Recente']);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({});
    await expect.poll(() => page.getByLabel('Accepted until').inputValue()).toBe('');
  }, 180_000);

  it('reads in French too (photographed in both languages)', async () => {
    const page = await ui.newPage();
    const [engineering, sales] = org.tags;
    const filtered = `/admin/profiles?tag=${encodeURIComponent(engineering!.globalId)}&tag=${encodeURIComponent(sales!.globalId)}&tags=all`;
    await openSignedIn(page, org, filtered);
    await expectNames(page, ['Alice Both']);
    await screenshot(page, 'profiles-filters');
    await page.evaluate(() => localStorage.setItem('parkpass.admin.locale', 'fr'));
    await page.reload();
    await page.getByRole('checkbox', { name: 'A toutes ces étiquettes' }).waitFor();
    await page.getByRole('textbox', { name: 'Invité à partir du' }).waitFor();
    await page.getByRole('textbox', { name: 'Créé à partir du' }).waitFor();
    await page.getByRole('textbox', { name: 'Accepté jusqu’au' }).waitFor();
    await page.getByRole('table', { name: 'Profils' }).getByRole('link', { name: 'Alice Both' }).waitFor();
    await screenshot(page, 'fr-profiles-filters');
    await expectAccessible(page, 'the Profiles filters in French');
    await page.evaluate(() => localStorage.removeItem('parkpass.admin.locale'));
  });
});

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestOrganization, useTestKit } from '../../server/test/kit.ts';
import { openSignedIn, useBrowser } from './browser.ts';

// Smaller things a person met: Copy says it copied, a notice never covers Sign
// out, and the person's language is on Show and in the Invite dialog (the
// email goes out in it).

vi.setConfig({ testTimeout: 90_000 });

const kit = useTestKit();
const ui = useBrowser(kit);

let org: TestOrganization;

beforeAll(async () => {
  org = await kit.createOrganization({ name: 'Details Parking' });
  const [id] = await org.insertProfiles(1, { with: () => ({ firstName: 'Élodie', lastName: 'Français' }) });
  await kit.prisma.profile.update({ where: { id: id! }, data: { locale: 'FR' } });
}, 120_000);

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
    await openSignedIn(page, org, '/admin/settings/api-keys');
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
});

import { describe, expect, it, vi } from 'vitest';
import { useBrowser } from '../../admin/test/browser.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';

// The accept page in a real browser (the Chromium of @sparticuz/chromium, as
// the admin UI's tests): a French person sees it in French, whatever the
// browser's language, accepts, and asks for a new link once it expired.

vi.setConfig({ testTimeout: 90_000 });

const kit = useTestKit();
const ui = useBrowser(kit);
const HOUR = 3_600_000;

async function frenchPerson(org: TestOrganization, firstName: string) {
  const [id] = await org.insertProfiles(1, { with: () => ({ firstName }) });
  await kit.prisma.profile.update({ where: { id: id! }, data: { locale: 'FR' } });
  const invited = await org.api.profileInvite(id!);
  expect(invited.__typename).toBe('ProfileInvitePayload');
  await kit.runJobs();
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
  return { email: profile.email, token: kit.tokenOf(kit.emailsTo(profile.email)[0]!) };
}

describe('the accept page in a browser', () => {
  it('shows a French person a French page, even from a link without ?lang= in an English browser, and confirms the account', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', name: 'Parkings Dupont' });
    const person = await frenchPerson(org, 'Hélène');
    const page = await ui.newPage();
    await page.goto(`/accept#token=${person.token}`);
    await page.getByText('Bonjour Hélène, Parkings Dupont vous invite sur Parkpass.').waitFor();
    expect(new URL(page.url()).searchParams.get('lang')).toBe('fr');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('#expires').textContent()).toMatch(/^Ce lien est valable jusqu’au [a-z]+ \d{1,2} [a-zéû]+ 2026 à \d\d:\d\d UTC\.$/);
    await page.getByLabel('Choisissez votre mot de passe').fill('un mot de passe assez long');
    await page.getByLabel('Saisissez-le à nouveau').fill('un mot de passe assez long');
    await page.getByRole('button', { name: 'Confirmer mon compte' }).click();
    await page.getByRole('heading', { name: 'Compte confirmé' }).waitFor();
    expect(await page.locator('#success-message').textContent()).toBe(
      'Bienvenue, Hélène ! Votre compte chez Parkings Dupont est prêt. Téléchargez l’application et connectez-vous :',
    );
  });

  it('offers "send me a new link" on an expired invitation, in French, and the new link arrives', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', name: 'Parkings Martin' });
    const person = await frenchPerson(org, 'Zoé');
    kit.clock.advance(73 * HOUR);
    const page = await ui.newPage();
    await page.goto(`/accept?lang=fr#token=${person.token}`);
    await page.getByRole('heading', { name: 'Cette invitation a expiré' }).waitFor();
    await page.getByRole('button', { name: 'M’envoyer un nouveau lien' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Merci. Si cette invitation peut être renouvelée');
    await kit.runJobs();
    const emails = kit.emailsTo(person.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.Subject).toBe('Parkings Martin vous invite sur Parkpass : confirmez votre compte');
    expect(kit.tokenOf(emails[1]!)).not.toBe(person.token);
  });
});

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../database/paths.ts';
import { globalId, type TestOrganization, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';
import { LANGUAGE_TAGS, LOCALES } from './locales.ts';
import { CATALOGS } from './messages.ts';

// Emails and the accept page in the invited person's language: the profile's
// locale, else the organization's default; dates in that language and the
// organization's time zone.

const kit = useTestKit();
const HOUR = 3_600_000;
const PASSWORD = 'un mot de passe assez long';

async function person(org: TestOrganization, locale?: 'EN' | 'FR', firstName = 'Hélène') {
  const [id] = await org.insertProfiles(1, { with: () => ({ firstName }) });
  if (locale) {
    const updated = await org.api.profileLocaleUpdate(globalId('Profile', id!), locale);
    expect(expectTypename(updated, 'ProfilePayload').profile.locale).toBe(locale);
  }
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
  return { id: id!, globalId: globalId('Profile', id!), email: profile.email };
}

/** Invites a profile (database id) as the organization's API key, and delivers the email. */
async function inviteAndDeliver(org: TestOrganization, profileId: string) {
  const response = await org.api.profileInvite(profileId);
  expect(response.__typename).toBe('ProfileInvitePayload');
  await kit.runJobs();
}

describe("the invitee's language", () => {
  it('a French profile receives the invitation, the reminder and the app email in French, dates in the organization time zone', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', name: 'Parkings Dupont' });
    const settings = expectTypename(await org.api.organizationLanguageUpdate({ timeZone: 'europe/paris' }), 'OrganizationPayload');
    expect(settings.organization).toEqual({ timeZone: 'Europe/Paris', defaultLocale: 'EN' });
    const start = kit.clock.now();
    const french = await person(org, 'FR');
    await inviteAndDeliver(org, french.id);

    const [invitation] = kit.emailsTo(french.email);
    expect(invitation!.Subject).toBe('Parkings Dupont vous invite sur Parkpass : confirmez votre compte');
    expect(invitation!.TextBody).toContain('Bonjour Hélène,');
    // 72 hours after 09:00 UTC on 26 November 2026 is 10:00 in Paris (UTC+1) on Sunday the 29th.
    expect(start.toISOString()).toBe('2026-11-26T09:00:00.000Z');
    expect(invitation!.TextBody).toContain('expire le dimanche 29 novembre 2026 à 10:00 UTC+1.');
    expect(invitation!.HtmlBody).toContain('<html lang="fr">');
    expect(invitation!.HtmlBody).toContain('Confirmer mon compte');
    expect(invitation!.TextBody).toMatch(new RegExp(`${TEST_PUBLIC_URL}/accept\\?lang=fr#token=[A-Za-z0-9_-]{43}`));

    kit.clock.advance(48 * HOUR + 60_000);
    await kit.prisma.$executeRaw`SELECT graphile_worker.add_job('queue-invitation-reminders', '{}'::json)`;
    await kit.runJobs();
    const reminder = kit.emailsTo(french.email)[1]!;
    expect(reminder.Subject).toBe('Rappel : votre invitation de Parkings Dupont expire dans 23 heures');
    expect(reminder.TextBody).toContain('C’est le seul rappel que vous recevrez.');
    expect(reminder.TextBody).toContain('dimanche 29 novembre 2026 à 10:00 UTC+1');

    const accepted = await kit.anonymous.invitationAccept(kit.tokenOf(reminder), PASSWORD);
    expect(accepted.__typename).toBe('InvitationAcceptPayload');
    await kit.runJobs();
    const app = kit.emailsTo(french.email)[2]!;
    expect(app.Subject).toBe('Votre compte Parkpass est prêt : téléchargez l’application');
    expect(app.TextBody).toContain('Cherchez « Parkpass » dans la boutique d’applications de votre téléphone.');
  });

  it("speaks the organization's default language to profiles without one, and each profile's own otherwise", async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', name: 'Société Générale des Parkings' });
    const changed = expectTypename(await org.api.organizationLanguageUpdate({ defaultLocale: 'FR' }), 'OrganizationPayload');
    expect(changed.organization.defaultLocale).toBe('FR');
    const byDefault = await person(org, undefined, 'Zoé');
    const english = await person(org, 'EN', 'Zoe');
    await inviteAndDeliver(org, byDefault.id);
    await inviteAndDeliver(org, english.id);
    expect(kit.emailsTo(byDefault.email)[0]!.TextBody).toContain('Bonjour Zoé,');
    expect(kit.emailsTo(english.email)[0]!.Subject).toBe('Société Générale des Parkings invites you to Parkpass: confirm your account');
    expect(kit.emailsTo(english.email)[0]!.TextBody).toMatch(/expires on [A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ 2026 at \d\d:\d\d UTC\./);

    const locale = (token: string) => kit.anonymous.invitationLocale(token);
    expect(await locale(kit.tokenOf(kit.emailsTo(byDefault.email)[0]!))).toEqual({ locale: 'FR', timeZone: 'UTC' });
    expect(await locale(kit.tokenOf(kit.emailsTo(english.email)[0]!))).toEqual({ locale: 'EN', timeZone: 'UTC' });

    const invalid = await org.api.organizationLanguageUpdate({ timeZone: 'Mars/Olympus_Mons' });
    expect(invalid).toEqual({ __typename: 'InvalidInput', path: ['input', 'timeZone'] });
  });

  it('serves the accept page in the language of the link, else of the browser, with every text of the catalog', async () => {
    const page = async (query: string, headers: Record<string, string> = {}) => {
      const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/accept${query}`, { headers });
      return { language: response.headers.get('content-language'), html: await response.text() };
    };
    const french = await page('?lang=fr');
    expect(french.language).toBe('fr');
    expect(french.html).toContain('<html lang="fr">');
    expect(french.html).toContain('<title>Parkpass · Confirmez votre compte</title>');
    expect(french.html).toContain('Choisissez votre mot de passe');
    expect(french.html).toContain('Bonjour <span data-slot="firstName"></span>, <span data-slot="organizationName"></span> vous invite sur Parkpass.');
    expect(french.html).toContain('M’envoyer un nouveau lien');
    expect(french.html).toContain('Au moins 12 caractères (au plus 128)');
    expect(french.html).not.toContain('Create your password');

    expect((await page('', { 'accept-language': 'de-DE, fr-CA;q=0.8, en;q=0.5' })).language).toBe('fr');
    expect((await page('', { 'accept-language': 'de-DE' })).language).toBe('en');
    const english = await page('?lang=xx', { 'accept-language': 'en-US' });
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('Send me a new link');
  });

  it('has every template and message in every language, and every message is valid ICU', () => {
    const templates = (tag: string) => readdirSync(path.join(rootDir, 'server/email/templates', tag)).sort();
    for (const locale of LOCALES) {
      expect(templates(LANGUAGE_TAGS[locale])).toEqual(templates('en'));
      expect(Object.keys(CATALOGS[locale]).sort()).toEqual(Object.keys(CATALOGS.EN).sort());
      for (const text of Object.values(CATALOGS[locale])) expect(() => new IntlMessageFormat(text, LANGUAGE_TAGS[locale])).not.toThrow();
    }
    expect(templates('en')).toHaveLength(8); // invitation, reminder, app download, admin invitation × HTML, text
  });
});

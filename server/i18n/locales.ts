import Negotiator from 'negotiator';
import type { Locale } from '../generated/prisma/enums.ts';

// The languages Parkpass speaks to invited people (emails, the accept page).
// A profile's own locale wins; without one, its organization's default. Dates
// are formatted with Intl in that language and the organization's time zone.

export type { Locale };

export const LOCALES = ['EN', 'FR'] as const satisfies readonly Locale[];

/** The BCP 47 language tag of each locale (HTML lang, the accept link's ?lang=). */
export const LANGUAGE_TAGS: Record<Locale, string> = { EN: 'en', FR: 'fr' };

/** The locale Intl formats dates and plurals with (British English: day before month, 24-hour clock, as in France). */
const FORMATTING_TAGS: Record<Locale, string> = { EN: 'en-GB', FR: 'fr-FR' };

export const DEFAULT_LOCALE: Locale = 'EN';

export function formattingTag(locale: Locale): string {
  return FORMATTING_TAGS[locale];
}

/** The language a person is spoken to in. */
export function effectiveLocale(profileLocale: Locale | null | undefined, organizationDefault: Locale): Locale {
  return profileLocale ?? organizationDefault;
}

/** The locale of a language tag ("fr", "fr-CA", "EN"), or null when Parkpass does not speak it. */
export function localeOfTag(tag: string | null | undefined): Locale | null {
  const language = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((locale) => LANGUAGE_TAGS[locale] === language) ?? null;
}

/** The best of our locales for an Accept-Language header (negotiator, as Express uses), else the default. */
export function negotiateLocale(acceptLanguage: string | null): Locale {
  const tag = new Negotiator({ headers: { 'accept-language': acceptLanguage ?? '' } }).language(LOCALES.map((locale) => LANGUAGE_TAGS[locale]));
  return localeOfTag(tag) ?? DEFAULT_LOCALE;
}

/**
 * How a date and time are written to a person: "Sunday 29 November 2026 at
 * 10:00 CET", "dimanche 29 novembre 2026 à 10:00 UTC+1". The same options are
 * handed to the accept page's script, so the page and the emails agree.
 */
export const DATE_TIME_OPTIONS = {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
} as const satisfies Intl.DateTimeFormatOptions;

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  const key = `${locale} ${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(formattingTag(locale), { ...DATE_TIME_OPTIONS, timeZone });
    dateTimeFormats.set(key, format);
  }
  return format.format(date);
}

/** The canonical name of an IANA time zone ("europe/paris" → "Europe/Paris"), or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

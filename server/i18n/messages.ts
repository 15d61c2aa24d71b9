import { IntlMessageFormat } from 'intl-messageformat';
import { formattingTag, type Locale } from './locales.ts';

// The short texts Parkpass writes to invited people, per locale, as ICU
// messages (FormatJS' intl-messageformat: plurals, named arguments, rich
// parts). Email bodies are whole templates per language
// (server/email/templates/<lang>/); these are their subjects and the accept
// page. French must have every English key (the type says so).

const EN = {
  'email.invitation.subject': '{organizationName} invites you to Parkpass: confirm your account',
  'email.adminInvitation.subject': 'Join the admin team of {organizationName} in Parkpass',
  'email.adminInvitation.someone': 'An owner',
  'role.OWNER': 'owner',
  'role.ADMIN': 'admin',
  'role.MANAGER': 'manager',
  'role.VIEWER': 'viewer',
  'email.reminder.subject': 'Reminder: your invitation from {organizationName} expires {timeLeft}',
  'email.appDownload.subject': 'Your Parkpass account is ready: download the app',
  'email.timeLeft': '{hours, plural, =0 {in less than an hour} one {in # hour} other {in # hours}}',

  'page.title': 'Parkpass · Confirm your account',
  'page.loading': 'Checking your invitation…',
  'page.greeting': 'Hello {firstName}, {organizationName} invites you to Parkpass.',
  'page.expires': 'This link works until {expiresAt}.',
  'page.passwordLabel': 'Create your password',
  'page.passwordPolicy': 'At least {min} characters (at most {max}), not your email address, and not one character repeated.',
  'page.confirmLabel': 'Type it again',
  'page.submit': 'Confirm my account',
  'page.successTitle': 'Account confirmed',
  'page.success': 'Welcome, {firstName}! Your account with {organizationName} is ready. Download the app and sign in:',
  'page.appStore': 'App Store (iPhone)',
  'page.playStore': 'Google Play (Android)',
  'page.noAppLinks': 'Search for "Parkpass" in your phone\'s app store.',
  'page.failureTitle': 'This link cannot be used',
  'page.incomplete': 'This link is incomplete. Open the whole link from the email.',
  'page.unknown': 'This invitation link is not valid. Check that you opened the whole link from the email.',
  'page.unreachable': 'The server could not be reached. Check your connection and try again.',
  'page.passwordsDiffer': 'The two passwords differ.',
  'page.passwordTooWeak': 'This password does not follow the rules below.',
  'page.reason.EXPIRED': 'This invitation has expired. Ask your administrator to send a new one.',
  'page.reason.ACCEPTED': 'This invitation was already accepted. Sign in to the app with your email and password.',
  'page.reason.REVOKED': 'This invitation was withdrawn by your administrator.',
  'page.reason.SUPERSEDED': 'A newer invitation replaced this one. Use the link in the most recent email.',
  'page.expiredTitle': 'This invitation has expired',
  'page.expiredOffer': 'You can ask for a new link. It will be sent to the address this invitation was sent to.',
  'page.newLinkButton': 'Send me a new link',
  'page.newLinkSent':
    'Thank you. If this invitation can be renewed, a new link is on its way to the address it was sent to; it may take a few minutes. Otherwise, ask your administrator.',
} as const;

export type MessageId = keyof typeof EN;

const FR: Record<MessageId, string> = {
  'email.invitation.subject': '{organizationName} vous invite sur Parkpass : confirmez votre compte',
  'email.adminInvitation.subject': 'Rejoignez l’équipe d’administration de {organizationName} dans Parkpass',
  'email.adminInvitation.someone': 'Un propriétaire',
  'role.OWNER': 'propriétaire',
  'role.ADMIN': 'administrateur',
  'role.MANAGER': 'gestionnaire',
  'role.VIEWER': 'lecteur',
  'email.reminder.subject': 'Rappel : votre invitation de {organizationName} expire {timeLeft}',
  'email.appDownload.subject': 'Votre compte Parkpass est prêt : téléchargez l’application',
  'email.timeLeft': '{hours, plural, =0 {dans moins d’une heure} one {dans # heure} other {dans # heures}}',

  'page.title': 'Parkpass · Confirmez votre compte',
  'page.loading': 'Vérification de votre invitation…',
  'page.greeting': 'Bonjour {firstName}, {organizationName} vous invite sur Parkpass.',
  'page.expires': 'Ce lien est valable jusqu’au {expiresAt}.',
  'page.passwordLabel': 'Choisissez votre mot de passe',
  'page.passwordPolicy': 'Au moins {min} caractères (au plus {max}), pas votre adresse e-mail, et pas un seul caractère répété.',
  'page.confirmLabel': 'Saisissez-le à nouveau',
  'page.submit': 'Confirmer mon compte',
  'page.successTitle': 'Compte confirmé',
  'page.success': 'Bienvenue, {firstName} ! Votre compte chez {organizationName} est prêt. Téléchargez l’application et connectez-vous :',
  'page.appStore': 'App Store (iPhone)',
  'page.playStore': 'Google Play (Android)',
  'page.noAppLinks': 'Cherchez « Parkpass » dans la boutique d’applications de votre téléphone.',
  'page.failureTitle': 'Ce lien ne peut pas être utilisé',
  'page.incomplete': 'Ce lien est incomplet. Ouvrez le lien entier depuis l’e-mail.',
  'page.unknown': 'Ce lien d’invitation n’est pas valide. Vérifiez que vous avez ouvert le lien entier depuis l’e-mail.',
  'page.unreachable': 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  'page.passwordsDiffer': 'Les deux mots de passe sont différents.',
  'page.passwordTooWeak': 'Ce mot de passe ne respecte pas les règles ci-dessous.',
  'page.reason.EXPIRED': 'Cette invitation a expiré. Demandez-en une nouvelle à votre administrateur.',
  'page.reason.ACCEPTED': 'Cette invitation a déjà été acceptée. Connectez-vous à l’application avec votre adresse e-mail et votre mot de passe.',
  'page.reason.REVOKED': 'Cette invitation a été retirée par votre administrateur.',
  'page.reason.SUPERSEDED': 'Une invitation plus récente remplace celle-ci. Utilisez le lien du dernier e-mail reçu.',
  'page.expiredTitle': 'Cette invitation a expiré',
  'page.expiredOffer': 'Vous pouvez demander un nouveau lien. Il sera envoyé à l’adresse à laquelle cette invitation a été envoyée.',
  'page.newLinkButton': 'M’envoyer un nouveau lien',
  'page.newLinkSent':
    'Merci. Si cette invitation peut être renouvelée, un nouveau lien est en route vers l’adresse à laquelle elle a été envoyée ; cela peut prendre quelques minutes. Sinon, adressez-vous à votre administrateur.',
};

export const CATALOGS: Record<Locale, Record<MessageId, string>> = { EN, FR };

const compiled = new Map<string, IntlMessageFormat>();

function formatter(locale: Locale, id: MessageId): IntlMessageFormat {
  const key = `${locale}:${id}`;
  let format = compiled.get(key);
  if (!format) {
    format = new IntlMessageFormat(CATALOGS[locale][id], formattingTag(locale));
    compiled.set(key, format);
  }
  return format;
}

/** A message as plain text. */
export function message(locale: Locale, id: MessageId, values?: Record<string, string | number>): string {
  return String(formatter(locale, id).format(values));
}

/** A message in parts: its text, and each argument given as a `Slot` in its place (for HTML the caller builds). */
export interface Slot {
  slot: string;
}

export function messageParts(locale: Locale, id: MessageId, values: Record<string, string | number | Slot>): (string | Slot)[] {
  const formatted = formatter(locale, id).format<Slot>(values);
  return Array.isArray(formatted) ? formatted : [formatted];
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import Mustache from 'mustache';
import { rootDir } from '../database/paths.ts';
import type { EmailKind, Role } from '../generated/prisma/enums.ts';
import { effectiveLocale, formatDateTime, LANGUAGE_TAGS, type Locale, LOCALES } from '../i18n/locales.ts';
import { message, type MessageId } from '../i18n/messages.ts';
import { acceptLink, invitationToken } from '../invitations/index.ts';
import { adminInvitationToken, adminJoinLink } from '../admins/index.ts';
import { escapeHtml } from '../kernel/escape-html.ts';

// The emails, in the person's language: one Mustache template per kind and
// language in server/email/templates/<lang>/ (HTML and plain text), subjects
// and plural phrases from the ICU catalog (server/i18n/messages.ts), dates
// with Intl in that language and the organization's time zone. Mustache
// escapes every {{value}} in the HTML body; the text bodies use {{{value}}}:
// plain text is not escaped.

export interface RenderedEmail {
  subject: string;
  htmlBody: string;
  textBody: string;
}

/** What rendering needs of a queued email; `emailRenderSelect` selects it with Prisma. */
export interface EmailToRender {
  kind: EmailKind;
  invitationId: string | null;
  profile: { firstName: string; locale: Locale | null } | null;
  invitation: { expiresAt: Date } | null;
  adminInvitationId?: string | null;
  adminInvitation?: { name: string; email: string; role: Role; expiresAt: Date; invitedBy: { name: string } | null } | null;
  organization: { name: string; appStoreUrl: string | null; playStoreUrl: string | null; defaultLocale: Locale; timeZone: string };
}

/** The Prisma selection of an email row for `renderEmail` (merged into the delivery's own). */
export const emailRenderSelect = {
  kind: true,
  invitationId: true,
  profile: { select: { firstName: true, locale: true } },
  invitation: { select: { expiresAt: true } },
  adminInvitationId: true,
  adminInvitation: { select: { name: true, email: true, role: true, expiresAt: true, invitedBy: { select: { name: true } } } },
  organization: { select: { name: true, appStoreUrl: true, playStoreUrl: true, defaultLocale: true, timeZone: true } },
} as const;

export interface LinkSettings {
  publicUrl: string;
  invitationTokenSecret: string;
}

type TemplateName = 'invitation' | 'reminder' | 'app-download' | 'admin-invitation';
const TEMPLATE_OF: Record<EmailKind, TemplateName> = {
  INVITATION: 'invitation',
  REMINDER: 'reminder',
  APP_DOWNLOAD: 'app-download',
  ADMIN_INVITATION: 'admin-invitation',
};
const SUBJECT_OF: Record<EmailKind, MessageId> = {
  INVITATION: 'email.invitation.subject',
  REMINDER: 'email.reminder.subject',
  APP_DOWNLOAD: 'email.appDownload.subject',
  ADMIN_INVITATION: 'email.adminInvitation.subject',
};

// Read once from the source tree by the repository root, so the compiled server (dist/) finds them too.
const load = (locale: Locale, name: string) => readFileSync(path.join(rootDir, 'server/email/templates', LANGUAGE_TAGS[locale], name), 'utf8');
const templates = Object.fromEntries(
  LOCALES.map((locale) => [
    locale,
    Object.fromEntries(
      Object.values(TEMPLATE_OF).map((name) => [name, { html: load(locale, `${name}.html.mustache`), text: load(locale, `${name}.txt.mustache`) }]),
    ),
  ]),
) as Record<Locale, Record<TemplateName, { html: string; text: string }>>;

// Escapes what HTML needs escaped (Mustache's default also escapes "/" and "=", which garbles links when read as text).
const html = (template: string, view: object) => Mustache.render(template, view, {}, { escape: escapeHtml });

/** The locale an email is written in: the profile's, else its organization's default. */
export function emailLocale(email: Pick<EmailToRender, 'profile' | 'organization'>): Locale {
  return effectiveLocale(email.profile?.locale, email.organization.defaultLocale);
}

/**
 * Renders one email at `now`. Invitation and reminder emails carry the accept
 * link, derived again from the invitation id (never stored), with the
 * language in its query so the accept page opens in it.
 */
export function renderEmail(email: EmailToRender, settings: LinkSettings, now: Date): RenderedEmail {
  const locale = emailLocale(email);
  const { organization } = email;
  let view: Record<string, unknown>;
  if (email.kind === 'ADMIN_INVITATION') {
    // Admins have no language of their own: the organization's.
    const invitation = email.adminInvitation!;
    view = {
      organizationName: organization.name,
      name: invitation.name,
      email: invitation.email,
      roleName: message(locale, `role.${invitation.role}`),
      inviterName: invitation.invitedBy?.name ?? message(locale, 'email.adminInvitation.someone'),
      link: adminJoinLink(settings.publicUrl, adminInvitationToken(settings.invitationTokenSecret, email.adminInvitationId!), LANGUAGE_TAGS[locale]),
      expiresAt: formatDateTime(invitation.expiresAt, locale, organization.timeZone),
    };
    const template = templates[locale][TEMPLATE_OF[email.kind]];
    return {
      subject: message(locale, SUBJECT_OF[email.kind], view as Record<string, string>),
      htmlBody: html(template.html, view),
      textBody: Mustache.render(template.text, view),
    };
  }
  const base = { firstName: email.profile!.firstName, organizationName: organization.name };
  if (email.kind === 'APP_DOWNLOAD') {
    view = {
      ...base,
      appStoreUrl: organization.appStoreUrl,
      playStoreUrl: organization.playStoreUrl,
      hasLinks: Boolean(organization.appStoreUrl || organization.playStoreUrl),
    };
  } else {
    const expiresAt = email.invitation!.expiresAt;
    view = {
      ...base,
      link: acceptLink(settings.publicUrl, invitationToken(settings.invitationTokenSecret, email.invitationId!), LANGUAGE_TAGS[locale]),
      expiresAt: formatDateTime(expiresAt, locale, organization.timeZone),
    };
    if (email.kind === 'REMINDER') {
      const hours = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 3_600_000));
      view.timeLeft = message(locale, 'email.timeLeft', { hours });
    }
  }
  const template = templates[locale][TEMPLATE_OF[email.kind]];
  return {
    subject: message(locale, SUBJECT_OF[email.kind], view as Record<string, string>),
    htmlBody: html(template.html, view),
    textBody: Mustache.render(template.text, view),
  };
}

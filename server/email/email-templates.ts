import { readFileSync } from 'node:fs';
import path from 'node:path';
import Mustache from 'mustache';
import { rootDir } from '../database/paths.ts';
import type { EmailKind } from '../generated/prisma/enums.ts';
import { escapeHtml } from '../pages/escape-html.ts';

// The two emails, rendered from the Mustache templates in server/email/templates
// (HTML and plain text). Mustache escapes every {{value}} in the HTML body;
// the text bodies use {{{value}}}: plain text is not escaped.

export interface RenderedEmail {
  subject: string;
  htmlBody: string;
  textBody: string;
}

export interface InvitationEmailData {
  firstName: string;
  organizationName: string;
  link: string;
  expiresAt: Date;
}

export interface AppDownloadEmailData {
  firstName: string;
  organizationName: string;
  appStoreUrl: string | null;
  playStoreUrl: string | null;
}

// Read from the source tree by the repository root, so the compiled server (dist/) finds them too.
const load = (name: string) => readFileSync(path.join(rootDir, 'server/email/templates', name), 'utf8');
const templates: Record<EmailKind, { html: string; text: string }> = {
  INVITATION: { html: load('invitation.html.mustache'), text: load('invitation.txt.mustache') },
  APP_DOWNLOAD: { html: load('app-download.html.mustache'), text: load('app-download.txt.mustache') },
};

// Escapes what HTML needs escaped (Mustache's default also escapes "/" and "=", which garbles links when read as text).
const html = (template: string, view: object) => Mustache.render(template, view, {}, { escape: escapeHtml });

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

export function renderInvitationEmail(data: InvitationEmailData): RenderedEmail {
  const view = { ...data, expiresAt: `${dateFormat.format(data.expiresAt)} (UTC)` };
  return {
    subject: `${data.organizationName} invites you to Parkpass: confirm your account`,
    htmlBody: html(templates.INVITATION.html, view),
    textBody: Mustache.render(templates.INVITATION.text, view),
  };
}

export function renderAppDownloadEmail(data: AppDownloadEmailData): RenderedEmail {
  const view = { ...data, hasLinks: Boolean(data.appStoreUrl || data.playStoreUrl) };
  return {
    subject: 'Your Parkpass account is ready: download the app',
    htmlBody: html(templates.APP_DOWNLOAD.html, view),
    textBody: Mustache.render(templates.APP_DOWNLOAD.text, view),
  };
}

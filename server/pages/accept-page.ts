import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password-policy.ts';
import { DATE_TIME_OPTIONS, formattingTag, LANGUAGE_TAGS, type Locale, LOCALES, localeOfTag, negotiateLocale } from '../i18n/locales.ts';
import { message, type MessageId, messageParts } from '../i18n/messages.ts';
import { escapeHtml } from '../kernel/escape-html.ts';

// The page an invitation email links to (/accept?lang=fr#token=…). The token
// stays in the URL fragment, which the browser never sends, so no server or
// proxy log sees it. The page calls the same public GraphQL fields as any
// client: invitationByToken to say whose invitation it is, invitationAccept to
// finish, invitationRequestNewLink for an expired one.
//
// It speaks the invited person's language: the server renders it in the
// language of ?lang= (which the emails' links carry), else the browser's
// Accept-Language; once invitationByToken tells the person's own locale, a
// page in another language reloads itself in that one. Every text comes from
// the ICU catalog (server/i18n/messages.ts); texts with values (a name, a
// date) are rendered with empty slots the script fills with textContent.

/** Plain messages the script shows (no values). */
const SCRIPT_MESSAGES = [
  'page.incomplete',
  'page.unknown',
  'page.unreachable',
  'page.passwordsDiffer',
  'page.passwordTooWeak',
  'page.reason.EXPIRED',
  'page.reason.ACCEPTED',
  'page.reason.REVOKED',
  'page.reason.SUPERSEDED',
  'page.appStore',
  'page.playStore',
  'page.noAppLinks',
  'page.newLinkSent',
] as const satisfies readonly MessageId[];

const script = `
const page = JSON.parse(document.getElementById('page-data').textContent);
const t = (id) => page.messages[id];
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
const $ = (id) => document.getElementById(id);
const show = (id) => { for (const section of document.querySelectorAll('section')) section.hidden = section.id !== id; };
const fill = (slot, value) => { for (const element of document.querySelectorAll('[data-slot="' + slot + '"]')) element.textContent = value; };
async function graphql(query, variables) {
  const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}
function fail(text) { $('failure-message').textContent = text; show('failure'); }
async function start() {
  if (!token) return fail(t('page.incomplete'));
  let invitation;
  try {
    ({ invitationByToken: invitation } = await graphql(
      'query ($token: String!) { invitationByToken(token: $token) { organizationName firstName expiresAt state locale timeZone newLinkAvailable } }', { token }));
  } catch (error) { return fail(t('page.unreachable')); }
  if (!invitation) return fail(t('page.unknown'));
  const language = page.languages[invitation.locale];
  if (language && language !== page.language) return location.replace('/accept?lang=' + language + location.hash);
  fill('firstName', invitation.firstName);
  fill('organizationName', invitation.organizationName);
  if (invitation.state === 'EXPIRED' && invitation.newLinkAvailable) return show('expired');
  if (invitation.state !== 'OPEN') return fail(t('page.reason.' + invitation.state));
  fill('expiresAt', new Intl.DateTimeFormat(page.formattingTag, { ...page.dateTimeOptions, timeZone: invitation.timeZone }).format(new Date(invitation.expiresAt)));
  show('form-section');
}
$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('form-error').textContent = '';
  if ($('password').value !== $('confirm').value) { $('form-error').textContent = t('page.passwordsDiffer'); return; }
  $('submit').disabled = true;
  try {
    const { invitationAccept: result } = await graphql(
      'mutation ($input: InvitationAcceptInput!) { invitationAccept(input: $input) { __typename ... on InvitationAcceptPayload { firstName organizationName appStoreUrl playStoreUrl } ... on InvitationRevoked { superseded } ... on Error { code message } } }',
      { input: { token, password: $('password').value } });
    if (result.__typename === 'InvitationAcceptPayload') {
      const links = [[t('page.appStore'), result.appStoreUrl], [t('page.playStore'), result.playStoreUrl]].filter(([, url]) => url);
      $('app-links').replaceChildren();
      for (const [label, url] of links) { const item = document.createElement('li'); const link = document.createElement('a'); link.href = url; link.textContent = label; item.append(link); $('app-links').append(item); }
      if (!links.length) $('app-links').textContent = t('page.noAppLinks');
      show('success');
    } else if (result.code === 'PASSWORD_TOO_WEAK') {
      $('form-error').textContent = t('page.passwordTooWeak');
    } else {
      const reason = { INVITATION_EXPIRED: 'EXPIRED', INVITATION_ALREADY_USED: 'ACCEPTED', INVITATION_REVOKED: result.superseded ? 'SUPERSEDED' : 'REVOKED' }[result.code];
      fail(reason ? t('page.reason.' + reason) : t('page.unknown'));
    }
  } catch (error) { $('form-error').textContent = t('page.unreachable'); }
  finally { $('submit').disabled = false; }
});
$('new-link').addEventListener('click', async () => {
  $('new-link').disabled = true;
  try {
    await graphql('mutation ($input: InvitationRequestNewLinkInput!) { invitationRequestNewLink(input: $input) { message } }', { input: { token } });
    $('new-link-answer').textContent = t('page.newLinkSent');
  } catch (error) { $('new-link-answer').textContent = t('page.unreachable'); $('new-link').disabled = false; }
});
start();
`;

/** A message as HTML: its text escaped, each named slot an empty element the script fills. */
function slotted(locale: Locale, id: MessageId, slots: string[], values: Record<string, string | number> = {}): string {
  const args = { ...values, ...Object.fromEntries(slots.map((slot) => [slot, { slot }])) };
  return messageParts(locale, id, args)
    .map((part) => (typeof part === 'string' ? escapeHtml(part) : `<span data-slot="${escapeHtml(part.slot)}"></span>`))
    .join('');
}

/** JSON inside a <script> element: "<" escaped so that no "</script>" can end it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function acceptPageHtml(locale: Locale): string {
  const text = (id: MessageId) => escapeHtml(message(locale, id));
  const data = {
    language: LANGUAGE_TAGS[locale],
    languages: LANGUAGE_TAGS,
    formattingTag: formattingTag(locale),
    dateTimeOptions: DATE_TIME_OPTIONS,
    messages: Object.fromEntries(SCRIPT_MESSAGES.map((id) => [id, message(locale, id)])),
  };
  return `<!doctype html>
<html lang="${LANGUAGE_TAGS[locale]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text('page.title')}</title>
<style>
  body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2933; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
  label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #9aa5b1; border-radius: 6px; }
  button { margin-top: 1.2rem; padding: .7rem 1.2rem; font-size: 1rem; background: #2563eb; color: #fff; border: 0; border-radius: 6px; }
  button:disabled { background: #9aa5b1; }
  .hint { color: #52606d; font-size: .9rem; } .error { color: #b91c1c; min-height: 1.2em; }
</style>
</head>
<body>
<h1>Parkpass</h1>
<section id="loading"><p>${text('page.loading')}</p></section>
<section id="form-section" hidden>
  <p id="greeting">${slotted(locale, 'page.greeting', ['firstName', 'organizationName'])}</p>
  <p class="hint" id="expires">${slotted(locale, 'page.expires', ['expiresAt'])}</p>
  <form id="form">
    <label for="password">${text('page.passwordLabel')}</label>
    <input id="password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required>
    <p class="hint" id="policy">${escapeHtml(message(locale, 'page.passwordPolicy', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }))}</p>
    <label for="confirm">${text('page.confirmLabel')}</label>
    <input id="confirm" type="password" autocomplete="new-password" required>
    <p class="error" id="form-error" role="alert"></p>
    <button id="submit" type="submit">${text('page.submit')}</button>
  </form>
</section>
<section id="success" hidden><h2>${text('page.successTitle')}</h2><p id="success-message">${slotted(locale, 'page.success', ['firstName', 'organizationName'])}</p><ul id="app-links"></ul></section>
<section id="expired" hidden>
  <h2>${text('page.expiredTitle')}</h2>
  <p>${text('page.expiredOffer')}</p>
  <button id="new-link" type="button">${text('page.newLinkButton')}</button>
  <p id="new-link-answer" role="status"></p>
</section>
<section id="failure" hidden><h2>${text('page.failureTitle')}</h2><p id="failure-message"></p></section>
<script type="application/json" id="page-data">${scriptJson(data)}</script>
<script>${script}</script>
</body>
</html>`;
}

const pages = new Map<Locale, string>(LOCALES.map((locale) => [locale, acceptPageHtml(locale)]));

/** The page in the language of ?lang=, else the browser's (Accept-Language), else English. */
export function acceptPageResponse(url: URL, request: Request): Response {
  const locale = localeOfTag(url.searchParams.get('lang')) ?? negotiateLocale(request.headers.get('accept-language'));
  return new Response(pages.get(locale)!, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-language': LANGUAGE_TAGS[locale],
      vary: 'Accept-Language',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'",
    },
  });
}

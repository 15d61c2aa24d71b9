import { GraphQLError } from 'graphql';
import { authenticate } from '../app/authenticate.ts';
import { DEVICE_LIFETIME_MS, login, logout } from '../auth/sessions.ts';
import type { Clock, Viewer } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { DomainError } from '../kernel/errors.ts';
import { ServiceBusyError } from '../kernel/service-busy.ts';
import { escapeHtml } from '../kernel/escape-html.ts';
import { isUuid } from '../kernel/global-ids.ts';

// The local mailbox (no Postmark token configured): /mailbox lists the
// emails the server "sent", newest first; /mailbox/<id> shows one as the
// person would see it, links included. The emails hold live invitation links,
// so only a signed-in OWNER reads them, and only their organization's.
//
// A browser cannot add an Authorization header to a link it follows, so the
// page signs the owner in with a form (the same sign-in as adminLogin, with
// its limits) and keeps the session token in a cookie scoped to /mailbox:
// HttpOnly (no script reads it), SameSite=Strict (no other site sends it),
// Secure when PUBLIC_URL is https. Scripts may send "Authorization: Bearer
// <session token>" instead. The device token a sign-in returns is kept the
// same way in a second cookie that outlives sign-out and is sent with every
// later sign-in, so failures from elsewhere never refuse this browser.

export const MAILBOX_COOKIE = 'parkpass_mailbox';
export const MAILBOX_DEVICE_COOKIE = 'parkpass_mailbox_device';
const SESSION_MAX_AGE_SECONDS = 12 * 3600;
const DEVICE_MAX_AGE_SECONDS = DEVICE_LIFETIME_MS / 1000;

export interface MailboxDependencies {
  prisma: PrismaClient;
  clock: Clock;
  /** The caller's network address, for the sign-in limits. */
  address: string;
  /** Mark the cookie Secure (the server is reached over https). */
  secureCookie: boolean;
  /** Counts a sign-in attempt against the address's adminLogin limit: the seconds to wait when it is spent, else null. */
  chargeSignIn(): Promise<number | null>;
}

export async function handleMailboxRequest(request: Request, url: URL, deps: MailboxDependencies): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/mailbox/sign-in' && request.method === 'POST') return signIn(request, deps);
  if (path === '/mailbox/sign-out' && request.method === 'POST') return signOut(request, deps);
  if (request.method !== 'GET') return text('Method not allowed', 405);

  const viewer = await mailboxViewer(request, deps);
  if (!viewer) return page('Local mailbox: sign in', signInForm(), 401);
  if (viewer.role !== 'OWNER') return page('Local mailbox', `<p>Only an owner of the organization reads its mailbox.</p>${signOutForm()}`, 403);

  const id = path.replace(/^\/mailbox\/?/, '');
  if (id) {
    const message = isUuid(id)
      ? await deps.prisma.mailboxMessage.findFirst({ where: { id, email: { organizationId: viewer.organizationId } }, select: { htmlBody: true } })
      : null;
    if (!message) return text('No such message', 404);
    return new Response(message.htmlBody, { headers: { ...PRIVATE, 'content-type': 'text/html; charset=utf-8' } });
  }
  return new Response(await listPage(url, viewer.organizationId, deps), { headers: { ...PRIVATE, 'content-type': 'text/html; charset=utf-8' } });
}

/** Emails per page of the list; older ones are a link away ("Older emails"). */
export const MAILBOX_PAGE_SIZE = 100;

/**
 * The list, newest first, a page at a time: `q` keeps the emails whose
 * address or subject contains it, `to` those to exactly that address, and
 * `before` (a message id: ids grow with time) starts the page after it.
 */
async function listPage(url: URL, organizationId: string, deps: MailboxDependencies): Promise<string> {
  const to = url.searchParams.get('to')?.trim() || null;
  const q = url.searchParams.get('q')?.trim().slice(0, 200) || null;
  const before = url.searchParams.get('before');
  const messages = await deps.prisma.mailboxMessage.findMany({
    where: {
      email: { organizationId },
      ...(to ? { to: { equals: to, mode: 'insensitive' } } : {}),
      ...(q ? { OR: [{ to: { contains: q, mode: 'insensitive' } }, { subject: { contains: q, mode: 'insensitive' } }] } : {}),
      ...(before && isUuid(before) ? { id: { lt: before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: MAILBOX_PAGE_SIZE + 1,
    select: { id: true, to: true, subject: true, createdAt: true },
  });
  const shown = messages.slice(0, MAILBOX_PAGE_SIZE);
  const rows = shown
    .map(
      (message) =>
        `<tr><td>${escapeHtml(message.createdAt.toISOString().replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(message.to)}</td>` +
        `<td><a href="/mailbox/${message.id}">${escapeHtml(message.subject)}</a></td></tr>`,
    )
    .join('\n');
  const link = (params: Record<string, string | null>) => {
    const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null));
    return escapeHtml(`/mailbox${search.size ? `?${search}` : ''}`);
  };
  const last = shown.at(-1);
  const paging = [
    before ? `<a href="${link({ q, to })}">Newest emails</a>` : '',
    messages.length > MAILBOX_PAGE_SIZE && last ? `<a href="${link({ q, to, before: last.id })}" rel="next">Older emails</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const empty = q || to ? 'No email matches.' : 'No email yet. Invite a profile, then reload.';
  return pageHtml(
    'Parkpass local mailbox',
    `<h1>Local mailbox</h1>
<p>No Postmark token is configured, so emails are kept here instead of being sent. Your organization's emails, newest first${to ? `, to ${escapeHtml(to)}` : ''}.</p>
<form method="get" action="/mailbox" role="search"><label for="q">Search by address or subject</label>
<input id="q" name="q" type="search" value="${escapeHtml(q ?? '')}"> <button type="submit">Search</button>${q ? ` <a href="/mailbox">Show all</a>` : ''}</form>
<table><caption>Emails${before ? ' (older)' : ''}</caption><thead><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>
${rows || `<tr><td colspan="3">${empty}</td></tr>`}
</tbody></table>${paging ? `<nav aria-label="Pages"><p>${paging}</p></nav>` : ''}${signOutForm()}`,
  );
}

/** The signed-in admin behind the cookie or the Authorization header; null when there is none or it no longer works. */
async function mailboxViewer(request: Request, deps: MailboxDependencies): Promise<Viewer | null> {
  const session = readCookie(request, MAILBOX_COOKIE);
  const header = request.headers.get('authorization') ?? (session ? `Bearer ${session}` : null);
  if (!header) return null;
  try {
    const viewer = await authenticate(deps.prisma, deps.clock, header);
    return viewer?.actor.kind === 'ADMIN' ? viewer : null;
  } catch (error) {
    if (error instanceof GraphQLError) return null; // unknown, ended or expired: sign in again
    throw error;
  }
}

async function signIn(request: Request, deps: MailboxDependencies): Promise<Response> {
  if (!sameOrigin(request)) return text('Cross-site sign-in refused', 403);
  const retryAfterSeconds = await deps.chargeSignIn();
  if (retryAfterSeconds !== null) {
    const response = text(`Too many sign-ins from this address. Retry in ${retryAfterSeconds} s.`, 429);
    response.headers.set('retry-after', String(retryAfterSeconds));
    return response;
  }
  const form = new URLSearchParams(await request.text());
  try {
    const session = await login(deps, {
      email: form.get('email') ?? '',
      password: form.get('password') ?? '',
      address: deps.address,
      deviceToken: readCookie(request, MAILBOX_DEVICE_COOKIE),
    });
    const viewer = await authenticate(deps.prisma, deps.clock, `Bearer ${session.token}`);
    if (viewer?.role !== 'OWNER') {
      if (viewer?.sessionId) await logout(deps, viewer.sessionId);
      return page('Local mailbox: sign in', `<p class="error">Only an owner of the organization reads its mailbox.</p>${signInForm()}`, 403);
    }
    const headers = new Headers({ location: '/mailbox' });
    headers.append('set-cookie', cookie(MAILBOX_COOKIE, session.token, SESSION_MAX_AGE_SECONDS, deps.secureCookie));
    headers.append('set-cookie', cookie(MAILBOX_DEVICE_COOKIE, session.deviceToken, DEVICE_MAX_AGE_SECONDS, deps.secureCookie));
    return new Response(null, { status: 303, headers });
  } catch (error) {
    if (error instanceof ServiceBusyError) {
      const response = text(`Busy. Retry in ${error.retryAfterSeconds} s.`, 503);
      response.headers.set('retry-after', String(error.retryAfterSeconds));
      return response;
    }
    if (!(error instanceof DomainError)) throw error;
    return page('Local mailbox: sign in', `<p class="error">${escapeHtml(error.message)}</p>${signInForm()}`, 401);
  }
}

async function signOut(request: Request, deps: MailboxDependencies): Promise<Response> {
  if (!sameOrigin(request)) return text('Cross-site sign-out refused', 403);
  const viewer = await mailboxViewer(request, deps);
  if (viewer?.sessionId) await logout(deps, viewer.sessionId);
  return new Response(null, { status: 303, headers: { location: '/mailbox', 'set-cookie': cookie(MAILBOX_COOKIE, '', 0, deps.secureCookie) } });
}

/**
 * A form must come from a page of this server: its Origin names this host.
 * The mailbox's pages send `Referrer-Policy: same-origin`, so a browser sends
 * their Origin with the form; `Origin: null` (an opaque origin: a sandboxed
 * frame, a data: URL, a page with `no-referrer`) is refused, and so is a
 * browser request without Origin that says it came from elsewhere
 * (Sec-Fetch-Site). The cookie is SameSite=Strict besides.
 */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) {
    const site = request.headers.get('sec-fetch-site');
    return site === null || site === 'same-origin' || site === 'none';
  }
  return URL.canParse(origin) && new URL(origin).host === new URL(request.url).host;
}

function readCookie(request: Request, cookieName: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName) return value.join('=') || null;
  }
  return null;
}

function cookie(name: string, value: string, maxAge: number, secure: boolean): string {
  return `${name}=${value}; Path=/mailbox; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

// same-origin, not no-referrer: with no-referrer a browser posts the sign-in
// form with `Origin: null`, which the check above refuses. No other site ever
// learns a mailbox address (a message id) from a link followed out of it.
const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'same-origin' };

const text = (body: string, status: number) => new Response(body, { status, headers: { ...PRIVATE, 'content-type': 'text/plain; charset=utf-8' } });

function page(title: string, body: string, status = 200): Response {
  return new Response(pageHtml(title, body), { status, headers: { ...PRIVATE, 'content-type': 'text/html; charset=utf-8' } });
}

function pageHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2933}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e4e7eb}
label{display:block;margin:.8rem 0 .2rem}input{padding:.4rem;width:18rem}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b91c1c}</style></head>
<body>${body}</body></html>`;
}

function signInForm(): string {
  return `<h1>Local mailbox</h1>
<p>Emails are kept here instead of being sent (no Postmark token). Sign in as an owner of the organization to read its emails.</p>
<form method="post" action="/mailbox/sign-in">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div><button type="submit">Sign in</button></div></form>`;
}

function signOutForm(): string {
  return '<form method="post" action="/mailbox/sign-out"><button type="submit">Sign out</button></form>';
}

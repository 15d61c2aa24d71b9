import { GraphQLError } from 'graphql';
import { authenticate } from '../app/authenticate.ts';
import { DEVICE_LIFETIME_MS, login, logout, SESSION_LIFETIME_MS, SESSION_TOKEN_PREFIX, signInDevice } from '../auth/sessions.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { DomainError, TooManyLoginAttemptsError } from '../kernel/errors.ts';
import { requestRefusal } from '../kernel/request-refusals.ts';
import type { Clock, Viewer } from '../kernel/scope.ts';
import { ServiceBusyError } from '../kernel/service-busy.ts';
import { sameOrigin } from './mailbox-page.ts';

// The admin UI's session, in a cookie no script can read. /session signs in
// (POST, the same sign-in as adminLogin with its limits), tells whether the
// cookie still holds a live session (GET) and signs out (DELETE: the session
// ends in the database and the cookie is cleared). The session cookie is
// HttpOnly (an injected script cannot take it away), SameSite=Strict (no
// other site's page makes the browser send it), Secure when PUBLIC_URL is
// https. The device token (server/auth/sessions.ts) is kept the same way in a
// second cookie that only /session receives, and outlives sign-out.
//
// A cookie travels with every request the browser makes, so a request that
// /graphql authenticates by it must also prove it comes from a page of this
// server (CSRF): no cross-site Origin or Sec-Fetch-Site, and the
// x-graphql-yoga-csrf header, which no form or image can send and no other
// origin's script can send without a preflight this server never grants.
// Callers with an Authorization header (the SDK, scripts) never use the cookie.

export const SESSION_COOKIE = 'parkpass_session';
export const DEVICE_COOKIE = 'parkpass_device';
export const SESSION_PATH = '/session';
const CSRF_HEADER = 'x-graphql-yoga-csrf';

export interface AdminSessionDependencies {
  prisma: PrismaClient;
  clock: Clock;
  /** The caller's network address, for the sign-in limits. */
  address: string;
  /** Mark the cookies Secure (the server is reached over https). */
  secureCookie: boolean;
  /** Counts a sign-in against the adminLogin budget of `key` (the address, or `device:<id>`): the seconds to wait when spent, else null. */
  chargeSignIn(key: string): Promise<number | null>;
}

export async function handleAdminSessionRequest(request: Request, deps: AdminSessionDependencies): Promise<Response> {
  if (request.method === 'GET') return current(request, deps);
  if (request.method !== 'POST' && request.method !== 'DELETE') return refusal(405, 'BAD_REQUEST', 'Method not allowed.');
  if (!fromThisServer(request)) return refusal(403, 'CSRF_HEADER_MISSING', CROSS_SITE_MESSAGE);
  return request.method === 'POST' ? signIn(request, deps) : signOut(request, deps);
}

/**
 * The Authorization header a /graphql request carries, or the one its session
 * cookie stands for (`Bearer <session token>`) when it carries none. A request
 * that relies on the cookie without proving it comes from this server's pages
 * is refused (CSRF_HEADER_MISSING, HTTP 403).
 */
export function authorizationOf(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (header !== null) return header;
  const token = readCookie(request, SESSION_COOKIE);
  if (!token?.startsWith(SESSION_TOKEN_PREFIX)) return null;
  if (!fromThisServer(request)) throw requestRefusal('CSRF_HEADER_MISSING', CROSS_SITE_MESSAGE);
  return `Bearer ${token}`;
}

const CROSS_SITE_MESSAGE =
  "This request relies on the admin UI's session cookie, so it must come from the admin UI: same origin, with the x-graphql-yoga-csrf header.";

function fromThisServer(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return false;
  return sameOrigin(request) && request.headers.has(CSRF_HEADER);
}

async function signIn(request: Request, deps: AdminSessionDependencies): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { email?: unknown; password?: unknown } | null;
  if (typeof body?.email !== 'string' || typeof body.password !== 'string') {
    return refusal(400, 'BAD_REQUEST', 'Send {"email": "…", "password": "…"} as JSON.');
  }
  const deviceToken = readCookie(request, DEVICE_COOKIE);
  // A valid device token is charged to its device, as adminLogin is (server/app/request-budget.ts).
  const device = await signInDevice(deps, { email: body.email, deviceToken });
  const retryAfterSeconds = await deps.chargeSignIn(device ? `device:${device}` : deps.address);
  if (retryAfterSeconds !== null) {
    return refusal(429, 'RATE_LIMITED', `Too many sign-ins from this address. Retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
  try {
    const session = await login(deps, { email: body.email, password: body.password, address: deps.address, deviceToken });
    const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    headers.append('set-cookie', cookie(SESSION_COOKIE, session.token, { path: '/', maxAge: SESSION_LIFETIME_MS / 1000, secure: deps.secureCookie }));
    headers.append(
      'set-cookie',
      cookie(DEVICE_COOKIE, session.deviceToken, { path: SESSION_PATH, maxAge: DEVICE_LIFETIME_MS / 1000, secure: deps.secureCookie }),
    );
    return new Response(JSON.stringify({ expiresAt: session.expiresAt.toISOString() }), { headers });
  } catch (error) {
    if (error instanceof ServiceBusyError) {
      return refusal(503, 'SERVICE_UNAVAILABLE', error.message, { retryAfterSeconds: error.retryAfterSeconds });
    }
    if (error instanceof TooManyLoginAttemptsError) {
      return refusal(429, error.code, error.message, { retryAfterSeconds: error.retryAfterSeconds });
    }
    if (error instanceof DomainError) return refusal(error.code === 'INVALID_INPUT' ? 400 : 401, error.code, error.message);
    throw error;
  }
}

/**
 * Whether the cookie holds a live session, and until when (`expiresAt`, null
 * when signed out: a 200 either way, so a signed-out page logs no error). An
 * ended one's cookie is cleared.
 */
async function current(request: Request, deps: AdminSessionDependencies): Promise<Response> {
  const token = readCookie(request, SESSION_COOKIE);
  const viewer = token ? await sessionViewer(deps, token) : null;
  const headers = new Headers({ 'cache-control': 'no-store' });
  if (!viewer?.sessionId) {
    if (token) headers.append('set-cookie', clearedSessionCookie(deps.secureCookie));
    return Response.json({ expiresAt: null }, { headers });
  }
  const session = await deps.prisma.adminSession.findUniqueOrThrow({ where: { id: viewer.sessionId }, select: { expiresAt: true } });
  return Response.json({ expiresAt: session.expiresAt.toISOString() }, { headers });
}

async function signOut(request: Request, deps: AdminSessionDependencies): Promise<Response> {
  const token = readCookie(request, SESSION_COOKIE);
  const viewer = token ? await sessionViewer(deps, token) : null;
  if (viewer?.sessionId) await logout(deps, viewer.sessionId);
  return Response.json({ ended: true }, { headers: { 'set-cookie': clearedSessionCookie(deps.secureCookie), 'cache-control': 'no-store' } });
}

async function sessionViewer(deps: AdminSessionDependencies, token: string): Promise<Viewer | null> {
  if (!token.startsWith(SESSION_TOKEN_PREFIX)) return null;
  try {
    return await authenticate(deps.prisma, deps.clock, `Bearer ${token}`);
  } catch (error) {
    if (error instanceof GraphQLError) return null; // unknown, ended or expired
    throw error;
  }
}

function refusal(status: number, code: string, message: string, extra: { retryAfterSeconds?: number } = {}): Response {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(extra.retryAfterSeconds);
  return Response.json({ error: { code, message, ...extra } }, { status, headers });
}

function readCookie(request: Request, cookieName: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName) return value.join('=') || null;
  }
  return null;
}

function cookie(name: string, value: string, options: { path: string; maxAge: number; secure: boolean }): string {
  return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAge}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
}

const clearedSessionCookie = (secure: boolean) => cookie(SESSION_COOKIE, '', { path: '/', maxAge: 0, secure });

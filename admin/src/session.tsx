import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

// The admin's session lives in an HttpOnly cookie the server sets at sign-in
// (POST /session): no script, ours or an injected one, can read it, and
// nothing of it is kept in localStorage or sessionStorage. On start the UI
// asks the server whether the cookie still holds a live session (GET
// /session) and until when. Sign-out ends it on the server and clears the
// cookie (DELETE /session). When it ends by itself (its expiresAt passes, or
// the API answers UNAUTHENTICATED), the admin is sent back to sign in with a
// message. Every request the UI makes carries the CSRF header the server
// requires of cookie-authenticated requests.

export const CSRF_HEADERS = { 'x-graphql-yoga-csrf': '1' } as const;

type SessionState = { kind: 'checking' } | { kind: 'signedOut' } | { kind: 'signedIn'; expiresAt: string };

/** Why a sign-in was refused: the server's code and message (retryAfterSeconds for limits). */
export interface SignInRefusal {
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

interface SessionContextValue {
  /** Whether a session is known to be live; null while the server is being asked. */
  signedIn: boolean | null;
  /** Why the last session ended (shown on the sign-in page), if it was not a sign-out. */
  endMessage: string | null;
  /** Signs in; answers the refusal, or null once signed in. */
  signIn(email: string, password: string): Promise<SignInRefusal | null>;
  signOut(message?: string): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

async function sessionRequest(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<{ ok: boolean; json: Record<string, unknown> }> {
  const response = await fetch('/session', {
    method,
    credentials: 'same-origin',
    headers: { ...CSRF_HEADERS, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok, json };
}

export function SessionProvider({ children, expiredMessage, unreachableMessage }: { children: ReactNode; expiredMessage: string; unreachableMessage: string }) {
  const [session, setSession] = useState<SessionState>({ kind: 'checking' });
  const [endMessage, setEndMessage] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    sessionRequest('GET')
      .then(({ ok, json }) => {
        if (current) setSession(ok && typeof json.expiresAt === 'string' ? { kind: 'signedIn', expiresAt: json.expiresAt } : { kind: 'signedOut' });
      })
      .catch(() => current && setSession({ kind: 'signedOut' }));
    return () => {
      current = false;
    };
  }, []);

  const signIn = useCallback(
    async (email: string, password: string): Promise<SignInRefusal | null> => {
      try {
        const { ok, json } = await sessionRequest('POST', { email, password });
        if (ok && typeof json.expiresAt === 'string') {
          setEndMessage(null);
          setSession({ kind: 'signedIn', expiresAt: json.expiresAt });
          return null;
        }
        return (json.error as SignInRefusal | undefined) ?? { code: 'UNAVAILABLE', message: unreachableMessage };
      } catch {
        return { code: 'UNAVAILABLE', message: unreachableMessage };
      }
    },
    [unreachableMessage],
  );

  const signOut = useCallback((message?: string) => {
    // Ends the session on the server and clears the cookie; the page signs out at once whatever the answer.
    sessionRequest('DELETE').catch(() => undefined);
    setEndMessage(message ?? null);
    setSession({ kind: 'signedOut' });
  }, []);

  // Sign out when the session's own expiry passes, even without a request.
  useEffect(() => {
    if (session.kind !== 'signedIn') return;
    const delay = new Date(session.expiresAt).getTime() - Date.now();
    const timer = setTimeout(() => signOut(expiredMessage), Math.min(Math.max(delay, 0), 2_147_000_000));
    return () => clearTimeout(timer);
  }, [session, signOut, expiredMessage]);

  const signedIn = session.kind === 'checking' ? null : session.kind === 'signedIn';
  const value = useMemo(() => ({ signedIn, endMessage, signIn, signOut }), [signedIn, endMessage, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

// The admin's session: the token adminLogin returned, kept in localStorage so
// a reload stays signed in. When it expires (its expiresAt passes, or the API
// answers UNAUTHENTICATED), the admin is sent back to sign in with a message.

const STORAGE_KEY = 'parkpass.admin.session';

interface StoredSession {
  token: string;
  expiresAt: string;
}

interface SessionContextValue {
  token: string | null;
  /** Why the last session ended (shown on the sign-in page), if it was not a sign-out. */
  endMessage: string | null;
  signIn(token: string, expiresAt: string): void;
  signOut(message?: string): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

function readStored(): StoredSession | null {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as StoredSession | null;
    if (stored && new Date(stored.expiresAt).getTime() > Date.now()) return stored;
  } catch {
    // A damaged entry is the same as none.
  }
  return null;
}

export function SessionProvider({ children, expiredMessage }: { children: ReactNode; expiredMessage: string }) {
  const [session, setSession] = useState<StoredSession | null>(readStored);
  const [endMessage, setEndMessage] = useState<string | null>(() => (localStorage.getItem(STORAGE_KEY) && !readStored() ? expiredMessage : null));

  const signIn = useCallback((token: string, expiresAt: string) => {
    const stored = { token, expiresAt };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    setEndMessage(null);
    setSession(stored);
  }, []);

  const signOut = useCallback((message?: string) => {
    localStorage.removeItem(STORAGE_KEY);
    setEndMessage(message ?? null);
    setSession(null);
  }, []);

  // Sign out when the session's own expiry passes, even without a request.
  useEffect(() => {
    if (!session) return;
    const delay = new Date(session.expiresAt).getTime() - Date.now();
    const timer = setTimeout(() => signOut(expiredMessage), Math.min(Math.max(delay, 0), 2_147_000_000));
    return () => clearTimeout(timer);
  }, [session, signOut, expiredMessage]);

  const value = useMemo(() => ({ token: session?.token ?? null, endMessage, signIn, signOut }), [session, endMessage, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

// The device tokens adminLogin returns, one per admin email, kept in
// localStorage. Unlike the session they survive sign-out and expiry: sent with
// the next sign-in, a token makes that sign-in count against this browser's
// own failures only, so failures elsewhere (another address, someone behind
// the same NAT) never refuse the admin here. A stale token is harmless: the
// server counts it as none and returns a new one.

const STORAGE_KEY = 'parkpass.admin.devices';

function readAll(): Record<string, string> {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    if (stored && typeof stored === 'object' && !Array.isArray(stored)) return stored as Record<string, string>;
  } catch {
    // A damaged entry is the same as none.
  }
  return {};
}

const key = (email: string) => email.trim().toLowerCase();

/** This browser's device token for that admin, if it has one. */
export function deviceTokenFor(email: string): string | undefined {
  const token = readAll()[key(email)];
  return typeof token === 'string' ? token : undefined;
}

export function keepDeviceToken(email: string, token: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readAll(), [key(email)]: token }));
}

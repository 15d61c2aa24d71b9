import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../kernel/sha256.ts';

// API keys and session tokens are long random secrets, so a fast hash is
// enough to store them safely (unlike passwords); lookups are by hash.

export const API_KEY_PREFIX = 'ppk_';

export interface GeneratedSecret {
  /** Shown once to its owner, never stored. */
  secret: string;
  /** The first characters, kept to recognise the key in lists. */
  prefix: string;
  hash: string;
}

export function generateApiKeySecret(): GeneratedSecret {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, API_KEY_PREFIX.length + 8), hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

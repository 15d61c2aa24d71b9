import { createHash } from 'node:crypto';

/** SHA-256 of a text, as hex: how long random secrets (API keys, session and invitation tokens) are stored, and migration checksums. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

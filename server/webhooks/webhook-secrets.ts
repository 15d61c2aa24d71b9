import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// An endpoint's signing secret is not stored: it is HMAC-SHA256 of the
// endpoint's id and secret version under the server's secret
// (INVITATION_TOKEN_SECRET), shown once when created or rotated and derived
// again to sign. Rotating bumps the version; for 24 hours messages carry both
// signatures (Standard Webhooks allows several, space-separated), so a
// receiver can switch without losing a message. Changing the server's secret
// changes every endpoint's secret too.

/** How long the previous secret still signs after a rotation. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;

/** The secret in Standard Webhooks' format: "whsec_" and 32 bytes in base64. */
export function endpointSecret(serverSecret: string, endpointId: string, version: number): string {
  const key = createHmac('sha256', serverSecret).update(`webhook-endpoint:${endpointId}:${version}`).digest();
  return `whsec_${key.toString('base64')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three Standard Webhooks headers for one attempt, signed by the `standardwebhooks` package. */
export function signedHeaders(
  serverSecret: string,
  endpoint: { id: string; secretVersion: number; previousSecretExpiresAt: Date | null },
  messageId: string,
  payload: string,
  now: Date,
): SignedHeaders {
  const versions = [endpoint.secretVersion];
  if (endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now && endpoint.secretVersion > 1) versions.push(endpoint.secretVersion - 1);
  const signatures = versions.map((version) => new Webhook(endpointSecret(serverSecret, endpoint.id, version)).sign(messageId, now, payload));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

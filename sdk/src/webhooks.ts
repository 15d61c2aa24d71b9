import { Webhook, WebhookVerificationError as StandardWebhookVerificationError } from 'standardwebhooks';
import type { HeadersLike } from './platform.ts';

// Receiving Parkpass webhooks: the events' types, and verifyWebhook, which
// checks a request's Standard Webhooks signature (with the `standardwebhooks`
// package) and returns the event, typed. The server's catalogue is
// server/kernel/webhook-events.ts; a test keeps the two equal.

/** Every field of each event's `data`. Ids are the API's global ids; times are ISO 8601 strings in UTC. */
export interface WebhookEventDataMap {
  'profile.invited': {
    profileId: string;
    externalId: string | null;
    invitationId: string;
    bulkInvitationId: string | null;
    reinvited: boolean;
    invitedAt: string;
    expiresAt: string;
  };
  'invitation.accepted': { profileId: string; externalId: string | null; invitationId: string; acceptedAt: string };
  'invitation.expired': { profileId: string; externalId: string | null; invitationId: string; expiredAt: string };
  'invitation.revoked': { profileId: string; externalId: string | null; invitationId: string; revokedAt: string };
  'profile.deactivated': { profileId: string; externalId: string | null; deactivatedAt: string };
  'profile.reactivated': { profileId: string; externalId: string | null; status: string; reactivatedAt: string };
  'email.bounced': { profileId: string; externalId: string | null; invitationId: string; occurredAt: string };
  'email.complained': { profileId: string; externalId: string | null; invitationId: string; occurredAt: string };
  'bulk_invitation.completed': {
    bulkInvitationId: string;
    total: number;
    invited: number;
    reinvited: number;
    skipped: number;
    startedAt: string;
    completedAt: string;
  };
}

export type WebhookEventType = keyof WebhookEventDataMap;

/** An event of a type this version of the SDK knows: `switch (event.type)` narrows `data`. */
export type KnownWebhookEvent = { [T in WebhookEventType]: { type: T; timestamp: string; data: WebhookEventDataMap[T] } }[WebhookEventType];

/**
 * A validly signed event of a type newer than this version of the SDK: never
 * handed over as a known one. `originalType` is the type the server sent;
 * `data` is its data, unchecked. Acknowledge it (answer 2xx) or ignore it;
 * upgrade the SDK to read it.
 */
export interface UnknownWebhookEvent {
  type: 'unknown';
  originalType: string;
  timestamp: string;
  data: Readonly<Record<string, unknown>>;
}

/** The body of a webhook request: `switch (event.type)` narrows `data`; a type this SDK does not know is `'unknown'`. */
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

/** The names of each event's data fields, at run time. */
export const WEBHOOK_EVENT_FIELDS: { [T in WebhookEventType]: readonly (keyof WebhookEventDataMap[T])[] } = {
  'profile.invited': ['profileId', 'externalId', 'invitationId', 'bulkInvitationId', 'reinvited', 'invitedAt', 'expiresAt'],
  'invitation.accepted': ['profileId', 'externalId', 'invitationId', 'acceptedAt'],
  'invitation.expired': ['profileId', 'externalId', 'invitationId', 'expiredAt'],
  'invitation.revoked': ['profileId', 'externalId', 'invitationId', 'revokedAt'],
  'profile.deactivated': ['profileId', 'externalId', 'deactivatedAt'],
  'profile.reactivated': ['profileId', 'externalId', 'status', 'reactivatedAt'],
  'email.bounced': ['profileId', 'externalId', 'invitationId', 'occurredAt'],
  'email.complained': ['profileId', 'externalId', 'invitationId', 'occurredAt'],
  'bulk_invitation.completed': ['bulkInvitationId', 'total', 'invited', 'reinvited', 'skipped', 'startedAt', 'completedAt'],
};

/** A webhook request that is not a valid, fresh Parkpass event: wrong signature or secret, missing headers, or a timestamp too far from now. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

function plainHeaders(headers: HeadersLike): Record<string, string> {
  const plain: Record<string, string> = {};
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
    (headers as { forEach(callback: (value: string, name: string) => void): void }).forEach((value, name) => {
      plain[name.toLowerCase()] = value;
    });
  } else {
    for (const [name, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[] | undefined>>)) {
      if (value !== undefined) plain[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
    }
  }
  return plain;
}

/**
 * Verifies a webhook request and returns its event. `payload` is the raw body
 * as received (not parsed and re-serialized: the signature covers its exact
 * bytes); `headers` holds webhook-id, webhook-timestamp and webhook-signature
 * (a fetch `Headers` or Node's `request.headers`); `secret` is the endpoint's
 * "whsec_…" secret. Throws WebhookVerificationError when the signature does
 * not match or the timestamp is more than 5 minutes away from now (replays).
 * Deduplicate by the `webhook-id` header: a retry carries the same one.
 */
export function verifyWebhook(payload: string | Uint8Array, headers: HeadersLike, secret: string): WebhookEvent {
  let event: { type?: unknown; timestamp?: unknown; data?: unknown };
  try {
    event = new Webhook(secret).verify(typeof payload === 'string' ? payload : new TextDecoder().decode(payload), plainHeaders(headers)) as typeof event;
  } catch (error) {
    if (error instanceof StandardWebhookVerificationError) throw new WebhookVerificationError(error.message, { cause: error });
    throw error;
  }
  const type = typeof event.type === 'string' ? event.type : '';
  if (Object.hasOwn(WEBHOOK_EVENT_FIELDS, type)) return event as KnownWebhookEvent;
  return {
    type: 'unknown',
    originalType: type,
    timestamp: typeof event.timestamp === 'string' ? event.timestamp : '',
    data: event.data && typeof event.data === 'object' ? (event.data as Record<string, unknown>) : {},
  };
}

/**
 * Signs an event as the server does, for your receiver's tests: the headers
 * (webhook-id, webhook-timestamp, webhook-signature) to send with `body`, which
 * `verifyWebhook(body, headers, secret)` accepts.
 */
export function signWebhook(
  body: string,
  secret: string,
  options: { id?: string | undefined; timestamp?: Date | undefined } = {},
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
}

import { Webhook, WebhookVerificationError } from 'standardwebhooks';

// Receiving Parkpass webhooks: the events' types, and verifyWebhook, which
// checks a request's Standard Webhooks signature (with the `standardwebhooks`
// package) and returns the event, typed. The server's catalogue is
// server/webhooks/webhook-events.ts; a test keeps the two equal.

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

/** The body of a webhook request: `switch (event.type)` narrows `data`. */
export type WebhookEvent = { [T in WebhookEventType]: { type: T; timestamp: string; data: WebhookEventDataMap[T] } }[WebhookEventType];

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

export { WebhookVerificationError };

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies a webhook request and returns its event. `payload` is the raw body
 * as received (not parsed and re-serialized: the signature covers its exact
 * bytes); `headers` holds webhook-id, webhook-timestamp and webhook-signature
 * (a fetch `Headers` or Node's `request.headers`); `secret` is the endpoint's
 * "whsec_…" secret. Throws WebhookVerificationError when the signature does
 * not match or the timestamp is more than 5 minutes away from now (replays).
 * Deduplicate by the `webhook-id` header: a retry carries the same one.
 */
export function verifyWebhook(payload: string | Buffer, headers: HeaderSource, secret: string): WebhookEvent {
  const plain: Record<string, string> = {};
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((value, name) => {
      plain[name.toLowerCase()] = value;
    });
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
      if (value !== undefined) plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return new Webhook(secret).verify(typeof payload === 'string' ? payload : payload.toString('utf8'), plain) as WebhookEvent;
}

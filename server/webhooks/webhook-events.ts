import type { Prisma } from '../generated/prisma/client.ts';
import { requestWebhookDelivery } from './webhook-jobs.ts';

// THE catalogue of outbound webhook events: wire name, GraphQL enum name,
// description and the fields of `data` (README "Webhook events" is printed
// from it and checked). Payloads carry ids and timestamps only: never a token,
// an email address or a name. The receiver reads the rest through the API.

export const WEBHOOK_EVENTS = {
  'profile.invited': {
    enumName: 'PROFILE_INVITED',
    description: 'A profile was invited (or re-invited): a new invitation exists and its email is queued.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The new invitation (global id).',
      bulkInvitationId: 'The bulk invitation it belongs to (global id), or null.',
      reinvited: 'True when an earlier invitation of the profile was replaced.',
      invitedAt: 'When it was created.',
      expiresAt: 'When its link stops working.',
    },
  },
  'invitation.accepted': {
    enumName: 'INVITATION_ACCEPTED',
    description: 'The person accepted an invitation and set a password: the profile is VALIDATED.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation (global id).',
      acceptedAt: 'When it was accepted.',
    },
  },
  'invitation.expired': {
    enumName: 'INVITATION_EXPIRED',
    description: 'An invitation reached its expiry without being accepted, revoked or replaced (announced within a minute or so).',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation (global id).',
      expiredAt: 'When it expired.',
    },
  },
  'invitation.revoked': {
    enumName: 'INVITATION_REVOKED',
    description: "An open invitation was revoked, by an admin or API key or because the profile's email changed: its link no longer works.",
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation (global id).',
      revokedAt: 'When it was revoked.',
    },
  },
  'profile.deactivated': {
    enumName: 'PROFILE_DEACTIVATED',
    description:
      'The directory (Entra ID, Okta) deactivated or deleted the person: the profile is DEACTIVATED, its open invitation closed, its group access removed.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      deactivatedAt: 'When it was deactivated.',
    },
  },
  'profile.reactivated': {
    enumName: 'PROFILE_REACTIVATED',
    description: 'The directory reactivated the person: the profile has its earlier status and group access back.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      status: 'The status it is back to.',
      reactivatedAt: 'When it was reactivated.',
    },
  },
  'email.bounced': {
    enumName: 'EMAIL_BOUNCED',
    description: "An invitation's email bounced (hard bounce): the address does not work and the profile is skipped until it changes.",
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation whose email bounced (global id).',
      occurredAt: 'When Parkpass learnt of it.',
    },
  },
  'email.complained': {
    enumName: 'EMAIL_COMPLAINED',
    description: "The recipient of an invitation's email reported it as spam.",
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation whose email was reported (global id).',
      occurredAt: 'When Parkpass learnt of it.',
    },
  },
  'bulk_invitation.completed': {
    enumName: 'BULK_INVITATION_COMPLETED',
    description: 'A bulk invitation went through its whole selection.',
    data: {
      bulkInvitationId: 'The bulk invitation (global id).',
      total: 'Profiles selected.',
      invited: 'Profiles invited for the first time.',
      reinvited: 'Profiles re-invited.',
      skipped: 'Profiles skipped (counted by reason in the API).',
      startedAt: 'When it started.',
      completedAt: 'When it finished.',
    },
  },
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

export type WebhookEventData<T extends WebhookEventType> = {
  [K in keyof (typeof WEBHOOK_EVENTS)[T]['data']]: string | number | boolean | null;
};

export const webhookEventTypeOfEnum = (enumName: string): WebhookEventType => WEBHOOK_EVENT_TYPES.find((type) => WEBHOOK_EVENTS[type].enumName === enumName)!;

/** A global id as the API shows it ("<Type>:<uuid>" in base64). */
export const globalIdOf = (typename: string, id: string): string => Buffer.from(`${typename}:${id}`).toString('base64');
export const nullableGlobalIdOf = (typename: string, id: string | null | undefined): string | null => (id ? globalIdOf(typename, id) : null);

/** The exact body sent and signed (Standard Webhooks' recommended shape). */
export function webhookPayload(type: WebhookEventType, occurredAt: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data });
}

type Executor = Pick<Prisma.TransactionClient, '$executeRaw' | '$queryRaw'>;

/**
 * Writes events to the outbox, in the caller's transaction (so an event
 * exists exactly when the change that caused it was committed), with one
 * delivery per enabled endpoint of the organization listening for its type,
 * and asks for a delivery run. One statement whatever the number of events
 * (two for a batch: it first asks whether anyone listens); nothing is written
 * when no endpoint listens (an organization without webhooks pays one indexed
 * lookup).
 */
export async function recordWebhookEvents<T extends WebhookEventType>(
  tx: Executor,
  organizationId: string,
  type: T,
  now: Date,
  events: { data: WebhookEventData<T>; occurredAt?: Date }[],
): Promise<void> {
  if (events.length === 0) return;
  if (events.length > 1) {
    // A batch (a bulk invitation's chunk) first asks whether anyone listens, so an organization without
    // webhooks does not build and ship thousands of payloads for nothing.
    const [listening] = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM webhook_endpoint WHERE organization_id = ${organizationId}::uuid AND enabled AND ${type} = ANY(event_types) LIMIT 1`;
    if (!listening) return;
  }
  const payloads = events.map((event) => webhookPayload(type, event.occurredAt ?? now, event.data));
  const occurredAts = events.map((event) => (event.occurredAt ?? now).toISOString());
  const written = await tx.$executeRaw`
    WITH listening AS (
      SELECT id FROM webhook_endpoint
      WHERE organization_id = ${organizationId}::uuid AND enabled AND ${type} = ANY(event_types)
    ), events AS (
      INSERT INTO webhook_event (id, organization_id, type, payload, occurred_at)
      SELECT gen_random_uuid(), ${organizationId}::uuid, ${type}, v.payload, v.occurred_at
      FROM unnest(${payloads}::text[], ${occurredAts}::timestamptz[]) AS v(payload, occurred_at)
      WHERE EXISTS (SELECT 1 FROM listening)
      RETURNING id
    )
    INSERT INTO webhook_delivery (id, organization_id, event_id, endpoint_id, state, next_attempt_at, created_at)
    SELECT gen_random_uuid(), ${organizationId}::uuid, events.id, listening.id, 'PENDING', ${now}::timestamptz, ${now}::timestamptz
    FROM events CROSS JOIN listening`;
  if (written > 0) await requestWebhookDelivery(tx);
}

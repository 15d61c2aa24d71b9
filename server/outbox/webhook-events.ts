import { Prisma } from '../generated/prisma/client.ts';
import type { WebhookEventData, WebhookEventType } from '../kernel/webhook-events.ts';
import { requestWebhookDelivery } from './webhook-jobs.ts';

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
  const [written] = await tx.$queryRaw<{ deliveries: number }[]>`
    WITH ${webhookEventsCtes(organizationId, type, now, events)} SELECT count(*)::int AS deliveries FROM webhook_deliveries`;
  if (written!.deliveries > 0) await requestWebhookDelivery(tx);
}

/**
 * The statement of recordWebhookEvents as CTEs (webhook_listening, webhook_events, and webhook_deliveries, which
 * RETURNs the deliveries' ids), for a change written in one statement of its own (server/outbox/index.ts,
 * enqueueInStatement); `onlyIf`, a condition the events are written under.
 */
export function webhookEventsCtes<T extends WebhookEventType>(
  organizationId: string,
  type: T,
  now: Date,
  events: { data: WebhookEventData<T>; occurredAt?: Date }[],
  onlyIf: Prisma.Sql = Prisma.sql`true`,
): Prisma.Sql {
  const payloads = events.map((event) => webhookPayload(type, event.occurredAt ?? now, event.data));
  const occurredAts = events.map((event) => (event.occurredAt ?? now).toISOString());
  return Prisma.sql`
    webhook_listening AS (
      SELECT id FROM webhook_endpoint
      WHERE organization_id = ${organizationId}::uuid AND enabled AND ${type} = ANY(event_types)
    ), webhook_events AS (
      INSERT INTO webhook_event (id, organization_id, type, payload, occurred_at)
      SELECT gen_random_uuid(), ${organizationId}::uuid, ${type}, v.payload, v.occurred_at
      FROM unnest(${payloads}::text[], ${occurredAts}::timestamptz[]) AS v(payload, occurred_at)
      WHERE EXISTS (SELECT 1 FROM webhook_listening) AND ${onlyIf}
      RETURNING id
    ), webhook_deliveries AS (
      INSERT INTO webhook_delivery (id, organization_id, event_id, endpoint_id, state, next_attempt_at, created_at)
      SELECT gen_random_uuid(), ${organizationId}::uuid, webhook_events.id, webhook_listening.id, 'PENDING', ${now}::timestamptz, ${now}::timestamptz
      FROM webhook_events CROSS JOIN webhook_listening
      RETURNING id
    )`;
}

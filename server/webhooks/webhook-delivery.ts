import { enqueue } from '../outbox/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { WebhookRequestLimits } from './webhook-sender.ts';
import { postWebhook } from './webhook-sender.ts';
import { signedHeaders } from './webhook-secrets.ts';
import { webhookDeliveries } from '../observability/metrics.ts';

// Sends the outbox. A run claims due deliveries (several workers never take
// the same one: SKIP LOCKED, and the claim moves `next_attempt_at` to the end
// of a lease before anything is sent), posts each once, records the attempt,
// and schedules the next try with exponential back-off. A worker that dies
// mid-send leaves the delivery due again when its lease ends: delivery is at
// least once, and `webhook-id` lets the receiver drop a repeat.

/** Waits after the 1st, 2nd… failed attempt: about three days in 15 attempts (like Svix's schedule, a little longer). */
export const RETRY_DELAYS_MS = [
  5_000,
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  3_600_000,
  2 * 3_600_000,
  4 * 3_600_000,
  8 * 3_600_000,
  12 * 3_600_000,
  12 * 3_600_000,
  12 * 3_600_000,
  12 * 3_600_000,
  12 * 3_600_000,
];
/** An endpoint whose every attempt failed for this long is disabled (and the admin told, see webhook.graphql.ts). */
export const DISABLE_AFTER_FAILING_MS = 72 * 3_600_000;

export interface WebhookDeliverySettings extends WebhookRequestLimits {
  /** Deliveries claimed at once (and sent in parallel). */
  batchSize: number;
}

export const DEFAULT_WEBHOOK_DELIVERY: Omit<WebhookDeliverySettings, 'allowPrivateAddresses'> = {
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  batchSize: 20,
};

export interface WebhookDeliveryDependencies {
  prisma: PrismaClient;
  clock: Clock;
  /** The server secret the endpoints' secrets derive from. */
  settings: { invitationTokenSecret: string };
  webhooks: WebhookDeliverySettings;
}

interface Claimed {
  id: string;
  attempt_count: number;
  created_at: Date;
  endpoint_id: string;
  event_id: string;
}

/** Batches per run before it yields to other jobs (it re-queues itself at once when more are due). */
const MAX_BATCHES_PER_RUN = 25;

export async function deliverDueWebhooks(deps: WebhookDeliveryDependencies): Promise<void> {
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const sent = await deliverOneBatch(deps);
    if (sent < deps.webhooks.batchSize) break;
  }
  await scheduleNextRun(deps);
}

async function deliverOneBatch(deps: WebhookDeliveryDependencies): Promise<number> {
  const { prisma, clock, webhooks } = deps;
  const now = clock.now();
  const leaseEnd = new Date(now.getTime() + webhooks.timeoutMs + 60_000);
  const claimed = await prisma.$queryRaw<Claimed[]>`
    UPDATE webhook_delivery d SET next_attempt_at = ${leaseEnd}::timestamptz, attempt_count = d.attempt_count + 1
    WHERE d.id IN (
      SELECT d2.id FROM webhook_delivery d2 JOIN webhook_endpoint e ON e.id = d2.endpoint_id
      WHERE d2.state = 'PENDING' AND d2.next_attempt_at <= ${now}::timestamptz AND e.enabled
      ORDER BY d2.next_attempt_at, d2.id
      LIMIT ${webhooks.batchSize}
      FOR UPDATE OF d2 SKIP LOCKED)
    RETURNING d.id, d.attempt_count, d.created_at, d.endpoint_id, d.event_id`;
  if (claimed.length === 0) return 0;
  const [events, endpoints] = await Promise.all([
    prisma.webhookEvent.findMany({ where: { id: { in: claimed.map((row) => row.event_id) } } }),
    prisma.webhookEndpoint.findMany({ where: { id: { in: claimed.map((row) => row.endpoint_id) } } }),
  ]);
  const eventById = new Map(events.map((event) => [event.id, event]));
  const endpointById = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  // An endpoint deleted since the claim took its deliveries with it: nothing to send.
  const sendable = claimed.filter((row) => eventById.has(row.event_id) && endpointById.has(row.endpoint_id));
  const results = await Promise.all(
    sendable.map(async (row) => {
      const event = eventById.get(row.event_id)!;
      const endpoint = endpointById.get(row.endpoint_id)!;
      const attemptedAt = clock.now();
      const headers = signedHeaders(deps.settings.invitationTokenSecret, endpoint, event.id, event.payload, attemptedAt);
      const result = await postWebhook(endpoint.url, { ...headers }, event.payload, webhooks);
      return { row, endpoint, attemptedAt, result };
    }),
  );
  await prisma.$transaction(async (tx) => {
    const finishedAt = clock.now();
    // An endpoint deleted while its messages were in flight took its deliveries with it.
    const ids = results.map(({ row }) => row.id);
    if (ids.length === 0) return;
    const present = new Set(
      (await tx.$queryRaw<{ id: string }[]>`SELECT id FROM webhook_delivery WHERE id = ANY(${ids}::uuid[]) FOR UPDATE`).map((row) => row.id),
    );
    for (const { row, endpoint, attemptedAt, result } of results) {
      if (!present.has(row.id)) continue;
      await tx.webhookAttempt.create({
        data: {
          deliveryId: row.id,
          attemptedAt,
          durationMs: result.durationMs,
          responseStatus: result.responseStatus,
          outcome: result.outcome,
          error: result.error,
        },
      });
      webhookDeliveries.inc({ outcome: result.outcome.toLowerCase() });
      if (result.outcome === 'SUCCESS') {
        await tx.webhookDelivery.update({
          where: { id: row.id },
          data: { state: 'DELIVERED', deliveredAt: finishedAt, lastAttemptAt: attemptedAt, nextAttemptAt: null },
        });
        await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: { not: null } }, data: { failingSince: null } });
        continue;
      }
      const delay = RETRY_DELAYS_MS[row.attempt_count - 1];
      await tx.webhookDelivery.update({
        where: { id: row.id },
        data:
          delay === undefined
            ? { state: 'FAILED', lastAttemptAt: attemptedAt, nextAttemptAt: null }
            : { lastAttemptAt: attemptedAt, nextAttemptAt: new Date(finishedAt.getTime() + delay) },
      });
      await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: null }, data: { failingSince: attemptedAt } });
      const disabled = await tx.webhookEndpoint.updateMany({
        where: { id: endpoint.id, enabled: true, failingSince: { lte: new Date(finishedAt.getTime() - DISABLE_AFTER_FAILING_MS) } },
        data: { enabled: false, disabledReason: 'FAILING', disabledAt: finishedAt },
      });
      if (disabled.count > 0) {
        await recordAudit(
          tx,
          { organizationId: endpoint.organizationId, actor: { kind: 'PARKPASS' }, now: finishedAt },
          {
            kind: 'WEBHOOK_ENDPOINT_DISABLED',
            subjectId: endpoint.id,
            summary: `Disabled the webhook endpoint ${endpoint.url}: every delivery failed for three days (last: ${result.error ?? result.outcome}).`,
          },
        );
      }
    }
  });
  return claimed.length;
}

/** Queues the run for the earliest pending delivery (a lease end included, so a crashed send is taken over). */
async function scheduleNextRun(deps: WebhookDeliveryDependencies): Promise<void> {
  const [next] = await deps.prisma.$queryRaw<{ at: Date | null }[]>`
    SELECT min(d.next_attempt_at) AS at FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
    WHERE d.state = 'PENDING' AND e.enabled`;
  if (!next?.at) return;
  await enqueue(deps.prisma, { job: { task: 'deliverWebhooks', inMs: next.at.getTime() - deps.clock.now().getTime() } });
}

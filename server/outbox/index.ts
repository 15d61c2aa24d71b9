import type { Prisma } from '../generated/prisma/client.ts';
import type { WebhookEventData, WebhookEventType } from '../kernel/webhook-events.ts';
import { type QueuedEmail, queueEmails } from './emails.ts';
import { requestBulkInvitationRun, requestEmailDelivery, requestEmailDeliveryIn, requestInvitationRenewal } from './job-queue.ts';
import { announceBulkInvitationProgress } from './progress-notices.ts';
import { recordWebhookEvents } from './webhook-events.ts';
import { requestExpiredInvitationScan, requestWebhookDelivery, scheduleWebhookDelivery } from './webhook-jobs.ts';

// THE way a domain asks for work after its change: emails to send, webhook
// events to deliver, background jobs to run, progress to announce. Each is
// written in the caller's transaction, so it exists exactly when the change
// that caused it was committed, and never when it was rolled back. Domains
// write no email, webhook or job row themselves; the worker (server/app/worker.ts)
// and the delivery code of the email and webhooks domains read them.

export type { QueuedEmail } from './emails.ts';

/** Events of one type in one organization; each becomes one delivery per endpoint listening for it. */
export type WebhookEvents = {
  [T in WebhookEventType]: { organizationId: string; type: T; now: Date; events: { data: WebhookEventData<T>; occurredAt?: Date }[] };
}[WebhookEventType];

/** A background job; `inMs` delays it (counted on the database's clock). */
export type Job =
  | { task: 'deliverEmails'; inMs?: number }
  | { task: 'runBulkInvitation'; bulkInvitationId: string }
  | { task: 'renewInvitation'; tokenHash: string }
  | { task: 'deliverWebhooks'; inMs?: number }
  | { task: 'scanExpiredInvitations' };

export type OutboxItem =
  | { emails: readonly QueuedEmail[]; now: Date }
  | { webhookEvents: WebhookEvents }
  | { job: Job }
  | { progressOf: { bulkInvitationId: string } };

type Executor = Pick<Prisma.TransactionClient, '$executeRaw' | '$queryRaw'>;

export async function enqueue(tx: Executor, item: OutboxItem): Promise<void> {
  if ('emails' in item) return queueEmails(tx, item.emails, item.now);
  if ('webhookEvents' in item) {
    const { organizationId, type, now, events } = item.webhookEvents;
    return recordWebhookEvents(tx, organizationId, type, now, events as { data: WebhookEventData<typeof type> }[]);
  }
  if ('progressOf' in item) return announceBulkInvitationProgress(tx, item.progressOf.bulkInvitationId);
  const { job } = item;
  switch (job.task) {
    case 'deliverEmails':
      return job.inMs === undefined ? requestEmailDelivery(tx) : requestEmailDeliveryIn(tx, job.inMs);
    case 'runBulkInvitation':
      return requestBulkInvitationRun(tx, job.bulkInvitationId);
    case 'renewInvitation':
      return requestInvitationRenewal(tx, job.tokenHash);
    case 'deliverWebhooks':
      return job.inMs === undefined ? requestWebhookDelivery(tx) : scheduleWebhookDelivery(tx, job.inMs);
    case 'scanExpiredInvitations':
      return requestExpiredInvitationScan(tx);
  }
}

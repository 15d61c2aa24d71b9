import { Prisma } from '../generated/prisma/client.ts';
import type { WebhookEventData, WebhookEventType } from '../kernel/webhook-events.ts';
import { emailsInsert, type QueuedEmail, queueEmails } from './emails.ts';
import { emailDeliveryJob, requestBulkInvitationRun, requestEmailDelivery, requestEmailDeliveryIn, requestInvitationRenewal } from './job-queue.ts';
import { announceBulkInvitationProgress } from './progress-notices.ts';
import { recordWebhookEvents, webhookEventsCtes } from './webhook-events.ts';
import { requestExpiredInvitationScan, requestWebhookDelivery, scheduleWebhookDelivery, webhookDeliveryJob } from './webhook-jobs.ts';

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

/**
 * The same emails and webhook events for a change written in one statement
 * (a chain of data-modifying CTEs: atomic without a transaction, and its row
 * locks held for that statement only). `ctes`: the CTE definitions that write
 * them when `onlyIf` holds and ask for their delivery runs, to put in the
 * statement's WITH; `run`: an expression its final SELECT must evaluate (a CTE
 * that only calls a function runs when it is read). The delivery jobs' rows,
 * which every email- or event-writing change locks, are taken there, emails
 * first (as invitation-batch does): make `onlyIf` read the statement's other
 * writes of shared rows (e.g. EXISTS (SELECT 1 FROM <the update's CTE>)), so
 * they come before.
 */
export function enqueueInStatement(
  items: { emails: readonly QueuedEmail[]; webhookEvents: WebhookEvents; now: Date },
  onlyIf: Prisma.Sql,
): { ctes: Prisma.Sql; run: Prisma.Sql } {
  const { organizationId, type, events } = items.webhookEvents;
  const ctes = Prisma.sql`
    outbox_emails AS (${emailsInsert(items.emails, items.now, onlyIf)}),
    outbox_email_run AS (SELECT ${emailDeliveryJob} FROM (SELECT 1 FROM outbox_emails LIMIT 1) AS queued),
    ${webhookEventsCtes(organizationId, type, items.now, events as { data: WebhookEventData<typeof type> }[], onlyIf)},
    outbox_webhook_run AS (SELECT ${webhookDeliveryJob} FROM (SELECT 1 FROM webhook_deliveries LIMIT 1) AS delivered)`;
  const run = Prisma.sql`((SELECT count(*) FROM outbox_email_run) + (SELECT count(*) FROM outbox_webhook_run))`;
  return { ctes, run };
}

import { Logger, run, runOnce, type TaskList } from 'graphile-worker';
import { pruneSignInRecords } from '../auth/sessions.ts';
import type { Clock } from '../scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { deliverQueuedEmails, type EmailSettings } from '../email/email-delivery.ts';
import type { EmailTransport } from '../email/email-transport.ts';
import { markBulkInvitationFailed, runBulkInvitation } from '../invitations/bulk-invitation-service.ts';
import { requestBulkInvitationRun, requestEmailDelivery, TASKS } from './job-queue.ts';
import { scanExpiredInvitations } from '../webhooks/invitation-expiry.ts';
import { DEFAULT_WEBHOOK_DELIVERY, deliverDueWebhooks, type WebhookDeliverySettings } from '../webhooks/webhook-delivery.ts';
import { requestWebhookDelivery, WEBHOOK_CRONTAB, WEBHOOK_TASKS } from '../webhooks/webhook-jobs.ts';

export interface WorkerDependencies {
  connectionString: string;
  prisma: PrismaClient;
  clock: Clock;
  transport: EmailTransport;
  settings: EmailSettings;
  /** Outbound webhooks: request limits, and whether private addresses may be reached (never in production). Default: public addresses only. */
  webhooks?: WebhookDeliverySettings;
}

// graphile-worker retries a failed job with exponential back-off
// (exp(min(attempts, 10)) seconds). A cron run every five minutes also picks
// up emails whose job gave up, so a queued email is never forgotten.
const CRONTAB = [
  `*/5 * * * * ${TASKS.deliverEmails} ?jobKey=${TASKS.deliverEmails}&jobKeyMode=preserve_run_at`,
  `17 * * * * ${TASKS.pruneSignInRecords} ?jobKey=${TASKS.pruneSignInRecords}`,
  ...WEBHOOK_CRONTAB,
].join('\n');

const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.warn(`[worker] ${message}`);
});

export function taskList(deps: WorkerDependencies): TaskList {
  return {
    [TASKS.deliverEmails]: async () => {
      await deliverQueuedEmails(deps);
    },
    [TASKS.pruneSignInRecords]: async () => {
      await pruneSignInRecords(deps.prisma, deps.clock.now());
    },
    [WEBHOOK_TASKS.deliverWebhooks]: async () => {
      await deliverDueWebhooks({ ...deps, webhooks: deps.webhooks ?? { ...DEFAULT_WEBHOOK_DELIVERY, allowPrivateAddresses: false } });
    },
    [WEBHOOK_TASKS.scanExpiredInvitations]: async () => {
      await scanExpiredInvitations(deps);
    },
    [TASKS.runBulkInvitation]: async (payload, helpers) => {
      const { bulkInvitationId } = payload as { bulkInvitationId: string };
      try {
        await runBulkInvitation(deps, bulkInvitationId);
      } catch (error) {
        // Out of retries: say so on the bulk invitation (what was invited stays invited).
        if (helpers.job.attempts >= helpers.job.max_attempts) await markBulkInvitationFailed(deps, bulkInvitationId, error);
        throw error;
      }
    },
  };
}

/** The queue's schema is created by the database bootstrap (server/database/index.ts). */
export { migrateJobQueue } from '../database/job-queue-schema.ts';

/**
 * Runs jobs in this process until stopped (`npm start` does; `npm run worker`
 * runs it alone). At start it asks again for the work a crashed process may
 * have held: graphile-worker leaves a dead worker's job locked for 4 hours,
 * and a job key held by a locked job gets a fresh job at once. Running a bulk
 * invitation twice at the same time is safe (each chunk locks it).
 */
export async function startWorker(deps: WorkerDependencies, concurrency = 2) {
  await deps.prisma.$transaction(async (tx) => {
    await requestEmailDelivery(tx);
    await requestWebhookDelivery(tx);
    const unfinished = await tx.bulkInvitation.findMany({ where: { state: { in: ['QUEUED', 'RUNNING'] } }, select: { id: true } });
    for (const bulk of unfinished) await requestBulkInvitationRun(tx, bulk.id);
  });
  const runner = await run({
    connectionString: deps.connectionString,
    concurrency,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList: taskList(deps),
    crontab: CRONTAB,
    logger: quietLogger,
  });
  return { stop: () => runner.stop(), promise: runner.promise };
}

/** Runs every job that is due now, then returns (tests). */
export async function runDueJobs(deps: WorkerDependencies): Promise<void> {
  await runOnce({ connectionString: deps.connectionString, taskList: taskList(deps), logger: quietLogger });
}

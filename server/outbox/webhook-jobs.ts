import { Prisma } from '../generated/prisma/client.ts';

// The webhook jobs on graphile-worker (wired in server/app/worker.ts).

export const WEBHOOK_TASKS = {
  /** Sends the webhook deliveries that are due, then schedules itself for the next one. */
  deliverWebhooks: 'deliver-webhooks',
  /** Every minute: announces the invitations that expired since the last scan (invitation.expired). */
  scanExpiredInvitations: 'scan-expired-invitations',
} as const;

/** Every minute, whatever else happens: a missed reschedule or a crashed worker delays a delivery by a minute at most. */
export const WEBHOOK_CRONTAB = [
  `* * * * * ${WEBHOOK_TASKS.deliverWebhooks} ?jobKey=${WEBHOOK_TASKS.deliverWebhooks}&jobKeyMode=preserve_run_at`,
  `* * * * * ${WEBHOOK_TASKS.scanExpiredInvitations} ?jobKey=${WEBHOOK_TASKS.scanExpiredInvitations}`,
];

type Executor = Pick<Prisma.TransactionClient, '$executeRaw'>;

/** The call that asks for a delivery run now (new events, an endpoint enabled again, a retry asked for). One job key: runs never pile up. */
export const webhookDeliveryJob = Prisma.sql`graphile_worker.add_job(${WEBHOOK_TASKS.deliverWebhooks}, '{}'::json, job_key := ${WEBHOOK_TASKS.deliverWebhooks}, job_key_mode := 'replace', max_attempts := 5)`;

/** Asks for a delivery run now (webhookDeliveryJob). */
export async function requestWebhookDelivery(tx: Executor): Promise<void> {
  await tx.$executeRaw`SELECT ${webhookDeliveryJob}`;
}

/**
 * The next run, `delayMs` from now in the database's time (at least a second,
 * so a run never re-queues itself for at once). An earlier run already queued
 * (by a new event) is kept.
 */
export async function scheduleWebhookDelivery(tx: Executor, delayMs: number): Promise<void> {
  const seconds = Math.max(1, Math.ceil(delayMs / 1000));
  await tx.$executeRaw`SELECT graphile_worker.add_job(${WEBHOOK_TASKS.deliverWebhooks}, '{}'::json, run_at := now() + make_interval(secs => ${seconds}::int), job_key := ${WEBHOOK_TASKS.deliverWebhooks}, job_key_mode := 'preserve_run_at', max_attempts := 5)`;
}

/** A scan for expired invitations now (the cron does it every minute; tests and the worker's start ask directly). */
export async function requestExpiredInvitationScan(tx: Executor): Promise<void> {
  await tx.$executeRaw`SELECT graphile_worker.add_job(${WEBHOOK_TASKS.scanExpiredInvitations}, '{}'::json, job_key := ${WEBHOOK_TASKS.scanExpiredInvitations}, max_attempts := 5)`;
}

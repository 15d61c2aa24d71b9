import { Prisma } from '../generated/prisma/client.ts';

// Background work runs on graphile-worker (a PostgreSQL job queue). Jobs are
// added with its SQL function inside the caller's transaction, so a job
// exists exactly when the rows it works on were committed: a crash or an
// outage delays the work, and never loses it.

export const TASKS = {
  /** Sends the queued emails in batches of up to 500 (Postmark's batch limit) and settles unfinished send attempts. */
  deliverEmails: 'deliver-emails',
  /** Runs a bulk invitation chunk by chunk, resuming after a crash. */
  runBulkInvitation: 'run-bulk-invitation',
  /** Hourly: deletes old failed sign-ins and ended sessions. */
  pruneSignInRecords: 'prune-sign-in-records',
  /** Every few minutes: queues the reminders due before invitations expire (server/invitations/invitation-reminders.ts). */
  queueReminders: 'queue-invitation-reminders',
  /** An invited person asked for a new link from an expired invitation's page (server/invitations/invitation-renewal.ts). */
  renewInvitation: 'renew-invitation',
} as const;

type Executor = Pick<Prisma.TransactionClient, '$executeRaw'>;

/**
 * The call that asks for a delivery run now, for a statement of its own or the
 * end of one that writes emails (queueEmails). One job key: many invitations
 * share one pending run. (Back-off lives on the emails themselves, not on this
 * job.) That job's row is the one row every email-writing transaction locks
 * until it commits, so the call comes last in those transactions.
 */
export const emailDeliveryJob = Prisma.sql`graphile_worker.add_job(${TASKS.deliverEmails}, '{}'::json, job_key := ${TASKS.deliverEmails}, job_key_mode := 'preserve_run_at', max_attempts := 30)`;

/** Asks for a delivery run now (emailDeliveryJob). */
export async function requestEmailDelivery(tx: Executor): Promise<void> {
  await tx.$executeRaw`SELECT ${emailDeliveryJob}`;
}

/**
 * Asks for a delivery run in `delayMs` (the earliest back-off or
 * reconciliation due), counted from the database's clock. Its own job key, so
 * it neither delays nor is delayed by the runs new emails ask for.
 */
export async function requestEmailDeliveryIn(tx: Executor, delayMs: number): Promise<void> {
  await tx.$executeRaw`SELECT graphile_worker.add_job(${TASKS.deliverEmails}, '{}'::json, run_at := now() + ${Math.ceil(delayMs)}::int * interval '1 millisecond', job_key := ${`${TASKS.deliverEmails}-later`}, job_key_mode := 'replace', max_attempts := 30)`;
}

export async function requestBulkInvitationRun(tx: Executor, bulkInvitationId: string): Promise<void> {
  await tx.$executeRaw`SELECT graphile_worker.add_job(${TASKS.runBulkInvitation}, json_build_object('bulkInvitationId', ${bulkInvitationId}::text), job_key := ${`bulk-invitation:${bulkInvitationId}`}, max_attempts := 30)`;
}

/**
 * Records an invited person's request for a new link, by the SHA-256 of the
 * token they hold (never the token): the same single statement whatever the
 * token names, so the answer and its timing say nothing. The job decides.
 * Requests for one token within the job's wait share one job.
 */
export async function requestInvitationRenewal(tx: Executor, tokenHash: string): Promise<void> {
  await tx.$executeRaw`SELECT graphile_worker.add_job(${TASKS.renewInvitation}, json_build_object('tokenHash', ${tokenHash}::text), job_key := ${`renew-invitation:${tokenHash}`}, max_attempts := 10)`;
}

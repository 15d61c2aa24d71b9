import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { Logger, makeWorkerUtils, run, runOnce, type RunnerOptions, type TaskList, type WorkerEvents } from 'graphile-worker';
import { pruneSignInRecords } from '../auth/sessions.ts';
import type { Clock } from '../kernel/scope.ts';
import { createPool, endLogged } from '../database/connections.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { deliverQueuedEmails, type EmailSettings } from '../email/email-delivery.ts';
import type { EmailTransport } from '../email/email-transport.ts';
import { markBulkInvitationFailed, runBulkInvitation } from '../bulk-invitations/bulk-invitation-service.ts';
import { queueDueReminders } from '../invitations/invitation-reminders.ts';
import { renewExpiredInvitation } from '../invitations/invitation-renewal.ts';
import { createNewLinkLimits, type NewLinkLimits } from '../security/rate-limits.ts';
import { requestBulkInvitationRun, requestEmailDelivery, TASKS } from '../outbox/job-queue.ts';
import { type StoppableRunner, superviseRunner } from './runner-supervisor.ts';
import { scanExpiredInvitations } from '../webhooks/invitation-expiry.ts';
import { DEFAULT_WEBHOOK_DELIVERY, deliverDueWebhooks, type WebhookDeliverySettings } from '../webhooks/webhook-delivery.ts';
import { requestWebhookDelivery, WEBHOOK_CRONTAB, WEBHOOK_TASKS } from '../outbox/webhook-jobs.ts';
import { log, withLogContext } from '../observability/log.ts';
import { jobsTotal } from '../observability/metrics.ts';
import { inSpan } from '../observability/tracing.ts';

export interface WorkerDependencies {
  /** The database without a transaction-mode pooler (DIRECT_DATABASE_URL): graphile-worker LISTENs and holds locks. */
  connectionString: string;
  prisma: PrismaClient;
  clock: Clock;
  transport: EmailTransport;
  settings: EmailSettings;
  /** "Send me a new link" limits per profile and address; counted in memory when absent (tests), in PostgreSQL by startWorker. */
  newLinkLimits?: NewLinkLimits;
  /** Outbound webhooks: request limits, and whether private addresses may be reached (never in production). Default: public addresses only. */
  webhooks?: WebhookDeliverySettings;
  /** Aborted when the worker stops: long jobs (bulk invitations, email batches) stop between two chunks and hand the rest back to the queue. */
  signal?: AbortSignal;
}

// graphile-worker retries a failed job with exponential back-off
// (exp(min(attempts, 10)) seconds). A cron run every five minutes also picks
// up emails whose job gave up, so a queued email is never forgotten.
const CRONTAB = [
  `*/5 * * * * ${TASKS.deliverEmails} ?jobKey=${TASKS.deliverEmails}&jobKeyMode=preserve_run_at`,
  `17 * * * * ${TASKS.pruneSignInRecords} ?jobKey=${TASKS.pruneSignInRecords}`,
  // Reminders go out within five minutes of their time; several workers may run this at once (the claim is exclusive).
  `*/5 * * * * ${TASKS.queueReminders} ?jobKey=${TASKS.queueReminders}`,
  ...WEBHOOK_CRONTAB,
].join('\n');

/** In-memory new-link limits of dependencies that bring none, kept per dependencies object so that successive runs count together. */
const memoryNewLinkLimits = new WeakMap<WorkerDependencies, NewLinkLimits>();
function newLinkLimitsOf(deps: WorkerDependencies): NewLinkLimits {
  if (deps.newLinkLimits) return deps.newLinkLimits;
  const known = memoryNewLinkLimits.get(deps);
  if (known) return known;
  const limits = createNewLinkLimits();
  memoryNewLinkLimits.set(deps, limits);
  return limits;
}

const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') log.warn({ component: 'worker' }, message);
});

/**
 * Each job runs with its id and task on every log line, in a span of its own,
 * and is counted; a failure is one line (graphile-worker retries it).
 */
function observed(tasks: TaskList): TaskList {
  return Object.fromEntries(
    Object.entries(tasks).map(([task, run]) => [
      task,
      (async (payload, helpers) =>
        withLogContext({ jobId: String(helpers.job.id), task }, () =>
          inSpan(`job ${task}`, { 'job.id': String(helpers.job.id), 'job.attempt': helpers.job.attempts }, async () => {
            const started = performance.now();
            try {
              await run!(payload, helpers);
              jobsTotal.inc({ task, outcome: 'completed' });
              log.debug({ component: 'worker', durationMs: Math.round(performance.now() - started) }, 'job completed');
            } catch (error) {
              jobsTotal.inc({ task, outcome: 'failed' });
              log.warn({ component: 'worker', err: error, attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts }, 'job failed');
              throw error;
            }
          }),
        )) satisfies NonNullable<TaskList[string]>,
    ]),
  );
}

export function taskList(deps: WorkerDependencies): TaskList {
  return observed({
    [TASKS.deliverEmails]: async () => {
      await deliverQueuedEmails(deps);
      // Stopped between batches: the emails still queued go to the next worker.
      if (deps.signal?.aborted) await requestEmailDelivery(deps.prisma);
    },
    [TASKS.pruneSignInRecords]: async () => {
      await pruneSignInRecords(deps.prisma, deps.clock.now());
    },
    [TASKS.queueReminders]: async () => {
      await queueDueReminders(deps);
    },
    [TASKS.renewInvitation]: async (payload) => {
      const { tokenHash } = payload as { tokenHash: string };
      await renewExpiredInvitation({ ...deps, newLinkLimits: newLinkLimitsOf(deps) }, tokenHash);
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
        const bulk = await runBulkInvitation(deps, bulkInvitationId, deps.signal);
        // Stopped between chunks: handed back to the queue (a fresh job under the same key), for the next worker.
        if (bulk.state === 'QUEUED' || bulk.state === 'RUNNING') await requestBulkInvitationRun(deps.prisma, bulkInvitationId);
      } catch (error) {
        // Out of retries: say so on the bulk invitation (what was invited stays invited).
        if (helpers.job.attempts >= helpers.job.max_attempts) await markBulkInvitationFailed(deps, bulkInvitationId, error);
        throw error;
      }
    },
  });
}

/** The queue's schema is created by the database bootstrap (server/database/index.ts). */

/**
 * Runs jobs in this process until stopped (`npm start` does; `npm run worker`
 * runs it alone). At start it asks again for the work a crashed process may
 * have held: graphile-worker leaves a dead worker's job locked for 4 hours,
 * and a job key held by a locked job gets a fresh job at once. Running a bulk
 * invitation twice at the same time is safe (each chunk locks it).
 */
export async function startWorker(given: WorkerDependencies, concurrency = 2) {
  // The new-link limits count in PostgreSQL, shared by every worker.
  const limitsPool = given.newLinkLimits ? null : createPool('new-link-limits', { connectionString: given.connectionString, max: 2 });
  const stopping = new AbortController();
  const deps = { ...given, signal: stopping.signal, ...(limitsPool ? { newLinkLimits: createNewLinkLimits({ pool: limitsPool }) } : {}) };
  await deps.prisma.$transaction(async (tx) => {
    await requestEmailDelivery(tx);
    await requestWebhookDelivery(tx);
    const unfinished = await tx.bulkInvitation.findMany({ where: { state: { in: ['QUEUED', 'RUNNING'] } }, select: { id: true } });
    for (const bulk of unfinished) await requestBulkInvitationRun(tx, bulk.id);
  });
  // graphile-worker's own pool, made here so its connections are named and logged like every other (it adds its own listeners).
  const jobsPool = createPool('jobs', { connectionString: deps.connectionString, max: 10 });
  const runner = await superviseJobRunner(jobsPool, {
    concurrency,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList: taskList(deps),
    crontab: CRONTAB,
    logger: quietLogger,
  }).catch(async (error: unknown) => {
    await endLogged('the job pool', jobsPool.end());
    await endLogged('the new-link limits pool', limitsPool?.end());
    throw error;
  });
  return {
    /** Lets running jobs finish (long ones stop between chunks and hand the rest back), then closes the pools. */
    stop: async () => {
      stopping.abort();
      await endLogged('the job runner', runner.stop());
      await endLogged('the job pool', jobsPool.end());
      await endLogged('the new-link limits pool', limitsPool?.end());
    },
  };
}

/** graphile-worker's runner on `pgPool`, started again whenever it stops by itself (see startRunner), until stopped. */
export function superviseJobRunner(
  pgPool: pg.Pool,
  options: Omit<RunnerOptions, 'pgPool' | 'events'>,
  delaysMs?: readonly number[],
): Promise<{ stop(): Promise<void> }> {
  const retired = new Set<string>();
  return superviseRunner(() => startRunner(pgPool, options, retired), delaysMs);
}

/**
 * One graphile-worker runner, for the supervisor. When the database goes away
 * while a job runs (a failover, a restart), graphile-worker cannot write the
 * job's end (success or failure): it drops that worker for good, never starts
 * another in its place, and leaves the job locked for 4 hours (a bulk
 * invitation stuck half-way). So a worker lost that way stops the whole
 * runner (the supervisor starts a new one, at full concurrency), and a new
 * runner, once it reaches the database, unlocks the jobs of every worker of
 * the runners before it (`retired`: their ids, none of them running any more):
 * those jobs run again at once.
 */
async function startRunner(pgPool: pg.Pool, options: Omit<RunnerOptions, 'pgPool' | 'events'>, retired: Set<string>): Promise<StoppableRunner> {
  const events: WorkerEvents = new EventEmitter();
  const workerIds: string[] = [];
  events.on('worker:create', ({ worker }) => workerIds.push(worker.workerId));
  let workerLost: (error: unknown) => void = () => {};
  const lost = new Promise<never>((_resolve, reject) => (workerLost = reject));
  events.on('worker:fatalError', ({ error }) => workerLost(error));
  const runner = await run({ ...options, pgPool, events });
  if (retired.size) {
    try {
      const utils = await makeWorkerUtils({ pgPool, logger: options.logger });
      try {
        await utils.forceUnlockWorkers([...retired]);
      } finally {
        await utils.release();
      }
      log.info({ component: 'worker' }, `Unlocked the jobs held by ${retired.size} stopped job runner worker(s).`);
      retired.clear();
    } catch (error) {
      await runner.stop().catch(() => {});
      throw error;
    }
  }
  const retire = () => {
    for (const id of workerIds) retired.add(id);
  };
  return {
    stop: async () => {
      retire();
      await runner.stop();
    },
    promise: Promise.race([runner.promise, lost]).catch(async (error: unknown) => {
      retire();
      // Its other workers stop too (their jobs are released if the database is back, else unlocked by the next runner).
      await runner.stop().catch(() => {});
      throw error;
    }),
  };
}

/** Runs every job that is due now, then returns (tests). */
export async function runDueJobs(deps: WorkerDependencies): Promise<void> {
  const jobsPool = createPool('jobs', { connectionString: deps.connectionString, max: 2 });
  try {
    await runOnce({ pgPool: jobsPool, taskList: taskList(deps), logger: quietLogger });
  } finally {
    await jobsPool.end();
  }
}

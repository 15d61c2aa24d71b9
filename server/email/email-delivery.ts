import { enqueue } from '../outbox/index.ts';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState } from '../generated/prisma/enums.ts';
import { contactRefusal } from './communication-gate.ts';
import { recordInvitationDeliveryStates } from './invitation-delivery-state.ts';
import { emailRenderSelect, type RenderedEmail, renderEmail } from './email-templates.ts';
import { type EmailTransport, MAX_BATCH_SIZE, type OutgoingEmail, type SendResult, TransportError } from './email-transport.ts';
import { log } from '../observability/log.ts';
import { emailsTotal } from '../observability/metrics.ts';

// Exactly-once delivery (docs/invitations.md, "Email delivery"). An email row moves
//   QUEUED ──claim (committed)──▶ SENDING ──Postmark's answer──▶ SENT | BOUNCED | FAILED | QUEUED (retry with back-off)
//   QUEUED ──the communication gate says no──▶ CANCELLED
// A batch is claimed and committed as SENDING under a fresh send-attempt id
// before it goes out, and every message carries Postmark metadata `emailId`
// and `sendAttemptId`. Whoever finds an attempt still SENDING after its
// deadline (its process died, or Postmark's answer never came) asks Postmark's
// outbound-message search which messages of that attempt it holds: those are
// SENT, the others go back to QUEUED. Nothing is sent again before that answer.

export interface EmailSettings {
  from: string;
  publicUrl: string;
  invitationTokenSecret: string;
}

export interface DeliveryDependencies {
  prisma: PrismaClient;
  clock: Clock;
  transport: EmailTransport;
  settings: EmailSettings;
  /** Aborted when the worker stops: no further batch is claimed (a batch claimed is sent and recorded). */
  signal?: AbortSignal;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  cancelled: number;
  /** Refused for now (whole request or one row); queued again with back-off. */
  retrying: number;
  /** Left unsure (timeout, network, 5xx): reconciled with Postmark's search later. */
  unsure: number;
  /** Unfinished attempts settled from Postmark's search: found there (SENT) / not found (queued again). */
  reconciledSent: number;
  reconciledRequeued: number;
}

/** A claimed batch must start its request within this time, or it is given back unsent. */
export const SEND_START_ALLOWANCE_MS = 10_000;
/** Tries before an email is FAILED for good: with the back-off below, about three days. */
export const MAX_SEND_ATTEMPTS = 45;
const MAX_BACKOFF_MS = 2 * 3_600_000;
/** Unfinished attempts settled per run at most (each is one search request). */
const MAX_RECONCILIATIONS_PER_RUN = 200;

/** Wait before try `attempts + 1`: 30 s, 1 min, 2 min, … up to 2 h. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/**
 * One delivery run: settles unfinished attempts whose time has come, then
 * sends every due queued email a batch at a time, then asks for a run when
 * the next back-off or reconciliation falls due. Several runs (workers,
 * processes, machines) may run at once: claims skip locked rows and are
 * committed before anything is sent.
 */
export async function deliverQueuedEmails(deps: DeliveryDependencies, batchSize = MAX_BATCH_SIZE): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0, cancelled: 0, retrying: 0, unsure: 0, reconciledSent: 0, reconciledRequeued: 0 };
  await reconcileUnfinishedAttempts(deps, report);
  let pauseMs: number | null = null;
  for (;;) {
    const claim = await claimBatch(deps, Math.min(batchSize, MAX_BATCH_SIZE));
    report.cancelled += claim.cancelled;
    if (claim.emails.length > 0) pauseMs = await sendClaimedBatch(deps, claim, report);
    // A request that failed as a whole: Postmark is likely down; leave the rest for the next run.
    if (pauseMs !== null || claim.claimed < batchSize || deps.signal?.aborted) break;
  }
  await scheduleNextRun(deps, pauseMs);
  countEmails(report);
  return report;
}

interface ClaimedEmail {
  id: string;
  invitationId: string | null;
  attempts: number;
  outgoing: OutgoingEmail;
}

interface Claim {
  sendAttemptId: string;
  claimedAt: Date;
  claimed: number;
  cancelled: number;
  emails: ClaimedEmail[];
}

/**
 * Takes up to `batchSize` due queued emails (skipping rows another run holds),
 * passes each through the communication gate and renders it, and commits the
 * ones to send as SENDING under a new attempt id, before any request is made.
 */
async function claimBatch({ prisma, clock, transport, settings }: DeliveryDependencies, batchSize: number): Promise<Claim> {
  const sendAttemptId = randomUUID();
  return prisma.$transaction(
    async (tx) => {
      const now = clock.now();
      const claim: Claim = { sendAttemptId, claimedAt: now, claimed: 0, cancelled: 0, emails: [] };
      const claimed = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM email
        WHERE state = 'QUEUED' AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}::timestamptz)
        ORDER BY id LIMIT ${batchSize} FOR NO KEY UPDATE SKIP LOCKED`;
      claim.claimed = claimed.length;
      if (claimed.length === 0) return claim;
      const emails = await tx.email.findMany({
        where: { id: { in: claimed.map((row) => row.id) } },
        orderBy: { id: 'asc' },
        select: {
          ...emailRenderSelect,
          id: true,
          to: true,
          attempts: true,
          profile: { select: { ...emailRenderSelect.profile.select, status: true, email: true, latestInvitationId: true } },
          invitation: { select: { id: true, expiresAt: true, acceptedAt: true, revokedAt: true, supersededAt: true } },
          adminInvitation: { select: { ...emailRenderSelect.adminInvitation.select, acceptedAt: true, revokedAt: true } },
        },
      });

      const settled: EmailOutcome[] = [];
      for (const email of emails) {
        // The invitation whose delivery state this email's fate sets: a reminder's sending leaves its invitation's as it was.
        const invitationId = email.kind === 'REMINDER' ? null : email.invitationId;
        const refusal = contactRefusal(email, now);
        if (refusal) {
          settled.push({ id: email.id, invitationId, state: 'CANCELLED', error: `Not sent: ${refusal}.` });
          claim.cancelled++;
          continue;
        }
        let content: RenderedEmail;
        try {
          content = renderEmail(email, settings, now);
        } catch (error) {
          settled.push({ id: email.id, invitationId, state: 'FAILED', error: `Could not be written: ${errorText(error)}` });
          continue;
        }
        claim.emails.push({
          id: email.id,
          invitationId,
          attempts: email.attempts + 1,
          outgoing: { emailId: email.id, from: settings.from, to: email.to, tag: email.kind.toLowerCase(), ...content },
        });
      }
      await recordOutcomes(tx, settled, now, null);

      if (claim.emails.length > 0) {
        const ids = claim.emails.map((email) => email.id);
        // Past this time the request is surely over (its client gave up), and Postmark's search has caught up.
        const reconcileAt = new Date(now.getTime() + SEND_START_ALLOWANCE_MS + transport.requestTimeoutMs + transport.searchDelayMs);
        await tx.$executeRaw`
          UPDATE email SET state = 'SENDING', send_attempt_id = ${sendAttemptId}::uuid, reconcile_at = ${reconcileAt}::timestamptz,
                           next_attempt_at = NULL, attempts = attempts + 1
          WHERE id = ANY(${ids}::uuid[])`;
        await recordInvitationDeliveryStates(
          tx,
          claim.emails.flatMap((email) => (email.invitationId ? [{ invitationId: email.invitationId, state: 'SENDING' as const }] : [])),
          now,
        );
      }
      return claim;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/**
 * Sends a claimed batch and records each row's outcome. Returns null, or how
 * long to pause the queue when the request failed as a whole.
 */
async function sendClaimedBatch(deps: DeliveryDependencies, claim: Claim, report: DeliveryReport): Promise<number | null> {
  const { prisma, clock, transport } = deps;
  if (clock.now().getTime() > claim.claimedAt.getTime() + SEND_START_ALLOWANCE_MS) {
    // This process stalled after claiming: its claim could be reconciled while the request is in flight. Give the batch back unsent.
    await prisma.$transaction((tx) =>
      requeue(tx, claim.sendAttemptId, claim.emails, clock.now(), 'Not sent: the delivery run stalled before sending; queued again.', { backoff: false }),
    );
    return 0;
  }
  let results: SendResult[];
  try {
    results = await transport.sendBatch(
      claim.emails.map((email) => email.outgoing),
      claim.sendAttemptId,
    );
    if (results.length !== claim.emails.length) throw new TransportError(`${results.length} results for ${claim.emails.length} messages.`, true);
  } catch (error) {
    const now = clock.now();
    const message = `${transport.name}: ${errorText(error)}`;
    if (error instanceof TransportError && !error.maybeAccepted) {
      // Refused as a whole (bad token, rate limit, invalid request): nothing went out.
      const retrying = await prisma.$transaction((tx) => requeue(tx, claim.sendAttemptId, claim.emails, now, message, { backoff: true }));
      report.retrying += retrying;
      return retryBackoffMs(Math.min(...claim.emails.map((email) => email.attempts)));
    }
    // Timeout, dropped connection, 5xx: Postmark may hold the batch. It stays SENDING until its search says what it holds.
    const reconcileAt = new Date(now.getTime() + transport.searchDelayMs);
    await prisma.$executeRaw`
      UPDATE email SET reconcile_at = ${reconcileAt}::timestamptz, last_error = ${message.slice(0, 1000)}
      WHERE state = 'SENDING' AND send_attempt_id = ${claim.sendAttemptId}::uuid`;
    report.unsure += claim.emails.length;
    return transport.searchDelayMs;
  }

  const now = clock.now();
  const outcomes: EmailOutcome[] = claim.emails.map((email, index) => {
    const result = results[index]!;
    if (result.ok) {
      report.sent++;
      return { id: email.id, invitationId: email.invitationId, state: 'SENT', error: null, messageId: result.messageId };
    }
    const error = `${result.errorCode}: ${result.message}`;
    if (result.permanent || email.attempts >= MAX_SEND_ATTEMPTS) {
      report.failed++;
      return { id: email.id, invitationId: email.invitationId, state: result.inactive ? 'BOUNCED' : 'FAILED', error };
    }
    report.retrying++;
    return { id: email.id, invitationId: email.invitationId, state: 'QUEUED', error, nextAttemptAt: new Date(now.getTime() + retryBackoffMs(email.attempts)) };
  });
  const recorded = await recordAnswers(deps, claim, outcomes, now);
  if (recorded < outcomes.length) {
    // Only if this process stalled past the reconciliation delay mid-request: someone settled the attempt meanwhile.
    log.warn({ component: 'email' }, `send attempt ${claim.sendAttemptId}: ${outcomes.length - recorded} results arrived after the attempt was reconciled.`);
  }
  return null;
}

/** Pauses between tries to record Postmark's answers while the database is away. */
const RECORD_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * Records Postmark's answers to a claimed batch. When the database is away at
 * that moment (a failover, a restart), the answers are still known here: they
 * are written as soon as it is back, tried again until the attempt's
 * reconciliation time, rather than left SENDING for Postmark's search to settle
 * a minute or more later. Writing late is safe: an attempt someone reconciled
 * meanwhile is no longer SENDING under this id, and its rows are left as they are.
 */
async function recordAnswers(
  { prisma, clock, transport, signal }: DeliveryDependencies,
  claim: Claim,
  outcomes: EmailOutcome[],
  answeredAt: Date,
): Promise<number> {
  // Until the attempt's reconcile time, counted on this process's own timer (a test's clock may stand still).
  const giveUpAt =
    performance.now() + claim.claimedAt.getTime() + SEND_START_ALLOWANCE_MS + transport.requestTimeoutMs + transport.searchDelayMs - clock.now().getTime();
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => recordOutcomes(tx, outcomes, answeredAt, claim.sendAttemptId));
    } catch (error) {
      const delayMs = RECORD_RETRY_DELAYS_MS[Math.min(attempt, RECORD_RETRY_DELAYS_MS.length - 1)]!;
      if (signal?.aborted || performance.now() + delayMs > giveUpAt) throw error;
      log.warn(
        { component: 'email', err: error },
        `send attempt ${claim.sendAttemptId}: Postmark's answers could not be recorded; trying again in ${delayMs} ms.`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * Settles attempts still SENDING past their reconcile time: their process died,
 * or the request ended without an answer. Pushing `reconcile_at` forward is
 * the claim (one run settles an attempt; if it dies, the attempt comes due again).
 */
async function reconcileUnfinishedAttempts({ prisma, clock, transport }: DeliveryDependencies, report: DeliveryReport): Promise<void> {
  for (let round = 0; round < MAX_RECONCILIATIONS_PER_RUN; round++) {
    const now = clock.now();
    const [due] = await prisma.$queryRaw<{ send_attempt_id: string }[]>`
      SELECT send_attempt_id FROM email WHERE state = 'SENDING' AND reconcile_at <= ${now}::timestamptz ORDER BY reconcile_at LIMIT 1`;
    if (!due) return;
    const sendAttemptId = due.send_attempt_id;
    const retryAt = new Date(now.getTime() + transport.requestTimeoutMs + transport.searchDelayMs);
    const taken = await prisma.$queryRaw<{ id: string; invitation_id: string | null; attempts: number }[]>`
      UPDATE email SET reconcile_at = ${retryAt}::timestamptz
      WHERE state = 'SENDING' AND send_attempt_id = ${sendAttemptId}::uuid AND reconcile_at <= ${now}::timestamptz
      RETURNING id, CASE WHEN kind = 'REMINDER' THEN NULL ELSE invitation_id END AS invitation_id, attempts`;
    if (taken.length === 0) continue;

    let accepted: Map<string, string>;
    try {
      accepted = await transport.acceptedMessages(sendAttemptId);
    } catch (error) {
      // Postmark cannot tell now: the attempt stays SENDING and comes due again at retryAt.
      await prisma.$executeRaw`
        UPDATE email SET last_error = ${`${transport.name} search: ${errorText(error)}`.slice(0, 1000)}
        WHERE state = 'SENDING' AND send_attempt_id = ${sendAttemptId}::uuid`;
      return;
    }
    const settledAt = clock.now();
    const found: EmailOutcome[] = [];
    const missing: Pick<ClaimedEmail, 'id' | 'invitationId' | 'attempts'>[] = [];
    for (const row of taken) {
      const messageId = accepted.get(row.id);
      if (messageId) found.push({ id: row.id, invitationId: row.invitation_id, state: 'SENT', error: null, messageId });
      else missing.push({ id: row.id, invitationId: row.invitation_id, attempts: row.attempts });
    }
    await prisma.$transaction(async (tx) => {
      report.reconciledSent += await recordOutcomes(tx, found, settledAt, sendAttemptId);
      // Postmark never took them: due again at once (the wait was their back-off).
      report.reconciledRequeued += await requeue(
        tx,
        sendAttemptId,
        missing,
        settledAt,
        'Not accepted by the provider (checked by its message search); queued again.',
        {
          backoff: false,
        },
      );
    });
  }
}

/** Asks for a run when the earliest back-off or reconciliation falls due (or after `pauseMs`, when the provider refused a whole batch). */
async function scheduleNextRun({ prisma, clock }: DeliveryDependencies, pauseMs: number | null): Promise<void> {
  const now = clock.now();
  let delayMs = pauseMs;
  if (delayMs === null) {
    const [next] = await prisma.$queryRaw<{ at: Date | null }[]>`
      SELECT least(
        (SELECT min(next_attempt_at) FROM email WHERE state = 'QUEUED' AND next_attempt_at > ${now}::timestamptz),
        (SELECT min(reconcile_at) FROM email WHERE state = 'SENDING')) AS at`;
    if (!next?.at) return;
    delayMs = next.at.getTime() - now.getTime();
  }
  await enqueue(prisma, { job: { task: 'deliverEmails', inMs: Math.max(1_000, delayMs) } });
}

interface EmailOutcome {
  id: string;
  invitationId: string | null;
  state: EmailDeliveryState;
  error: string | null;
  messageId?: string | null;
  nextAttemptAt?: Date | null;
}

type Executor = Prisma.TransactionClient;

/** Sends rows of an attempt back to the queue, each after its back-off (or at once), or FAILED once out of tries. */
async function requeue(
  tx: Executor,
  sendAttemptId: string,
  emails: Pick<ClaimedEmail, 'id' | 'invitationId' | 'attempts'>[],
  now: Date,
  error: string,
  { backoff }: { backoff: boolean },
): Promise<number> {
  return recordOutcomes(
    tx,
    emails.map((email) =>
      email.attempts >= MAX_SEND_ATTEMPTS
        ? { id: email.id, invitationId: email.invitationId, state: 'FAILED', error: `${error} Gave up after ${email.attempts} attempts.` }
        : {
            id: email.id,
            invitationId: email.invitationId,
            state: 'QUEUED',
            error,
            nextAttemptAt: backoff ? new Date(now.getTime() + retryBackoffMs(email.attempts)) : null,
          },
    ),
    now,
    sendAttemptId,
  );
}

/**
 * Records outcomes in two statements, whatever their number; an invitation's
 * delivery state follows its email (through the one writer of delivery
 * states). With `sendAttemptId`, only rows still SENDING under that attempt
 * change, so a late answer never overwrites what a reconciliation decided.
 * "id = ANY(…)" makes PostgreSQL fetch the rows by primary key.
 */
async function recordOutcomes(tx: Executor, outcomes: EmailOutcome[], now: Date, sendAttemptId: string | null): Promise<number> {
  if (outcomes.length === 0) return 0;
  const ids = outcomes.map((outcome) => outcome.id);
  const changed = await tx.$queryRaw<{ id: string }[]>`
    UPDATE email SET
      state = v.state::"EmailDeliveryState",
      last_error = v.error,
      postmark_message_id = v.message_id,
      sent_at = CASE WHEN v.state = 'SENT' THEN ${now}::timestamptz ELSE NULL END,
      next_attempt_at = v.next_attempt_at,
      reconcile_at = NULL
    FROM unnest(${ids}::uuid[], ${outcomes.map((outcome) => outcome.state)}::text[], ${outcomes.map((outcome) => outcome.error)}::text[],
                ${outcomes.map((outcome) => outcome.messageId ?? null)}::text[], ${outcomes.map((outcome) => outcome.nextAttemptAt ?? null)}::timestamptz[])
         AS v(id, state, error, message_id, next_attempt_at)
    WHERE email.id = v.id AND email.id = ANY(${ids}::uuid[])
      AND (${sendAttemptId}::uuid IS NULL OR (email.state = 'SENDING' AND email.send_attempt_id = ${sendAttemptId}::uuid))
    RETURNING email.id`;
  const done = new Set(changed.map((row) => row.id));
  await recordInvitationDeliveryStates(
    tx,
    outcomes.flatMap((outcome) =>
      outcome.invitationId && done.has(outcome.id) ? [{ invitationId: outcome.invitationId, state: outcome.state, messageId: outcome.messageId ?? null }] : [],
    ),
    now,
  );
  return changed.length;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The run's outcomes, added to the emails metric. */
function countEmails(report: DeliveryReport): void {
  const outcomes: [string, number][] = [
    ['sent', report.sent],
    ['failed', report.failed],
    ['retrying', report.retrying],
    ['unsure', report.unsure],
    ['cancelled', report.cancelled],
    ['reconciled', report.reconciledSent + report.reconciledRequeued],
  ];
  for (const [outcome, count] of outcomes) if (count > 0) emailsTotal.inc({ outcome }, count);
}

import type { Clock } from '../context.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, EmailKind } from '../generated/prisma/enums.ts';
import { contactRefusal } from './communication-gate.ts';
import { recordInvitationDeliveryStates } from './invitation-delivery-state.ts';
import { emailRenderSelect, renderEmail } from './email-templates.ts';
import { type EmailTransport, MAX_BATCH_SIZE, type OutgoingEmail } from './email-transport.ts';

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
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  cancelled: number;
}

/**
 * Sends every queued email, a batch at a time. Each batch is claimed with
 * FOR NO KEY UPDATE SKIP LOCKED (so several workers share the work and none
 * sends an email twice; "no key" lets the local mailbox insert rows that
 * reference the claimed emails from another connection), passed through the communication gate, sent, and recorded in
 * the same transaction. When the transport fails as a whole, the attempt is
 * recorded, the emails stay queued and the error is rethrown so that the job
 * queue retries with back-off. Nothing is dropped; at worst, a crash between
 * Postmark's answer and the commit sends a batch twice.
 */
export async function deliverQueuedEmails(deps: DeliveryDependencies, batchSize = MAX_BATCH_SIZE): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0, cancelled: 0 };
  for (;;) {
    const outcome = await deliverOneBatch(deps, Math.min(batchSize, MAX_BATCH_SIZE));
    if (outcome.error) throw outcome.error;
    report.sent += outcome.sent;
    report.failed += outcome.failed;
    report.cancelled += outcome.cancelled;
    if (outcome.claimed < batchSize) return report;
  }
}

interface BatchOutcome extends DeliveryReport {
  claimed: number;
  error?: unknown;
}

async function deliverOneBatch({ prisma, clock, transport, settings }: DeliveryDependencies, batchSize: number): Promise<BatchOutcome> {
  return prisma.$transaction(
    async (tx) => {
      const claimed = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM email WHERE state = 'QUEUED' ORDER BY id LIMIT ${batchSize} FOR NO KEY UPDATE SKIP LOCKED`;
      const outcome: BatchOutcome = { claimed: claimed.length, sent: 0, failed: 0, cancelled: 0 };
      if (claimed.length === 0) return outcome;
      const now = clock.now();
      const emails = await tx.email.findMany({
        where: { id: { in: claimed.map((row) => row.id) } },
        orderBy: { id: 'asc' },
        select: {
          ...emailRenderSelect,
          id: true,
          to: true,
          profile: { select: { ...emailRenderSelect.profile.select, status: true, email: true, latestInvitationId: true } },
          invitation: { select: { id: true, expiresAt: true, acceptedAt: true, revokedAt: true, supersededAt: true } },
        },
      });

      const updates: EmailUpdate[] = [];
      const outgoing: OutgoingEmail[] = [];
      for (const email of emails) {
        const refusal = contactRefusal(email, now);
        if (refusal) {
          updates.push({ id: email.id, invitationId: email.invitationId, kind: email.kind, state: 'CANCELLED', error: `Not sent: ${refusal}.`, messageId: null });
          outcome.cancelled++;
          continue;
        }
        outgoing.push({ emailId: email.id, from: settings.from, to: email.to, tag: email.kind.toLowerCase(), ...renderEmail(email, settings, now) });
      }

      if (outgoing.length > 0) {
        let results;
        try {
          results = await transport.sendBatch(outgoing);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await tx.$executeRaw`
            UPDATE email SET attempts = attempts + 1, last_error = ${`${transport.name}: ${message}`.slice(0, 1000)}
            WHERE id = ANY(${outgoing.map((email) => email.emailId)}::uuid[])`;
          await applyUpdates(tx, updates, now);
          return { ...outcome, error };
        }
        const byId = new Map(emails.map((email) => [email.id, email]));
        results.forEach((result, index) => {
          const email = byId.get(outgoing[index]!.emailId)!;
          if (result.ok) {
            updates.push({ id: email.id, invitationId: email.invitationId, kind: email.kind, state: 'SENT', error: null, messageId: result.messageId });
            outcome.sent++;
          } else {
            const state = result.inactive ? 'BOUNCED' : 'FAILED';
            updates.push({ id: email.id, invitationId: email.invitationId, kind: email.kind, state, error: `${result.errorCode}: ${result.message}`, messageId: null });
            outcome.failed++;
          }
        });
      }
      await applyUpdates(tx, updates, now);
      return outcome;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

interface EmailUpdate {
  id: string;
  invitationId: string | null;
  kind: EmailKind;
  state: EmailDeliveryState;
  error: string | null;
  messageId: string | null;
}

type Executor = Prisma.TransactionClient;

/**
 * Records a batch's outcome in two statements, whatever its size; an
 * invitation's delivery state follows its email. "id = ANY(…)" makes
 * PostgreSQL fetch the rows by primary key instead of scanning the table.
 * The invitations' copies go through the one writer of delivery states.
 */
async function applyUpdates(tx: Executor, updates: EmailUpdate[], now: Date): Promise<void> {
  if (updates.length === 0) return;
  const ids = updates.map((update) => update.id);
  const states = updates.map((update) => update.state);
  const errors = updates.map((update) => update.error);
  const messageIds = updates.map((update) => update.messageId);
  await tx.$executeRaw`
    UPDATE email SET
      state = v.state::"EmailDeliveryState",
      last_error = v.error,
      postmark_message_id = v.message_id,
      attempts = email.attempts + CASE WHEN v.state = 'CANCELLED' THEN 0 ELSE 1 END,
      sent_at = CASE WHEN v.state = 'SENT' THEN ${now}::timestamptz ELSE NULL END
    FROM unnest(${ids}::uuid[], ${states}::text[], ${errors}::text[], ${messageIds}::text[]) AS v(id, state, error, message_id)
    WHERE email.id = v.id AND email.id = ANY(${ids}::uuid[])`;
  await recordInvitationDeliveryStates(
    tx,
    updates.flatMap((update) => (update.invitationId ? [{ invitationId: update.invitationId, emailKind: update.kind, state: update.state, messageId: update.messageId }] : [])),
    now,
  );
}

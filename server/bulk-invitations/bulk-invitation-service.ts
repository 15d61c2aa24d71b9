import { enqueue } from '../outbox/index.ts';
import { PLANS } from '../kernel/policy.ts';
import type { RequestScope, ServiceScope } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { DomainError, IdempotencyKeyReusedError, SelectionTooLargeError } from '../kernel/errors.ts';
import type { BulkInvitation, Prisma } from '../generated/prisma/client.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import { canonicalJson, markReplayed, parseIdempotencyKey } from '../kernel/idempotency.ts';
import { type Selection, type SelectionInput, selectionIdsAfter, selectionOf, selectionSize } from '../profiles/index.ts';
import { inviteBatch, loadCandidates, outcomeOf } from '../invitations/index.ts';
import type { SkipReason } from '../invitations/index.ts';
import { isSameCall } from '../kernel/idempotency-call.ts';
import { summarizeSelection } from './selection-summary.ts';
import { recordAudit } from '../audit/index.ts';
import { announceBulkInvitationCompleted } from '../webhooks/index.ts';

/** Profiles handled per transaction: each chunk commits its invitations, emails and progress together. */
export const CHUNK_SIZE = 2_500;
/** Selections up to this size finish within the request; larger ones run in the background. */
export const INLINE_LIMIT = 200;

export interface SelectionPreview {
  total: number;
  invite: number;
  reinvite: number;
  skipped: Partial<Record<SkipReason, number>>;
}

/** What inviting the selection would do now, without doing it (the Confirm dialog). Reads chunk by chunk. */
export async function previewSelection(scope: RequestScope, input: SelectionInput): Promise<SelectionPreview> {
  // The preview answers at the same path as profilesInvite, so a UI shows one error for both.
  const selection = selectionOf(input, ['input']);
  const { now, organizationId } = scope;
  const preview: SelectionPreview = { total: 0, invite: 0, reinvite: 0, skipped: {} };
  let cursor: string | null = null;
  for (;;) {
    const ids = await selectionIdsAfter(scope.prisma, organizationId, selection, cursor, now, 5_000);
    if (ids.length === 0) return preview;
    cursor = ids.at(-1)!;
    const rows = await loadCandidates(scope.prisma, organizationId, ids, false);
    preview.total += ids.length;
    const missing = ids.length - rows.length;
    if (missing > 0) preview.skipped.NOT_FOUND = (preview.skipped.NOT_FOUND ?? 0) + missing;
    for (const row of rows) {
      const outcome = outcomeOf(row, now);
      if (outcome.kind === 'INVITE') preview.invite++;
      else if (outcome.kind === 'REINVITE') preview.reinvite++;
      else preview.skipped[outcome.reason] = (preview.skipped[outcome.reason] ?? 0) + 1;
    }
  }
}

/**
 * Starts inviting a selection. With an idempotency key, a retried
 * request returns the bulk invitation it created the first time. Small
 * selections finish before this returns; large ones are handed to the job
 * queue in the same transaction that records them.
 */
export async function startBulkInvitation(scope: RequestScope, input: SelectionInput & { idempotencyKey?: string | null }): Promise<BulkInvitation> {
  const selection = selectionOf(input, ['input']);
  const key = parseIdempotencyKey(input.idempotencyKey);
  const { now, organizationId, actor } = scope;
  if (key) {
    const existing = await findByKey(scope.prisma, organizationId, key);
    if (existing) return replayed(scope, sameRequestOrThrow(existing, selection));
  }
  const total = await selectionSize(scope.prisma, organizationId, selection, now);
  const max = PLANS[scope.viewer.plan].maxBulkInvitationSize;
  if (total > max) throw new SelectionTooLargeError(total, max);

  let bulk: BulkInvitation;
  try {
    bulk = await scope.prisma.$transaction(async (tx) => {
      const created = await tx.bulkInvitation.create({
        data: {
          organizationId,
          idempotencyKey: key,
          idempotencyCallId: key ? (scope.callId ?? null) : null,
          selection: selection as unknown as Prisma.InputJsonValue,
          total,
          sentByAdminId: actor.kind === 'ADMIN' ? actor.id : null,
          sentByApiKeyId: actor.kind === 'API_KEY' ? actor.id : null,
          selectionSummary: await summarizeSelection(tx, organizationId, selection),
          createdAt: now,
        },
      });
      await recordAudit(tx, scope, {
        kind: 'BULK_INVITATION_STARTED',
        subjectId: created.id,
        summary: `Asked to invite ${total.toLocaleString('en-US')} profiles: ${created.selectionSummary}.`,
      });
      if (total > INLINE_LIMIT) await enqueue(tx, { job: { task: 'runBulkInvitation', bulkInvitationId: created.id } });
      return created;
    });
  } catch (error) {
    // Two retries raced: the other one created it.
    if (key && uniqueViolation(error)) {
      return replayed(scope, sameRequestOrThrow((await findByKey(scope.prisma, organizationId, key))!, selection));
    }
    throw error;
  }
  if (total > INLINE_LIMIT) return bulk;
  try {
    return await runBulkInvitation(scope, bulk.id);
  } catch (error) {
    await abandonInlineRun(scope, bulk.id, error);
    throw error;
  }
}

/**
 * An inline run (one chunk, one transaction) failed. Nothing of it was
 * committed unless the chunk had already set it RUNNING: a QUEUED row is
 * deleted, so no worker picks it up again and a retry with the same
 * idempotency key starts afresh; otherwise it is FAILED like a background run
 * that ran out of retries.
 */
async function abandonInlineRun(scope: ServiceScope, bulkInvitationId: string, error: unknown): Promise<void> {
  const deleted = await scope.prisma.bulkInvitation.deleteMany({ where: { id: bulkInvitationId, state: 'QUEUED' } });
  if (deleted.count === 0) await markBulkInvitationFailed(scope, bulkInvitationId, error);
}

function findByKey(prisma: PrismaClient, organizationId: string, idempotencyKey: string) {
  return prisma.bulkInvitation.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
}

/** What a key created, again: a replay, unless this is the same call's own retry (its answer was lost). */
const replayed = (scope: RequestScope, existing: BulkInvitation): BulkInvitation =>
  isSameCall(existing.idempotencyCallId, scope.callId) ? existing : markReplayed(existing);

/** The stored selection is jsonb, which does not keep key order: compared in canonical JSON, as idempotent creates compare theirs. */
function sameRequestOrThrow(existing: BulkInvitation, selection: Selection): BulkInvitation {
  if (canonicalJson(existing.selection) !== canonicalJson(selection)) throw new IdempotencyKeyReusedError();
  return existing;
}

/**
 * Works through a bulk invitation chunk by chunk. Each chunk is one
 * transaction that locks the bulk invitation, invites the next profiles after
 * its cursor and moves the cursor and counters: after a crash, the next run
 * resumes after the last committed chunk, and nobody is invited twice.
 */
export async function runBulkInvitation(scope: ServiceScope, bulkInvitationId: string, signal?: AbortSignal): Promise<BulkInvitation> {
  for (;;) {
    // The worker is stopping: leave between two chunks (each one is whole), the rest to the next run.
    if (signal?.aborted) return scope.prisma.bulkInvitation.findUniqueOrThrow({ where: { id: bulkInvitationId } });
    const finished = await scope.prisma.$transaction(
      async (tx) => {
        const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM bulk_invitation WHERE id = ${bulkInvitationId}::uuid FOR UPDATE`;
        if (!locked) return true;
        const bulk = await tx.bulkInvitation.findUniqueOrThrow({
          where: { id: bulkInvitationId },
          include: { organization: { select: { invitationValidityHours: true } } },
        });
        if (bulk.state === 'COMPLETED' || bulk.state === 'FAILED') return true;
        const now = scope.clock.now();
        const selection = bulk.selection as unknown as Selection;
        const ids = await selectionIdsAfter(tx, bulk.organizationId, selection, bulk.cursor, now, CHUNK_SIZE);
        if (ids.length === 0) {
          await tx.bulkInvitation.update({
            where: { id: bulk.id },
            data: { state: 'COMPLETED', finishedAt: now, total: bulk.done, startedAt: bulk.startedAt ?? now },
          });
          await announceBulkInvitationCompleted(tx, { ...bulk, total: bulk.done, startedAt: bulk.startedAt ?? now }, now);
          await enqueue(tx, { progressOf: { bulkInvitationId: bulk.id } });
          return true;
        }
        const sender = bulk.sentByAdminId
          ? ({ kind: 'ADMIN', id: bulk.sentByAdminId } as const)
          : bulk.sentByApiKeyId
            ? ({ kind: 'API_KEY', id: bulk.sentByApiKeyId } as const)
            : null;
        const result = await inviteBatch(
          tx,
          {
            settings: scope.settings,
            organizationId: bulk.organizationId,
            invitationValidityHours: bulk.organization.invitationValidityHours,
            now,
            sender,
            bulkInvitationId: bulk.id,
            sendEmail: true,
          },
          ids,
        );
        const skipped = { ...(bulk.skipped as Record<string, number>) };
        for (const [reason, count] of Object.entries(result.skipped)) skipped[reason] = (skipped[reason] ?? 0) + count;
        await tx.bulkInvitation.update({
          where: { id: bulk.id },
          data: {
            state: 'RUNNING',
            startedAt: bulk.startedAt ?? now,
            cursor: ids.at(-1)!,
            done: { increment: ids.length },
            total: Math.max(bulk.total, bulk.done + ids.length),
            invited: { increment: result.invited },
            reinvited: { increment: result.reinvited },
            skipped,
          },
        });
        await enqueue(tx, { progressOf: { bulkInvitationId: bulk.id } });
        return false;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    if (finished) return scope.prisma.bulkInvitation.findUniqueOrThrow({ where: { id: bulkInvitationId } });
  }
}

/** Gives up on a bulk invitation after its last retry; the profiles it invited stay invited. */
export async function markBulkInvitationFailed(scope: ServiceScope, bulkInvitationId: string, error: unknown): Promise<void> {
  // `failureReason` is read by clients: a domain error's sentence, never a database error's text (that goes to the log).
  const message = error instanceof DomainError ? error.message : 'Stopped by an unexpected error (details in the server log).';
  await scope.prisma.$transaction(async (tx) => {
    await tx.bulkInvitation.updateMany({
      where: { id: bulkInvitationId, state: { in: ['QUEUED', 'RUNNING'] } },
      data: { state: 'FAILED', finishedAt: scope.clock.now(), lastError: message.slice(0, 1000) },
    });
    await enqueue(tx, { progressOf: { bulkInvitationId: bulkInvitationId } });
  });
}

import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, EmailKind } from '../generated/prisma/enums.ts';
import { isUuid } from '../kernel/global-ids.ts';
import { recordEmailDeliveryReport } from './invitation-delivery-state.ts';
import { readBodyAtMost } from '../security/request-limits.ts';
import { emailsTotal } from '../observability/metrics.ts';

// Postmark's delivery webhooks (Delivery, Bounce, SpamComplaint) update the
// email and its invitation, so an admin sees that an invitation bounced and
// the profile is skipped until its address changes. Postmark is configured to
// send HTTP basic auth (user "postmark", the configured password).

/** Bounce types that mean the address does not work; soft and transient bounces are retried by Postmark itself. */
const HARD_BOUNCE_TYPES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamComplaint']);

/** The fields we read of a webhook's JSON object; Postmark sends many more, which are ignored. */
const WebhookRecord = z.looseObject({
  RecordType: z.string().max(100).optional(),
  MessageID: z.string().max(200).optional(),
  Type: z.string().max(100).optional(),
  /** What we sent with the message (server/email/email-transport.ts): `emailId`, `sendAttemptId`. */
  Metadata: z.record(z.string(), z.unknown()).optional(),
});
type WebhookRecord = z.infer<typeof WebhookRecord>;

/** Postmark's records are a few kilobytes. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

export async function handlePostmarkWebhook(request: Request, deps: { prisma: PrismaClient; clock: Clock; password: string }): Promise<Response> {
  if (request.method !== 'POST') return new Response('POST only', { status: 405 });
  if (!authorized(request.headers.get('authorization'), deps.password)) {
    return new Response('Unauthorized', { status: 401, headers: { 'www-authenticate': 'Basic realm="postmark-webhooks"' } });
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBodyAtMost(request, MAX_WEBHOOK_BYTES));
  } catch {
    return new Response('Body must be a JSON object of at most 256 KiB', { status: 400 });
  }
  const parsed = WebhookRecord.safeParse(body);
  if (!parsed.success) return new Response('Body must be a Postmark webhook record (a JSON object)', { status: 400 });
  const record = parsed.data;
  const state = deliveryStateOf(record);
  if (state && record.MessageID) {
    await recordDeliveryState(deps.prisma, record, record.MessageID, state, deps.clock.now());
    emailsTotal.inc({ outcome: state.toLowerCase() });
  }
  // Unknown message ids and record types are acknowledged, or Postmark would retry them for hours.
  return Response.json({ ok: true });
}

function deliveryStateOf(record: WebhookRecord): EmailDeliveryState | null {
  switch (record.RecordType) {
    case 'Delivery':
      return 'DELIVERED';
    case 'SpamComplaint':
      return 'SPAM_COMPLAINT';
    case 'Bounce':
      if (record.Type === 'SpamComplaint') return 'SPAM_COMPLAINT';
      return HARD_BOUNCE_TYPES.has(record.Type ?? '') ? 'BOUNCED' : null;
    default:
      return null;
  }
}

/** The report of the email Postmark knows by `messageId` (or, still SENDING, by its metadata), if it is one of ours. */
async function recordDeliveryState(prisma: PrismaClient, record: WebhookRecord, messageId: string, state: EmailDeliveryState, now: Date): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const email =
      (await tx.email.findUnique({ where: { postmarkMessageId: messageId }, select: { id: true, invitationId: true, kind: true } })) ??
      (await settleSendingEmail(tx, record, messageId, now));
    if (email) await recordEmailDeliveryReport(tx, email, state, now);
  });
}

/**
 * A report about a message whose send attempt is still SENDING (its process
 * died before recording Postmark's answer, and no reconciliation ran yet):
 * the report itself proves Postmark accepted it, so the email is SENT with
 * this message id (what the reconciliation would have found), then the report applies.
 */
async function settleSendingEmail(tx: Prisma.TransactionClient, record: WebhookRecord, messageId: string, now: Date) {
  const { emailId, sendAttemptId } = record.Metadata ?? {};
  if (typeof emailId !== 'string' || typeof sendAttemptId !== 'string' || !isUuid(emailId) || !isUuid(sendAttemptId)) return null;
  const [settled] = await tx.$queryRaw<{ id: string; invitation_id: string | null; kind: EmailKind }[]>`
    UPDATE email SET state = 'SENT', postmark_message_id = ${messageId}, sent_at = ${now}::timestamptz, reconcile_at = NULL, last_error = NULL
    WHERE id = ${emailId}::uuid AND state = 'SENDING' AND send_attempt_id = ${sendAttemptId}::uuid
    RETURNING id, invitation_id, kind`;
  return settled ? { id: settled.id, invitationId: settled.invitation_id, kind: settled.kind } : null;
}

function authorized(header: string | null, password: string): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const expected = Buffer.from(`postmark:${password}`);
  const given = Buffer.from(match[1]!, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

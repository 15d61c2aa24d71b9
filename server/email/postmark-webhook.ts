import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { EmailDeliveryState } from '../generated/prisma/enums.ts';
import { recordInvitationDeliveryStates } from './invitation-delivery-state.ts';
import { readBodyAtMost } from '../security/request-limits.ts';

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
});
type WebhookRecord = z.infer<typeof WebhookRecord>;

/** Postmark's records are a few kilobytes. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

export async function handlePostmarkWebhook(
  request: Request,
  deps: { prisma: PrismaClient; clock: Clock; password: string },
): Promise<Response> {
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
  if (state && record.MessageID) await recordDeliveryState(deps.prisma, record.MessageID, state, deps.clock.now());
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

/** A delivery never hides an earlier bounce or complaint (webhooks may arrive out of order). */
async function recordDeliveryState(prisma: PrismaClient, messageId: string, state: EmailDeliveryState, now: Date): Promise<void> {
  const keep: EmailDeliveryState[] = state === 'DELIVERED' ? ['BOUNCED', 'SPAM_COMPLAINT'] : [];
  await prisma.$transaction(async (tx) => {
    const email = await tx.email.findUnique({ where: { postmarkMessageId: messageId }, select: { id: true, invitationId: true } });
    if (!email) return;
    await tx.email.updateMany({ where: { id: email.id, state: { notIn: keep } }, data: { state } });
    if (email.invitationId) await recordInvitationDeliveryStates(tx, [{ invitationId: email.invitationId, state }], now);
  });
}

function authorized(header: string | null, password: string): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const expected = Buffer.from(`postmark:${password}`);
  const given = Buffer.from(match[1]!, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../context.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { EmailDeliveryState } from '../generated/prisma/enums.ts';
import { recordInvitationDeliveryStates } from './invitation-delivery-state.ts';

// Postmark's delivery webhooks (Delivery, Bounce, SpamComplaint) update the
// email and its invitation, so an admin sees that an invitation bounced and
// the profile is skipped until its address changes. Postmark is configured to
// send HTTP basic auth (user "postmark", the configured password).

/** Bounce types that mean the address does not work; soft and transient bounces are retried by Postmark itself. */
const HARD_BOUNCE_TYPES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamComplaint']);

interface WebhookRecord {
  RecordType?: string;
  MessageID?: string;
  Type?: string;
}

export async function handlePostmarkWebhook(
  request: Request,
  deps: { prisma: PrismaClient; clock: Clock; password: string },
): Promise<Response> {
  if (request.method !== 'POST') return new Response('POST only', { status: 405 });
  if (!authorized(request.headers.get('authorization'), deps.password)) {
    return new Response('Unauthorized', { status: 401, headers: { 'www-authenticate': 'Basic realm="postmark-webhooks"' } });
  }
  let record: WebhookRecord;
  try {
    record = (await request.json()) as WebhookRecord;
  } catch {
    return new Response('Body must be JSON', { status: 400 });
  }
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

import type { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, EmailKind } from '../generated/prisma/enums.ts';
import { announceDeliveryProblems } from '../webhooks/index.ts';

// THE rule of delivery reports, written once: a bounce or a spam complaint
// stays visible; a later "sent" or "delivered" (webhooks arrive out of order)
// never hides it. Both the email row and its invitation follow it.

/** States that stay once reported. */
const NEVER_HIDDEN: EmailDeliveryState[] = ['BOUNCED', 'SPAM_COMPLAINT'];
/** Reports that must not overwrite them. */
const GOOD_NEWS: EmailDeliveryState[] = ['SENT', 'DELIVERED'];

/** The states a report of `state` leaves as they are. */
export function statesKeptOver(state: EmailDeliveryState): EmailDeliveryState[] {
  return GOOD_NEWS.includes(state) ? NEVER_HIDDEN : [];
}

/** What became of an invitation's email: from the delivery run (sent, failed, cancelled) or Postmark's webhooks. */
export interface InvitationDeliveryUpdate {
  invitationId: string;
  state: EmailDeliveryState;
  /** Postmark's message id, once it accepted the email. */
  messageId?: string | null;
  /** The kind of email (INVITATION when left out); a reminder moves its invitation's state only when it bounced or was complained about. */
  emailKind?: EmailKind;
}

/** What a reminder's fate may say about its invitation: the address does not work (any other outcome is the reminder's own). */
const REMINDER_STATES_SHOWN_ON_INVITATION: readonly EmailDeliveryState[] = ['BOUNCED', 'SPAM_COMPLAINT'];

/**
 * The one writer of an email's delivery state onto its invitation (what
 * `profile.latestInvitation.deliveryState` shows), in one statement whatever
 * the number of rows, by the rule above.
 */
export async function recordInvitationDeliveryStates(tx: Prisma.TransactionClient, all: InvitationDeliveryUpdate[], now: Date): Promise<void> {
  const updates = all.filter((update) => update.emailKind !== 'REMINDER' || REMINDER_STATES_SHOWN_ON_INVITATION.includes(update.state));
  if (updates.length === 0) return;
  await announceDeliveryProblems(tx, updates, now);
  const ids = updates.map((update) => update.invitationId);
  await tx.$executeRaw`
    UPDATE invitation SET
      delivery_state = v.state::"EmailDeliveryState",
      delivery_updated_at = ${now}::timestamptz,
      postmark_message_id = COALESCE(v.message_id, invitation.postmark_message_id)
    FROM unnest(${ids}::uuid[], ${updates.map((update) => update.state)}::text[], ${updates.map((update) => update.messageId ?? null)}::text[]) AS v(id, state, message_id)
    WHERE invitation.id = v.id AND invitation.id = ANY(${ids}::uuid[])
      AND NOT (v.state = ANY(${GOOD_NEWS}::text[]) AND invitation.delivery_state::text = ANY(${NEVER_HIDDEN}::text[]))`;
}

/** A provider's report about one email (a webhook): the email's state, then its invitation's, by the rule above. */
export async function recordEmailDeliveryReport(
  tx: Prisma.TransactionClient,
  email: { id: string; invitationId: string | null; kind?: EmailKind },
  state: EmailDeliveryState,
  now: Date,
): Promise<void> {
  await tx.email.updateMany({ where: { id: email.id, state: { notIn: statesKeptOver(state) } }, data: { state } });
  if (email.invitationId) await recordInvitationDeliveryStates(tx, [{ invitationId: email.invitationId, emailKind: email.kind, state }], now);
}

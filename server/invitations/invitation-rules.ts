import { z } from 'zod';
import { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, ProfileStatus } from '../generated/prisma/enums.ts';

// Who may be invited, and why not: one function, used by invite one, bulk
// invitations and the preview alike.

/** How long after an invitation the same profile may be invited again (re-sending is limited per profile so that nobody can be spammed). */
export const RESEND_COOLDOWN_MS = 5 * 60_000;

export const SKIP_REASONS = {
  ALREADY_VALIDATED: 'The person already accepted an invitation.',
  INVALID_EMAIL: 'The profile has no valid email address.',
  EMAIL_UNDELIVERABLE: 'Email to this address bounced or was reported as spam; change the address first.',
  RESEND_TOO_SOON: 'The profile was invited moments ago; wait before sending again.',
  NOT_FOUND: 'No profile of the organization has this id (deleted, or never existed).',
  DEACTIVATED: 'The directory (Entra ID, Okta) deactivated the profile.',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

/** Each reason in a few words, for summaries ("12 email undeliverable"). */
export const SKIP_REASON_WORDS: Record<SkipReason, string> = {
  ALREADY_VALIDATED: 'already validated',
  INVALID_EMAIL: 'invalid email',
  EMAIL_UNDELIVERABLE: 'email undeliverable',
  RESEND_TOO_SOON: 'invited moments ago',
  NOT_FOUND: 'not found',
  DEACTIVATED: 'deactivated',
};

/** What inviting one profile would do. */
export type InvitationOutcome = { kind: 'INVITE' } | { kind: 'REINVITE' } | { kind: 'SKIP'; reason: SkipReason; retryAfterMs?: number };

/** The facts about a profile that decide its outcome. */
export interface InvitationCandidate {
  status: ProfileStatus;
  email: string;
  latestInvitation: { createdAt: Date; email: string; deliveryState: EmailDeliveryState } | null;
}

const emailSchema = z.email();

/** Delivery states that make an address unusable: Postmark said it bounced, or the person complained. */
export const UNDELIVERABLE_DELIVERY_STATES = ['BOUNCED', 'SPAM_COMPLAINT'] as const satisfies readonly EmailDeliveryState[];

/**
 * A bounce or complaint blocks the address it happened on; a new address
 * unblocks the profile. `latest` is the profile's latest invitation.
 */
export function emailUndeliverable(profileEmail: string, latest: { email: string; deliveryState: EmailDeliveryState }): boolean {
  return (
    (UNDELIVERABLE_DELIVERY_STATES as readonly EmailDeliveryState[]).includes(latest.deliveryState) && latest.email.toLowerCase() === profileEmail.toLowerCase()
  );
}

/** The same rule in SQL, on a profile under `profileAlias` and its latest invitation under `invitationAlias` (both citext emails). */
export function emailUndeliverableSql(profileAlias: string, invitationAlias: string): Prisma.Sql {
  const states = Prisma.join(UNDELIVERABLE_DELIVERY_STATES.map((state) => Prisma.sql`${state}::"EmailDeliveryState"`));
  return Prisma.sql`(${Prisma.raw(`"${invitationAlias}".delivery_state`)} IN (${states}) AND ${Prisma.raw(`"${invitationAlias}".email = "${profileAlias}".email`)})`;
}

export function invitationOutcome(candidate: InvitationCandidate, now: Date): InvitationOutcome {
  if (candidate.status === 'VALIDATED') return { kind: 'SKIP', reason: 'ALREADY_VALIDATED' };
  if (candidate.status === 'DEACTIVATED') return { kind: 'SKIP', reason: 'DEACTIVATED' };
  if (!emailSchema.safeParse(candidate.email).success) return { kind: 'SKIP', reason: 'INVALID_EMAIL' };
  const latest = candidate.latestInvitation;
  if (latest && emailUndeliverable(candidate.email, latest)) return { kind: 'SKIP', reason: 'EMAIL_UNDELIVERABLE' };
  if (latest) {
    const wait = latest.createdAt.getTime() + RESEND_COOLDOWN_MS - now.getTime();
    if (wait > 0) return { kind: 'SKIP', reason: 'RESEND_TOO_SOON', retryAfterMs: wait };
  }
  return candidate.status === 'NOT_INVITED' ? { kind: 'INVITE' } : { kind: 'REINVITE' };
}

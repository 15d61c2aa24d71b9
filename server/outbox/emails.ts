import { Prisma } from '../generated/prisma/client.ts';
import type { EmailKind } from '../generated/prisma/enums.ts';
import { emailDeliveryJob } from './job-queue.ts';

/** An email to send: who to, about what. Its words are rendered when it is sent, in the person's language. */
export interface QueuedEmail {
  organizationId: string;
  /** The person written to; null for an admin invitation (its person is not a profile). */
  profileId: string | null;
  /** The invitation it carries the link of; null for the app-download email. */
  invitationId: string | null;
  /** The admin invitation it carries the link of (kind ADMIN_INVITATION). */
  adminInvitationId?: string | null;
  kind: EmailKind;
  to: string;
}

type Executor = Pick<Prisma.TransactionClient, '$executeRaw'>;

/**
 * Writes the emails in the caller's transaction and asks for a delivery run:
 * an email exists exactly when the change that causes it was committed, and
 * the delivery job sends each once (server/email/email-delivery.ts). One
 * statement whatever the number (a bulk invitation's chunk writes thousands),
 * the delivery request included: it locks the delivery job's row until the
 * caller commits, so callers queue their emails last.
 */
export async function queueEmails(tx: Executor, emails: readonly QueuedEmail[], now: Date): Promise<void> {
  if (emails.length === 0) return;
  await tx.$executeRaw`WITH queued AS (${emailsInsert(emails, now)}) SELECT ${emailDeliveryJob}`;
}

/**
 * The INSERT of queueEmails (RETURNING the ids), for a change written in one
 * statement of its own (server/outbox/index.ts, enqueueInStatement); `onlyIf`,
 * a condition the emails are written under.
 */
export function emailsInsert(emails: readonly QueuedEmail[], now: Date, onlyIf: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO email (id, organization_id, profile_id, invitation_id, admin_invitation_id, kind, "to", created_at)
    SELECT gen_random_uuid(), v.organization_id, v.profile_id, v.invitation_id, v.admin_invitation_id, v.kind::"EmailKind", v.email, ${now}::timestamptz
    FROM unnest(${emails.map((email) => email.organizationId)}::uuid[], ${emails.map((email) => email.profileId)}::uuid[],
                ${emails.map((email) => email.invitationId)}::uuid[], ${emails.map((email) => email.adminInvitationId ?? null)}::uuid[],
                ${emails.map((email) => email.kind)}::text[], ${emails.map((email) => email.to)}::text[])
      AS v(organization_id, profile_id, invitation_id, admin_invitation_id, kind, email)
    WHERE ${onlyIf}
    RETURNING id`;
}

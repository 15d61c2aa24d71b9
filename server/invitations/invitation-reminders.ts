import { enqueue } from '../outbox/index.ts';
import type { Clock } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { UNDELIVERABLE_DELIVERY_STATES } from './invitation-rules.ts';
import { invitationInStateSql } from './invitation-state.ts';

// Reminders before expiry (organization setting reminderHoursBeforeExpiry):
// one reminder email per invitation, to a person still PENDING whose
// invitation is still open and still their latest, at the address it went to.
// A scheduled job (graphile-worker cron, every few minutes) claims the due
// invitations: the claim sets invitation.reminder_queued_at, a marker written
// once, under row locks taken with SKIP LOCKED, in the transaction that queues
// the emails. Several workers running the job at once therefore share the due
// invitations and none is reminded twice. The email itself goes through the
// delivery queue and the communication gate like every other; its link is
// derived again from the invitation id when it is rendered.

/** Invitations claimed per transaction; the job loops until none is due. */
const REMINDER_BATCH = 500;

/**
 * SQL: the invitation under "i" of the profile under "p" in the organization
 * under "o" is due for its reminder at `now`. Only invitations sent by email
 * (not handed over by link) to an address that works; none when the reminder
 * time comes before the invitation was sent (a validity shorter than the lead).
 */
function reminderDueSql(now: Date): Prisma.Sql {
  const undeliverable = Prisma.join([...UNDELIVERABLE_DELIVERY_STATES, 'NO_EMAIL'].map((state) => Prisma.sql`${state}::"EmailDeliveryState"`));
  return Prisma.sql`
    o.reminder_hours_before_expiry IS NOT NULL
    AND p.status = 'PENDING' AND p.latest_invitation_id = i.id AND p.email = i.email
    AND i.reminder_queued_at IS NULL
    AND ${invitationInStateSql('i', 'OPEN', now)}
    AND i.delivery_state NOT IN (${undeliverable})
    AND i.expires_at - make_interval(hours => o.reminder_hours_before_expiry) <= ${now}::timestamptz
    AND i.expires_at - make_interval(hours => o.reminder_hours_before_expiry) > i.created_at`;
}

/**
 * Queues the reminders due now; returns how many. Each batch is one
 * transaction: claim (lock the invitations FOR UPDATE and their profiles FOR
 * KEY SHARE, skipping rows another transaction holds — an invite or accept in
 * flight, or another worker's claim), mark, write the emails, ask for a
 * delivery run. A skipped row is due again at the next run.
 */
export async function queueDueReminders(deps: { prisma: PrismaClient; clock: Clock }): Promise<number> {
  let total = 0;
  for (;;) {
    const now = deps.clock.now();
    const claimed = await deps.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; organization_id: string; profile_id: string; email: string }[]>`
        WITH due AS (
          SELECT i.id FROM invitation i
          JOIN profile p ON p.latest_invitation_id = i.id
          JOIN organization o ON o.id = i.organization_id
          WHERE ${reminderDueSql(now)}
          ORDER BY i.expires_at
          LIMIT ${REMINDER_BATCH}
          FOR UPDATE OF i SKIP LOCKED
          FOR KEY SHARE OF p SKIP LOCKED
        )
        UPDATE invitation SET reminder_queued_at = ${now}::timestamptz
        FROM due WHERE invitation.id = due.id AND invitation.reminder_queued_at IS NULL
        RETURNING invitation.id, invitation.organization_id, invitation.profile_id, invitation.email::text AS email`;
      if (rows.length === 0) return 0;
      await enqueue(tx, {
        emails: rows.map((row) => ({ organizationId: row.organization_id, profileId: row.profile_id, invitationId: row.id, kind: 'REMINDER', to: row.email })),
        now,
      });
      return rows.length;
    });
    total += claimed;
    if (claimed < REMINDER_BATCH) return total;
  }
}

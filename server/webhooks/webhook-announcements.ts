import type { BulkInvitation, Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState } from '../generated/prisma/enums.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { enqueue } from '../outbox/index.ts';

// The events whose data needs more than the caller has at hand, kept here so
// the services that cause them call one line.

/** bulk_invitation.completed, in the transaction that marks it COMPLETED. */
export async function announceBulkInvitationCompleted(tx: Prisma.TransactionClient, bulk: BulkInvitation, now: Date): Promise<void> {
  const skipped = Object.values(bulk.skipped as Record<string, number>).reduce((sum, count) => sum + count, 0);
  await enqueue(tx, {
    webhookEvents: {
      organizationId: bulk.organizationId,
      type: 'bulk_invitation.completed',
      now,
      events: [
        {
          data: {
            bulkInvitationId: globalIdOf('BulkInvitation', bulk.id),
            total: bulk.total,
            invited: bulk.invited,
            reinvited: bulk.reinvited,
            skipped,
            startedAt: (bulk.startedAt ?? now).toISOString(),
            completedAt: now.toISOString(),
          },
        },
      ],
    },
  });
}

/**
 * email.bounced and email.complained, before the invitations' delivery states
 * are written (so only a change announces: a repeated bounce of the same
 * email does not). Reads nothing unless some update is a bounce or complaint.
 */
export async function announceDeliveryProblems(
  tx: Prisma.TransactionClient,
  updates: { invitationId: string; state: EmailDeliveryState }[],
  now: Date,
): Promise<void> {
  const problems = updates.filter((update) => update.state === 'BOUNCED' || update.state === 'SPAM_COMPLAINT');
  if (problems.length === 0) return;
  const ids = problems.map((update) => update.invitationId);
  const rows = await tx.$queryRaw<
    { id: string; organization_id: string; profile_id: string; external_id: string | null; delivery_state: EmailDeliveryState }[]
  >`
    SELECT i.id, i.organization_id, i.profile_id, p.external_id, i.delivery_state
    FROM invitation i JOIN profile p ON p.id = i.profile_id
    WHERE i.id = ANY(${ids}::uuid[])`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const state of ['BOUNCED', 'SPAM_COMPLAINT'] as const) {
    const changed = problems.filter(
      (update) => update.state === state && byId.get(update.invitationId) && byId.get(update.invitationId)!.delivery_state !== state,
    );
    const byOrganization = new Map<string, typeof rows>();
    for (const update of changed) {
      const row = byId.get(update.invitationId)!;
      byOrganization.set(row.organization_id, [...(byOrganization.get(row.organization_id) ?? []), row]);
    }
    for (const [organizationId, list] of byOrganization) {
      await enqueue(tx, {
        webhookEvents: {
          organizationId,
          type: state === 'BOUNCED' ? 'email.bounced' : 'email.complained',
          now,
          events: list.map((row) => ({
            data: {
              profileId: globalIdOf('Profile', row.profile_id),
              externalId: row.external_id,
              invitationId: globalIdOf('Invitation', row.id),
              occurredAt: now.toISOString(),
            },
          })),
        },
      });
    }
  }
}

import type { Clock } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { enqueue } from '../outbox/index.ts';

// invitation.expired: nothing happens in the database when an invitation
// expires, so a scheduled job looks. It keeps a watermark (`scheduled_scan`):
// each run takes the invitations whose expiry fell in (watermark, now], then
// moves the watermark, in one transaction that holds the watermark's row
// lock; a second worker running at the same moment waits for it and then
// finds an empty interval. So each expiry is announced once, however many
// workers run. The first run starts from its own time (no announcements for
// the past).
//
// An invitation that expires is always its profile's latest one, of a
// PENDING profile (a re-invite supersedes the earlier one, accepting
// validates the profile, a new address revokes it), so the scan goes through
// the profiles of the organizations that listen for the event (indexed by
// organization and status) and adds no index to the invitation table, which
// bulk invitations write 100,000 rows at a time.

const SCAN = 'invitation-expiry';

interface Expired {
  id: string;
  organization_id: string;
  profile_id: string;
  external_id: string | null;
  expires_at: Date;
}

export async function scanExpiredInvitations(deps: { prisma: PrismaClient; clock: Clock }): Promise<number> {
  const now = deps.clock.now();
  return deps.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`INSERT INTO scheduled_scan (name, scanned_until) VALUES (${SCAN}, ${now}::timestamptz) ON CONFLICT (name) DO NOTHING`;
      const [scan] = await tx.$queryRaw<{ scanned_until: Date }[]>`SELECT scanned_until FROM scheduled_scan WHERE name = ${SCAN} FOR UPDATE`;
      const from = scan!.scanned_until;
      if (from >= now) return 0;
      const expired = await tx.$queryRaw<Expired[]>`
        SELECT i.id, i.organization_id, i.profile_id, p.external_id, i.expires_at
        FROM profile p JOIN invitation i ON i.id = p.latest_invitation_id
        WHERE p.organization_id IN (SELECT organization_id FROM webhook_endpoint WHERE enabled AND 'invitation.expired' = ANY(event_types))
          AND p.status = 'PENDING'
          AND i.expires_at > ${from}::timestamptz AND i.expires_at <= ${now}::timestamptz
          AND i.accepted_at IS NULL
          AND (i.revoked_at IS NULL OR i.revoked_at > i.expires_at)
          AND (i.superseded_at IS NULL OR i.superseded_at > i.expires_at)
        ORDER BY i.organization_id, i.expires_at, i.id`;
      const byOrganization = new Map<string, Expired[]>();
      for (const row of expired) {
        const rows = byOrganization.get(row.organization_id) ?? [];
        rows.push(row);
        byOrganization.set(row.organization_id, rows);
      }
      for (const [organizationId, rows] of byOrganization) {
        await enqueue(tx, {
          webhookEvents: {
            organizationId,
            type: 'invitation.expired',
            now,
            events: rows.map((row) => ({
              occurredAt: row.expires_at,
              data: {
                profileId: globalIdOf('Profile', row.profile_id),
                externalId: row.external_id,
                invitationId: globalIdOf('Invitation', row.id),
                expiredAt: row.expires_at.toISOString(),
              },
            })),
          },
        });
      }
      await tx.$executeRaw`UPDATE scheduled_scan SET scanned_until = ${now}::timestamptz WHERE name = ${SCAN}`;
      return expired.length;
    },
    { timeout: 120_000 },
  );
}

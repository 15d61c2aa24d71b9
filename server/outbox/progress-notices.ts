import type { Prisma } from '../generated/prisma/client.ts';

// Progress notices: a change of a bulk invitation is announced with
// PostgreSQL NOTIFY in the transaction that made it, so followers hear of it
// at commit and only if it commits. Each server process fans them out to its
// subscribers (server/graphql/bulk-invitation-progress.ts).

export const PROGRESS_CHANNEL = 'bulk_invitation_progress';

/** Announces a change of the bulk invitation to its followers, at the commit of `tx`. */
export async function announceBulkInvitationProgress(tx: Pick<Prisma.TransactionClient, '$executeRaw'>, bulkInvitationId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${PROGRESS_CHANNEL}, ${bulkInvitationId})`;
}

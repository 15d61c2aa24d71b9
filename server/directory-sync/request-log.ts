import type { PrismaClient } from '../database/prisma.ts';
import { REQUEST_LOG_DAYS } from './scim-limits.ts';

// The request log an admin reads: every SCIM request of a connection, kept 30
// days (older ones are swept as new ones arrive), so "why wasn't Alice
// provisioned?" has an answer. Never a token or a request body: the method,
// the path and query, the outcome, what changed and the error's detail.

export interface LoggedRequest {
  organizationId: string;
  connectionId: string;
  occurredAt: Date;
  method: string;
  resource: string;
  status: number;
  summary: string;
  error: string | null;
  durationMs: number;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export async function logRequest(prisma: PrismaClient, entry: LoggedRequest): Promise<void> {
  const cutoff = new Date(entry.occurredAt.getTime() - REQUEST_LOG_DAYS * 86_400_000);
  await prisma.$transaction([
    prisma.directoryRequest.create({
      data: {
        ...entry,
        resource: cut(entry.resource, 500),
        summary: cut(entry.summary, 2_000),
        error: entry.error === null ? null : cut(entry.error, 1_000),
      },
    }),
    prisma.directoryRequest.deleteMany({ where: { connectionId: entry.connectionId, occurredAt: { lt: cutoff } } }),
    // To the minute: one write per minute at most, not one per request.
    prisma.directoryConnection.updateMany({
      where: { id: entry.connectionId, OR: [{ lastRequestAt: null }, { lastRequestAt: { lt: new Date(entry.occurredAt.getTime() - 60_000) } }] },
      data: { lastRequestAt: entry.occurredAt },
    }),
  ]);
}

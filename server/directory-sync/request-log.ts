import { Prisma } from '../generated/prisma/client.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { REQUEST_LOG_DAYS } from './scim-limits.ts';
import { uuidV7 } from '../kernel/uuid-v7.ts';

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

/** At most `max` characters, and storable: PostgreSQL's text holds no NUL (a path or filter may carry one, %00). */
const cut = (text: string, max: number) => {
  const storable = text.replaceAll('\u0000', '\ufffd');
  return storable.length > max ? `${storable.slice(0, max - 1)}…` : storable;
};

/**
 * Writes the entry; resolves once it is stored. Entries written while an earlier batch is being stored wait for it
 * and are then stored together, in one statement (group commit): under load, requests in flight share a round trip;
 * alone, a request's entry is written at once. A request still answers only after its entry is stored, so nothing is
 * lost on a shutdown that lets the requests in flight finish.
 */
export function logRequest(prisma: PrismaClient, entry: LoggedRequest): Promise<void> {
  let writer = writers.get(prisma);
  if (!writer) {
    writer = new RequestLogWriter(prisma);
    writers.set(prisma, writer);
  }
  return writer.write(entry);
}

const writers = new WeakMap<PrismaClient, RequestLogWriter>();

/** At most this many entries in one statement. */
const MAX_BATCH = 200;

class RequestLogWriter {
  private readonly waiting: { entry: LoggedRequest; done: (error?: unknown) => void }[] = [];
  private draining = false;

  constructor(private readonly prisma: PrismaClient) {}

  write(entry: LoggedRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        await storeEntries(
          this.prisma,
          batch.map(({ entry }) => entry),
        );
        for (const { done } of batch) done();
      } catch (error) {
        if (batch.length === 1) batch[0]!.done(error);
        // One entry's failure (e.g. its connection deleted meanwhile) is its own: the others are stored one by one.
        else for (const { entry, done } of batch) await storeEntries(this.prisma, [entry]).then(() => done(), done);
      }
    }
    this.draining = false;
  }
}

/**
 * One statement: the entries written (those of a connection deleted since are dropped), each connection's expired
 * entries swept, its last request time kept to the minute.
 */
async function storeEntries(prisma: PrismaClient, entries: LoggedRequest[]): Promise<void> {
  const latest = new Map<string, Date>();
  for (const { connectionId, occurredAt } of entries) {
    const known = latest.get(connectionId);
    if (!known || known < occurredAt) latest.set(connectionId, occurredAt);
  }
  const rows = entries.map(
    (entry) => Prisma.sql`(${uuidV7()}::uuid, ${entry.organizationId}::uuid, ${entry.connectionId}::uuid, ${entry.occurredAt}::timestamptz,
      ${entry.method}, ${cut(entry.resource, 500)}, ${entry.status}::int, ${cut(entry.summary, 2_000)},
      ${entry.error === null ? null : cut(entry.error, 1_000)}::text, ${entry.durationMs}::int)`,
  );
  const connections = [...latest].map(
    ([connectionId, at]) => Prisma.sql`(${connectionId}::uuid, ${at}::timestamptz, ${new Date(at.getTime() - REQUEST_LOG_DAYS * 86_400_000)}::timestamptz)`,
  );
  await prisma.$executeRaw`
    WITH logged (connection_id, last_at, cutoff) AS (VALUES ${Prisma.join(connections)}),
    swept AS (
      DELETE FROM directory_request r USING logged WHERE r.connection_id = logged.connection_id AND r.occurred_at < logged.cutoff
    ), touched AS (
      UPDATE directory_connection c SET last_request_at = logged.last_at FROM logged
      WHERE c.id = logged.connection_id AND (c.last_request_at IS NULL OR c.last_request_at < logged.last_at - interval '1 minute')
    )
    INSERT INTO directory_request (id, organization_id, connection_id, occurred_at, method, resource, status, summary, error, duration_ms)
    SELECT e.* FROM (VALUES ${Prisma.join(rows)}) AS e (id, organization_id, connection_id, occurred_at, method, resource, status, summary, error, duration_ms)
    JOIN directory_connection c ON c.id = e.connection_id`;
}

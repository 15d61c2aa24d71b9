import { Prisma } from '../generated/prisma/client.ts';
import { type PrismaClient, sqlQuery } from '../database/prisma.ts';
import { REQUEST_LOG_DAYS } from './scim-limits.ts';
import { uuidV7 } from '../kernel/uuid-v7.ts';
import type { DirectoryScope } from './directory-scope.ts';

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
  await sqlQuery(prisma, Prisma.sql`WITH ${requestLogWrites(entries)} SELECT count(*) FROM log_entered`);
}

/**
 * A request's entry stored by the request's own statement, with `started`: `performance.now()` when the request came
 * in. Its duration is the time in this process up to the statement plus the statement's own time in PostgreSQL: two
 * intervals, each read on one clock, so no skew between this machine's clock and the database's shows in it.
 */
export type EntryInStatement = Omit<LoggedRequest, 'durationMs'> & { started: number };

/**
 * What stores `entries`, as the CTEs of a statement's WITH (named log_…, the last `log_entered`): a request's own
 * statement opens with them to store its entry in the same round trip (what IdPs send most: a filtered GET, a POST of
 * a new user), atomic with it. The entries are stored only if `when` (SQL) holds.
 */
export function requestLogWrites(entries: (LoggedRequest | EntryInStatement)[], when: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  const latest = new Map<string, Date>();
  for (const { connectionId, occurredAt } of entries) {
    const known = latest.get(connectionId);
    if (!known || known < occurredAt) latest.set(connectionId, occurredAt);
  }
  const duration = (entry: LoggedRequest | EntryInStatement) =>
    'durationMs' in entry
      ? Prisma.sql`${entry.durationMs}::int`
      : Prisma.sql`(${Math.round(performance.now() - entry.started)} + round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000))::int`;
  const rows = entries.map(
    (entry) => Prisma.sql`(${uuidV7()}::uuid, ${entry.organizationId}::uuid, ${entry.connectionId}::uuid, ${entry.occurredAt}::timestamptz,
      ${entry.method}, ${cut(entry.resource, 500)}, ${entry.status}::int, ${cut(entry.summary, 2_000)},
      ${entry.error === null ? null : cut(entry.error, 1_000)}::text, ${duration(entry)})`,
  );
  const connections = [...latest].map(
    ([connectionId, at]) => Prisma.sql`(${connectionId}::uuid, ${at}::timestamptz, ${new Date(at.getTime() - REQUEST_LOG_DAYS * 86_400_000)}::timestamptz)`,
  );
  return Prisma.sql`
    log_connections (connection_id, last_at, cutoff) AS (SELECT * FROM (VALUES ${Prisma.join(connections)}) AS v WHERE ${when}),
    log_swept AS (
      DELETE FROM directory_request r USING log_connections l WHERE r.connection_id = l.connection_id AND r.occurred_at < l.cutoff
    ), log_touched AS (
      UPDATE directory_connection c SET last_request_at = l.last_at FROM log_connections l
      WHERE c.id = l.connection_id AND (c.last_request_at IS NULL OR c.last_request_at < l.last_at - interval '1 minute')
    ), log_entered AS (
      INSERT INTO directory_request (id, organization_id, connection_id, occurred_at, method, resource, status, summary, error, duration_ms)
      SELECT e.* FROM (VALUES ${Prisma.join(rows)}) AS e (id, organization_id, connection_id, occurred_at, method, resource, status, summary, error, duration_ms)
      JOIN directory_connection c ON c.id = e.connection_id
      WHERE ${when}
      RETURNING 1
    )`;
}

/**
 * The CTEs (after a comma, to close a statement's WITH) that store the scope's request as answered `status` with
 * `summary`, if `when` holds; `stored()` is called once that statement succeeded and it did store it. Nothing when the
 * scope names no request.
 */
export function ownEntryWrites(scope: DirectoryScope, status: number, summary: string, when?: Prisma.Sql): { sql: Prisma.Sql; stored: () => void } {
  const request = scope.request;
  if (!request) return { sql: Prisma.empty, stored: () => {} };
  const entry = {
    organizationId: scope.organizationId,
    connectionId: scope.connection.id,
    occurredAt: scope.now,
    method: request.method,
    resource: request.resource,
    status,
    summary,
    error: null,
    started: request.started,
  };
  return { sql: Prisma.sql`, ${requestLogWrites([entry], when)}`, stored: () => (request.stored = status) };
}

import { randomBytes } from 'node:crypto';
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

/** At most `max` characters, and storable: PostgreSQL's text holds no NUL (a path or filter may carry one, %00). */
const cut = (text: string, max: number) => {
  const storable = text.replaceAll('\u0000', '\ufffd');
  return storable.length > max ? `${storable.slice(0, max - 1)}…` : storable;
};

/** One statement: the entry written, the connection's expired entries swept, its last request time kept to the minute. */
export async function logRequest(prisma: PrismaClient, entry: LoggedRequest): Promise<void> {
  const cutoff = new Date(entry.occurredAt.getTime() - REQUEST_LOG_DAYS * 86_400_000);
  const minuteAgo = new Date(entry.occurredAt.getTime() - 60_000);
  await prisma.$executeRaw`
    WITH swept AS (
      DELETE FROM directory_request WHERE connection_id = ${entry.connectionId}::uuid AND occurred_at < ${cutoff}::timestamptz
    ), touched AS (
      UPDATE directory_connection SET last_request_at = ${entry.occurredAt}::timestamptz
      WHERE id = ${entry.connectionId}::uuid AND (last_request_at IS NULL OR last_request_at < ${minuteAgo}::timestamptz)
    )
    INSERT INTO directory_request (id, organization_id, connection_id, occurred_at, method, resource, status, summary, error, duration_ms)
    VALUES (${requestId()}::uuid, ${entry.organizationId}::uuid, ${entry.connectionId}::uuid, ${entry.occurredAt}::timestamptz, ${entry.method},
            ${cut(entry.resource, 500)}, ${entry.status}, ${cut(entry.summary, 2_000)}, ${entry.error === null ? null : cut(entry.error, 1_000)},
            ${entry.durationMs})`;
}

let lastMs = 0;
let sequence = 0;

/** A UUIDv7 (time-ordered, as the schema's uuid(7) ids), increasing within this process: the log reads newest first by id. */
function requestId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      ms = ++lastMs;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import type { Prisma } from '../generated/prisma/client.ts';
import { CALL_MEMORY, canonicalJson } from '../kernel/idempotency.ts';
import { sha256Hex } from '../kernel/sha256.ts';
import type { UpsertOutcome, UpsertRowResult } from './profile-upsert-service.ts';

// A bulk upsert is safe to send twice (rows are matched by externalId), but a
// client's retry after a lost answer would find the rows its first attempt
// wrote UNCHANGED, and say so. So what a named call (x-parkpass-call-id) wrote
// is remembered for a day: the same call sending the same rows again is
// answered as its first attempt was (CREATED, UPDATED), while anybody else,
// or a later call, sees UNCHANGED. Kept in idempotent_request under the
// operation below, the call id as key, the rows' hash as the request's.

const OPERATION = 'profilesUpsert';

type Written = Record<string, Extract<UpsertOutcome, 'CREATED' | 'UPDATED'>>;

/**
 * Within the upsert's transaction, after its rows are written: a row this
 * call's earlier attempt created or updated, found UNCHANGED now, takes that
 * outcome again; then what the call wrote is remembered. Does nothing for a
 * client that names no call.
 */
export async function answerAsFirstAttempt(
  tx: Prisma.TransactionClient,
  { organizationId, callId }: { organizationId: string; callId?: string | null | undefined },
  inputs: unknown,
  rows: UpsertRowResult[],
): Promise<void> {
  if (!callId) return;
  const requestHash = sha256Hex(canonicalJson(inputs));
  const where = { organizationId_operation_key: { organizationId, operation: OPERATION, key: callId } };
  const earlier = await tx.idempotentRequest.findUnique({ where });
  const before: Written = earlier?.requestHash === requestHash ? ((earlier.response ?? {}) as Written) : {};
  const written: Written = { ...before };
  for (const row of rows) {
    const first = before[String(row.index)];
    if (row.outcome === 'UNCHANGED' && first) row.outcome = first;
    else if (row.outcome === 'CREATED' || row.outcome === 'UPDATED') written[String(row.index)] = row.outcome;
  }
  await tx.$executeRaw`DELETE FROM idempotent_request WHERE organization_id = ${organizationId}::uuid AND operation = ${OPERATION}
    AND created_at < now() - ${CALL_MEMORY}::interval`;
  await tx.idempotentRequest.upsert({
    where,
    create: { organizationId, operation: OPERATION, key: callId, requestHash, callId, response: written },
    update: { requestHash, response: written },
  });
}

import { IdempotencyKeyReusedError, InvalidInputError, NotFoundError } from './errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { sha256Hex } from './sha256.ts';
import { isSameCall } from './idempotency-call.ts';
import { parseOptionalText } from './text-fields.ts';

// Creates that carry an idempotency key can be retried safely: the first
// request claims the key (organization, operation, key) in the transaction
// that creates; a retry, even one racing the first, waits for that commit and
// gets what it created. The same key with another input is refused.

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

// Keys do not expire: a key is kept as long as the organization (bulk
// invitations: as long as the bulk invitation), so a retry days later still
// returns the first result. What an earlier request created, returned again,
// is marked so its payload can say `replayed: true`.
const replayed = new WeakSet<object>();

/** Marks a result as the one an earlier request with the same idempotency key created. */
export function markReplayed<T extends object>(result: T): T {
  replayed.add(result);
  return result;
}

/** True when the result was returned for a reused idempotency key rather than created by this request. */
export const wasReplayed = (result: object): boolean => replayed.has(result);

/** The description of every create's idempotencyKey (in the schema). */
export const idempotencyKeyDescription = (what: string) =>
  `Any unique string (e.g. a UUID) per intended ${what}: a retry with the same key and input returns the ${what} the first call created ` +
  'instead of creating another (the same key with another input: IdempotencyKeyReused).';

export interface IdempotentCreate<T> {
  organizationId: string;
  operation: string;
  key: string | null | undefined;
  /** The call this request is an attempt of (RequestScope.callId), kept with the key. */
  callId: string | null | undefined;
  /** The request's input, minus the key: a retry must send the same. */
  input: unknown;
  create: () => Promise<T & { id: string }>;
  /** Reads what an earlier request created; null when it was deleted since. */
  load: (id: string) => Promise<T | null>;
}

/**
 * An idempotency key as sent (`input.idempotencyKey` of a create or a bulk
 * invitation): null when left out; else the text shape rule and its length,
 * like every text input. A blank key is refused rather than ignored: the
 * caller meant to make retries safe, and they would not be.
 */
export function parseIdempotencyKey(raw: string | null | undefined): string | null {
  const key = parseOptionalText(raw, ['input', 'idempotencyKey'], MAX_IDEMPOTENCY_KEY_LENGTH);
  if (raw != null && !key) throw new InvalidInputError(['input', 'idempotencyKey'], 'idempotencyKey must not be blank; leave it out to send no key.');
  return key;
}

export async function idempotentCreate<T>(tx: Prisma.TransactionClient, request: IdempotentCreate<T>): Promise<T> {
  const key = parseIdempotencyKey(request.key);
  if (!key) return request.create();
  const requestHash = sha256Hex(canonicalJson(request.input));
  // Waits for a concurrent first request with the same key to commit, then does nothing.
  const claimed = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotent_request (organization_id, operation, key, request_hash, call_id)
    VALUES (${request.organizationId}::uuid, ${request.operation}, ${key}, ${requestHash}, ${request.callId ?? null})
    ON CONFLICT DO NOTHING RETURNING key`;
  if (claimed.length === 1) {
    const created = await request.create();
    await tx.idempotentRequest.update({
      where: { organizationId_operation_key: { organizationId: request.organizationId, operation: request.operation, key } },
      data: { resultId: created.id },
    });
    return created;
  }
  const earlier = await tx.idempotentRequest.findUniqueOrThrow({
    where: { organizationId_operation_key: { organizationId: request.organizationId, operation: request.operation, key } },
  });
  if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  const result = earlier.resultId ? await request.load(earlier.resultId) : null;
  if (!result) throw new NotFoundError(['input', 'idempotencyKey'], 'object created with this idempotency key (it was deleted since)');
  // The same call's retry after it lost the answer: the work is this call's, not a replay.
  return isSameCall(earlier.callId, request.callId) ? result : markReplayed(result as T & object);
}

/** JSON with object keys sorted and absent values dropped, so equal inputs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner)
            .filter(([, v]) => v !== undefined && v !== null)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : inner,
  );
}

/** How long what a named call did is remembered for its own retries (oncePerCall, and the bulk upsert's call memory). */
export const CALL_MEMORY = '1 day';

export interface OncePerCall<T> {
  organizationId: string;
  /** E.g. "profileDelete"; kept apart from the idempotency keys of creates. */
  operation: string;
  /** The call this request is an attempt of (RequestScope.callId): without one, `run` simply runs. */
  callId: string | null | undefined;
  /** The request's input: the same call id with another input is refused. */
  input: unknown;
  run: () => Promise<T>;
  /** What to remember of the answer (an id, a small JSON object): never a secret. */
  keep: (result: T) => Prisma.InputJsonValue;
  /** The answer again, from what was kept. */
  answerAgain: (kept: Prisma.JsonValue) => T | Promise<T>;
}

/**
 * A write whose repetition would answer wrongly rather than do harm (a delete
 * or a revocation done twice answers NOT_FOUND or "already revoked" to the
 * call that did it): the call's own retry, after its answer was lost, gets the
 * first attempt's answer. Claimed in the write's transaction like a key, so a
 * retry racing the first attempt waits for it; forgotten after CALL_MEMORY.
 */
export async function oncePerCall<T>(tx: Prisma.TransactionClient, request: OncePerCall<T>): Promise<T> {
  const { organizationId, operation, callId } = request;
  if (!callId) return request.run();
  const requestHash = sha256Hex(canonicalJson(request.input));
  const claimed = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotent_request (organization_id, operation, key, request_hash, call_id)
    VALUES (${organizationId}::uuid, ${operation}, ${callId}, ${requestHash}, ${callId})
    ON CONFLICT DO NOTHING RETURNING key`;
  const where = { organizationId_operation_key: { organizationId, operation, key: callId } };
  if (claimed.length === 1) {
    const result = await request.run();
    await tx.idempotentRequest.update({ where, data: { response: request.keep(result) } });
    await tx.$executeRaw`DELETE FROM idempotent_request WHERE organization_id = ${organizationId}::uuid AND operation = ${operation}
      AND created_at < now() - ${CALL_MEMORY}::interval`;
    return result;
  }
  const earlier = await tx.idempotentRequest.findUniqueOrThrow({ where });
  if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  return request.answerAgain(earlier.response);
}

export interface IdempotentResult<T> {
  organizationId: string;
  /** E.g. "profilesDelete": keys of one operation are apart from another's. */
  operation: string;
  /** The caller's idempotency key (parsed): without one, the call's own retries are still recognised (oncePerCall). */
  key: string | null;
  callId: string | null | undefined;
  /** The request's input, minus the key: a retry must send the same. */
  input: unknown;
  run: () => Promise<T>;
  /** What to remember of the answer (counts): never a secret. */
  keep: (result: T) => Prisma.InputJsonValue;
  answerAgain: (kept: Prisma.JsonValue) => T;
}

/**
 * A write over many rows that is not a create (a bulk change, revocation or deletion): its key is claimed in the
 * write's transaction, the answer (its counts) kept with it, and a retry with the same key gets that answer again,
 * marked replayed (unless it is the same call's own retry), without writing anything. Kept like a create's key.
 */
export async function idempotentResult<T extends object>(tx: Prisma.TransactionClient, request: IdempotentResult<T>): Promise<T> {
  const { organizationId, operation, key, callId } = request;
  if (!key) return oncePerCall(tx, { ...request, operation: `${operation}:call` });
  const requestHash = sha256Hex(canonicalJson(request.input));
  const claimed = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotent_request (organization_id, operation, key, request_hash, call_id)
    VALUES (${organizationId}::uuid, ${operation}, ${key}, ${requestHash}, ${callId ?? null})
    ON CONFLICT DO NOTHING RETURNING key`;
  const where = { organizationId_operation_key: { organizationId, operation, key } };
  if (claimed.length === 1) {
    const result = await request.run();
    await tx.idempotentRequest.update({ where, data: { response: request.keep(result) } });
    return result;
  }
  const earlier = await tx.idempotentRequest.findUniqueOrThrow({ where });
  if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  const result = request.answerAgain(earlier.response);
  return isSameCall(earlier.callId, callId) ? result : markReplayed(result);
}

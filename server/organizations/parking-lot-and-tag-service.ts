import type { RequestScope } from '../kernel/scope.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { NameAlreadyUsedError, NotFoundError } from '../kernel/errors.ts';
import type { ParkingLot, Prisma, Tag } from '../generated/prisma/client.ts';
import { recordAudit } from '../audit/index.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import { idempotentCreate, oncePerCall } from '../kernel/idempotency.ts';
import { parseRequiredText } from '../kernel/text-fields.ts';

// Parking lots and tags: the organization's own lists that profiles point to.
// Both are a name unique in the organization (case-insensitively, the column
// is citext), so one set of rules serves both.

export const MAX_LOT_OR_TAG_NAME_LENGTH = 100;

export type LotOrTagKind = 'parkingLot' | 'tag';

const WHAT: Record<LotOrTagKind, string> = { parkingLot: 'parking lot', tag: 'tag' };
const AUDIT = {
  parkingLot: { created: 'PARKING_LOT_CREATED', renamed: 'PARKING_LOT_RENAMED', deleted: 'PARKING_LOT_DELETED' },
  tag: { created: 'TAG_CREATED', renamed: 'TAG_RENAMED', deleted: 'TAG_DELETED' },
} as const;

type Executor = PrismaClient | Prisma.TransactionClient;

/** The table of the kind; parking_lot and tag have the same columns, so one delegate type serves both. */
function table(executor: Executor, kind: LotOrTagKind) {
  return (kind === 'tag' ? executor.tag : executor.parkingLot) as unknown as Prisma.TagDelegate;
}

/** Creates a parking lot or tag; the name must be free in the organization. With an idempotency key, a retry returns the first one. */
export async function createLotOrTag(scope: RequestScope, kind: LotOrTagKind, rawName: string, idempotencyKey?: string | null): Promise<ParkingLot | Tag> {
  const name = parseRequiredText(rawName, ['input', 'name'], MAX_LOT_OR_TAG_NAME_LENGTH);
  const organizationId = scope.viewer.organizationId;
  return scope.prisma.$transaction((tx) =>
    idempotentCreate(tx, {
      organizationId,
      operation: `${kind}Create`,
      key: idempotencyKey,
      callId: scope.callId,
      input: { name },
      load: (id) => table(tx, kind).findFirst({ where: { id, organizationId } }),
      create: async () => {
        await assertNameFree(tx, kind, organizationId, name, null);
        const created = await uniqueName(kind, name, () => table(tx, kind).create({ data: { organizationId, name, createdAt: scope.now } }));
        await recordAudit(tx, scope, { kind: AUDIT[kind].created, subjectId: created.id, summary: `Created the ${WHAT[kind]} "${name}".` });
        return created;
      },
    }),
  );
}

/** Renames a parking lot or tag; profiles keep it. */
export async function renameLotOrTag(scope: RequestScope, kind: LotOrTagKind, id: string, rawName: string): Promise<ParkingLot | Tag> {
  const name = parseRequiredText(rawName, ['input', 'name'], MAX_LOT_OR_TAG_NAME_LENGTH);
  const organizationId = scope.viewer.organizationId;
  return scope.prisma.$transaction(async (tx) => {
    const current = await table(tx, kind).findFirst({ where: { id, organizationId } });
    if (!current) throw new NotFoundError(['id'], WHAT[kind]);
    await assertNameFree(tx, kind, organizationId, name, id);
    const renamed = await uniqueName(kind, name, () => table(tx, kind).update({ where: { id }, data: { name } }));
    await recordAudit(tx, scope, {
      kind: AUDIT[kind].renamed,
      subjectId: id,
      summary: `Renamed the ${WHAT[kind]} "${current.name}" to "${name}".`,
    });
    return renamed;
  });
}

/**
 * Deletes a parking lot or tag. It is removed from every profile that had it
 * (their other lots and tags stay); returns how many profiles had it.
 */
type DeletedLotOrTag = { id: string; name: string; profileCount: number };

export async function deleteLotOrTag(scope: RequestScope, kind: LotOrTagKind, id: string): Promise<DeletedLotOrTag> {
  const organizationId = scope.viewer.organizationId;
  return scope.prisma.$transaction((tx) =>
    oncePerCall(tx, {
      organizationId,
      operation: `${kind}Delete`,
      callId: scope.callId,
      input: { id },
      keep: (deleted) => deleted,
      answerAgain: (kept) => kept as DeletedLotOrTag,
      run: async () => {
        const current = await table(tx, kind).findFirst({ where: { id, organizationId }, select: { id: true, name: true } });
        if (!current) throw new NotFoundError(['id'], WHAT[kind]);
        let profileCount: number;
        if (kind === 'tag') profileCount = await tx.profileTag.count({ where: { tagId: id } });
        else {
          // Its profiles first, in id order: the links' trigger then updates their parking_lot_count. Profile before
          // link is the order every profile write takes, so a lot deleted during a sync or a bulk invitation waits, never deadlocks.
          const locked = await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM profile WHERE id IN (SELECT profile_id FROM profile_parking_lot WHERE parking_lot_id = ${id}::uuid) ORDER BY id FOR UPDATE`;
          profileCount = locked.length;
        }
        // The links to profiles go with it (ON DELETE CASCADE).
        await table(tx, kind).delete({ where: { id } });
        await recordAudit(tx, scope, {
          kind: AUDIT[kind].deleted,
          subjectId: id,
          summary: `Deleted the ${WHAT[kind]} "${current.name}"; ${profileCount} profile(s) had it.`,
        });
        return { ...current, profileCount };
      },
    }),
  );
}

async function assertNameFree(tx: Executor, kind: LotOrTagKind, organizationId: string, name: string, exceptId: string | null) {
  const taken = await table(tx, kind).findFirst({
    where: { organizationId, name, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken) throw new NameAlreadyUsedError(['input', 'name'], WHAT[kind], name);
}

/** A concurrent write can still take the name past the check; say so the same way. */
async function uniqueName<T>(kind: LotOrTagKind, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (uniqueViolation(error)) {
      throw new NameAlreadyUsedError(['input', 'name'], WHAT[kind], name);
    }
    throw error;
  }
}

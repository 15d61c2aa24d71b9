import type { Prisma } from '../generated/prisma/client.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { isUuid } from '../kernel/global-ids.ts';
import type { PaymentMethod } from '../generated/prisma/enums.ts';
import type { RequestScope } from '../kernel/scope.ts';
import { PLANS } from '../kernel/policy.ts';
import { InvalidInputError, SelectionTooLargeError, UnknownParkingLotError, UnknownTagError } from '../kernel/errors.ts';
import { idempotentResult, parseIdempotencyKey } from '../kernel/idempotency.ts';
import { eraseProfileFromTrail, personName, recordAudit } from '../audit/index.ts';
import { revokeOpenInvitationsOf } from '../invitations/index.ts';
import { type Selection, type SelectionInput, selectionIdsAfter, selectionOf, selectionSize } from './profile-selection.ts';

type Transaction = Prisma.TransactionClient;

// Bulk actions beyond inviting (bulk-invitations/ invites): set access and
// tags, revoke open invitations, delete. Each is ONE transaction over the whole
// selection (bounded by the plan), so it is all or nothing; its dry run is the
// same transaction rolled back, so the Confirm step's preview applies exactly
// the rules of the write. With an idempotency key, a retry answers the first
// result again and writes nothing.

/** Why a profile of the selection is left as it was. */
export const BULK_SKIP_REASONS = {
  NOT_FOUND: 'No profile of this organization has the id (it was deleted, or belongs to another organization): it is ignored.',
  NO_OPEN_INVITATION: 'The profile has no open invitation to revoke (never invited, accepted, expired or already revoked).',
} as const;

export type BulkSkipReason = keyof typeof BULK_SKIP_REASONS;

/** What a bulk action did, or would do (a dry run). */
export interface BulkActionResult {
  dryRun: boolean;
  /** Profiles in the selection (chosen ids, or the profiles the filter matched). */
  total: number;
  /** Profiles changed: access changed, an invitation revoked, deleted. */
  changed: number;
  /** Profiles of the organization that already were as asked. */
  unchanged: number;
  skipped: Partial<Record<BulkSkipReason, number>>;
}

export type BulkOperation = 'profilesUpdateAccess' | 'invitationsRevoke' | 'profilesDelete';

/** The change of profilesUpdateAccess: what to add and take away; what it does not name stays as it is. */
export interface AccessChange {
  addParkingLotIds?: string[] | null;
  removeParkingLotIds?: string[] | null;
  addTagIds?: string[] | null;
  removeTagIds?: string[] | null;
  addPaymentMethods?: PaymentMethod[] | null;
  removePaymentMethods?: PaymentMethod[] | null;
}

interface BulkRequest extends SelectionInput {
  idempotencyKey?: string | null;
  dryRun?: boolean;
}

/** The largest selection of each action on a plan. */
const maxSizeOf = (scope: RequestScope, operation: BulkOperation) =>
  operation === 'invitationsRevoke' ? PLANS[scope.viewer.plan].maxBulkInvitationSize : PLANS[scope.viewer.plan].maxBulkEditSize;

/**
 * Runs one bulk action over its selection in one transaction: resolves the selection (at most the plan's limit,
 * else SelectionTooLarge), locks the organization's profiles among it, and hands them to `act`, which answers
 * how many it changed. A dry run rolls everything back and remembers no key.
 */
async function runBulkAction(
  scope: RequestScope,
  operation: BulkOperation,
  request: BulkRequest,
  change: unknown,
  act: (tx: Transaction, profileIds: string[]) => Promise<number>,
): Promise<BulkActionResult> {
  const selection = selectionOf(request, ['input']);
  const key = parseIdempotencyKey(request.idempotencyKey);
  const dryRun = request.dryRun ?? false;
  const { organizationId, now } = scope;
  const max = maxSizeOf(scope, operation);

  const work = (tx: Transaction) => async (): Promise<BulkActionResult> => {
    const total = await selectionSize(tx, organizationId, selection, now);
    if (total > max) throw new SelectionTooLargeError(total, max);
    // One more than allowed: profiles a filter came to match since the count still make it too large.
    const ids = await selectionIdsAfter(tx, organizationId, selection, null, now, max + 1);
    if (ids.length > max) throw new SelectionTooLargeError(ids.length, max);
    const found = await lockProfiles(tx, organizationId, ids);
    const changed = await act(tx, found);
    const skipped: BulkActionResult['skipped'] = {};
    if (ids.length > found.length) skipped.NOT_FOUND = ids.length - found.length;
    if (operation === 'invitationsRevoke' && found.length > changed) skipped.NO_OPEN_INVITATION = found.length - changed;
    const unchanged = operation === 'invitationsRevoke' ? 0 : found.length - changed;
    return { dryRun, total: ids.length, changed, unchanged, skipped };
  };

  const outcome = scope.prisma.$transaction(
    async (tx) => {
      if (dryRun) throw new RolledBack(await work(tx)());
      return idempotentResult(tx, {
        organizationId,
        operation,
        key,
        callId: scope.callId,
        input: { selection: selectionKey(selection), change },
        run: work(tx),
        keep: (result) => ({ total: result.total, changed: result.changed, unchanged: result.unchanged, skipped: result.skipped }),
        answerAgain: (kept) => ({ ...(kept as Omit<BulkActionResult, 'dryRun'>), dryRun: false }),
      });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  try {
    return await outcome;
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
}

/** The selection as a key's input: a filter's keys in any order compare equal (canonical JSON sorts them). */
const selectionKey = (selection: Selection) => selection as unknown as Prisma.InputJsonValue;

/** Thrown at the end of a dry run's transaction to roll it back, carrying what it would have answered. */
class RolledBack extends Error {
  constructor(readonly result: BulkActionResult) {
    super('dry run: rolled back');
  }
}

/** The organization's profiles among `ids`, locked until the transaction ends (a concurrent edit waits); the others are not found. */
async function lockProfiles(tx: Transaction, organizationId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM profile WHERE organization_id = ${organizationId}::uuid AND id = ANY (${ids.filter(isUuid)}::uuid[])
    ORDER BY id FOR UPDATE`;
  return rows.map((row) => row.id);
}

/** The rule of an access change: something to change, nothing both added and taken away, and the organization's own lots and tags. */
async function parseAccessChange(
  tx: Transaction | PrismaClient,
  organizationId: string,
  change: AccessChange,
): Promise<Required<{ [K in keyof AccessChange]: NonNullable<AccessChange[K]> }>> {
  const parsed = {
    addParkingLotIds: [...new Set(change.addParkingLotIds ?? [])],
    removeParkingLotIds: [...new Set(change.removeParkingLotIds ?? [])],
    addTagIds: [...new Set(change.addTagIds ?? [])],
    removeTagIds: [...new Set(change.removeTagIds ?? [])],
    addPaymentMethods: [...new Set(change.addPaymentMethods ?? [])],
    removePaymentMethods: [...new Set(change.removePaymentMethods ?? [])],
  };
  if (Object.values(parsed).every((list) => list.length === 0)) {
    throw new InvalidInputError(['input'], 'Name at least one parking lot, tag or payment method to add or remove.');
  }
  const both = <T>(added: T[], removed: T[]) => added.find((item) => removed.includes(item));
  const pairs = [
    ['removeParkingLotIds', both(parsed.addParkingLotIds, parsed.removeParkingLotIds)],
    ['removeTagIds', both(parsed.addTagIds, parsed.removeTagIds)],
    ['removePaymentMethods', both(parsed.addPaymentMethods, parsed.removePaymentMethods)],
  ] as const;
  for (const [field, item] of pairs) {
    if (item !== undefined) throw new InvalidInputError(['input', field], 'The same item cannot be both added and removed.');
  }
  const lotIds = [...parsed.addParkingLotIds, ...parsed.removeParkingLotIds];
  const tagIds = [...parsed.addTagIds, ...parsed.removeTagIds];
  const [lots, tags] = await Promise.all([
    lotIds.length ? tx.parkingLot.findMany({ where: { organizationId, id: { in: lotIds.filter(isUuid) } }, select: { id: true } }) : [],
    tagIds.length ? tx.tag.findMany({ where: { organizationId, id: { in: tagIds.filter(isUuid) } }, select: { id: true } }) : [],
  ]);
  const knownLots = new Set(lots.map((lot) => lot.id));
  const knownTags = new Set(tags.map((tag) => tag.id));
  for (const field of ['addParkingLotIds', 'removeParkingLotIds'] as const) {
    const bad = parsed[field].findIndex((id) => !knownLots.has(id));
    if (bad >= 0) throw new UnknownParkingLotError(['input', field, String(bad)]);
  }
  for (const field of ['addTagIds', 'removeTagIds'] as const) {
    const bad = parsed[field].findIndex((id) => !knownTags.has(id));
    if (bad >= 0) throw new UnknownTagError(['input', field, String(bad)]);
  }
  return parsed;
}

/**
 * Adds and removes parking lots, tags and payment methods on every profile of the selection; what the change does
 * not name stays as it is. Profiles already as asked are unchanged (nothing written, nothing audited); each changed
 * one gets a PROFILE_UPDATED entry naming the fields that changed, as profileUpdate records.
 */
export async function updateAccessOfSelection(scope: RequestScope, request: BulkRequest & AccessChange): Promise<BulkActionResult> {
  const { organizationId, now } = scope;
  const change: AccessChange = {
    addParkingLotIds: request.addParkingLotIds,
    removeParkingLotIds: request.removeParkingLotIds,
    addTagIds: request.addTagIds,
    removeTagIds: request.removeTagIds,
    addPaymentMethods: request.addPaymentMethods,
    removePaymentMethods: request.removePaymentMethods,
  };
  // Checked before the selection is read: a bad lot is the caller's mistake whatever it selects.
  const parsed = await parseAccessChange(scope.prisma, organizationId, change);
  return runBulkAction(scope, 'profilesUpdateAccess', request, parsed, async (tx, profileIds) => {
    if (profileIds.length === 0) return 0;
    const touched = new Map<string, Set<string>>();
    const mark = (rows: { profile_id: string }[], field: string) => {
      for (const row of rows) touched.set(row.profile_id, (touched.get(row.profile_id) ?? new Set()).add(field));
    };
    if (parsed.addParkingLotIds.length) {
      mark(
        await tx.$queryRaw`
          INSERT INTO profile_parking_lot (profile_id, parking_lot_id)
          SELECT p, l FROM unnest(${profileIds}::uuid[]) p CROSS JOIN unnest(${parsed.addParkingLotIds}::uuid[]) l
          ON CONFLICT DO NOTHING RETURNING profile_id::text`,
        'parkingLotIds',
      );
    }
    if (parsed.removeParkingLotIds.length) {
      mark(
        await tx.$queryRaw`
          DELETE FROM profile_parking_lot WHERE profile_id = ANY (${profileIds}::uuid[]) AND parking_lot_id = ANY (${parsed.removeParkingLotIds}::uuid[])
          RETURNING profile_id::text`,
        'parkingLotIds',
      );
    }
    if (parsed.addTagIds.length) {
      mark(
        await tx.$queryRaw`
          INSERT INTO profile_tag (profile_id, tag_id)
          SELECT p, t FROM unnest(${profileIds}::uuid[]) p CROSS JOIN unnest(${parsed.addTagIds}::uuid[]) t
          ON CONFLICT DO NOTHING RETURNING profile_id::text`,
        'tagIds',
      );
    }
    if (parsed.removeTagIds.length) {
      mark(
        await tx.$queryRaw`
          DELETE FROM profile_tag WHERE profile_id = ANY (${profileIds}::uuid[]) AND tag_id = ANY (${parsed.removeTagIds}::uuid[])
          RETURNING profile_id::text`,
        'tagIds',
      );
    }
    if (parsed.addPaymentMethods.length || parsed.removePaymentMethods.length) {
      // Added methods go after the profile's own, in the order given; each method once.
      mark(
        await tx.$queryRaw`
          UPDATE profile p SET payment_methods = n.methods
          FROM (
            SELECT q.id, ARRAY(
              SELECT m FROM unnest(q.payment_methods || ${parsed.addPaymentMethods}::text[]::"PaymentMethod"[]) WITH ORDINALITY AS x(m, i)
              WHERE NOT (m = ANY (${parsed.removePaymentMethods}::text[]::"PaymentMethod"[]))
              GROUP BY m ORDER BY min(i)) AS methods
            FROM profile q WHERE q.id = ANY (${profileIds}::uuid[])
          ) n
          WHERE p.id = n.id AND p.payment_methods IS DISTINCT FROM n.methods
          RETURNING p.id::text AS profile_id`,
        'paymentMethods',
      );
    }
    const changedIds = [...touched.keys()];
    if (changedIds.length === 0) return 0;
    const people = await tx.$queryRaw<{ id: string; first_name: string; last_name: string }[]>`
      UPDATE profile SET updated_at = ${now}::timestamptz WHERE id = ANY (${changedIds}::uuid[]) RETURNING id::text, first_name, last_name`;
    await recordAudit(
      tx,
      scope,
      people.map((person) => {
        const fields = [...touched.get(person.id)!].sort();
        return {
          kind: 'PROFILE_UPDATED' as const,
          profileId: person.id,
          summary: `Changed the profile of ${personName({ firstName: person.first_name, lastName: person.last_name })}: ${fields.join(', ')} (bulk).`,
          changedFields: fields,
        };
      }),
    );
    return changedIds.length;
  });
}

/**
 * Revokes the open invitation of every profile of the selection, as invitationRevoke does for one: its link stops
 * working, a queued email is not sent, invitation.revoked is announced and INVITATION_REVOKED audited. Profiles
 * without an open invitation are skipped (NO_OPEN_INVITATION).
 */
export async function revokeInvitationsOfSelection(scope: RequestScope, request: BulkRequest): Promise<BulkActionResult> {
  return runBulkAction(scope, 'invitationsRevoke', request, {}, async (tx, profileIds) => (await revokeOpenInvitationsOf(tx, scope, profileIds)).length);
}

/**
 * Deletes every profile of the selection with its invitations, as profileDelete does for one: links already sent
 * stop working, the trail keeps what happened but no longer their names (PROFILE_DELETED each).
 */
export async function deleteSelection(scope: RequestScope, request: BulkRequest): Promise<BulkActionResult> {
  const { organizationId } = scope;
  return runBulkAction(scope, 'profilesDelete', request, {}, async (tx, profileIds) => {
    if (profileIds.length === 0) return 0;
    const deleted = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM profile WHERE organization_id = ${organizationId}::uuid AND id = ANY (${profileIds}::uuid[]) RETURNING id::text`;
    const deletedIds = deleted.map((row) => row.id);
    await eraseProfileFromTrail(tx, organizationId, deletedIds);
    await recordAudit(
      tx,
      scope,
      deletedIds.map((profileId) => ({ kind: 'PROFILE_DELETED' as const, profileId, summary: 'Deleted a profile, with its invitations (bulk).' })),
    );
    return deletedIds.length;
  });
}

import { randomUUID } from 'node:crypto';
import { personName, recordAudit } from '../audit/index.ts';
import { BatchTooLargeError, DuplicateInBatchError, EmailAlreadyUsedError, InputError, InvalidInputError } from '../kernel/errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { PaymentMethod } from '../generated/prisma/enums.ts';
import { revokeInvitationsToOldAddresses } from '../invitations/index.ts';
import { MAX_UPSERT_BATCH } from '../kernel/limits.ts';
import type { OrganizationScope } from '../kernel/scope.ts';
import { parseProfileFields, type ProfileFields, type ProfileFieldsInput } from './profile-input.ts';
import { givenFields, knownLinks, unknownLinkError } from './profile-service.ts';
import { profileSearchText, profileSortName } from './search-text.ts';
import { answerAsFirstAttempt } from './upsert-call-memory.ts';

type Transaction = Prisma.TransactionClient;

// Bulk upsert by externalId, for integrators syncing from an HR system.

export interface ProfileUpsertInput extends ProfileFieldsInput {
  externalId: string;
}

export type UpsertOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'FAILED';

export interface UpsertRowResult {
  index: number;
  externalId: string;
  outcome: UpsertOutcome;
  profileId: string | null;
  error: InputError | null;
}

export interface UpsertResult {
  rows: UpsertRowResult[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

interface UpsertRow {
  index: number;
  externalId: string;
  fields: ProfileFields & { firstName: string; lastName: string; email: string };
}

/**
 * Creates or updates each row's profile, matched by externalId. A row that
 * breaks a rule is reported in its result and left unwritten; the others are
 * written together, in one transaction and a fixed number of SQL statements
 * whatever the batch size. On an existing profile, optional fields left out
 * (phone, payment methods, access, tags) keep their value; status never changes here.
 */
export async function upsertProfiles(scope: OrganizationScope, inputs: ProfileUpsertInput[], options: { dryRun?: boolean } = {}): Promise<UpsertResult> {
  if (inputs.length > MAX_UPSERT_BATCH) throw new BatchTooLargeError(['input', 'profiles'], inputs.length, MAX_UPSERT_BATCH);
  const results: UpsertRowResult[] = inputs.map((input, index) => ({
    index,
    externalId: input.externalId,
    outcome: 'FAILED',
    profileId: null,
    error: null,
  }));
  const fail = (index: number, error: InputError) => {
    results[index]!.error = error;
  };

  const candidates: UpsertRow[] = [];
  // The first row with a value wins; a later row with the same one is a duplicate naming it.
  const seenExternalIds = new Map<string, number>();
  const seenEmails = new Map<string, number>();
  inputs.forEach((input, index) => {
    const path = ['input', 'profiles', String(index)];
    try {
      const fields = parseProfileFields(input, path, true) as UpsertRow['fields'];
      const externalId = fields.externalId;
      if (!externalId) throw new InvalidInputError([...path, 'externalId'], 'externalId must not be empty.');
      const sameExternalId = seenExternalIds.get(externalId);
      if (sameExternalId !== undefined) throw new DuplicateInBatchError([...path, 'externalId'], 'externalId', sameExternalId, externalId);
      const emailKey = fields.email.toLowerCase();
      const sameEmail = seenEmails.get(emailKey);
      if (sameEmail !== undefined) throw new DuplicateInBatchError([...path, 'email'], 'email', sameEmail, fields.email);
      seenExternalIds.set(externalId, index);
      seenEmails.set(emailKey, index);
      candidates.push({ index, externalId, fields });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      fail(index, error);
    }
  });

  // A dry run is the same transaction, rolled back at its end: the preview follows exactly the rules the real write does.
  const outcome = scope.prisma.$transaction(
    async (tx) => {
      const { organizationId } = scope;
      const [known, existing] = await Promise.all([
        knownLinks(
          tx,
          organizationId,
          candidates.map((row) => row.fields),
        ),
        tx.profile.findMany({
          where: {
            organizationId,
            OR: [{ externalId: { in: candidates.map((row) => row.externalId) } }, { email: { in: candidates.map((row) => row.fields.email) } }],
          },
          select: {
            id: true,
            externalId: true,
            firstName: true,
            lastName: true,
            email: true,
            phone: true,
            paymentMethods: true,
            parkingLots: { select: { parkingLotId: true } },
            tags: { select: { tagId: true } },
          },
        }),
      ]);
      const byExternalId = new Map(existing.filter((p) => p.externalId).map((p) => [p.externalId!, p]));
      const byEmail = new Map(existing.map((p) => [p.email.toLowerCase(), p]));

      const valid = candidates.filter((row) => {
        const path = ['input', 'profiles', String(row.index)];
        const linkError = unknownLinkError(row.fields, known, path);
        if (linkError) {
          fail(row.index, linkError);
          return false;
        }
        const owner = byEmail.get(row.fields.email.toLowerCase());
        if (owner && owner.externalId !== row.externalId) {
          fail(row.index, new EmailAlreadyUsedError([...path, 'email'], row.fields.email, owner.id));
          return false;
        }
        return true;
      });

      // A row equal to its profile writes nothing (not even updatedAt): a sync that runs again finds everything UNCHANGED.
      const unchanged = valid.filter((row) => {
        const current = byExternalId.get(row.externalId);
        if (!current || !sameProfile(current, row.fields)) return false;
        Object.assign(results[row.index]!, { profileId: current.id, outcome: 'UNCHANGED' });
        return true;
      });
      const unchangedRows = new Set(unchanged);
      const changed = valid.filter((row) => !unchangedRows.has(row));

      const records = changed.map((row) => {
        const current = byExternalId.get(row.externalId);
        return {
          id: current?.id ?? randomUUID(),
          external_id: row.externalId,
          first_name: row.fields.firstName,
          last_name: row.fields.lastName,
          email: row.fields.email,
          phone: row.fields.phone !== undefined ? row.fields.phone : (current?.phone ?? null),
          payment_methods: row.fields.paymentMethods ?? current?.paymentMethods ?? ([] as PaymentMethod[]),
          search_text: profileSearchText({ ...row.fields, phone: row.fields.phone !== undefined ? row.fields.phone : (current?.phone ?? null) }),
          sort_name: profileSortName(row.fields),
          // A profile created here counts the lots it is given (its links are written below without the links' trigger).
          parking_lot_count: row.fields.parkingLotIds?.length ?? 0,
        };
      });
      const written = records.length
        ? await tx.$queryRaw<{ id: string; external_id: string; inserted: boolean }[]>`
            INSERT INTO "profile" ("id", "organization_id", "external_id", "first_name", "last_name", "email", "phone",
                                   "payment_methods", "search_text", "sort_name", "parking_lot_count", "created_at", "updated_at")
            SELECT r.id, ${organizationId}::uuid, r.external_id, r.first_name, r.last_name, r.email, r.phone,
                   r.payment_methods, r.search_text, r.sort_name, r.parking_lot_count, ${scope.now}::timestamptz, ${scope.now}::timestamptz
            FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
              id uuid, external_id text, first_name text, last_name text, email citext, phone text,
              payment_methods "PaymentMethod"[], search_text text, sort_name text, parking_lot_count int)
            ON CONFLICT ("organization_id", "external_id") DO UPDATE SET
              "first_name" = EXCLUDED."first_name", "last_name" = EXCLUDED."last_name", "email" = EXCLUDED."email",
              "phone" = EXCLUDED."phone", "payment_methods" = EXCLUDED."payment_methods",
              "search_text" = EXCLUDED."search_text", "sort_name" = EXCLUDED."sort_name", "updated_at" = ${scope.now}::timestamptz
            RETURNING "id"::text, "external_id", (xmax = 0) AS inserted`
        : [];

      const idByExternalId = new Map(written.map((row) => [row.external_id, row.id]));
      const insertedIds = new Set(written.filter((row) => row.inserted).map((row) => row.id));
      await replaceLinks(tx, 'profile_parking_lot', 'parking_lot_id', changed, idByExternalId, insertedIds, (row) => row.fields.parkingLotIds);
      await replaceLinks(tx, 'profile_tag', 'tag_id', changed, idByExternalId, insertedIds, (row) => row.fields.tagIds);

      await revokeInvitationsToOldAddresses(
        tx,
        written.filter((row) => !row.inserted).map((row) => row.id),
        scope.now,
      );
      for (const row of changed) {
        const profileId = idByExternalId.get(row.externalId)!;
        Object.assign(results[row.index]!, { profileId, outcome: insertedIds.has(profileId) ? 'CREATED' : 'UPDATED' });
      }
      // The trail of a dry run would be rolled back with the rest: it is not written (it decides no row's outcome).
      if (!options.dryRun)
        await recordAudit(
          tx,
          scope,
          changed.map((row) => {
            const profileId = idByExternalId.get(row.externalId)!;
            const name = personName(row.fields);
            return insertedIds.has(profileId)
              ? { kind: 'PROFILE_CREATED' as const, profileId, summary: `Created the profile of ${name} (bulk upsert, externalId ${row.externalId}).` }
              : {
                  kind: 'PROFILE_UPDATED' as const,
                  profileId,
                  summary: `Updated the profile of ${name} (bulk upsert, externalId ${row.externalId}).`,
                  changedFields: givenFields(row.fields),
                };
          }),
        );
      // A dry run remembers nothing for a named call: it answers what a first attempt would do now.
      if (!options.dryRun) await answerAsFirstAttempt(tx, scope, inputs, results);
      const count = (outcome: UpsertOutcome) => results.filter((row) => row.outcome === outcome).length;
      const result = { rows: results, created: count('CREATED'), updated: count('UPDATED'), unchanged: count('UNCHANGED'), failed: count('FAILED') };
      if (options.dryRun) throw new RolledBack(result);
      return result;
    },
    { timeout: 60_000 },
  );
  if (!options.dryRun) return outcome;
  try {
    await outcome;
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
  throw new Error('A dry run ended without rolling back.');
}

/** Thrown at the end of a dry run's transaction to roll it back, carrying what it would have answered. */
class RolledBack extends Error {
  constructor(readonly result: UpsertResult) {
    super('dry run: rolled back');
  }
}

/** The row would change nothing: same fields, and the same lots and tags where it gives them (fields left out keep their value). */
function sameProfile(
  current: {
    firstName: string;
    lastName: string;
    email: string;
    phone: string | null;
    paymentMethods: PaymentMethod[];
    parkingLots: { parkingLotId: string }[];
    tags: { tagId: string }[];
  },
  fields: UpsertRow['fields'],
): boolean {
  const sameSet = (a: readonly string[], b: readonly string[]) => {
    const left = new Set(a);
    const right = new Set(b);
    return left.size === right.size && [...left].every((value) => right.has(value));
  };
  return (
    current.firstName === fields.firstName &&
    current.lastName === fields.lastName &&
    current.email === fields.email &&
    (fields.phone === undefined || current.phone === fields.phone) &&
    (fields.paymentMethods === undefined || sameSet(current.paymentMethods, fields.paymentMethods)) &&
    (fields.parkingLotIds === undefined ||
      sameSet(
        current.parkingLots.map((link) => link.parkingLotId),
        fields.parkingLotIds,
      )) &&
    (fields.tagIds === undefined ||
      sameSet(
        current.tags.map((link) => link.tagId),
        fields.tagIds,
      ))
  );
}

/**
 * Replaces the link rows of every row that gave the list, in a fixed number of statements for the whole batch: the links
 * of the profiles updated are deleted and inserted again, those of the profiles just created (which have none) inserted.
 * A created profile's lots are already counted in its row (parking_lot_count): they are inserted with the links' trigger
 * told so (prisma/migrations/20261207170000_profile_created_with_lot_count), which spares a second write of each new profile.
 */
async function replaceLinks(
  tx: Transaction,
  table: 'profile_parking_lot' | 'profile_tag',
  column: 'parking_lot_id' | 'tag_id',
  rows: UpsertRow[],
  idByExternalId: Map<string, string>,
  created: ReadonlySet<string>,
  listOf: (row: UpsertRow) => string[] | undefined,
): Promise<void> {
  const replaced = rows.filter((row) => listOf(row) !== undefined).map((row) => ({ profileId: idByExternalId.get(row.externalId)!, targets: listOf(row)! }));
  const insert = (list: typeof replaced) =>
    tx.$executeRawUnsafe(
      `INSERT INTO "${table}" ("profile_id", "${column}")
       SELECT r.profile_id, r.target FROM jsonb_to_recordset($1::jsonb) AS r(profile_id uuid, target uuid)`,
      JSON.stringify(list.flatMap((row) => row.targets.map((target) => ({ profile_id: row.profileId, target })))),
    );
  const updated = replaced.filter((row) => !created.has(row.profileId));
  if (updated.length) {
    await tx.$executeRawUnsafe(
      `DELETE FROM "${table}" WHERE "profile_id" = ANY($1::uuid[])`,
      updated.map((row) => row.profileId),
    );
    if (updated.some((row) => row.targets.length)) await insert(updated);
  }
  const fresh = replaced.filter((row) => created.has(row.profileId) && row.targets.length);
  if (!fresh.length) return;
  const counted = table === 'profile_parking_lot';
  if (counted) await tx.$queryRaw`SELECT set_config('parkpass.lot_links_counted', 'on', true)`;
  await insert(fresh);
  if (counted) await tx.$queryRaw`SELECT set_config('parkpass.lot_links_counted', 'off', true)`;
}

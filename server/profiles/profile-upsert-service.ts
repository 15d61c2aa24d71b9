import { randomUUID } from 'node:crypto';
import { personName, recordAudit } from '../audit/index.ts';
import { BatchTooLargeError, DuplicateInBatchError, EmailAlreadyUsedError, InputError, InvalidInputError } from '../kernel/errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
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
      // A dry run writes into its transaction's copies of the tables, holding the rows this batch can meet (see dryRunTables).
      const tables = options.dryRun
        ? await dryRunTables(
            tx,
            existing.map((profile) => profile.id),
          )
        : TABLES;
      const written = records.length
        ? await tx.$queryRaw<{ id: string; external_id: string; inserted: boolean }[]>`
            INSERT INTO ${Prisma.raw(tables.profile)} ("id", "organization_id", "external_id", "first_name", "last_name", "email", "phone",
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
      await replaceLinks(tx, tables.profile_parking_lot, 'parking_lot_id', changed, idByExternalId, insertedIds, (row) => row.fields.parkingLotIds);
      await replaceLinks(tx, tables.profile_tag, 'tag_id', changed, idByExternalId, insertedIds, (row) => row.fields.tagIds);

      // Closing the invitations sent to a profile's old address decides no row's outcome either: a dry run leaves them.
      if (!options.dryRun)
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

/** The tables an upsert writes: the real ones, or a dry run's copies of them. */
const TABLES = { profile: 'profile', profile_parking_lot: 'profile_parking_lot', profile_tag: 'profile_tag' } as const;
/** Each table's name in the statements (put into SQL as is: only these constants, never input). */
type UpsertTables = { [table in keyof typeof TABLES]: (typeof TABLES)[table] | `dry_run_${(typeof TABLES)[table]}` };

/**
 * The tables of a dry run: a copy of each of TABLES made for its transaction (dropped when it rolls back), with every
 * constraint, default and unique index of the real table and none of its other indexes, holding the rows the batch can
 * meet: the profiles found by the batch's externalIds and emails, and their links (a unique index refuses or matches only
 * rows with the same key, and no other row has one). The same statements then run against the copies: an externalId found
 * updates its profile, a unique index refuses what the real one would, a NOT NULL or a column's type too, but nothing goes
 * into the dozen indexes that decide nothing (the GIN ones on the search text and payment methods among them), and nothing
 * is left in the real tables and indexes for VACUUM. Not copied: foreign keys (the lots and tags are checked by
 * knownLinks in the same transaction) and triggers (counters kept in other tables, which decide no row's outcome).
 */
async function dryRunTables(tx: Transaction, profileIds: string[]): Promise<UpsertTables> {
  const copies = { profile: 'dry_run_profile', profile_parking_lot: 'dry_run_profile_parking_lot', profile_tag: 'dry_run_profile_tag' } as const;
  await tx.$executeRawUnsafe(`
    DO $$
    DECLARE
      source text;
      other_index text;
    BEGIN
      FOREACH source IN ARRAY ARRAY['profile', 'profile_parking_lot', 'profile_tag'] LOOP
        EXECUTE format('CREATE TEMPORARY TABLE %I (LIKE %I INCLUDING ALL) ON COMMIT DROP', 'dry_run_' || source, source);
        FOR other_index IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                           WHERE i.indrelid = format('pg_temp.%I', 'dry_run_' || source)::regclass AND NOT i.indisunique LOOP
          EXECUTE format('DROP INDEX pg_temp.%I', other_index);
        END LOOP;
      END LOOP;
    END $$`);
  await tx.$executeRaw`
    WITH profiles AS (INSERT INTO ${Prisma.raw(copies.profile)} SELECT * FROM "profile" WHERE "id" = ANY(${profileIds}::uuid[])),
         lots AS (INSERT INTO ${Prisma.raw(copies.profile_parking_lot)} SELECT * FROM "profile_parking_lot" WHERE "profile_id" = ANY(${profileIds}::uuid[]))
    INSERT INTO ${Prisma.raw(copies.profile_tag)} SELECT * FROM "profile_tag" WHERE "profile_id" = ANY(${profileIds}::uuid[])`;
  return copies;
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
  table: UpsertTables['profile_parking_lot' | 'profile_tag'],
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
  // Only the real links table has the trigger (a dry run's copy has none: nothing to tell it).
  const counted = table === TABLES.profile_parking_lot;
  if (counted) await tx.$queryRaw`SELECT set_config('parkpass.lot_links_counted', 'on', true)`;
  await insert(fresh);
  if (counted) await tx.$queryRaw`SELECT set_config('parkpass.lot_links_counted', 'off', true)`;
}

import type { OrganizationScope } from '../kernel/scope.ts';
import {
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  type InputError,
  ManagedByDirectoryError,
  NotFoundError,
  UnknownParkingLotError,
  UnknownTagError,
} from '../kernel/errors.ts';
import { Prisma, type Profile } from '../generated/prisma/client.ts';
import { retryIfLinkVanished } from '../database/foreign-key-violation.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import { parseProfileFields, type ProfileFields, type ProfileFieldsInput } from './profile-input.ts';
import { revokeInvitationsToOldAddresses } from '../invitations/index.ts';
import { profileSearchText, profileSortName } from './search-text.ts';
import { idempotentCreate, oncePerCall } from '../kernel/idempotency.ts';
import { type AuditEntry, eraseProfileFromTrail, personName, recordAudit } from '../audit/index.ts';

/** The names of the fields an input gives (what an update touched), for the audit trail: names only, never values. */
export const givenFields = (fields: ProfileFields) =>
  Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name)
    .sort();

type Transaction = Prisma.TransactionClient;

// One profile at a time: create, change, delete. Many at once by externalId: profile-upsert-service.ts.

/** Creating a profile contacts nobody: it starts NOT_INVITED. With an idempotency key, a retry returns the profile the first call created. */
export async function createProfile(scope: OrganizationScope, input: ProfileFieldsInput, idempotencyKey?: string | null): Promise<Profile> {
  const path = ['input'];
  const fields = parseProfileFields(input, path, true) as Required<Pick<ProfileFields, 'firstName' | 'lastName' | 'email'>> & ProfileFields;
  return retryIfLinkVanished(() =>
    scope.prisma.$transaction((tx) =>
      idempotentCreate(tx, {
        organizationId: scope.organizationId,
        operation: 'profileCreate',
        key: idempotencyKey,
        callId: scope.callId,
        input: fields,
        load: (id) => tx.profile.findFirst({ where: { id, organizationId: scope.organizationId } }),
        create: () => createProfileIn(tx, scope, fields, path),
      }),
    ),
  );
}

/**
 * Creates a profile with fields already parsed (parseProfileFields), in the caller's transaction: the same checks,
 * write and audit as createProfile (directory sync writes its link to the profile in the same transaction).
 */
export async function createProfileIn(
  tx: Transaction,
  scope: OrganizationScope,
  fields: ProfileFields & { firstName: string; lastName: string; email: string },
  path: string[],
  /** `uniquenessChecked`: the caller has just read, in this transaction, that no profile of the organization has this email or externalId (the unique indexes still decide a race, reported the same way). */
  options: { uniquenessChecked?: boolean } = {},
): Promise<Profile> {
  const profile = await insertProfile(tx, scope, fields, path, options.uniquenessChecked ?? false);
  await recordAudit(tx, scope, profileCreatedAudit(profile.id, profile));
  return profile;
}

/** The audit entry of a profile's creation. */
export const profileCreatedAudit = (profileId: string, fields: { firstName: string; lastName: string }): AuditEntry => ({
  kind: 'PROFILE_CREATED',
  profileId,
  summary: `Created the profile of ${personName(fields)}.`,
});

/**
 * The row insertProfile writes for a profile with no parking lots or tags, as an INSERT of its own under `onlyIf`
 * (for a caller that writes it in one statement with what goes with it, server/directory-sync/scim-user-service.ts);
 * RETURNING the profile's columns. Its uniqueness is the unique indexes' (the caller has looked for the email and
 * externalId in the same statement).
 */
export function newProfileInsert(
  scope: Pick<OrganizationScope, 'organizationId' | 'now'>,
  id: string,
  fields: ProfileFields & { firstName: string; lastName: string; email: string },
  onlyIf: Prisma.Sql,
): Prisma.Sql {
  if (fields.parkingLotIds?.length || fields.tagIds?.length) throw new Error('newProfileInsert writes no parking lots or tags.');
  return Prisma.sql`
    INSERT INTO profile (id, organization_id, first_name, last_name, email, phone, external_id, locale, status, payment_methods,
                         search_text, sort_name, created_at, updated_at)
    SELECT ${id}::uuid, ${scope.organizationId}::uuid, ${fields.firstName}, ${fields.lastName}, ${fields.email}::citext, ${fields.phone ?? null},
           ${fields.externalId ?? null}, ${fields.locale ?? null}::"Locale", 'NOT_INVITED', ${fields.paymentMethods ?? []}::"PaymentMethod"[],
           ${profileSearchText(fields)}, ${profileSortName(fields)}, ${scope.now}::timestamptz, ${scope.now}::timestamptz
    WHERE ${onlyIf}
    RETURNING *`;
}

async function insertProfile(
  tx: Transaction,
  scope: OrganizationScope,
  fields: ProfileFields & { firstName: string; lastName: string; email: string },
  path: string[],
  uniquenessChecked = false,
) {
  await assertLinksExist(tx, scope.organizationId, fields, path);
  if (!uniquenessChecked) await assertUniqueFields(tx, scope.organizationId, fields, path, null);
  return translateUniqueViolation(path, fields, () =>
    tx.profile.create({
      data: {
        organizationId: scope.organizationId,
        firstName: fields.firstName,
        lastName: fields.lastName,
        email: fields.email,
        phone: fields.phone ?? null,
        externalId: fields.externalId ?? null,
        paymentMethods: fields.paymentMethods ?? [],
        locale: fields.locale ?? null,
        searchText: profileSearchText(fields),
        sortName: profileSortName(fields),
        // Only when there are some: a create without nested writes is one INSERT … RETURNING, not an INSERT and a SELECT.
        ...(fields.parkingLotIds?.length ? { parkingLots: { create: fields.parkingLotIds.map((parkingLotId) => ({ parkingLotId })) } } : {}),
        ...(fields.tagIds?.length ? { tags: { create: fields.tagIds.map((tagId) => ({ tagId })) } } : {}),
      },
    }),
  );
}

/** Changes the fields given; lists given replace the profile's access or tags. */
export async function updateProfile(scope: OrganizationScope, id: string, input: ProfileFieldsInput): Promise<Profile> {
  const path = ['input'];
  const fields = parseProfileFields(input, path, false);
  return retryIfLinkVanished(() =>
    scope.prisma.$transaction((tx) =>
      // The same call's retry answers the profile without writing (or auditing) the change twice.
      oncePerCall(tx, {
        organizationId: scope.organizationId,
        operation: 'profileUpdate',
        callId: scope.callId,
        input: { id, fields },
        keep: (profile) => profile.id,
        answerAgain: (kept) => tx.profile.findFirstOrThrow({ where: { id: kept as string, organizationId: scope.organizationId } }),
        run: async () => {
          await assertNotManagedByDirectory(tx, scope.organizationId, id, fields, path);
          return updateProfileIn(tx, scope, id, fields, path);
        },
      }),
    ),
  );
}

/** The fields a directory (SCIM, server/directory-sync/) sends: while one holds the profile, they are its to change. */
const DIRECTORY_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'externalId', 'locale'] as const;

async function assertNotManagedByDirectory(tx: Transaction, organizationId: string, id: string, fields: ProfileFields, path: string[]): Promise<void> {
  const given = DIRECTORY_FIELDS.filter((field) => fields[field] !== undefined);
  if (!given.length) return;
  const held = await tx.directoryUser.findFirst({ where: { profileId: id, organizationId, deletedAt: null }, select: { profileId: true } });
  if (held) throw new ManagedByDirectoryError([...path, given[0]!]);
}

/** Changes the fields given (already parsed), in the caller's transaction: the same checks, write, revocations and audit as updateProfile. */
export async function updateProfileIn(tx: Transaction, scope: OrganizationScope, id: string, fields: ProfileFields, path: string[]): Promise<Profile> {
  const current = await tx.profile.findFirst({ where: { id, organizationId: scope.organizationId } });
  if (!current) throw new NotFoundError(['id'], 'profile');
  await assertLinksExist(tx, scope.organizationId, fields, path);
  await assertUniqueFields(tx, scope.organizationId, fields, path, id);
  const next = { ...current, ...fields };
  const updated = await translateUniqueViolation(path, fields, () =>
    tx.profile.update({
      where: { id },
      data: {
        firstName: fields.firstName,
        lastName: fields.lastName,
        email: fields.email,
        phone: fields.phone,
        externalId: fields.externalId,
        paymentMethods: fields.paymentMethods,
        locale: fields.locale,
        searchText: profileSearchText(next),
        sortName: profileSortName(next),
        parkingLots: fields.parkingLotIds && {
          deleteMany: {},
          create: fields.parkingLotIds.map((parkingLotId) => ({ parkingLotId })),
        },
        tags: fields.tagIds && { deleteMany: {}, create: fields.tagIds.map((tagId) => ({ tagId })) },
      },
    }),
  );
  if (fields.email !== undefined) await revokeInvitationsToOldAddresses(tx, [id], scope.now);
  const changed = givenFields(fields);
  await recordAudit(tx, scope, {
    kind: 'PROFILE_UPDATED',
    profileId: id,
    summary: `Changed the profile of ${personName(updated)}: ${changed.join(', ') || 'nothing'}.`,
    changedFields: changed,
  });
  return updated;
}

export async function deleteProfile(scope: OrganizationScope, id: string): Promise<string> {
  return scope.prisma.$transaction((tx) =>
    oncePerCall(tx, {
      organizationId: scope.organizationId,
      operation: 'profileDelete',
      callId: scope.callId,
      input: { id },
      keep: (deletedId) => deletedId,
      answerAgain: (kept) => kept as string,
      run: async () => {
        const [deleted] = await tx.$queryRaw<{ id: string }[]>`
          DELETE FROM profile WHERE id = ${id}::uuid AND organization_id = ${scope.organizationId}::uuid RETURNING id`;
        if (!deleted) throw new NotFoundError(['id'], 'profile');
        // The trail keeps what happened, not who it happened to (README "Audit trail").
        await eraseProfileFromTrail(tx, scope.organizationId, id);
        await recordAudit(tx, scope, { kind: 'PROFILE_DELETED', profileId: id, summary: 'Deleted a profile, with its invitations.' });
        return id;
      },
    }),
  );
}

/** The organization's parking lots and tags among those the rows name: two queries for any number of rows. */
export async function knownLinks(tx: Transaction, organizationId: string, rows: ProfileFields[]) {
  const lotIds = [...new Set(rows.flatMap((fields) => fields.parkingLotIds ?? []))];
  const tagIds = [...new Set(rows.flatMap((fields) => fields.tagIds ?? []))];
  const [lots, tags] = await Promise.all([
    lotIds.length ? tx.parkingLot.findMany({ where: { organizationId, id: { in: lotIds } }, select: { id: true } }) : [],
    tagIds.length ? tx.tag.findMany({ where: { organizationId, id: { in: tagIds } }, select: { id: true } }) : [],
  ]);
  return { lots: new Set(lots.map((lot) => lot.id)), tags: new Set(tags.map((tag) => tag.id)) };
}

/** The rule: a profile names only its organization's lots and tags. The first one it breaks, as a typed error at `path`. */
export function unknownLinkError(fields: ProfileFields, known: { lots: Set<string>; tags: Set<string> }, path: string[]): InputError | null {
  const badLot = (fields.parkingLotIds ?? []).findIndex((id) => !known.lots.has(id));
  if (badLot >= 0) return new UnknownParkingLotError([...path, 'parkingLotIds', String(badLot)]);
  const badTag = (fields.tagIds ?? []).findIndex((id) => !known.tags.has(id));
  if (badTag >= 0) return new UnknownTagError([...path, 'tagIds', String(badTag)]);
  return null;
}

async function assertLinksExist(tx: Transaction, organizationId: string, fields: ProfileFields, path: string[]): Promise<void> {
  const error = unknownLinkError(fields, await knownLinks(tx, organizationId, [fields]), path);
  if (error) throw error;
}

async function assertUniqueFields(tx: Transaction, organizationId: string, fields: ProfileFields, path: string[], exceptId: string | null): Promise<void> {
  const others = exceptId ? { NOT: { id: exceptId } } : {};
  const emailHolder = fields.email && (await tx.profile.findFirst({ where: { organizationId, email: fields.email, ...others }, select: { id: true } }));
  if (fields.email && emailHolder) throw new EmailAlreadyUsedError([...path, 'email'], fields.email, emailHolder.id);
  const externalIdHolder =
    fields.externalId && (await tx.profile.findFirst({ where: { organizationId, externalId: fields.externalId, ...others }, select: { id: true } }));
  if (fields.externalId && externalIdHolder) throw new ExternalIdAlreadyUsedError([...path, 'externalId'], fields.externalId, externalIdHolder.id);
}

/** A concurrent write can still win the race past the checks above; report it the same way. */
async function translateUniqueViolation<T>(path: string[], fields: ProfileFields, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const violation = uniqueViolation(error);
    if (violation) {
      if (violation.involves('external_id') || violation.involves('externalId')) {
        throw new ExternalIdAlreadyUsedError([...path, 'externalId'], fields.externalId ?? '');
      }
      throw new EmailAlreadyUsedError([...path, 'email'], fields.email ?? '');
    }
    throw error;
  }
}

import { isDeepStrictEqual } from 'node:util';
import { scimPatch, ScimError as PatchError, type ScimPatchOperation } from 'scim-patch';
import { auditInsert, personName, recordAudit } from '../audit/index.ts';
import { uniqueViolation } from '../database/unique-violation.ts';
import { EmailAlreadyUsedError, ExternalIdAlreadyUsedError, InputError } from '../kernel/errors.ts';
import { type DirectoryUser, Prisma, type Profile } from '../generated/prisma/client.ts';
import { createProfileIn, newProfileInsert, profileCreatedAudit, type ProfileFields, updateProfileIn } from '../profiles/index.ts';
import { uuidV7 } from '../kernel/uuid-v7.ts';
import { sqlQuery } from '../database/prisma.ts';
import { ownEntryWrites } from './request-log.ts';
import { connectionWords, type DirectoryScope } from './directory-scope.ts';
import { reconcileGroupAccess } from './group-access.ts';
import { deactivate, inviteByPolicy, policyInvitesNow, reactivate } from './lifecycle-service.ts';
import { invalidValue, notFound, ScimError, uniqueness } from './scim-errors.ts';
import { type EqualityFilter, equalityFilter } from './scim-filter.ts';
import { normalizeUser, type ScimObject, USER_SCHEMA, type UserFields, userFields } from './scim-user.ts';
import { normalizePatchOperations, patchOperationsOf } from './scim-patch-request.ts';

type Transaction = Prisma.TransactionClient;

// /Users: a SCIM user is a profile. It is written through the profile service
// (its uniqueness and text rules, audit trail, the revocation of an invitation
// sent to an old address), and linked to its connection by a directory_user
// row (userName, active, what the directory sent). Its SCIM id is the
// profile's id, so a profile an admin made by hand is found by a directory's
// filter (userName or emails equal to its email, or its externalId) and the
// first write by that directory adopts it. A profile held by another
// connection is a 409 uniqueness. A write that changes nothing writes nothing:
// no audit event, no email, no webhook.

export const USER_FILTER_ATTRIBUTES = ['userName', 'externalId', 'emails.value', 'emails', 'displayName', 'id'] as const;

const profileSelect = {
  id: true,
  firstName: true,
  lastName: true,
  email: true,
  phone: true,
  externalId: true,
  locale: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  directoryUser: true,
} as const;

type LoadedProfile = Prisma.ProfileGetPayload<{ select: typeof profileSelect }>;

/** The SCIM representation of a profile: what its directory sent, with what the profile holds now on top. */
export function userResource(scope: DirectoryScope, profile: LoadedProfile): ScimObject {
  const held = profile.directoryUser?.connectionId === scope.connection.id ? profile.directoryUser : null;
  const kept = (held?.attributes ?? {}) as ScimObject;
  const name = typeof kept.name === 'object' && kept.name ? (kept.name as ScimObject) : {};
  return {
    ...kept,
    schemas: (kept.schemas as string[] | undefined) ?? [USER_SCHEMA],
    id: profile.id,
    ...(profile.externalId ? { externalId: profile.externalId } : {}),
    userName: held?.userName ?? profile.email,
    name: { ...name, givenName: profile.firstName, familyName: profile.lastName },
    emails: Array.isArray(kept.emails) && kept.emails.length ? kept.emails : [{ value: profile.email, type: 'work', primary: true }],
    active: held ? held.active : profile.status !== 'DEACTIVATED',
    meta: {
      resourceType: 'User',
      created: (held?.createdAt ?? profile.createdAt).toISOString(),
      lastModified: new Date(Math.max(profile.updatedAt.getTime(), held?.updatedAt.getTime() ?? 0)).toISOString(),
      location: `${scope.baseUrl}/Users/${profile.id}`,
    },
  };
}

/** The profile under `id` that this connection may see: held by it, or held by none (adoptable). */
async function visibleProfile(executor: Transaction | DirectoryScope['prisma'], scope: DirectoryScope, id: string): Promise<LoadedProfile | null> {
  if (!isUuid(id)) return null;
  const profile = await executor.profile.findFirst({ where: { id, organizationId: scope.organizationId }, select: profileSelect });
  if (!profile) return null;
  const held = profile.directoryUser;
  if (held ? held.connectionId !== scope.connection.id || held.deletedAt !== null : profile.status === 'DEACTIVATED') return null;
  return profile;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

export async function getUser(scope: DirectoryScope, id: string): Promise<ScimObject> {
  const profile = await visibleProfile(scope.prisma, scope, id);
  if (!profile) throw notFound('User', id);
  return userResource(scope, profile);
}

/**
 * A page of users: without a filter, those the connection holds, in id order; with one, those it holds that match
 * and the profiles held by no connection that match on their email (userName, emails) or externalId.
 */
export async function listUsers(scope: DirectoryScope, filter: string | null, page: { skip: number; take: number }) {
  const conditions = equalityFilter(filter, USER_FILTER_ATTRIBUTES);
  const heldWhere: Prisma.ProfileWhereInput = {
    organizationId: scope.organizationId,
    directoryUser: {
      is: { connectionId: scope.connection.id, deletedAt: null, ...(conditions?.has('username') ? { userName: conditions.get('username') } : {}) },
    },
    ...profileConditions(conditions, false),
  };
  if (conditions?.has('displayname')) {
    heldWhere.directoryUser = {
      is: { ...(heldWhere.directoryUser as { is: object }).is, attributes: { path: ['displayName'], equals: conditions.get('displayname') } },
    };
  }
  if (!conditions) {
    const [totalResults, profiles] = await Promise.all([
      scope.prisma.profile.count({ where: heldWhere }),
      scope.prisma.profile.findMany({ where: heldWhere, select: profileSelect, orderBy: { id: 'asc' }, skip: page.skip, take: page.take }),
    ]);
    return { totalResults, resources: profiles.map((profile) => userResource(scope, profile)) };
  }
  // Only a userName (what Entra and Okta ask before each POST): one statement.
  if (conditions.size === 1 && conditions.has('username')) {
    const all = await profilesByUserName(scope, conditions.get('username')!);
    return { totalResults: all.length, resources: all.slice(page.skip, page.skip + page.take).map((profile) => userResource(scope, profile)) };
  }
  // By userName: the connection's unique index finds the one user it can be (PostgreSQL would otherwise walk the
  // organization's profiles to test each for its directory user).
  if (conditions.has('username')) {
    const named = await scope.prisma.directoryUser.findUnique({
      where: { connectionId_userName: { connectionId: scope.connection.id, userName: conditions.get('username')! } },
      select: { profileId: true },
    });
    heldWhere.id = named?.profileId ?? '00000000-0000-0000-0000-000000000000';
    if (conditions.has('id') && conditions.get('id') !== named?.profileId) heldWhere.id = '00000000-0000-0000-0000-000000000000';
  }
  // No user of the connection has that userName (what Entra asks before each POST): only the adoptable can match.
  const noneHeld = conditions.has('username') && heldWhere.id === '00000000-0000-0000-0000-000000000000';
  const adoptable = adoptableWhere(scope, conditions);
  const [held, unheld] = await Promise.all([
    noneHeld ? [] : scope.prisma.profile.findMany({ where: heldWhere, select: profileSelect, orderBy: { id: 'asc' }, take: 1_000 }),
    adoptable ? scope.prisma.profile.findMany({ where: adoptable, select: profileSelect, orderBy: { id: 'asc' }, take: 1_000 }) : [],
  ]);
  const all = [...held, ...unheld].sort((a, b) => (a.id < b.id ? -1 : 1));
  return { totalResults: all.length, resources: all.slice(page.skip, page.skip + page.take).map((profile) => userResource(scope, profile)) };
}

/**
 * `filter=userName eq "…"` in one statement (the two lookups of the general case below, as SQL): the connection's
 * user with that userName (its unique index), and the profile held by no connection whose email it is (the
 * organization's unique email index), in id order. The comparisons are case-insensitive, as the two indexes are.
 */
async function profilesByUserName(scope: DirectoryScope, userName: string): Promise<LoadedProfile[]> {
  // Its answer is a 200 once this statement succeeds: the statement stores the request's log entry too.
  const logged = ownEntryWrites(scope, 200, scope.changes.join('; '));
  const rows = await sqlQuery<LoadedProfileRow>(
    scope.prisma,
    Prisma.sql`
    WITH matched AS (
      SELECT profile_id AS id FROM directory_user
      WHERE connection_id = ${scope.connection.id}::uuid AND user_name = ${userName}::citext AND deleted_at IS NULL
      UNION
      SELECT p.id FROM profile p
      WHERE p.organization_id = ${scope.organizationId}::uuid AND p.email = ${userName}::citext AND p.status <> 'DEACTIVATED'
        AND NOT EXISTS (SELECT 1 FROM directory_user d WHERE d.profile_id = p.id)
    )${logged.sql}
    SELECT ${LOADED_PROFILE_COLUMNS}
    FROM matched JOIN profile p ON p.id = matched.id AND p.organization_id = ${scope.organizationId}::uuid
    LEFT JOIN directory_user d ON d.profile_id = p.id
    ORDER BY p.id
    LIMIT 1000`,
  );
  logged.stored();
  return rows.map(loadedProfile);
}

/** A LoadedProfile as SQL (`p` the profile, `d` its directory user, left-joined), read back by `loadedProfile`. */
const LOADED_PROFILE_COLUMNS = Prisma.sql`
  p.id, p.first_name AS "firstName", p.last_name AS "lastName", p.email::text AS email, p.phone, p.external_id AS "externalId",
  p.locale::text AS locale, p.status::text AS status, p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  CASE WHEN d.profile_id IS NULL THEN NULL ELSE json_build_object(
    'profileId', d.profile_id, 'organizationId', d.organization_id, 'connectionId', d.connection_id, 'userName', d.user_name,
    'active', d.active, 'statusBeforeDeactivation', d.status_before_deactivation, 'attributes', d.attributes,
    'groupParkingLotIds', d.group_parking_lot_ids, 'groupTagIds', d.group_tag_ids, 'groupPaymentMethods', d.group_payment_methods,
    'deletedAt', d.deleted_at, 'createdAt', d.created_at, 'updatedAt', d.updated_at) END AS held`;

type LoadedProfileRow = Omit<LoadedProfile, 'directoryUser'> & { held: (Omit<DirectoryUser, 'deletedAt' | 'createdAt' | 'updatedAt'> & Dated) | null };
type Dated = { deletedAt: string | null; createdAt: string; updatedAt: string };

const loadedProfile = ({ held, ...profile }: LoadedProfileRow): LoadedProfile => ({
  ...profile,
  directoryUser: held && {
    ...held,
    deletedAt: held.deletedAt === null ? null : new Date(held.deletedAt),
    createdAt: new Date(held.createdAt),
    updatedAt: new Date(held.updatedAt),
  },
});

/** The filter's conditions on the profile's own columns. */
function profileConditions(conditions: EqualityFilter | null, adoptable: boolean): Prisma.ProfileWhereInput {
  if (!conditions) return {};
  const where: Prisma.ProfileWhereInput[] = [];
  const email = conditions.get('emails.value') ?? conditions.get('emails');
  if (email !== undefined) where.push({ email });
  if (adoptable && conditions.has('username')) where.push({ email: conditions.get('username') });
  if (conditions.has('externalid')) where.push({ externalId: conditions.get('externalid') });
  if (conditions.has('id')) where.push({ id: isUuid(conditions.get('id')!) ? conditions.get('id') : '00000000-0000-0000-0000-000000000000' });
  return where.length ? { AND: where } : {};
}

/** Profiles held by no connection that the filter finds: on email (userName or emails) or externalId only. */
function adoptableWhere(scope: DirectoryScope, conditions: EqualityFilter): Prisma.ProfileWhereInput | null {
  if (conditions.has('displayname')) return null;
  if (!conditions.has('username') && !conditions.has('emails.value') && !conditions.has('emails') && !conditions.has('externalid')) return null;
  return { organizationId: scope.organizationId, directoryUser: { is: null }, status: { not: 'DEACTIVATED' }, ...profileConditions(conditions, true) };
}

/** POST /Users. A profile of the organization with the same email or externalId, held by no connection, is adopted. */
export async function createUser(scope: DirectoryScope, body: ScimObject): Promise<ScimObject> {
  const user = normalizeUser(body);
  const fields = userFields(user);
  // What an IdP mostly sends: a new person, active, under a policy that invites nobody now. One statement, no transaction.
  if (fields.active && !policyInvitesNow(scope)) {
    const created = await createNewUser(scope, user, fields).catch((error: unknown) => {
      throw asScimError(error);
    });
    if (created) return userResource(scope, created);
  }
  return writeUser(scope, async (tx) => {
    // One statement: the connection's user with this userName, and the profiles with this email or externalId.
    const rows = await tx.$queryRaw<(LoadedProfileRow & { takenId: string | null; takenDeletedAt: Date | null })[]>`
      SELECT taken.profile_id AS "takenId", taken.deleted_at AS "takenDeletedAt", m.*
      FROM (SELECT 1) AS one
      LEFT JOIN directory_user taken ON taken.connection_id = ${scope.connection.id}::uuid AND taken.user_name = ${fields.userName}::citext
      LEFT JOIN LATERAL (
        SELECT ${LOADED_PROFILE_COLUMNS} FROM profile p LEFT JOIN directory_user d ON d.profile_id = p.id
        WHERE p.organization_id = ${scope.organizationId}::uuid
          AND (p.email = ${fields.profile.email}::citext OR p.external_id = ${fields.profile.externalId ?? null}::text)
      ) AS m ON true`;
    const taken = rows[0]!.takenId === null ? null : { profileId: rows[0]!.takenId, deletedAt: rows[0]!.takenDeletedAt };
    if (taken && !taken.deletedAt) throw uniqueness(`A user with the userName "${fields.userName}" already exists (id ${taken.profileId}).`);
    if (taken) return revive(tx, scope, taken.profileId, user, fields);
    const matches = rows.filter((row) => row.id !== null).map(({ takenId: _takenId, takenDeletedAt: _takenDeletedAt, ...row }) => loadedProfile(row));
    if (matches.length > 1) throw uniqueness('The email and the externalId belong to two different profiles of the organization.');
    const existing = matches[0];
    if (existing?.directoryUser?.deletedAt) return revive(tx, scope, existing.id, user, fields);
    if (existing?.directoryUser) {
      throw uniqueness(
        existing.directoryUser.connectionId === scope.connection.id
          ? `The profile with this email or externalId is already the user ${existing.id}.`
          : 'The profile with this email or externalId is already provisioned by another directory connection of the organization.',
      );
    }
    // The query above found no profile with this email or externalId: the profile service need not look again.
    const created = existing ? null : await createProfileIn(tx, scope, fields.profile, [], { uniquenessChecked: true });
    const profileId = created?.id ?? (await adopt(tx, scope, existing!, fields));
    const directoryUser = await tx.directoryUser.create({
      data: {
        profileId,
        organizationId: scope.organizationId,
        connectionId: scope.connection.id,
        userName: fields.userName,
        active: true,
        attributes: keptAttributes(user),
        createdAt: scope.now,
        updatedAt: scope.now,
      },
    });
    scope.changes.push(existing ? `adopted the profile of ${personName(fields.profile)}` : `created the profile of ${personName(fields.profile)}`);
    if (!fields.active) await deactivate(tx, scope, profileId);
    else if ((await inviteByPolicy(tx, scope, [profileId])) === 0 && created) {
      // Nothing touched the rows since they were written: they are the answer, with no read after the commit.
      return { ...created, directoryUser };
    }
    return profileId;
  });
}

/**
 * A user no one has yet (no user of the connection with its userName, no profile of the organization with its email
 * or externalId) written in ONE statement, atomic without a transaction: the profile as the profile service writes it,
 * its audit entry, its directory user. What the transaction of createUser would write in that case, with the same
 * rules (profile-service.ts's row and audit entry); the unique indexes decide a race (a 409, as there). Null, with
 * nothing written, when the user or profile exists: createUser then takes its general path.
 */
async function createNewUser(scope: DirectoryScope, user: ScimObject, fields: UserFields): Promise<LoadedProfile | null> {
  const id = uuidV7();
  const change = `created the profile of ${personName(fields.profile)}`;
  // Its answer is a 201 when the user is written: the statement stores the request's log entry with it.
  const logged = ownEntryWrites(scope, 201, [...scope.changes, change].join('; '), Prisma.sql`EXISTS (SELECT 1 FROM p)`);
  const rows = await sqlQuery<LoadedProfileRow>(
    scope.prisma,
    Prisma.sql`
    WITH fresh AS (
      SELECT NOT EXISTS (
               SELECT 1 FROM directory_user WHERE connection_id = ${scope.connection.id}::uuid AND user_name = ${fields.userName}::citext)
         AND NOT EXISTS (
               SELECT 1 FROM profile WHERE organization_id = ${scope.organizationId}::uuid
                 AND (email = ${fields.profile.email}::citext OR external_id = ${fields.profile.externalId ?? null}::text)) AS yes
    ), p AS (${newProfileInsert(scope, id, fields.profile, Prisma.sql`(SELECT yes FROM fresh)`)}
    ), audited AS (${auditInsert(scope, [profileCreatedAudit(id, fields.profile)], Prisma.sql`EXISTS (SELECT 1 FROM p)`)}
    ), d AS (
      INSERT INTO directory_user (profile_id, organization_id, connection_id, user_name, active, attributes, created_at, updated_at)
      SELECT p.id, p.organization_id, ${scope.connection.id}::uuid, ${fields.userName}::citext, true, ${JSON.stringify(keptAttributes(user))}::jsonb,
             ${scope.now}::timestamptz, ${scope.now}::timestamptz
      FROM p
      RETURNING *
    )${logged.sql}
    SELECT ${LOADED_PROFILE_COLUMNS} FROM p LEFT JOIN d ON d.profile_id = p.id`,
  );
  if (!rows.length) return null;
  logged.stored();
  scope.changes.push(change);
  return loadedProfile(rows[0]!);
}

/**
 * The same person created again after a DELETE (matched by userName, email or externalId): the profile comes back,
 * held by this connection, with its earlier status when `active` (reactivation).
 */
async function revive(tx: Transaction, scope: DirectoryScope, profileId: string, user: ScimObject, fields: UserFields): Promise<string> {
  await tx.$queryRaw`SELECT id FROM profile WHERE id = ${profileId}::uuid AND organization_id = ${scope.organizationId}::uuid FOR UPDATE`;
  // A userName of this connection held by another deleted user is let go first.
  await tx.directoryUser.deleteMany({
    where: { connectionId: scope.connection.id, userName: fields.userName, deletedAt: { not: null }, NOT: { profileId } },
  });
  await tx.directoryUser.update({
    where: { profileId },
    data: { connectionId: scope.connection.id, userName: fields.userName, deletedAt: null, active: false, updatedAt: scope.now },
  });
  const profile = await tx.profile.findUniqueOrThrow({ where: { id: profileId }, select: profileSelect });
  scope.changes.push(`created again ${personName(fields.profile)} (deleted earlier)`);
  await applyUser(tx, scope, profile, user);
  return profileId;
}

/** A profile made by hand becomes the connection's: its fields become the directory's (audited as a change). */
async function adopt(tx: Transaction, scope: DirectoryScope, profile: LoadedProfile, fields: UserFields): Promise<string> {
  const changed = changedFields(profile, fields.profile);
  if (Object.keys(changed).length) await updateProfileIn(tx, scope, profile.id, changed, []);
  await recordAudit(tx, scope, {
    kind: 'PROFILE_UPDATED',
    profileId: profile.id,
    summary: `The ${connectionWords(scope.connection)} took over the profile of ${personName(fields.profile)} (found by its email or externalId).`,
    changedFields: ['directoryConnection'],
  });
  return profile.id;
}

/** PUT /Users/{id}: the user as sent replaces the one kept. */
export async function replaceUser(scope: DirectoryScope, id: string, body: ScimObject): Promise<ScimObject> {
  const user = normalizeUser(body);
  return writeUser(scope, async (tx) => {
    const profile = await lockedProfile(tx, scope, id);
    await applyUser(tx, scope, profile, user);
    return profile.id;
  });
}

/** PATCH /Users/{id}: the operations applied (scim-patch) to the user as kept, then written as a replacement. */
export async function patchUser(scope: DirectoryScope, id: string, body: ScimObject): Promise<ScimObject> {
  const operations = normalizePatchOperations(patchOperationsOf(body));
  return writeUser(scope, async (tx) => {
    const profile = await lockedProfile(tx, scope, id);
    // Patched as kept (what the directory sent), so a PATCH that sets what is already there changes nothing.
    const held = profile.directoryUser;
    const current = held
      ? { ...(held.attributes as ScimObject), userName: held.userName, active: held.active, ...(profile.externalId ? { externalId: profile.externalId } : {}) }
      : userResource(scope, profile);
    let patched: ScimObject;
    try {
      patched = scimPatch(current as never, operations as ScimPatchOperation[], { treatMissingAsAdd: true }) as unknown as ScimObject;
    } catch (error) {
      if (error instanceof PatchError) throw new ScimError(400, error.message.slice(0, 500), (error.scimCode as never) ?? 'invalidValue');
      throw error;
    }
    await applyUser(tx, scope, profile, normalizeUser(patched));
    return profile.id;
  });
}

/** DELETE /Users/{id}: the profile is deactivated and let go by the connection; it stays (DEACTIVATED) with its history. */
export async function deleteUser(scope: DirectoryScope, id: string): Promise<void> {
  await scope.prisma.$transaction(async (tx) => {
    const profile = await lockedProfile(tx, scope, id);
    if (!profile.directoryUser) throw notFound('User', id);
    if (profile.directoryUser.active) await deactivate(tx, scope, profile.id);
    await tx.directoryGroupMember.deleteMany({ where: { profileId: profile.id } });
    await tx.directoryUser.update({ where: { profileId: profile.id }, data: { deletedAt: scope.now } });
    await recordAudit(tx, scope, {
      kind: 'PROFILE_UPDATED',
      profileId: profile.id,
      summary: `The ${connectionWords(scope.connection)} deleted ${personName(profile)}: the profile stays, DEACTIVATED, with its history.`,
      changedFields: ['directoryConnection'],
    });
    scope.changes.push(`deleted ${personName(profile)} (the profile stays, deactivated)`);
  });
}

async function lockedProfile(tx: Transaction, scope: DirectoryScope, id: string): Promise<LoadedProfile> {
  if (!isUuid(id)) throw notFound('User', id);
  await tx.$queryRaw`SELECT id FROM profile WHERE id = ${id}::uuid AND organization_id = ${scope.organizationId}::uuid FOR UPDATE`;
  const profile = await visibleProfile(tx, scope, id);
  if (!profile) throw notFound('User', id);
  return profile;
}

/** Writes what differs between the user as kept and `user`: the profile's fields, the link, then active. */
async function applyUser(tx: Transaction, scope: DirectoryScope, profile: LoadedProfile, user: ScimObject): Promise<void> {
  const fields = userFields(user);
  const held = profile.directoryUser;
  if (!held) {
    // Adopted by its first write.
    await adopt(tx, scope, profile, fields);
    await tx.directoryUser.create({
      data: {
        profileId: profile.id,
        organizationId: scope.organizationId,
        connectionId: scope.connection.id,
        userName: fields.userName,
        active: true,
        attributes: keptAttributes(user),
        createdAt: scope.now,
        updatedAt: scope.now,
      },
    });
    scope.changes.push(`adopted the profile of ${personName(fields.profile)}`);
    if (!fields.active) await deactivate(tx, scope, profile.id);
    else await inviteByPolicy(tx, scope, [profile.id]);
    return;
  }
  const changed = changedFields(profile, fields.profile);
  if (Object.keys(changed).length) {
    await updateProfileIn(tx, scope, profile.id, changed, []);
    scope.changes.push(`changed ${Object.keys(changed).sort().join(', ')} of ${personName(fields.profile)}`);
  }
  const sameLink = held.userName === fields.userName && isDeepStrictEqual(held.attributes, keptAttributes(user));
  if (!sameLink) {
    if (held.userName.toLowerCase() !== fields.userName.toLowerCase()) {
      const taken = await tx.directoryUser.findUnique({
        where: { connectionId_userName: { connectionId: scope.connection.id, userName: fields.userName } },
        select: { profileId: true, deletedAt: true },
      });
      if (taken && !taken.deletedAt) throw uniqueness(`A user with the userName "${fields.userName}" already exists (id ${taken.profileId}).`);
      // A deleted user's userName is free again (its profile stays, DEACTIVATED).
      if (taken) await tx.directoryUser.delete({ where: { profileId: taken.profileId } });
    }
    await tx.directoryUser.update({
      where: { profileId: profile.id },
      data: { userName: fields.userName, attributes: keptAttributes(user), updatedAt: scope.now },
    });
    if (!Object.keys(changed).length) scope.changes.push(`updated the directory attributes of ${personName(fields.profile)}`);
  }
  if (held.active && !fields.active) await deactivate(tx, scope, profile.id);
  else if (!held.active && fields.active) await reactivate(tx, scope, profile.id);
}

/** What is kept of a user beside the profile: all but what has its own column (userName, active, externalId). */
function keptAttributes(user: ScimObject): Prisma.InputJsonValue {
  const { userName: _userName, active: _active, externalId: _externalId, ...kept } = user;
  return kept as Prisma.InputJsonValue;
}

/** The profile fields that differ (only those given). */
function changedFields(profile: Pick<Profile, 'firstName' | 'lastName' | 'email' | 'phone' | 'externalId' | 'locale'>, fields: ProfileFields): ProfileFields {
  const changed: ProfileFields = {};
  if (fields.firstName !== undefined && fields.firstName !== profile.firstName) changed.firstName = fields.firstName;
  if (fields.lastName !== undefined && fields.lastName !== profile.lastName) changed.lastName = fields.lastName;
  if (fields.email !== undefined && fields.email !== profile.email) changed.email = fields.email;
  if (fields.phone !== undefined && fields.phone !== profile.phone) changed.phone = fields.phone;
  if (fields.externalId !== undefined && fields.externalId !== profile.externalId) changed.externalId = fields.externalId;
  if (fields.locale !== undefined && fields.locale !== profile.locale) changed.locale = fields.locale;
  return changed;
}

/**
 * Runs a user write in one transaction and answers the user as written (read again, unless the write hands back the
 * rows it wrote, untouched since); the profile's rules become SCIM errors.
 */
async function writeUser(scope: DirectoryScope, write: (tx: Transaction) => Promise<string | LoadedProfile>): Promise<ScimObject> {
  try {
    const written = await scope.prisma.$transaction(write, { timeout: 30_000 });
    return typeof written === 'string' ? await getUser(scope, written) : userResource(scope, written);
  } catch (error) {
    throw asScimError(error);
  }
}

/** The profile service's refusals as SCIM errors; anything else as is. */
export function asScimError(error: unknown): unknown {
  if (error instanceof ScimError) return error;
  if (error instanceof EmailAlreadyUsedError) return uniqueness('Another profile of the organization has this email address.');
  if (error instanceof ExternalIdAlreadyUsedError) return uniqueness('Another profile of the organization has this externalId.');
  if (error instanceof InputError) return invalidValue(error.message);
  const violation = uniqueViolation(error);
  if (violation) return uniqueness(violation.involves('user_name') ? 'A user with this userName already exists.' : 'The user conflicts with another one.');
  return error;
}

/** Keeps group access in step after a membership or mapping change (re-exported for the group service). */
export { reconcileGroupAccess };

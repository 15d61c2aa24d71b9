import type { Prisma } from '../generated/prisma/client.ts';
import { parseOptionalText, parseRequiredText } from '../kernel/text-fields.ts';
import { InputError } from '../kernel/errors.ts';
import type { DirectoryScope } from './directory-scope.ts';
import { reconcileGroupAccess } from './group-access.ts';
import { invalidValue, notFound, ScimError } from './scim-errors.ts';
import { equalityFilter } from './scim-filter.ts';
import { normalizePatchOperations, patchOperationsOf } from './scim-patch-request.ts';
import { GROUP_SCHEMA, type ScimObject } from './scim-user.ts';
import { isUuid } from './scim-user-service.ts';

type Transaction = Prisma.TransactionClient;

// /Groups: a group of the connection's users. Membership is what grants the
// parking access an admin mapped to the group (group-access.ts): members
// added get it, members removed lose it, in the same transaction. Members
// are the users of this connection; other ids are ignored (and said in the
// request log). Membership changes are applied as deltas, so a PATCH that
// adds one member to a group of 5,000 touches one member.

export const GROUP_FILTER_ATTRIBUTES = ['displayName', 'externalId', 'id'] as const;
/** Members one request may add or remove (a larger group is sent in several PATCH requests, as Entra and Okta do). */
export const MAX_MEMBERS_PER_REQUEST = 1_000;
const MAX_DISPLAY_NAME = 256;

type GroupRow = Prisma.DirectoryGroupGetPayload<{ include: { members: { select: { profileId: true } } } }>;

function groupResource(scope: DirectoryScope, group: GroupRow | Omit<GroupRow, 'members'>, withMembers: boolean): ScimObject {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    ...(withMembers && 'members' in group
      ? { members: group.members.map((member) => ({ value: member.profileId, $ref: `${scope.baseUrl}/Users/${member.profileId}`, type: 'User' })) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${scope.baseUrl}/Groups/${group.id}`,
    },
  };
}

const wantsMembers = (url: URL) => {
  const excluded = (url.searchParams.get('excludedAttributes') ?? '')
    .toLowerCase()
    .split(',')
    .map((name) => name.trim());
  const attributes = (url.searchParams.get('attributes') ?? '')
    .toLowerCase()
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return !excluded.includes('members') && (attributes.length === 0 || attributes.some((name) => name === 'members' || name.startsWith('members.')));
};

async function findGroup(executor: Transaction | DirectoryScope['prisma'], scope: DirectoryScope, id: string, members: boolean) {
  if (!isUuid(id)) return null;
  return executor.directoryGroup.findFirst({
    where: { id, connectionId: scope.connection.id, organizationId: scope.organizationId },
    include: members ? { members: { select: { profileId: true }, orderBy: { profileId: 'asc' } } } : undefined,
  }) as Promise<GroupRow | null>;
}

export async function getGroup(scope: DirectoryScope, id: string, url: URL): Promise<ScimObject> {
  const members = wantsMembers(url);
  const group = await findGroup(scope.prisma, scope, id, members);
  if (!group) throw notFound('Group', id);
  return groupResource(scope, group, members);
}

export async function listGroups(scope: DirectoryScope, filter: string | null, page: { skip: number; take: number }, url: URL) {
  const conditions = equalityFilter(filter, GROUP_FILTER_ATTRIBUTES);
  const where: Prisma.DirectoryGroupWhereInput = { connectionId: scope.connection.id, organizationId: scope.organizationId };
  if (conditions?.has('displayname')) where.displayName = conditions.get('displayname');
  if (conditions?.has('externalid')) where.externalId = conditions.get('externalid');
  if (conditions?.has('id')) where.id = isUuid(conditions.get('id')!) ? conditions.get('id') : '00000000-0000-0000-0000-000000000000';
  const members = wantsMembers(url);
  const [totalResults, groups] = await Promise.all([
    scope.prisma.directoryGroup.count({ where }),
    scope.prisma.directoryGroup.findMany({
      where,
      include: members ? { members: { select: { profileId: true }, orderBy: { profileId: 'asc' } } } : undefined,
      orderBy: { id: 'asc' },
      skip: page.skip,
      take: page.take,
    }),
  ]);
  return { totalResults, resources: groups.map((group) => groupResource(scope, group as GroupRow, members)) };
}

function groupNames(body: ScimObject): { displayName?: string; externalId?: string | null } {
  const names: { displayName?: string; externalId?: string | null } = {};
  try {
    if (body.displayName !== undefined) {
      if (typeof body.displayName !== 'string') throw invalidValue('displayName must be a string.');
      names.displayName = parseRequiredText(body.displayName, ['displayName'], MAX_DISPLAY_NAME);
    }
    if (body.externalId !== undefined) {
      if (body.externalId !== null && typeof body.externalId !== 'string') throw invalidValue('externalId must be a string.');
      names.externalId = parseOptionalText(body.externalId as string | null, ['externalId'], 200);
    }
  } catch (error) {
    if (error instanceof InputError) throw invalidValue(error.message);
    throw error;
  }
  return names;
}

/** The member ids of a `members` value: [{ value }], at most MAX_MEMBERS_PER_REQUEST. */
function memberIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidValue('members must be an array of { "value": "<user id>" }.');
  const list = value;
  if (list.length > MAX_MEMBERS_PER_REQUEST) throw invalidValue(`At most ${MAX_MEMBERS_PER_REQUEST} members per request.`);
  return list.map((member) => {
    const id = typeof member === 'object' && member !== null ? (member as { value?: unknown }).value : member;
    if (typeof id !== 'string') throw invalidValue('A member is { "value": "<user id>" }.');
    return id;
  });
}

export async function createGroup(scope: DirectoryScope, body: ScimObject, url: URL): Promise<ScimObject> {
  const names = groupNames(body);
  if (!names.displayName) throw invalidValue('displayName is required.');
  const members = memberIds(body.members);
  const id = await scope.prisma.$transaction(
    async (tx) => {
      const group = await tx.directoryGroup.create({
        data: {
          organizationId: scope.organizationId,
          connectionId: scope.connection.id,
          displayName: names.displayName!,
          externalId: names.externalId ?? null,
          createdAt: scope.now,
          updatedAt: scope.now,
        },
      });
      scope.changes.push(`created the group "${group.displayName}"`);
      await changeMembers(tx, scope, group.id, { add: members });
      return group.id;
    },
    { timeout: 60_000 },
  );
  return getGroup(scope, id, url);
}

/** PUT /Groups/{id}: the name and externalId as sent; the members as sent when `members` is given (left as they are when it is not). */
export async function replaceGroup(scope: DirectoryScope, id: string, body: ScimObject, url: URL): Promise<ScimObject> {
  const names = groupNames(body);
  if (!names.displayName) throw invalidValue('displayName is required.');
  await scope.prisma.$transaction(
    async (tx) => {
      const group = await lockedGroup(tx, scope, id);
      await rename(tx, scope, group, { displayName: names.displayName, externalId: names.externalId ?? null });
      if (body.members !== undefined) await changeMembers(tx, scope, id, { set: memberIds(body.members) });
    },
    { timeout: 60_000 },
  );
  return getGroup(scope, id, url);
}

/**
 * PATCH /Groups/{id}, as Entra and Okta send it: add/remove `members` with a value list, remove
 * `members[value eq "…"]`, replace `members` (the whole list), replace `displayName`/`externalId` with a path or
 * with no path and an object value. Answers 204 (no body), as both expect.
 */
export async function patchGroup(scope: DirectoryScope, id: string, body: ScimObject): Promise<void> {
  const operations = normalizePatchOperations(patchOperationsOf(body));
  let memberCount = 0;
  for (const operation of operations) if (Array.isArray(operation.value)) memberCount += operation.value.length;
  if (memberCount > MAX_MEMBERS_PER_REQUEST) throw invalidValue(`At most ${MAX_MEMBERS_PER_REQUEST} members per request.`);
  await scope.prisma.$transaction(
    async (tx) => {
      const group = await lockedGroup(tx, scope, id);
      for (const operation of operations) {
        const path = operation.path?.trim();
        const member = path ? /^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$/i.exec(path) : null;
        if (member) {
          if (operation.op !== 'remove') throw new ScimError(400, 'Only "remove" takes a members[value eq …] path.', 'invalidPath');
          await changeMembers(tx, scope, id, { remove: [member[1]!] });
        } else if (path?.toLowerCase() === 'members') {
          if (operation.op === 'add') await changeMembers(tx, scope, id, { add: memberIds(operation.value) });
          else if (operation.op === 'replace') await changeMembers(tx, scope, id, { set: memberIds(operation.value) });
          else if (operation.value === undefined) await changeMembers(tx, scope, id, { set: [] });
          else await changeMembers(tx, scope, id, { remove: memberIds(operation.value) });
        } else if (path?.toLowerCase() === 'displayname' || path?.toLowerCase() === 'externalid') {
          if (operation.op === 'remove' && path.toLowerCase() === 'displayname') throw new ScimError(400, 'displayName is required.', 'mutability');
          const names = groupNames({
            [path.toLowerCase() === 'displayname' ? 'displayName' : 'externalId']: operation.op === 'remove' ? null : operation.value,
          });
          await rename(tx, scope, group, names);
        } else if (path === undefined && operation.op !== 'remove' && typeof operation.value === 'object' && operation.value !== null) {
          const value = operation.value as ScimObject;
          await rename(tx, scope, group, groupNames(value));
          if (value.members !== undefined) {
            await changeMembers(tx, scope, id, operation.op === 'add' ? { add: memberIds(value.members) } : { set: memberIds(value.members) });
          }
        } else {
          throw new ScimError(400, `The path "${path ?? ''}" is not one a group can be patched on (members, displayName, externalId).`, 'invalidPath');
        }
      }
    },
    { timeout: 60_000 },
  );
}

export async function deleteGroup(scope: DirectoryScope, id: string): Promise<void> {
  await scope.prisma.$transaction(
    async (tx) => {
      const group = await lockedGroup(tx, scope, id);
      const members = await tx.directoryGroupMember.findMany({ where: { groupId: id }, select: { profileId: true } });
      await tx.directoryGroup.delete({ where: { id } });
      const changed = await reconcileGroupAccess(
        tx,
        scope,
        members.map((member) => member.profileId),
      );
      scope.changes.push(`deleted the group "${group.displayName}"${changed ? `; ${changed} profile(s) lost its access` : ''}`);
    },
    { timeout: 60_000 },
  );
}

async function lockedGroup(tx: Transaction, scope: DirectoryScope, id: string) {
  if (!isUuid(id)) throw notFound('Group', id);
  await tx.$queryRaw`SELECT id FROM directory_group WHERE id = ${id}::uuid AND connection_id = ${scope.connection.id}::uuid FOR UPDATE`;
  const group = await findGroup(tx, scope, id, false);
  if (!group) throw notFound('Group', id);
  return group;
}

async function rename(
  tx: Transaction,
  scope: DirectoryScope,
  group: { id: string; displayName: string; externalId: string | null },
  names: { displayName?: string; externalId?: string | null },
): Promise<void> {
  const data: Prisma.DirectoryGroupUpdateInput = {};
  if (names.displayName !== undefined && names.displayName !== group.displayName) data.displayName = names.displayName;
  if (names.externalId !== undefined && names.externalId !== group.externalId) data.externalId = names.externalId;
  if (Object.keys(data).length === 0) return;
  await tx.directoryGroup.update({ where: { id: group.id }, data: { ...data, updatedAt: scope.now } });
  Object.assign(group, data);
  scope.changes.push(`renamed the group to "${names.displayName ?? group.displayName}"`);
}

/** Adds, removes or sets members (users of this connection; other ids are ignored), then brings their access up to date. */
async function changeMembers(tx: Transaction, scope: DirectoryScope, groupId: string, change: { add?: string[]; remove?: string[]; set?: string[] }) {
  const wanted = [...new Set([...(change.add ?? []), ...(change.set ?? [])])];
  const known = wanted.length
    ? (
        await tx.directoryUser.findMany({
          where: { connectionId: scope.connection.id, deletedAt: null, profileId: { in: wanted.filter(isUuid) } },
          select: { profileId: true },
        })
      ).map((user) => user.profileId)
    : [];
  const ignored = wanted.length - known.length;
  let added: string[] = [];
  let removed: string[] = [];
  if (change.set) {
    const current = (await tx.directoryGroupMember.findMany({ where: { groupId }, select: { profileId: true } })).map((member) => member.profileId);
    const keep = new Set(known);
    removed = current.filter((id) => !keep.has(id));
    const has = new Set(current);
    added = known.filter((id) => !has.has(id));
  } else {
    if (known.length) {
      added = (
        await tx.$queryRaw<{ profile_id: string }[]>`
          INSERT INTO directory_group_member (group_id, profile_id)
          SELECT ${groupId}::uuid, unnest(${known}::uuid[]) ON CONFLICT DO NOTHING RETURNING profile_id::text`
      ).map((row) => row.profile_id);
    }
    if (change.remove?.length) {
      removed = (
        await tx.$queryRaw<{ profile_id: string }[]>`
          DELETE FROM directory_group_member WHERE group_id = ${groupId}::uuid AND profile_id = ANY(${change.remove.filter(isUuid)}::uuid[])
          RETURNING profile_id::text`
      ).map((row) => row.profile_id);
    }
  }
  if (change.set) {
    if (removed.length) await tx.directoryGroupMember.deleteMany({ where: { groupId, profileId: { in: removed } } });
    if (added.length) await tx.directoryGroupMember.createMany({ data: added.map((profileId) => ({ groupId, profileId })), skipDuplicates: true });
  }
  if (added.length || removed.length) {
    await tx.directoryGroup.update({ where: { id: groupId }, data: { updatedAt: scope.now } });
    const changed = await reconcileGroupAccess(tx, scope, [...added, ...removed]);
    scope.changes.push(`group members: ${added.length} added, ${removed.length} removed${changed ? `; access changed for ${changed} profile(s)` : ''}`);
  }
  if (ignored > 0) scope.changes.push(`${ignored} member id(s) ignored: not users of this connection`);
}

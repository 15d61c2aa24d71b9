import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/index.ts';
import { DirectoryConnectionLimitReachedError, InvalidInputError, NotFoundError } from '../kernel/errors.ts';
import type { DirectoryConnection, DirectoryGroup } from '../generated/prisma/client.ts';
import type { DirectoryInvitePolicy, PaymentMethod, Plan } from '../generated/prisma/enums.ts';
import { parseRequiredText } from '../kernel/text-fields.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { RequestScope } from '../kernel/scope.ts';
import { sha256Hex } from '../kernel/sha256.ts';
import { connectionWords, type DirectoryScope } from './directory-scope.ts';
import { reconcileGroupAccess } from './group-access.ts';
import { inviteByPolicy } from './lifecycle-service.ts';

// Directory connections: what an owner creates in Settings (or GraphQL) and
// pastes into Entra ID or Okta — the SCIM base URL and a bearer token. The
// token is shown once and stored as its SHA-256 (a long random secret, like
// API keys); rotating it replaces it at once.

/** An organization may have this many connections: one per directory, and room to move from one to another (e.g. Okta to Entra). */
export const MAX_DIRECTORY_CONNECTIONS = 3;
export const DIRECTORY_TOKEN_PREFIX = 'ppscim_';
const MAX_NAME_LENGTH = 100;

export const hashDirectoryToken = (token: string) => sha256Hex(token);

function newToken() {
  const secret = `${DIRECTORY_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, DIRECTORY_TOKEN_PREFIX.length + 6), hash: hashDirectoryToken(secret) };
}

/** The SCIM base URL an IdP is given: the server's public URL + /scim/v2. */
export const scimBaseUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}/scim/v2`;

export async function createDirectoryConnection(scope: RequestScope, input: { name: string }): Promise<{ connection: DirectoryConnection; secret: string }> {
  const name = parseRequiredText(input.name, ['input', 'name'], MAX_NAME_LENGTH);
  const token = newToken();
  return scope.prisma.$transaction(async (tx) => {
    // Counted under the organization's row lock, so two concurrent creations cannot pass the limit together.
    await tx.$queryRaw`SELECT id FROM organization WHERE id = ${scope.organizationId}::uuid FOR UPDATE`;
    const count = await tx.directoryConnection.count({ where: { organizationId: scope.organizationId } });
    if (count >= MAX_DIRECTORY_CONNECTIONS) throw new DirectoryConnectionLimitReachedError(MAX_DIRECTORY_CONNECTIONS);
    const connection = await tx.directoryConnection.create({
      data: {
        organizationId: scope.organizationId,
        name,
        tokenPrefix: token.prefix,
        tokenHash: token.hash,
        createdByAdminId: scope.actor.kind === 'ADMIN' ? scope.actor.id : null,
        createdAt: scope.now,
        updatedAt: scope.now,
      },
    });
    await recordAudit(tx, scope, {
      kind: 'DIRECTORY_CONNECTION_CREATED',
      subjectId: connection.id,
      summary: `Created the ${connectionWords(connection)} (${token.prefix}…).`,
    });
    return { connection, secret: token.secret };
  });
}

export async function rotateDirectoryConnectionToken(scope: RequestScope, id: string): Promise<{ connection: DirectoryConnection; secret: string }> {
  const token = newToken();
  return scope.prisma.$transaction(async (tx) => {
    const { count } = await tx.directoryConnection.updateMany({
      where: { id, organizationId: scope.organizationId },
      data: { tokenHash: token.hash, tokenPrefix: token.prefix, tokenRotatedAt: scope.now, updatedAt: scope.now },
    });
    if (!count) throw new NotFoundError(['id'], 'directory connection');
    const connection = await tx.directoryConnection.findUniqueOrThrow({ where: { id } });
    await recordAudit(tx, scope, {
      kind: 'DIRECTORY_CONNECTION_TOKEN_ROTATED',
      subjectId: id,
      summary: `Replaced the token of the ${connectionWords(connection)} (now ${token.prefix}…); the old one no longer works.`,
    });
    return { connection, secret: token.secret };
  });
}

/** Deletes a connection: its token stops working; its profiles stay (no longer held by a directory), their group-given access with them. */
export async function deleteDirectoryConnection(scope: RequestScope, id: string): Promise<string> {
  return scope.prisma.$transaction(async (tx) => {
    const connection = await tx.directoryConnection.findFirst({ where: { id, organizationId: scope.organizationId } });
    if (!connection) throw new NotFoundError(['id'], 'directory connection');
    await tx.directoryConnection.delete({ where: { id } });
    await recordAudit(tx, scope, { kind: 'DIRECTORY_CONNECTION_DELETED', subjectId: id, summary: `Deleted the ${connectionWords(connection)}.` });
    return id;
  });
}

export interface DirectoryConnectionUpdate {
  name?: string | null;
  invitePolicy?: DirectoryInvitePolicy | null;
  /** Required with ON_GO_LIVE_DATE. */
  goLiveAt?: Date | null;
}

/**
 * Renames a connection or changes its invite policy. A policy that invites now (ON_PROVISIONING, or a go-live date
 * already past) invites at once the active profiles the connection holds that were never invited.
 */
export async function updateDirectoryConnection(scope: RequestScope, id: string, input: DirectoryConnectionUpdate): Promise<DirectoryConnection> {
  const name = input.name == null ? undefined : parseRequiredText(input.name, ['input', 'name'], MAX_NAME_LENGTH);
  return scope.prisma.$transaction(
    async (tx) => {
      const current = await tx.directoryConnection.findFirst({ where: { id, organizationId: scope.organizationId } });
      if (!current) throw new NotFoundError(['id'], 'directory connection');
      const invitePolicy = input.invitePolicy ?? current.invitePolicy;
      const goLiveAt = input.goLiveAt !== undefined ? input.goLiveAt : current.goLiveAt;
      if (invitePolicy === 'ON_GO_LIVE_DATE' && !goLiveAt)
        throw new InvalidInputError(['input', 'goLiveAt'], 'The ON_GO_LIVE_DATE policy needs a go-live date.');
      const changed = [
        ...(name !== undefined && name !== current.name ? ['name'] : []),
        ...(invitePolicy !== current.invitePolicy ? ['invitePolicy'] : []),
        ...((goLiveAt?.getTime() ?? null) !== (current.goLiveAt?.getTime() ?? null) ? ['goLiveAt'] : []),
      ];
      if (!changed.length) return current;
      const connection = await tx.directoryConnection.update({
        where: { id },
        data: {
          name,
          invitePolicy,
          goLiveAt,
          wentLiveAt: changed.includes('goLiveAt') || changed.includes('invitePolicy') ? null : undefined,
          updatedAt: scope.now,
        },
      });
      await recordAudit(tx, scope, {
        kind: 'DIRECTORY_CONNECTION_UPDATED',
        subjectId: id,
        summary: `Changed the ${connectionWords(connection)}: ${changed.join(', ')}${invitePolicy !== current.invitePolicy ? ` (invite policy ${invitePolicy})` : ''}.`,
        changedFields: changed,
      });
      await goLiveIfDue(tx, directoryScopeFor(scope, connection));
      return tx.directoryConnection.findUniqueOrThrow({ where: { id } });
    },
    { timeout: 120_000 },
  );
}

/** The directory scope of a connection, for a GraphQL write that reaches its users (a mapping, a policy change). */
function directoryScopeFor(scope: RequestScope, connection: DirectoryConnection): DirectoryScope {
  return {
    prisma: scope.prisma,
    organizationId: scope.organizationId,
    actor: scope.actor,
    now: scope.now,
    settings: scope.settings,
    connection,
    baseUrl: scimBaseUrl(scope.settings.publicUrl),
    changes: [],
  };
}

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * When the policy invites now and has not gone live yet for this date: invites the active profiles the connection
 * holds that were never invited, once (went_live_at claims it, so two requests never invite twice).
 */
export async function goLiveIfDue(tx: Transaction, scope: DirectoryScope): Promise<number> {
  const { connection } = scope;
  if (connection.invitePolicy === 'NEVER') return 0;
  if (connection.invitePolicy === 'ON_GO_LIVE_DATE' && (!connection.goLiveAt || connection.goLiveAt > scope.now)) return 0;
  const claimed = await tx.directoryConnection.updateMany({ where: { id: connection.id, wentLiveAt: null }, data: { wentLiveAt: scope.now } });
  if (!claimed.count) return 0;
  let invited = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await tx.directoryUser.findMany({
      where: { connectionId: connection.id, active: true, profileId: { gt: after }, profile: { status: 'NOT_INVITED' } },
      select: { profileId: true },
      orderBy: { profileId: 'asc' },
      take: 1_000,
    });
    if (!batch.length) return invited;
    invited += await inviteByPolicy(
      tx,
      scope,
      batch.map((row) => row.profileId),
    );
    after = batch.at(-1)!.profileId;
  }
}

export interface GroupMappingInput {
  parkingLotIds: string[];
  tagIds: string[];
  paymentMethod: PaymentMethod | null;
}

/** Sets what a directory group gives its members, and brings every member's access up to date in the same transaction. */
export async function mapDirectoryGroup(scope: RequestScope, groupId: string, input: GroupMappingInput): Promise<DirectoryGroup> {
  const parkingLotIds = [...new Set(input.parkingLotIds)];
  const tagIds = [...new Set(input.tagIds)];
  if (parkingLotIds.length > 200 || tagIds.length > 200) throw new InvalidInputError(['input'], 'A group gives at most 200 parking lots and 200 tags.');
  return scope.prisma.$transaction(
    async (tx) => {
      const group = await tx.directoryGroup.findFirst({ where: { id: groupId, organizationId: scope.organizationId }, include: { connection: true } });
      if (!group) throw new NotFoundError(['id'], 'directory group');
      const [lots, tags] = await Promise.all([
        tx.parkingLot.findMany({ where: { organizationId: scope.organizationId, id: { in: parkingLotIds } }, select: { id: true } }),
        tx.tag.findMany({ where: { organizationId: scope.organizationId, id: { in: tagIds } }, select: { id: true } }),
      ]);
      const knownLots = new Set(lots.map((lot) => lot.id));
      const knownTags = new Set(tags.map((tag) => tag.id));
      const badLot = parkingLotIds.findIndex((id) => !knownLots.has(id));
      if (badLot >= 0) throw new NotFoundError(['input', 'parkingLotIds', String(badLot)], 'parking lot');
      const badTag = tagIds.findIndex((id) => !knownTags.has(id));
      if (badTag >= 0) throw new NotFoundError(['input', 'tagIds', String(badTag)], 'tag');
      await tx.directoryGroupParkingLot.deleteMany({ where: { groupId } });
      await tx.directoryGroupTag.deleteMany({ where: { groupId } });
      await tx.directoryGroupParkingLot.createMany({ data: parkingLotIds.map((parkingLotId) => ({ groupId, parkingLotId })) });
      await tx.directoryGroupTag.createMany({ data: tagIds.map((tagId) => ({ groupId, tagId })) });
      const updated = await tx.directoryGroup.update({ where: { id: groupId }, data: { paymentMethod: input.paymentMethod, updatedAt: scope.now } });
      const members = await tx.directoryGroupMember.findMany({ where: { groupId }, select: { profileId: true } });
      const changed = await reconcileGroupAccess(
        tx,
        directoryScopeFor(scope, group.connection),
        members.map((member) => member.profileId),
      );
      await recordAudit(tx, scope, {
        kind: 'DIRECTORY_GROUP_MAPPED',
        subjectId: groupId,
        summary:
          `Set the access the directory group "${group.displayName}" gives: ${parkingLotIds.length} parking lot(s), ${tagIds.length} tag(s), ` +
          `${input.paymentMethod ?? 'no'} payment method; ${changed} member profile(s) changed.`,
        changedFields: ['parkingLotIds', 'tagIds', 'paymentMethod'],
      });
      return updated;
    },
    { timeout: 120_000 },
  );
}

/** The connection a bearer token names, with its organization's plan; null for an unknown token. */
export type TokenConnection = DirectoryConnection & { organization: { plan: Plan } };

/** What the SCIM service uses of the app's credential cache (server/app/credential-cache.ts), which the app passes in. */
export interface TokenCache {
  get<T>(key: string, now: Date): T | undefined;
  set<T>(key: string, value: T, expiresAt: Date | null, generation: number): void;
  readonly generation: number;
  clear(): void;
}

/**
 * The connection a SCIM bearer token names, with its organization's plan; null for an unknown token. With the
 * credential cache, a token read in the last half second on this server is not read again (a rotation, deletion
 * or change of the connection, or a plan change, clears every server's cache through NOTIFY); a refusal always reads.
 */
export async function connectionOfToken(prisma: PrismaClient, token: string, now: Date, cache?: TokenCache): Promise<TokenConnection | null> {
  if (!token.startsWith(DIRECTORY_TOKEN_PREFIX) || token.length > 200) return null;
  const key = `scim:${hashDirectoryToken(token)}`;
  const cached = cache?.get<TokenConnection>(key, now);
  if (cached) return cached;
  const generation = cache?.generation ?? 0;
  const connection = await prisma.directoryConnection.findUnique({
    where: { tokenHash: hashDirectoryToken(token) },
    include: { organization: { select: { plan: true } } },
  });
  if (connection) cache?.set(key, connection, null, generation);
  return connection;
}

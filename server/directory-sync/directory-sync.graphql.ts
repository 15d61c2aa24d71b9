import { encodeGlobalID } from '@pothos/plugin-relay';
import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { describedEnumValues } from '../graphql/described-enum.ts';
import { DirectoryConnectionLimitReachedError, InvalidInputError, NotFoundError } from '../kernel/errors.ts';
import type { DirectoryConnection, DirectoryGroup } from '../generated/prisma/client.ts';
import type { DirectoryInvitePolicy } from '../generated/prisma/enums.ts';
import { ParkingLotRef, TagRef } from '../organizations/organization.graphql.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import { PaymentMethodEnum } from '../profiles/profile-enums.graphql.ts';
import { ProfileRef } from '../profiles/profile.graphql.ts';
import {
  createDirectoryConnection,
  deleteDirectoryConnection,
  MAX_DIRECTORY_CONNECTIONS,
  mapDirectoryGroup,
  rotateDirectoryConnectionToken,
  scimBaseUrl,
  updateDirectoryConnection,
} from './connection-service.ts';
import { REQUEST_LOG_DAYS } from './scim-limits.ts';

// Directory sync for admins: connections (created, rotated and deleted by
// owners; the token shown once), the groups the directory sent and the
// parking access each gives, the invite policy, the request log; and, on a
// profile, the directory that holds it and what its groups gave.

export const DirectoryInvitePolicyEnum = builder.enumType('DirectoryInvitePolicy', {
  description: 'When a directory connection invites the people it provisions.',
  values: describedEnumValues<DirectoryInvitePolicy>({
    ON_PROVISIONING: 'As soon as the directory provisions (or reactivates) the person.',
    ON_GO_LIVE_DATE: 'Nothing before `goLiveAt`; then everyone provisioned and never invited is invited, and each person provisioned later at once.',
    NEVER: 'Never by itself: provisioned profiles stay NOT_INVITED and receive nothing until an admin invites them.',
  }),
});

builder.prismaObject('DirectoryRequest', {
  description: 'One SCIM request of a connection, kept 30 days: what the directory asked, how it ended and what it changed. Never a token.',
  fields: (t) => ({
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it was received.' }),
    method: t.exposeString('method', { description: 'The HTTP method: GET, POST, PUT, PATCH or DELETE.' }),
    resource: t.exposeString('resource', { description: 'The path under /scim/v2 with its query, e.g. /Users?filter=userName eq "alice@contoso.com".' }),
    status: t.exposeInt('status', { description: 'The HTTP status answered (2xx: done; 4xx: refused, see `error`).' }),
    summary: t.exposeString('summary', { description: 'What it changed, in words; empty when it changed nothing.' }),
    error: t.exposeString('error', { nullable: true, description: "The SCIM error's type and detail when it was refused; null otherwise." }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, in milliseconds.' }),
  }),
});

export const DirectoryGroupRef = builder.prismaNode('DirectoryGroup', {
  nullable: true,
  description: 'A group a directory sent (Entra ID, Okta). Its members get the parking lots, tags and payment method mapped to it; leaving it takes them away.',
  id: { field: 'id', description: 'Global id of the group.' },
  findUnique: inCallerOrganization('DirectoryGroup'),
  authScopes: { allowed: 'MANAGE_DIRECTORY_SYNC' },
  fields: (t) => ({
    displayName: t.exposeString('displayName', { description: 'Its name in the directory.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: "The directory's own id of the group, if it sent one." }),
    memberCount: t.relationCount('members', { description: 'How many of the connection’s users are members.' }),
    parkingLots: t.field({
      type: [ParkingLotRef],
      select: { parkingLots: { select: { parkingLot: true } } },
      description: 'The parking lots its members get.',
      resolve: (group) => group.parkingLots.map((link) => link.parkingLot),
    }),
    tags: t.field({
      type: [TagRef],
      select: { tags: { select: { tag: true } } },
      description: 'The tags its members get.',
      resolve: (group) => group.tags.map((link) => link.tag),
    }),
    paymentMethod: t.expose('paymentMethod', { type: PaymentMethodEnum, nullable: true, description: 'The payment method its members get, if any.' }),
    connection: t.relation('connection', { description: 'The directory connection it came from.' }),
  }),
});

export const DirectoryConnectionRef = builder.prismaNode('DirectoryConnection', {
  nullable: true,
  description:
    'A directory (Microsoft Entra ID, Okta) that provisions people into the organization through SCIM 2.0, with its own bearer token (shown only when created or rotated).',
  id: { field: 'id', description: 'Global id of the connection.' },
  findUnique: inCallerOrganization('DirectoryConnection'),
  authScopes: { allowed: 'MANAGE_DIRECTORY_SYNC' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the connection is, e.g. "Entra ID".' }),
    scimBaseUrl: t.string({
      description: 'The SCIM base URL to give the directory ("Tenant URL" in Entra ID, "SCIM connector base URL" in Okta).',
      resolve: (_connection, _args, context) => scimBaseUrl(context.settings.publicUrl),
    }),
    tokenPrefix: t.exposeString('tokenPrefix', { description: 'The first characters of its token, to recognise it.' }),
    invitePolicy: t.expose('invitePolicy', { type: DirectoryInvitePolicyEnum, description: 'When the people it provisions are invited.' }),
    goLiveAt: t.expose('goLiveAt', { type: 'DateTime', nullable: true, description: 'With ON_GO_LIVE_DATE: when invitations start.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    tokenRotatedAt: t.expose('tokenRotatedAt', { type: 'DateTime', nullable: true, description: 'When its token was last replaced; null if never.' }),
    lastRequestAt: t.expose('lastRequestAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the directory last called (to the minute); null if never.',
    }),
    userCount: t.relationCount('users', { where: { deletedAt: null }, description: 'How many profiles it holds (deactivated ones included).' }),
    groups: t.relatedConnection(
      'groups',
      {
        cursor: 'id',
        defaultSize: 20,
        maxSize: 500,
        totalCount: true,
        query: { orderBy: { displayName: 'asc' } },
        description: 'The groups it sent, by name.',
      },
      { name: 'DirectoryGroupConnection', description: 'A page of directory groups, with the total.' },
      { name: 'DirectoryGroupEdge', description: 'A directory group in a page, with its cursor.' },
    ),
    requests: t.relatedConnection(
      'requests',
      {
        cursor: 'id',
        defaultSize: 20,
        maxSize: 500,
        totalCount: true,
        args: { failedOnly: t.arg.boolean({ description: 'true: only the requests that were refused (4xx or 5xx).' }) },
        query: (args, context) => ({
          where: {
            occurredAt: { gte: new Date(context.clock.now().getTime() - REQUEST_LOG_DAYS * 86_400_000) },
            ...(args.failedOnly ? { status: { gte: 400 } } : {}),
          },
          orderBy: { id: 'desc' },
        }),
        description: `Its requests of the last ${REQUEST_LOG_DAYS} days, newest first: why someone was or was not provisioned.`,
      },
      { name: 'DirectoryRequestConnection', description: 'A page of SCIM requests, with the total.' },
      { name: 'DirectoryRequestEdge', description: 'A SCIM request in a page, with its cursor.' },
    ),
  }),
});

// Where a profile's grants come from: the directory that holds it and what its groups gave (the rest an admin gave).
const ProfileDirectoryRef = builder
  .objectRef<{
    connectionId: string;
    userName: string;
    active: boolean;
    groupParkingLotIds: string[];
    groupTagIds: string[];
    groupPaymentMethods: string[];
  }>('ProfileDirectory')
  .implement({
    description: 'The directory that provisions a profile, and the access its groups gave (the rest of its access an admin gave by hand).',
    fields: (t) => ({
      connection: t.prismaField({
        type: 'DirectoryConnection',
        nullable: true,
        description: 'The directory connection that holds the profile (null for a caller who may not manage directory sync).',
        resolve: (query, link, _args, context) => context.scope!.db.directoryConnection.findFirst({ ...query, where: { id: link.connectionId } }),
      }),
      userName: t.exposeString('userName', { description: 'Its userName in the directory (often the UPN, not the email).' }),
      active: t.exposeBoolean('active', { description: 'False while the directory has it deactivated.' }),
      groupParkingLotIds: t.idList({
        description: 'Global ids of the parking lots its groups gave.',
        resolve: (link) => link.groupParkingLotIds.map((id) => encodeGlobalID('ParkingLot', id)),
      }),
      groupTagIds: t.idList({
        description: 'Global ids of the tags its groups gave.',
        resolve: (link) => link.groupTagIds.map((id) => encodeGlobalID('Tag', id)),
      }),
      groupPaymentMethods: t.field({
        type: [PaymentMethodEnum],
        description: 'The payment methods its groups gave.',
        resolve: (link) => link.groupPaymentMethods as never,
      }),
    }),
  });

builder.prismaObjectField(ProfileRef, 'directory', (t) =>
  t.field({
    type: ProfileDirectoryRef,
    nullable: true,
    select: {
      directoryUser: {
        select: { connectionId: true, userName: true, active: true, deletedAt: true, groupParkingLotIds: true, groupTagIds: true, groupPaymentMethods: true },
      },
    },
    description: 'The directory (Entra ID, Okta) that provisions this profile and what its groups gave; null when no directory holds it.',
    resolve: (profile) => (profile.directoryUser && !profile.directoryUser.deletedAt ? profile.directoryUser : null),
  }),
);

builder.queryFields((t) => ({
  directoryConnections: t.withAuth({ allowed: 'MANAGE_DIRECTORY_SYNC' }).prismaConnection(
    {
      type: DirectoryConnectionRef,
      cursor: 'id',
      defaultSize: MAX_DIRECTORY_CONNECTIONS,
      maxSize: MAX_DIRECTORY_CONNECTIONS,
      description: `The organization's directory connections (at most ${MAX_DIRECTORY_CONNECTIONS}), oldest first.`,
      totalCount: (_parent, _args, context) => context.scope.db.directoryConnection.count(),
      resolve: (query, _root, _args, context) => context.scope.db.directoryConnection.findMany({ ...query, orderBy: { id: 'asc' } }),
    },
    { name: 'DirectoryConnectionConnection', description: 'A page of directory connections, with the total.' },
    { name: 'DirectoryConnectionEdge', description: 'A directory connection in a page, with its cursor.' },
  ),
}));

const DirectoryConnectionCreateInput = builder.inputType('DirectoryConnectionCreateInput', {
  description: 'A new directory connection.',
  fields: (t) => ({ name: t.string({ required: true, description: 'What it is, e.g. "Entra ID" (1 to 100 characters).' }) }),
});

const DirectoryConnectionUpdateInput = builder.inputType('DirectoryConnectionUpdateInput', {
  description: 'What to change on a directory connection; fields left out keep their value.',
  fields: (t) => ({
    name: t.string({ description: 'A new name (1 to 100 characters).' }),
    invitePolicy: t.field({ type: DirectoryInvitePolicyEnum, description: 'When provisioned people are invited.' }),
    goLiveAt: t.field({ type: 'DateTime', description: 'With ON_GO_LIVE_DATE (required then): when invitations start.' }),
  }),
});

const DirectoryGroupMapInput = builder.inputType('DirectoryGroupMapInput', {
  description: 'The parking access a directory group gives its members; it replaces the earlier mapping.',
  fields: (t) => ({
    parkingLotIds: t.globalIDList({ for: ParkingLotRef, required: true, description: 'Global ids of the parking lots (at most 200).' }),
    tagIds: t.globalIDList({ for: TagRef, required: true, description: 'Global ids of the tags (at most 200).' }),
    paymentMethod: t.field({ type: PaymentMethodEnum, description: 'A payment method its members get; none when left out.' }),
  }),
});

const DirectoryConnectionSecretPayload = builder.objectRef<{ connection: DirectoryConnection; secret: string }>('DirectoryConnectionCreatePayload').implement({
  description: 'The connection and its bearer token.',
  fields: (t) => ({
    connection: t.field({
      type: DirectoryConnectionRef,
      description: 'The connection; give the directory its scimBaseUrl.',
      resolve: (payload) => payload.connection,
    }),
    secret: t.exposeString('secret', {
      description: 'The bearer token to give the directory ("Secret Token" in Entra ID, "API token" in Okta). Shown this once: only its hash is kept.',
    }),
  }),
});

const DirectoryConnectionPayload = builder.objectRef<{ connection: DirectoryConnection }>('DirectoryConnectionPayload').implement({
  description: 'The connection as it now is.',
  fields: (t) => ({ connection: t.field({ type: DirectoryConnectionRef, description: 'The connection.', resolve: (payload) => payload.connection }) }),
});

const DirectoryConnectionDeletePayload = builder.objectRef<{ id: string }>('DirectoryConnectionDeletePayload').implement({
  description: 'The connection that was deleted.',
  fields: (t) => ({
    deletedDirectoryConnectionId: t.id({
      description: 'Global id of the deleted connection.',
      resolve: (payload) => encodeGlobalID('DirectoryConnection', payload.id),
    }),
  }),
});

const DirectoryGroupPayload = builder.objectRef<{ group: DirectoryGroup }>('DirectoryGroupPayload').implement({
  description: 'The group as it now is.',
  fields: (t) => ({ group: t.field({ type: DirectoryGroupRef, description: 'The group.', resolve: (payload) => payload.group }) }),
});

builder.mutationFields((t) => ({
  directoryConnectionCreate: t.withAuth({ allowed: 'MANAGE_DIRECTORY_CONNECTIONS' }).field({
    type: DirectoryConnectionSecretPayload,
    description: `Creates a directory (SCIM) connection (at most ${MAX_DIRECTORY_CONNECTIONS} per organization). Store its token at once: it is never shown again. Its invite policy starts as NEVER.`,
    errors: { types: [InvalidInputError, DirectoryConnectionLimitReachedError, ...accessRefusals] },
    args: { input: t.arg({ type: DirectoryConnectionCreateInput, required: true, description: 'The new connection.' }) },
    resolve: (_root, { input }, context) => createDirectoryConnection(context.scope, input),
  }),
  directoryConnectionRotateToken: t.withAuth({ allowed: 'MANAGE_DIRECTORY_CONNECTIONS' }).field({
    type: DirectoryConnectionSecretPayload,
    description: 'Replaces the token of a connection: the old one stops working at once. Give the new one to the directory.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: DirectoryConnectionRef, required: true, description: 'Global id of the connection.' }) },
    resolve: (_root, { id }, context) => rotateDirectoryConnectionToken(context.scope, id.id),
  }),
  directoryConnectionDelete: t.withAuth({ allowed: 'MANAGE_DIRECTORY_CONNECTIONS' }).field({
    type: DirectoryConnectionDeletePayload,
    description:
      'Deletes a connection: its token stops working, its groups and request log go; its profiles stay, no longer held by a directory (deactivated ones stay DEACTIVATED).',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: DirectoryConnectionRef, required: true, description: 'Global id of the connection.' }) },
    resolve: async (_root, { id }, context) => ({ id: await deleteDirectoryConnection(context.scope, id.id) }),
  }),
  directoryConnectionUpdate: t.withAuth({ allowed: 'MANAGE_DIRECTORY_SYNC' }).field({
    type: DirectoryConnectionPayload,
    description:
      'Renames a connection or sets its invite policy. A policy that invites now (ON_PROVISIONING, or a go-live date already past) invites at once the active people it provisioned who were never invited.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: {
      id: t.arg.globalID({ for: DirectoryConnectionRef, required: true, description: 'Global id of the connection.' }),
      input: t.arg({ type: DirectoryConnectionUpdateInput, required: true, description: 'What to change.' }),
    },
    resolve: async (_root, { id, input }, context) => ({ connection: await updateDirectoryConnection(context.scope, id.id, input) }),
  }),
  directoryGroupMap: t.withAuth({ allowed: 'MANAGE_DIRECTORY_SYNC' }).field({
    type: DirectoryGroupPayload,
    description:
      "Sets the parking lots, tags and payment method a directory group gives its members; every member's access follows at once. Access an admin gave by hand is never taken away.",
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: {
      id: t.arg.globalID({ for: DirectoryGroupRef, required: true, description: 'Global id of the group.' }),
      input: t.arg({ type: DirectoryGroupMapInput, required: true, description: 'What the group gives.' }),
    },
    resolve: async (_root, { id, input }, context) => ({
      group: await mapDirectoryGroup(context.scope, id.id, {
        parkingLotIds: input.parkingLotIds.map((lot) => lot.id),
        tagIds: input.tagIds.map((tag) => tag.id),
        paymentMethod: input.paymentMethod ?? null,
      }),
    }),
  }),
}));

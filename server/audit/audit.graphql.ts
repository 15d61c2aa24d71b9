import { globalIdOf } from '../kernel/global-ids.ts';
import { builder } from '../graphql/builder.ts';
import { describedEnumValues } from '../graphql/described-enum.ts';
import type { AuditEventKind } from '../generated/prisma/enums.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { ActorRef, type ActorType } from '../graphql/actor.graphql.ts';
import { isUuid } from '../kernel/global-ids.ts';

// The audit trail as GraphQL: `auditEvents`, newest first, for owners and admins.

const KINDS: Record<AuditEventKind, string> = {
  PROFILE_CREATED: 'A profile was created (one by one or by a bulk upsert).',
  PROFILE_UPDATED: 'A profile was changed (one by one or by a bulk upsert); changedFields names what.',
  PROFILE_DELETED: 'A profile was deleted, with its invitations.',
  PROFILE_INVITED: 'A profile was invited (or re-invited) on its own.',
  BULK_INVITATION_STARTED: 'A bulk invitation was asked for; subjectId is the bulk invitation, which lists its invitations.',
  INVITATION_REVOKED: 'An invitation was revoked.',
  INVITATION_ACCEPTED: 'The invited person accepted an invitation.',
  API_KEY_CREATED: 'An API key was created (its secret is never recorded).',
  API_KEY_REVOKED: 'An API key was revoked.',
  ADMIN_ADDED: 'An admin was added (their password is never recorded).',
  ADMIN_REMOVED: 'An admin was removed.',
  ORGANIZATION_SETTINGS_CHANGED: 'Organization settings changed; changedFields names which.',
  PARKING_LOT_CREATED: 'A parking lot was created.',
  PARKING_LOT_RENAMED: 'A parking lot was renamed.',
  PARKING_LOT_DELETED: 'A parking lot was deleted (and taken off its profiles).',
  TAG_CREATED: 'A tag was created.',
  TAG_RENAMED: 'A tag was renamed.',
  TAG_DELETED: 'A tag was deleted (and taken off its profiles).',
  WEBHOOK_ENDPOINT_CREATED: 'A webhook endpoint was added (its secret is never recorded).',
  WEBHOOK_ENDPOINT_UPDATED: 'A webhook endpoint changed (URL, events, enabled); changedFields names which.',
  WEBHOOK_ENDPOINT_DELETED: 'A webhook endpoint was deleted.',
  WEBHOOK_ENDPOINT_SECRET_ROTATED: "A webhook endpoint's secret was rotated.",
  WEBHOOK_ENDPOINT_DISABLED: 'Parkpass disabled a webhook endpoint: every delivery to it failed for three days.',
  PROFILE_DEACTIVATED: 'A directory (Entra ID, Okta) deactivated or deleted a person: the profile is DEACTIVATED.',
  PROFILE_REACTIVATED: 'A directory reactivated a person: the profile has its earlier status back.',
  DIRECTORY_CONNECTION_CREATED: 'A directory (SCIM) connection was created (its token is never recorded).',
  DIRECTORY_CONNECTION_UPDATED: "A directory connection's name or invite policy changed; changedFields names which.",
  DIRECTORY_CONNECTION_TOKEN_ROTATED: "A directory connection's token was replaced.",
  DIRECTORY_CONNECTION_DELETED: 'A directory connection was deleted (its profiles stay, no longer held by it).',
  DIRECTORY_GROUP_MAPPED: 'The parking access a directory group gives its members changed.',
  ADMIN_INVITED: 'A person was invited to the admin team by email; subjectId is the admin invitation.',
  ADMIN_INVITATION_REVOKED: 'An admin invitation was revoked; subjectId is the admin invitation.',
  ADMIN_ROLE_CHANGED: "An admin's role changed; subjectId is the admin.",
  OWNERSHIP_TRANSFERRED: 'An owner handed the organization over to another admin (now an owner) and took another role; subjectId is the new owner.',
};

export const AuditEventKindEnum = builder.enumType('AuditEventKind', {
  description: 'What an audit event records.',
  values: describedEnumValues<AuditEventKind>(KINDS),
});

/** The GraphQL type of each kind's subject, for its global id. */
const SUBJECT_TYPE: Partial<Record<AuditEventKind, string>> = {
  PROFILE_INVITED: 'Invitation',
  INVITATION_REVOKED: 'Invitation',
  INVITATION_ACCEPTED: 'Invitation',
  BULK_INVITATION_STARTED: 'BulkInvitation',
  API_KEY_CREATED: 'ApiKey',
  API_KEY_REVOKED: 'ApiKey',
  ADMIN_ADDED: 'Admin',
  ADMIN_REMOVED: 'Admin',
  ADMIN_ROLE_CHANGED: 'Admin',
  OWNERSHIP_TRANSFERRED: 'Admin',
  ADMIN_INVITED: 'AdminInvitation',
  ADMIN_INVITATION_REVOKED: 'AdminInvitation',
  PARKING_LOT_CREATED: 'ParkingLot',
  PARKING_LOT_RENAMED: 'ParkingLot',
  PARKING_LOT_DELETED: 'ParkingLot',
  TAG_CREATED: 'Tag',
  TAG_RENAMED: 'Tag',
  TAG_DELETED: 'Tag',
  WEBHOOK_ENDPOINT_CREATED: 'WebhookEndpoint',
  WEBHOOK_ENDPOINT_UPDATED: 'WebhookEndpoint',
  WEBHOOK_ENDPOINT_SECRET_ROTATED: 'WebhookEndpoint',
  WEBHOOK_ENDPOINT_DISABLED: 'WebhookEndpoint',
  DIRECTORY_CONNECTION_CREATED: 'DirectoryConnection',
  DIRECTORY_CONNECTION_UPDATED: 'DirectoryConnection',
  DIRECTORY_CONNECTION_TOKEN_ROTATED: 'DirectoryConnection',
  DIRECTORY_CONNECTION_DELETED: 'DirectoryConnection',
  DIRECTORY_GROUP_MAPPED: 'DirectoryGroup',
};

export const AuditEventRef = builder.prismaObject('AuditEvent', {
  description: 'Who did what, when, to which ids: one write of the organization. Never holds a token, password or secret.',
  fields: (t) => ({
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
    kind: t.expose('kind', { type: AuditEventKindEnum, description: 'What happened.' }),
    actor: t.field({
      type: ActorRef,
      description: 'Who did it: an admin or API key (by the name it had then), the invited person, or Parkpass.',
      select: { actorType: true, actorAdminId: true, actorApiKeyId: true, actorName: true },
      resolve: (event) => ({
        type: event.actorType as ActorType,
        name: event.actorName,
        id: event.actorAdminId ? globalIdOf('Admin', event.actorAdminId) : event.actorApiKeyId ? globalIdOf('ApiKey', event.actorApiKeyId) : null,
      }),
    }),
    profileId: t.id({
      nullable: true,
      description: 'Global id of the profile it concerns, if any (it may have been deleted since).',
      select: { profileId: true },
      resolve: (event) => (event.profileId ? globalIdOf('Profile', event.profileId) : null),
    }),
    subjectId: t.id({
      nullable: true,
      description: 'Global id of the other thing it names: an invitation, bulk invitation, API key, admin, parking lot or tag (see kind).',
      select: { subjectId: true, kind: true },
      resolve: (event) => (event.subjectId && SUBJECT_TYPE[event.kind] ? globalIdOf(SUBJECT_TYPE[event.kind]!, event.subjectId) : null),
    }),
    summary: t.exposeString('summary', { description: 'What happened, in words.' }),
    changedFields: t.exposeStringList('changedFields', { description: 'The fields a change touched (names, not values).' }),
  }),
});

const AuditEventFilterInput = builder.inputType('AuditEventFilter', {
  description: 'Which audit events; criteria combine with AND, list values with OR.',
  fields: (t) => ({
    actorIds: t.globalIDList({ description: 'Done by one of these admins or API keys (global ids of Admin or ApiKey).' }),
    kinds: t.field({ type: [AuditEventKindEnum], description: 'Of one of these kinds.' }),
    profileId: t.globalID({ description: 'Concerning this profile (global id; it may have been deleted).' }),
    from: t.field({ type: 'DateTime', description: 'At or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Before this instant.' }),
  }),
});

builder.queryFields((t) => ({
  auditEvents: t.withAuth({ allowed: 'VIEW_AUDIT_TRAIL' }).prismaConnection(
    {
      type: AuditEventRef,
      cursor: 'id',
      defaultSize: 50,
      maxSize: 200,
      description:
        "The organization's audit trail, newest first: who created, changed, deleted, invited, revoked, accepted, and managed keys, admins and settings.",
      args: { filter: t.arg({ type: AuditEventFilterInput, description: 'Which events; all when left out.' }) },
      totalCount: (_parent, args, context) => context.scope.db.auditEvent.count({ where: auditWhere(args.filter) }),
      resolve: (query, _root, args, context) =>
        context.scope.db.auditEvent.findMany({
          ...query,
          where: auditWhere(args.filter),
          orderBy: [{ occurredAt: 'desc' }, { seq: 'desc' }],
        }),
    },
    { name: 'AuditEventConnection', description: 'A page of audit events, with the total.' },
    { name: 'AuditEventEdge', description: 'An audit event in a page, with its cursor.' },
  ),
}));

/** The filter as Prisma's where (the organization is added by the scope's confined client). */
function auditWhere(filter: typeof AuditEventFilterInput.$inferInput | null | undefined): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (filter?.actorIds) {
    const admins = filter.actorIds.filter((id) => id.typename === 'Admin' && isUuid(id.id)).map((id) => id.id);
    const keys = filter.actorIds.filter((id) => id.typename === 'ApiKey' && isUuid(id.id)).map((id) => id.id);
    and.push({ OR: [{ actorAdminId: { in: admins } }, { actorApiKeyId: { in: keys } }] });
  }
  if (filter?.kinds) and.push({ kind: { in: filter.kinds } });
  if (filter?.profileId)
    and.push({
      profileId: filter.profileId.typename === 'Profile' && isUuid(filter.profileId.id) ? filter.profileId.id : '00000000-0000-0000-0000-000000000000',
    });
  if (filter?.from) and.push({ occurredAt: { gte: filter.from } });
  if (filter?.to) and.push({ occurredAt: { lt: filter.to } });
  return { AND: and };
}

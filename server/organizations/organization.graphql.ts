import { accessRefusals, PlanEnum } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import type { AuthenticatedContext } from '../graphql/context.ts';
import { InvalidInputError } from '../kernel/errors.ts';
import type { Organization, Prisma } from '../generated/prisma/client.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import { MAX_INVITATION_VALIDITY_HOURS, MIN_INVITATION_VALIDITY_HOURS, updateOrganization } from './organization-service.ts';
import { LocaleEnum } from '../i18n/locale.graphql.ts';
import { MAX_REMINDER_HOURS, MIN_REMINDER_HOURS } from '../kernel/limits.ts';

const lifecycleSettings = {
  reminderHoursBeforeExpiry:
    `How many hours before an invitation expires its person, still pending, gets one reminder email with the same link (${MIN_REMINDER_HOURS} to ${MAX_REMINDER_HOURS}; default 24). ` +
    'Null: no reminders. No reminder when the invitation is valid for less than this.',
  inviteeMayRequestNewLink: 'Whether the accept page of an expired invitation offers "Send me a new link" to its person (default true).',
  defaultLocale: 'The language of emails and the accept page for profiles without a locale of their own (default EN).',
  timeZone: 'The IANA time zone emails state dates in, e.g. Europe/Paris (default UTC).',
};

export const OrganizationRef = builder.prismaNode('Organization', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A customer company, whose admins manage the profiles of its employees.',
  id: { field: 'id', description: 'Global id of the organization.' },
  findUnique: inCallerOrganization('Organization'),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The company name, shown in emails.' }),
    plan: t.expose('plan', { type: PlanEnum, description: 'The subscription plan.' }),
    invitationValidityHours: t.exposeInt('invitationValidityHours', {
      description: `How long an invitation stays valid, in hours (${MIN_INVITATION_VALIDITY_HOURS} to ${MAX_INVITATION_VALIDITY_HOURS}).`,
    }),
    appStoreUrl: t.exposeString('appStoreUrl', { nullable: true, description: 'iOS app link sent once an invitation is accepted.' }),
    playStoreUrl: t.exposeString('playStoreUrl', {
      nullable: true,
      description: 'Android app link sent once an invitation is accepted.',
    }),
    reminderHoursBeforeExpiry: t.exposeInt('reminderHoursBeforeExpiry', { nullable: true, description: lifecycleSettings.reminderHoursBeforeExpiry }),
    inviteeMayRequestNewLink: t.exposeBoolean('inviteeMayRequestNewLink', { description: lifecycleSettings.inviteeMayRequestNewLink }),
    defaultLocale: t.expose('defaultLocale', { type: LocaleEnum, description: lifecycleSettings.defaultLocale }),
    timeZone: t.exposeString('timeZone', { description: lifecycleSettings.timeZone }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created.' }),
  }),
});

export const ParkingLotRef = builder.prismaNode('ParkingLot', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A parking lot of the organization; profiles are given access to lots.',
  id: { field: 'id', description: 'Global id of the parking lot.' },
  findUnique: inCallerOrganization('ParkingLot'),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the lot, unique in the organization (compared case-insensitively).' }),
    profileCount: t.relationCount('profiles', { description: 'How many profiles have access to this lot.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the lot was created.' }),
  }),
});

export const TagRef = builder.prismaNode('Tag', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A label the organization puts on profiles, to group and filter them.',
  id: { field: 'id', description: 'Global id of the tag.' },
  findUnique: inCallerOrganization('Tag'),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the tag, unique in the organization (compared case-insensitively).' }),
    profileCount: t.relationCount('profiles', { description: 'How many profiles have this tag.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the tag was created.' }),
  }),
});

/**
 * The caller's organization: the row its authentication read (server/app/authenticate.ts; as fresh as the credential,
 * since any change to the organization clears every server's credential cache) when the selection needs no relation,
 * else one statement.
 */
export function callerOrganization(
  query: { include?: Prisma.OrganizationInclude; select?: Prisma.OrganizationSelect },
  context: AuthenticatedContext,
): Promise<Organization> | Organization {
  const known = context.viewer.organization;
  return known && query.include === undefined && query.select === undefined ? known : context.scope.db.organization.findFirstOrThrow(query);
}

builder.queryFields((t) => ({
  organization: t.withAuth({ authenticated: true }).prismaField({
    type: OrganizationRef,
    description: "The caller's organization.",
    resolve: (query, _root, _args, context) => callerOrganization(query, context),
  }),
  parkingLots: t.withAuth({ authenticated: true }).prismaConnection(
    {
      type: ParkingLotRef,
      cursor: 'id',
      defaultSize: 100,
      maxSize: 500,
      description: "The organization's parking lots, by name.",
      totalCount: (_parent, _args, context) => context.scope.db.parkingLot.count(),
      resolve: (query, _root, _args, context) => context.scope.db.parkingLot.findMany({ ...query, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    },
    { name: 'ParkingLotConnection', description: 'A page of parking lots, with the total.' },
    { name: 'ParkingLotEdge', description: 'One item of a page, with its cursor.' },
  ),
  tags: t.withAuth({ authenticated: true }).prismaConnection(
    {
      type: TagRef,
      cursor: 'id',
      defaultSize: 100,
      maxSize: 500,
      description: "The organization's tags, by name.",
      totalCount: (_parent, _args, context) => context.scope.db.tag.count(),
      resolve: (query, _root, _args, context) => context.scope.db.tag.findMany({ ...query, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    },
    { name: 'TagConnection', description: 'A page of tags, with the total.' },
    { name: 'TagEdge', description: 'One item of a page, with its cursor.' },
  ),
}));

const OrganizationUpdateInput = builder.inputType('OrganizationUpdateInput', {
  description: 'The settings to change; fields left out keep their value.',
  fields: (t) => ({
    name: t.string({ description: 'The company name, shown in emails (1 to 200 characters).' }),
    invitationValidityHours: t.int({
      description: `How long new invitations stay valid, in hours (${MIN_INVITATION_VALIDITY_HOURS} to ${MAX_INVITATION_VALIDITY_HOURS}). Invitations already sent keep their expiry.`,
    }),
    appStoreUrl: t.string({ description: 'iOS app link (https) for the second email; null clears it.' }),
    playStoreUrl: t.string({ description: 'Android app link (https) for the second email; null clears it.' }),
    reminderHoursBeforeExpiry: t.int({ description: lifecycleSettings.reminderHoursBeforeExpiry }),
    inviteeMayRequestNewLink: t.boolean({ description: lifecycleSettings.inviteeMayRequestNewLink }),
    defaultLocale: t.field({ type: LocaleEnum, description: lifecycleSettings.defaultLocale }),
    timeZone: t.string({ description: lifecycleSettings.timeZone }),
  }),
});

const OrganizationPayload = builder.objectRef<{ organization: Organization }>('OrganizationPayload').implement({
  description: 'The organization as it now is.',
  fields: (t) => ({
    organization: t.field({ type: OrganizationRef, description: 'The organization.', resolve: (payload) => payload.organization }),
  }),
});

builder.mutationFields((t) => ({
  organizationUpdate: t.withAuth({ allowed: 'MANAGE_ORGANIZATION' }).field({
    type: OrganizationPayload,
    description: "Changes the caller's organization settings. The plan is not changed here.",
    errors: { types: [InvalidInputError, ...accessRefusals] },
    args: { input: t.arg({ type: OrganizationUpdateInput, required: true, description: 'The settings to change.' }) },
    resolve: async (_root, { input }, context) => ({
      organization: await updateOrganization(context.scope, input),
    }),
  }),
}));

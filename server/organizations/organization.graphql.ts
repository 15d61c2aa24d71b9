import { builder } from '../builder.ts';
import { organizationIdOf } from './organization-scope.ts';

export const PlanEnum = builder.enumType('Plan', {
  description: 'A subscription plan; it decides which features an organization has.',
  values: {
    STARTER: { description: 'Profiles and single invitations.' },
    BUSINESS: { description: 'Adds bulk invitations and API access.' },
    ENTERPRISE: { description: 'Everything, with the largest bulk invitations.' },
  } as const,
});

export const RoleEnum = builder.enumType('Role', {
  description: 'What a person or API key may do in its organization.',
  values: {
    OWNER: { description: 'Everything, including managing admins and API keys.' },
    ADMIN: { description: 'Manages profiles and invitations, and API keys.' },
    MANAGER: { description: 'Manages profiles and invites them one by one.' },
    VIEWER: { description: 'Reads profiles.' },
  } as const,
});

export const OrganizationRef = builder.prismaNode('Organization', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A customer company, whose admins manage the profiles of its employees.',
  id: { field: 'id', description: 'Global id of the organization.' },
  findUnique: (id, context) => ({ id, AND: { id: organizationIdOf(context) } }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The company name, shown in emails.' }),
    plan: t.expose('plan', { type: PlanEnum, description: 'The subscription plan.' }),
    invitationValidityHours: t.exposeInt('invitationValidityHours', {
      description: 'How long an invitation stays valid, in hours (1 to 720).',
    }),
    appStoreUrl: t.exposeString('appStoreUrl', { nullable: true, description: 'iOS app link sent once an invitation is accepted.' }),
    playStoreUrl: t.exposeString('playStoreUrl', {
      nullable: true,
      description: 'Android app link sent once an invitation is accepted.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created.' }),
  }),
});

export const ParkingLotRef = builder.prismaNode('ParkingLot', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A parking lot of the organization; profiles are given access to lots.',
  id: { field: 'id', description: 'Global id of the parking lot.' },
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the lot, unique in the organization.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the lot was created.' }),
  }),
});

export const TagRef = builder.prismaNode('Tag', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A label the organization puts on profiles, to group and filter them.',
  id: { field: 'id', description: 'Global id of the tag.' },
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the tag, unique in the organization.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the tag was created.' }),
  }),
});

builder.queryFields((t) => ({
  organization: t.withAuth({ authenticated: true }).prismaField({
    type: OrganizationRef,
    description: "The caller's organization.",
    resolve: (query, _root, _args, context) =>
      context.prisma.organization.findUniqueOrThrow({ ...query, where: { id: context.viewer.organizationId } }),
  }),
  parkingLots: t.withAuth({ authenticated: true }).prismaConnection({
    type: ParkingLotRef,
    cursor: 'id',
    defaultSize: 100,
    maxSize: 500,
    description: "The organization's parking lots, by name.",
    totalCount: (_parent, _args, context) => context.prisma.parkingLot.count({ where: { organizationId: context.viewer.organizationId } }),
    resolve: (query, _root, _args, context) =>
      context.prisma.parkingLot.findMany({
        ...query,
        where: { organizationId: context.viewer.organizationId },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }, { name: 'ParkingLotConnection', description: 'A page of parking lots, with the total.' },
  { name: 'ParkingLotEdge', description: 'One item of a page, with its cursor.' }),
  tags: t.withAuth({ authenticated: true }).prismaConnection({
    type: TagRef,
    cursor: 'id',
    defaultSize: 100,
    maxSize: 500,
    description: "The organization's tags, by name.",
    totalCount: (_parent, _args, context) => context.prisma.tag.count({ where: { organizationId: context.viewer.organizationId } }),
    resolve: (query, _root, _args, context) =>
      context.prisma.tag.findMany({
        ...query,
        where: { organizationId: context.viewer.organizationId },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }, { name: 'TagConnection', description: 'A page of tags, with the total.' },
  { name: 'TagEdge', description: 'One item of a page, with its cursor.' }),
}));

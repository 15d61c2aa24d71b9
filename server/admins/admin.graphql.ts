import { globalIdOf } from '../kernel/global-ids.ts';
import { accessRefusals, RoleEnum } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import {
  CannotRemoveSelfError,
  EmailAlreadyUsedError,
  LastOwnerError,
  InvalidEmailError,
  InvalidInputError,
  NotFoundError,
  PasswordTooWeakError,
} from '../kernel/errors.ts';
import type { Admin } from '../generated/prisma/client.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import { PASSWORD_POLICY } from '../auth/index.ts';
import { createAdmin, deleteAdmin } from './admin-service.ts';
import { changeAdminRole, type OwnershipTransfer, transferOwnership } from './admin-roles.ts';

export const AdminRef = builder.prismaNode('Admin', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A person who manages the organization in the admin UI. Visible to owners, and to the admin themself.',
  id: { field: 'id', description: 'Global id of the admin.' },
  findUnique: inCallerOrganization('Admin'),
  authScopes: (admin, context) => (context.viewer?.actor.kind === 'ADMIN' && context.viewer.actor.id === admin.id) || { allowed: 'MANAGE_ADMINS' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Full name.' }),
    email: t.exposeString('email', { description: 'Email address, used to sign in.' }),
    role: t.expose('role', { type: RoleEnum, description: 'What the admin may do.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the admin was added.' }),
  }),
});

builder.queryFields((t) => ({
  admins: t.withAuth({ allowed: 'MANAGE_ADMINS' }).prismaConnection(
    {
      type: AdminRef,
      cursor: 'id',
      defaultSize: 50,
      maxSize: 500,
      description: "The organization's admins, by name.",
      totalCount: (_parent, _args, context) => context.scope.db.admin.count(),
      resolve: (query, _root, _args, context) => context.scope.db.admin.findMany({ ...query, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    },
    { name: 'AdminConnection', description: 'A page of admins, with the total.' },
    { name: 'AdminEdge', description: 'An admin in a page, with its cursor.' },
  ),
}));

const AdminCreateInput = builder.inputType('AdminCreateInput', {
  description: 'A new admin of the organization.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'Email address to sign in with; unique in the organization (it may be an admin of others too).' }),
    name: t.string({ required: true, description: 'Full name (1 to 100 characters).' }),
    role: t.field({ type: RoleEnum, required: true, description: "What the admin may do; at most the caller's own role." }),
    password: t.string({ required: true, description: `The initial password, handed over by the caller. ${PASSWORD_POLICY}` }),
  }),
});

const AdminPayload = builder.objectRef<{ admin: Admin }>('AdminPayload').implement({
  description: 'The admin as it now is.',
  fields: (t) => ({ admin: t.field({ type: AdminRef, description: 'The admin.', resolve: (payload) => payload.admin }) }),
});

const AdminDeletePayload = builder.objectRef<{ deletedAdminId: string }>('AdminDeletePayload').implement({
  description: 'The admin was removed; their sessions ended and the API keys they created were revoked.',
  fields: (t) => ({ deletedAdminId: t.exposeID('deletedAdminId', { description: 'Global id of the removed admin.' }) }),
});

const AdminUpdateInput = builder.inputType('AdminUpdateInput', {
  description: 'What to change of an admin.',
  fields: (t) => ({
    role: t.field({ type: RoleEnum, required: true, description: 'The new role (see the Role enum for what each may do).' }),
  }),
});

const OwnershipTransferInput = builder.inputType('OrganizationOwnershipTransferInput', {
  description: 'Who becomes an owner, and the role the caller keeps.',
  fields: (t) => ({
    adminId: t.globalID({ for: AdminRef, required: true, description: 'Global id of the admin who becomes an owner.' }),
    previousOwnerRole: t.field({
      type: RoleEnum,
      defaultValue: 'ADMIN',
      description: 'The role the caller takes instead of OWNER: ADMIN (the default), MANAGER or VIEWER.',
    }),
  }),
});

const OwnershipTransferPayload = builder.objectRef<OwnershipTransfer>('OrganizationOwnershipTransferPayload').implement({
  description: 'Ownership was handed over: the new owner, and the caller with their new role.',
  fields: (t) => ({
    newOwner: t.field({ type: AdminRef, description: 'The admin who is an owner now.', resolve: (payload) => payload.newOwner }),
    previousOwner: t.field({ type: AdminRef, description: 'The caller, with the role they kept.', resolve: (payload) => payload.previousOwner }),
  }),
});

builder.mutationFields((t) => ({
  adminUpdate: t.withAuth({ allowed: 'MANAGE_ADMINS' }).field({
    type: AdminPayload,
    description:
      "Changes an admin's role (it applies to their next request). The last owner keeps the role (LastOwner): hand the organization over " +
      'with organizationOwnershipTransfer, or make another owner first. An owner may step down while another owner remains.',
    errors: { types: [InvalidInputError, NotFoundError, LastOwnerError, ...accessRefusals] },
    args: {
      id: t.arg.globalID({ for: AdminRef, required: true, description: 'Global id of the admin.' }),
      input: t.arg({ type: AdminUpdateInput, required: true, description: 'What to change.' }),
    },
    resolve: async (_root, { id, input }, context) => ({ admin: await changeAdminRole(context.scope, id.id, input.role) }),
  }),
  organizationOwnershipTransfer: t.withAuth({ allowed: 'MANAGE_ADMINS' }).field({
    type: OwnershipTransferPayload,
    description:
      'Hands the organization over: another admin becomes an owner and the caller (an owner) takes previousOwnerRole, in one step, ' +
      'so the organization has an owner at every instant, whatever other owners do at the same time.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { input: t.arg({ type: OwnershipTransferInput, required: true, description: 'Who becomes an owner.' }) },
    resolve: (_root, { input }, context) => transferOwnership(context.scope, input.adminId.id, input.previousOwnerRole ?? 'ADMIN'),
  }),
  adminCreate: t.withAuth({ allowed: 'MANAGE_ADMINS' }).field({
    type: AdminPayload,
    description: 'Adds an admin to the organization, who can sign in at once with the email and password given.',
    errors: { types: [InvalidInputError, InvalidEmailError, EmailAlreadyUsedError, PasswordTooWeakError, ...accessRefusals] },
    args: { input: t.arg({ type: AdminCreateInput, required: true, description: 'The new admin.' }) },
    resolve: async (_root, { input }, context) => ({
      admin: await createAdmin(context.scope, input),
    }),
  }),
  adminDelete: t.withAuth({ allowed: 'MANAGE_ADMINS' }).field({
    type: AdminDeletePayload,
    description:
      'Removes an admin, ends their sessions and revokes every API key they created (calls with those keys fail at once; ' +
      'to keep an integration running, create a new key before and hand it over). Nobody removes themselves, and the last owner stays.',
    errors: { types: [InvalidInputError, NotFoundError, CannotRemoveSelfError, LastOwnerError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: AdminRef, required: true, description: 'Global id of the admin.' }) },
    resolve: async (_root, { id }, context) => {
      await deleteAdmin(context.scope, id.id);
      return { deletedAdminId: globalIdOf('Admin', id.id) };
    },
  }),
}));

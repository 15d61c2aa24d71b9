import { PASSWORD_POLICY } from '../auth/index.ts';
import { accessRefusals, RoleEnum } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import type { AdminInvitation } from '../generated/prisma/client.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import {
  AdminInvitationLimitReachedError,
  EmailAlreadyUsedError,
  InvalidEmailError,
  InvalidInputError,
  InvitationAlreadyUsedError,
  InvitationExpiredError,
  InvitationNotFoundError,
  InvitationRevokedError,
  NotFoundError,
  PasswordTooWeakError,
  ResendTooSoonError,
} from '../kernel/errors.ts';
import { ADMIN_INVITATION_VALIDITY_HOURS } from '../kernel/limits.ts';
import {
  type AcceptedAdminInvitation,
  acceptAdminInvitation,
  adminInvitationsInState,
  adminInvitationState,
  inviteAdmin,
  readAdminInvitationByToken,
  revokeAdminInvitation,
} from './admin-invitation-service.ts';

// Admins invited by email: the owner's side (invite, list, revoke) and the
// invited person's (public, by the token of the link: read, accept).

const AdminInvitationStateEnum = builder.enumType('AdminInvitationState', {
  description: 'Where an admin invitation stands.',
  values: {
    OPEN: { description: 'Its link works: the person has not answered yet.' },
    EXPIRED: { description: 'Not accepted in time; invite the person again.' },
    ACCEPTED: { description: 'The person chose a password and is an admin now.' },
    REVOKED: { description: 'Revoked by an owner, or replaced by a newer invitation to the same address.' },
  } as const,
});

export const AdminInvitationRef = builder.prismaNode('AdminInvitation', {
  nullable: true,
  description: "An invitation to join the organization's admin team, sent by email. Its token is never readable. Visible to owners.",
  id: { field: 'id', description: 'Global id of the admin invitation.' },
  findUnique: inCallerOrganization('AdminInvitation'),
  authScopes: { allowed: 'MANAGE_ADMINS' },
  fields: (t) => ({
    email: t.exposeString('email', { description: 'The address it was sent to; the admin signs in with it.' }),
    name: t.exposeString('name', { description: 'The name the admin will have.' }),
    role: t.expose('role', { type: RoleEnum, description: 'The role the admin will have.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: `When its link stops working (${ADMIN_INVITATION_VALIDITY_HOURS} hours after it was sent).`,
    }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true, description: 'When the person accepted it.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked or replaced.' }),
    state: t.field({
      type: AdminInvitationStateEnum,
      description: 'Where it stands now.',
      select: { expiresAt: true, acceptedAt: true, revokedAt: true },
      resolve: (invitation, _args, context) => adminInvitationState(invitation, context.clock.now()),
    }),
    invitedBy: t.relation('invitedBy', { nullable: true, description: 'The owner who sent it; null once that admin was removed.' }),
  }),
});

const AdminInvitationFilterInput = builder.inputType('AdminInvitationFilter', {
  description: 'Which admin invitations.',
  fields: (t) => ({
    states: t.field({ type: [AdminInvitationStateEnum], description: 'In one of these states; all when left out.' }),
  }),
});

builder.queryFields((t) => ({
  adminInvitations: t.withAuth({ allowed: 'MANAGE_ADMINS' }).prismaConnection(
    {
      type: AdminInvitationRef,
      cursor: 'id',
      defaultSize: 50,
      maxSize: 200,
      description: "The organization's admin invitations, newest first.",
      args: { filter: t.arg({ type: AdminInvitationFilterInput, description: 'Which invitations; all when left out.' }) },
      totalCount: (_parent, args, context) => context.scope.db.adminInvitation.count({ where: statesWhere(args.filter?.states ?? null, context.scope.now) }),
      resolve: (query, _root, args, context) =>
        context.scope.db.adminInvitation.findMany({
          ...query,
          where: statesWhere(args.filter?.states ?? null, context.scope.now),
          // Newest first; the id breaks ties, so pages never overlap.
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'AdminInvitationConnection', description: 'A page of admin invitations, with the total.' },
    { name: 'AdminInvitationEdge', description: 'An admin invitation in a page, with its cursor.' },
  ),
}));

function statesWhere(states: readonly ('OPEN' | 'EXPIRED' | 'ACCEPTED' | 'REVOKED')[] | null, now: Date) {
  return states ? { OR: states.map((state) => adminInvitationsInState(state, now)) } : {};
}

const AdminInviteInput = builder.inputType('AdminInviteInput', {
  description: 'The person to invite to the admin team.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'Their email address: the invitation goes there, and they sign in with it.' }),
    name: t.string({ required: true, description: 'Their full name (1 to 100 characters).' }),
    role: t.field({ type: RoleEnum, required: true, description: 'What they will be able to do (see the Role enum).' }),
  }),
});

const AdminInvitationPayload = builder.objectRef<{ invitation: AdminInvitation }>('AdminInvitationPayload').implement({
  description: 'The admin invitation as it now is.',
  fields: (t) => ({ adminInvitation: t.field({ type: AdminInvitationRef, description: 'The invitation.', resolve: (payload) => payload.invitation }) }),
});

type PublicAdminInvitationView = NonNullable<Awaited<ReturnType<typeof readAdminInvitationByToken>>>;

const PublicAdminInvitationRef = builder.objectRef<PublicAdminInvitationView>('PublicAdminInvitation').implement({
  description: 'What the join page may show to whoever holds an admin invitation link: no more than the email says.',
  fields: (t) => ({
    organizationName: t.string({ description: 'The organization whose admin team the person is invited to.', resolve: (i) => i.organization.name }),
    name: t.exposeString('name', { description: 'The invited person’s name.' }),
    email: t.exposeString('email', { description: 'The address they will sign in with.' }),
    role: t.expose('role', { type: RoleEnum, description: 'The role they will have.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the link stops working.' }),
    state: t.field({
      type: AdminInvitationStateEnum,
      description: 'OPEN when it can be accepted now; otherwise why not.',
      resolve: (invitation, _args, context) => adminInvitationState(invitation, context.clock.now()),
    }),
    passwordPolicy: t.string({ description: 'The rules the password must follow.', resolve: () => PASSWORD_POLICY }),
  }),
});

const AdminInvitationAcceptInput = builder.inputType('AdminInvitationAcceptInput', {
  description: 'The token from the invitation link and the password the person chose.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The token from the link (the part after #token=).' }),
    password: t.string({ required: true, description: `The password to sign in with. ${PASSWORD_POLICY}` }),
  }),
});

const AdminInvitationAcceptPayload = builder.objectRef<AcceptedAdminInvitation>('AdminInvitationAcceptPayload').implement({
  description: 'The person is an admin now: they sign in with adminLogin (the email, the password and this organizationId).',
  fields: (t) => ({
    email: t.exposeString('email', { description: 'The address to sign in with.' }),
    organizationId: t.id({ description: 'Global id of the organization, for adminLogin.', resolve: (a) => globalIdOf('Organization', a.organizationId) }),
    organizationName: t.exposeString('organizationName', { description: 'The organization they joined.' }),
  }),
});

builder.queryFields((t) => ({
  adminInvitationByToken: t.field({
    type: PublicAdminInvitationRef,
    nullable: true,
    description: 'Public (no credentials): the admin invitation a link points to, for the join page; null for an unknown token.',
    args: { token: t.arg.string({ required: true, description: 'The token from the link.' }) },
    resolve: (_root, args, context) => readAdminInvitationByToken(context, args.token),
  }),
}));

builder.mutationFields((t) => ({
  adminInvite: t.withAuth({ allowed: 'MANAGE_ADMINS' }).field({
    type: AdminInvitationPayload,
    description:
      'Invites a person to the admin team by email: the link lets them choose their own password (nobody hands one over). ' +
      'An earlier open invitation to the same address stops working; one invitation per address per 5 minutes.',
    errors: {
      types: [InvalidInputError, InvalidEmailError, EmailAlreadyUsedError, ResendTooSoonError, AdminInvitationLimitReachedError, ...accessRefusals],
    },
    args: { input: t.arg({ type: AdminInviteInput, required: true, description: 'Who, and with which role.' }) },
    resolve: async (_root, { input }, context) => ({ invitation: await inviteAdmin(context.scope, input) }),
  }),
  adminInvitationRevoke: t.withAuth({ allowed: 'MANAGE_ADMINS' }).field({
    type: AdminInvitationPayload,
    description: 'Revokes an open admin invitation: its link stops working at once.',
    errors: {
      types: [InvalidInputError, NotFoundError, InvitationAlreadyUsedError, InvitationExpiredError, InvitationRevokedError, ...accessRefusals],
    },
    args: { id: t.arg.globalID({ for: AdminInvitationRef, required: true, description: 'Global id of the admin invitation.' }) },
    resolve: async (_root, { id }, context) => ({ invitation: await revokeAdminInvitation(context.scope, id.id) }),
  }),
  adminInvitationAccept: t.field({
    type: AdminInvitationAcceptPayload,
    description:
      'Public (no credentials): the invited person joins the admin team with the token of their link and the password they choose. A token works once.',
    errors: { types: [InvitationNotFoundError, InvitationExpiredError, InvitationRevokedError, InvitationAlreadyUsedError, PasswordTooWeakError] },
    args: { input: t.arg({ type: AdminInvitationAcceptInput, required: true, description: 'Token and password.' }) },
    resolve: (_root, { input }, context) => acceptAdminInvitation(context, input),
  }),
}));

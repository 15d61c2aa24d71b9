import { ActionAccessRef, ActorKindEnum, PlanEnum, permissionsOf, RoleEnum } from '../graphql/access.graphql.ts';
import { PLANS } from '../kernel/policy.ts';
import { callerOf } from '../graphql/refusals.ts';
import { builder } from '../graphql/builder.ts';
import type { Viewer } from '../kernel/scope.ts';
import { callerOrganization, OrganizationRef } from '../organizations/organization.graphql.ts';
import type { AuthenticatedContext } from '../graphql/context.ts';
import { ApiKeyRef } from './api-key.graphql.ts';

const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'Who is calling, in which organization, and what they may do there.',
  fields: (t) => ({
    actorKind: t.field({ type: ActorKindEnum, description: 'Admin session or API key.', resolve: (viewer) => viewer.actor.kind }),
    admin: t.prismaField({
      type: 'Admin',
      nullable: true,
      description: 'The signed-in admin; null for an API key.',
      resolve: (query, viewer, _args, context) =>
        viewer.actor.kind === 'ADMIN' ? context.scope!.db.admin.findUnique({ ...query, where: { id: viewer.actor.id } }) : null,
    }),
    apiKey: t.prismaField({
      type: ApiKeyRef,
      nullable: true,
      description: 'The API key of the call; null for an admin.',
      resolve: (query, viewer, _args, context) =>
        viewer.actor.kind === 'API_KEY' ? context.scope!.db.apiKey.findUnique({ ...query, where: { id: viewer.actor.id } }) : null,
    }),
    organization: t.prismaField({
      type: OrganizationRef,
      description: 'The organization the caller belongs to; every call is confined to it.',
      resolve: (query, _viewer, _args, context) => callerOrganization(query, context as AuthenticatedContext),
    }),
    role: t.field({ type: RoleEnum, description: "The caller's role.", resolve: (viewer) => viewer.role }),
    plan: t.field({ type: PlanEnum, description: "The organization's plan.", resolve: (viewer) => viewer.plan }),
    maxBulkInvitationSize: t.int({
      description: 'The most profiles one bulk invitation may select on this plan (0 without bulk invitations).',
      resolve: (viewer) => PLANS[viewer.plan].maxBulkInvitationSize,
    }),
    maxBulkEditSize: t.int({
      description: 'The most profiles one profilesUpdateAccess or profilesDelete may select on this plan (invitationsRevoke: maxBulkInvitationSize).',
      resolve: (viewer) => PLANS[viewer.plan].maxBulkEditSize,
    }),
    permissions: t.field({
      type: [ActionAccessRef],
      description: 'Every action, allowed or not and why, so a UI can hide or explain what the caller cannot use.',
      resolve: (viewer) => permissionsOf(callerOf(viewer)),
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.withAuth({ authenticated: true }).field({
    type: ViewerRef,
    description: 'Who is calling (admin or API key), their organization, role and plan, and what they may do.',
    resolve: (_root, _args, context) => context.viewer,
  }),
}));

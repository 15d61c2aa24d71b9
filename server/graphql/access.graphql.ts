import { builder } from './builder.ts';
import { describedEnumValues } from './described-enum.ts';
import { FeatureNotInPlanError, ForbiddenError } from '../kernel/errors.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';
import type { callerOf } from './refusals.ts';
import { ACTIONS, type Action, type ActorKind, actorKindsOf, FEATURES, type Feature, PLANS, planWith, ROLES, refusalFor } from '../kernel/policy.ts';

// The access table (policy.ts) as GraphQL: its enums, the two refusals, and
// what the caller may do (`viewer.permissions`), all generated from the table.

export const PlanEnum = builder.enumType('Plan', {
  description: 'A subscription plan; it decides which features an organization has.',
  values: describedEnumValues(Object.fromEntries(Object.entries(PLANS).map(([plan, entry]) => [plan, entry.description])) as Record<Plan, string>),
});

export const RoleEnum = builder.enumType('Role', {
  description: 'What an admin or API key may do in its organization.',
  values: describedEnumValues<Role>(ROLES),
});

export const ActorKindEnum = builder.enumType('ActorKind', {
  description: 'How a caller authenticated.',
  values: {
    ADMIN: { description: 'An admin, with a session token from adminLogin.' },
    API_KEY: { description: 'An integration, with an API key.' },
  } as const,
});

export const FeatureEnum = builder.enumType('Feature', {
  description: 'A part of the product that some plans include.',
  values: describedEnumValues<Feature>(FEATURES),
});

export const ActionEnum = builder.enumType('Action', {
  description: "Something a caller may or may not do, depending on its role and its organization's plan.",
  values: describedEnumValues<Action>(
    Object.fromEntries(Object.entries(ACTIONS).map(([action, entry]) => [action, entry.description])) as Record<Action, string>,
  ),
});

/** The typed errors of every mutation guarded by the access table. */
export const accessRefusals = [FeatureNotInPlanError, ForbiddenError];

interface ActionAccess {
  action: Action;
  allowed: boolean;
  missingFeature: Feature | null;
  requiredPlan: Plan | null;
  requiredRoles: readonly Role[];
  allowedActorKinds: readonly ActorKind[];
}

export const ActionAccessRef = builder.objectRef<ActionAccess>('ActionAccess').implement({
  description: 'Whether the caller may do one action, and if not, what is missing (so a UI can hide or explain it).',
  fields: (t) => ({
    action: t.field({ type: ActionEnum, description: 'The action.', resolve: (access) => access.action }),
    allowed: t.exposeBoolean('allowed', { description: 'True when the caller may do it now.' }),
    refusal: t.field({
      type: builder.enumType('RefusalCode', {
        description: 'Which of plan or role is missing.',
        values: {
          FEATURE_NOT_IN_PLAN: { description: 'The plan lacks the feature.' },
          FORBIDDEN: { description: 'The role may not, or the action takes a signed-in admin and this is an API key.' },
        } as const,
      }),
      nullable: true,
      description: 'Why not; null when allowed. The plan is checked before the role.',
      resolve: (access) => (access.allowed ? null : access.missingFeature ? 'FEATURE_NOT_IN_PLAN' : 'FORBIDDEN'),
    }),
    missingFeature: t.field({
      type: FeatureEnum,
      nullable: true,
      description: 'The plan feature the caller lacks, if that is the reason.',
      resolve: (access) => access.missingFeature,
    }),
    requiredPlan: t.field({
      type: PlanEnum,
      nullable: true,
      description: 'The smallest plan with the missing feature.',
      resolve: (access) => access.requiredPlan,
    }),
    requiredRoles: t.field({
      type: [RoleEnum],
      description: 'The roles that may do the action.',
      resolve: (access) => [...access.requiredRoles],
    }),
    allowedActorKinds: t.field({
      type: [ActorKindEnum],
      description: 'The kinds of caller that may do the action (API keys never manage API keys or admins).',
      resolve: (access) => [...access.allowedActorKinds],
    }),
  }),
});

/** Every action of the table, as seen by this caller. */
export function permissionsOf(caller: ReturnType<typeof callerOf>): ActionAccess[] {
  return (Object.keys(ACTIONS) as Action[]).map((action) => {
    const refusal = refusalFor(caller, action);
    const missingFeature = refusal?.code === 'FEATURE_NOT_IN_PLAN' ? refusal.feature : null;
    return {
      action,
      allowed: refusal === null,
      missingFeature,
      requiredPlan: missingFeature ? planWith(missingFeature) : null,
      requiredRoles: ACTIONS[action].roles,
      allowedActorKinds: actorKindsOf(action),
    };
  });
}

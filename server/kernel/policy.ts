import type { Plan, Role } from '../generated/prisma/enums.ts';

// THE table of who may do what. Plans decide which features an organization
// has; roles decide what a person or API key may do with them. Every check
// (the `allowed` auth scope on fields, the viewer's permissions, the bulk
// invitation size limit, the test matrix) reads this file and nothing else.

export const FEATURES = {
  INVITATIONS: 'Inviting profiles to the app, one at a time.',
  BULK_INVITATIONS: 'Inviting many profiles at once, by ids or by search filter.',
  API_ACCESS: 'Calling the API with an API key (integrations, the SDK).',
  WEBHOOKS: "Outbound webhooks: signed events sent to the integrations' own URLs.",
  DIRECTORY_SYNC: 'Directory sync: people provisioned from Microsoft Entra ID or Okta through SCIM 2.0, parking access from their groups.',
} as const;

export type Feature = keyof typeof FEATURES;

export interface PlanEntry {
  description: string;
  features: readonly Feature[];
  /** The most profiles one bulk invitation (or bulk revocation of invitations) may select; 0 without the feature. */
  maxBulkInvitationSize: number;
  /**
   * The most profiles one bulk change of access and tags, or one bulk deletion, may select. Each is one
   * transaction that locks its profiles until it commits, so it stays below the largest bulk invitation
   * (which runs in chunks, in the background).
   */
  maxBulkEditSize: number;
}

/** Plans from smallest to largest: the first one with a feature is the one to suggest. */
export const PLANS = {
  STARTER: {
    description: 'Profiles and parking access, managed in the admin UI. No invitations, no API.',
    features: [],
    maxBulkInvitationSize: 0,
    maxBulkEditSize: 1_000,
  },
  BUSINESS: {
    description: 'Adds invitations (one by one and in bulk, up to 5,000 at once), API access and webhooks.',
    features: ['INVITATIONS', 'BULK_INVITATIONS', 'API_ACCESS', 'WEBHOOKS'],
    maxBulkInvitationSize: 5_000,
    maxBulkEditSize: 5_000,
  },
  ENTERPRISE: {
    description: 'Everything, with bulk invitations of up to 100,000 profiles at once and directory sync (SCIM).',
    features: ['INVITATIONS', 'BULK_INVITATIONS', 'API_ACCESS', 'WEBHOOKS', 'DIRECTORY_SYNC'],
    maxBulkInvitationSize: 100_000,
    maxBulkEditSize: 25_000,
  },
} as const satisfies Record<Plan, PlanEntry>;

export const PLAN_ORDER = Object.keys(PLANS) as Plan[];

export const ROLES = {
  OWNER: 'Everything, including managing admins and the organization settings.',
  ADMIN: 'Manages profiles, invitations (also in bulk), API keys and the organization settings.',
  MANAGER: 'Manages profiles and invites them one by one.',
  VIEWER: 'Reads profiles.',
} as const satisfies Record<Role, string>;

export type ActorKind = 'ADMIN' | 'API_KEY';

export const ACTOR_KINDS: readonly ActorKind[] = ['ADMIN', 'API_KEY'];

export interface ActionEntry {
  description: string;
  roles: readonly Role[];
  /** The plan feature the action needs, if any. */
  feature?: Feature;
  /**
   * The kinds of caller that may do it (default: both). Managing keys and
   * admins takes a signed-in admin, as Stripe's restricted keys cannot create
   * keys: a leaked key must not be able to mint more keys or people.
   */
  actorKinds?: readonly ActorKind[];
}

export const ACTIONS = {
  READ_PROFILES: {
    description: 'Search and read profiles.',
    roles: ['OWNER', 'ADMIN', 'MANAGER', 'VIEWER'],
  },
  EDIT_PROFILES: {
    description: 'Create, update, delete and bulk-upsert profiles.',
    roles: ['OWNER', 'ADMIN', 'MANAGER'],
  },
  EDIT_PROFILES_BULK: {
    description: 'Change the parking access, tags and payment methods of many profiles at once, or delete them, by ids or by search filter.',
    roles: ['OWNER', 'ADMIN'],
  },
  INVITE: {
    description: 'Invite, re-invite or revoke the invitation of one profile.',
    roles: ['OWNER', 'ADMIN', 'MANAGER'],
    feature: 'INVITATIONS',
  },
  INVITE_BULK: {
    description: 'Invite many profiles at once, or revoke their open invitations, by ids or by search filter.',
    roles: ['OWNER', 'ADMIN'],
    feature: 'BULK_INVITATIONS',
  },
  MANAGE_API_KEYS: {
    description: 'List, create and revoke API keys (signed-in admins only, never an API key).',
    roles: ['OWNER', 'ADMIN'],
    feature: 'API_ACCESS',
    actorKinds: ['ADMIN'],
  },
  MANAGE_ADMINS: {
    description: 'List, add and remove the admins of the organization (signed-in admins only, never an API key).',
    roles: ['OWNER'],
    actorKinds: ['ADMIN'],
  },
  MANAGE_PARKING_LOTS_AND_TAGS: {
    description: 'Create, rename and delete parking lots and tags.',
    roles: ['OWNER', 'ADMIN'],
  },
  VIEW_AUDIT_TRAIL: {
    description: 'Read the audit trail: who created, changed, deleted, invited, and managed keys, admins and settings.',
    roles: ['OWNER', 'ADMIN'],
  },
  MANAGE_ORGANIZATION: {
    description: 'Change the organization settings (name, invitation validity, app links).',
    roles: ['OWNER', 'ADMIN'],
  },
  // API keys may: an integration registers the URL it listens on. Managers and viewers may not: an
  // endpoint receives the organization's events, and its secret is shown when created or rotated.
  MANAGE_WEBHOOKS: {
    description: 'List, add, change, delete webhook endpoints, rotate their secrets, and read their deliveries and attempts.',
    roles: ['OWNER', 'ADMIN'],
    feature: 'WEBHOOKS',
  },
  // Like API keys, a connection's token is a credential to the organization's people: owners only, signed in.
  MANAGE_DIRECTORY_CONNECTIONS: {
    description: 'Create, rename and delete directory (SCIM) connections and rotate their tokens (owners signed in, never an API key).',
    roles: ['OWNER'],
    feature: 'DIRECTORY_SYNC',
    actorKinds: ['ADMIN'],
  },
  MANAGE_DIRECTORY_SYNC: {
    description: "Read directory connections and their request log, map directory groups to parking access, set a connection's invite policy.",
    roles: ['OWNER', 'ADMIN'],
    feature: 'DIRECTORY_SYNC',
  },
} as const satisfies Record<string, ActionEntry>;

export type Action = keyof typeof ACTIONS;

/** What decides a caller's rights. */
export interface Caller {
  plan: Plan;
  role: Role;
  actorKind: ActorKind;
}

export type Refusal =
  | { code: 'FEATURE_NOT_IN_PLAN'; feature: Feature; plan: Plan; requiredPlan: Plan }
  | {
      code: 'FORBIDDEN';
      action: Action;
      role: Role;
      requiredRoles: readonly Role[];
      actorKind: ActorKind;
      allowedActorKinds: readonly ActorKind[];
    };

export function planIncludes(plan: Plan, feature: Feature): boolean {
  return (PLANS[plan].features as readonly Feature[]).includes(feature);
}

/** The smallest plan with the feature. */
export function planWith(feature: Feature): Plan {
  return PLAN_ORDER.find((plan) => planIncludes(plan, feature))!;
}

/**
 * Why the caller may not do the action, or null when it may. `null` as the
 * action means "use the API at all". The plan is checked before the role: an
 * upgrade is what a caller needs when both are missing, since no role helps
 * without the feature. An API key needs the plan's API access for anything.
 * Then the kind of caller (an API key where the action takes a signed-in
 * admin), then the role: both are FORBIDDEN, and the refusal names both.
 */
export function refusalFor(caller: Caller, action: Action | null): Refusal | null {
  const featureRefusal = (feature: Feature): Refusal | null =>
    planIncludes(caller.plan, feature) ? null : { code: 'FEATURE_NOT_IN_PLAN', feature, plan: caller.plan, requiredPlan: planWith(feature) };

  if (caller.actorKind === 'API_KEY') {
    const refusal = featureRefusal('API_ACCESS');
    if (refusal) return refusal;
  }
  if (action === null) return null;
  const entry: ActionEntry = ACTIONS[action];
  if (entry.feature) {
    const refusal = featureRefusal(entry.feature);
    if (refusal) return refusal;
  }
  const allowedActorKinds = actorKindsOf(action);
  if (!allowedActorKinds.includes(caller.actorKind) || !entry.roles.includes(caller.role)) {
    return { code: 'FORBIDDEN', action, role: caller.role, requiredRoles: entry.roles, actorKind: caller.actorKind, allowedActorKinds };
  }
  return null;
}

/** The kinds of caller that may do the action. */
export function actorKindsOf(action: Action): readonly ActorKind[] {
  const entry: ActionEntry = ACTIONS[action];
  return entry.actorKinds ?? ACTOR_KINDS;
}

/** Whether a caller may grant a role (to an API key or an admin): never more than its own. */
export function mayGrantRole(granter: Role, granted: Role): boolean {
  const rank = Object.keys(ROLES) as Role[];
  return rank.indexOf(granter) <= rank.indexOf(granted);
}

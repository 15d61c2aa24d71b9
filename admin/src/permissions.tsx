import type { AdminShellQuery, Permissions_ViewerFragment } from './generated/graphql.ts';
import type { Action } from '@parkpass/sdk';
import { createContext, useContext } from 'react';
import { type Translate, useT } from './i18n/i18n.tsx';

// What the signed-in admin may do, read from viewer.permissions (the server's
// one access table). The UI never decides by role or plan itself: it only
// turns the server's answer into words.

export type Viewer = AdminShellQuery['viewer'];

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside the signed-in shell');
  return viewer;
}

export interface Permission {
  allowed: boolean;
  /** Refused because of the plan: show the action disabled, with the reason (an upgrade helps). */
  notInPlan: boolean;
  /** Refused because of the role: hide the action (an owner can do it). */
  forbidden: boolean;
  /** Why not, in plain words; null when allowed. */
  reason: string | null;
}

export function permission(viewer: Permissions_ViewerFragment, action: Action, t: Translate): Permission {
  const access = viewer.permissions.find((p) => p.action === action);
  if (!access || access.allowed)
    return { allowed: Boolean(access), notInPlan: false, forbidden: !access, reason: access ? null : t('permission.notAvailable') };
  if (access.refusal === 'FEATURE_NOT_IN_PLAN') {
    const notInPlan = t('permission.notInPlan', { plan: t(`plan.${viewer.plan}`) });
    const needed = access.requiredPlan ? ` ${t('permission.comesWith', { plan: t(`plan.${access.requiredPlan}`) })}` : '';
    return { allowed: false, notInPlan: true, forbidden: false, reason: `${notInPlan}${needed}` };
  }
  const role = t(`role.${viewer.role}`);
  const roles = access.requiredRoles.map((r) => t(`role.${r}`)).join(t('permission.or'));
  return {
    allowed: false,
    notInPlan: false,
    forbidden: true,
    reason: roles ? t('permission.askOwnerNeeds', { role, roles }) : t('permission.askOwner', { role }),
  };
}

export function usePermission(action: Action): Permission {
  return permission(useViewer(), action, useT());
}

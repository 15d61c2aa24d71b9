import type { Action, AdminShellQuery, Permissions_ViewerFragment } from '@parkpass/sdk';
import { createContext, useContext } from 'react';
import { PLAN_LABELS, ROLE_LABELS } from './labels.ts';

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

export function permission(viewer: Permissions_ViewerFragment, action: Action): Permission {
  const access = viewer.permissions.find((p) => p.action === action);
  if (!access || access.allowed) return { allowed: Boolean(access), notInPlan: false, forbidden: !access, reason: access ? null : 'Not available.' };
  if (access.refusal === 'FEATURE_NOT_IN_PLAN') {
    const needed = access.requiredPlan ? ` It comes with the ${PLAN_LABELS[access.requiredPlan]} plan.` : '';
    return { allowed: false, notInPlan: true, forbidden: false, reason: `Not in your plan (${PLAN_LABELS[viewer.plan]}).${needed}` };
  }
  const roles = access.requiredRoles.map((r) => ROLE_LABELS[r]).join(' or ');
  return {
    allowed: false,
    notInPlan: false,
    forbidden: true,
    reason: `Ask an owner: your role (${ROLE_LABELS[viewer.role]}) cannot do this${roles ? `; it needs ${roles}` : ''}.`,
  };
}

export function usePermission(action: Action): Permission {
  return permission(useViewer(), action);
}

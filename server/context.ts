import type { ActorKind } from './access/policy.ts';
import type { PrismaClient } from './database/prisma.ts';
import type { BulkInvitationProgressHub } from './invitations/bulk-invitation-progress.ts';
import type { Plan, Role } from './generated/prisma/enums.ts';

/** Who is calling: an admin (session token) or an API key, always bound to exactly one organization. */
export interface Viewer {
  organizationId: string;
  plan: Plan;
  role: Role;
  actor: { kind: ActorKind; id: string };
  /** The admin session behind the call, so `adminLogout` can end it. */
  sessionId?: string;
}

/** Time as the domain sees it; tests swap in a controllable one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Settings the domain needs to build links and tokens. */
export interface AppSettings {
  /** Base URL people reach the server at (links in emails). */
  publicUrl: string;
  invitationTokenSecret: string;
}

export interface Context {
  prisma: PrismaClient;
  clock: Clock;
  settings: AppSettings;
  viewer: Viewer | null;
  /** The caller's network address, for rate limits. */
  clientAddress: string;
  /** Aborted when the client goes away (ends subscriptions). */
  signal: AbortSignal;
  /** This process's fan-out of bulk invitation progress (one LISTEN connection). */
  progress: BulkInvitationProgressHub;
  /** Webhook endpoints may be on private addresses (local use only; see server/webhooks/webhook-address-guard.ts). */
  webhookPrivateAddresses: boolean;
}

/** The context of a field guarded by an auth scope. */
export interface AuthenticatedContext extends Context {
  viewer: Viewer;
}

/** What a service acting for the caller needs: the database, who is calling, and the time of the request. */
export interface ViewerScope {
  prisma: PrismaClient;
  viewer: Viewer;
  now: Date;
}

export function viewerScope(context: AuthenticatedContext): ViewerScope {
  return { prisma: context.prisma, viewer: context.viewer, now: context.clock.now() };
}

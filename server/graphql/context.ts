import type { BulkInvitationProgressHub } from './bulk-invitation-progress.ts';
import type { AppSettings, Clock, RequestScope, ServiceScope, Viewer } from '../kernel/scope.ts';

// The GraphQL context: what yoga builds once per request (server/app/yoga.ts). The
// services never see it; resolvers hand them `scope` (server/kernel/scope.ts).

export interface Context extends ServiceScope {
  clock: Clock;
  settings: AppSettings;
  viewer: Viewer | null;
  /** The scope of the caller's services, built once per request; null for an anonymous caller. */
  scope: RequestScope | null;
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
  scope: RequestScope;
}

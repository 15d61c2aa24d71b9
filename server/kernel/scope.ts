import type { ActorKind } from './policy.ts';
import { confinedClient, type ConfinedClient } from './confined-client.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';
import type { Organization } from '../generated/prisma/client.ts';

// THE scope every service takes. A service never reads a GraphQL context, a
// clock or a settings object of its own: it is handed one of these, built once
// per process (ServiceScope: jobs, the accept flow, sign-in) or once per
// request from the authenticated caller (RequestScope).
//
// The job queue has no handle of its own here: graphile-worker's jobs are
// added with SQL inside the service's own transaction (server/outbox/job-queue.ts),
// so `prisma` (or the transaction opened on it) is the job queue.

/** Who is calling: an admin (session token) or an API key, always bound to exactly one organization. */
export interface Viewer {
  organizationId: string;
  plan: Plan;
  role: Role;
  actor: { kind: ActorKind; id: string };
  /** The admin session behind the call, so `adminLogout` can end it. */
  sessionId?: string;
  /**
   * The organization's row as the credential's lookup read it (as fresh as the credential: a change to the organization
   * clears every server's credential cache), so reading it costs no statement; absent for a caller built otherwise.
   */
  organization?: Organization;
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

/** What the process gives every service: the whole database, the time, the settings. One per process; jobs and public flows take it. */
export interface ServiceScope {
  prisma: PrismaClient;
  clock: Clock;
  settings: AppSettings;
}

/** Who acts: an admin or API key of the organization, the invited person, or Parkpass itself (jobs, seeds, operator commands). */
export type Actor = Viewer['actor'] | { kind: 'INVITED_PERSON' } | { kind: 'PARKPASS' };

/** A service writing in one organization: who acts and at what instant (the audit trail records both). */
export interface OrganizationScope {
  prisma: PrismaClient;
  organizationId: string;
  actor: Actor;
  now: Date;
  /**
   * The client's name for the call this request is an attempt of
   * (server/kernel/idempotency-call.ts): the same on each retry, so an
   * idempotent write can tell its own retry from a replay. Null when the
   * client names none, and for work no client asked for (jobs, directory sync).
   */
  callId?: string | null;
}

/**
 * A service acting for an authenticated caller: the process's scope plus who
 * calls, in which organization, and the instant of the request (one `now` for
 * everything the request does). Built once per request (server/app/yoga.ts).
 */
export interface RequestScope extends ServiceScope, OrganizationScope {
  viewer: Viewer;
  actor: Viewer['actor'];
  /**
   * The database seen from the caller's organization: every read, update and
   * delete of a model that belongs to an organization is confined to this one
   * (server/kernel/confined-client.ts). Plain reads of the organization's
   * rows go through it, so no resolver or service writes the tenant filter.
   */
  db: ConfinedClient;
}

/** The scope of one request by `viewer`; `now` is read once, here. */
export function requestScope(service: ServiceScope, viewer: Viewer, callId: string | null = null): RequestScope {
  let db: ConfinedClient | undefined;
  return {
    ...service,
    viewer,
    organizationId: viewer.organizationId,
    actor: viewer.actor,
    now: service.clock.now(),
    callId,
    // Built on first use: many requests never read through it.
    get db() {
      db ??= confinedClient(service.prisma, viewer.organizationId);
      return db;
    },
  };
}

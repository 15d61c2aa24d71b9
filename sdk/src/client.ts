import { type Answered, answered, type CallOptions, collect, createCaller } from './call.ts';
import { ViewerDocument, type ViewerQuery } from './generated/graphql.ts';
import { type BulkInvitationsResource, bulkInvitationsResource } from './resources/bulk-invitations.ts';
import { type InvitationsResource, invitationsResource } from './resources/invitations.ts';
import { type AdminResource, type ApiKeysResource, type AuditResource, adminResource, apiKeysResource, auditResource } from './resources/keys.ts';
import { type ParkingLot, type ParkingLotsResource, parkingLotsResource, type Tag, type TagsResource, tagsResource } from './resources/lots-and-tags.ts';
import { type ProfilesResource, profilesResource } from './resources/profiles.ts';
import { type WebhooksResource, webhooksResource } from './resources/webhooks.ts';
import type { FetchLike } from './platform.ts';
import { createTransport, type Hooks, SDK_VERSION } from './transport.ts';
import type { TypedDocumentNode } from './typed-document-node.ts';

// The client: its options, and each resource (sdk/src/resources/) put
// together. Every method is written once, in its resource; the client's type
// is derived from them.

/** Who calls: an API key, an admin session token, or nobody (only the public invitation operations). Required, so none is forgotten. */
export type Credentials =
  | { /** An API key (`ppk_…`), for integrations. */ apiKey: string; token?: never; anonymous?: never }
  | { /** An admin session token (`pps_…`) from `admin.login`. */ token: string; apiKey?: never; anonymous?: never }
  | { /** No credentials: only `invitations.byToken`, `invitations.accept` and `admin.login` work. */ anonymous: true; apiKey?: never; token?: never };

export type ClientOptions = Credentials &
  Hooks & {
    /** The GraphQL endpoint, e.g. https://api.parkpass.example/graphql. */
    url: string;
    /** A fetch implementation (default: the global fetch). */
    fetch?: FetchLike | undefined;
    /** Longest wait for one attempt, in ms (default 30,000). */
    timeoutMs?: number | undefined;
    /** Longest wait for a whole call, retries and back-off included, in ms (default 120,000). */
    deadlineMs?: number | undefined;
    /** Retries of an idempotent call after a network error, a timeout, a 5xx or a masked server error (default 3). */
    retries?: number | undefined;
    /** Base of the exponential back-off in ms (default 300): the n-th retry waits a random time up to base × 2^n. */
    retryDelayMs?: number | undefined;
    /** Cap of one back-off in ms (default 10,000). */
    maxRetryDelayMs?: number | undefined;
    /** Your application's name and version, added to the user agent (e.g. "acme-hr-sync/2.1"). */
    appInfo?: string | undefined;
  };

export type Viewer = ViewerQuery['viewer'];

/**
 * Creates the Parkpass client. Every method returns what it asked for or
 * throws a ParkpassError (README, "Errors"): typed errors of mutations, coded
 * errors of queries and transport failures alike. A bulk upsert's rows are
 * results, not refusals: each says CREATED, UPDATED, UNCHANGED or FAILED with
 * its error. Every result object tells its `lastResponse` (request id, attempts).
 */
export function createClient(options: ClientOptions) {
  const transport = createTransport({
    url: options.url,
    credential: options.apiKey ?? options.token ?? null,
    fetch: options.fetch ?? (globalThis.fetch.bind(globalThis) as FetchLike),
    timeoutMs: options.timeoutMs ?? 30_000,
    deadlineMs: options.deadlineMs ?? 120_000,
    retries: options.retries ?? 3,
    retryDelayMs: options.retryDelayMs ?? 300,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
    userAgent: `parkpass-sdk/${SDK_VERSION}${options.appInfo ? ` ${options.appInfo}` : ''}`,
    random: Math.random,
    onRequest: options.onRequest,
    onRetry: options.onRetry,
  });
  const caller = createCaller(transport);
  const parkingLots: ParkingLotsResource = parkingLotsResource(caller);
  const tags: TagsResource = tagsResource(caller);
  const profiles: ProfilesResource = profilesResource(caller);
  const invitations: InvitationsResource & BulkInvitationsResource = { ...invitationsResource(caller), ...bulkInvitationsResource(caller) };
  const audit: AuditResource = auditResource(caller);
  const apiKeys: ApiKeysResource = apiKeysResource(caller);
  const admin: AdminResource = adminResource(caller);
  const webhooks: WebhooksResource = webhooksResource(caller);
  return {
    /** Who is calling, with the organization, role, plan and what the caller may do. */
    viewer: async (call?: CallOptions): Promise<Answered<Viewer>> => {
      const answer = await caller.query('viewer', ViewerDocument, {}, call);
      return answered(answer.data.viewer, answer);
    },
    /** Every parking lot and tag of the organization (their ids go into profiles and filters). */
    lotsAndTags: async (call?: CallOptions): Promise<{ parkingLots: ParkingLot[]; tags: Tag[] }> => {
      const [lots, allTags] = await Promise.all([collect(parkingLots.all({}, call)), collect(tags.all({}, call))]);
      return { parkingLots: lots, tags: allTags };
    },
    profiles,
    invitations,
    parkingLots,
    tags,
    audit,
    apiKeys,
    admin,
    webhooks,
    /**
     * Runs an operation of your own with the same errors, retries and deadline (`idempotent: true` only for reads and
     * safe writes). The document's types decide the variables' and the result's: the variables do not widen them.
     */
    request: async <Data, Variables>(
      operation: string,
      document: TypedDocumentNode<Data, Variables>,
      variables: NoInfer<Variables>,
      call: CallOptions & { idempotent?: boolean | undefined } = {},
    ): Promise<Answered<Data>> => {
      const answer = await transport.send(operation, document, variables, { idempotent: call.idempotent ?? false, signal: call.signal });
      return answered(answer.data, answer);
    },
  };
}

/** The Parkpass client, as `createClient` makes it. */
export interface ParkpassClient extends ReturnType<typeof createClient> {}

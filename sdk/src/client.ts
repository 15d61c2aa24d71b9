import { Client, type AnyVariables, type CombinedError, fetchExchange, type TypedDocumentNode } from '@urql/core';
import { ParkpassError, type ParkpassErrorCode } from './errors.ts';
import {
  AdminLoginDocument,
  AdminLogoutDocument,
  ApiKeyCreateDocument,
  ApiKeyRevokeDocument,
  ApiKeysDocument,
  type BulkInvitationFieldsFragment,
  BulkInvitationDocument,
  InvitationAcceptDocument,
  InvitationByTokenDocument,
  InvitationPreviewDocument,
  InvitationRevokeDocument,
  type ProfileCreateInput,
  ProfileCreateDocument,
  ProfileDeleteDocument,
  ProfileDocument,
  type ProfileFieldsFragment,
  type ProfileFilter,
  ProfileInviteDocument,
  type ProfileOrder,
  ProfilesDocument,
  ProfilesInviteDocument,
  ProfilesUpsertDocument,
  type ProfileUpdateInput,
  ProfileUpdateDocument,
  type ProfileUpsertInput,
  type Role,
  ViewerDocument,
  type AuditEventFilter,
  AuditEventsDocument,
  BulkInvitationsDocument,
  type BulkInvitationState,
  BulkInvitationSkippedProfilesDocument,
  ParkingLotCreateDocument,
  ParkingLotDeleteDocument,
  ParkingLotsDocument,
  ParkingLotUpdateDocument,
  ProfileCountsDocument,
  ProfileInvitationsDocument,
  type SkipReason,
  TagCreateDocument,
  TagDeleteDocument,
  TagsDocument,
  TagUpdateDocument,
  type WebhookDeliveryState,
  WebhookDeliveriesDocument,
  WebhookDeliveryRetryDocument,
  type WebhookEndpointCreateInput,
  WebhookEndpointCreateDocument,
  WebhookEndpointDeleteDocument,
  WebhookEndpointRotateSecretDocument,
  WebhookEndpointsDocument,
  type WebhookEndpointUpdateInput,
  WebhookEndpointUpdateDocument,
} from './generated/graphql.ts';

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. https://api.parkpass.example/graphql. */
  url: string;
  /** An API key (`ppk_…`), for integrations. */
  apiKey?: string;
  /** Or an admin session token (`pps_…`) from `admin.login`. */
  token?: string;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** How many times an idempotent operation is retried on network errors and 5xx (default 3), with exponential back-off. */
  retries?: number;
  /** First back-off delay in milliseconds (default 300; doubles each retry). */
  retryDelayMs?: number;
}

/** A selection of profiles: these ids, or every profile a search filter matches. */
export type Selection = { profileIds: string[]; filter?: never } | { filter: ProfileFilter; profileIds?: never };

export type BulkInvitation = BulkInvitationFieldsFragment;
export type Profile = ProfileFieldsFragment;

const FINISHED = new Set(['COMPLETED', 'FAILED']);

/** What every connection of the API answers: a page of edges and where it ends. */
interface Page<Node> {
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: readonly { node: Node }[];
}

/** Every node of a connection, page after page (`for await … of`), until the last page. */
export async function* paginate<Node>(fetchPage: (after: string | undefined) => Promise<Page<Node>>): AsyncGenerator<Node> {
  let after: string | undefined;
  for (;;) {
    const page = await fetchPage(after);
    for (const edge of page.edges) yield edge.node;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}

/** Collects an async iterator into an array. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * The Parkpass client. Every method is typed from the schema. Queries return
 * their data; mutations return the typed result union (switch on
 * `__typename`); transport and authorization failures throw ParkpassError.
 * Reads and idempotent writes (bulk upsert by externalId, bulk invitations,
 * which always carry an idempotency key) are retried on network errors and
 * 5xx; other writes are not, so they never happen twice.
 */
export function createClient(options: ClientOptions) {
  const credential = options.apiKey ?? options.token;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 300;
  const baseFetch = options.fetch ?? globalThis.fetch;

  const urql = new Client({
    url: options.url,
    exchanges: [fetchExchange],
    preferGetMethod: false,
    requestPolicy: 'network-only',
    fetch: (input, init) =>
      baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs) }),
    fetchOptions: (): RequestInit => (credential ? { headers: { authorization: `Bearer ${credential}` } } : {}),
  });

  async function run<Data, Variables extends AnyVariables>(
    operation: string,
    kind: 'query' | 'mutation',
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    idempotent: boolean,
  ): Promise<Data> {
    for (let attempt = 0; ; attempt++) {
      const result = await (kind === 'query' ? urql.query(document, variables) : urql.mutation(document, variables)).toPromise();
      if (!result.error && result.data) return result.data;
      const error = toParkpassError(operation, result.error);
      if (!(idempotent && error.transient && attempt < retries)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** attempt));
    }
  }

  const query = <Data, Variables extends AnyVariables>(operation: string, document: TypedDocumentNode<Data, Variables>, variables: Variables) =>
    run(operation, 'query', document, variables, true);
  const mutate = <Data, Variables extends AnyVariables>(
    operation: string,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    idempotent = false,
  ) => run(operation, 'mutation', document, variables, idempotent);

  const profiles = {
    /** One page of profiles matching the filter (first/after pagination), with the total. */
    search: async (args: { filter?: ProfileFilter; orderBy?: ProfileOrder; first?: number; after?: string } = {}) =>
      (await query('profiles.search', ProfilesDocument, args)).profiles,
    /** Every profile matching the filter, page after page (`for await … of`). */
    all: (args: { filter?: ProfileFilter; orderBy?: ProfileOrder; pageSize?: number } = {}): AsyncGenerator<Profile> =>
      paginate((after) => profiles.search({ filter: args.filter, orderBy: args.orderBy, first: args.pageSize ?? 200, after })),
    /** The numbers of the Status column for a filter: per status, pending with an expired invitation, email undeliverable. */
    counts: async (filter?: ProfileFilter) => (await query('profiles.counts', ProfileCountsDocument, { filter })).profileCounts,
    /** One page of a profile's invitation history, newest first; null when the organization has no such profile. */
    invitations: async (profileId: string, args: { first?: number; after?: string } = {}) =>
      (await query('profiles.invitations', ProfileInvitationsDocument, { profileId, ...args })).profile?.invitations ?? null,
    /** A profile's whole invitation history, newest first (an unknown profile yields nothing). */
    allInvitations: (profileId: string, args: { pageSize?: number } = {}) =>
      paginate(
        async (after) => (await profiles.invitations(profileId, { first: args.pageSize ?? 100, after })) ?? { pageInfo: { hasNextPage: false }, edges: [] },
      ),
    /** One profile by global id; null when the organization has none. */
    get: async (id: string) => (await query('profiles.get', ProfileDocument, { id })).profile,
    /**
     * Creates a profile. An idempotency key is generated when none is given,
     * so the call is retried safely on network errors: a retry returns the same profile.
     */
    create: async (input: ProfileCreateInput, options: { idempotencyKey?: string } = {}) =>
      (
        await mutate(
          'profiles.create',
          ProfileCreateDocument,
          { input: { ...input, idempotencyKey: options.idempotencyKey ?? input.idempotencyKey ?? crypto.randomUUID() } },
          true,
        )
      ).profileCreate,
    update: async (id: string, input: ProfileUpdateInput) => (await mutate('profiles.update', ProfileUpdateDocument, { id, input })).profileUpdate,
    delete: async (id: string) => (await mutate('profiles.delete', ProfileDeleteDocument, { id })).profileDelete,
    /** Creates or updates up to 5,000 profiles by externalId; idempotent, so retried on network errors. */
    upsert: async (rows: ProfileUpsertInput[]) => (await mutate('profiles.upsert', ProfilesUpsertDocument, { input: { profiles: rows } }, true)).profilesUpsert,
  };

  const invitations = {
    /** What inviting the selection would do, without doing it. */
    preview: async (selection: Selection) =>
      (await query('invitations.preview', InvitationPreviewDocument, { profileIds: selection.profileIds, filter: selection.filter })).profilesInvitePreview,
    /** Invites one profile (or, with sendEmail: false, returns the link once instead of emailing it). */
    inviteOne: async (profileId: string, options: { sendEmail?: boolean } = {}) =>
      (await mutate('invitations.inviteOne', ProfileInviteDocument, { input: { profileId, sendEmail: options.sendEmail ?? true } })).profileInvite,
    /**
     * Invites a selection. An idempotency key is generated when none is given,
     * so the call is retried safely: a retry returns the same bulk invitation.
     */
    inviteMany: async (selection: Selection, options: { idempotencyKey?: string } = {}) =>
      (
        await mutate(
          'invitations.inviteMany',
          ProfilesInviteDocument,
          { input: { profileIds: selection.profileIds, filter: selection.filter, idempotencyKey: options.idempotencyKey ?? crypto.randomUUID() } },
          true,
        )
      ).profilesInvite,
    /** A bulk invitation's progress now; null when the organization has none with this id. */
    bulk: async (id: string) => (await query('invitations.bulk', BulkInvitationDocument, { id })).bulkInvitation,
    /** Yields a bulk invitation's progress each time it changes, until it is COMPLETED or FAILED (polls every `intervalMs`). */
    async *follow(id: string, options: { intervalMs?: number } = {}): AsyncGenerator<BulkInvitation> {
      let last = '';
      for (;;) {
        const bulk = await invitations.bulk(id);
        if (!bulk) throw new ParkpassError('NOT_FOUND', 'invitations.follow', `No bulk invitation ${id} in this organization.`);
        const fingerprint = `${bulk.state}:${bulk.done}:${bulk.total}:${bulk.failedCount}`;
        if (fingerprint !== last) {
          last = fingerprint;
          yield bulk;
        }
        if (FINISHED.has(bulk.state)) return;
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
      }
    },
    /** One page of the organization's bulk invitations, newest first, optionally in some states only. */
    bulkList: async (args: { states?: BulkInvitationState[]; first?: number; after?: string } = {}) =>
      (await query('invitations.bulkList', BulkInvitationsDocument, args)).bulkInvitations,
    /** Every bulk invitation of the organization, newest first (where a lost id is found again). */
    allBulk: (args: { states?: BulkInvitationState[]; pageSize?: number } = {}) =>
      paginate((after) => invitations.bulkList({ states: args.states, first: args.pageSize ?? 100, after })),
    /** One page of the profiles a bulk invitation skipped, with the reason; null when the organization has no such bulk invitation. */
    skipped: async (bulkInvitationId: string, args: { reason?: SkipReason; first?: number; after?: string } = {}) =>
      (await query('invitations.skipped', BulkInvitationSkippedProfilesDocument, { id: bulkInvitationId, ...args })).bulkInvitation?.skippedProfiles ?? null,
    /** Every profile a bulk invitation skipped (optionally for one reason). */
    allSkipped: (bulkInvitationId: string, args: { reason?: SkipReason; pageSize?: number } = {}) =>
      paginate(
        async (after) =>
          (await invitations.skipped(bulkInvitationId, { reason: args.reason, first: args.pageSize ?? 500, after })) ?? {
            pageInfo: { hasNextPage: false },
            edges: [],
          },
      ),
    /** Waits until a bulk invitation ends, calling `onProgress` at each change; returns its final state. */
    waitFor: async (id: string, onProgress?: (bulk: BulkInvitation) => void, options: { intervalMs?: number } = {}) => {
      let latest: BulkInvitation | undefined;
      for await (const bulk of invitations.follow(id, options)) {
        latest = bulk;
        onProgress?.(bulk);
      }
      return latest!;
    },
    revoke: async (invitationId: string) => (await mutate('invitations.revoke', InvitationRevokeDocument, { input: { invitationId } })).invitationRevoke,
    /** Public: what an invitation link points to (no credentials needed); null for an unknown token. */
    byToken: async (token: string) => (await query('invitations.byToken', InvitationByTokenDocument, { token })).invitationByToken,
    /** Public: accepts an invitation with its token and the person's new password. */
    accept: async (token: string, password: string) =>
      (await mutate('invitations.accept', InvitationAcceptDocument, { input: { token, password } })).invitationAccept,
  };

  const apiKeys = {
    list: async (args: { first?: number; after?: string } = {}) => (await query('apiKeys.list', ApiKeysDocument, args)).apiKeys,
    /** Every API key of the organization, page after page. */
    all: (args: { pageSize?: number } = {}) => paginate((after) => apiKeys.list({ first: args.pageSize ?? 100, after })),
    /** Creates a key; its `secret` is in this result only. */
    create: async (input: { name: string; role: Role }) => (await mutate('apiKeys.create', ApiKeyCreateDocument, { input })).apiKeyCreate,
    revoke: async (id: string) => (await mutate('apiKeys.revoke', ApiKeyRevokeDocument, { id })).apiKeyRevoke,
  };

  const admin = {
    /** Signs an admin in; use the returned token with createClient({ token }). */
    login: async (email: string, password: string) => (await mutate('admin.login', AdminLoginDocument, { input: { email, password } })).adminLogin,
    logout: async () => (await mutate('admin.logout', AdminLogoutDocument, {})).adminLogout,
  };

  const parkingLots = {
    /** One page of parking lots, by name, each with its profile count. */
    list: async (args: { first?: number; after?: string } = {}) => (await query('parkingLots.list', ParkingLotsDocument, args)).parkingLots,
    /** Every parking lot, page after page. */
    all: (args: { pageSize?: number } = {}) => paginate((after) => parkingLots.list({ first: args.pageSize ?? 500, after })),
    /** Creates a parking lot; retried safely with an idempotency key (generated when none is given). */
    create: async (name: string, options: { idempotencyKey?: string } = {}) =>
      (await mutate('parkingLots.create', ParkingLotCreateDocument, { input: { name, idempotencyKey: options.idempotencyKey ?? crypto.randomUUID() } }, true))
        .parkingLotCreate,
    rename: async (id: string, name: string) => (await mutate('parkingLots.rename', ParkingLotUpdateDocument, { id, input: { name } })).parkingLotUpdate,
    /** Deletes a parking lot: the profiles that had access to it lose that access. */
    delete: async (id: string) => (await mutate('parkingLots.delete', ParkingLotDeleteDocument, { id })).parkingLotDelete,
  };

  const tags = {
    /** One page of tags, by name, each with its profile count. */
    list: async (args: { first?: number; after?: string } = {}) => (await query('tags.list', TagsDocument, args)).tags,
    /** Every tag, page after page. */
    all: (args: { pageSize?: number } = {}) => paginate((after) => tags.list({ first: args.pageSize ?? 500, after })),
    /** Creates a tag; retried safely with an idempotency key (generated when none is given). */
    create: async (name: string, options: { idempotencyKey?: string } = {}) =>
      (await mutate('tags.create', TagCreateDocument, { input: { name, idempotencyKey: options.idempotencyKey ?? crypto.randomUUID() } }, true)).tagCreate,
    rename: async (id: string, name: string) => (await mutate('tags.rename', TagUpdateDocument, { id, input: { name } })).tagUpdate,
    /** Deletes a tag: it is taken off the profiles that had it. */
    delete: async (id: string) => (await mutate('tags.delete', TagDeleteDocument, { id })).tagDelete,
  };

  const audit = {
    /** One page of the audit trail, newest first (owners and admins). */
    events: async (args: { filter?: AuditEventFilter; first?: number; after?: string } = {}) =>
      (await query('audit.events', AuditEventsDocument, args)).auditEvents,
    /** The whole audit trail matching the filter, newest first, page after page. */
    all: (args: { filter?: AuditEventFilter; pageSize?: number } = {}) =>
      paginate((after) => audit.events({ filter: args.filter, first: args.pageSize ?? 200, after })),
  };

  const webhooks = {
    /** One page of the organization's webhook endpoints, newest first (`disabled: true`: those turned off, e.g. for failing). */
    list: async (args: { first?: number; after?: string; disabled?: boolean } = {}) =>
      (await query('webhooks.list', WebhookEndpointsDocument, args)).webhookEndpoints,
    /** Adds an endpoint; its `secret` (for verifyWebhook) is in this result only. */
    create: async (input: WebhookEndpointCreateInput) => (await mutate('webhooks.create', WebhookEndpointCreateDocument, { input })).webhookEndpointCreate,
    /** Changes the URL or events, or disables / enables it (enabling resumes what waited). */
    update: async (id: string, input: WebhookEndpointUpdateInput) =>
      (await mutate('webhooks.update', WebhookEndpointUpdateDocument, { id, input })).webhookEndpointUpdate,
    delete: async (id: string) => (await mutate('webhooks.delete', WebhookEndpointDeleteDocument, { id })).webhookEndpointDelete,
    /** A new secret, in this result only; the previous one also signs for 24 hours. */
    rotateSecret: async (id: string) => (await mutate('webhooks.rotateSecret', WebhookEndpointRotateSecretDocument, { id })).webhookEndpointRotateSecret,
    /** One page of an endpoint's deliveries, newest first, each with its latest attempts (status, duration, response code). */
    deliveries: async (endpointId: string, args: { first?: number; after?: string; states?: WebhookDeliveryState[]; attempts?: number } = {}) => {
      const node = (await query('webhooks.deliveries', WebhookDeliveriesDocument, { endpointId, ...args })).node;
      return node && 'deliveries' in node ? node.deliveries : null;
    },
    /** Sends a FAILED delivery again now. */
    retry: async (deliveryId: string) => (await mutate('webhooks.retry', WebhookDeliveryRetryDocument, { id: deliveryId })).webhookDeliveryRetry,
  };

  return {
    /** Who is calling, with the organization, role, plan and what the caller may do. */
    viewer: async () => (await query('viewer', ViewerDocument, {})).viewer,
    /** Every parking lot and tag of the organization, all pages (their ids go into profiles and filters). */
    lotsAndTags: async () => {
      const [lots, allTags] = await Promise.all([collect(parkingLots.all()), collect(tags.all())]);
      return { parkingLots: lots, tags: allTags };
    },
    parkingLots,
    tags,
    audit,
    profiles,
    invitations,
    apiKeys,
    admin,
    /** Outbound webhooks: endpoints, their deliveries and attempts (verify requests with verifyWebhook). */
    webhooks,
    /** The underlying urql client, for operations of your own. */
    urql,
  };
}

export type ParkpassClient = ReturnType<typeof createClient>;

function toParkpassError(operation: string, error: CombinedError | undefined): ParkpassError {
  if (!error) return new ParkpassError('SERVER_ERROR', operation, 'The server answered without data.');
  const status = (error.response as Response | undefined)?.status;
  const [first] = error.graphQLErrors;
  if (first) {
    const { code, ...details } = (first.extensions ?? {}) as Record<string, unknown>;
    delete details.http;
    const known: ParkpassErrorCode | null = typeof code === 'string' ? (code as ParkpassErrorCode) : null;
    return new ParkpassError(known ?? (status && status >= 500 ? 'SERVER_ERROR' : 'GRAPHQL_ERROR'), operation, first.message, details, status);
  }
  const cause = error.networkError;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError') return new ParkpassError('TIMEOUT', operation, 'The request timed out.', {}, status);
  if (status && status >= 500) return new ParkpassError('SERVER_ERROR', operation, `The server failed (HTTP ${status}).`, {}, status);
  return new ParkpassError('NETWORK_ERROR', operation, cause?.message ?? error.message, {}, status);
}

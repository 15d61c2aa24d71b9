import { ParkpassError } from './errors.ts';
import {
  AdminLoginDocument,
  type AdminLoginMutation,
  AdminLogoutDocument,
  type AdminLogoutMutation,
  ApiKeyCreateDocument,
  type ApiKeyCreateMutation,
  ApiKeyRevokeDocument,
  type ApiKeyRevokeMutation,
  ApiKeysDocument,
  type ApiKeysQuery,
  type AuditEventFilter,
  AuditEventsDocument,
  type AuditEventsQuery,
  type BulkInvitationFieldsFragment,
  BulkInvitationDocument,
  BulkInvitationsDocument,
  type BulkInvitationsQuery,
  BulkInvitationSkippedProfilesDocument,
  type BulkInvitationSkippedProfilesQuery,
  type BulkInvitationState,
  InvitationAcceptDocument,
  type InvitationAcceptMutation,
  InvitationByTokenDocument,
  type InvitationByTokenQuery,
  InvitationPreviewDocument,
  type InvitationPreviewQuery,
  InvitationRevokeDocument,
  type InvitationRevokeMutation,
  ParkingLotCreateDocument,
  type ParkingLotCreateMutation,
  ParkingLotDeleteDocument,
  type ParkingLotDeleteMutation,
  ParkingLotsDocument,
  type ParkingLotsQuery,
  ParkingLotUpdateDocument,
  type ParkingLotUpdateMutation,
  ProfileByExternalIdDocument,
  ProfileCountsDocument,
  type ProfileCountsQuery,
  type ProfileCreateInput,
  ProfileCreateDocument,
  type ProfileCreateMutation,
  ProfileDeleteDocument,
  type ProfileDeleteMutation,
  ProfileDocument,
  type ProfileFieldsFragment,
  type ProfileFilter,
  ProfileInvitationsDocument,
  type ProfileInvitationsQuery,
  ProfileInviteDocument,
  type ProfileInviteMutation,
  type ProfileOrder,
  ProfilesDocument,
  ProfilesInviteDocument,
  type ProfilesInviteMutation,
  ProfilesUpsertDocument,
  type ProfilesUpsertMutation,
  type ProfileUpdateInput,
  ProfileUpdateDocument,
  type ProfileUpdateMutation,
  type ProfileUpsertInput,
  type Role,
  type SkipReason,
  TagCreateDocument,
  type TagCreateMutation,
  TagDeleteDocument,
  type TagDeleteMutation,
  TagsDocument,
  type TagsQuery,
  TagUpdateDocument,
  type TagUpdateMutation,
  ViewerDocument,
  type ViewerQuery,
  type WebhookDeliveryState,
  WebhookDeliveriesDocument,
  type WebhookDeliveriesQuery,
  WebhookDeliveryRetryDocument,
  type WebhookDeliveryRetryMutation,
  type WebhookEndpointCreateInput,
  WebhookEndpointCreateDocument,
  type WebhookEndpointCreateMutation,
  WebhookEndpointDeleteDocument,
  type WebhookEndpointDeleteMutation,
  WebhookEndpointRotateSecretDocument,
  type WebhookEndpointRotateSecretMutation,
  WebhookEndpointsDocument,
  type WebhookEndpointsQuery,
  type WebhookEndpointUpdateInput,
  WebhookEndpointUpdateDocument,
  type WebhookEndpointUpdateMutation,
} from './generated/graphql.ts';
import { createTransport, SDK_VERSION } from './transport.ts';
import type { TypedDocumentNode } from './typed-document-node.ts';

// --- Options -------------------------------------------------------------------

/** Who calls: an API key, an admin session token, or nobody (only the public invitation operations). Required, so none is forgotten. */
export type Credentials =
  | { /** An API key (`ppk_…`), for integrations. */ apiKey: string; token?: never; anonymous?: never }
  | { /** An admin session token (`pps_…`) from `admin.login`. */ token: string; apiKey?: never; anonymous?: never }
  | { /** No credentials: only `invitations.byToken`, `invitations.accept` and `admin.login` work. */ anonymous: true; apiKey?: never; token?: never };

export type ClientOptions = Credentials & {
  /** The GraphQL endpoint, e.g. https://api.parkpass.example/graphql. */
  url: string;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch | undefined;
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

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call (and its retries, or a follow/waitFor loop): it throws ParkpassError ABORTED. */
  signal?: AbortSignal | undefined;
}

/** Options of a create: its idempotency key (generated when left out), so a retry never creates twice. */
export interface CreateOptions extends CallOptions {
  /** Any unique string per intended create, e.g. your own record's id. Kept by the server for good: the same key returns the first result (`replayed: true`). */
  idempotencyKey?: string | undefined;
}

/** A cursor as pages give it (`pageInfo.endCursor`), so it goes back as `after` unchanged. */
export type Cursor = string | null | undefined;

export interface PageArgs {
  first?: number | undefined;
  after?: Cursor;
}

/** A selection of profiles: these ids, or every profile a search filter matches. */
export type Selection = { profileIds: readonly string[]; filter?: never } | { filter: ProfileFilter; profileIds?: never };

// --- Named result types ----------------------------------------------------------

type Success<Result> = Exclude<Result, { code: unknown }>;
type NonNull<T> = Exclude<T, null | undefined>;

/** One page of a connection, as every list method answers it. */
export interface Page<Node> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: readonly { node: Node }[];
}

export type Viewer = ViewerQuery['viewer'];
export type Profile = ProfileFieldsFragment;
export type ProfileCounts = ProfileCountsQuery['profileCounts'];
export type ProfileResult = Success<ProfileCreateMutation['profileCreate']>;
export type ProfileUpdateResult = Success<ProfileUpdateMutation['profileUpdate']>;
export type ProfileDeleteResult = Success<ProfileDeleteMutation['profileDelete']>;
export type UpsertResult = Success<ProfilesUpsertMutation['profilesUpsert']>;
export type UpsertRow = UpsertResult['results'][number];
export type UpsertRowError = NonNull<UpsertRow['error']>;
export type Invitation = NonNull<ProfileInvitationsQuery['profile']>['invitations']['edges'][number]['node'];
export type InviteResult = Success<ProfileInviteMutation['profileInvite']>;
export type InviteManyResult = Success<ProfilesInviteMutation['profilesInvite']>;
export type BulkInvitation = BulkInvitationFieldsFragment;
export type BulkInvitationListItem = BulkInvitationsQuery['bulkInvitations']['edges'][number]['node'];
export type SkippedProfile = NonNull<BulkInvitationSkippedProfilesQuery['bulkInvitation']>['skippedProfiles']['edges'][number]['node'];
export type InvitationPreview = InvitationPreviewQuery['profilesInvitePreview'];
export type InvitationRevokeResult = Success<InvitationRevokeMutation['invitationRevoke']>;
export type PublicInvitation = NonNull<InvitationByTokenQuery['invitationByToken']>;
export type InvitationAcceptResult = Success<InvitationAcceptMutation['invitationAccept']>;
export type ParkingLot = ParkingLotsQuery['parkingLots']['edges'][number]['node'];
export type ParkingLotResult = Success<ParkingLotCreateMutation['parkingLotCreate']>;
export type ParkingLotUpdateResult = Success<ParkingLotUpdateMutation['parkingLotUpdate']>;
export type ParkingLotDeleteResult = Success<ParkingLotDeleteMutation['parkingLotDelete']>;
export type Tag = TagsQuery['tags']['edges'][number]['node'];
export type TagResult = Success<TagCreateMutation['tagCreate']>;
export type TagUpdateResult = Success<TagUpdateMutation['tagUpdate']>;
export type TagDeleteResult = Success<TagDeleteMutation['tagDelete']>;
export type AuditEvent = AuditEventsQuery['auditEvents']['edges'][number]['node'];
export type ApiKey = ApiKeysQuery['apiKeys']['edges'][number]['node'];
export type ApiKeyCreateResult = Success<ApiKeyCreateMutation['apiKeyCreate']>;
export type ApiKeyRevokeResult = Success<ApiKeyRevokeMutation['apiKeyRevoke']>;
export type AdminLoginResult = Success<AdminLoginMutation['adminLogin']>;
export type AdminLogoutResult = Success<AdminLogoutMutation['adminLogout']>;
export type WebhookEndpoint = WebhookEndpointsQuery['webhookEndpoints']['edges'][number]['node'];
export type WebhookEndpointSecretResult = Success<WebhookEndpointCreateMutation['webhookEndpointCreate']>;
export type WebhookEndpointUpdateResult = Success<WebhookEndpointUpdateMutation['webhookEndpointUpdate']>;
export type WebhookEndpointDeleteResult = Success<WebhookEndpointDeleteMutation['webhookEndpointDelete']>;
export type WebhookEndpointRotateSecretResult = Success<WebhookEndpointRotateSecretMutation['webhookEndpointRotateSecret']>;
export type WebhookDeliveryRetryResult = Success<WebhookDeliveryRetryMutation['webhookDeliveryRetry']>;
type WebhookDeliveriesNode = NonNull<WebhookDeliveriesQuery['node']>;
export type WebhookDeliveriesPage = Extract<WebhookDeliveriesNode, { deliveries: unknown }>['deliveries'];
export type WebhookDelivery = WebhookDeliveriesPage['edges'][number]['node'];

/** The sum of one `profiles.upsertAll` run over every batch. */
export interface UpsertAllResult {
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  failedCount: number;
  /** One per input row, in input order; `index` is the row's position in the whole input. */
  results: UpsertRow[];
}

// --- The client's interface ---------------------------------------------------------

/**
 * The Parkpass client. Every method returns what it asked for or throws a
 * ParkpassError (README, "Errors"): typed errors of mutations, coded errors of
 * queries and transport failures alike. A bulk upsert's rows are results, not
 * refusals: each says CREATED, UPDATED, UNCHANGED or FAILED with its error.
 */
export interface ParkpassClient {
  /** Who is calling, with the organization, role, plan and what the caller may do. */
  viewer(options?: CallOptions): Promise<Viewer>;
  /** Every parking lot and tag of the organization (their ids go into profiles and filters). */
  lotsAndTags(options?: CallOptions): Promise<{ parkingLots: ParkingLot[]; tags: Tag[] }>;
  profiles: {
    search(args?: { filter?: ProfileFilter | undefined; orderBy?: ProfileOrder | undefined } & PageArgs, options?: CallOptions): Promise<Page<Profile>>;
    all(
      args?: { filter?: ProfileFilter | undefined; orderBy?: ProfileOrder | undefined; pageSize?: number | undefined },
      options?: CallOptions,
    ): AsyncGenerator<Profile>;
    counts(filter?: ProfileFilter, options?: CallOptions): Promise<ProfileCounts>;
    /** One profile by global id; throws NOT_FOUND when the organization has none. */
    get(id: string, options?: CallOptions): Promise<Profile>;
    /** One profile by your own id (exact, case-sensitive); null when none has it. */
    findByExternalId(externalId: string, options?: CallOptions): Promise<Profile | null>;
    invitations(profileId: string, args?: PageArgs, options?: CallOptions): Promise<Page<Invitation>>;
    allInvitations(profileId: string, args?: { pageSize?: number | undefined }, options?: CallOptions): AsyncGenerator<Invitation>;
    create(input: Omit<ProfileCreateInput, 'idempotencyKey'>, options?: CreateOptions): Promise<ProfileResult>;
    update(id: string, input: ProfileUpdateInput, options?: CallOptions): Promise<ProfileUpdateResult>;
    delete(id: string, options?: CallOptions): Promise<ProfileDeleteResult>;
    /** Creates or updates up to 5,000 profiles by externalId in one call. */
    upsert(rows: readonly ProfileUpsertInput[], options?: CallOptions): Promise<UpsertResult>;
    /** The same for any number of rows, in batches of `batchSize` (default 5,000), one after another. */
    upsertAll(rows: readonly ProfileUpsertInput[], options?: CallOptions & { batchSize?: number | undefined }): Promise<UpsertAllResult>;
  };
  invitations: {
    preview(selection: Selection, options?: CallOptions): Promise<InvitationPreview>;
    inviteOne(profileId: string, options?: CallOptions & { sendEmail?: boolean | undefined }): Promise<InviteResult>;
    inviteMany(selection: Selection, options?: CreateOptions): Promise<InviteManyResult>;
    /** A bulk invitation's progress now; throws NOT_FOUND when the organization has none with this id. */
    bulk(id: string, options?: CallOptions): Promise<BulkInvitation>;
    follow(id: string, options?: CallOptions & { intervalMs?: number | undefined }): AsyncGenerator<BulkInvitation>;
    waitFor(id: string, onProgress?: (bulk: BulkInvitation) => void, options?: CallOptions & { intervalMs?: number | undefined }): Promise<BulkInvitation>;
    bulkList(args?: { states?: readonly BulkInvitationState[] | undefined } & PageArgs, options?: CallOptions): Promise<Page<BulkInvitationListItem>>;
    allBulk(
      args?: { states?: readonly BulkInvitationState[] | undefined; pageSize?: number | undefined },
      options?: CallOptions,
    ): AsyncGenerator<BulkInvitationListItem>;
    skipped(bulkInvitationId: string, args?: { reason?: SkipReason | undefined } & PageArgs, options?: CallOptions): Promise<Page<SkippedProfile>>;
    allSkipped(
      bulkInvitationId: string,
      args?: { reason?: SkipReason | undefined; pageSize?: number | undefined },
      options?: CallOptions,
    ): AsyncGenerator<SkippedProfile>;
    revoke(invitationId: string, options?: CallOptions): Promise<InvitationRevokeResult>;
    /** Public: what an invitation link points to; throws INVITATION_NOT_FOUND for an unknown token. */
    byToken(token: string, options?: CallOptions): Promise<PublicInvitation>;
    accept(token: string, password: string, options?: CallOptions): Promise<InvitationAcceptResult>;
  };
  parkingLots: {
    list(args?: PageArgs, options?: CallOptions): Promise<Page<ParkingLot>>;
    all(args?: { pageSize?: number | undefined }, options?: CallOptions): AsyncGenerator<ParkingLot>;
    create(name: string, options?: CreateOptions): Promise<ParkingLotResult>;
    rename(id: string, name: string, options?: CallOptions): Promise<ParkingLotUpdateResult>;
    delete(id: string, options?: CallOptions): Promise<ParkingLotDeleteResult>;
  };
  tags: {
    list(args?: PageArgs, options?: CallOptions): Promise<Page<Tag>>;
    all(args?: { pageSize?: number | undefined }, options?: CallOptions): AsyncGenerator<Tag>;
    create(name: string, options?: CreateOptions): Promise<TagResult>;
    rename(id: string, name: string, options?: CallOptions): Promise<TagUpdateResult>;
    delete(id: string, options?: CallOptions): Promise<TagDeleteResult>;
  };
  audit: {
    events(args?: { filter?: AuditEventFilter | undefined } & PageArgs, options?: CallOptions): Promise<Page<AuditEvent>>;
    all(args?: { filter?: AuditEventFilter | undefined; pageSize?: number | undefined }, options?: CallOptions): AsyncGenerator<AuditEvent>;
  };
  apiKeys: {
    list(args?: PageArgs, options?: CallOptions): Promise<Page<ApiKey>>;
    all(args?: { pageSize?: number | undefined }, options?: CallOptions): AsyncGenerator<ApiKey>;
    /** Creates a key; its `secret` is in this result only. Not retried (a retry would make a second key). */
    create(input: { name: string; role: Role }, options?: CallOptions): Promise<ApiKeyCreateResult>;
    revoke(id: string, options?: CallOptions): Promise<ApiKeyRevokeResult>;
  };
  admin: {
    login(email: string, password: string, options?: CallOptions): Promise<AdminLoginResult>;
    logout(options?: CallOptions): Promise<AdminLogoutResult>;
  };
  /** Outbound webhooks: endpoints, their deliveries and attempts (verify requests with verifyWebhook). */
  webhooks: {
    /** One page of the organization's webhook endpoints, newest first (`disabled: true`: those turned off, e.g. for failing). */
    list(args?: { disabled?: boolean | undefined } & PageArgs, options?: CallOptions): Promise<Page<WebhookEndpoint>>;
    /** Adds an endpoint; its `secret` (for verifyWebhook) is in this result only. Not retried (a retry would add a second endpoint). */
    create(input: WebhookEndpointCreateInput, options?: CallOptions): Promise<WebhookEndpointSecretResult>;
    /** Changes the URL or events, or disables / enables it (enabling resumes what waited). */
    update(id: string, input: WebhookEndpointUpdateInput, options?: CallOptions): Promise<WebhookEndpointUpdateResult>;
    delete(id: string, options?: CallOptions): Promise<WebhookEndpointDeleteResult>;
    /** A new secret, in this result only; the previous one also signs for 24 hours. */
    rotateSecret(id: string, options?: CallOptions): Promise<WebhookEndpointRotateSecretResult>;
    /** One page of an endpoint's deliveries, newest first, each with its latest attempts; throws NOT_FOUND for an unknown endpoint. */
    deliveries(
      endpointId: string,
      args?: { states?: readonly WebhookDeliveryState[] | undefined; attempts?: number | undefined } & PageArgs,
      options?: CallOptions,
    ): Promise<WebhookDeliveriesPage>;
    /** Sends a FAILED delivery again now. */
    retry(deliveryId: string, options?: CallOptions): Promise<WebhookDeliveryRetryResult>;
  };
  /** Runs an operation of your own with the same errors, retries and deadline (`idempotent: true` only for reads and safe writes). */
  request<Data, Variables>(
    operation: string,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    options?: CallOptions & { idempotent?: boolean | undefined },
  ): Promise<Data>;
}

// --- Helpers -------------------------------------------------------------------------

/** Every node of a connection, page after page (`for await … of`), until the last page. */
export async function* paginate<Node>(fetchPage: (after: string | null) => Promise<Page<Node>>): AsyncGenerator<Node> {
  let after: string | null = null;
  for (;;) {
    const page: Page<Node> = await fetchPage(after);
    for (const edge of page.edges) yield edge.node;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The success member of a mutation's result; a typed error (any member with a `code`) is thrown as a ParkpassError. */
function orThrow<Result extends { __typename: string }>(operation: string, result: Result, requestId: string | null): Success<Result> {
  if ('code' in result && typeof result.code === 'string') {
    const { __typename: _type, code: _code, message, ...details } = result as unknown as { __typename: string; code: string; message: string };
    throw new ParkpassError({ code: result.code as ParkpassError['code'], operation, message, requestId, details });
  }
  return result as Success<Result>;
}

const notFound = (operation: string, what: string, requestId: string | null) =>
  new ParkpassError({ code: 'NOT_FOUND', operation, message: `No ${what} of this organization has this id.`, requestId });

const FINISHED = new Set(['COMPLETED', 'FAILED']);
const MAX_UPSERT_BATCH = 5000;

function sleep(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new ParkpassError({ code: 'ABORTED', operation, message: 'The call was aborted.', cause: signal?.reason });
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// --- The client ------------------------------------------------------------------------

export function createClient(options: ClientOptions): ParkpassClient {
  const credential = options.apiKey ?? options.token ?? null;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const transport = createTransport({
    url: options.url,
    credential,
    fetch: fetchImpl,
    timeoutMs: options.timeoutMs ?? 30_000,
    deadlineMs: options.deadlineMs ?? 120_000,
    retries: options.retries ?? 3,
    retryDelayMs: options.retryDelayMs ?? 300,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
    userAgent: `parkpass-sdk/${SDK_VERSION}${options.appInfo ? ` ${options.appInfo}` : ''}`,
    random: Math.random,
  });

  const query = async <Data, Variables>(operation: string, document: TypedDocumentNode<Data, Variables>, variables: Variables, call: CallOptions = {}) =>
    transport.send(operation, document, variables, { idempotent: true, signal: call.signal });
  const mutate = <Data, Variables>(
    operation: string,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    call: CallOptions,
    idempotent: boolean,
  ) => transport.send(operation, document, variables, { idempotent, signal: call.signal });
  const key = (call: CreateOptions | undefined) => call?.idempotencyKey ?? crypto.randomUUID();

  const profiles: ParkpassClient['profiles'] = {
    search: async (args = {}, call) => (await query('profiles.search', ProfilesDocument, args, call)).data.profiles,
    all: (args = {}, call) => paginate((after) => profiles.search({ filter: args.filter, orderBy: args.orderBy, first: args.pageSize ?? 200, after }, call)),
    counts: async (filter, call) => (await query('profiles.counts', ProfileCountsDocument, { filter }, call)).data.profileCounts,
    get: async (id, call) => {
      const { data, requestId } = await query('profiles.get', ProfileDocument, { id }, call);
      if (!data.profile) throw notFound('profiles.get', 'profile', requestId);
      return data.profile;
    },
    findByExternalId: async (externalId, call) =>
      (await query('profiles.findByExternalId', ProfileByExternalIdDocument, { externalId }, call)).data.profileByExternalId,
    invitations: async (profileId, args = {}, call) => {
      const { data, requestId } = await query('profiles.invitations', ProfileInvitationsDocument, { profileId, ...args }, call);
      if (!data.profile) throw notFound('profiles.invitations', 'profile', requestId);
      return data.profile.invitations;
    },
    allInvitations: (profileId, args = {}, call) => paginate((after) => profiles.invitations(profileId, { first: args.pageSize ?? 100, after }, call)),
    create: async (input, call) => {
      const { data, requestId } = await mutate('profiles.create', ProfileCreateDocument, { input: { ...input, idempotencyKey: key(call) } }, call ?? {}, true);
      return orThrow('profiles.create', data.profileCreate, requestId);
    },
    update: async (id, input, call) => {
      const { data, requestId } = await mutate('profiles.update', ProfileUpdateDocument, { id, input }, call ?? {}, false);
      return orThrow('profiles.update', data.profileUpdate, requestId);
    },
    delete: async (id, call) => {
      const { data, requestId } = await mutate('profiles.delete', ProfileDeleteDocument, { id }, call ?? {}, false);
      return orThrow('profiles.delete', data.profileDelete, requestId);
    },
    upsert: async (rows, call) => {
      // Idempotent: rows are matched by externalId, so sending them twice gives the same profiles (the second time UNCHANGED).
      const { data, requestId } = await mutate('profiles.upsert', ProfilesUpsertDocument, { input: { profiles: [...rows] } }, call ?? {}, true);
      return orThrow('profiles.upsert', data.profilesUpsert, requestId);
    },
    upsertAll: async (rows, call = {}) => {
      const size = Math.min(Math.max(1, call.batchSize ?? MAX_UPSERT_BATCH), MAX_UPSERT_BATCH);
      const total: UpsertAllResult = { createdCount: 0, updatedCount: 0, unchangedCount: 0, failedCount: 0, results: [] };
      for (let start = 0; start < rows.length; start += size) {
        const batch = await profiles.upsert(rows.slice(start, start + size), call);
        total.createdCount += batch.createdCount;
        total.updatedCount += batch.updatedCount;
        total.unchangedCount += batch.unchangedCount;
        total.failedCount += batch.failedCount;
        for (const row of batch.results) total.results.push({ ...row, index: row.index + start });
      }
      return total;
    },
  };

  const invitations: ParkpassClient['invitations'] = {
    preview: async (selection, call) =>
      (
        await query(
          'invitations.preview',
          InvitationPreviewDocument,
          { profileIds: selection.profileIds ? [...selection.profileIds] : undefined, filter: selection.filter },
          call,
        )
      ).data.profilesInvitePreview,
    inviteOne: async (profileId, call = {}) => {
      const { data, requestId } = await mutate(
        'invitations.inviteOne',
        ProfileInviteDocument,
        { input: { profileId, sendEmail: call.sendEmail ?? true } },
        call,
        false,
      );
      return orThrow('invitations.inviteOne', data.profileInvite, requestId);
    },
    inviteMany: async (selection, call) => {
      const input = { profileIds: selection.profileIds ? [...selection.profileIds] : undefined, filter: selection.filter, idempotencyKey: key(call) };
      const { data, requestId } = await mutate('invitations.inviteMany', ProfilesInviteDocument, { input }, call ?? {}, true);
      return orThrow('invitations.inviteMany', data.profilesInvite, requestId);
    },
    bulk: async (id, call) => {
      const { data, requestId } = await query('invitations.bulk', BulkInvitationDocument, { id }, call);
      if (!data.bulkInvitation) throw notFound('invitations.bulk', 'bulk invitation', requestId);
      return data.bulkInvitation;
    },
    async *follow(id, call = {}) {
      let last = '';
      for (;;) {
        const bulk = await invitations.bulk(id, call);
        const fingerprint = `${bulk.state}:${bulk.done}:${bulk.total}:${bulk.failedCount}`;
        if (fingerprint !== last) {
          last = fingerprint;
          yield bulk;
        }
        if (FINISHED.has(bulk.state)) return;
        await sleep(call.intervalMs ?? 1_000, call.signal, 'invitations.follow');
      }
    },
    waitFor: async (id, onProgress, call = {}) => {
      let latest: BulkInvitation | undefined;
      for await (const bulk of invitations.follow(id, call)) {
        latest = bulk;
        onProgress?.(bulk);
      }
      if (!latest) throw notFound('invitations.waitFor', 'bulk invitation', null);
      return latest;
    },
    bulkList: async (args = {}, call) =>
      (await query('invitations.bulkList', BulkInvitationsDocument, { ...args, states: args.states ? [...args.states] : undefined }, call)).data
        .bulkInvitations,
    allBulk: (args = {}, call) => paginate((after) => invitations.bulkList({ states: args.states, first: args.pageSize ?? 100, after }, call)),
    skipped: async (bulkInvitationId, args = {}, call) => {
      const { data, requestId } = await query('invitations.skipped', BulkInvitationSkippedProfilesDocument, { id: bulkInvitationId, ...args }, call);
      if (!data.bulkInvitation) throw notFound('invitations.skipped', 'bulk invitation', requestId);
      return data.bulkInvitation.skippedProfiles;
    },
    allSkipped: (bulkInvitationId, args = {}, call) =>
      paginate((after) => invitations.skipped(bulkInvitationId, { reason: args.reason, first: args.pageSize ?? 500, after }, call)),
    revoke: async (invitationId, call) => {
      const { data, requestId } = await mutate('invitations.revoke', InvitationRevokeDocument, { input: { invitationId } }, call ?? {}, false);
      return orThrow('invitations.revoke', data.invitationRevoke, requestId);
    },
    byToken: async (token, call) => {
      const { data, requestId } = await query('invitations.byToken', InvitationByTokenDocument, { token }, call);
      if (!data.invitationByToken) {
        throw new ParkpassError({ code: 'INVITATION_NOT_FOUND', operation: 'invitations.byToken', message: 'No invitation has this token.', requestId });
      }
      return data.invitationByToken;
    },
    accept: async (token, password, call) => {
      const { data, requestId } = await mutate('invitations.accept', InvitationAcceptDocument, { input: { token, password } }, call ?? {}, false);
      return orThrow('invitations.accept', data.invitationAccept, requestId);
    },
  };

  const parkingLots: ParkpassClient['parkingLots'] = {
    list: async (args = {}, call) => (await query('parkingLots.list', ParkingLotsDocument, args, call)).data.parkingLots,
    all: (args = {}, call) => paginate((after) => parkingLots.list({ first: args.pageSize ?? 500, after }, call)),
    create: async (name, call) => {
      const { data, requestId } = await mutate(
        'parkingLots.create',
        ParkingLotCreateDocument,
        { input: { name, idempotencyKey: key(call) } },
        call ?? {},
        true,
      );
      return orThrow('parkingLots.create', data.parkingLotCreate, requestId);
    },
    rename: async (id, name, call) => {
      const { data, requestId } = await mutate('parkingLots.rename', ParkingLotUpdateDocument, { id, input: { name } }, call ?? {}, false);
      return orThrow('parkingLots.rename', data.parkingLotUpdate, requestId);
    },
    delete: async (id, call) => {
      const { data, requestId } = await mutate('parkingLots.delete', ParkingLotDeleteDocument, { id }, call ?? {}, false);
      return orThrow('parkingLots.delete', data.parkingLotDelete, requestId);
    },
  };

  const tags: ParkpassClient['tags'] = {
    list: async (args = {}, call) => (await query('tags.list', TagsDocument, args, call)).data.tags,
    all: (args = {}, call) => paginate((after) => tags.list({ first: args.pageSize ?? 500, after }, call)),
    create: async (name, call) => {
      const { data, requestId } = await mutate('tags.create', TagCreateDocument, { input: { name, idempotencyKey: key(call) } }, call ?? {}, true);
      return orThrow('tags.create', data.tagCreate, requestId);
    },
    rename: async (id, name, call) => {
      const { data, requestId } = await mutate('tags.rename', TagUpdateDocument, { id, input: { name } }, call ?? {}, false);
      return orThrow('tags.rename', data.tagUpdate, requestId);
    },
    delete: async (id, call) => {
      const { data, requestId } = await mutate('tags.delete', TagDeleteDocument, { id }, call ?? {}, false);
      return orThrow('tags.delete', data.tagDelete, requestId);
    },
  };

  const audit: ParkpassClient['audit'] = {
    events: async (args = {}, call) => (await query('audit.events', AuditEventsDocument, args, call)).data.auditEvents,
    all: (args = {}, call) => paginate((after) => audit.events({ filter: args.filter, first: args.pageSize ?? 200, after }, call)),
  };

  const apiKeys: ParkpassClient['apiKeys'] = {
    list: async (args = {}, call) => (await query('apiKeys.list', ApiKeysDocument, args, call)).data.apiKeys,
    all: (args = {}, call) => paginate((after) => apiKeys.list({ first: args.pageSize ?? 100, after }, call)),
    create: async (input, call) => {
      const { data, requestId } = await mutate('apiKeys.create', ApiKeyCreateDocument, { input }, call ?? {}, false);
      return orThrow('apiKeys.create', data.apiKeyCreate, requestId);
    },
    revoke: async (id, call) => {
      const { data, requestId } = await mutate('apiKeys.revoke', ApiKeyRevokeDocument, { id }, call ?? {}, false);
      return orThrow('apiKeys.revoke', data.apiKeyRevoke, requestId);
    },
  };

  const admin: ParkpassClient['admin'] = {
    login: async (email, password, call) => {
      const { data, requestId } = await mutate('admin.login', AdminLoginDocument, { input: { email, password } }, call ?? {}, false);
      return orThrow('admin.login', data.adminLogin, requestId);
    },
    logout: async (call) => {
      const { data, requestId } = await mutate('admin.logout', AdminLogoutDocument, {}, call ?? {}, false);
      return orThrow('admin.logout', data.adminLogout, requestId);
    },
  };

  const webhooks: ParkpassClient['webhooks'] = {
    list: async (args = {}, call) => (await query('webhooks.list', WebhookEndpointsDocument, args, call)).data.webhookEndpoints,
    create: async (input, call) => {
      const { data, requestId } = await mutate('webhooks.create', WebhookEndpointCreateDocument, { input }, call ?? {}, false);
      return orThrow('webhooks.create', data.webhookEndpointCreate, requestId);
    },
    update: async (id, input, call) => {
      const { data, requestId } = await mutate('webhooks.update', WebhookEndpointUpdateDocument, { id, input }, call ?? {}, false);
      return orThrow('webhooks.update', data.webhookEndpointUpdate, requestId);
    },
    delete: async (id, call) => {
      const { data, requestId } = await mutate('webhooks.delete', WebhookEndpointDeleteDocument, { id }, call ?? {}, false);
      return orThrow('webhooks.delete', data.webhookEndpointDelete, requestId);
    },
    rotateSecret: async (id, call) => {
      const { data, requestId } = await mutate('webhooks.rotateSecret', WebhookEndpointRotateSecretDocument, { id }, call ?? {}, false);
      return orThrow('webhooks.rotateSecret', data.webhookEndpointRotateSecret, requestId);
    },
    deliveries: async (endpointId, args = {}, call) => {
      const variables = { endpointId, ...args, states: args.states ? [...args.states] : undefined };
      const { data, requestId } = await query('webhooks.deliveries', WebhookDeliveriesDocument, variables, call);
      if (!data.node || !('deliveries' in data.node)) throw notFound('webhooks.deliveries', 'webhook endpoint', requestId);
      return data.node.deliveries;
    },
    retry: async (deliveryId, call) => {
      const { data, requestId } = await mutate('webhooks.retry', WebhookDeliveryRetryDocument, { id: deliveryId }, call ?? {}, false);
      return orThrow('webhooks.retry', data.webhookDeliveryRetry, requestId);
    },
  };

  return {
    viewer: async (call) => (await query('viewer', ViewerDocument, {}, call)).data.viewer,
    lotsAndTags: async (call) => {
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
    request: async (operation, document, variables, call = {}) =>
      (await transport.send(operation, document, variables, { idempotent: call.idempotent ?? false, signal: call.signal })).data,
  };
}

// A consumer of the published types (resolved through @parkpass/sdk's "exports" to sdk/dist), compiled
// under strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes, with skipLibCheck off, no DOM lib and
// no @types/node (`types: []`): the SDK's declarations stand on the ES library alone.
// The SDK's test compiles this file with tsc and expects no error.
import {
  type AbortSignalLike,
  type Answered,
  type BulkInvitation,
  createClient,
  ErrorCode,
  isParkpassError,
  type ParkpassClient,
  ParkpassError,
  type ParkpassErrorCode,
  type Profile,
  ProfilesDocument,
  type ProfilesQuery,
  ProfileStatus,
  Role,
  SkipReason,
  type UpsertRowError,
  UpsertAllError,
  type UpsertAllResult,
} from '@parkpass/sdk';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Assert<T extends true> = T;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const parkpass: ParkpassClient = createClient({ url: 'http://localhost:4000/graphql', apiKey: 'ppk_example' });
// @ts-expect-error credentials are required: an API key, a token, or anonymous: true
createClient({ url: 'http://localhost:4000/graphql' });
createClient({ url: 'http://localhost:4000/graphql', anonymous: true });
// Options may be passed as explicit undefined (exactOptionalPropertyTypes).
createClient({ url: 'http://localhost:4000/graphql', token: 'pps_x', timeoutMs: undefined, fetch: undefined });

export async function check(signal: AbortSignalLike) {
  const page = await parkpass.profiles.search({ filter: { statuses: [ProfileStatus.PENDING] }, first: 10, after: undefined }, { signal });
  type _pageNotAny = Assert<Equal<IsAny<typeof page>, false>>;
  // A page's cursor goes back as `after` unchanged.
  await parkpass.profiles.search({ after: page.pageInfo.endCursor });
  const first = page.edges[0]?.node;
  if (first) {
    type _profile = Assert<Equal<typeof first, Profile>>;
    const typename: 'Profile' = first.__typename;
    const status: 'NOT_INVITED' | 'PENDING' | 'VALIDATED' | 'DEACTIVATED' = first.status;
    const lots: string[] = first.parkingLots.map((lot) => lot.name);
    void typename;
    void status;
    void lots;
    // @ts-expect-error a misspelled field does not exist
    void first.emial;
  }

  // @ts-expect-error an unknown status is refused
  await parkpass.profiles.search({ filter: { statuses: ['INVITED'] } });

  // A mutation returns its success; refusals are thrown.
  const invited = await parkpass.invitations.inviteOne('UHJvZmlsZTox', { sendEmail: false });
  const state: string = invited.invitation.state;
  const link: string | null = invited.link;
  void state;
  void link;
  // @ts-expect-error the result is the success payload only: no error member to switch on
  void invited.code;

  const synced = await parkpass.profiles.upsertAll([{ externalId: 'hr-1', firstName: 'A', lastName: 'B', email: 'a@b.example' }]);
  for (const row of synced.results) {
    const outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'FAILED' = row.outcome;
    void outcome;
    const error: UpsertRowError | null = row.error;
    if (error) {
      const path: string[] = error.path;
      void path;
      switch (error.__typename) {
        case 'DuplicateInBatch': {
          const other: number = error.otherIndex;
          void other;
          break;
        }
        case 'EmailAlreadyUsed':
        case 'ExternalIdAlreadyUsed': {
          const holder: string | null = error.profileId;
          void holder;
          break;
        }
        case 'InvalidInput':
        case 'InvalidEmail':
        case 'UnknownParkingLot':
        case 'UnknownTag':
          break;
        default: {
          // Only the errors a row can have: no BatchTooLarge, NotFound or PasswordTooWeak.
          const exhaustive: never = error;
          void exhaustive;
        }
      }
    }
  }

  // Lists may be readonly, in a filter as in profileIds.
  const externalIds: readonly string[] = ['hr-1'];
  await parkpass.profiles.search({ filter: { externalIds, statuses: ['PENDING'] as const } });
  const started = await parkpass.invitations.inviteMany({ filter: { externalIds } }, { idempotencyKey: 'run-1', signal });
  const replayed: boolean = started.replayed;
  void replayed;
  const done: BulkInvitation = await parkpass.invitations.waitFor(started.bulkInvitation.id, undefined, { intervalMs: 500, signal });
  for await (const bulk of parkpass.invitations.follow(done.id, { signal })) void bulk.state;

  // The documents are exported typed, for urql (or any TypedDocumentNode client).
  const data = await parkpass.request('mine', ProfilesDocument, { first: 5 }, { idempotent: true });
  type _documentData = Assert<Equal<typeof data, Answered<ProfilesQuery>>>;
  const total: number = data.profiles.totalCount;
  void total;
  // The document decides the variables: a wrong one does not compile.
  // @ts-expect-error first is an Int
  await parkpass.request('mine', ProfilesDocument, { first: 'two' });

  // Every result tells its request id and attempts.
  const requestId: string | null = page.lastResponse.requestId;
  const attempts: number = page.lastResponse.attempts;
  void [requestId, attempts];

  // A sync stopped part way says which rows were written.
  try {
    await parkpass.profiles.upsertAll([]);
  } catch (error) {
    if (error instanceof UpsertAllError) {
      const written: UpsertAllResult = error.written;
      const from: number = error.firstUnwrittenIndex;
      void [written, from];
    }
  }

  // Enums are values too.
  const roles: string[] = [Role.ADMIN, Role.VIEWER, SkipReason.ALREADY_VALIDATED, ErrorCode.FORBIDDEN];
  void roles;

  try {
    await parkpass.viewer();
  } catch (error) {
    if (error instanceof ParkpassError) {
      const code: ParkpassErrorCode = error.code;
      const requestId: string | null = error.requestId;
      const plan: 'STARTER' | 'BUSINESS' | 'ENTERPRISE' | null = error.requiredPlan;
      const roles: readonly string[] | null = error.requiredRoles;
      const wait: number | null = error.retryAfterSeconds;
      const path: readonly string[] | null = error.path;
      void [code, requestId, plan, roles, wait, path];
      // @ts-expect-error error codes are a union, not any string: a misspelled one does not compile
      if (error.code === 'FEATURE_NOT_IN_PLANS') void error.details;
    }
    if (isParkpassError(error, 'RATE_LIMITED', 'SERVER_ERROR')) void error.retryable;
    // What a code always carries is not nullable once narrowed to it.
    if (isParkpassError(error, 'FEATURE_NOT_IN_PLAN')) {
      const needed: 'STARTER' | 'BUSINESS' | 'ENTERPRISE' = error.requiredPlan;
      void needed;
    }
    if (isParkpassError(error, 'FORBIDDEN')) {
      const roles: readonly string[] = error.requiredRoles;
      void roles;
    }
  }

  // Every connection pages itself.
  for await (const lot of parkpass.parkingLots.all()) {
    const count: number = lot.profileCount;
    void count;
  }
  for await (const bulk of parkpass.invitations.allBulk({ states: ['FAILED'] })) {
    const summary: string = bulk.outcomeSummary;
    void summary;
  }
}

// Receiving webhooks: verifyWebhook returns an event whose type narrows its data.
import { verifyWebhook, type WebhookEvent, WEBHOOK_EVENT_FIELDS } from '@parkpass/sdk';

export function receive(body: string, headers: Record<string, string>): string {
  const event: WebhookEvent = verifyWebhook(body, headers, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  switch (event.type) {
    case 'invitation.accepted':
      return `${event.data.externalId ?? event.data.profileId} accepted at ${event.data.acceptedAt}`;
    case 'bulk_invitation.completed': {
      const invited: number = event.data.invited;
      // @ts-expect-error a bulk invitation's event has no profileId
      void event.data.profileId;
      return `${invited} invited`;
    }
    case 'unknown':
      // A type newer than this SDK: never handed over as a known one.
      return `not handled: ${event.originalType}`;
    case 'profile.invited':
    case 'invitation.expired':
    case 'invitation.revoked':
    case 'email.bounced':
    case 'email.complained':
    case 'profile.deactivated':
    case 'profile.reactivated':
      return `${event.type}: ${WEBHOOK_EVENT_FIELDS[event.type].join(', ')}`;
    default: {
      // Exhaustive: every type, the unknown one included, is handled above.
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

export async function manageWebhooks() {
  const created = await parkpass.webhooks.create({ url: 'https://hooks.example.com/parkpass', eventTypes: ['INVITATION_ACCEPTED', 'EMAIL_BOUNCED'] });
  if (created.__typename === 'WebhookEndpointSecretPayload') {
    const secret: string = created.secret;
    const deliveries = await parkpass.webhooks.deliveries(created.webhookEndpoint.id, { states: ['FAILED'] });
    const outcomes = deliveries?.edges.flatMap((edge) => edge.node.attempts.edges.map((attempt) => attempt.node.outcome));
    void secret;
    void outcomes;
  }
}

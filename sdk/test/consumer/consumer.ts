// A consumer of the published types (resolved through @parkpass/sdk's "exports" to sdk/dist).
// The SDK's test compiles this file with tsc and expects no error.
import { createClient, ParkpassError, type ParkpassErrorCode, type Profile, ProfilesDocument, type ProfilesQuery } from '@parkpass/sdk';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Assert<T extends true> = T;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const parkpass = createClient({ url: 'http://localhost:4000/graphql', apiKey: 'ppk_example' });

export async function check() {
  const page = await parkpass.profiles.search({ filter: { statuses: ['PENDING'] }, first: 10 });
  type _pageNotAny = Assert<Equal<IsAny<typeof page>, false>>;
  const first = page.edges[0]?.node;
  if (first) {
    type _profile = Assert<Equal<typeof first, Profile>>;
    const status: 'NOT_INVITED' | 'PENDING' | 'VALIDATED' = first.status;
    const lots: string[] = first.parkingLots.map((lot) => lot.name);
    void status;
    void lots;
    // @ts-expect-error a misspelled field does not exist
    void first.emial;
  }

  // @ts-expect-error an unknown status is refused
  await parkpass.profiles.search({ filter: { statuses: ['INVITED'] } });

  const result = await parkpass.invitations.inviteOne('UHJvZmlsZTox');
  switch (result.__typename) {
    case 'ProfileInvitePayload': {
      const state: string = result.invitation.state;
      void state;
      break;
    }
    case 'ResendTooSoon': {
      const wait: number = result.retryAfterSeconds;
      void wait;
      break;
    }
    case 'FeatureNotInPlan':
    case 'Forbidden':
    case 'ProfileAlreadyValidated':
    case 'EmailUndeliverable':
    case 'InvalidEmail':
    case 'InvalidInput':
    case 'NotFound': {
      const code: string = result.code;
      void code;
      break;
    }
    default: {
      const exhaustive: never = result;
      void exhaustive;
    }
  }
  type _resultNotAny = Assert<Equal<IsAny<typeof result>, false>>;

  // The documents are exported typed, for urql (or any TypedDocumentNode client) in the admin UI.
  const data = (await parkpass.urql.query(ProfilesDocument, { first: 5 }).toPromise()).data;
  type _documentData = Assert<Equal<typeof data, ProfilesQuery | undefined>>;

  try {
    await parkpass.viewer();
  } catch (error) {
    if (error instanceof ParkpassError) {
      const code: ParkpassErrorCode = error.code;
      void code;
      if (error.code === 'FEATURE_NOT_IN_PLAN' || error.code === 'NETWORK_ERROR') void error.details;
      // @ts-expect-error error codes are a union, not any string: a misspelled one does not compile
      if (error.code === 'FEATURE_NOT_IN_PLANS') void error.details;
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
    default:
      return `${event.type}: ${WEBHOOK_EVENT_FIELDS[event.type].join(', ')}`;
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

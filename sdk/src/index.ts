// @parkpass/sdk: a typed client for the Parkpass API, and the typed GraphQL
// documents it is built on (for urql, Apollo or any TypedDocumentNode client).
export { createClient, paginate, type BulkInvitation, type ClientOptions, type ParkpassClient, type Profile, type Selection } from './client.ts';
export { ParkpassError, type ParkpassErrorCode } from './errors.ts';
export {
  verifyWebhook,
  WebhookVerificationError,
  WEBHOOK_EVENT_FIELDS,
  type WebhookEvent,
  type WebhookEventDataMap,
  type WebhookEventType as WebhookEventName,
} from './webhooks.ts';
export * from './generated/graphql.ts';

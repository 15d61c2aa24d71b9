// @parkpass/sdk: a typed client for the Parkpass API, and the typed GraphQL
// documents it is built on (for urql, Apollo or any TypedDocumentNode client).
export * from './client.ts';
export * from './errors.ts';
export type { TypedDocumentNode } from './typed-document-node.ts';
export {
  verifyWebhook,
  WebhookVerificationError,
  WEBHOOK_EVENT_FIELDS,
  type WebhookEvent,
  type WebhookEventDataMap,
  type WebhookEventType as WebhookEventName,
} from './webhooks.ts';
export * from './generated/graphql.ts';

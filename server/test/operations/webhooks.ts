import {
  WebhookAttemptsDocument,
  WebhookDeliveryRetryDocument,
  WebhookEndpointCreateDocument,
  type WebhookEndpointCreateInput,
  WebhookEndpointDeleteDocument,
  WebhookEndpointRotateSecretDocument,
  WebhookEndpointStatesDocument,
  WebhookEndpointUpdateDocument,
  type WebhookEndpointUpdateInput,
  WebhookFailuresDocument,
} from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** Webhook endpoints and their deliveries (server/test/documents/webhooks.graphql). Ids are global ids. */
export const webhookOperations = (call: Call) => ({
  webhookEndpointCreate: async (input: WebhookEndpointCreateInput) => (await call(WebhookEndpointCreateDocument, { input })).webhookEndpointCreate,
  webhookEndpointUpdate: async (id: string, input: WebhookEndpointUpdateInput) =>
    (await call(WebhookEndpointUpdateDocument, { id, input })).webhookEndpointUpdate,
  webhookEndpointRotateSecret: async (id: string) => (await call(WebhookEndpointRotateSecretDocument, { id })).webhookEndpointRotateSecret,
  webhookEndpointDelete: async (id: string) => (await call(WebhookEndpointDeleteDocument, { id })).webhookEndpointDelete,
  webhookDeliveryRetry: async (id: string) => (await call(WebhookDeliveryRetryDocument, { id })).webhookDeliveryRetry,
  /** Every endpoint: url, enabled, why and when disabled. */
  webhookEndpointStates: async () => (await call(WebhookEndpointStatesDocument, {})).webhookEndpoints,
  /** The first endpoints with their deliveries and each delivery's attempts. */
  webhookAttempts: async () => (await call(WebhookAttemptsDocument, {})).webhookEndpoints,
  /** The disabled endpoints with their deliveries, and the audit events of endpoints disabled. */
  webhookFailures: async () => await call(WebhookFailuresDocument, {}),
});

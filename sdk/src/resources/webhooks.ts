import {
  type Answered,
  answered,
  asFirstAttempt,
  type Caller,
  type CallOptions,
  type NonNull,
  notFound,
  orThrow,
  type Page,
  type PageArgs,
  type Success,
  type WriteOptions,
} from '../call.ts';
import {
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
} from '../generated/graphql.ts';

export type WebhookEndpoint = WebhookEndpointsQuery['webhookEndpoints']['edges'][number]['node'];
export type WebhookEndpointSecretResult = Success<WebhookEndpointCreateMutation['webhookEndpointCreate']>;
export type WebhookEndpointUpdateResult = Success<WebhookEndpointUpdateMutation['webhookEndpointUpdate']>;
export type WebhookEndpointDeleteResult = Success<WebhookEndpointDeleteMutation['webhookEndpointDelete']>;
export type WebhookEndpointRotateSecretResult = Success<WebhookEndpointRotateSecretMutation['webhookEndpointRotateSecret']>;
export type WebhookDeliveryRetryResult = Success<WebhookDeliveryRetryMutation['webhookDeliveryRetry']>;
type WebhookDeliveriesNode = NonNull<WebhookDeliveriesQuery['node']>;
export type WebhookDeliveriesPage = Extract<WebhookDeliveriesNode, { deliveries: unknown }>['deliveries'];
export type WebhookDelivery = WebhookDeliveriesPage['edges'][number]['node'];

/** Outbound webhooks: endpoints, their deliveries and attempts (verify requests with verifyWebhook). */
export function webhooksResource(caller: Caller) {
  return {
    /** One page of the organization's webhook endpoints, newest first (`disabled: true`: those turned off, e.g. for failing). */
    list: async (args: { disabled?: boolean | undefined } & PageArgs = {}, call?: CallOptions): Promise<Answered<Page<WebhookEndpoint>>> => {
      const answer = await caller.query('webhooks.list', WebhookEndpointsDocument, args, call);
      return answered(answer.data.webhookEndpoints, answer);
    },
    /**
     * Adds an endpoint; its `secret` (for verifyWebhook) is in this result. Idempotent: a retry, or the same `idempotencyKey`
     * again (by the same caller), answers the endpoint the first call added and its secret, and adds no second one.
     */
    create: async (input: Omit<WebhookEndpointCreateInput, 'idempotencyKey'>, call?: WriteOptions): Promise<Answered<WebhookEndpointSecretResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate('webhooks.create', WebhookEndpointCreateDocument, { input: { ...input, idempotencyKey } }, call, {
        idempotent: true,
        idempotencyKey,
      });
      return asFirstAttempt(orThrow('webhooks.create', answer.data.webhookEndpointCreate, answer), !call?.idempotencyKey);
    },
    /** Changes the URL or events, or disables / enables it (enabling resumes what waited). */
    update: async (id: string, input: WebhookEndpointUpdateInput, call?: CallOptions): Promise<Answered<WebhookEndpointUpdateResult>> => {
      const answer = await caller.mutate('webhooks.update', WebhookEndpointUpdateDocument, { id, input }, call, { idempotent: true });
      return orThrow('webhooks.update', answer.data.webhookEndpointUpdate, answer);
    },
    delete: async (id: string, call?: CallOptions): Promise<Answered<WebhookEndpointDeleteResult>> => {
      const answer = await caller.mutate('webhooks.delete', WebhookEndpointDeleteDocument, { id }, call, { idempotent: true });
      return orThrow('webhooks.delete', answer.data.webhookEndpointDelete, answer);
    },
    /** A new secret, in this result only; the previous one also signs for 24 hours. */
    rotateSecret: async (id: string, call?: CallOptions): Promise<Answered<WebhookEndpointRotateSecretResult>> => {
      const answer = await caller.mutate('webhooks.rotateSecret', WebhookEndpointRotateSecretDocument, { id }, call, { idempotent: false });
      return orThrow('webhooks.rotateSecret', answer.data.webhookEndpointRotateSecret, answer);
    },
    /** One page of an endpoint's deliveries, newest first, each with its latest attempts; throws NOT_FOUND for an unknown endpoint. */
    deliveries: async (
      endpointId: string,
      args: { states?: readonly WebhookDeliveryState[] | undefined; attempts?: number | undefined } & PageArgs = {},
      call?: CallOptions,
    ): Promise<Answered<WebhookDeliveriesPage>> => {
      const variables = { endpointId, ...args, states: args.states ? [...args.states] : undefined };
      const answer = await caller.query('webhooks.deliveries', WebhookDeliveriesDocument, variables, call);
      const node = answer.data.node;
      if (!node || !('deliveries' in node)) throw notFound('webhooks.deliveries', 'webhook endpoint', answer);
      return answered(node.deliveries, answer);
    },
    /** Sends a FAILED delivery again now. */
    retry: async (deliveryId: string, call?: CallOptions): Promise<Answered<WebhookDeliveryRetryResult>> => {
      const answer = await caller.mutate('webhooks.retry', WebhookDeliveryRetryDocument, { id: deliveryId }, call, { idempotent: true });
      return orThrow('webhooks.retry', answer.data.webhookDeliveryRetry, answer);
    },
  };
}

/** `parkpass.webhooks`. */
export interface WebhooksResource extends ReturnType<typeof webhooksResource> {}

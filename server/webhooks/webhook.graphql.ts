import { globalIdOf } from '../kernel/global-ids.ts';
import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { idempotencyKeyDescription, wasReplayed } from '../kernel/idempotency.ts';
import type { AuthenticatedContext } from '../graphql/context.ts';
import { describedEnumValues } from '../graphql/described-enum.ts';
import { IdempotencyKeyReusedError, InvalidInputError, NotFoundError, WebhookEndpointLimitReachedError, WebhookUrlRefusedError } from '../kernel/errors.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../generated/prisma/client.ts';
import { organizationIdOf } from '../graphql/organization-scope.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  MAX_WEBHOOK_ENDPOINTS,
  MAX_WEBHOOK_URL_LENGTH,
  retryWebhookDelivery,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
  type WebhookUrlPolicy,
} from './webhook-endpoint-service.ts';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS, type WebhookEventType, webhookEventTypeOfEnum } from '../kernel/webhook-events.ts';

// Outbound webhooks in the API: endpoints (MANAGE_WEBHOOKS in the access
// table), their deliveries and every attempt. The rules are in
// webhook-endpoint-service.ts; sending is webhook-delivery.ts.

const urlPolicy = (context: AuthenticatedContext): WebhookUrlPolicy => ({ allowPrivateAddresses: context.webhookPrivateAddresses });

type EventEnumName = (typeof WEBHOOK_EVENTS)[WebhookEventType]['enumName'];

export const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  description: 'An event an endpoint can receive; the `type` in the JSON body is the wire name given in each description.',
  values: Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      WEBHOOK_EVENTS[type].enumName,
      { value: WEBHOOK_EVENTS[type].enumName, description: `\`${type}\`: ${WEBHOOK_EVENTS[type].description}` },
    ]),
  ) as Record<EventEnumName, { value: EventEnumName; description: string }>,
});

const DisabledReasonEnum = builder.enumType('WebhookEndpointDisabledReason', {
  description: 'Why an endpoint receives nothing.',
  values: describedEnumValues({
    MANUAL: 'An admin or API key disabled it.',
    FAILING: 'Parkpass disabled it: every delivery to it failed for three days. Fix the receiver, then enable it again (pending deliveries resume).',
    SECRET_HOLDER_REMOVED:
      'Parkpass disabled it: the admin or API key that last saw its secret or chose its URL (by creating it, rotating its secret or changing its URL) was removed or revoked, or the admin who created that key was removed. Enabling it is refused until its secret is rotated (webhookEndpointRotateSecret; the previous secret then stops at once and the endpoint stays disabled): check its URL, then enable it.',
  }),
});

const DeliveryStateEnum = builder.enumType('WebhookDeliveryState', {
  description: 'Where a delivery of an event to an endpoint stands.',
  values: describedEnumValues({
    PENDING: 'Not yet acknowledged: waiting for its next attempt (`nextAttemptAt`).',
    DELIVERED: 'The endpoint answered 2xx.',
    FAILED: 'Every attempt failed for about three days; no more attempts (webhookDeliveryRetry sends it again).',
  }),
});

const AttemptOutcomeEnum = builder.enumType('WebhookAttemptOutcome', {
  description: 'How one attempt went.',
  values: describedEnumValues({
    SUCCESS: 'The endpoint answered 2xx.',
    HTTP_ERROR: 'The endpoint answered something else (redirects included: they are not followed).',
    TIMEOUT: 'No complete answer in time (10 seconds).',
    NETWORK_ERROR: 'The endpoint could not be reached (DNS, connection refused or reset, TLS).',
    ADDRESS_REFUSED: 'Not sent: the URL resolved to a loopback, private, link-local or other non-public address (production).',
  }),
});

// Registered for the deliveries' attempts connection (found by its model name).
builder.prismaObject('WebhookAttempt', {
  description: 'One HTTP request of a delivery.',
  fields: (t) => ({
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime', description: 'When it was sent.' }),
    durationMs: t.exposeInt('durationMs', { description: 'How long until the answer (or the failure), in milliseconds.' }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: 'The HTTP status answered; null when there was no answer.' }),
    outcome: t.expose('outcome', { type: AttemptOutcomeEnum, description: 'How it went.' }),
    error: t.exposeString('error', {
      nullable: true,
      description:
        'What went wrong, in a few coarse words (`HTTP 500`, `timeout`, `connection refused`, `connection reset`, `name not resolved`, `TLS error`, ' +
        '`address not allowed`, `network error`…), never an address or a system message; null on success. The response body is never kept.',
    }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  nullable: true,
  description: 'One event sent to one endpoint, retried with exponential back-off for about three days until it is acknowledged.',
  id: { field: 'id', description: 'Global id of the delivery.' },
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
  authScopes: { allowed: 'MANAGE_WEBHOOKS' },
  fields: (t) => ({
    eventId: t.exposeString('eventId', {
      description: 'The `webhook-id` header: the same for every attempt and every endpoint of the event; receivers drop repeats by it.',
    }),
    eventType: t.field({
      type: WebhookEventTypeEnum,
      select: { event: { select: { type: true } } },
      description: 'The event.',
      resolve: (delivery) => WEBHOOK_EVENTS[delivery.event.type as WebhookEventType].enumName,
    }),
    payload: t.string({
      select: { event: { select: { payload: true } } },
      description: 'The JSON body, exactly as sent and signed.',
      resolve: (delivery) => delivery.event.payload,
    }),
    state: t.expose('state', { type: DeliveryStateEnum, description: 'Where it stands.' }),
    attemptCount: t.exposeInt('attemptCount', { description: 'Attempts made so far (since the last retry asked for).' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When it is tried next, while PENDING.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When it was last tried.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the endpoint acknowledged it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event happened and the delivery was written.' }),
    endpoint: t.relation('endpoint', { description: 'The endpoint it goes to.' }),
    attempts: t.relatedConnection(
      'attempts',
      { cursor: 'id', defaultSize: 20, maxSize: 100, totalCount: true, query: { orderBy: { id: 'desc' } }, description: 'Its attempts, newest first.' },
      { name: 'WebhookAttemptConnection', description: 'A page of attempts, with the total.' },
      { name: 'WebhookAttemptEdge', description: 'An attempt in a page, with its cursor.' },
    ),
  }),
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  nullable: true,
  description:
    "A URL of an integration that receives the organization's events as signed POST requests (Standard Webhooks: webhook-id, " +
    'webhook-timestamp and webhook-signature headers). Its secret is shown only when created or rotated.',
  id: { field: 'id', description: 'Global id of the endpoint.' },
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
  authScopes: { allowed: 'MANAGE_WEBHOOKS' },
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where events are POSTed.' }),
    eventTypes: t.field({
      type: [WebhookEventTypeEnum],
      description: 'The events it receives.',
      resolve: (endpoint) => endpoint.eventTypes.map((type) => WEBHOOK_EVENTS[type as WebhookEventType].enumName),
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether events are sent to it. Disabled endpoints receive nothing new.' }),
    disabledReason: t.expose('disabledReason', {
      type: DisabledReasonEnum,
      nullable: true,
      description: 'Why it is disabled; FAILING when Parkpass disabled it after three days of failures.',
    }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was disabled.' }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'The first failed attempt since its last success; null when the last attempt succeeded. After three days it is disabled.',
    }),
    previousSecretExpiresAt: t.expose('previousSecretExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'After a rotation, messages are also signed with the previous secret until then.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        cursor: 'id',
        defaultSize: 20,
        maxSize: 100,
        totalCount: true,
        args: { states: t.arg({ type: [DeliveryStateEnum], description: 'Only deliveries in these states.' }) },
        query: (args) => ({ where: args.states ? { state: { in: args.states } } : {}, orderBy: { id: 'desc' } }),
        description: 'Its deliveries, newest first.',
      },
      { name: 'WebhookDeliveryConnection', description: 'A page of deliveries, with the total.' },
      { name: 'WebhookDeliveryEdge', description: 'A delivery in a page, with its cursor.' },
    ),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.withAuth({ allowed: 'MANAGE_WEBHOOKS' }).prismaConnection(
    {
      type: WebhookEndpointRef,
      cursor: 'id',
      defaultSize: 20,
      maxSize: 100,
      description: `The organization's webhook endpoints (at most ${MAX_WEBHOOK_ENDPOINTS}), newest first; \`disabled: true\` lists the ones that receive nothing.`,
      args: { disabled: t.arg.boolean({ description: 'true: only disabled endpoints (e.g. turned off for failing); false: only enabled ones.' }) },
      totalCount: (_parent, args, context) => context.scope.db.webhookEndpoint.count({ where: enabledFilter(args.disabled) }),
      resolve: (query, _root, args, context) =>
        context.scope.db.webhookEndpoint.findMany({ ...query, where: enabledFilter(args.disabled), orderBy: { id: 'desc' } }),
    },
    { name: 'WebhookEndpointConnection', description: 'A page of webhook endpoints, with the total.' },
    { name: 'WebhookEndpointEdge', description: 'A webhook endpoint in a page, with its cursor.' },
  ),
}));

const enabledFilter = (disabled: boolean | null | undefined) => (typeof disabled === 'boolean' ? { enabled: !disabled } : {});

const urlDescription = `Where to POST events: an absolute http(s) URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters, without user name or password. In production, loopback, private and link-local addresses are refused (WebhookUrlRefused).`;

const WebhookEndpointCreateInput = builder.inputType('WebhookEndpointCreateInput', {
  description: 'A new webhook endpoint.',
  fields: (t) => ({
    url: t.string({ required: true, description: urlDescription }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], required: true, description: 'The events it receives (at least one).' }),
    enabled: t.boolean({ description: 'Whether events are sent to it from now on (default true).' }),
    idempotencyKey: t.string({
      description: `${idempotencyKeyDescription('endpoint')} A replay answers the endpoint's current secret too, and only to the caller who sent the key first.`,
    }),
  }),
});

const WebhookEndpointUpdateInput = builder.inputType('WebhookEndpointUpdateInput', {
  description: 'What changes; fields left out stay as they are.',
  fields: (t) => ({
    url: t.string({ description: urlDescription }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: 'The events it receives (at least one).' }),
    enabled: t.boolean({ description: 'false stops sending (deliveries wait); true resumes, also after Parkpass disabled it for failing.' }),
  }),
});

const toEventTypes = (names: readonly string[] | null | undefined) => names?.map(webhookEventTypeOfEnum);

const WebhookEndpointSecretPayload = builder.objectRef<{ endpoint: WebhookEndpoint; secret: string }>('WebhookEndpointSecretPayload').implement({
  description: 'The endpoint and its signing secret.',
  fields: (t) => ({
    webhookEndpoint: t.field({ type: WebhookEndpointRef, description: 'The endpoint.', resolve: (payload) => payload.endpoint }),
    secret: t.exposeString('secret', {
      description: 'The signing secret ("whsec_…", Standard Webhooks\' format): verify each request with it (the SDK\'s verifyWebhook). Shown this once.',
    }),
    replayed: t.boolean({
      description:
        'True when an earlier webhookEndpointCreate with the same idempotency key added this endpoint (nothing was added now); always false for a rotation.',
      resolve: (payload) => wasReplayed(payload),
    }),
  }),
});

const WebhookEndpointPayload = builder.objectRef<{ endpoint: WebhookEndpoint }>('WebhookEndpointPayload').implement({
  description: 'The endpoint as it now is.',
  fields: (t) => ({ webhookEndpoint: t.field({ type: WebhookEndpointRef, description: 'The endpoint.', resolve: (payload) => payload.endpoint }) }),
});

const WebhookEndpointDeletePayload = builder.objectRef<{ id: string }>('WebhookEndpointDeletePayload').implement({
  description: 'The endpoint was deleted, with its deliveries.',
  fields: (t) => ({
    deletedWebhookEndpointId: t.id({
      description: 'Global id of the deleted endpoint.',
      resolve: (endpoint) => globalIdOf('WebhookEndpoint', endpoint.id),
    }),
  }),
});

const WebhookDeliveryPayload = builder.objectRef<{ delivery: WebhookDelivery }>('WebhookDeliveryPayload').implement({
  description: 'The delivery as it now is.',
  fields: (t) => ({ webhookDelivery: t.field({ type: WebhookDeliveryRef, description: 'The delivery.', resolve: (payload) => payload.delivery }) }),
});

builder.mutationFields((t) => ({
  webhookEndpointCreate: t.withAuth({ allowed: 'MANAGE_WEBHOOKS' }).field({
    type: WebhookEndpointSecretPayload,
    description: 'Adds a webhook endpoint. Store its secret at once: it is never shown again (webhookEndpointRotateSecret makes a new one).',
    errors: {
      types: [InvalidInputError, WebhookUrlRefusedError, WebhookEndpointLimitReachedError, IdempotencyKeyReusedError, NotFoundError, ...accessRefusals],
    },
    args: { input: t.arg({ type: WebhookEndpointCreateInput, required: true, description: 'The new endpoint.' }) },
    resolve: (_root, { input }, context) =>
      createWebhookEndpoint(
        context.scope,
        urlPolicy(context),
        { url: input.url, eventTypes: toEventTypes(input.eventTypes)!, enabled: input.enabled },
        input.idempotencyKey,
      ),
  }),
  webhookEndpointUpdate: t.withAuth({ allowed: 'MANAGE_WEBHOOKS' }).field({
    type: WebhookEndpointPayload,
    description: "Changes an endpoint's URL or events, or disables or enables it.",
    errors: { types: [InvalidInputError, WebhookUrlRefusedError, NotFoundError, ...accessRefusals] },
    args: {
      id: t.arg.globalID({ for: WebhookEndpointRef, required: true, description: 'Global id of the endpoint.' }),
      input: t.arg({ type: WebhookEndpointUpdateInput, required: true, description: 'What changes.' }),
    },
    resolve: async (_root, { id, input }, context) => ({
      endpoint: await updateWebhookEndpoint(context.scope, urlPolicy(context), id.id, {
        url: input.url,
        eventTypes: toEventTypes(input.eventTypes),
        enabled: input.enabled,
      }),
    }),
  }),
  webhookEndpointDelete: t.withAuth({ allowed: 'MANAGE_WEBHOOKS' }).field({
    type: WebhookEndpointDeletePayload,
    description: 'Deletes an endpoint, its deliveries and their attempts. Nothing more is sent to it.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: WebhookEndpointRef, required: true, description: 'Global id of the endpoint.' }) },
    resolve: (_root, { id }, context) => deleteWebhookEndpoint(context.scope, id.id),
  }),
  webhookEndpointRotateSecret: t.withAuth({ allowed: 'MANAGE_WEBHOOKS' }).field({
    type: WebhookEndpointSecretPayload,
    description:
      'Makes a new signing secret, shown this once. For 24 hours messages carry signatures with both the new and the previous secret, so the receiver can switch without losing any.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: WebhookEndpointRef, required: true, description: 'Global id of the endpoint.' }) },
    resolve: (_root, { id }, context) => rotateWebhookEndpointSecret(context.scope, id.id),
  }),
  webhookDeliveryRetry: t.withAuth({ allowed: 'MANAGE_WEBHOOKS' }).field({
    type: WebhookDeliveryPayload,
    description: 'Sends a FAILED delivery again now, with a fresh series of attempts (once its endpoint is enabled). Other deliveries are left as they are.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: WebhookDeliveryRef, required: true, description: 'Global id of the delivery.' }) },
    resolve: async (_root, { id }, context) => ({ delivery: await retryWebhookDelivery(context.scope, id.id) }),
  }),
}));

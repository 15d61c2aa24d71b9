import { enqueue } from '../outbox/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { RequestScope } from '../kernel/scope.ts';
import { InvalidInputError, NotFoundError, WebhookEndpointLimitReachedError, WebhookUrlRefusedError } from '../kernel/errors.ts';
import type { Prisma, WebhookEndpoint } from '../generated/prisma/client.ts';
import { parseRequiredText } from '../kernel/text-fields.ts';
import { webhookUrlProblem } from './webhook-address-guard.ts';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../kernel/webhook-events.ts';
import { endpointSecret, PREVIOUS_SECRET_GRACE_MS } from './webhook-secrets.ts';
import { idempotentCreate, oncePerCall } from '../kernel/idempotency.ts';

// The rules for an organization's webhook endpoints. Resolvers, and nothing
// else, call these; each write is one transaction with its audit event.

export const MAX_WEBHOOK_ENDPOINTS = 20;
export const MAX_WEBHOOK_URL_LENGTH = 2_000;

/** What the URL rules depend on: loopback, private and link-local URLs are allowed for local use, never in production. */
export interface WebhookUrlPolicy {
  allowPrivateAddresses: boolean;
}

export interface WebhookEndpointInput {
  url?: string | null;
  eventTypes?: readonly WebhookEventType[] | null;
  enabled?: boolean | null;
}

async function parseUrl(policy: WebhookUrlPolicy, raw: string | null | undefined, path: string[]): Promise<string> {
  const url = parseRequiredText(raw, path, MAX_WEBHOOK_URL_LENGTH);
  const problem = await webhookUrlProblem(url, policy.allowPrivateAddresses);
  if (problem) throw new WebhookUrlRefusedError(path, problem);
  return new URL(url).toString();
}

/** The reason an endpoint is disabled when whoever last saw its secret or chose its URL is removed or revoked. */
const HOLDER_REMOVED = 'SECRET_HOLDER_REMOVED' as const;

interface SecretHolder {
  secretKnownByAdminId: string | null;
  secretKnownByApiKeyId: string | null;
  /** The key acting was revoked while this request ran: the endpoint is written disabled. */
  removed: boolean;
}

/**
 * Who sees the secret or chooses the URL in this write, recorded on the endpoint so that removing that admin, or
 * revoking that key (or any key of that admin), disables it. A key's row is share-locked: a revocation running now
 * (or removing the admin who created the key, which revokes it) waits for this write and then finds the endpoint,
 * and a revocation that committed first is seen here.
 */
async function secretHolder(tx: Prisma.TransactionClient, scope: RequestScope): Promise<SecretHolder> {
  const { actor, organizationId } = scope.viewer;
  if (actor.kind !== 'API_KEY') return { secretKnownByAdminId: actor.kind === 'ADMIN' ? actor.id : null, secretKnownByApiKeyId: null, removed: false };
  const [live] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM api_key WHERE id = ${actor.id}::uuid AND organization_id = ${organizationId}::uuid AND revoked_at IS NULL FOR SHARE`;
  return { secretKnownByAdminId: null, secretKnownByApiKeyId: actor.id, removed: !live };
}

const holderRemoved = (now: Date) => ({ enabled: false, disabledReason: HOLDER_REMOVED, disabledAt: now });

function parseEventTypes(raw: readonly WebhookEventType[], path: string[]): WebhookEventType[] {
  const types = [...new Set(raw)];
  if (types.length === 0) throw new InvalidInputError(path, 'Choose at least one event type.');
  return WEBHOOK_EVENT_TYPES.filter((type) => types.includes(type));
}

/**
 * Adds an endpoint and answers its secret. With an idempotency key, a retry (by
 * the same caller, with the same input) answers the endpoint the first request
 * added, and its secret, rather than adding a second one.
 */
export async function createWebhookEndpoint(
  scope: RequestScope,
  policy: WebhookUrlPolicy,
  input: { url: string; eventTypes: readonly WebhookEventType[]; enabled?: boolean | null },
  idempotencyKey?: string | null,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = await parseUrl(policy, input.url, ['input', 'url']);
  const eventTypes = parseEventTypes(input.eventTypes, ['input', 'eventTypes']);
  const enabled = input.enabled ?? true;
  const organizationId = scope.viewer.organizationId;
  const withSecret = (endpoint: WebhookEndpoint) => ({
    id: endpoint.id,
    endpoint,
    secret: endpointSecret(scope.settings.invitationTokenSecret, endpoint.id, endpoint.secretVersion),
  });
  return scope.prisma.$transaction((tx) =>
    idempotentCreate(tx, {
      organizationId,
      operation: 'webhookEndpointCreate',
      key: idempotencyKey,
      callId: scope.callId,
      // The secret is answered again on a replay: only to the caller who asked first.
      input: { url, eventTypes, enabled, actor: scope.actor },
      load: async (id) => {
        const endpoint = await tx.webhookEndpoint.findFirst({ where: { id, organizationId } });
        return endpoint && withSecret(endpoint);
      },
      create: async () => withSecret(await insertEndpoint(tx, scope, { url, eventTypes, enabled })),
    }),
  );
}

async function insertEndpoint(
  tx: Prisma.TransactionClient,
  scope: RequestScope,
  { url, eventTypes, enabled }: { url: string; eventTypes: WebhookEventType[]; enabled: boolean },
): Promise<WebhookEndpoint> {
  const organizationId = scope.viewer.organizationId;
  // Locks the organization's row so two creates racing cannot pass the limit together.
  await tx.$queryRaw`SELECT id FROM organization WHERE id = ${organizationId}::uuid FOR UPDATE`;
  const count = await tx.webhookEndpoint.count({ where: { organizationId } });
  if (count >= MAX_WEBHOOK_ENDPOINTS) throw new WebhookEndpointLimitReachedError(MAX_WEBHOOK_ENDPOINTS);
  const { removed, ...holder } = await secretHolder(tx, scope);
  const endpoint = await tx.webhookEndpoint.create({
    data: {
      organizationId,
      url,
      eventTypes,
      enabled,
      disabledReason: enabled ? null : 'MANUAL',
      disabledAt: enabled ? null : scope.now,
      ...holder,
      ...(removed ? holderRemoved(scope.now) : {}),
      createdAt: scope.now,
    },
  });
  await recordAudit(tx, scope, {
    kind: 'WEBHOOK_ENDPOINT_CREATED',
    subjectId: endpoint.id,
    summary: `Added the webhook endpoint ${url} for ${eventTypes.join(', ')}${enabled ? '' : ' (disabled)'}.`,
  });
  return endpoint;
}

async function lockEndpoint(tx: Prisma.TransactionClient, scope: RequestScope, id: string): Promise<WebhookEndpoint> {
  const [locked] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM webhook_endpoint WHERE id = ${id}::uuid AND organization_id = ${scope.viewer.organizationId}::uuid FOR UPDATE`;
  if (!locked) throw new NotFoundError(['id'], 'webhook endpoint');
  return tx.webhookEndpoint.findUniqueOrThrow({ where: { id } });
}

/**
 * Changes the URL, the event types or whether it is enabled. Disabling stops
 * deliveries (they wait, and resume when enabled again); enabling clears a
 * disabling for failures and resumes at once. Whoever changes the URL answers
 * for the endpoint from then on (see secretHolder). An endpoint whose secret
 * holder was removed is enabled only after its secret was rotated.
 */
export async function updateWebhookEndpoint(scope: RequestScope, policy: WebhookUrlPolicy, id: string, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
  const url = input.url === undefined || input.url === null ? undefined : await parseUrl(policy, input.url, ['input', 'url']);
  const eventTypes = input.eventTypes ? parseEventTypes(input.eventTypes, ['input', 'eventTypes']) : undefined;
  return scope.prisma.$transaction(async (tx) => {
    const before = await lockEndpoint(tx, scope, id);
    const data: Prisma.WebhookEndpointUncheckedUpdateInput = {};
    const changed: string[] = [];
    if (url !== undefined && url !== before.url) {
      data.url = url;
      changed.push(`URL ${url}`);
    }
    if (eventTypes && eventTypes.join() !== before.eventTypes.join()) {
      data.eventTypes = eventTypes;
      changed.push(`events ${eventTypes.join(', ')}`);
    }
    if (input.enabled === true && before.disabledReason === HOLDER_REMOVED) {
      throw new InvalidInputError(
        ['input', 'enabled'],
        'Whoever last saw this secret or chose this URL was removed: rotate its secret and check its URL first, then enable it.',
      );
    }
    if (typeof input.enabled === 'boolean' && input.enabled !== before.enabled) {
      Object.assign(
        data,
        input.enabled
          ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }
          : { enabled: false, disabledReason: 'MANUAL', disabledAt: scope.now },
      );
      changed.push(input.enabled ? 'enabled' : 'disabled');
    }
    if (changed.length === 0) return before;
    if (data.url !== undefined) {
      const { removed, ...holder } = await secretHolder(tx, scope);
      Object.assign(data, holder, removed ? holderRemoved(scope.now) : {});
    }
    const endpoint = await tx.webhookEndpoint.update({ where: { id }, data });
    if (endpoint.enabled) await enqueue(tx, { job: { task: 'deliverWebhooks' } });
    await recordAudit(tx, scope, {
      kind: 'WEBHOOK_ENDPOINT_UPDATED',
      subjectId: id,
      summary: `Changed the webhook endpoint ${before.url}: ${changed.join('; ')}.`,
      changedFields: Object.keys(data).filter((field) => ['url', 'eventTypes', 'enabled'].includes(field)),
    });
    return endpoint;
  });
}

/**
 * Disables the endpoints whose secret or URL an admin, or an API key that
 * admin created, last set, in the transaction that removes the admin (before
 * the delete, which clears the admin's id from them): the endpoints must not
 * keep sending events to a URL they chose, signed with a secret they saw.
 * Answers how many were disabled (those already disabled for this reason are
 * not counted again).
 */
export async function disableEndpointsKnownToAdmin(tx: Prisma.TransactionClient, organizationId: string, adminId: string, now: Date): Promise<number> {
  return disableEndpoints(tx, organizationId, [{ secretKnownByAdminId: adminId }, { secretKnownByApiKey: { createdByAdminId: adminId } }], now);
}

/** The same, for the endpoints whose secret or URL an API key last set, in the transaction that revokes it. */
export async function disableEndpointsKnownToApiKey(tx: Prisma.TransactionClient, organizationId: string, apiKeyId: string, now: Date): Promise<number> {
  return disableEndpoints(tx, organizationId, [{ secretKnownByApiKeyId: apiKeyId }], now);
}

async function disableEndpoints(tx: Prisma.TransactionClient, organizationId: string, holders: Prisma.WebhookEndpointWhereInput[], now: Date) {
  const { count } = await tx.webhookEndpoint.updateMany({
    // "not this reason" leaves out a null reason in SQL, hence both.
    where: { organizationId, OR: holders, AND: { OR: [{ disabledReason: null }, { disabledReason: { not: HOLDER_REMOVED } }] } },
    data: holderRemoved(now),
  });
  return count;
}

/** Deletes an endpoint with its deliveries and their attempts. */
export async function deleteWebhookEndpoint(scope: RequestScope, id: string): Promise<{ id: string }> {
  return scope.prisma.$transaction((tx) =>
    oncePerCall(tx, {
      organizationId: scope.viewer.organizationId,
      operation: 'webhookEndpointDelete',
      callId: scope.callId,
      input: { id },
      keep: (deleted) => deleted.id,
      answerAgain: (kept) => ({ id: kept as string }),
      run: async () => {
        const endpoint = await lockEndpoint(tx, scope, id);
        await tx.webhookEndpoint.delete({ where: { id } });
        await recordAudit(tx, scope, { kind: 'WEBHOOK_ENDPOINT_DELETED', subjectId: id, summary: `Deleted the webhook endpoint ${endpoint.url}.` });
        return { id: endpoint.id };
      },
    }),
  );
}

/**
 * A new secret, returned this once; the previous one still signs (alongside) for 24 hours. Whoever rotates answers
 * for the endpoint from then on (see secretHolder). On an endpoint disabled because its secret holder was removed,
 * the previous secret stops at once and the endpoint stays disabled (MANUAL): the one who rotated checks the URL and
 * enables it.
 */
export async function rotateWebhookEndpointSecret(scope: RequestScope, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  return scope.prisma.$transaction(async (tx) => {
    const before = await lockEndpoint(tx, scope, id);
    const { removed, ...holder } = await secretHolder(tx, scope);
    const compromised = before.disabledReason === HOLDER_REMOVED;
    const endpoint = await tx.webhookEndpoint.update({
      where: { id },
      data: {
        secretVersion: before.secretVersion + 1,
        previousSecretExpiresAt: compromised ? null : new Date(scope.now.getTime() + PREVIOUS_SECRET_GRACE_MS),
        ...holder,
        ...(compromised ? { disabledReason: 'MANUAL' } : {}),
        ...(removed ? holderRemoved(scope.now) : {}),
      },
    });
    await recordAudit(tx, scope, {
      kind: 'WEBHOOK_ENDPOINT_SECRET_ROTATED',
      subjectId: id,
      summary: compromised
        ? `Rotated the secret of the webhook endpoint ${endpoint.url}, disabled since whoever last set its secret or URL was removed; the previous secret no longer signs and the endpoint stays disabled until enabled.`
        : `Rotated the secret of the webhook endpoint ${endpoint.url}; the previous one also signs for 24 hours.`,
    });
    return { endpoint, secret: endpointSecret(scope.settings.invitationTokenSecret, endpoint.id, endpoint.secretVersion) };
  });
}

/** Sends a FAILED delivery again now, as a new series of attempts; any other delivery is left as it is. */
export async function retryWebhookDelivery(scope: RequestScope, deliveryId: string) {
  return scope.prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: deliveryId, organizationId: scope.viewer.organizationId, state: 'FAILED' },
      data: { state: 'PENDING', nextAttemptAt: scope.now, attemptCount: 0 },
    });
    const delivery = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, organizationId: scope.viewer.organizationId } });
    if (!delivery) throw new NotFoundError(['id'], 'webhook delivery');
    if (count > 0) await enqueue(tx, { job: { task: 'deliverWebhooks' } });
    return delivery;
  });
}

import { accessRefusals, RoleEnum } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { InvalidInputError, NotFoundError } from '../kernel/errors.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import { createApiKey, revokeApiKey } from './api-key-service.ts';

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A key an integration calls the API with ("Authorization: Bearer ppk_…"). Its secret is shown only when created.',
  id: { field: 'id', description: 'Global id of the key.' },
  findUnique: inCallerOrganization('ApiKey'),
  authScopes: (key, context) => (context.viewer?.actor.kind === 'API_KEY' && context.viewer.actor.id === key.id) || { allowed: 'MANAGE_API_KEYS' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the key is for, e.g. "HR sync".' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to recognise the key.' }),
    role: t.expose('role', { type: RoleEnum, description: 'What calls with this key may do.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'When the key was last used (to the minute); null if never.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When the key was revoked; null while it works.' }),
    createdBy: t.relation('createdBy', {
      nullable: true,
      description: 'The admin who created it; null when made by another key or the admin was removed.',
    }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.withAuth({ allowed: 'MANAGE_API_KEYS' }).prismaConnection(
    {
      type: ApiKeyRef,
      cursor: 'id',
      defaultSize: 50,
      maxSize: 500,
      description: "The organization's API keys, newest first, revoked ones included.",
      totalCount: (_parent, _args, context) => context.scope.db.apiKey.count(),
      resolve: (query, _root, _args, context) => context.scope.db.apiKey.findMany({ ...query, orderBy: [{ id: 'desc' }] }),
    },
    { name: 'ApiKeyConnection', description: 'A page of API keys, with the total.' },
    { name: 'ApiKeyEdge', description: 'An API key in a page, with its cursor.' },
  ),
}));

const ApiKeyCreateInput = builder.inputType('ApiKeyCreateInput', {
  description: 'A new API key.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the key is for (1 to 100 characters).' }),
    role: t.field({ type: RoleEnum, required: true, description: "What calls with the key may do; at most the caller's own role." }),
  }),
});

const ApiKeyCreatePayload = builder.objectRef<{ apiKey: ApiKey; secret: string }>('ApiKeyCreatePayload').implement({
  description: 'The new key and its secret.',
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, description: 'The key.', resolve: (payload) => payload.apiKey }),
    secret: t.exposeString('secret', { description: 'The secret to send as "Authorization: Bearer <secret>". Shown this once: only its hash is kept.' }),
  }),
});

const ApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>('ApiKeyPayload').implement({
  description: 'The key as it now is.',
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, description: 'The key.', resolve: (payload) => payload.apiKey }) }),
});

builder.mutationFields((t) => ({
  apiKeyCreate: t.withAuth({ allowed: 'MANAGE_API_KEYS' }).field({
    type: ApiKeyCreatePayload,
    description: 'Creates an API key. Store its secret at once: it is never shown again.',
    errors: { types: [InvalidInputError, ...accessRefusals] },
    args: { input: t.arg({ type: ApiKeyCreateInput, required: true, description: 'The new key.' }) },
    resolve: (_root, { input }, context) => createApiKey(context.scope, input),
  }),
  apiKeyRevoke: t.withAuth({ allowed: 'MANAGE_API_KEYS' }).field({
    type: ApiKeyPayload,
    description: 'Revokes an API key: calls with it fail from now on. Revoking a revoked key changes nothing.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: ApiKeyRef, required: true, description: 'Global id of the key.' }) },
    resolve: async (_root, { id }, context) => ({
      apiKey: await revokeApiKey(context.scope, id.id),
    }),
  }),
}));

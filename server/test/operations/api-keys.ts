import { ApiKeyCreateDocument, type ApiKeyCreateInput, ApiKeyRevocationsDocument, ApiKeyRevokeDocument, ApiKeysDocument } from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** API keys (server/test/documents/api-keys.graphql). Ids are global ids. */
export const apiKeyOperations = (call: Call) => ({
  apiKeyCreate: async (input: ApiKeyCreateInput) => (await call(ApiKeyCreateDocument, { input })).apiKeyCreate,
  apiKeyRevoke: async (id: string) => (await call(ApiKeyRevokeDocument, { id })).apiKeyRevoke,
  apiKeys: async () => (await call(ApiKeysDocument, {})).apiKeys,
  /** Every key with when it was revoked. */
  apiKeyRevocations: async () => (await call(ApiKeyRevocationsDocument, {})).apiKeys,
});

import { type Answered, answered, type Caller, type CallOptions, orThrow, type Page, type PageArgs, paginate, type Success } from '../call.ts';
import {
  AdminLoginDocument,
  type AdminLoginMutation,
  AdminLogoutDocument,
  type AdminLogoutMutation,
  ApiKeyCreateDocument,
  type ApiKeyCreateMutation,
  ApiKeyRevokeDocument,
  type ApiKeyRevokeMutation,
  ApiKeysDocument,
  type ApiKeysQuery,
  type AuditEventFilter,
  AuditEventsDocument,
  type AuditEventsQuery,
  type Role,
} from '../generated/graphql.ts';

export type ApiKey = ApiKeysQuery['apiKeys']['edges'][number]['node'];
export type ApiKeyCreateResult = Success<ApiKeyCreateMutation['apiKeyCreate']>;
export type ApiKeyRevokeResult = Success<ApiKeyRevokeMutation['apiKeyRevoke']>;
export type AdminLoginResult = Success<AdminLoginMutation['adminLogin']>;
export type AdminLogoutResult = Success<AdminLogoutMutation['adminLogout']>;
export type AuditEvent = AuditEventsQuery['auditEvents']['edges'][number]['node'];

/** API keys: managed by a signed-in admin (`token`), never by an API key. */
export function apiKeysResource(caller: Caller) {
  const apiKeys = {
    list: async (args: PageArgs = {}, call?: CallOptions): Promise<Answered<Page<ApiKey>>> => {
      const answer = await caller.query('apiKeys.list', ApiKeysDocument, args, call);
      return answered(answer.data.apiKeys, answer);
    },
    all: (args: { pageSize?: number | undefined } = {}, call?: CallOptions): AsyncGenerator<ApiKey> =>
      paginate((after) => apiKeys.list({ first: args.pageSize ?? 100, after }, call)),
    /** Creates a key; its `secret` is in this result only, so it takes no idempotency key and is never retried (a retry would make a second key). */
    create: async (input: { name: string; role: Role }, call?: CallOptions): Promise<Answered<ApiKeyCreateResult>> => {
      const answer = await caller.mutate('apiKeys.create', ApiKeyCreateDocument, { input }, call, { idempotent: false });
      return orThrow('apiKeys.create', answer.data.apiKeyCreate, answer);
    },
    revoke: async (id: string, call?: CallOptions): Promise<Answered<ApiKeyRevokeResult>> => {
      const answer = await caller.mutate('apiKeys.revoke', ApiKeyRevokeDocument, { id }, call, { idempotent: true });
      return orThrow('apiKeys.revoke', answer.data.apiKeyRevoke, answer);
    },
  };
  return apiKeys;
}

/** Signing in and out as an admin (integrations use API keys). */
export function adminResource(caller: Caller) {
  return {
    login: async (email: string, password: string, call?: CallOptions): Promise<Answered<AdminLoginResult>> => {
      const answer = await caller.mutate('admin.login', AdminLoginDocument, { input: { email, password } }, call, { idempotent: false });
      return orThrow('admin.login', answer.data.adminLogin, answer);
    },
    logout: async (call?: CallOptions): Promise<Answered<AdminLogoutResult>> => {
      const answer = await caller.mutate('admin.logout', AdminLogoutDocument, {}, call, { idempotent: false });
      return orThrow('admin.logout', answer.data.adminLogout, answer);
    },
  };
}

/** The audit trail, newest first. */
export function auditResource(caller: Caller) {
  const audit = {
    events: async (args: { filter?: AuditEventFilter | undefined } & PageArgs = {}, call?: CallOptions): Promise<Answered<Page<AuditEvent>>> => {
      const answer = await caller.query('audit.events', AuditEventsDocument, args, call);
      return answered(answer.data.auditEvents, answer);
    },
    all: (args: { filter?: AuditEventFilter | undefined; pageSize?: number | undefined } = {}, call?: CallOptions): AsyncGenerator<AuditEvent> =>
      paginate((after) => audit.events({ filter: args.filter, first: args.pageSize ?? 200, after }, call)),
  };
  return audit;
}

/** `parkpass.apiKeys`. */
export interface ApiKeysResource extends ReturnType<typeof apiKeysResource> {}
/** `parkpass.admin`. */
export interface AdminResource extends ReturnType<typeof adminResource> {}
/** `parkpass.audit`. */
export interface AuditResource extends ReturnType<typeof auditResource> {}

// @parkpass/sdk: a typed client for the Parkpass API, and the typed GraphQL
// documents it is built on (for urql, Apollo or any TypedDocumentNode client).
export {
  type Answered,
  type CallOptions,
  type CreateOptions,
  type Cursor,
  type Page,
  type PageArgs,
  type PageRows,
  paginate,
  type ReadonlyLists,
  type WriteOptions,
} from './call.ts';
export * from './client.ts';
export * from './errors.ts';
export type {
  BulkInvitation,
  BulkInvitationListItem,
  BulkInvitationsResource,
  InviteManyResult,
  RevokeManyResult,
  SkippedProfile,
} from './resources/bulk-invitations.ts';
export type {
  InvitationAcceptResult,
  InvitationPreview,
  InvitationRevokeResult,
  InvitationsResource,
  InviteResult,
  PublicInvitation,
  Selection,
} from './resources/invitations.ts';
export type {
  AdminLoginResult,
  AdminLogoutResult,
  AdminResource,
  ApiKey,
  ApiKeyCreateResult,
  ApiKeyRevokeResult,
  ApiKeysResource,
  AuditEvent,
  AuditResource,
} from './resources/keys.ts';
export type {
  ParkingLot,
  ParkingLotDeleteResult,
  ParkingLotResult,
  ParkingLotsResource,
  ParkingLotUpdateResult,
  Tag,
  TagDeleteResult,
  TagResult,
  TagsResource,
  TagUpdateResult,
} from './resources/lots-and-tags.ts';
export {
  type AccessChange,
  type BulkWriteOptions,
  type DeleteManyResult,
  type Invitation,
  type Profile,
  type ProfileCount,
  type ProfileCounts,
  type ProfileDeleteResult,
  type ProfileFilterInput,
  type ProfileResult,
  type ProfilesResource,
  type ProfileUpdateResult,
  type UpdateAccessManyResult,
  UpsertAllError,
  type UpsertAllResult,
  type UpsertResult,
  type UpsertRow,
  type UpsertRowError,
} from './resources/profiles.ts';
export type {
  WebhookDeliveriesPage,
  WebhookDelivery,
  WebhookDeliveryRetryResult,
  WebhookEndpoint,
  WebhookEndpointDeleteResult,
  WebhookEndpointRotateSecretResult,
  WebhookEndpointSecretResult,
  WebhookEndpointUpdateResult,
  WebhooksResource,
} from './resources/webhooks.ts';
export type { AbortSignalLike, FetchLike, FetchResponseLike, HeadersLike } from './platform.ts';
export type { RequestEvent, ResponseInfo, RetryEvent } from './transport.ts';
export type { TypedDocumentNode } from './typed-document-node.ts';
export {
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  WEBHOOK_EVENT_FIELDS,
  type KnownWebhookEvent,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type WebhookEventDataMap,
  type WebhookEventType as WebhookEventName,
} from './webhooks.ts';
export * from './generated/graphql.ts';

// @parkpass/sdk: a typed client for the Parkpass API, and the typed GraphQL
// documents it is built on (for urql, Apollo or any TypedDocumentNode client).
export { createClient, paginate, type BulkInvitation, type ClientOptions, type ParkpassClient, type Profile, type Selection } from './client.ts';
export { ParkpassError, type ParkpassErrorCode } from './errors.ts';
export * from './generated/graphql.ts';

import type { TypedDocumentNode, VariablesOf } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { adminOperations } from './operations/admins.ts';
import { adminTeamOperations } from './operations/admin-team.ts';
import { auditOperations } from './operations/audit.ts';
import { bulkActionOperations } from './operations/bulk-actions.ts';
import { apiKeyOperations } from './operations/api-keys.ts';
import { dataOf, type Send, toGlobalId } from './operations/call.ts';
import { directorySyncOperations } from './operations/directory-sync.ts';
import { invitationOperations } from './operations/invitations.ts';
import { lotAndTagOperations } from './operations/parking-lots-and-tags.ts';
import { profileOperations } from './operations/profiles.ts';
import { webhookOperations } from './operations/webhooks.ts';
import {
  BulkInvitationDocument,
  InvitationAcceptDocument,
  InvitationByTokenDocument,
  InvitationPreviewDocument,
  InvitationRevokeDocument,
  ProfileCountsDocument,
  ProfileCreateDocument,
  ProfileDocument,
  ProfileInviteDocument,
  ProfilesDocument,
  ProfilesInviteDocument,
  ProfilesUpsertDocument,
  ProfileUpdateDocument,
  ViewerDocument,
} from '../../sdk/src/generated/graphql.ts';
import type { ProfileCreateInput, ProfileFilter, ProfileUpdateInput, ProfileUpsertInput } from '../../sdk/src/generated/graphql.ts';

// The typed test kit: one helper per operation. The SDK's own generated
// documents (sdk/src/operations/*.graphql), so a test sends exactly what an
// integrator sends, and the tests' own (server/test/documents/*.graphql, typed
// by `npm run codegen` into server/test/generated), one file per domain with
// its helpers in server/test/operations/. Tests read typed answers: no raw
// query strings, no `any` (server/test/typed-documents.test.ts keeps it so).
// Ids are the database ids the kit's seeders return for the SDK's profile and
// invitation helpers; the domain helpers take global ids, as the API gives them.

export { type Call, dataOf, type Send, type TypedResponse, toGlobalId } from './operations/call.ts';

/** The text of a typed document, printed once. */
const texts = new WeakMap<object, string>();
export function documentText(document: DocumentNode): string {
  const known = texts.get(document);
  if (known !== undefined) return known;
  const text = print(document);
  texts.set(document, text);
  return text;
}

/** The operations a test calls, as one caller. */
export function operationsAs(send: Send) {
  const call = <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) => dataOf(send(document, variables));
  return {
    /** The answer as it is, GraphQL errors included (for tests of refusals raised as errors). */
    send,
    viewer: async () => (await call(ViewerDocument, {})).viewer,
    profile: async (id: string) => (await call(ProfileDocument, { id: toGlobalId('Profile', id) })).profile,
    profiles: async (variables: VariablesOf<typeof ProfilesDocument> = {}) => (await call(ProfilesDocument, variables)).profiles,
    profileCounts: async (filter?: ProfileFilter) => (await call(ProfileCountsDocument, { filter })).profileCounts,
    profileCreate: async (input: ProfileCreateInput) => (await call(ProfileCreateDocument, { input })).profileCreate,
    profileUpdate: async (id: string, input: ProfileUpdateInput) => (await call(ProfileUpdateDocument, { id: toGlobalId('Profile', id), input })).profileUpdate,
    profilesUpsert: async (profiles: ProfileUpsertInput[]) => (await call(ProfilesUpsertDocument, { input: { profiles } })).profilesUpsert,
    /** Invites one profile (by database id); `sendEmail: false` returns the link instead. */
    profileInvite: async (profileId: string, options: { sendEmail?: boolean } = {}) =>
      (await call(ProfileInviteDocument, { input: { profileId: toGlobalId('Profile', profileId), sendEmail: options.sendEmail } })).profileInvite,
    /** What inviting these profiles (database ids) or this filter would do. */
    invitationPreview: async (selection: { profileIds?: string[]; filter?: ProfileFilter }) =>
      (await call(InvitationPreviewDocument, { profileIds: selection.profileIds?.map((id) => toGlobalId('Profile', id)), filter: selection.filter }))
        .profilesInvitePreview,
    profilesInvite: async (selection: { profileIds?: string[]; filter?: ProfileFilter; idempotencyKey?: string }) =>
      (
        await call(ProfilesInviteDocument, {
          input: {
            profileIds: selection.profileIds?.map((id) => toGlobalId('Profile', id)),
            filter: selection.filter,
            idempotencyKey: selection.idempotencyKey,
          },
        })
      ).profilesInvite,
    /** A bulk invitation by its global id (as profilesInvite returns it). */
    bulkInvitation: async (globalId: string) => (await call(BulkInvitationDocument, { id: globalId })).bulkInvitation,
    /** Revokes an invitation by its global id (as profileInvite returns it). */
    invitationRevoke: async (invitationGlobalId: string) =>
      (await call(InvitationRevokeDocument, { input: { invitationId: invitationGlobalId } })).invitationRevoke,
    invitationByToken: async (token: string) => (await call(InvitationByTokenDocument, { token })).invitationByToken,
    invitationAccept: async (token: string, password: string) => (await call(InvitationAcceptDocument, { input: { token, password } })).invitationAccept,
    ...adminOperations(call),
    ...adminTeamOperations(call),
    ...apiKeyOperations(call),
    ...webhookOperations(call),
    ...profileOperations(call),
    ...lotAndTagOperations(call),
    ...invitationOperations(call),
    ...auditOperations(call),
    ...directorySyncOperations(call),
    ...bulkActionOperations(call),
  };
}

export type Operations = ReturnType<typeof operationsAs>;

/** The result if it is of `typename` (narrowed to it); else the test fails, showing what came instead. */
export function expectTypename<T extends { __typename: string }, N extends T['__typename']>(result: T, typename: N): Extract<T, { __typename: N }> {
  if (result.__typename !== typename) throw new Error(`Expected ${typename}, got ${JSON.stringify(result)}`);
  return result as Extract<T, { __typename: N }>;
}

/** The `code` of a typed error, or undefined for a payload (as reading `.code` off a raw answer gave). */
export function codeOf(result: { __typename: string }): string | undefined {
  return 'code' in result && typeof result.code === 'string' ? result.code : undefined;
}

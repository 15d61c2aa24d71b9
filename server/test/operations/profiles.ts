import {
  type Locale,
  ProfileLocaleUpdateDocument,
  ProfileAndNodeDocument,
  ProfileKeysetPageDocument,
  type ProfileKeysetPageQueryVariables,
  ProfileSearchDocument,
  type ProfileSearchQueryVariables,
  ProfileSearchRowsDocument,
  type ProfileSearchRowsQueryVariables,
  ExpiredInvitationAgreementDocument,
  ProfileCountBoundDocument,
  ProfilePageNewestFirstDocument,
  type ProfilePageNewestFirstQueryVariables,
  StatusCountersDocument,
  StatusCountsDocument,
  ProfileByExternalIdEmailDocument,
  ProfileCreateCheckedDocument,
  ProfileCreateKeyedDocument,
  type ProfileCreateInput,
  ProfileDeleteDocument,
  ProfileEmailsDocument,
  ProfileExternalIdsDocument,
  type ProfileFilter,
  ProfileTotalDocument,
  ProfileUpdateContactDocument,
  type ProfileUpdateInput,
  ProfilesUpsertRowsDocument,
  type ProfileUpsertInput,
} from '../generated/graphql.ts';
import type { Call } from './call.ts';

/**
 * Profiles, read and written (server/test/documents/profiles.graphql); the SDK's
 * own profile documents are in ../operations.ts. Ids are global ids.
 */
export const profileOperations = (call: Call) => ({
  /** How many profiles the caller sees, of a filter or all. */
  profileTotal: async (filter?: ProfileFilter) => (await call(ProfileTotalDocument, { filter })).profiles.totalCount,
  /** The externalIds of a filter's profiles. */
  profileExternalIds: async (filter?: ProfileFilter) => (await call(ProfileExternalIdsDocument, { filter })).profiles,
  /** The emails of a filter's profiles. */
  profileEmails: async (filter?: ProfileFilter) => (await call(ProfileEmailsDocument, { filter })).profiles,
  /** profileCounts, every count. */
  statusCounts: async (filter?: ProfileFilter) => (await call(StatusCountsDocument, { filter })).profileCounts,
  /** profileCounts by status and in total (the maintained counters). */
  statusCounters: async () => (await call(StatusCountersDocument, {})).profileCounts,
  /** A pending profile's invitation state, the expired filter both ways and the count of expired ones. */
  expiredInvitationAgreement: async (id: string) => await call(ExpiredInvitationAgreementDocument, { id }),
  /** A page of profile ids, newest first. */
  profilePageNewestFirst: async (page: ProfilePageNewestFirstQueryVariables) => (await call(ProfilePageNewestFirstDocument, page)).profiles,
  /** totalCount and the bounded count of a filter. */
  profileCountBound: async (filter: ProfileFilter | null, limit?: number) => (await call(ProfileCountBoundDocument, { filter, limit })).profiles,
  /** A page of profiles by name (id, first and last name). */
  profileSearch: async (variables: ProfileSearchQueryVariables) => (await call(ProfileSearchDocument, variables)).profiles,
  /** A page of profile ids with cursors, forwards or backwards. */
  profileKeysetPage: async (variables: ProfileKeysetPageQueryVariables) => (await call(ProfileKeysetPageDocument, variables)).profiles,
  /** A page of profiles as the admin UI lists them. */
  profileSearchRows: async (variables: ProfileSearchRowsQueryVariables) => (await call(ProfileSearchRowsDocument, variables)).profiles,
  /** One id read as a profile and as a node. */
  profileAndNode: async (id: string) => await call(ProfileAndNodeDocument, { id }),
  profileByExternalId: async (externalId: string) => (await call(ProfileByExternalIdEmailDocument, { externalId })).profileByExternalId,
  /** profileCreate with the profile's access and whether it was replayed. */
  profileCreateChecked: async (input: ProfileCreateInput) => (await call(ProfileCreateCheckedDocument, { input })).profileCreate,
  /** profileCreate answering the profile's id and email, or a code (the same answer for a replay). */
  profileCreateKeyed: async (input: ProfileCreateInput) => (await call(ProfileCreateKeyedDocument, { input })).profileCreate,
  /** profileUpdate answering the contact fields and lots. */
  profileUpdateContact: async (id: string, input: ProfileUpdateInput) => (await call(ProfileUpdateContactDocument, { id, input })).profileUpdate,
  /** Sets a profile's language (or clears it). */
  profileLocaleUpdate: async (id: string, locale: Locale | null) => (await call(ProfileLocaleUpdateDocument, { id, locale })).profileUpdate,
  profileDelete: async (id: string) => (await call(ProfileDeleteDocument, { id })).profileDelete,
  /** profilesUpsert with every row's outcome and error. */
  profilesUpsertRows: async (profiles: ProfileUpsertInput[], dryRun = false) =>
    (await call(ProfilesUpsertRowsDocument, { input: { profiles }, dryRun })).profilesUpsert,
});

import {
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
  profileByExternalId: async (externalId: string) => (await call(ProfileByExternalIdEmailDocument, { externalId })).profileByExternalId,
  /** profileCreate with the profile's access and whether it was replayed. */
  profileCreateChecked: async (input: ProfileCreateInput) => (await call(ProfileCreateCheckedDocument, { input })).profileCreate,
  /** profileCreate answering the profile's id and email, or a code (the same answer for a replay). */
  profileCreateKeyed: async (input: ProfileCreateInput) => (await call(ProfileCreateKeyedDocument, { input })).profileCreate,
  /** profileUpdate answering the contact fields and lots. */
  profileUpdateContact: async (id: string, input: ProfileUpdateInput) => (await call(ProfileUpdateContactDocument, { id, input })).profileUpdate,
  profileDelete: async (id: string) => (await call(ProfileDeleteDocument, { id })).profileDelete,
  /** profilesUpsert with every row's outcome and error. */
  profilesUpsertRows: async (profiles: ProfileUpsertInput[]) => (await call(ProfilesUpsertRowsDocument, { input: { profiles } })).profilesUpsert,
});

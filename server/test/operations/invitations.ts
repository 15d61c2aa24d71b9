import {
  ProfileInvitationHistoryDocument,
  BulkInvitationProgressReadDocument,
  ProfileInvitationStateDocument,
  ProfilesInviteBulkDocument,
  ProfilesInviteSelectionDocument,
  type ProfilesInviteInput,
  ProfilesInviteReplayDocument,
  PublicInvitationDocument,
} from '../generated/graphql.ts';
import type { Call } from './call.ts';

/**
 * Invitations, one by one and in bulk (server/test/documents/invitations.graphql);
 * the SDK's own invitation documents are in ../operations.ts. Ids are global ids.
 */
export const invitationOperations = (call: Call) => ({
  /** profilesInvite answering whether it was replayed. */
  profilesInviteReplay: async (input: ProfilesInviteInput) => (await call(ProfilesInviteReplayDocument, { input })).profilesInvite,
  /** profilesInvite answering what it selected (total, re-invited, in words). */
  profilesInviteSelection: async (input: ProfilesInviteInput) => (await call(ProfilesInviteSelectionDocument, { input })).profilesInvite,
  /** profilesInvite answering the bulk invitation's progress. */
  profilesInviteBulk: async (input: ProfilesInviteInput) => (await call(ProfilesInviteBulkDocument, { input })).profilesInvite,
  /** A bulk invitation's progress and failure reason. */
  bulkInvitationProgress: async (id: string) => (await call(BulkInvitationProgressReadDocument, { id })).bulkInvitation,
  /** A profile's invitations (the first 10), each with its reminder. */
  profileInvitationHistory: async (id: string) => (await call(ProfileInvitationHistoryDocument, { id })).profile,
  /** A profile's status and its latest invitation's state, delivery included. */
  profileInvitationState: async (id: string) => (await call(ProfileInvitationStateDocument, { id })).profile,
  /** What the holder of a link sees (null for an unknown token). */
  publicInvitation: async (token: string) => (await call(PublicInvitationDocument, { token })).invitationByToken,
});

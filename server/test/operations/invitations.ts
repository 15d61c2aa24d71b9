import {
  InvitationLocaleDocument,
  BulkInvitationListDocument,
  type BulkInvitationListQueryVariables,
  BulkInvitationSkippedDocument,
  type SkipReason,
  InvitationNodeDocument,
  InvitationRenewalViewDocument,
  InvitationRequestNewLinkDocument,
  ProfileInvitationSendersDocument,
  ProfileInvitationsDocument,
  type ProfileInvitationsQueryVariables,
  ProfilesInviteCountsDocument,
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
  /** A page of a profile's invitations, every field. */
  profileInvitations: async (variables: ProfileInvitationsQueryVariables) => (await call(ProfileInvitationsDocument, variables)).profile,
  /** An invitation read as a node: its profile and sender. */
  invitationNode: async (id: string) => (await call(InvitationNodeDocument, { id })).node,
  /** The bulk invitations, newest first, with who started them and their summaries. */
  bulkInvitationList: async (variables: BulkInvitationListQueryVariables = {}) => (await call(BulkInvitationListDocument, variables)).bulkInvitations,
  /** A bulk invitation's skipped profiles, of one reason or all. */
  bulkInvitationSkipped: async (id: string, reason?: SkipReason) => (await call(BulkInvitationSkippedDocument, { id, reason })).bulkInvitation,
  /** A profile's status and who sent each of its invitations. */
  profileInvitationSenders: async (id: string) => (await call(ProfileInvitationSendersDocument, { id })).profile,
  /** What the accept page shows about asking for a new link. */
  invitationRenewalView: async (token: string) => (await call(InvitationRenewalViewDocument, { token })).invitationByToken,
  invitationRequestNewLink: async (token: string) => (await call(InvitationRequestNewLinkDocument, { token })).invitationRequestNewLink,
  /** profilesInvite answering its bulk invitation's counts. */
  profilesInviteCounts: async (input: ProfilesInviteInput) => (await call(ProfilesInviteCountsDocument, { input })).profilesInvite,
  /** The language and time zone of a link's accept page. */
  invitationLocale: async (token: string) => (await call(InvitationLocaleDocument, { token })).invitationByToken,
  /** A profile's status and its latest invitation's state, delivery included. */
  profileInvitationState: async (id: string) => (await call(ProfileInvitationStateDocument, { id })).profile,
  /** What the holder of a link sees (null for an unknown token). */
  publicInvitation: async (token: string) => (await call(PublicInvitationDocument, { token })).invitationByToken,
});

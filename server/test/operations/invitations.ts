import { ProfileInvitationStateDocument, type ProfilesInviteInput, ProfilesInviteReplayDocument, PublicInvitationDocument } from '../generated/graphql.ts';
import type { Call } from './call.ts';

/**
 * Invitations, one by one and in bulk (server/test/documents/invitations.graphql);
 * the SDK's own invitation documents are in ../operations.ts. Ids are global ids.
 */
export const invitationOperations = (call: Call) => ({
  /** profilesInvite answering whether it was replayed. */
  profilesInviteReplay: async (input: ProfilesInviteInput) => (await call(ProfilesInviteReplayDocument, { input })).profilesInvite,
  /** A profile's status and its latest invitation's state, delivery included. */
  profileInvitationState: async (id: string) => (await call(ProfileInvitationStateDocument, { id })).profile,
  /** What the holder of a link sees (null for an unknown token). */
  publicInvitation: async (token: string) => (await call(PublicInvitationDocument, { token })).invitationByToken,
});

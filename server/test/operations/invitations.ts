import { ProfilesInviteReplayDocument, type ProfilesInviteInput } from '../generated/graphql.ts';
import type { Call } from './call.ts';

/**
 * Invitations, one by one and in bulk (server/test/documents/invitations.graphql);
 * the SDK's own invitation documents are in ../operations.ts. Ids are global ids.
 */
export const invitationOperations = (call: Call) => ({
  /** profilesInvite answering whether it was replayed. */
  profilesInviteReplay: async (input: ProfilesInviteInput) => (await call(ProfilesInviteReplayDocument, { input })).profilesInvite,
});

// The invitation engine's public entry: inviting a batch of profiles, closing
// invitations to addresses a profile no longer has, the states an invitation
// goes through and the links its emails carry.
export { inviteBatch, loadCandidates, outcomeOf } from './invitation-batch.ts';
export { revokeInvitation, revokeInvitationsToOldAddresses, revokeOpenInvitations, revokeOpenInvitationsOf } from './invitation-revocations.ts';
export { inviteProfile } from './invitation-service.ts';
export { emailUndeliverableSql, SKIP_REASON_WORDS, SKIP_REASONS, type SkipReason } from './invitation-rules.ts';
export { invitationInStateSql, invitationState } from './invitation-state.ts';
export { acceptLink, invitationToken } from './invitation-tokens.ts';

// The admins' public entry: what the email domain needs to write and gate an admin invitation's email.
export { adminInvitationState } from './admin-invitation-service.ts';
export { adminInvitationToken, adminJoinLink } from './admin-invitation-tokens.ts';

import {
  AdminInvitationAcceptDocument,
  type AdminInvitationAcceptInput,
  AdminInvitationByTokenDocument,
  AdminInvitationNodeDocument,
  AdminInvitationRevokeDocument,
  AdminInvitationsDocument,
  type AdminInvitationsQueryVariables,
  AdminInviteDocument,
  type AdminInviteInput,
  AdminRoleUpdateDocument,
  OrganizationOwnershipTransferDocument,
  type OrganizationOwnershipTransferInput,
  type Role,
} from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** The admin team: invitations by email, roles, ownership (server/test/documents/admin-team.graphql). Ids are global ids. */
export const adminTeamOperations = (call: Call) => ({
  adminInvite: async (input: AdminInviteInput) => (await call(AdminInviteDocument, { input })).adminInvite,
  adminInvitationRevoke: async (id: string) => (await call(AdminInvitationRevokeDocument, { id })).adminInvitationRevoke,
  adminInvitations: async (variables: AdminInvitationsQueryVariables = {}) => (await call(AdminInvitationsDocument, variables)).adminInvitations,
  /** An admin invitation read through `node` (null when not visible). */
  adminInvitationNode: async (id: string) => (await call(AdminInvitationNodeDocument, { id })).node,
  /** Public: what the join page shows for a token. */
  adminInvitationByToken: async (token: string) => (await call(AdminInvitationByTokenDocument, { token })).adminInvitationByToken,
  /** Public: join the team with the token and a password. */
  adminInvitationAccept: async (input: AdminInvitationAcceptInput) => (await call(AdminInvitationAcceptDocument, { input })).adminInvitationAccept,
  adminRoleUpdate: async (id: string, role: Role) => (await call(AdminRoleUpdateDocument, { id, role })).adminUpdate,
  organizationOwnershipTransfer: async (input: OrganizationOwnershipTransferInput) =>
    (await call(OrganizationOwnershipTransferDocument, { input })).organizationOwnershipTransfer,
});

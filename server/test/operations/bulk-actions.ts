import {
  InvitationsRevokeDocument,
  type InvitationsRevokeInput,
  ProfilesDeleteDocument,
  type ProfilesDeleteInput,
  ProfilesUpdateAccessDocument,
  type ProfilesUpdateAccessInput,
} from '../../../sdk/src/generated/graphql.ts';
import type { Call } from './call.ts';

/**
 * Bulk actions beyond inviting, with the SDK's own documents (sdk/src/operations/bulk-actions.graphql), so a test
 * sends exactly what an integrator sends. Ids are global ids; `dryRun: true` is the Confirm step's preview.
 */
export const bulkActionOperations = (call: Call) => ({
  /** profilesUpdateAccess: add and remove parking lots, tags and payment methods on a selection. */
  profilesUpdateAccess: async (input: ProfilesUpdateAccessInput, dryRun?: boolean) =>
    (await call(ProfilesUpdateAccessDocument, { input, dryRun })).profilesUpdateAccess,
  /** invitationsRevoke: revoke the open invitations of a selection. */
  invitationsRevoke: async (input: InvitationsRevokeInput, dryRun?: boolean) => (await call(InvitationsRevokeDocument, { input, dryRun })).invitationsRevoke,
  /** profilesDelete: delete a selection. */
  profilesDelete: async (input: ProfilesDeleteInput, dryRun?: boolean) => (await call(ProfilesDeleteDocument, { input, dryRun })).profilesDelete,
});

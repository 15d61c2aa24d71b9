import { type Answered, answered, asFirstAttempt, type Caller, type CallOptions, type NonNull, orThrow, type Success, type WriteOptions } from '../call.ts';
import { ParkpassError } from '../errors.ts';
import {
  InvitationAcceptDocument,
  type InvitationAcceptMutation,
  InvitationByTokenDocument,
  type InvitationByTokenQuery,
  InvitationPreviewDocument,
  type InvitationPreviewQuery,
  InvitationRevokeDocument,
  type InvitationRevokeMutation,
  type ProfileFilter,
  ProfileInviteDocument,
  type ProfileInviteMutation,
} from '../generated/graphql.ts';
import type { ProfileFilterInput } from './profiles.ts';

/** A selection of profiles: these ids, or every profile a search filter matches. */
export type Selection = { profileIds: readonly string[]; filter?: never } | { filter: ProfileFilterInput; profileIds?: never };

export type InviteResult = Success<ProfileInviteMutation['profileInvite']>;
export type InvitationPreview = InvitationPreviewQuery['profilesInvitePreview'];
export type InvitationRevokeResult = Success<InvitationRevokeMutation['invitationRevoke']>;
export type PublicInvitation = NonNull<InvitationByTokenQuery['invitationByToken']>;
export type InvitationAcceptResult = Success<InvitationAcceptMutation['invitationAccept']>;

/** A selection as the API's arguments take it. */
export const selectionArguments = (selection: Selection) => ({
  profileIds: selection.profileIds ? [...selection.profileIds] : undefined,
  filter: selection.filter as ProfileFilter | undefined,
});

export function invitationsResource(caller: Caller) {
  return {
    /** What inviting the selection would do: how many invited, re-invited and skipped (and why), without inviting. */
    preview: async (selection: Selection, call?: CallOptions): Promise<Answered<InvitationPreview>> => {
      const answer = await caller.query('invitations.preview', InvitationPreviewDocument, selectionArguments(selection), call);
      return answered(answer.data.profilesInvitePreview, answer);
    },
    /**
     * Invites one profile (or re-invites it: the earlier invitation is replaced). `sendEmail: false` answers the link instead of emailing it.
     * Idempotent: a retry, or the same `idempotencyKey` again, answers the invitation the first call made (`replayed: true` for an earlier call's).
     */
    inviteOne: async (profileId: string, call: WriteOptions & { sendEmail?: boolean | undefined } = {}): Promise<Answered<InviteResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate(
        'invitations.inviteOne',
        ProfileInviteDocument,
        { input: { profileId, sendEmail: call.sendEmail ?? true, idempotencyKey } },
        call,
        { idempotent: true, idempotencyKey },
      );
      return asFirstAttempt(orThrow('invitations.inviteOne', answer.data.profileInvite, answer), !call.idempotencyKey);
    },
    /** Revokes an open invitation: its link stops working. */
    revoke: async (invitationId: string, call?: CallOptions): Promise<Answered<InvitationRevokeResult>> => {
      const answer = await caller.mutate('invitations.revoke', InvitationRevokeDocument, { input: { invitationId } }, call, { idempotent: true });
      return orThrow('invitations.revoke', answer.data.invitationRevoke, answer);
    },
    /** Public: what an invitation link points to; throws INVITATION_NOT_FOUND for an unknown token. */
    byToken: async (token: string, call?: CallOptions): Promise<Answered<PublicInvitation>> => {
      const answer = await caller.query('invitations.byToken', InvitationByTokenDocument, { token }, call);
      if (!answer.data.invitationByToken) {
        throw new ParkpassError({
          code: 'INVITATION_NOT_FOUND',
          operation: 'invitations.byToken',
          message: 'No invitation has this token.',
          requestId: answer.response.requestId,
          attempts: answer.response.attempts,
        });
      }
      return answered(answer.data.invitationByToken, answer);
    },
    /** Public: the invited person accepts with a password (the token is in the link's fragment, after `#token=`). */
    accept: async (token: string, password: string, call?: CallOptions): Promise<Answered<InvitationAcceptResult>> => {
      const answer = await caller.mutate('invitations.accept', InvitationAcceptDocument, { input: { token, password } }, call, { idempotent: false });
      return orThrow('invitations.accept', answer.data.invitationAccept, answer);
    },
  };
}

/** The single-invitation half of `parkpass.invitations`. */
export interface InvitationsResource extends ReturnType<typeof invitationsResource> {}

import {
  type Answered,
  answered,
  asFirstAttempt,
  type Caller,
  type CallOptions,
  type NonNull,
  notFound,
  orThrow,
  type Page,
  type PageArgs,
  paginate,
  type Success,
  sleep,
  type WriteOptions,
} from '../call.ts';
import {
  type BulkInvitationFieldsFragment,
  BulkInvitationDocument,
  BulkInvitationsDocument,
  type BulkInvitationsQuery,
  BulkInvitationSkippedProfilesDocument,
  type BulkInvitationSkippedProfilesQuery,
  type BulkInvitationState,
  InvitationsRevokeDocument,
  type InvitationsRevokeMutation,
  ProfilesInviteDocument,
  type ProfilesInviteMutation,
  type SkipReason,
} from '../generated/graphql.ts';
import { type Selection, selectionArguments } from './invitations.ts';

export type InviteManyResult = Success<ProfilesInviteMutation['profilesInvite']>;
export type RevokeManyResult = Success<InvitationsRevokeMutation['invitationsRevoke']>;
export type BulkInvitation = BulkInvitationFieldsFragment;
export type BulkInvitationListItem = BulkInvitationsQuery['bulkInvitations']['edges'][number]['node'];
export type SkippedProfile = NonNull<BulkInvitationSkippedProfilesQuery['bulkInvitation']>['skippedProfiles']['edges'][number]['node'];

const FINISHED = new Set(['COMPLETED', 'FAILED']);

export function bulkInvitationsResource(caller: Caller) {
  const bulkInvitations = {
    /**
     * Invites every profile of the selection, in the background; follow it with `follow` or `waitFor`. Idempotent: a retry,
     * or the same `idempotencyKey` again, returns the first bulk invitation (`replayed: true` when an earlier call made it).
     */
    inviteMany: async (selection: Selection, call?: WriteOptions): Promise<Answered<InviteManyResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate(
        'invitations.inviteMany',
        ProfilesInviteDocument,
        { input: { ...selectionArguments(selection), idempotencyKey } },
        call,
        {
          idempotent: true,
          idempotencyKey,
        },
      );
      return asFirstAttempt(orThrow('invitations.inviteMany', answer.data.profilesInvite, answer), !call?.idempotencyKey);
    },
    /**
     * Revokes the open invitations of every profile of the selection, in one transaction (all or none). `dryRun: true`
     * answers the same counts without revoking anything (a preview). Idempotent: a retry, or the same `idempotencyKey`
     * again, answers the first result (`replayed: true` when an earlier call made it) and revokes nothing more.
     */
    revokeMany: async (selection: Selection, call: WriteOptions & { dryRun?: boolean | undefined } = {}): Promise<Answered<RevokeManyResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate(
        'invitations.revokeMany',
        InvitationsRevokeDocument,
        { input: { ...selectionArguments(selection), idempotencyKey }, dryRun: call.dryRun ?? false },
        call,
        { idempotent: true, idempotencyKey },
      );
      return asFirstAttempt(orThrow('invitations.revokeMany', answer.data.invitationsRevoke, answer), !call.idempotencyKey);
    },
    /** A bulk invitation's progress now; throws NOT_FOUND when the organization has none with this id. */
    bulk: async (id: string, call?: CallOptions): Promise<Answered<BulkInvitation>> => {
      const answer = await caller.query('invitations.bulk', BulkInvitationDocument, { id }, call);
      if (!answer.data.bulkInvitation) throw notFound('invitations.bulk', 'bulk invitation', answer);
      return answered(answer.data.bulkInvitation, answer);
    },
    /** Each change of a bulk invitation's progress, polled every `intervalMs` (default 1 s), until it is COMPLETED or FAILED. */
    async *follow(id: string, call: CallOptions & { intervalMs?: number | undefined } = {}): AsyncGenerator<BulkInvitation> {
      let last = '';
      for (;;) {
        const bulk = await bulkInvitations.bulk(id, call);
        const fingerprint = `${bulk.state}:${bulk.done}:${bulk.total}:${bulk.failedCount}`;
        if (fingerprint !== last) {
          last = fingerprint;
          yield bulk;
        }
        if (FINISHED.has(bulk.state)) return;
        await sleep(call.intervalMs ?? 1_000, call.signal, 'invitations.follow');
      }
    },
    /** Follows a bulk invitation to its end and returns it; `onProgress` sees each change. */
    waitFor: async (
      id: string,
      onProgress?: (bulk: BulkInvitation) => void,
      call: CallOptions & { intervalMs?: number | undefined } = {},
    ): Promise<BulkInvitation> => {
      let latest: BulkInvitation | undefined;
      for await (const bulk of bulkInvitations.follow(id, call)) {
        latest = bulk;
        onProgress?.(bulk);
      }
      if (!latest) throw notFound('invitations.waitFor', 'bulk invitation', null);
      return latest;
    },
    /** One page of the organization's bulk invitations, newest first. */
    bulkList: async (
      args: { states?: readonly BulkInvitationState[] | undefined } & PageArgs = {},
      call?: CallOptions,
    ): Promise<Answered<Page<BulkInvitationListItem>>> => {
      const answer = await caller.query('invitations.bulkList', BulkInvitationsDocument, { ...args, states: args.states ? [...args.states] : undefined }, call);
      return answered(answer.data.bulkInvitations, answer);
    },
    /** Every bulk invitation, page after page. */
    allBulk: (
      args: { states?: readonly BulkInvitationState[] | undefined; pageSize?: number | undefined } = {},
      call?: CallOptions,
    ): AsyncGenerator<BulkInvitationListItem> =>
      paginate((after) => bulkInvitations.bulkList({ states: args.states, first: args.pageSize ?? 100, after }, call)),
    /** One page of the profiles a bulk invitation skipped, with why; throws NOT_FOUND for an unknown bulk invitation. */
    skipped: async (
      bulkInvitationId: string,
      args: { reason?: SkipReason | undefined } & PageArgs = {},
      call?: CallOptions,
    ): Promise<Answered<Page<SkippedProfile>>> => {
      const answer = await caller.query('invitations.skipped', BulkInvitationSkippedProfilesDocument, { id: bulkInvitationId, ...args }, call);
      if (!answer.data.bulkInvitation) throw notFound('invitations.skipped', 'bulk invitation', answer);
      return answered(answer.data.bulkInvitation.skippedProfiles, answer);
    },
    /** Every skipped profile, page after page. */
    allSkipped: (
      bulkInvitationId: string,
      args: { reason?: SkipReason | undefined; pageSize?: number | undefined } = {},
      call?: CallOptions,
    ): AsyncGenerator<SkippedProfile> =>
      paginate((after) => bulkInvitations.skipped(bulkInvitationId, { reason: args.reason, first: args.pageSize ?? 500, after }, call)),
  };
  return bulkInvitations;
}

/** The bulk half of `parkpass.invitations`. */
export interface BulkInvitationsResource extends ReturnType<typeof bulkInvitationsResource> {}

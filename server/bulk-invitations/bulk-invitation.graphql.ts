import { accessRefusals } from '../graphql/access.graphql.ts';
import { wasReplayed } from '../kernel/idempotency.ts';
import { builder } from '../graphql/builder.ts';
import { describedEnumValues } from '../graphql/described-enum.ts';
import { IdempotencyKeyReusedError, InvalidInputError, SelectionTooLargeError } from '../kernel/errors.ts';
import { parseQueryInput, tooManySubscriptions } from '../graphql/graphql-errors.ts';
import type { BulkInvitation } from '../generated/prisma/client.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../kernel/idempotency.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import { ProfileRef } from '../profiles/profile.graphql.ts';
import { ProfileFilterInput } from '../profiles/profile-filter.graphql.ts';
import { selectionArgs, selectionInput } from '../profiles/profile-selection.graphql.ts';
import { MAX_FOLLOWERS_PER_CALLER, TooManyFollowersError } from '../graphql/bulk-invitation-progress.ts';
import { previewSelection, type SelectionPreview, startBulkInvitation } from './bulk-invitation-service.ts';
import { SKIP_REASONS, type SkipReason } from '../invitations/index.ts';

// Bulk invitations: the preview (what the Confirm dialog shows), profilesInvite,
// the BulkInvitation node and its progress subscription. Their list:
// bulk-invitation-list.graphql.ts.

export const SkipReasonEnum = builder.enumType('SkipReason', {
  description: 'Why a profile of a selection is not invited.',
  values: describedEnumValues<SkipReason>(SKIP_REASONS),
});

const SkippedCountRef = builder.objectRef<{ reason: SkipReason; count: number }>('SkippedCount').implement({
  description: 'How many profiles were (or would be) skipped for one reason.',
  fields: (t) => ({
    reason: t.field({ type: SkipReasonEnum, description: 'The reason.', resolve: (entry) => entry.reason }),
    count: t.exposeInt('count', { description: 'How many profiles.' }),
  }),
});

const skippedList = (skipped: Partial<Record<string, number>>) =>
  Object.entries(skipped)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([reason, count]) => ({ reason: reason as SkipReason, count: count! }));

const InvitationPreviewRef = builder.objectRef<SelectionPreview>('InvitationPreview').implement({
  description: "What inviting a selection would do now: what the admin's Confirm dialog shows. Nothing was changed.",
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Profiles in the selection.' }),
    inviteCount: t.exposeInt('invite', { description: 'Profiles never invited that would be invited (NOT_INVITED → PENDING).' }),
    reinviteCount: t.exposeInt('reinvite', { description: 'Pending profiles that would get a new invitation (the old link stops working).' }),
    skippedCount: t.int({
      description: 'Profiles that would be skipped, all reasons together.',
      resolve: (preview) => Object.values(preview.skipped).reduce((sum, count) => sum + (count ?? 0), 0),
    }),
    skipped: t.field({ type: [SkippedCountRef], description: 'Skipped profiles by reason.', resolve: (preview) => skippedList(preview.skipped) }),
  }),
});

export const BulkInvitationStateEnum = builder.enumType('BulkInvitationState', {
  description: 'Where a bulk invitation stands.',
  values: {
    QUEUED: { description: 'Recorded, waiting for the background worker.' },
    RUNNING: { description: 'Inviting, chunk by chunk; the counters grow.' },
    COMPLETED: { description: 'Every profile of the selection was handled.' },
    FAILED: { description: 'Stopped by an error; the profiles handled so far stay invited.' },
  } as const,
});

export const BulkInvitationRef = builder.prismaNode('BulkInvitation', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'A request to invite many profiles, and its progress. Emails follow in the background.',
  id: { field: 'id', description: 'Global id of the bulk invitation.' },
  findUnique: inCallerOrganization('BulkInvitation'),
  fields: (t) => ({
    state: t.expose('state', { type: BulkInvitationStateEnum, description: 'Where it stands.' }),
    total: t.exposeInt('total', { description: 'Profiles in the selection (when finished: profiles handled).' }),
    done: t.exposeInt('done', { description: 'Profiles handled so far (invited, re-invited or skipped).' }),
    invitedCount: t.exposeInt('invited', { description: 'Profiles invited for the first time.' }),
    reinvitedCount: t.exposeInt('reinvited', { description: 'Pending profiles sent a new invitation.' }),
    skipped: t.field({
      type: [SkippedCountRef],
      description: 'Profiles skipped, by reason.',
      select: { skipped: true },
      resolve: (bulk) => skippedList(bulk.skipped as Record<string, number>),
    }),
    // A relation count: selected with the bulk invitation itself, so a page of them is one query, not one per row.
    failedCount: t.relationCount('invitations', {
      description: 'Invitations of this run whose email failed or bounced so far.',
      where: { deliveryState: { in: ['FAILED', 'BOUNCED', 'SPAM_COMPLAINT'] } },
    }),
    sentCount: t.relationCount('invitations', {
      description: 'Invitations of this run whose email the provider accepted or delivered so far (not counting those that bounced since).',
      where: { deliveryState: { in: ['SENT', 'DELIVERED'] } },
    }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The key it was requested with.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was requested.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When the first profiles were invited.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it finished.' }),
    failureReason: t.exposeString('lastError', { nullable: true, description: 'Why it stopped, when FAILED (after the worker ran out of retries).' }),
  }),
});

const ProfilesInviteInput = builder.inputType('ProfilesInviteInput', {
  description: 'Which profiles to invite, and a key that makes retrying this request safe.',
  fields: (t) => ({
    profileIds: t.globalIDList({ for: ProfileRef, description: selectionArgs.profileIds }),
    filter: t.field({ type: ProfileFilterInput, description: selectionArgs.filter }),
    idempotencyKey: t.string({
      description: `Any unique string (e.g. a UUID; 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, not blank) per intended bulk invitation: a retried request with the same key returns the same bulk invitation instead of inviting twice.`,
    }),
  }),
});

const ProfilesInvitePayload = builder.objectRef<{ bulkInvitation: BulkInvitation }>('ProfilesInvitePayload').implement({
  description: 'The bulk invitation; finished already for small selections, running in the background for large ones.',
  fields: (t) => ({
    bulkInvitation: t.field({
      type: BulkInvitationRef,
      description: 'Its progress; follow it with the bulkInvitationProgress subscription.',
      resolve: (payload) => payload.bulkInvitation,
    }),
    replayed: t.boolean({
      description: 'True when an earlier request with the same idempotency key created it and this is that result again; nothing new was created.',
      resolve: (payload) => wasReplayed(payload.bulkInvitation),
    }),
  }),
});

builder.queryFields((t) => ({
  profilesInvitePreview: t.withAuth({ allowed: 'INVITE_BULK' }).field({
    type: InvitationPreviewRef,
    description: 'What profilesInvite would do with this selection now (counts by outcome), without doing anything.',
    args: {
      profileIds: t.arg.globalIDList({ for: ProfileRef, description: selectionArgs.profileIds }),
      filter: t.arg({ type: ProfileFilterInput, description: selectionArgs.filter }),
    },
    resolve: (_root, args, context) =>
      previewSelection(
        context.scope,
        parseQueryInput(() => selectionInput(args, [])),
      ),
  }),
  bulkInvitation: t.withAuth({ allowed: 'READ_PROFILES' }).prismaField({
    type: BulkInvitationRef,
    nullable: true,
    description: 'One bulk invitation and its progress; null when the organization has none with this id.',
    args: { id: t.arg.globalID({ for: BulkInvitationRef, required: true, description: 'Global id of the bulk invitation.' }) },
    resolve: (query, _root, args, context) => context.scope.db.bulkInvitation.findFirst({ ...query, where: { id: args.id.id } }),
  }),
}));

builder.mutationFields((t) => ({
  profilesInvite: t.withAuth({ allowed: 'INVITE_BULK' }).field({
    type: ProfilesInvitePayload,
    description:
      'Invites many profiles, by ids or by filter, with the same rules as profileInvite; profiles that cannot be invited are skipped and ' +
      'counted by reason. Up to 200 finish within the request; larger selections run in the background.',
    errors: { types: [InvalidInputError, SelectionTooLargeError, IdempotencyKeyReusedError, ...accessRefusals] },
    args: { input: t.arg({ type: ProfilesInviteInput, required: true, description: 'The selection.' }) },
    resolve: async (_root, { input }, context) => ({
      bulkInvitation: await startBulkInvitation(context.scope, { ...selectionInput(input, ['input']), idempotencyKey: input.idempotencyKey }),
    }),
  }),
}));

builder.subscriptionFields((t) => ({
  bulkInvitationProgress: t.withAuth({ allowed: 'READ_PROFILES' }).field({
    type: BulkInvitationRef,
    description:
      'Follows a bulk invitation (over Server-Sent Events): sends it now, then at each change, and ends once it is COMPLETED or FAILED ' +
      "(or when the client disconnects). Another organization's id ends at once with nothing sent. A caller holds at most " +
      `${MAX_FOLLOWERS_PER_CALLER} of these open at once; beyond, the error TOO_MANY_SUBSCRIPTIONS.`,
    args: { id: t.arg.globalID({ for: BulkInvitationRef, required: true, description: 'Global id of the bulk invitation.' }) },
    subscribe: (_root, args, context) => {
      const { actor } = context.viewer;
      try {
        return context.progress.follow(args.id.id, context.scope.organizationId, `${actor.kind}:${actor.id}`, context.signal);
      } catch (error) {
        if (error instanceof TooManyFollowersError) throw tooManySubscriptions(MAX_FOLLOWERS_PER_CALLER);
        throw error;
      }
    },
    resolve: (bulk) => bulk,
  }),
}));

import { accessRefusals } from '../access/access.graphql.ts';
import { PASSWORD_POLICY } from '../auth/password-policy.ts';
import { wasReplayed } from '../input/idempotency.ts';
import { builder } from '../builder.ts';
import { describedEnumValues } from '../described-enum.ts';
import type { Context } from '../context.ts';
import {
  EmailUndeliverableError,
  IdempotencyKeyReusedError,
  InvalidEmailError,
  InvalidInputError,
  InvitationAlreadyUsedError,
  InvitationExpiredError,
  InvitationNotFoundError,
  InvitationRevokedError,
  NotFoundError,
  PasswordTooWeakError,
  ProfileAlreadyValidatedError,
  ResendTooSoonError,
  SelectionTooLargeError,
} from '../errors/domain-errors.ts';
import { parseQueryInput, tooManySubscriptions } from '../errors/graphql-errors.ts';
import type { BulkInvitation, Invitation, Profile } from '../generated/prisma/client.ts';
import { ProfileFilterInput, ProfileRef, toProfileFilter } from '../profiles/profile.graphql.ts';
import { organizationIdOf } from '../organizations/organization-scope.ts';
import { MAX_FOLLOWERS_PER_CALLER, TooManyFollowersError } from './bulk-invitation-progress.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../input/idempotency.ts';
import { previewSelection, type Selection, type SelectionPreview, startBulkInvitation } from './bulk-invitation-service.ts';
import { InvitationRef, InvitationStateEnum } from './invitation.graphql.ts';
import { SKIP_REASONS, type SkipReason } from './invitation-rules.ts';
import { acceptInvitation, inviteProfile, readInvitationByToken, revokeInvitation } from './invitation-service.ts';
import { invitationState } from './invitation-state.ts';

const deps = (context: Context) => ({ prisma: context.prisma, clock: context.clock, settings: context.settings });

// --- Selections, previews, bulk invitations ----------------------------------

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
  description: 'What inviting a selection would do now: what the admin\'s Confirm dialog shows. Nothing was changed.',
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
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
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
    failedCount: t.int({
      description: 'Invitations of this run whose email failed or bounced so far.',
      resolve: (bulk, _args, context) =>
        context.prisma.invitation.count({ where: { bulkInvitationId: bulk.id, deliveryState: { in: ['FAILED', 'BOUNCED', 'SPAM_COMPLAINT'] } } }),
    }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The key it was requested with.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was requested.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When the first profiles were invited.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it finished.' }),
    failureReason: t.exposeString('lastError', { nullable: true, description: 'Why it stopped, when FAILED (after the worker ran out of retries).' }),
  }),
});

const selectionArgs = {
  profileIds: 'These profiles (global ids, at least one). Give either profileIds or filter.',
  filter: 'Every profile this search filter matches ("select all search results"). Give either profileIds or filter.',
};

function toSelection(input: { profileIds?: { id: string }[] | null; filter?: typeof ProfileFilterInput.$inferInput | null }, path: string[]): Selection {
  const hasIds = input.profileIds != null;
  const hasFilter = input.filter != null;
  if (hasIds === hasFilter) throw new InvalidInputError(['input'], 'Give either profileIds or filter, not both and not neither.');
  if (hasIds && input.profileIds!.length === 0) throw new InvalidInputError(['input', 'profileIds'], 'Select at least one profile.');
  return hasIds ? { profileIds: input.profileIds!.map((id) => id.id) } : { filter: toProfileFilter(input.filter, [...path, 'filter'])! };
}

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
    bulkInvitation: t.field({ type: BulkInvitationRef, description: 'Its progress; follow it with the bulkInvitationProgress subscription.', resolve: (payload) => payload.bulkInvitation }),
    replayed: t.boolean({ description: 'True when an earlier request with the same idempotency key created it and this is that result again; nothing new was created.', resolve: (payload) => wasReplayed(payload.bulkInvitation) }),
  }),
});

// --- One invitation ----------------------------------------------------------

const ProfileInviteInput = builder.inputType('ProfileInviteInput', {
  description: 'The profile to invite.',
  fields: (t) => ({
    profileId: t.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }),
    sendEmail: t.boolean({
      defaultValue: true,
      description: 'False: send no email and return the link instead, this once, for the admin to hand over another way.',
    }),
  }),
});

const ProfileInvitePayload = builder.objectRef<{ profile: Profile; invitation: Invitation; link: string | null }>('ProfileInvitePayload').implement({
  description: 'The profile, now PENDING, and its new invitation. Earlier invitations of the profile stopped working.',
  fields: (t) => ({
    profile: t.field({ type: ProfileRef, description: 'The profile.', resolve: (payload) => payload.profile }),
    invitation: t.field({ type: InvitationRef, description: 'The new invitation.', resolve: (payload) => payload.invitation }),
    link: t.exposeString('link', {
      nullable: true,
      description: 'The accept link, only when sendEmail was false. Shown this once: it is not stored and cannot be read again.',
    }),
  }),
});

const InvitationRevokeInput = builder.inputType('InvitationRevokeInput', {
  description: 'The invitation to withdraw.',
  fields: (t) => ({ invitationId: t.globalID({ for: InvitationRef, required: true, description: 'Global id of the invitation.' }) }),
});

const InvitationPayload = builder.objectRef<{ invitation: Invitation }>('InvitationPayload').implement({
  description: 'The invitation as it now is.',
  fields: (t) => ({ invitation: t.field({ type: InvitationRef, description: 'The invitation.', resolve: (payload) => payload.invitation }) }),
});

// --- The invited person (public, by token) -----------------------------------

type InvitationWithNames = Invitation & { profile: { firstName: string }; organization: { name: string } };

const PublicInvitationRef = builder.objectRef<InvitationWithNames>('PublicInvitation').implement({
  description: 'What the accept page may show to whoever holds the link: no more than the email itself says.',
  fields: (t) => ({
    organizationName: t.string({ description: 'Who invites.', resolve: (invitation) => invitation.organization.name }),
    firstName: t.string({ description: "The invited person's first name.", resolve: (invitation) => invitation.profile.firstName }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the link stops working.' }),
    state: t.field({
      type: InvitationStateEnum,
      description: 'OPEN when it can be accepted now; otherwise why not.',
      resolve: (invitation, _args, context) => invitationState(invitation, context.clock.now()),
    }),
    passwordPolicy: t.string({ description: 'The rules the password must follow, to show next to the field.', resolve: () => PASSWORD_POLICY }),
  }),
});

const InvitationAcceptInput = builder.inputType('InvitationAcceptInput', {
  description: 'The token from the email link and the password the person chose.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The token from the link (the part after #token=).' }),
    password: t.string({ required: true, description: `The new password. ${PASSWORD_POLICY}` }),
  }),
});

const InvitationAcceptPayload = builder
  .objectRef<{ firstName: string; organizationName: string; appStoreUrl: string | null; playStoreUrl: string | null }>('InvitationAcceptPayload')
  .implement({
    description: 'The account is confirmed; an email with the app links is on its way.',
    fields: (t) => ({
      firstName: t.exposeString('firstName', { description: "The person's first name." }),
      organizationName: t.exposeString('organizationName', { description: 'The organization they joined.' }),
      appStoreUrl: t.exposeString('appStoreUrl', { nullable: true, description: 'iOS app link.' }),
      playStoreUrl: t.exposeString('playStoreUrl', { nullable: true, description: 'Android app link.' }),
    }),
  });

// --- Fields --------------------------------------------------------------------

builder.queryFields((t) => ({
  profilesInvitePreview: t.withAuth({ allowed: 'INVITE_BULK' }).field({
    type: InvitationPreviewRef,
    description: 'What profilesInvite would do with this selection now (counts by outcome), without doing anything.',
    args: {
      profileIds: t.arg.globalIDList({ for: ProfileRef, description: selectionArgs.profileIds }),
      filter: t.arg({ type: ProfileFilterInput, description: selectionArgs.filter }),
    },
    resolve: (_root, args, context) => previewSelection(deps(context), context.viewer, parseQueryInput(() => toSelection(args, []))),
  }),
  bulkInvitation: t.withAuth({ allowed: 'READ_PROFILES' }).prismaField({
    type: BulkInvitationRef,
    nullable: true,
    description: 'One bulk invitation and its progress; null when the organization has none with this id.',
    args: { id: t.arg.globalID({ for: BulkInvitationRef, required: true, description: 'Global id of the bulk invitation.' }) },
    resolve: (query, _root, args, context) =>
      context.prisma.bulkInvitation.findFirst({ ...query, where: { id: args.id.id, organizationId: context.viewer.organizationId } }),
  }),
  invitationByToken: t.field({
    type: PublicInvitationRef,
    nullable: true,
    description: 'Public (no credentials): the invitation a link points to, for the accept page; null for an unknown token.',
    args: { token: t.arg.string({ required: true, description: 'The token from the link.' }) },
    resolve: (_root, args, context) => readInvitationByToken(deps(context), args.token),
  }),
}));

builder.mutationFields((t) => ({
  profileInvite: t.withAuth({ allowed: 'INVITE' }).field({
    type: ProfileInvitePayload,
    description:
      'Invites one profile: NOT_INVITED or PENDING → PENDING with a new invitation; any earlier invitation of the profile stops working. ' +
      'The email goes out in the background (or, with sendEmail: false, the link is returned instead).',
    errors: {
      types: [InvalidInputError, NotFoundError, ProfileAlreadyValidatedError, InvalidEmailError, EmailUndeliverableError, ResendTooSoonError, ...accessRefusals],
    },
    args: { input: t.arg({ type: ProfileInviteInput, required: true, description: 'The profile to invite.' }) },
    resolve: (_root, { input }, context) =>
      inviteProfile(deps(context), context.viewer, input.profileId.id, { sendEmail: input.sendEmail ?? true }),
  }),
  profilesInvite: t.withAuth({ allowed: 'INVITE_BULK' }).field({
    type: ProfilesInvitePayload,
    description:
      'Invites many profiles, by ids or by filter, with the same rules as profileInvite; profiles that cannot be invited are skipped and ' +
      'counted by reason. Up to 200 finish within the request; larger selections run in the background.',
    errors: { types: [InvalidInputError, SelectionTooLargeError, IdempotencyKeyReusedError, ...accessRefusals] },
    args: { input: t.arg({ type: ProfilesInviteInput, required: true, description: 'The selection.' }) },
    resolve: async (_root, { input }, context) => ({
      bulkInvitation: await startBulkInvitation(deps(context), context.viewer, { selection: toSelection(input, ['input']), idempotencyKey: input.idempotencyKey }),
    }),
  }),
  invitationRevoke: t.withAuth({ allowed: 'INVITE' }).field({
    type: InvitationPayload,
    description: 'Withdraws an open invitation: its link stops working, and its email is not sent if it has not gone yet. The profile stays PENDING.',
    errors: { types: [InvalidInputError, NotFoundError, InvitationAlreadyUsedError, InvitationExpiredError, InvitationRevokedError, ...accessRefusals] },
    args: { input: t.arg({ type: InvitationRevokeInput, required: true, description: 'The invitation.' }) },
    resolve: async (_root, { input }, context) => ({
      invitation: await revokeInvitation(deps(context), context.viewer, input.invitationId.id),
    }),
  }),
  invitationAccept: t.field({
    type: InvitationAcceptPayload,
    description:
      'Public (no credentials): the invited person confirms their account with the token from the email and a new password. ' +
      'The profile becomes VALIDATED and the app-download email follows. A token works once.',
    errors: { types: [InvitationNotFoundError, InvitationExpiredError, InvitationRevokedError, InvitationAlreadyUsedError, PasswordTooWeakError] },
    args: { input: t.arg({ type: InvitationAcceptInput, required: true, description: 'Token and password.' }) },
    resolve: async (_root, { input }, context) => {
      const profile = await acceptInvitation(deps(context), input);
      const organization = await context.prisma.organization.findUniqueOrThrow({ where: { id: profile.organizationId } });
      return { firstName: profile.firstName, organizationName: organization.name, appStoreUrl: organization.appStoreUrl, playStoreUrl: organization.playStoreUrl };
    },
  }),
}));

// --- Subscription --------------------------------------------------------------

builder.subscriptionFields((t) => ({
  bulkInvitationProgress: t.withAuth({ allowed: 'READ_PROFILES' }).field({
    type: BulkInvitationRef,
    description:
      'Follows a bulk invitation (over Server-Sent Events): sends it now, then at each change, and ends once it is COMPLETED or FAILED ' +
      '(or when the client disconnects). Another organization\'s id ends at once with nothing sent. A caller holds at most ' +
      `${MAX_FOLLOWERS_PER_CALLER} of these open at once; beyond, the error TOO_MANY_SUBSCRIPTIONS.`,
    args: { id: t.arg.globalID({ for: BulkInvitationRef, required: true, description: 'Global id of the bulk invitation.' }) },
    subscribe: (_root, args, context) => {
      const { actor } = context.viewer;
      try {
        return context.progress.follow(args.id.id, organizationIdOf(context), `${actor.kind}:${actor.id}`, context.signal);
      } catch (error) {
        if (error instanceof TooManyFollowersError) throw tooManySubscriptions(MAX_FOLLOWERS_PER_CALLER);
        throw error;
      }
    },
    resolve: (bulk) => bulk,
  }),
}));

import type { Prisma } from '../generated/prisma/client.ts';
import type { BulkInvitationState } from '../generated/prisma/enums.ts';
import { isUuid } from '../kernel/global-ids.ts';
import { builder } from '../graphql/builder.ts';
import type { ProfileFilter } from '../profiles/index.ts';
import { ActorRef, senderOf, senderSelection } from '../graphql/actor.graphql.ts';
import { BulkInvitationRef, BulkInvitationStateEnum, SkipReasonEnum } from './bulk-invitation.graphql.ts';
import { describeOutcome, describeSelection } from './selection-summary.ts';

// The list of bulk invitations (a lost id is found again here), who started
// each, what it selected and what came of it, and the profiles it skipped.

export const SkippedProfileRef = builder.prismaObject('BulkInvitationSkip', {
  name: 'SkippedProfile',
  description: 'A profile a bulk invitation did not invite, and why.',
  fields: (t) => ({
    profile: t.relation('profile', {
      nullable: true,
      description: 'The profile; null when the id asked for named no profile of the organization (reason NOT_FOUND), or it was deleted since.',
    }),
    reason: t.expose('reason', { type: SkipReasonEnum, description: 'Why it was not invited.' }),
  }),
});

builder.prismaObjectFields(BulkInvitationRef, (t) => ({
  startedBy: t.field({
    type: ActorRef,
    nullable: true,
    description: 'Who asked for it: the admin or API key, by name. Null when that admin or key was deleted since.',
    select: senderSelection,
    resolve: (bulk) => senderOf(bulk),
  }),
  selectionSummary: t.string({
    description: 'The selection in words, e.g. \'Profiles pending, with access to "North lot"\' or "3 profiles chosen one by one".',
    select: { selection: true, selectionSummary: true },
    resolve: (bulk) => bulk.selectionSummary ?? describeSelection(bulk.selection as { profileIds: string[] } | { filter: ProfileFilter }, new Map()),
  }),
  outcomeSummary: t.string({
    description: 'What came of it so far, in words, e.g. "Done: 120 invited, 3 re-invited, 12 skipped (12 email undeliverable)."',
    select: { state: true, total: true, done: true, invited: true, reinvited: true, skipped: true, lastError: true },
    resolve: (bulk) => describeOutcome(bulk),
  }),
  skippedProfiles: t.relatedConnection(
    'skips',
    {
      cursor: 'id',
      defaultSize: 50,
      maxSize: 500,
      totalCount: true,
      description: 'The profiles it skipped, with the reason (so "12 skipped: email bounced" can be opened), optionally of one reason.',
      args: { reason: t.arg({ type: SkipReasonEnum, description: 'Only the profiles skipped for this reason.' }) },
      query: (args) => ({ where: args.reason ? { reason: args.reason } : {}, orderBy: { id: 'asc' } }),
    },
    { name: 'SkippedProfileConnection', description: 'A page of skipped profiles, with the total.' },
    { name: 'SkippedProfileEdge', description: 'A skipped profile in a page, with its cursor.' },
  ),
}));

builder.queryFields((t) => ({
  bulkInvitations: t.withAuth({ allowed: 'READ_PROFILES' }).prismaConnection(
    {
      type: BulkInvitationRef,
      cursor: 'id',
      defaultSize: 20,
      maxSize: 100,
      description: "The organization's bulk invitations, newest first: where a lost bulk invitation id is found again.",
      args: {
        states: t.arg({ type: [BulkInvitationStateEnum], description: 'Only those in one of these states.' }),
        startedBy: t.arg.globalID({ description: 'Only those started by this admin or API key (global id).' }),
        from: t.arg({ type: 'DateTime', description: 'Only those requested at or after this instant.' }),
        to: t.arg({ type: 'DateTime', description: 'Only those requested before this instant.' }),
      },
      totalCount: (_parent, args, context) => context.scope.db.bulkInvitation.count({ where: bulkInvitationsWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.scope.db.bulkInvitation.findMany({
          ...query,
          where: bulkInvitationsWhere(args),
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'BulkInvitationConnection', description: 'A page of bulk invitations, with the total.' },
    { name: 'BulkInvitationEdge', description: 'A bulk invitation in a page, with its cursor.' },
  ),
}));

const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** The list's arguments as Prisma's where (the organization is added by the scope's confined client). */
function bulkInvitationsWhere(args: {
  states?: BulkInvitationState[] | null;
  startedBy?: { typename: string; id: string } | null;
  from?: Date | null;
  to?: Date | null;
}): Prisma.BulkInvitationWhereInput {
  const and: Prisma.BulkInvitationWhereInput[] = [];
  if (args.states) and.push({ state: { in: args.states } });
  if (args.startedBy) {
    const id = isUuid(args.startedBy.id) ? args.startedBy.id : NO_ONE;
    if (args.startedBy.typename === 'Admin') and.push({ sentByAdminId: id });
    else if (args.startedBy.typename === 'ApiKey') and.push({ sentByApiKeyId: id });
    else and.push({ id: NO_ONE });
  }
  if (args.from) and.push({ createdAt: { gte: args.from } });
  if (args.to) and.push({ createdAt: { lt: args.to } });
  return { AND: and };
}

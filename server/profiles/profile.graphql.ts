import { accessRefusals } from '../access/access.graphql.ts';
import { wasReplayed } from '../input/idempotency.ts';
import { builder } from '../builder.ts';
import type { AuthenticatedContext } from '../context.ts';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { encodeGlobalID, resolveCursorConnection } from '@pothos/plugin-relay';
import { parseText } from '../input/text-fields.ts';
import { parseQueryInput } from '../errors/graphql-errors.ts';
import { GraphQLError } from 'graphql';
import {
  BatchTooLargeError,
  DuplicateInBatchError,
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  IdempotencyKeyReusedError,
  InvalidEmailError,
  InvalidInputError,
  NotFoundError,
  UnknownParkingLotError,
  UnknownTagError,
} from '../errors/domain-errors.ts';
import { errorAsData, profileInputErrors } from '../errors/errors.graphql.ts';
import type { Profile } from '../generated/prisma/client.ts';
import { EmailDeliveryStateEnum, InvitationRef } from '../invitations/invitation.graphql.ts';
import { ParkingLotRef, TagRef } from '../organizations/organization.graphql.ts';
import { organizationIdOf } from '../organizations/organization-scope.ts';
import { countProfiles, type ProfileCounts, type ProfileOrder, profileCounts, profilePageIds } from './profile-queries.ts';
import {
  createProfile,
  deleteProfile,
  MAX_UPSERT_BATCH,
  updateProfile,
  upsertProfiles,
  type UpsertRowResult,
} from './profile-service.ts';

export const ProfileStatusEnum = builder.enumType('ProfileStatus', {
  description: 'Where a profile stands in the invitation flow.',
  values: {
    NOT_INVITED: { description: 'Created, never invited; nothing has been sent to the person.' },
    PENDING: { description: 'Invited, not accepted yet (the latest invitation may have expired).' },
    VALIDATED: { description: 'The person accepted an invitation and set a password.' },
  } as const,
});

export const PaymentMethodEnum = builder.enumType('PaymentMethod', {
  description: 'How a profile pays for parking.',
  values: {
    CREDIT_CARD: { description: 'Credit or debit card.' },
    SEPA_DIRECT_DEBIT: { description: 'SEPA direct debit.' },
    PAYROLL_DEDUCTION: { description: 'Deducted from the salary.' },
    COMPANY_INVOICE: { description: 'Invoiced to the company.' },
  } as const,
});

export const ProfileRef = builder.prismaNode('Profile', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'An employee of the organization, who may be given access to its parking lots and invited to the app.',
  id: { field: 'id', description: 'Global id of the profile.' },
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
  fields: (t) => ({
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    fullName: t.string({
      description: 'First and last name, as shown in lists.',
      select: { firstName: true, lastName: true },
      resolve: (profile) => `${profile.firstName} ${profile.lastName}`,
    }),
    email: t.exposeString('email', { description: 'Email address, unique in the organization (case-insensitive).' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone number, if known.' }),
    externalId: t.exposeString('externalId', {
      nullable: true,
      description: "The integrator's own id for this person (e.g. the HR system's), unique in the organization.",
    }),
    status: t.expose('status', { type: ProfileStatusEnum, description: 'Where the profile stands in the invitation flow.' }),
    paymentMethods: t.expose('paymentMethods', { type: [PaymentMethodEnum], description: 'How the person may pay.' }),
    parkingLots: t.field({
      type: [ParkingLotRef],
      description: 'The parking lots the person has access to, by name; empty for no access.',
      select: { parkingLots: { select: { parkingLot: true }, orderBy: { parkingLot: { name: 'asc' } } } },
      resolve: (profile) => profile.parkingLots.map((link) => link.parkingLot),
    }),
    tags: t.field({
      type: [TagRef],
      description: 'The tags on the profile, by name.',
      select: { tags: { select: { tag: true }, orderBy: { tag: { name: 'asc' } } } },
      resolve: (profile) => profile.tags.map((link) => link.tag),
    }),
    latestInvitation: t.relation('latestInvitation', {
      type: InvitationRef,
      nullable: true,
      description: 'The most recent invitation, null if never invited: whether it expired and what became of its email.',
    }),
    invitations: t.relatedConnection(
      'invitations',
      {
        cursor: 'id',
        defaultSize: 20,
        maxSize: 100,
        totalCount: true,
        query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
        description: 'Every invitation sent to the profile, newest first: the invitation history.',
      },
      { name: 'InvitationConnection', description: 'A page of invitations, with the total.' },
      { name: 'InvitationEdge', description: 'An invitation in a page, with its cursor.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the profile was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the profile last changed.' }),
    invitedAt: t.expose('invitedAt', { type: 'DateTime', nullable: true, description: 'When it was last invited.' }),
    validatedAt: t.expose('validatedAt', { type: 'DateTime', nullable: true, description: 'When the person accepted.' }),
  }),
});

export const TagMatchEnum = builder.enumType('TagMatch', {
  description: 'How the tags of a filter combine.',
  values: {
    ANY: { description: 'Profiles with at least one of the tags.' },
    ALL: { description: 'Profiles with every one of the tags.' },
  } as const,
});

export const DateTimeRangeInput = builder.inputType('DateTimeRange', {
  description: 'A span of time: from (inclusive) to (exclusive); a bound left out is open.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'The start, included.' }),
    to: t.field({ type: 'DateTime', description: 'The end, excluded.' }),
  }),
});

export const ProfileFilterInput = builder.inputType('ProfileFilter', {
  description:
    'Selects profiles. Criteria combine with AND; the values inside one list combine with OR. ' +
    'The same filter selects "all search results" for bulk invitations.',
  fields: (t) => ({
    search: t.string({
      description:
        'Words found in the first name, last name, email, externalId or phone, ignoring case and accents ("helene" finds "Hélène"; ' +
        'a phone is found as typed or by its digits, "0612" finds "06 12 34 56 78").',
    }),
    externalIds: t.stringList({
      description:
        "Profiles with one of these externalIds (the integrator's own ids, matched exactly: case-sensitively), e.g. the people one sync created.",
    }),
    parkingLotIds: t.globalIDList({
      for: ParkingLotRef,
      description: 'Profiles with access to at least one of these parking lots.',
    }),
    noAccess: t.boolean({
      description: 'True: profiles with access to no parking lot (or, with parkingLotIds, to one of those lots).',
    }),
    statuses: t.field({ type: [ProfileStatusEnum], description: 'Profiles in one of these statuses.' }),
    tagIds: t.globalIDList({ for: TagRef, description: 'Profiles with at least one of these tags (or all of them, with tagsMatch: ALL).' }),
    tagsMatch: t.field({ type: TagMatchEnum, description: 'ANY (when left out): at least one of tagIds; ALL: every one of them.' }),
    paymentMethods: t.field({ type: [PaymentMethodEnum], description: 'Profiles with at least one of these payment methods.' }),
    invitationExpired: t.boolean({
      description: 'True: pending profiles whose latest invitation has expired (to re-invite). False: all others.',
    }),
    deliveryStates: t.field({
      type: [EmailDeliveryStateEnum],
      description: "Profiles whose latest invitation's email is in one of these states, e.g. [BOUNCED, SPAM_COMPLAINT] for addresses to correct.",
    }),
    invitedBetween: t.field({ type: DateTimeRangeInput, description: 'Profiles last invited in this span (never invited: excluded).' }),
    expiresBetween: t.field({ type: DateTimeRangeInput, description: 'Profiles whose latest invitation expires (or expired) in this span.' }),
  }),
});

export const ProfileOrderField = builder.enumType('ProfileOrderField', {
  description: 'What profiles are sorted by; ties are broken by id so pages never overlap.',
  values: {
    NAME: { description: 'Last name, then first name, ignoring case and accents ("Ábalos" with the A\'s, "dupont" next to "Dupont").' },
    EMAIL: { description: 'Email address.' },
    CREATED_AT: { description: 'Creation time.' },
    STATUS: { description: 'Status (not invited, pending, validated), then name.' },
    INVITED_AT: { description: 'When last invited; never invited counts as earliest (last when DESC).' },
    EXPIRES_AT: { description: 'When the latest invitation expires; no invitation counts as latest (last when ASC).' },
  } as const,
});

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: { ASC: { description: 'Ascending.' }, DESC: { description: 'Descending.' } } as const,
});

export const ProfileOrderInput = builder.inputType('ProfileOrder', {
  description: 'How to sort profiles.',
  fields: (t) => ({
    field: t.field({ type: ProfileOrderField, required: true, description: 'The sort key.' }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC', description: 'The direction, ascending by default.' }),
  }),
});

type ProfileFilterArgument = typeof ProfileFilterInput.$inferInput;

/** The GraphQL filter, with global ids turned into database ids and the search text checked (InvalidInputError at `path`). */
export function toProfileFilter(filter: ProfileFilterArgument | null | undefined, path: string[] = ['filter']) {
  if (!filter) return null;
  return {
    ...filter,
    search: filter.search == null ? filter.search : parseText(filter.search, [...path, 'search']),
    externalIds: filter.externalIds?.map((externalId, index) => parseText(externalId, [...path, 'externalIds', String(index)])),
    parkingLotIds: filter.parkingLotIds?.map((id) => id.id),
    tagIds: filter.tagIds?.map((id) => id.id),
  };
}

const ProfileCountsRef = builder.objectRef<ProfileCounts>('ProfileCounts').implement({
  description: 'How many profiles a filter selects, in all and by status: the numbers beside the Status filter.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Profiles the filter selects.' }),
    notInvited: t.exposeInt('notInvited', { description: 'Of those, NOT_INVITED.' }),
    pending: t.exposeInt('pending', { description: 'Of those, PENDING (whether or not their invitation expired).' }),
    validated: t.exposeInt('validated', { description: 'Of those, VALIDATED.' }),
    pendingWithExpiredInvitation: t.exposeInt('pendingWithExpiredInvitation', {
      description: 'Of those, PENDING with an expired latest invitation: to re-invite (what invitationExpired: true selects).',
    }),
    emailUndeliverable: t.exposeInt('emailUndeliverable', {
      description: 'Of those, whose current address bounced or was reported as spam: to correct before inviting.',
    }),
  }),
});

/** The cursor of a profile in a page: opaque to clients. */
const PROFILE_CURSOR_PREFIX = 'profile:';
const toCursor = (profile: { id: string }) => Buffer.from(`${PROFILE_CURSOR_PREFIX}${profile.id}`).toString('base64url');
function fromCursor(cursor: string | null | undefined): string | null {
  if (cursor == null) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const id = decoded.startsWith(PROFILE_CURSOR_PREFIX) ? decoded.slice(PROFILE_CURSOR_PREFIX.length) : '';
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    throw new GraphQLError('This cursor is not one the profiles query gave; start from the first page.', {
      extensions: { code: 'INVALID_INPUT', http: { status: 400 } },
    });
  }
  return id;
}

builder.queryFields((t) => ({
  profiles: t.withAuth({ allowed: 'READ_PROFILES' }).connection(
    {
      type: ProfileRef,
      description: "Searches the organization's profiles; a page at a time (first/after or last/before), with the total.",
      args: {
        filter: t.arg({ type: ProfileFilterInput, description: 'Which profiles; all when left out.' }),
        orderBy: t.arg({ type: ProfileOrderInput, description: 'The order; by name when left out.' }),
      },
      resolve: async (_root, args, context, info) => {
        const organizationId = context.viewer.organizationId;
        const now = context.clock.now();
        const filter = parseQueryInput(() => toProfileFilter(args.filter));
        const order: ProfileOrder = { field: args.orderBy?.field ?? 'NAME', direction: args.orderBy?.direction ?? 'ASC' };
        const connection = await resolveCursorConnection<Promise<Profile[]>>(
          { args, toCursor, defaultSize: 20, maxSize: 500 },
          async ({ after, before, limit, inverted }): Promise<Profile[]> => {
            const ids = await profilePageIds(context.prisma, organizationId, filter, order, now, {
              after: fromCursor(after),
              before: fromCursor(before),
              limit,
              inverted,
            });
            if (ids.length === 0) return [];
            // The page's rows with exactly what the query selects (lots, tags, invitations), in one Prisma read.
            const query = queryFromInfo({ context, info, typeName: 'Profile', path: ['edges', 'node'] });
            const rows = (await context.prisma.profile.findMany({ ...query, where: { id: { in: ids } } })) as Profile[];
            const byId = new Map(rows.map((row) => [row.id, row]));
            return ids.map((id) => byId.get(id)).filter((row): row is Profile => row !== undefined);
          },
        );
        return { ...connection, total: () => countProfiles(context.prisma, organizationId, filter, now) };
      },
    },
    {
      name: 'ProfileConnection',
      description: 'A page of profiles, with the total number that match.',
      fields: (t) => ({
        totalCount: t.int({ description: 'How many profiles match, over all pages.', resolve: (connection) => connection.total() }),
      }),
    },
    { name: 'ProfileEdge', description: 'A profile in a page, with its cursor.' },
  ),
  profileCounts: t.withAuth({ allowed: 'READ_PROFILES' }).field({
    type: ProfileCountsRef,
    description:
      'How many profiles the filter selects, by status, plus those pending with an expired invitation and those whose email is ' +
      'undeliverable: the numbers a UI shows on its Status filter. The whole filter applies (leave its statuses out to count every status).',
    args: { filter: t.arg({ type: ProfileFilterInput, description: 'Which profiles; all when left out.' }) },
    resolve: (_root, args, context) => profileCounts(context.prisma, context.viewer.organizationId, parseQueryInput(() => toProfileFilter(args.filter)), context.clock.now()),
  }),
  profileByExternalId: t.withAuth({ allowed: 'READ_PROFILES' }).prismaField({
    type: ProfileRef,
    nullable: true,
    description: "One profile by the integrator's own id (matched exactly: case-sensitively); null when the organization has none.",
    args: { externalId: t.arg.string({ required: true, description: "The integrator's id, as given to profilesUpsert." }) },
    resolve: (query, _root, args, context) =>
      context.prisma.profile.findFirst({
        ...query,
        where: { externalId: parseQueryInput(() => parseText(args.externalId, ['externalId'])), organizationId: context.viewer.organizationId },
      }),
  }),
  profile: t.withAuth({ allowed: 'READ_PROFILES' }).prismaField({
    type: ProfileRef,
    nullable: true,
    description: 'One profile by global id; null when the organization has none with this id.',
    args: { id: t.arg.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }) },
    resolve: (query, _root, args, context) =>
      context.prisma.profile.findFirst({ ...query, where: { id: args.id.id, organizationId: context.viewer.organizationId } }),
  }),
}));

// --- Mutations ---------------------------------------------------------------

/** The description of every create's idempotencyKey. */
export const idempotencyKeyDescription = (what: string) =>
  `Any unique string (e.g. a UUID) per intended ${what}: a retry with the same key and input returns the ${what} the first call created ` +
  'instead of creating another (the same key with another input: IdempotencyKeyReused).';

const profileFields = {
  firstName: 'First name (1 to 100 characters).',
  lastName: 'Last name (1 to 100 characters).',
  email: 'Email address, unique in the organization. Nothing is sent to it until the profile is invited.',
  phone: 'Phone number: digits, spaces, ( ) . - and a leading +. Null clears it.',
  externalId: "The integrator's own id, unique in the organization. Null clears it.",
  paymentMethods: 'How the person may pay; replaces the list.',
  parkingLotIds: 'Parking lots the person may use; replaces the access. Empty: no access.',
  tagIds: 'Tags on the profile; replaces them.',
};

export const ProfileCreateInput = builder.inputType('ProfileCreateInput', {
  description: 'A new profile. It starts NOT_INVITED and nothing is sent to the person.',
  fields: (t) => ({
    firstName: t.string({ required: true, description: profileFields.firstName }),
    lastName: t.string({ required: true, description: profileFields.lastName }),
    email: t.string({ required: true, description: profileFields.email }),
    phone: t.string({ description: profileFields.phone }),
    externalId: t.string({ description: profileFields.externalId }),
    paymentMethods: t.field({ type: [PaymentMethodEnum], description: profileFields.paymentMethods }),
    parkingLotIds: t.globalIDList({ for: ParkingLotRef, description: profileFields.parkingLotIds }),
    tagIds: t.globalIDList({ for: TagRef, description: profileFields.tagIds }),
    idempotencyKey: t.string({ description: idempotencyKeyDescription('profile') }),
  }),
});

export const ProfileUpdateInput = builder.inputType('ProfileUpdateInput', {
  description: 'The fields to change; fields left out keep their value.',
  fields: (t) => ({
    firstName: t.string({ description: profileFields.firstName }),
    lastName: t.string({ description: profileFields.lastName }),
    email: t.string({ description: profileFields.email }),
    phone: t.string({ description: profileFields.phone }),
    externalId: t.string({ description: profileFields.externalId }),
    paymentMethods: t.field({ type: [PaymentMethodEnum], description: profileFields.paymentMethods }),
    parkingLotIds: t.globalIDList({ for: ParkingLotRef, description: profileFields.parkingLotIds }),
    tagIds: t.globalIDList({ for: TagRef, description: profileFields.tagIds }),
  }),
});

export const ProfileUpsertInput = builder.inputType('ProfileUpsertInput', {
  description:
    'One person from the integrator\'s system, matched by externalId: created when new, updated otherwise. ' +
    'On an existing profile, optional fields left out keep their value.',
  fields: (t) => ({
    externalId: t.string({ required: true, description: "The integrator's own id; the match key." }),
    firstName: t.string({ required: true, description: profileFields.firstName }),
    lastName: t.string({ required: true, description: profileFields.lastName }),
    email: t.string({ required: true, description: profileFields.email }),
    phone: t.string({ description: profileFields.phone }),
    paymentMethods: t.field({ type: [PaymentMethodEnum], description: profileFields.paymentMethods }),
    parkingLotIds: t.globalIDList({ for: ParkingLotRef, description: profileFields.parkingLotIds }),
    tagIds: t.globalIDList({ for: TagRef, description: profileFields.tagIds }),
  }),
});

export const ProfilesUpsertInput = builder.inputType('ProfilesUpsertInput', {
  description: `A batch of up to ${MAX_UPSERT_BATCH} people to create or update.`,
  fields: (t) => ({
    profiles: t.field({ type: [ProfileUpsertInput], required: true, description: 'The people, in any order.' }),
  }),
});

type IdInput = { id: string } | null | undefined;

/** The organization a profile write acts in, and who acts (for the audit trail). */
const profileScope = (context: AuthenticatedContext) => ({
  prisma: context.prisma,
  organizationId: context.viewer.organizationId,
  actor: context.viewer.actor,
  now: context.clock.now(),
});
const idsOf = (ids: IdInput[] | null | undefined) => ids?.map((id) => id!.id);

const ProfilePayload = builder.objectRef<{ profile: Profile }>('ProfilePayload').implement({
  description: 'The profile as it now is.',
  fields: (t) => ({
    profile: t.field({ type: ProfileRef, description: 'The profile.', resolve: (payload) => payload.profile }),
    replayed: t.boolean({ description: 'True when an earlier request with the same idempotency key created it and this is that result again; nothing new was created.', resolve: (payload) => wasReplayed(payload.profile) }),
  }),
});

const ProfileDeletePayload = builder.objectRef<{ deletedProfileId: string }>('ProfileDeletePayload').implement({
  description: 'The profile was deleted, with its invitations.',
  fields: (t) => ({ deletedProfileId: t.exposeID('deletedProfileId', { description: 'Global id of the deleted profile.' }) }),
});

export const UpsertOutcomeEnum = builder.enumType('UpsertOutcome', {
  description: 'What happened to one row of a bulk upsert.',
  values: {
    CREATED: { description: 'A new profile was created.' },
    UPDATED: { description: 'The existing profile with this externalId was updated.' },
    UNCHANGED: { description: 'The existing profile with this externalId already had these values: nothing was written (updatedAt stays).' },
    FAILED: { description: 'Nothing was written for this row; see its error.' },
  } as const,
});

/** What can make one row of a bulk upsert fail, and nothing else. */
const ProfileUpsertRowErrorUnion = builder.unionType('ProfileUpsertRowError', {
  description: 'Why one row of a bulk upsert was not written; every member has `code`, `message` and `path`.',
  types: [
    InvalidInputError,
    InvalidEmailError,
    EmailAlreadyUsedError,
    ExternalIdAlreadyUsedError,
    DuplicateInBatchError,
    UnknownParkingLotError,
    UnknownTagError,
  ] as unknown as [typeof InvalidInputError],
  resolveType: (error) => (error as unknown as { typeName: string }).typeName,
});

const ProfileUpsertRowResultRef = builder.objectRef<UpsertRowResult>('ProfileUpsertRowResult').implement({
  description: 'The result of one row of a bulk upsert.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position of the row in the input, from 0.' }),
    externalId: t.exposeString('externalId', { description: 'The externalId the row carried.' }),
    outcome: t.field({ type: UpsertOutcomeEnum, description: 'What happened.', resolve: (row) => row.outcome }),
    profileId: t.id({
      nullable: true,
      description: 'Global id of the created or updated profile; null when the row failed.',
      resolve: (row) => (row.profileId ? encodeGlobalID('Profile', row.profileId) : null),
    }),
    error: t.field({
      type: ProfileUpsertRowErrorUnion,
      nullable: true,
      description: 'Why the row failed; its path points into the input.',
      resolve: (row) => (row.error && errorAsData(row.error)) as InvalidInputError | null,
    }),
  }),
});

const ProfilesUpsertPayload = builder.objectRef<{ rows: UpsertRowResult[]; created: number; updated: number; unchanged: number; failed: number }>(
  'ProfilesUpsertPayload',
).implement({
  description: 'One result per input row, in input order, and the counts.',
  fields: (t) => ({
    results: t.field({ type: [ProfileUpsertRowResultRef], description: 'One per input row.', resolve: (payload) => payload.rows }),
    createdCount: t.exposeInt('created', { description: 'Rows that created a profile.' }),
    updatedCount: t.exposeInt('updated', { description: 'Rows that updated a profile.' }),
    unchangedCount: t.exposeInt('unchanged', { description: 'Rows whose profile already had these values (nothing written).' }),
    failedCount: t.exposeInt('failed', { description: 'Rows that wrote nothing.' }),
  }),
});

builder.mutationFields((t) => ({
  profileCreate: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfilePayload,
    description: 'Creates a profile (status NOT_INVITED). Nothing is sent to the person.',
    errors: { types: [...profileInputErrors, IdempotencyKeyReusedError, NotFoundError, ...accessRefusals] },
    args: { input: t.arg({ type: ProfileCreateInput, required: true, description: 'The new profile.' }) },
    resolve: async (_root, { input: { idempotencyKey, ...input } }, context) => ({
      profile: await createProfile(
        profileScope(context),
        { ...input, parkingLotIds: idsOf(input.parkingLotIds), tagIds: idsOf(input.tagIds) },
        idempotencyKey,
      ),
    }),
  }),
  profileUpdate: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfilePayload,
    description: 'Changes a profile. Nothing is sent to the person.',
    errors: { types: [...profileInputErrors, NotFoundError, ...accessRefusals] },
    args: {
      id: t.arg.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }),
      input: t.arg({ type: ProfileUpdateInput, required: true, description: 'The fields to change.' }),
    },
    resolve: async (_root, { id, input }, context) => ({
      profile: await updateProfile(profileScope(context), id.id, {
        ...input,
        parkingLotIds: idsOf(input.parkingLotIds),
        tagIds: idsOf(input.tagIds),
      }),
    }),
  }),
  profileDelete: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfileDeletePayload,
    description: 'Deletes a profile and its invitations; links already sent stop working.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }) },
    resolve: async (_root, { id }, context) => {
      await deleteProfile(profileScope(context), id.id);
      return { deletedProfileId: encodeGlobalID('Profile', id.id) };
    },
  }),
  profilesUpsert: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfilesUpsertPayload,
    description:
      'Creates or updates many profiles by externalId, for syncing from an HR system. Rows that break a rule are ' +
      'reported in their result and not written; the others are. Nothing is sent to anyone.',
    errors: { types: [BatchTooLargeError, InvalidInputError, ...accessRefusals] },
    args: { input: t.arg({ type: ProfilesUpsertInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, context) =>
      upsertProfiles(
        profileScope(context),
        input.profiles.map((row) => ({ ...row, parkingLotIds: idsOf(row.parkingLotIds), tagIds: idsOf(row.tagIds) })),
      ),
  }),
}));

import { queryFromInfo } from '@pothos/plugin-prisma';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { LocaleEnum } from '../i18n/locale.graphql.ts';
import { IdempotencyKeyReusedError, InvalidInputError, ManagedByDirectoryError, NotFoundError } from '../kernel/errors.ts';
import { profileInputErrors } from '../graphql/errors.graphql.ts';
import { parseQueryInput } from '../graphql/graphql-errors.ts';
import { askedFieldArguments } from '../graphql/asked-fields.ts';
import type { Profile } from '../generated/prisma/client.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { idempotencyKeyDescription, wasReplayed } from '../kernel/idempotency.ts';
import { parseText } from '../kernel/text-fields.ts';
import { InvitationRef } from '../invitations/invitation.graphql.ts';
import { ParkingLotRef, TagRef } from '../organizations/organization.graphql.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
import { PaymentMethodEnum, ProfileStatusEnum } from './profile-enums.graphql.ts';
import { ProfileFilterInput, ProfileOrderInput, toProfileFilter, toProfileOrder } from './profile-filter.graphql.ts';
import type { BoundedCount, ProfileCounts } from './profile-queries.ts';
import { CountRef } from './bounded-count.graphql.ts';
import { decodeProfileCursor, encodeProfileCursor } from './profile-cursor.graphql.ts';
import { countProfileMatches, countProfileMatchesUpTo, profileStatusCounts, searchProfilePage } from './profile-search.ts';
import { profileRows, type RowSelect } from './profile-page-rows.ts';
import { DEFAULT_COUNT_LIMIT, MAX_COUNT_LIMIT } from '../kernel/limits.ts';
import { createProfile, deleteProfile, updateProfile } from './profile-service.ts';

// The profile: its type, the reads (profiles, profileCounts, profile) and the
// writes one at a time. Its filter: profile-filter.graphql.ts; many at once by
// externalId: profile-upsert.graphql.ts.

export const ProfileRef = builder.prismaNode('Profile', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'An employee of the organization, who may be given access to its parking lots and invited to the app.',
  id: { field: 'id', description: 'Global id of the profile.' },
  // Select mode: a read selects only the columns its fields need (never password_hash or search_text).
  select: { id: true },
  findUnique: inCallerOrganization('Profile'),
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
    locale: t.expose('locale', {
      type: LocaleEnum,
      nullable: true,
      description: "The person's language for emails and the accept page; null: the organization's defaultLocale.",
    }),
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

const ProfileCountsRef = builder.objectRef<ProfileCounts>('ProfileCounts').implement({
  description: 'How many profiles a filter selects, in all and by status: the numbers beside the Status filter.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Profiles the filter selects.' }),
    notInvited: t.exposeInt('notInvited', { description: 'Of those, NOT_INVITED.' }),
    pending: t.exposeInt('pending', { description: 'Of those, PENDING (whether or not their invitation expired).' }),
    validated: t.exposeInt('validated', { description: 'Of those, VALIDATED.' }),
    deactivated: t.exposeInt('deactivated', { description: 'Of those, DEACTIVATED by their directory.' }),
    pendingWithExpiredInvitation: t.exposeInt('pendingWithExpiredInvitation', {
      description: 'Of those, PENDING with an expired latest invitation: to re-invite (what invitationExpired: true selects).',
    }),
    emailUndeliverable: t.exposeInt('emailUndeliverable', {
      description: 'Of those, whose current address bounced or was reported as spam: to correct before inviting.',
    }),
  }),
});

/** Whether `limit` is one a bounded count accepts (1 to MAX_COUNT_LIMIT). */
const isCountLimit = (limit: unknown): limit is number => typeof limit === 'number' && limit >= 1 && limit <= MAX_COUNT_LIMIT;

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
        const filter = parseQueryInput(() => toProfileFilter(args.filter));
        const order = toProfileOrder(args.orderBy);
        // The bounded counts the selection asks (deferred or not) start now, beside the page, each read once per limit.
        const counts = new Map<number, Promise<BoundedCount>>();
        const upTo = (limit: number) => {
          let count = counts.get(limit);
          if (!count) {
            count = countProfileMatchesUpTo(context.scope, filter, limit);
            counts.set(limit, count);
          }
          return count;
        };
        for (const asked of askedFieldArguments(info, 'count')) {
          const limit = asked.limit ?? DEFAULT_COUNT_LIMIT;
          // A refused limit is the count field's to report; a count whose page failed is never read (its error with it).
          if (isCountLimit(limit)) upTo(limit).catch(() => undefined);
        }
        const cursors = new Map<string, string>();
        const toCursor = (profile: { id: string }) => cursors.get(profile.id)!;
        const connection = await resolveCursorConnection<Promise<Profile[]>>(
          { args, toCursor, defaultSize: 20, maxSize: 500 },
          async ({ after, before, limit, inverted }): Promise<Profile[]> => {
            const page = await searchProfilePage(context.scope, filter, order, {
              after: decodeProfileCursor(after, order.field),
              before: decodeProfileCursor(before, order.field),
              limit,
              inverted,
            });
            for (const row of page) cursors.set(row.id, encodeProfileCursor(order.field, row.position));
            const ids = page.map((row) => row.id);
            if (ids.length === 0) return [];
            // The page's rows with exactly what the query selects (lots, tags, invitations), in one statement: through
            // `pg` when profile-page-rows.ts reads such a selection (Prisma's client costs more CPU than the rest of the
            // request), else through Prisma.
            const query = queryFromInfo({ context, info, typeName: 'Profile', path: ['edges', 'node'] }) as { select?: RowSelect };
            const read = query.select && (await profileRows(context.scope.prisma, context.scope.organizationId, ids, query.select));
            if (read) return read as unknown as Profile[];
            const rows = (await context.scope.db.profile.findMany({ ...query, where: { id: { in: ids } } })) as Profile[];
            const byId = new Map(rows.map((row) => [row.id, row]));
            return ids.map((id) => byId.get(id)).filter((row): row is Profile => row !== undefined);
          },
        );
        return {
          ...connection,
          total: () => countProfileMatches(context.scope, filter),
          upTo,
        };
      },
    },
    {
      name: 'ProfileConnection',
      description: 'A page of profiles, with the total number that match.',
      fields: (t) => ({
        totalCount: t.int({
          description:
            'How many profiles match, over all pages, exactly: at a million profiles a broad filter takes a second to count. ' +
            'For the number beside a list, ask `count` (bounded); ask totalCount where the exact number is acted on (select all N).',
          resolve: (connection) => connection.total(),
        }),
        count: t.field({
          type: CountRef,
          description:
            `How many profiles match, exact up to \`limit\` (default ${DEFAULT_COUNT_LIMIT}) and "at least \`limit\`" beyond: as fast at a million ` +
            'profiles as at a thousand. A filter on status alone (or none) is always exact (maintained counters).',
          args: {
            limit: t.arg.int({ defaultValue: DEFAULT_COUNT_LIMIT, description: `Where counting stops, 1 to ${MAX_COUNT_LIMIT}.` }),
          },
          resolve: (connection, args) => {
            const limit = args.limit ?? DEFAULT_COUNT_LIMIT;
            parseQueryInput(() => {
              if (!isCountLimit(limit)) throw new InvalidInputError(['limit'], `limit must be between 1 and ${MAX_COUNT_LIMIT}.`);
            });
            return connection.upTo(limit);
          },
        }),
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
    resolve: (_root, args, context) =>
      profileStatusCounts(
        context.scope,
        parseQueryInput(() => toProfileFilter(args.filter)),
      ),
  }),
  profileByExternalId: t.withAuth({ allowed: 'READ_PROFILES' }).prismaField({
    type: ProfileRef,
    nullable: true,
    description: "One profile by the integrator's own id (matched exactly: case-sensitively); null when the organization has none.",
    args: { externalId: t.arg.string({ required: true, description: "The integrator's id, as given to profilesUpsert." }) },
    resolve: (query, _root, args, context) =>
      context.scope.db.profile.findFirst({ ...query, where: { externalId: parseQueryInput(() => parseText(args.externalId, ['externalId'])) } }),
  }),
  profile: t.withAuth({ allowed: 'READ_PROFILES' }).prismaField({
    type: ProfileRef,
    nullable: true,
    description: 'One profile by global id; null when the organization has none with this id.',
    args: { id: t.arg.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }) },
    resolve: (query, _root, args, context) => context.scope.db.profile.findFirst({ ...query, where: { id: args.id.id } }),
  }),
}));

// --- Mutations ---------------------------------------------------------------

export const profileFields = {
  firstName: 'First name (1 to 100 characters).',
  lastName: 'Last name (1 to 100 characters).',
  email: 'Email address, unique in the organization. Nothing is sent to it until the profile is invited.',
  phone: 'Phone number: digits, spaces, ( ) . - and a leading +. Null clears it.',
  externalId: "The integrator's own id, unique in the organization. Null clears it.",
  paymentMethods: 'How the person may pay; replaces the list.',
  parkingLotIds: 'Parking lots the person may use; replaces the access. Empty: no access.',
  tagIds: 'Tags on the profile; replaces them.',
  locale: "The person's language for emails and the accept page; null (or left out on create): the organization's defaultLocale.",
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
    locale: t.field({ type: LocaleEnum, description: profileFields.locale }),
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
    locale: t.field({ type: LocaleEnum, description: profileFields.locale }),
    parkingLotIds: t.globalIDList({ for: ParkingLotRef, description: profileFields.parkingLotIds }),
    tagIds: t.globalIDList({ for: TagRef, description: profileFields.tagIds }),
  }),
});

type IdInput = { id: string } | null | undefined;

/** Decoded global ids (checked before the resolver ran) as database ids. */
export const idsOf = (ids: IdInput[] | null | undefined) => ids?.map((id) => id!.id);

const ProfilePayload = builder.objectRef<{ profile: Profile }>('ProfilePayload').implement({
  description: 'The profile as it now is.',
  fields: (t) => ({
    profile: t.field({ type: ProfileRef, description: 'The profile.', resolve: (payload) => payload.profile }),
    replayed: t.boolean({
      description: 'True when an earlier request with the same idempotency key created it and this is that result again; nothing new was created.',
      resolve: (payload) => wasReplayed(payload.profile),
    }),
  }),
});

const ProfileDeletePayload = builder.objectRef<{ deletedProfileId: string }>('ProfileDeletePayload').implement({
  description: 'The profile was deleted, with its invitations.',
  fields: (t) => ({ deletedProfileId: t.exposeID('deletedProfileId', { description: 'Global id of the deleted profile.' }) }),
});

builder.mutationFields((t) => ({
  profileCreate: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfilePayload,
    description: 'Creates a profile (status NOT_INVITED). Nothing is sent to the person.',
    errors: { types: [...profileInputErrors, IdempotencyKeyReusedError, NotFoundError, ...accessRefusals] },
    args: { input: t.arg({ type: ProfileCreateInput, required: true, description: 'The new profile.' }) },
    resolve: async (_root, { input: { idempotencyKey, ...input } }, context) => ({
      profile: await createProfile(context.scope, { ...input, parkingLotIds: idsOf(input.parkingLotIds), tagIds: idsOf(input.tagIds) }, idempotencyKey),
    }),
  }),
  profileUpdate: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfilePayload,
    description:
      'Changes a profile. Nothing is sent to the person. While a directory (Entra ID, Okta) holds the profile, the fields it sends are refused (ManagedByDirectory).',
    errors: { types: [...profileInputErrors, NotFoundError, ManagedByDirectoryError, ...accessRefusals] },
    args: {
      id: t.arg.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }),
      input: t.arg({ type: ProfileUpdateInput, required: true, description: 'The fields to change.' }),
    },
    resolve: async (_root, { id, input }, context) => ({
      profile: await updateProfile(context.scope, id.id, {
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
      await deleteProfile(context.scope, id.id);
      return { deletedProfileId: globalIdOf('Profile', id.id) };
    },
  }),
}));

import { globalIdOf } from '../kernel/global-ids.ts';
import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import {
  BatchTooLargeError,
  DuplicateInBatchError,
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  InvalidEmailError,
  InvalidInputError,
  UnknownParkingLotError,
  UnknownTagError,
} from '../kernel/errors.ts';
import { errorAsData } from '../graphql/errors.graphql.ts';
import { ParkingLotRef, TagRef } from '../organizations/organization.graphql.ts';
import { PaymentMethodEnum } from './profile-enums.graphql.ts';
import { idsOf, profileFields } from './profile.graphql.ts';
import { MAX_UPSERT_BATCH } from '../kernel/limits.ts';
import { upsertProfiles, type UpsertRowResult } from './profile-upsert-service.ts';

// profilesUpsert: integrators syncing many people from their HR system, matched by externalId.

export const ProfileUpsertInput = builder.inputType('ProfileUpsertInput', {
  description:
    "One person from the integrator's system, matched by externalId: created when new, updated otherwise. " +
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
      resolve: (row) => (row.profileId ? globalIdOf('Profile', row.profileId) : null),
    }),
    error: t.field({
      type: ProfileUpsertRowErrorUnion,
      nullable: true,
      description: 'Why the row failed; its path points into the input.',
      resolve: (row) => (row.error && errorAsData(row.error)) as InvalidInputError | null,
    }),
  }),
});

const ProfilesUpsertPayload = builder
  .objectRef<{ rows: UpsertRowResult[]; created: number; updated: number; unchanged: number; failed: number }>('ProfilesUpsertPayload')
  .implement({
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
  profilesUpsert: t.withAuth({ allowed: 'EDIT_PROFILES' }).field({
    type: ProfilesUpsertPayload,
    description:
      'Creates or updates many profiles by externalId, for syncing from an HR system. Rows that break a rule are ' +
      'reported in their result and not written; the others are. Nothing is sent to anyone.',
    errors: { types: [BatchTooLargeError, InvalidInputError, ...accessRefusals] },
    args: {
      input: t.arg({ type: ProfilesUpsertInput, required: true, description: 'The batch.' }),
      dryRun: t.arg.boolean({
        defaultValue: false,
        description:
          'When true, the batch runs in a transaction that is rolled back: the answer is what the write would do now, ' +
          'row by row (CREATED, UPDATED, UNCHANGED, FAILED with the reason), and nothing is written or remembered.',
      }),
    },
    resolve: (_root, { input, dryRun }, context) =>
      upsertProfiles(
        context.scope,
        input.profiles.map((row) => ({ ...row, parkingLotIds: idsOf(row.parkingLotIds), tagIds: idsOf(row.tagIds) })),
        { dryRun: dryRun ?? false },
      ),
  }),
}));

import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { describedEnumValues } from '../graphql/described-enum.ts';
import { IdempotencyKeyReusedError, InvalidInputError, SelectionTooLargeError, UnknownParkingLotError, UnknownTagError } from '../kernel/errors.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH, wasReplayed } from '../kernel/idempotency.ts';
import { ParkingLotRef, TagRef } from '../organizations/organization.graphql.ts';
import { PaymentMethodEnum } from './profile-enums.graphql.ts';
import { ProfileFilterInput } from './profile-filter.graphql.ts';
import { idsOf, ProfileRef } from './profile.graphql.ts';
import { selectionArgs, selectionInput } from './profile-selection.graphql.ts';
import {
  BULK_SKIP_REASONS,
  type BulkActionResult,
  type BulkSkipReason,
  deleteSelection,
  revokeInvitationsOfSelection,
  updateAccessOfSelection,
} from './profile-bulk-service.ts';

// Bulk actions beyond inviting: profilesUpdateAccess, invitationsRevoke,
// profilesDelete. Each takes the selection of profilesInvite and a dryRun that
// answers the same counts without writing (the Confirm step's preview).

export const BulkSkipReasonEnum = builder.enumType('BulkSkipReason', {
  description: "Why a profile of a bulk action's selection is left as it was.",
  values: describedEnumValues<BulkSkipReason>(BULK_SKIP_REASONS),
});

const BulkSkippedCountRef = builder.objectRef<{ reason: BulkSkipReason; count: number }>('BulkSkippedCount').implement({
  description: 'How many profiles of a bulk action were (or would be) skipped for one reason.',
  fields: (t) => ({
    reason: t.field({ type: BulkSkipReasonEnum, description: 'The reason.', resolve: (entry) => entry.reason }),
    count: t.exposeInt('count', { description: 'How many profiles.' }),
  }),
});

const dryRunArg = (what: string) => ({
  defaultValue: false,
  description:
    `When true, ${what} runs in a transaction that is rolled back: the answer is what it would do now (the same counts, by the same rules), ` +
    'and nothing is written, announced, audited or remembered under the idempotency key. What a Confirm step shows before applying.',
});

const idempotencyKeyField = (what: string) =>
  `Any unique string (e.g. a UUID; 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, not blank) per intended ${what}: a retry with the same key ` +
  'and input answers the first result again (replayed: true) and changes nothing, even if the filter matches other profiles by then. ' +
  'The same key with another input: IdempotencyKeyReused.';

/** What every bulk action answers: the fields of its payload, so one fragment reads any of them. */
const BulkActionResultRef = builder.interfaceRef<BulkActionResult>('BulkActionResult').implement({
  description: 'What a bulk action did, or would do in a dry run: profiles changed, left as they were, and skipped by reason.',
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when this was a dry run: nothing was written.' }),
    total: t.exposeInt('total', { description: 'Profiles in the selection (ids given, or profiles the filter matched).' }),
    changedCount: t.exposeInt('changed', { description: 'Profiles the action changed (see each payload).' }),
    unchangedCount: t.exposeInt('unchanged', { description: 'Profiles of the organization that already were as asked (nothing written for them).' }),
    skippedCount: t.int({
      description: 'Profiles skipped, all reasons together.',
      resolve: (result) => Object.values(result.skipped).reduce((sum, count) => sum + (count ?? 0), 0),
    }),
    skipped: t.field({
      type: [BulkSkippedCountRef],
      description: 'Skipped profiles by reason.',
      resolve: (result) =>
        Object.entries(result.skipped)
          .filter(([, count]) => (count ?? 0) > 0)
          .map(([reason, count]) => ({ reason: reason as BulkSkipReason, count: count! })),
    }),
    replayed: t.boolean({
      description: 'True when an earlier request with the same idempotency key did this and this is its answer again; nothing was changed now.',
      resolve: (result) => wasReplayed(result),
    }),
  }),
});

/** One payload type per action, each a BulkActionResult. */
const bulkPayload = (name: string, description: string) =>
  builder.objectRef<BulkActionResult>(name).implement({ description, interfaces: [BulkActionResultRef] });

const ProfilesUpdateAccessPayload = bulkPayload(
  'ProfilesUpdateAccessPayload',
  'What profilesUpdateAccess did (or would do, in a dry run): changedCount counts the profiles whose parking lots, tags or payment methods changed.',
);
const InvitationsRevokePayload = bulkPayload(
  'InvitationsRevokePayload',
  'What invitationsRevoke did (or would do, in a dry run): changedCount counts the profiles whose open invitation was revoked; ' +
    'unchangedCount is always 0 (a profile without an open invitation is skipped as NO_OPEN_INVITATION).',
);
const ProfilesDeletePayload = bulkPayload(
  'ProfilesDeletePayload',
  'What profilesDelete did (or would do, in a dry run): changedCount counts the profiles deleted, with their invitations; unchangedCount is always 0.',
);

const ProfilesUpdateAccessInput = builder.inputType('ProfilesUpdateAccessInput', {
  description:
    'Which profiles, and what to add to or take away from each: parking lots, tags, payment methods. What the input does not name stays as it is; ' +
    'at least one list must name something, and nothing may be both added and removed.',
  fields: (t) => ({
    profileIds: t.globalIDList({ for: ProfileRef, description: selectionArgs.profileIds }),
    filter: t.field({ type: ProfileFilterInput, description: selectionArgs.filter }),
    addParkingLotIds: t.globalIDList({ for: ParkingLotRef, description: 'Parking lots to give each profile access to (kept where it has them already).' }),
    removeParkingLotIds: t.globalIDList({ for: ParkingLotRef, description: 'Parking lots to take away from each profile.' }),
    addTagIds: t.globalIDList({ for: TagRef, description: 'Tags to put on each profile.' }),
    removeTagIds: t.globalIDList({ for: TagRef, description: 'Tags to take off each profile.' }),
    addPaymentMethods: t.field({ type: [PaymentMethodEnum], description: 'Payment methods to allow each profile (after its own, in this order).' }),
    removePaymentMethods: t.field({ type: [PaymentMethodEnum], description: 'Payment methods to take away from each profile.' }),
    idempotencyKey: t.string({ description: idempotencyKeyField('change') }),
  }),
});

const selectionInputType = (name: string, description: string, what: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({
      profileIds: t.globalIDList({ for: ProfileRef, description: selectionArgs.profileIds }),
      filter: t.field({ type: ProfileFilterInput, description: selectionArgs.filter }),
      idempotencyKey: t.string({ description: idempotencyKeyField(what) }),
    }),
  });

const InvitationsRevokeInput = selectionInputType(
  'InvitationsRevokeInput',
  'Whose open invitations to revoke, and a key that makes retrying this request safe.',
  'revocation',
);
const ProfilesDeleteInput = selectionInputType('ProfilesDeleteInput', 'Which profiles to delete, and a key that makes retrying this request safe.', 'deletion');

const bulkErrors = [InvalidInputError, SelectionTooLargeError, IdempotencyKeyReusedError, ...accessRefusals];

builder.mutationFields((t) => ({
  profilesUpdateAccess: t.withAuth({ allowed: 'EDIT_PROFILES_BULK' }).field({
    type: ProfilesUpdateAccessPayload,
    description:
      'Adds and removes parking lots, tags and payment methods on many profiles at once, by ids or by filter, in one transaction: all of it ' +
      "is written or none (at most Viewer.maxBulkEditSize profiles, else SelectionTooLarge). Each changed profile is audited as profileUpdate's.",
    errors: { types: [...bulkErrors, UnknownParkingLotError, UnknownTagError] },
    args: {
      input: t.arg({ type: ProfilesUpdateAccessInput, required: true, description: 'The selection and the change.' }),
      dryRun: t.arg.boolean(dryRunArg('the change')),
    },
    resolve: (_root, { input, dryRun }, context) =>
      updateAccessOfSelection(context.scope, {
        ...selectionInput(input, ['input']),
        idempotencyKey: input.idempotencyKey,
        dryRun: dryRun ?? false,
        addParkingLotIds: idsOf(input.addParkingLotIds),
        removeParkingLotIds: idsOf(input.removeParkingLotIds),
        addTagIds: idsOf(input.addTagIds),
        removeTagIds: idsOf(input.removeTagIds),
        addPaymentMethods: input.addPaymentMethods,
        removePaymentMethods: input.removePaymentMethods,
      }),
  }),
  invitationsRevoke: t.withAuth({ allowed: 'INVITE_BULK' }).field({
    type: InvitationsRevokePayload,
    description:
      'Revokes the open invitations of many profiles at once, by ids or by filter, in one transaction (at most Viewer.maxBulkInvitationSize ' +
      'profiles, else SelectionTooLarge): their links stop working and queued emails are not sent. Each is announced (invitation.revoked) ' +
      "and audited as invitationRevoke's; the profiles stay PENDING, to be invited again.",
    errors: { types: bulkErrors },
    args: {
      input: t.arg({ type: InvitationsRevokeInput, required: true, description: 'The selection.' }),
      dryRun: t.arg.boolean(dryRunArg('the revocation')),
    },
    resolve: (_root, { input, dryRun }, context) =>
      revokeInvitationsOfSelection(context.scope, { ...selectionInput(input, ['input']), idempotencyKey: input.idempotencyKey, dryRun: dryRun ?? false }),
  }),
  profilesDelete: t.withAuth({ allowed: 'EDIT_PROFILES_BULK' }).field({
    type: ProfilesDeletePayload,
    description:
      'Deletes many profiles at once, by ids or by filter, with their invitations, in one transaction (at most Viewer.maxBulkEditSize ' +
      "profiles, else SelectionTooLarge). Links already sent stop working; each deletion is audited as profileDelete's.",
    errors: { types: bulkErrors },
    args: {
      input: t.arg({ type: ProfilesDeleteInput, required: true, description: 'The selection.' }),
      dryRun: t.arg.boolean(dryRunArg('the deletion')),
    },
    resolve: (_root, { input, dryRun }, context) =>
      deleteSelection(context.scope, { ...selectionInput(input, ['input']), idempotencyKey: input.idempotencyKey, dryRun: dryRun ?? false }),
  }),
}));

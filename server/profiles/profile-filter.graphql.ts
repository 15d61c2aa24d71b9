import { builder } from '../graphql/builder.ts';
import { parseText } from '../kernel/text-fields.ts';
import { EmailDeliveryStateEnum } from '../invitations/invitation.graphql.ts';
import { ParkingLotRef, TagRef } from '../organizations/organization.graphql.ts';
import { PaymentMethodEnum, ProfileStatusEnum } from './profile-enums.graphql.ts';
import type { ProfileFilter } from './profile-filter.ts';
import type { ProfileOrder } from './profile-queries.ts';

// The profile filter and order as GraphQL inputs, and their mapping to the
// domain's (server/profiles/profile-filter.ts): profiles, profileCounts and
// the selections of bulk invitations all take them.

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
      description: "Profiles with one of these externalIds (the integrator's own ids, matched exactly: case-sensitively), e.g. the people one sync created.",
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
    createdBetween: t.field({ type: DateTimeRangeInput, description: 'Profiles created in this span.' }),
    acceptedBetween: t.field({
      type: DateTimeRangeInput,
      description: 'Profiles whose person accepted the invitation (validatedAt) in this span (never accepted: excluded).',
    }),
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
type ProfileOrderArgument = typeof ProfileOrderInput.$inferInput;

/** The GraphQL filter, with global ids turned into database ids and the search text checked (InvalidInputError at `path`). */
export function toProfileFilter(filter: ProfileFilterArgument | null | undefined, path: string[] = ['filter']): ProfileFilter | null {
  if (!filter) return null;
  return {
    ...filter,
    search: filter.search == null ? filter.search : parseText(filter.search, [...path, 'search']),
    externalIds: filter.externalIds?.map((externalId, index) => parseText(externalId, [...path, 'externalIds', String(index)])),
    parkingLotIds: filter.parkingLotIds?.map((id) => id.id),
    tagIds: filter.tagIds?.map((id) => id.id),
  };
}

/** The GraphQL order; by name, ascending, when left out. */
export function toProfileOrder(order: ProfileOrderArgument | null | undefined): ProfileOrder {
  return { field: order?.field ?? 'NAME', direction: order?.direction ?? 'ASC' };
}

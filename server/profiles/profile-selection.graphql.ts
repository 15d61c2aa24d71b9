import type { SelectionInput } from './profile-selection.ts';
import { idsOf } from './profile.graphql.ts';
import type { ProfileFilterInput } from './profile-filter.graphql.ts';
import { toProfileFilter } from './profile-filter.graphql.ts';

// The selection of every bulk action as GraphQL arguments: the same two fields, described once.

/** The descriptions of a selection's two fields. */
export const selectionArgs = {
  profileIds: 'These profiles (global ids, at least one). Give either profileIds or filter.',
  filter: 'Every profile this search filter matches ("select all search results"). Give either profileIds or filter.',
};

/** The GraphQL selection as the service's: global ids decoded, the filter mapped (its errors at `path`). */
export function selectionInput(
  input: { profileIds?: { id: string }[] | null; filter?: typeof ProfileFilterInput.$inferInput | null },
  path: string[],
): SelectionInput {
  return { profileIds: idsOf(input.profileIds), filter: toProfileFilter(input.filter, [...path, 'filter']) };
}

// The profiles' public entry: the search filter and the queries that select profiles by it.
export type { ProfileFilter, TimeRange } from './profile-filter.ts';
export { countProfiles, selectedProfileIds } from './profile-queries.ts';
export { type ProfileFields, parseProfileFields } from './profile-input.ts';
export { createProfileIn, newProfileInsert, profileCreatedAudit, updateProfileIn } from './profile-service.ts';
export { type Selection, type SelectionInput, selectionIdsAfter, selectionOf, selectionSize } from './profile-selection.ts';

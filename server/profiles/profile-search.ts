import type { RequestScope } from '../scope.ts';
import type { ProfileFilter } from './profile-filter.ts';
import { countProfiles, type PageRequest, type ProfileCounts, type ProfileOrder, profileCounts, profilePageIds } from './profile-queries.ts';

// The caller's searches of profiles: the reads of profile-queries.ts, in the
// caller's organization and at the request's instant (from its scope).

/** The ids of one page of the caller's profiles matching `filter`, in `order`. */
export function searchProfileIds(scope: RequestScope, filter: ProfileFilter | null, order: ProfileOrder, page: PageRequest): Promise<string[]> {
  return profilePageIds(scope.prisma, scope.organizationId, filter, order, scope.now, page);
}

/** How many of the caller's profiles match `filter`. */
export function countProfileMatches(scope: RequestScope, filter: ProfileFilter | null): Promise<number> {
  return countProfiles(scope.prisma, scope.organizationId, filter, scope.now);
}

/** The Status column's numbers for the caller's profiles matching `filter`. */
export function profileStatusCounts(scope: RequestScope, filter: ProfileFilter | null): Promise<ProfileCounts> {
  return profileCounts(scope.prisma, scope.organizationId, filter, scope.now);
}

import type { RequestScope } from '../kernel/scope.ts';
import type { ProfileFilter } from './profile-filter.ts';
import {
  type BoundedCount,
  countProfiles,
  countProfilesUpTo,
  type PagePosition,
  type PageRequest,
  type ProfileCounts,
  type ProfileOrder,
  profileCounts,
  profilePage,
} from './profile-queries.ts';

// The caller's searches of profiles: the reads of profile-queries.ts, in the
// caller's organization and at the request's instant (from its scope).

/** One page of the caller's profiles matching `filter`, in `order`: each id with its position (what its cursor holds). */
export function searchProfilePage(
  scope: RequestScope,
  filter: ProfileFilter | null,
  order: ProfileOrder,
  page: PageRequest,
): Promise<{ id: string; position: PagePosition }[]> {
  return profilePage(scope.prisma, scope.organizationId, filter, order, scope.now, page);
}

/** How many of the caller's profiles match `filter`. */
export function countProfileMatches(scope: RequestScope, filter: ProfileFilter | null): Promise<number> {
  return countProfiles(scope.prisma, scope.organizationId, filter, scope.now);
}

/** How many of the caller's profiles match `filter`, exact up to `limit`, "at least `limit`" beyond. */
export function countProfileMatchesUpTo(scope: RequestScope, filter: ProfileFilter | null, limit: number): Promise<BoundedCount> {
  return countProfilesUpTo(scope.prisma, scope.organizationId, filter, scope.now, limit);
}

/** The Status column's numbers for the caller's profiles matching `filter`. */
export function profileStatusCounts(scope: RequestScope, filter: ProfileFilter | null): Promise<ProfileCounts> {
  return profileCounts(scope.prisma, scope.organizationId, filter, scope.now);
}

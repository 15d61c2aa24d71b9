import type { Prisma } from '../generated/prisma/client.ts';
import type { PaymentMethod, ProfileStatus } from '../generated/prisma/enums.ts';
import { searchTerms } from './search-text.ts';

/**
 * A selection of profiles, as the admin's search screen builds it. Criteria
 * combine with AND; the values inside one list combine with OR. The same
 * filter drives the `profiles` query, "invite all search results" and its preview.
 */
export interface ProfileFilter {
  search?: string | null;
  parkingLotIds?: string[] | null;
  noAccess?: boolean | null;
  statuses?: ProfileStatus[] | null;
  tagIds?: string[] | null;
  paymentMethods?: PaymentMethod[] | null;
  invitationExpired?: boolean | null;
}

/** The Prisma condition selecting the organization's profiles that match `filter` at `now`. */
export function profileWhere(organizationId: string, filter: ProfileFilter | null | undefined, now: Date): Prisma.ProfileWhereInput {
  const and: Prisma.ProfileWhereInput[] = [{ organizationId }];
  if (!filter) return and[0]!;

  for (const term of searchTerms(filter.search ?? '')) {
    and.push({ searchText: { contains: term } });
  }

  const access: Prisma.ProfileWhereInput[] = [];
  if (filter.parkingLotIds?.length) access.push({ parkingLots: { some: { parkingLotId: { in: filter.parkingLotIds } } } });
  if (filter.noAccess) access.push({ parkingLots: { none: {} } });
  if (filter.parkingLotIds && !filter.parkingLotIds.length && !filter.noAccess) access.push({ id: { in: [] } });
  if (access.length) and.push(access.length === 1 ? access[0]! : { OR: access });

  if (filter.statuses) and.push({ status: { in: filter.statuses } });
  if (filter.tagIds) and.push({ tags: { some: { tagId: { in: filter.tagIds } } } });
  if (filter.paymentMethods) and.push({ paymentMethods: { hasSome: filter.paymentMethods } });

  if (filter.invitationExpired != null) {
    const pendingAndExpired: Prisma.ProfileWhereInput = { status: 'PENDING', latestInvitation: { expiresAt: { lte: now } } };
    and.push(filter.invitationExpired ? pendingAndExpired : { NOT: pendingAndExpired });
  }
  return { AND: and };
}

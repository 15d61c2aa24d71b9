import { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryState, PaymentMethod, ProfileStatus } from '../generated/prisma/enums.ts';
import { emailUndeliverableSql } from '../invitations/index.ts';
import { invitationInStateSql } from '../invitations/index.ts';
import { searchTerms } from './search-text.ts';
import { isUuid } from '../kernel/global-ids.ts';

/**
 * A selection of profiles, as the admin's search screen builds it. Criteria
 * combine with AND; the values inside one list combine with OR. The same
 * filter drives the `profiles` query, its counts, "invite all search results"
 * and its preview; this file is the only place that turns it into SQL.
 */
export interface ProfileFilter {
  search?: string | null;
  /** The integrator's ids, matched exactly (case-sensitively). */
  externalIds?: string[] | null;
  parkingLotIds?: string[] | null;
  noAccess?: boolean | null;
  statuses?: ProfileStatus[] | null;
  tagIds?: string[] | null;
  paymentMethods?: PaymentMethod[] | null;
  invitationExpired?: boolean | null;
  /** ANY (the default): profiles with at least one of tagIds; ALL: with every one of them. */
  tagsMatch?: 'ANY' | 'ALL' | null;
  /** The email delivery state of the latest invitation (e.g. BOUNCED, SPAM_COMPLAINT). */
  deliveryStates?: EmailDeliveryState[] | null;
  /** Last invited in this time range (from inclusive, to exclusive). Dates may arrive as ISO strings (a stored bulk selection). */
  invitedBetween?: TimeRange | null;
  /** Latest invitation expiring in this time range (from inclusive, to exclusive). */
  expiresBetween?: TimeRange | null;
  /** Created in this time range (from inclusive, to exclusive). */
  createdBetween?: TimeRange | null;
  /** Accepted their invitation (validatedAt) in this time range; never accepted: in no range. */
  acceptedBetween?: TimeRange | null;
}

export interface TimeRange {
  from?: Date | string | null;
  to?: Date | string | null;
}

/** What every filtered query reads: the profile as `p`, its latest invitation (if any) as `li`. */
export const PROFILE_FROM = Prisma.sql`"profile" p LEFT JOIN "invitation" li ON li.id = p.latest_invitation_id`;

/** Ids that are not UUIDs name nothing; dropped before they reach a uuid cast. */
const uuids = (ids: readonly string[]) => ids.filter(isUuid);

/**
 * `p` is pending and its latest invitation has expired (by THE definition of invitation states): to re-invite.
 * The same expiry on the profile's copy (invitation_expires_at) lets its index find the candidates.
 */
export function pendingWithExpiredInvitationSql(now: Date): Prisma.Sql {
  return Prisma.sql`(p.status = 'PENDING' AND coalesce(p.invitation_expires_at, 'infinity'::timestamptz) <= ${now}::timestamptz
    AND li.id IS NOT NULL AND ${invitationInStateSql('li', 'EXPIRED', now)})`;
}

/** Email to `p`'s current address bounced or was reported as spam (its latest invitation's delivery). */
export function emailUndeliverableProfileSql(): Prisma.Sql {
  return Prisma.sql`COALESCE(${emailUndeliverableSql('p', 'li')}, false)`;
}

export interface FilterShape {
  /**
   * The organization's condition written so that no index serves it, when the organization holds most of the
   * profiles: the trigram index leads with the organization (btree_gin), and in an organization of a million
   * its entry lists a million rows, which every search would read through (about 200 ms); without it the
   * index reads the words' lists alone, and the organization is checked on the rows found. Same rows either way.
   */
  organizationOutsideIndexes?: boolean;
}

/** The SQL condition (over PROFILE_FROM) selecting the organization's profiles that match `filter` at `now`. */
export function profileFilterSql(organizationId: string, filter: ProfileFilter | null | undefined, now: Date, shape: FilterShape = {}): Prisma.Sql {
  const inOrganization = Prisma.sql`p.organization_id = ${organizationId}::uuid`;
  const and: Prisma.Sql[] = [shape.organizationOutsideIndexes ? Prisma.sql`(${inOrganization}) IS TRUE` : inOrganization];
  if (filter) {
    and.push(...searchSql(Prisma.sql`p.search_text`, filter.search));

    if (filter.externalIds) and.push(Prisma.sql`p.external_id = ANY(${filter.externalIds}::text[])`);

    const access: Prisma.Sql[] = [];
    if (filter.parkingLotIds?.length) {
      access.push(
        Prisma.sql`EXISTS (SELECT 1 FROM "profile_parking_lot" ppl WHERE ppl.profile_id = p.id AND ppl.parking_lot_id = ANY(${uuids(filter.parkingLotIds)}::uuid[]))`,
      );
    }
    // The count of links is kept by the database (migration 20261126231000_profile_parking_lot_count).
    if (filter.noAccess) access.push(Prisma.sql`p.parking_lot_count = 0`);
    if (filter.parkingLotIds && !filter.parkingLotIds.length && !filter.noAccess) access.push(Prisma.sql`false`);
    if (access.length) and.push(Prisma.sql`(${Prisma.join(access, ' OR ')})`);

    if (filter.statuses) and.push(Prisma.sql`p.status = ANY(${filter.statuses}::"ProfileStatus"[])`);
    if (filter.tagIds && filter.tagsMatch === 'ALL') {
      // The profiles holding every one of the tags, found once from the tag index (one pass over each tag's
      // links, grouped), not probed profile by profile; an id naming no tag of the organization matches nothing.
      const tagIds = [...new Set(filter.tagIds)];
      if (tagIds.some((tagId) => !isUuid(tagId))) and.push(Prisma.sql`false`);
      else if (tagIds.length > 0) {
        and.push(Prisma.sql`p.id IN (SELECT pt.profile_id FROM "profile_tag" pt WHERE pt.tag_id = ANY(${tagIds}::uuid[])
                                     GROUP BY pt.profile_id HAVING count(*) = ${tagIds.length})`);
      }
    } else if (filter.tagIds) {
      and.push(Prisma.sql`EXISTS (SELECT 1 FROM "profile_tag" pt WHERE pt.profile_id = p.id AND pt.tag_id = ANY(${uuids(filter.tagIds)}::uuid[]))`);
    }
    if (filter.paymentMethods) and.push(Prisma.sql`p.payment_methods && ${filter.paymentMethods}::"PaymentMethod"[]`);

    if (filter.deliveryStates) and.push(Prisma.sql`li.delivery_state = ANY(${filter.deliveryStates}::"EmailDeliveryState"[])`);
    and.push(...inRange(Prisma.sql`p.invited_at`, filter.invitedBetween));
    and.push(...inRange(Prisma.sql`p.invitation_expires_at`, filter.expiresBetween));
    // Both read an index on (organization_id, column): migration 20261207160000_profile_accepted_index for validated_at.
    and.push(...inRange(Prisma.sql`p.created_at`, filter.createdBetween));
    and.push(...inRange(Prisma.sql`p.validated_at`, filter.acceptedBetween));

    if (filter.invitationExpired != null) {
      const expired = pendingWithExpiredInvitationSql(now);
      and.push(filter.invitationExpired ? expired : Prisma.sql`NOT ${expired}`);
    }
  }
  return Prisma.sql`(${Prisma.join(and, ' AND ')})`;
}

/** The conditions of a search box over a search text `column` (profile.search_text, or a copy of it): every word, anywhere. */
export function searchSql(column: Prisma.Sql, search: string | null | undefined): Prisma.Sql[] {
  return searchTerms(search ?? '').map((term) => Prisma.sql`${column} LIKE ${`%${escapeLike(term)}%`}`);
}

/** `column` in [from, to); a missing bound is open. A null column (never invited) is in no range. */
function inRange(column: Prisma.Sql, range: TimeRange | null | undefined): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (range?.from != null) conditions.push(Prisma.sql`${column} >= ${new Date(range.from)}::timestamptz`);
  if (range?.to != null) conditions.push(Prisma.sql`${column} < ${new Date(range.to)}::timestamptz`);
  if (range && conditions.length === 0) conditions.push(Prisma.sql`${column} IS NOT NULL`);
  return conditions;
}

/** A search term taken literally by LIKE. */
function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (character) => `\\${character}`);
}

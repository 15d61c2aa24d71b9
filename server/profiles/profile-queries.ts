import type { PrismaClient } from '../database/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { searchTerms } from './search-text.ts';
import { emailUndeliverableProfileSql, PROFILE_FROM, type ProfileFilter, pendingWithExpiredInvitationSql, profileFilterSql } from './profile-filter.ts';

// The reads that select profiles by a filter: a page in any order (keyset
// pagination), the total, the counts of the Status column, and the ids of a
// bulk selection. All of them take their WHERE from profileFilterSql.

type Reader = PrismaClient | Prisma.TransactionClient;

export type ProfileOrderField = 'NAME' | 'EMAIL' | 'CREATED_AT' | 'STATUS' | 'INVITED_AT' | 'EXPIRES_AT';
export type Direction = 'ASC' | 'DESC';
export interface ProfileOrder {
  field: ProfileOrderField;
  direction: Direction;
}

const SORT_NAME = Prisma.sql`p.sort_name`;

/** The sort keys of each order, over PROFILE_FROM; never null, so rows compare as tuples. The id always breaks ties. */
const ORDER_KEYS: Record<ProfileOrderField, Prisma.Sql[]> = {
  NAME: [SORT_NAME],
  EMAIL: [Prisma.sql`p.email`],
  CREATED_AT: [Prisma.sql`p.created_at`],
  STATUS: [Prisma.sql`p.status`, SORT_NAME],
  // Never invited counts as the earliest invitation: last when newest first.
  INVITED_AT: [Prisma.sql`coalesce(p.invited_at, '-infinity'::timestamptz)`],
  // No invitation never expires: last when soonest first.
  EXPIRES_AT: [Prisma.sql`coalesce(li.expires_at, 'infinity'::timestamptz)`],
};

export interface PageRequest {
  /** Rows strictly after this profile, in the order asked. */
  after?: string | null;
  /** Rows strictly before this profile, in the order asked. */
  before?: string | null;
  limit: number;
  /** Read backwards from `before` (a `last` page); rows come in reverse order. */
  inverted: boolean;
}

/** The ids of one page of the organization's profiles matching `filter`, in `order` (reversed when `inverted`). */
export async function profilePageIds(
  reader: Reader,
  organizationId: string,
  filter: ProfileFilter | null | undefined,
  order: ProfileOrder,
  now: Date,
  page: PageRequest,
): Promise<string[]> {
  // With search words, the trigram index finds the few matches fastest; walking the name index in order
  // looking for them can read most of the organization (all of "Lefèvre" sits under L). The name is then
  // sorted as an expression the index does not serve, so PostgreSQL filters first and sorts the matches.
  const searching = searchTerms(filter?.search ?? '').length > 0;
  const orderKeys = searching ? ORDER_KEYS[order.field].map((key) => (key === SORT_NAME ? Prisma.sql`(p.sort_name || '')` : key)) : ORDER_KEYS[order.field];
  const keys = [...orderKeys, Prisma.sql`p.id`];
  const tuple = Prisma.sql`(${Prisma.join(keys)})`;
  // The cursor row's keys, read in the same query (and only within the organization).
  const cursorTuple = (id: string) =>
    Prisma.sql`(SELECT ${Prisma.join(keys)} FROM ${PROFILE_FROM} WHERE p.id = ${id}::uuid AND p.organization_id = ${organizationId}::uuid)`;
  const ascending = order.direction === 'ASC';
  const conditions = [profileFilterSql(organizationId, filter, now)];
  if (page.after) conditions.push(Prisma.sql`${tuple} ${Prisma.raw(ascending ? '>' : '<')} ${cursorTuple(page.after)}`);
  if (page.before) conditions.push(Prisma.sql`${tuple} ${Prisma.raw(ascending ? '<' : '>')} ${cursorTuple(page.before)}`);
  const direction = Prisma.raw(ascending !== page.inverted ? 'ASC' : 'DESC');
  const rows = await reader.$queryRaw<{ id: string }[]>`
    SELECT p.id::text AS id FROM ${PROFILE_FROM}
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY ${Prisma.join(keys.map((key) => Prisma.sql`${key} ${direction}`))}
    LIMIT ${page.limit}`;
  return rows.map((row) => row.id);
}

/** How many of the organization's profiles match `filter`. */
export async function countProfiles(reader: Reader, organizationId: string, filter: ProfileFilter | null | undefined, now: Date): Promise<number> {
  const [row] = await reader.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM ${PROFILE_FROM} WHERE ${profileFilterSql(organizationId, filter, now)}`;
  return Number(row!.count);
}

export interface ProfileCounts {
  total: number;
  notInvited: number;
  pending: number;
  validated: number;
  pendingWithExpiredInvitation: number;
  emailUndeliverable: number;
}

/** The numbers beside the Status column's choices, for the profiles `filter` selects: one SQL statement. */
export async function profileCounts(reader: Reader, organizationId: string, filter: ProfileFilter | null | undefined, now: Date): Promise<ProfileCounts> {
  const [row] = await reader.$queryRaw<Record<keyof ProfileCounts, bigint>[]>`
    SELECT count(*) AS "total",
           count(*) FILTER (WHERE p.status = 'NOT_INVITED') AS "notInvited",
           count(*) FILTER (WHERE p.status = 'PENDING') AS "pending",
           count(*) FILTER (WHERE p.status = 'VALIDATED') AS "validated",
           count(*) FILTER (WHERE ${pendingWithExpiredInvitationSql(now)}) AS "pendingWithExpiredInvitation",
           count(*) FILTER (WHERE ${emailUndeliverableProfileSql()}) AS "emailUndeliverable"
    FROM ${PROFILE_FROM}
    WHERE ${profileFilterSql(organizationId, filter, now)}`;
  return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)])) as unknown as ProfileCounts;
}

/** The next `limit` ids of the profiles `filter` selects after `afterId`, in id order: how a bulk selection is walked. */
export async function selectedProfileIds(
  reader: Reader,
  organizationId: string,
  filter: ProfileFilter,
  now: Date,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await reader.$queryRaw<{ id: string }[]>`
    SELECT p.id::text AS id FROM ${PROFILE_FROM}
    WHERE ${profileFilterSql(organizationId, filter, now)} ${afterId ? Prisma.sql`AND p.id > ${afterId}::uuid` : Prisma.empty}
    ORDER BY p.id LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

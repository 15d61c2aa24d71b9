import type { PrismaClient } from '../database/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ProfileStatus } from '../generated/prisma/enums.ts';
import { searchTerms } from './search-text.ts';
import {
  emailUndeliverableProfileSql,
  type FilterShape,
  PROFILE_FROM,
  type ProfileFilter,
  pendingWithExpiredInvitationSql,
  profileFilterSql,
  searchSql,
} from './profile-filter.ts';
import { invitationInStateSql } from '../invitations/index.ts';

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

/** One sort key: its SQL over PROFILE_FROM, and the type its value is read back as from a cursor. */
interface SortKey {
  sql: Prisma.Sql;
  type: Prisma.Sql;
}
const key = (sql: Prisma.Sql, type: string): SortKey => ({ sql, type: Prisma.raw(type) });
const SORT_NAME = key(Prisma.sql`p.sort_name`, 'text');
/** The sort name as an expression no index serves: a search filters first and sorts its few matches. */
const SORT_NAME_SORTED = key(Prisma.sql`(p.sort_name || '')`, 'text');
const ID = key(Prisma.sql`p.id`, 'uuid');

/**
 * The sort keys of each order, over PROFILE_FROM; never null, so rows compare as
 * tuples, and each served by an index that leads with the organization
 * (migrations): (organization_id, sort_name, id), (organization_id, email),
 * (organization_id, created_at, id), (organization_id, status, sort_name, id),
 * (organization_id, coalesce(invited_at, '-infinity'), id),
 * (organization_id, coalesce(invitation_expires_at, 'infinity'), id). The id always breaks ties.
 */
const ORDER_KEYS: Record<ProfileOrderField, SortKey[]> = {
  NAME: [SORT_NAME],
  EMAIL: [key(Prisma.sql`p.email`, 'citext')],
  CREATED_AT: [key(Prisma.sql`p.created_at`, 'timestamptz')],
  STATUS: [key(Prisma.sql`p.status`, '"ProfileStatus"'), SORT_NAME],
  // Never invited counts as the earliest invitation: last when newest first.
  INVITED_AT: [key(Prisma.sql`coalesce(p.invited_at, '-infinity'::timestamptz)`, 'timestamptz')],
  // The latest invitation's expiry (its copy on the profile); no invitation never expires: last when soonest first.
  EXPIRES_AT: [key(Prisma.sql`coalesce(p.invitation_expires_at, 'infinity'::timestamptz)`, 'timestamptz')],
};

/** Where a page starts or ends: the sort key values of a row of the same order (as text), and its id. Carried by the opaque cursor. */
export interface PagePosition {
  values: string[];
  id: string;
}

export interface PageRequest {
  /** Rows strictly after this position, in the order asked. */
  after?: PagePosition | null;
  /** Rows strictly before this position, in the order asked. */
  before?: PagePosition | null;
  limit: number;
  /** Read backwards from `before` (a `last` page); rows come in reverse order. */
  inverted: boolean;
}

/** How many sort key values (besides the id) a position in `field`'s order carries. */
export const orderKeyCount = (field: ProfileOrderField) => ORDER_KEYS[field].length;

/**
 * One page of the organization's profiles matching `filter`, in `order` (reversed
 * when `inverted`): true keyset pagination. The position is a row comparison
 * `(keys…, id) > (values…)` that the order's index serves, so a page deep in a
 * million rows costs what the first does; it holds the values themselves, so a
 * cursor stays valid when its row changes or is deleted.
 *
 * A search in name order in a large organization, for words the planner expects
 * many profiles to hold, first walks the name index (namePageByWalk); when that
 * walk does not fill the page, or the words are rare, they are looked up in the
 * trigram index and the matches sorted, as in a small organization.
 */
export async function profilePage(
  reader: Reader,
  organizationId: string,
  filter: ProfileFilter | null | undefined,
  order: ProfileOrder,
  now: Date,
  page: PageRequest,
): Promise<{ id: string; position: PagePosition }[]> {
  const scale = await searchScale(reader, organizationId, filter);
  if (
    scale &&
    order.field === 'NAME' &&
    scale.profiles > NAME_WALK_ENTRIES &&
    // Walk when the walk should meet a page's worth of matches, by the planner's guess of how many there are.
    (await estimatedMatches(reader, organizationId, filter?.search)) * NAME_WALK_ENTRIES >= page.limit * scale.profiles
  ) {
    const walked = await namePageByWalk(reader, organizationId, filter, order, now, page);
    if (walked.length === page.limit) return walked;
  }
  // With search words, the trigram index finds the few matches fastest; walking the name index in order
  // looking for them can read most of the organization (all of "Lefèvre" sits under L). The name is then
  // sorted as an expression the index does not serve, so PostgreSQL filters first and sorts the matches.
  const orderKeys = scale ? ORDER_KEYS[order.field].map((k) => (k === SORT_NAME ? SORT_NAME_SORTED : k)) : ORDER_KEYS[order.field];
  const keys = [...orderKeys, ID];
  const conditions = [profileFilterSql(organizationId, filter, now, scale?.shape), ...positionSql(keys, order, page)];
  const direction = Prisma.raw((order.direction === 'ASC') !== page.inverted ? 'ASC' : 'DESC');
  const rows = await reader.$queryRaw<{ id: string; k: string[] }[]>`
    SELECT p.id::text AS id, ARRAY[${Prisma.join(orderKeys.map((k) => Prisma.sql`${k.sql}::text`))}] AS k FROM ${PROFILE_FROM}
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY ${Prisma.join(keys.map((k) => Prisma.sql`${k.sql} ${direction}`))}
    LIMIT ${page.limit}`;
  return rows.map((row) => ({ id: row.id, position: { values: row.k, id: row.id } }));
}

/** The page's bounds as row comparisons over `keys` (the order's keys then the id): after `page.after`, before `page.before`. */
function positionSql(keys: SortKey[], order: ProfileOrder, page: PageRequest): Prisma.Sql[] {
  const tuple = Prisma.sql`(${Prisma.join(keys.map((k) => k.sql))})`;
  const at = (position: PagePosition) =>
    Prisma.sql`(${Prisma.join([...position.values, position.id].map((value, i) => Prisma.sql`${value}::${keys[i]!.type}`))})`;
  const ascending = order.direction === 'ASC';
  const conditions: Prisma.Sql[] = [];
  if (page.after) conditions.push(Prisma.sql`${tuple} ${Prisma.raw(ascending ? '>' : '<')} ${at(page.after)}`);
  if (page.before) conditions.push(Prisma.sql`${tuple} ${Prisma.raw(ascending ? '<' : '>')} ${at(page.before)}`);
  return conditions;
}

/**
 * How many entries of the name index a search page reads in order before it
 * looks its words up in the trigram index instead; also the size from which an
 * organization is large enough for that walk (below it, the trigram index
 * answers in a few milliseconds). About 5 ms of index-only reading at 1 M.
 */
const NAME_WALK_ENTRIES = 20_000;

/**
 * A search page in name order, found by walking the name index from the page's
 * position: its next NAME_WALK_ENTRIES entries, in order, their search text
 * tested in the index itself (it INCLUDEs search_text: an index-only scan),
 * and only the entries that match read from the table for the filter's other
 * criteria (the words are not tested again there). A word that many profiles
 * hold ("helene": one in twenty) fills a page of 20 within a few thousand
 * entries, where the trigram index would fetch and sort all 50,000 matches of
 * a million. Fewer rows than the page
 * asks means the walk stopped early (or the matches ran out): the caller then
 * asks the trigram index, which is fast exactly when matches are that rare.
 */
async function namePageByWalk(
  reader: Reader,
  organizationId: string,
  filter: ProfileFilter | null | undefined,
  order: ProfileOrder,
  now: Date,
  page: PageRequest,
): Promise<{ id: string; position: PagePosition }[]> {
  const walkKeys = [key(Prisma.sql`w.sort_name`, 'text'), key(Prisma.sql`w.id`, 'uuid')];
  const direction = Prisma.raw((order.direction === 'ASC') !== page.inverted ? 'ASC' : 'DESC');
  const walkConditions = [Prisma.sql`w.organization_id = ${organizationId}::uuid`, ...positionSql(walkKeys, order, page)];
  const rows = await reader.$queryRaw<{ id: string; k: string[] }[]>`
    SELECT p.id::text AS id, ARRAY[walked.sort_name::text] AS k
    FROM ${PROFILE_FROM}
    JOIN (SELECT w.id, w.sort_name, w.search_text FROM "profile" w WHERE ${Prisma.join(walkConditions, ' AND ')}
          ORDER BY w.sort_name ${direction}, w.id ${direction} LIMIT ${NAME_WALK_ENTRIES}) walked ON walked.id = p.id
    WHERE ${Prisma.join([...searchSql(Prisma.sql`walked.search_text`, filter?.search), profileFilterSql(organizationId, { ...filter, search: null }, now)], ' AND ')}
    ORDER BY walked.sort_name ${direction}, walked.id ${direction}
    LIMIT ${page.limit}`;
  return rows.map((row) => ({ id: row.id, position: { values: row.k, id: row.id } }));
}

/**
 * How many of the organization's profiles PostgreSQL expects to hold the
 * search words: its planner's estimate (EXPLAIN, from the column's statistics;
 * no row is read, about a millisecond). It tells a word one profile in twenty
 * holds from one a few hold; it cannot tell where the matches sit in name
 * order (all of "Lefèvre" together, far from the start): there the walk finds
 * nothing and the trigram index answers after it.
 */
async function estimatedMatches(reader: Reader, organizationId: string, search: string | null | undefined): Promise<number> {
  const [row] = await reader.$queryRaw<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }[]>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM "profile" p
    WHERE ${Prisma.join([Prisma.sql`p.organization_id = ${organizationId}::uuid`, ...searchSql(Prisma.sql`p.search_text`, search)], ' AND ')}`;
  return row?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
}

/**
 * For a filter that searches (null otherwise): the organization's size, from
 * the status counters, and how its filter's SQL is written (FilterShape): its
 * condition kept out of the trigram index when the organization is large and
 * holds at least half of the table's rows (PostgreSQL's own estimate of them,
 * as its planner reads it). Either way the rows are the same; only the reading
 * differs. One small statement.
 */
async function searchScale(
  reader: Reader,
  organizationId: string,
  filter: ProfileFilter | null | undefined,
): Promise<{ profiles: number; shape: FilterShape } | null> {
  if (searchTerms(filter?.search ?? '').length === 0) return null;
  const [row] = await reader.$queryRaw<{ profiles: bigint | null; table_rows: number | null }[]>`
    SELECT (SELECT sum(count) FROM "profile_status_count" WHERE organization_id = ${organizationId}::uuid)::bigint AS profiles,
           (SELECT reltuples FROM pg_class WHERE oid = '"profile"'::regclass)::float8 AS table_rows`;
  const profiles = Number(row?.profiles ?? 0);
  const tableRows = row?.table_rows ?? 0;
  return { profiles, shape: { organizationOutsideIndexes: profiles > NAME_WALK_ENTRIES && profiles >= tableRows / 2 } };
}

export type CountPrecision = 'EXACT' | 'AT_LEAST';
/** A count that stops at a limit: `count` is exact, or (AT_LEAST) the limit, when more match. */
export interface BoundedCount {
  count: number;
  precision: CountPrecision;
}

const STATUSES: readonly ProfileStatus[] = ['NOT_INVITED', 'PENDING', 'VALIDATED', 'DEACTIVATED'];

/**
 * The statuses a filter selects when status is its only criterion (every status
 * for no filter); undefined when it has any other. Such a filter is counted from
 * the maintained counters (profile_status_count), at any size, exactly.
 */
function statusesOnly(filter: ProfileFilter | null | undefined): readonly ProfileStatus[] | undefined {
  if (!filter) return STATUSES;
  // Fail safe: any criterion other than statuses, including one added to ProfileFilter later, is counted by the filter's SQL.
  for (const [criterion, value] of Object.entries(filter)) {
    if (criterion === 'statuses' || value == null) continue;
    if (criterion === 'noAccess' && value === false) continue; // false: no criterion (invitationExpired: false is one)
    if (criterion === 'search' && searchTerms(String(value)).length === 0) continue;
    return undefined;
  }
  return filter.statuses ? STATUSES.filter((status) => filter.statuses!.includes(status)) : STATUSES;
}

/** The organization's profiles per status, from the counters the "profile" trigger keeps (a sum over a few shard rows). */
async function statusCounters(reader: Reader, organizationId: string): Promise<Record<ProfileStatus, number>> {
  const rows = await reader.$queryRaw<{ status: ProfileStatus; count: bigint }[]>`
    SELECT status, sum(count)::bigint AS count FROM "profile_status_count" WHERE organization_id = ${organizationId}::uuid GROUP BY status`;
  const counts = { NOT_INVITED: 0, PENDING: 0, VALIDATED: 0, DEACTIVATED: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** How many of the organization's profiles match `filter`, exactly (however many there are: it may read them all). */
export async function countProfiles(reader: Reader, organizationId: string, filter: ProfileFilter | null | undefined, now: Date): Promise<number> {
  const statuses = statusesOnly(filter);
  if (statuses) {
    const counts = await statusCounters(reader, organizationId);
    return statuses.reduce((sum, status) => sum + counts[status], 0);
  }
  const scale = await searchScale(reader, organizationId, filter);
  const [row] = await reader.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM ${PROFILE_FROM} WHERE ${profileFilterSql(organizationId, filter, now, scale?.shape)}`;
  return Number(row!.count);
}

/**
 * How many of the organization's profiles match `filter`, reading at most
 * `limit` + 1 of them: exact up to `limit`, "at least `limit`" beyond. A filter
 * on status alone is exact at any size (the counters).
 */
export async function countProfilesUpTo(
  reader: Reader,
  organizationId: string,
  filter: ProfileFilter | null | undefined,
  now: Date,
  limit: number,
): Promise<BoundedCount> {
  if (statusesOnly(filter)) return { count: await countProfiles(reader, organizationId, filter, now), precision: 'EXACT' };
  const scale = await searchScale(reader, organizationId, filter);
  const [row] = await reader.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM (SELECT 1 FROM ${PROFILE_FROM} WHERE ${profileFilterSql(organizationId, filter, now, scale?.shape)} LIMIT ${limit + 1}) matches`;
  const count = Number(row!.count);
  return count > limit ? { count: limit, precision: 'AT_LEAST' } : { count, precision: 'EXACT' };
}

export interface ProfileCounts {
  total: number;
  notInvited: number;
  pending: number;
  validated: number;
  deactivated: number;
  pendingWithExpiredInvitation: number;
  emailUndeliverable: number;
}

/** The numbers beside the Status column's choices, for the profiles `filter` selects: one SQL statement. */
export async function profileCounts(reader: Reader, organizationId: string, filter: ProfileFilter | null | undefined, now: Date): Promise<ProfileCounts> {
  const statuses = statusesOnly(filter);
  if (statuses) return countsByStatus(reader, organizationId, statuses, now);
  const scale = await searchScale(reader, organizationId, filter);
  const [row] = await reader.$queryRaw<Record<keyof ProfileCounts, bigint>[]>`
    SELECT count(*) AS "total",
           count(*) FILTER (WHERE p.status = 'NOT_INVITED') AS "notInvited",
           count(*) FILTER (WHERE p.status = 'PENDING') AS "pending",
           count(*) FILTER (WHERE p.status = 'VALIDATED') AS "validated",
           count(*) FILTER (WHERE p.status = 'DEACTIVATED') AS "deactivated",
           count(*) FILTER (WHERE ${pendingWithExpiredInvitationSql(now)}) AS "pendingWithExpiredInvitation",
           count(*) FILTER (WHERE ${emailUndeliverableProfileSql()}) AS "emailUndeliverable"
    FROM ${PROFILE_FROM}
    WHERE ${profileFilterSql(organizationId, filter, now, scale?.shape)}`;
  return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)])) as unknown as ProfileCounts;
}

/**
 * The Status column's numbers when the filter is on status alone (the admin's
 * list with no criterion), without reading the profiles: the statuses from the
 * counters; "pending, invitation expired" from the open invitations' index
 * alone, because an open invitation (neither accepted, revoked nor superseded)
 * is always the latest of a pending profile: only inviting opens one (closing
 * the profile's previous one and making it PENDING in the same transaction),
 * and accepting, revoking or re-inviting close it. profile-counts.test.ts
 * checks both definitions agree after every flow. The bounced or reported
 * ones are read from the organization's invitations (few match, but they
 * have no index of their own: see docs/benchmarks.md).
 */
async function countsByStatus(reader: Reader, organizationId: string, statuses: readonly ProfileStatus[], now: Date): Promise<ProfileCounts> {
  if (statuses.length === 0)
    return { total: 0, notInvited: 0, pending: 0, validated: 0, deactivated: 0, pendingWithExpiredInvitation: 0, emailUndeliverable: 0 };
  const [row] = await reader.$queryRaw<{ by_status: Partial<Record<ProfileStatus, number | string>>; expired: bigint; undeliverable: bigint }[]>`
    SELECT
      (SELECT coalesce(json_object_agg(status, n), '{}'::json) FROM (
         SELECT status, sum(count) AS n FROM "profile_status_count" WHERE organization_id = ${organizationId}::uuid GROUP BY status) s) AS by_status,
      (SELECT count(*) FROM "invitation" li
       WHERE li.organization_id = ${organizationId}::uuid AND ${invitationInStateSql('li', 'EXPIRED', now)}
         AND 'PENDING' = ANY(${statuses}::"ProfileStatus"[])) AS expired,
      (SELECT count(*) FROM "invitation" li JOIN "profile" p ON p.latest_invitation_id = li.id
       WHERE li.organization_id = ${organizationId}::uuid AND p.organization_id = ${organizationId}::uuid
         AND li.delivery_state IN ('BOUNCED', 'SPAM_COMPLAINT')
         AND p.status = ANY(${statuses}::"ProfileStatus"[]) AND ${emailUndeliverableProfileSql()}) AS undeliverable`;
  const of = (status: ProfileStatus) => (statuses.includes(status) ? Number(row!.by_status[status] ?? 0) : 0);
  const [notInvited, pending, validated, deactivated] = [of('NOT_INVITED'), of('PENDING'), of('VALIDATED'), of('DEACTIVATED')];
  return {
    total: notInvited + pending + validated + deactivated,
    notInvited,
    pending,
    validated,
    deactivated,
    pendingWithExpiredInvitation: Number(row!.expired),
    emailUndeliverable: Number(row!.undeliverable),
  };
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
  const scale = await searchScale(reader, organizationId, filter);
  const rows = await reader.$queryRaw<{ id: string }[]>`
    SELECT p.id::text AS id FROM ${PROFILE_FROM}
    WHERE ${profileFilterSql(organizationId, filter, now, scale?.shape)} ${afterId ? Prisma.sql`AND p.id > ${afterId}::uuid` : Prisma.empty}
    ORDER BY p.id LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

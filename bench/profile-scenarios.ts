// The read scenarios of bench/profile-search.ts and their hand-written SQL (the same page of 20 with lots, tags and
// latest invitation, and the same bounded count), shared by the bench (in-process through pg) and by its bare
// node:http server (bench/page-server.ts, in its own process).
import type { ProfileOrderField } from '../server/profiles/profile-queries.ts';

const g = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

export const FROM = `profile p LEFT JOIN invitation li ON li.id = p.latest_invitation_id`;
const handPage = (where: string, order: string, from = FROM, organization = IN_ORGANIZATION) => `
  SELECT p.id, p.first_name, p.last_name, p.email, p.status, li.expires_at, li.delivery_state, li.accepted_at, li.revoked_at, li.superseded_at,
    (SELECT coalesce(json_agg(t.name ORDER BY t.name), '[]') FROM profile_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.profile_id = p.id) AS tags,
    (SELECT coalesce(json_agg(l.name ORDER BY l.name), '[]') FROM profile_parking_lot ppl JOIN parking_lot l ON l.id = ppl.parking_lot_id WHERE ppl.profile_id = p.id) AS lots
  FROM ${from} WHERE ${organization} AND ${where} ORDER BY ${order} LIMIT 20`;
const handCount = (where: string, organization = IN_ORGANIZATION) =>
  `SELECT count(*) FROM (SELECT 1 FROM ${FROM} WHERE ${organization} AND ${where} LIMIT 10001) s`;
const IN_ORGANIZATION = 'p.organization_id = $1';
/** A search in an organization holding most of the table: its condition kept out of the trigram index (as the server writes it). */
const IN_LARGE_ORGANIZATION = '(p.organization_id = $1) IS TRUE';
/** A search page in name order walking the name index first (its search_text INCLUDEd), as the server does in a large organization. */
const WALKED = `${FROM} JOIN (SELECT w.id, w.sort_name, w.search_text FROM profile w WHERE w.organization_id = $1 ORDER BY w.sort_name, w.id LIMIT 20000) walked ON walked.id = p.id`;
const counterCount = (statuses: string) =>
  `SELECT sum(count) FROM profile_status_count WHERE organization_id = $1 AND status = ANY('{${statuses}}'::"ProfileStatus"[])`;
const EXPIRED = `p.status = 'PENDING' AND coalesce(p.invitation_expires_at, 'infinity') <= now() AND li.accepted_at IS NULL AND li.revoked_at IS NULL AND li.superseded_at IS NULL AND li.expires_at <= now()`;

export interface Scenario {
  name: string;
  filter: Record<string, unknown> | null;
  orderBy?: { field: ProfileOrderField; direction: 'ASC' | 'DESC' };
  /**
   * The hand-written WHERE (after the organization) and ORDER BY; `count` replaces the bounded count (counters);
   * `from` the page's FROM, `organization` the organization's condition (a search in this one large organization).
   */
  sql: { where: string; order?: string; count?: string; from?: string; organization?: string };
}
export const NAME = 'p.sort_name, p.id';
/** The scenarios, with the seeded organization's first lot and tags 1 and 2 written into their SQL. */
export function profileScenarios({ lot, tag, tag2 }: { lot: string; tag: string; tag2: string }): Scenario[] {
  return [
    { name: 'no filter', filter: null, sql: { where: 'true', count: counterCount('NOT_INVITED,PENDING,VALIDATED') } },
    {
      name: 'search "helene"',
      filter: { search: 'helene' },
      sql: {
        where: `walked.search_text LIKE '%helene%'`,
        order: 'walked.sort_name, walked.id',
        from: WALKED,
        count: handCount(`p.search_text LIKE '%helene%'`, IN_LARGE_ORGANIZATION),
      },
    },
    {
      name: 'one exact person (name + email)',
      filter: { search: 'helene martin helene.martin.4200@' },
      sql: {
        where: `p.search_text LIKE '%helene%' AND p.search_text LIKE '%martin%' AND p.search_text LIKE '%helene.martin.4200@%'`,
        order: "(p.sort_name || ''), p.id",
        organization: IN_LARGE_ORGANIZATION,
      },
    },
    { name: 'status PENDING', filter: { statuses: ['PENDING'] }, sql: { where: `p.status = 'PENDING'`, count: counterCount('PENDING') } },
    {
      name: 'one parking lot',
      filter: { parkingLotIds: [g('ParkingLot', lot)] },
      sql: { where: `EXISTS (SELECT 1 FROM profile_parking_lot x WHERE x.profile_id = p.id AND x.parking_lot_id = '${lot}')` },
    },
    { name: 'no access', filter: { noAccess: true }, sql: { where: 'p.parking_lot_count = 0' } },
    {
      name: 'tag + payment method',
      filter: { tagIds: [g('Tag', tag)], paymentMethods: ['CREDIT_CARD'] },
      sql: { where: `EXISTS (SELECT 1 FROM profile_tag x WHERE x.profile_id = p.id AND x.tag_id = '${tag}') AND p.payment_methods && '{CREDIT_CARD}'` },
    },
    { name: 'pending, invitation expired', filter: { invitationExpired: true }, sql: { where: EXPIRED } },
    {
      name: 'search + status + lot',
      filter: { search: 'lefevre', statuses: ['NOT_INVITED', 'PENDING'], parkingLotIds: [g('ParkingLot', lot)] },
      sql: {
        where: `p.search_text LIKE '%lefevre%' AND p.status IN ('NOT_INVITED', 'PENDING') AND EXISTS (SELECT 1 FROM profile_parking_lot x WHERE x.profile_id = p.id AND x.parking_lot_id = '${lot}')`,
        order: "(p.sort_name || ''), p.id",
        organization: IN_LARGE_ORGANIZATION,
      },
    },
    {
      name: 'search externalId "EMP-4242"',
      filter: { search: 'EMP-4242' },
      sql: { where: `p.search_text LIKE '%emp-4242%'`, order: "(p.sort_name || ''), p.id", organization: IN_LARGE_ORGANIZATION },
    },
    {
      name: 'two tags, ALL',
      filter: { tagIds: [g('Tag', tag), g('Tag', tag2)], tagsMatch: 'ALL' },
      sql: {
        where: `p.id IN (SELECT x.profile_id FROM profile_tag x WHERE x.tag_id IN ('${tag}', '${tag2}') GROUP BY x.profile_id HAVING count(*) = 2)`,
      },
    },
    {
      name: 'delivery BOUNCED',
      filter: { deliveryStates: ['BOUNCED', 'SPAM_COMPLAINT'] },
      sql: { where: `li.delivery_state IN ('BOUNCED', 'SPAM_COMPLAINT')` },
    },
    {
      name: 'order by name DESC',
      filter: null,
      orderBy: { field: 'NAME', direction: 'DESC' },
      sql: { where: 'true', order: 'p.sort_name DESC, p.id DESC', count: counterCount('NOT_INVITED,PENDING,VALIDATED') },
    },
    {
      name: 'order by invited date DESC',
      filter: null,
      orderBy: { field: 'INVITED_AT', direction: 'DESC' },
      sql: { where: 'true', order: `coalesce(p.invited_at, '-infinity') DESC, p.id DESC`, count: counterCount('NOT_INVITED,PENDING,VALIDATED') },
    },
    {
      name: 'pending, by expiry ASC',
      filter: { statuses: ['PENDING'] },
      orderBy: { field: 'EXPIRES_AT', direction: 'ASC' },
      sql: { where: `p.status = 'PENDING'`, order: `coalesce(p.invitation_expires_at, 'infinity'), p.id`, count: counterCount('PENDING') },
    },
  ];
}

/** The page's and the count's statements of a scenario (the organization is $1). */
export function handStatements(scenario: Scenario): [string, string] {
  const { where, order = NAME, count, from, organization } = scenario.sql;
  return [handPage(where, order, from, organization), count ?? handCount(where, organization)];
}

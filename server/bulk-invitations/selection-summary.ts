import type { PrismaClient } from '../database/prisma.ts';
import type { BulkInvitation, Prisma } from '../generated/prisma/client.ts';
import type { PaymentMethod, ProfileStatus } from '../generated/prisma/enums.ts';
import type { ProfileFilter, TimeRange } from '../profiles/index.ts';
import { SKIP_REASON_WORDS, type SkipReason } from '../invitations/index.ts';
import { isUuid } from '../kernel/global-ids.ts';

// Bulk invitations in words, for the list an admin opens later: what was
// selected ("Pending profiles with access to North lot") and what came of it.

type Selection = { profileIds: string[] } | { filter: ProfileFilter };
type Reader = PrismaClient | Prisma.TransactionClient;

const STATUS_WORDS: Record<ProfileStatus, string> = { NOT_INVITED: 'not invited', PENDING: 'pending', VALIDATED: 'validated', DEACTIVATED: 'deactivated' };
const PAYMENT_WORDS: Record<PaymentMethod, string> = {
  CREDIT_CARD: 'credit card',
  SEPA_DIRECT_DEBIT: 'SEPA direct debit',
  PAYROLL_DEDUCTION: 'payroll deduction',
  COMPANY_INVOICE: 'company invoice',
};

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const either = (words: string[], joiner = 'or') => (words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${joiner} ${words.at(-1)}`);

/** The selection in words, naming its lots and tags as they are now (read once, when the bulk invitation is asked). */
export async function summarizeSelection(reader: Reader, organizationId: string, selection: Selection): Promise<string> {
  if ('profileIds' in selection) return describeSelection(selection, new Map());
  const lotIds = selection.filter.parkingLotIds ?? [];
  const tagIds = selection.filter.tagIds ?? [];
  const [lots, tags] = await Promise.all([
    lotIds.length ? reader.parkingLot.findMany({ where: { organizationId, id: { in: lotIds.filter(isUuid) } }, select: { id: true, name: true } }) : [],
    tagIds.length ? reader.tag.findMany({ where: { organizationId, id: { in: tagIds.filter(isUuid) } }, select: { id: true, name: true } }) : [],
  ]);
  return describeSelection(selection, new Map([...lots, ...tags].map((row) => [row.id, row.name])));
}

/** The selection in words; lots and tags missing from `names` are "an unknown parking lot" / "an unknown tag". */
export function describeSelection(selection: Selection, names: Map<string, string>): string {
  if ('profileIds' in selection) return `${count(selection.profileIds.length, 'profile')} chosen one by one`;
  const filter = selection.filter;
  const parts: string[] = [];
  const named = (ids: string[], unknown: string) => ids.map((id) => (names.has(id) ? `"${names.get(id)}"` : unknown));
  if (filter.statuses?.length) parts.push(either(filter.statuses.map((status) => STATUS_WORDS[status])));
  if (filter.search?.trim()) parts.push(`matching "${filter.search.trim()}"`);
  const lots = named(filter.parkingLotIds ?? [], 'an unknown parking lot');
  if (lots.length && filter.noAccess) parts.push(`with access to ${either(lots)}, or to no lot`);
  else if (lots.length) parts.push(`with access to ${either(lots)}`);
  else if (filter.noAccess) parts.push('with access to no parking lot');
  else if (filter.parkingLotIds && !filter.parkingLotIds.length) parts.push('with access to one of no parking lots (none)');
  if (filter.tagIds) {
    const joiner = filter.tagsMatch === 'ALL' ? 'and' : 'or';
    parts.push(filter.tagIds.length ? `tagged ${either(named(filter.tagIds, 'an unknown tag'), joiner)}` : 'tagged with one of no tags (none)');
  }
  if (filter.paymentMethods?.length) parts.push(`paying by ${either(filter.paymentMethods.map((method) => PAYMENT_WORDS[method]))}`);
  if (filter.invitationExpired === true) parts.push('whose invitation expired');
  if (filter.invitationExpired === false) parts.push('whose invitation has not expired');
  if (filter.deliveryStates?.length)
    parts.push(`whose invitation email is ${either(filter.deliveryStates.map((state) => state.toLowerCase().replace('_', ' ')))}`);
  if (filter.invitedBetween) parts.push(`invited ${span(filter.invitedBetween)}`);
  if (filter.expiresBetween) parts.push(`whose invitation expires ${span(filter.expiresBetween)}`);
  if (filter.createdBetween) parts.push(`created ${span(filter.createdBetween)}`);
  if (filter.acceptedBetween) parts.push(`who accepted ${span(filter.acceptedBetween)}`);
  return parts.length ? `Profiles ${parts.join(', ')}` : 'All profiles';
}

function span(range: TimeRange): string {
  const day = (value: Date | string) => `${new Date(value).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  if (range.from != null && range.to != null) return `from ${day(range.from)} to ${day(range.to)}`;
  if (range.from != null) return `from ${day(range.from)}`;
  if (range.to != null) return `before ${day(range.to)}`;
  return 'at any time';
}

type Outcome = Pick<BulkInvitation, 'state' | 'total' | 'done' | 'invited' | 'reinvited' | 'skipped' | 'lastError'>;

/** What came of a bulk invitation so far, in words: "120 invited, 3 re-invited, 12 skipped (12 email undeliverable)". */
export function describeOutcome(bulk: Outcome): string {
  const counted = (bulk.skipped ?? {}) as Partial<Record<SkipReason, number>>;
  // In the order of the reasons' table: jsonb does not keep key order.
  const skipped = (Object.keys(SKIP_REASON_WORDS) as SkipReason[]).map((reason) => [reason, counted[reason] ?? 0] as const).filter(([, n]) => n > 0);
  const skippedTotal = skipped.reduce((sum, [, n]) => sum + n, 0);
  const counts = [`${bulk.invited.toLocaleString('en-US')} invited`, `${bulk.reinvited.toLocaleString('en-US')} re-invited`];
  counts.push(
    skippedTotal
      ? `${skippedTotal.toLocaleString('en-US')} skipped (${skipped.map(([reason, n]) => `${n.toLocaleString('en-US')} ${SKIP_REASON_WORDS[reason]}`).join(', ')})`
      : '0 skipped',
  );
  switch (bulk.state) {
    case 'QUEUED':
      return `Waiting to start: ${count(bulk.total, 'profile')} selected.`;
    case 'RUNNING':
      return `${bulk.done.toLocaleString('en-US')} of ${count(bulk.total, 'profile')} handled so far: ${counts.join(', ')}.`;
    case 'COMPLETED':
      return `Done: ${counts.join(', ')}.`;
    case 'FAILED':
      return `Stopped after ${bulk.done.toLocaleString('en-US')} of ${count(bulk.total, 'profile')}: ${counts.join(', ')}. ${bulk.lastError ?? ''}`.trim();
  }
}

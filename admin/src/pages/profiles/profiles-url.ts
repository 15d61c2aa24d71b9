import type { DateTimeRange, EmailDeliveryState, PaymentMethod, ProfileFilter, ProfileOrder, ProfileStatus } from '@parkpass/sdk';
import { PAYMENT_METHODS, STATUSES } from '../../labels.ts';

// The Profiles page's state that a person shares or reloads lives in the URL:
// ?q=helene&status=NOT_INVITED&tag=<id>&tags=all&lot=<id>|none&pay=CREDIT_CARD&expired=1&delivery=BOUNCED
// &invitedFrom=2026-11-01&invitedTo=2026-11-30&expiresFrom=…&expiresTo=…&createdFrom=…&createdTo=…&acceptedFrom=…&acceptedTo=…&sort=CREATED_AT_DESC&size=100&page=2&after=<cursor>
// Each change pushes a history entry, so the back button undoes it (typing a search replaces its entry: Back does not replay keystrokes).

export const NO_ACCESS = 'none';

/** The orders the list offers (the API's ProfileOrder), the first by default. */
export const SORTS = [
  'NAME_ASC',
  'NAME_DESC',
  'EMAIL_ASC',
  'EMAIL_DESC',
  'STATUS_ASC',
  'STATUS_DESC',
  'CREATED_AT_DESC',
  'CREATED_AT_ASC',
  'INVITED_AT_DESC',
  'INVITED_AT_ASC',
  'EXPIRES_AT_ASC',
  'EXPIRES_AT_DESC',
] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;
/** The latest invitation's email states the Delivery filter offers (the API's EmailDeliveryState). */
export const DELIVERY_STATES: readonly EmailDeliveryState[] = [
  'QUEUED',
  'SENDING',
  'SENT',
  'DELIVERED',
  'BOUNCED',
  'SPAM_COMPLAINT',
  'FAILED',
  'CANCELLED',
  'NO_EMAIL',
];
const UNDELIVERABLE: readonly EmailDeliveryState[] = ['BOUNCED', 'SPAM_COMPLAINT'];

/** A span of days as the admin picks them (YYYY-MM-DD, both ends included; either may be empty). */
export interface DaySpan {
  from: string;
  to: string;
}
const NO_DAYS: DaySpan = { from: '', to: '' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function toProfileOrder(sort: Sort): ProfileOrder {
  const [, field, direction] = /^(.*)_(ASC|DESC)$/.exec(sort)!;
  return { field: field as ProfileOrder['field'], direction: direction as ProfileOrder['direction'] };
}

export interface ProfilesUrlState {
  search: string;
  statuses: ProfileStatus[];
  expired: boolean;
  /** Email bounced or reported as spam (the latest invitation's delivery). */
  undeliverable: boolean;
  lots: string[];
  tags: string[];
  /** Every one of the tags (else at least one). */
  allTags: boolean;
  paymentMethods: PaymentMethod[];
  /** The latest invitation's email states. */
  delivery: EmailDeliveryState[];
  /** Last invited on these days. */
  invited: DaySpan;
  /** Latest invitation expiring (or expired) on these days. */
  expires: DaySpan;
  /** Created on these days. */
  created: DaySpan;
  /** Accepted the invitation on these days. */
  accepted: DaySpan;
  sort: Sort;
  pageSize: number;
  page: number;
  after: string | null;
  before: string | null;
}

export function readProfilesUrl(params: URLSearchParams): ProfilesUrlState {
  return {
    search: params.get('q') ?? '',
    statuses: params.getAll('status').filter((s): s is ProfileStatus => STATUSES.includes(s as ProfileStatus)),
    expired: params.get('expired') === '1',
    undeliverable: params.get('bounced') === '1',
    lots: params.getAll('lot'),
    tags: params.getAll('tag'),
    allTags: params.get('tags') === 'all',
    paymentMethods: params.getAll('pay').filter((p): p is PaymentMethod => PAYMENT_METHODS.includes(p as PaymentMethod)),
    delivery: params.getAll('delivery').filter((d): d is EmailDeliveryState => DELIVERY_STATES.includes(d as EmailDeliveryState)),
    invited: readDays(params, 'invited'),
    expires: readDays(params, 'expires'),
    created: readDays(params, 'created'),
    accepted: readDays(params, 'accepted'),
    sort: SORTS.find((sort) => sort === params.get('sort')) ?? SORTS[0],
    pageSize: PAGE_SIZES.find((size) => String(size) === params.get('size')) ?? DEFAULT_PAGE_SIZE,
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
    after: params.get('after'),
    before: params.get('before'),
  };
}

export function writeProfilesUrl(state: ProfilesUrlState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search.trim()) params.set('q', state.search.trim());
  for (const status of state.statuses) params.append('status', status);
  if (state.expired) params.set('expired', '1');
  if (state.undeliverable) params.set('bounced', '1');
  for (const lot of state.lots) params.append('lot', lot);
  for (const tag of state.tags) params.append('tag', tag);
  if (state.allTags) params.set('tags', 'all');
  for (const method of state.paymentMethods) params.append('pay', method);
  for (const delivery of state.delivery) params.append('delivery', delivery);
  writeDays(params, 'invited', state.invited);
  writeDays(params, 'expires', state.expires);
  writeDays(params, 'created', state.created);
  writeDays(params, 'accepted', state.accepted);
  if (state.sort !== SORTS[0]) params.set('sort', state.sort);
  if (state.pageSize !== DEFAULT_PAGE_SIZE) params.set('size', String(state.pageSize));
  if (state.page > 1) params.set('page', String(state.page));
  if (state.after) params.set('after', state.after);
  if (state.before) params.set('before', state.before);
  return params;
}

/** The API's filter for the URL's state: also what "Select all search results" invites. */
export function toProfileFilter(state: ProfilesUrlState): ProfileFilter {
  const filter: ProfileFilter = {};
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.statuses.length) filter.statuses = state.statuses;
  if (state.expired) filter.invitationExpired = true;
  // "Email bounced" narrows the Delivery filter to its undeliverable states (both ticked: those of them that were picked).
  const delivery = state.undeliverable
    ? state.delivery.length
      ? state.delivery.filter((d) => UNDELIVERABLE.includes(d))
      : [...UNDELIVERABLE]
    : state.delivery;
  if (state.undeliverable || delivery.length) filter.deliveryStates = delivery;
  const lotIds = state.lots.filter((lot) => lot !== NO_ACCESS);
  if (lotIds.length) filter.parkingLotIds = lotIds;
  if (state.lots.includes(NO_ACCESS)) filter.noAccess = true;
  if (state.tags.length) filter.tagIds = state.tags;
  if (state.tags.length > 1 && state.allTags) filter.tagsMatch = 'ALL';
  if (state.paymentMethods.length) filter.paymentMethods = state.paymentMethods;
  const invited = toRange(state.invited);
  if (invited) filter.invitedBetween = invited;
  const expires = toRange(state.expires);
  if (expires) filter.expiresBetween = expires;
  const created = toRange(state.created);
  if (created) filter.createdBetween = created;
  const accepted = toRange(state.accepted);
  if (accepted) filter.acceptedBetween = accepted;
  return filter;
}

function readDays(params: URLSearchParams, name: string): DaySpan {
  const day = (key: string) => {
    const value = params.get(key) ?? '';
    return DAY.test(value) ? value : '';
  };
  return { from: day(`${name}From`), to: day(`${name}To`) };
}

function writeDays(params: URLSearchParams, name: string, span: DaySpan) {
  if (span.from) params.set(`${name}From`, span.from);
  if (span.to) params.set(`${name}To`, span.to);
}

/** The days as the API's range, in the browser's time zone: from the first day's midnight to the midnight after the last (excluded). */
function toRange(span: DaySpan): DateTimeRange | null {
  if (!span.from && !span.to) return null;
  const midnight = (day: string, plusDays = 0) => {
    const [year, month, date] = day.split('-').map(Number) as [number, number, number];
    return new Date(year, month - 1, date + plusDays).toISOString();
  };
  return { ...(span.from ? { from: midnight(span.from) } : {}), ...(span.to ? { to: midnight(span.to, 1) } : {}) };
}

/** The filter without its status criteria: what the counts on the Status filter count. */
export function withoutStatus(filter: ProfileFilter): ProfileFilter {
  const { statuses: _statuses, invitationExpired: _expired, deliveryStates: _delivery, ...rest } = filter;
  return rest;
}

export const hasCriteria = (filter: ProfileFilter) => Object.keys(filter).length > 0;

/** The state without any criterion (search, filters), order and page size kept. */
export function cleared(state: ProfilesUrlState): ProfilesUrlState {
  return {
    ...state,
    search: '',
    statuses: [],
    expired: false,
    undeliverable: false,
    lots: [],
    tags: [],
    allTags: false,
    paymentMethods: [],
    delivery: [],
    invited: NO_DAYS,
    expires: NO_DAYS,
    created: NO_DAYS,
    accepted: NO_DAYS,
    page: 1,
    after: null,
    before: null,
  };
}

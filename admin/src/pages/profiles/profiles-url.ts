import type { PaymentMethod, ProfileFilter, ProfileOrder, ProfileStatus } from '@parkpass/sdk';
import { PAYMENT_METHODS, STATUSES } from '../../labels.ts';

// The Profiles page's state that a person shares or reloads lives in the URL:
// ?q=helene&status=NOT_INVITED&tag=<id>&lot=<id>|none&pay=CREDIT_CARD&expired=1&sort=CREATED_AT_DESC&size=100&page=2&after=<cursor>
// Each change pushes a history entry, so the back button undoes it (typing a search replaces its entry: Back does not replay keystrokes).

export const NO_ACCESS = 'none';

/** The orders the list offers (the API's ProfileOrder), the first by default. */
export const SORTS = ['NAME_ASC', 'NAME_DESC', 'CREATED_AT_DESC', 'CREATED_AT_ASC'] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

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
  paymentMethods: PaymentMethod[];
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
    paymentMethods: params.getAll('pay').filter((p): p is PaymentMethod => PAYMENT_METHODS.includes(p as PaymentMethod)),
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
  for (const method of state.paymentMethods) params.append('pay', method);
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
  if (state.undeliverable) filter.deliveryStates = ['BOUNCED', 'SPAM_COMPLAINT'];
  const lotIds = state.lots.filter((lot) => lot !== NO_ACCESS);
  if (lotIds.length) filter.parkingLotIds = lotIds;
  if (state.lots.includes(NO_ACCESS)) filter.noAccess = true;
  if (state.tags.length) filter.tagIds = state.tags;
  if (state.paymentMethods.length) filter.paymentMethods = state.paymentMethods;
  return filter;
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
    paymentMethods: [],
    page: 1,
    after: null,
    before: null,
  };
}

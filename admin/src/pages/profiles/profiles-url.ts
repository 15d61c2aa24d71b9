import type { PaymentMethod, ProfileFilter, ProfileStatus } from '@parkpass/sdk';
import { PAYMENT_METHOD_LABELS, STATUS_LABELS } from '../../labels.ts';

// The Profiles page's state that a person shares or reloads lives in the URL:
// ?q=helene&status=NOT_INVITED&tag=<id>&lot=<id>|none&pay=CREDIT_CARD&expired=1&page=2&after=<cursor>
// Each change pushes a history entry, so the back button undoes it.

export const NO_ACCESS = 'none';

export interface ProfilesUrlState {
  search: string;
  statuses: ProfileStatus[];
  expired: boolean;
  lots: string[];
  tags: string[];
  paymentMethods: PaymentMethod[];
  page: number;
  after: string | null;
  before: string | null;
}

const STATUSES = Object.keys(STATUS_LABELS) as ProfileStatus[];
const PAYMENT_METHODS = Object.keys(PAYMENT_METHOD_LABELS) as PaymentMethod[];

export function readProfilesUrl(params: URLSearchParams): ProfilesUrlState {
  return {
    search: params.get('q') ?? '',
    statuses: params.getAll('status').filter((s): s is ProfileStatus => STATUSES.includes(s as ProfileStatus)),
    expired: params.get('expired') === '1',
    lots: params.getAll('lot'),
    tags: params.getAll('tag'),
    paymentMethods: params.getAll('pay').filter((p): p is PaymentMethod => PAYMENT_METHODS.includes(p as PaymentMethod)),
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
  for (const lot of state.lots) params.append('lot', lot);
  for (const tag of state.tags) params.append('tag', tag);
  for (const method of state.paymentMethods) params.append('pay', method);
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
  const lotIds = state.lots.filter((lot) => lot !== NO_ACCESS);
  if (lotIds.length) filter.parkingLotIds = lotIds;
  if (state.lots.includes(NO_ACCESS)) filter.noAccess = true;
  if (state.tags.length) filter.tagIds = state.tags;
  if (state.paymentMethods.length) filter.paymentMethods = state.paymentMethods;
  return filter;
}

export const hasCriteria = (filter: ProfileFilter) => Object.keys(filter).length > 0;

import { Button, Checkbox, Collapse, Group, MultiSelect, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedCallback, useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { FilterOptions_QueryFragment, StatusFilter_CountsFragment } from '../../generated/graphql.ts';
import type { EmailDeliveryState, PaymentMethod, ProfileStatus } from '@parkpass/sdk';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/i18n.tsx';
import { PAYMENT_METHODS, STATUSES } from '../../labels.ts';
import { type DaySpan, DELIVERY_STATES, NO_ACCESS, PAGE_SIZES, type ProfilesUrlState, SORTS, type Sort } from './profiles-url.ts';

interface Props {
  state: ProfilesUrlState;
  options: FilterOptions_QueryFragment | undefined;
  /** How many profiles each status choice selects, with the other criteria. */
  counts: StatusFilter_CountsFragment | undefined;
  /** `replace`: the change replaces the history entry (typing a search). */
  onChange(change: Partial<ProfilesUrlState>, replace?: boolean): void;
  onClear(): void;
}

const COUNT_OF: Record<ProfileStatus, keyof StatusFilter_CountsFragment> = {
  NOT_INVITED: 'notInvited',
  PENDING: 'pending',
  VALIDATED: 'validated',
  DEACTIVATED: 'deactivated',
};

/**
 * Search box, the filters Access, Tag (any or all of them), Payment method, Status (with counts), email delivery and the
 * invited / expiring / created / accepted days, order, page size, "Clear filters". Below 768 px the filters fold behind a button.
 */
export function ProfileFilters({ state, options, counts, onChange, onClear }: Props) {
  const t = useT();
  const narrow = useMediaQuery('(max-width: 48em)');
  const [unfolded, fold] = useDisclosure(false);
  const withCount = (label: string, n: number | undefined) => (n === undefined ? label : t('profiles.withCount', { label, count: n }));
  const [search, setSearch] = useState(state.search);
  // The URL changed (back button): show its search.
  useEffect(() => setSearch(state.search), [state.search]);
  const commitSearch = useDebouncedCallback((value: string) => onChange({ search: value }, true), 300);

  const lotOptions = [
    { value: NO_ACCESS, label: t('profiles.noAccess') },
    ...(options?.parkingLots.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? []),
  ];
  const tagOptions = options?.tags.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  const paymentOptions = PAYMENT_METHODS.map((value) => ({ value, label: t(`payment.${value}`) }));
  const deliveryOptions = DELIVERY_STATES.map((value) => ({ value, label: t(`delivery.${value}`) }));
  const days = (span: DaySpan) => Number(Boolean(span.from || span.to));
  const active =
    state.statuses.length +
    state.lots.length +
    state.tags.length +
    state.paymentMethods.length +
    state.delivery.length +
    Number(state.expired) +
    Number(state.undeliverable) +
    days(state.invited) +
    days(state.expires) +
    days(state.created) +
    days(state.accepted);
  const dayInput = (label: string, span: 'invited' | 'expires' | 'created' | 'accepted', end: keyof DaySpan) => (
    <TextInput
      type="date"
      label={label}
      value={state[span][end]}
      max={end === 'from' && state[span].to ? state[span].to : undefined}
      min={end === 'to' && state[span].from ? state[span].from : undefined}
      onChange={(event) => onChange({ [span]: { ...state[span], [end]: event.currentTarget.value } })}
      w={{ base: '100%', xs: 160 }}
    />
  );
  const criteria = active + Number(Boolean(state.search.trim()));

  const filters = (
    <Stack gap="sm">
      <Group gap="md" align="flex-end" wrap="wrap">
        <MultiSelect
          label={t('profiles.access')}
          placeholder={state.lots.length ? undefined : t('profiles.any')}
          data={lotOptions}
          value={state.lots}
          onChange={(lots) => onChange({ lots })}
          searchable
          clearable
          w={{ base: '100%', xs: 220 }}
        />
        <MultiSelect
          label={t('profiles.tag')}
          placeholder={state.tags.length ? undefined : t('profiles.any')}
          data={tagOptions}
          value={state.tags}
          onChange={(tags) => onChange({ tags })}
          searchable
          clearable
          w={{ base: '100%', xs: 220 }}
        />
        {state.tags.length > 1 && (
          <Checkbox label={t('profiles.allTags')} checked={state.allTags} onChange={(event) => onChange({ allTags: event.currentTarget.checked })} mb={8} />
        )}
        <MultiSelect
          label={t('profiles.paymentMethod')}
          placeholder={state.paymentMethods.length ? undefined : t('profiles.any')}
          data={paymentOptions}
          value={state.paymentMethods}
          onChange={(methods) => onChange({ paymentMethods: methods as PaymentMethod[] })}
          clearable
          w={{ base: '100%', xs: 220 }}
        />
        <MultiSelect
          label={t('profiles.delivery')}
          placeholder={state.delivery.length ? undefined : t('profiles.any')}
          data={deliveryOptions}
          value={state.delivery}
          onChange={(delivery) => onChange({ delivery: delivery as EmailDeliveryState[] })}
          clearable
          w={{ base: '100%', xs: 220 }}
        />
      </Group>
      <Group gap="md" align="flex-end" wrap="wrap">
        {dayInput(t('profiles.invitedFrom'), 'invited', 'from')}
        {dayInput(t('profiles.invitedTo'), 'invited', 'to')}
        {dayInput(t('profiles.expiresFrom'), 'expires', 'from')}
        {dayInput(t('profiles.expiresTo'), 'expires', 'to')}
      </Group>
      <Group gap="md" align="flex-end" wrap="wrap">
        {dayInput(t('profiles.createdFrom'), 'created', 'from')}
        {dayInput(t('profiles.createdTo'), 'created', 'to')}
        {dayInput(t('profiles.acceptedFrom'), 'accepted', 'from')}
        {dayInput(t('profiles.acceptedTo'), 'accepted', 'to')}
      </Group>
      <Group gap="lg" align="flex-end" wrap="wrap">
        <Checkbox.Group label={t('profiles.status')} value={state.statuses} onChange={(statuses) => onChange({ statuses: statuses as ProfileStatus[] })}>
          <Group gap="md" mt={6}>
            {STATUSES.map((status) => (
              <Checkbox key={status} value={status} label={withCount(t(`status.${status}`), counts?.[COUNT_OF[status]] as number | undefined)} />
            ))}
          </Group>
        </Checkbox.Group>
        <Checkbox
          label={withCount(t('profiles.invitationExpired'), counts?.pendingWithExpiredInvitation)}
          checked={state.expired}
          onChange={(event) => onChange({ expired: event.currentTarget.checked })}
        />
        <Checkbox
          label={withCount(t('profiles.emailBounced'), counts?.emailUndeliverable)}
          checked={state.undeliverable}
          onChange={(event) => onChange({ undeliverable: event.currentTarget.checked })}
        />
      </Group>
      <Group gap="md" align="flex-end" wrap="wrap">
        <Select
          label={t('profiles.sort')}
          data={SORTS.map((sort) => ({ value: sort, label: t(`profiles.sort.${sort}`) }))}
          value={state.sort}
          onChange={(sort) => sort && onChange({ sort: sort as Sort })}
          allowDeselect={false}
          w={{ base: '100%', xs: 200 }}
        />
        <Select
          label={t('profiles.pageSize')}
          data={PAGE_SIZES.map((size) => String(size))}
          value={String(state.pageSize)}
          onChange={(size) => size && onChange({ pageSize: Number(size) })}
          allowDeselect={false}
          w={{ base: '100%', xs: 100 }}
        />
        {criteria > 0 && (
          <Button variant="default" onClick={onClear}>
            {t('profiles.clearFilters')}
          </Button>
        )}
      </Group>
    </Stack>
  );

  return (
    <Stack gap="sm" component="section" aria-label={t('profiles.filters')}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          label={t('profiles.search')}
          placeholder={t('profiles.searchPlaceholder')}
          type="search"
          value={search}
          style={{ flex: 1 }}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            commitSearch(event.currentTarget.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onChange({ search }, true);
          }}
        />
        {narrow && (
          <Button variant="default" onClick={fold.toggle} aria-expanded={unfolded} aria-controls="profile-filters">
            {t('profiles.filtersButton', { count: active })}
          </Button>
        )}
      </Group>
      {narrow ? (
        <Collapse in={unfolded} id="profile-filters">
          {filters}
        </Collapse>
      ) : (
        filters
      )}
    </Stack>
  );
}

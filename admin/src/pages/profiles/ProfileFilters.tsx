import { Checkbox, Group, MultiSelect, Stack, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import type { FilterOptions_QueryFragment, PaymentMethod, ProfileStatus, StatusFilter_CountsFragment } from '@parkpass/sdk';
import { useEffect, useState } from 'react';
import { formatCount, PAYMENT_METHOD_LABELS, STATUS_LABELS } from '../../labels.ts';
import { NO_ACCESS, type ProfilesUrlState } from './profiles-url.ts';

interface Props {
  state: ProfilesUrlState;
  options: FilterOptions_QueryFragment | undefined;
  /** How many profiles each status choice selects, with the other criteria. */
  counts: StatusFilter_CountsFragment | undefined;
  onChange(change: Partial<ProfilesUrlState>): void;
}

/** Search box and the filters Access, Status, Tag, Payment method. */
const COUNT_OF: Record<ProfileStatus, keyof StatusFilter_CountsFragment> = {
  NOT_INVITED: 'notInvited',
  PENDING: 'pending',
  VALIDATED: 'validated',
  DEACTIVATED: 'deactivated',
};

export function ProfileFilters({ state, options, counts, onChange }: Props) {
  const withCount = (label: string, n: number | undefined) => (n === undefined ? label : `${label} (${formatCount(n)})`);
  const [search, setSearch] = useState(state.search);
  // The URL changed (back button): show its search.
  useEffect(() => setSearch(state.search), [state.search]);
  const commitSearch = useDebouncedCallback((value: string) => onChange({ search: value }), 300);

  const lotOptions = [
    { value: NO_ACCESS, label: 'No access' },
    ...(options?.parkingLots.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? []),
  ];
  const tagOptions = options?.tags.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  const paymentOptions = Object.entries(PAYMENT_METHOD_LABELS).map(([value, label]) => ({ value, label }));

  return (
    <Stack gap="sm" component="section" aria-label="Search and filters">
      <TextInput
        label="Search"
        placeholder="Name or email"
        type="search"
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          commitSearch(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onChange({ search });
        }}
      />
      <Group gap="md" align="flex-end" wrap="wrap">
        <MultiSelect
          label="Access"
          placeholder={state.lots.length ? undefined : 'Any'}
          data={lotOptions}
          value={state.lots}
          onChange={(lots) => onChange({ lots })}
          searchable
          clearable
          w={{ base: '100%', xs: 220 }}
        />
        <MultiSelect
          label="Tag"
          placeholder={state.tags.length ? undefined : 'Any'}
          data={tagOptions}
          value={state.tags}
          onChange={(tags) => onChange({ tags })}
          searchable
          clearable
          w={{ base: '100%', xs: 220 }}
        />
        <MultiSelect
          label="Payment method"
          placeholder={state.paymentMethods.length ? undefined : 'Any'}
          data={paymentOptions}
          value={state.paymentMethods}
          onChange={(methods) => onChange({ paymentMethods: methods as PaymentMethod[] })}
          clearable
          w={{ base: '100%', xs: 220 }}
        />
      </Group>
      <Group gap="lg" align="flex-end" wrap="wrap">
        <Checkbox.Group label="Status" value={state.statuses} onChange={(statuses) => onChange({ statuses: statuses as ProfileStatus[] })}>
          <Group gap="md" mt={6}>
            {(Object.keys(STATUS_LABELS) as ProfileStatus[]).map((status) => (
              <Checkbox key={status} value={status} label={withCount(STATUS_LABELS[status], counts?.[COUNT_OF[status]] as number | undefined)} />
            ))}
          </Group>
        </Checkbox.Group>
        <Checkbox
          label={withCount('Invitation expired', counts?.pendingWithExpiredInvitation)}
          checked={state.expired}
          onChange={(event) => onChange({ expired: event.currentTarget.checked })}
        />
        <Checkbox
          label={withCount('Email bounced', counts?.emailUndeliverable)}
          checked={state.undeliverable}
          onChange={(event) => onChange({ undeliverable: event.currentTarget.checked })}
        />
      </Group>
    </Stack>
  );
}

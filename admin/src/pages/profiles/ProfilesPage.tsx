import { Alert, Button, Group, LoadingOverlay, Menu, Stack, Text, Title, Tooltip } from '@mantine/core';
import { AdminFilterOptionsDocument, AdminProfileCountsDocument, AdminProfilesPageDocument } from '@parkpass/sdk';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { formatBoundedCount, formatCount, plural } from '../../labels.ts';
import { usePermission } from '../../permissions.tsx';
import { BulkInviteDialog, type InviteSelection } from './BulkInviteDialog.tsx';
import { ProfileFilters } from './ProfileFilters.tsx';
import { hasCriteria, type ProfilesUrlState, readProfilesUrl, toProfileFilter, withoutStatus, writeProfilesUrl } from './profiles-url.ts';
import { ProfilesTable } from './ProfilesTable.tsx';

export const PAGE_SIZE = 50;

/** Ticked rows, or every search result (the selection is then the filter itself, not ids). */
type Selected = { kind: 'ids'; ids: ReadonlySet<string> } | { kind: 'all' };
const NOTHING: Selected = { kind: 'ids', ids: new Set() };

/** Profiles, the home page: search, filters, the table, and "Invite users" for a selection. */
export function ProfilesPage() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readProfilesUrl(params), [params]);
  const filter = useMemo(() => toProfileFilter(state), [state]);
  const filterKey = JSON.stringify(filter);
  const inviteBulk = usePermission('INVITE_BULK');
  const create = usePermission('EDIT_PROFILES');

  const [result, reexecute] = useQuery({
    query: AdminProfilesPageDocument,
    variables: state.before
      ? { filter, orderBy: { field: 'NAME', direction: 'ASC' }, last: PAGE_SIZE, before: state.before }
      : { filter, orderBy: { field: 'NAME', direction: 'ASC' }, first: PAGE_SIZE, after: state.after },
  });
  const countsFilter = useMemo(() => withoutStatus(filter), [filter]);
  const [counts] = useQuery({ query: AdminProfileCountsDocument, variables: { filter: countsFilter } });
  const lastCounts = useRef(counts.data);
  if (counts.data) lastCounts.current = counts.data;
  const [options] = useQuery({ query: AdminFilterOptionsDocument, requestPolicy: 'cache-first' });
  // While a new page or filter loads, keep showing the last table (under an overlay).
  const last = useRef(result.data);
  if (result.data) last.current = result.data;
  const data = result.data ?? last.current;

  // The selection belongs to one filter: changing the filter clears it.
  const [selected, setSelected] = useState<{ key: string; value: Selected }>({ key: filterKey, value: NOTHING });
  const selection = selected.key === filterKey ? selected.value : NOTHING;
  const setSelection = (value: Selected) => setSelected({ key: filterKey, value });
  const [inviting, setInviting] = useState<InviteSelection | null>(null);

  const update = (change: Partial<ProfilesUrlState>) => {
    // A new criterion starts again at the first page.
    const paging = 'page' in change ? {} : { page: 1, after: null, before: null };
    // flushSync: the box the admin ticked shows ticked at once, not after a
    // transition that a table of 50 rows can hold back.
    setParams(writeProfilesUrl({ ...state, ...paging, ...change }), { flushSync: true });
  };

  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);

  const profiles = data?.profiles.edges.map((edge) => edge.node) ?? [];
  // Bounded: exact up to 10,000, "at least" beyond (the exact number is the preview's, in "Invite users").
  const counted = data?.profiles.count ?? { count: 0, precision: 'EXACT' as const };
  const total = counted.count;
  const totalLabel = formatBoundedCount(counted);
  const pageInfo = data?.profiles.pageInfo;
  const selectedCount = selection.kind === 'all' ? total : selection.ids.size;
  const pageAllSelected = selection.kind === 'all' || (profiles.length > 0 && profiles.every((p) => selection.kind === 'ids' && selection.ids.has(p.id)));
  // Selecting is for list actions; a caller whose role allows none sees no tick boxes.
  const canSelect = !inviteBulk.forbidden;

  const tableSelection = canSelect
    ? {
        allResults: selection.kind === 'all',
        isSelected: (id: string) => selection.kind === 'all' || selection.ids.has(id),
        toggle: (id: string, on: boolean) => {
          const ids = new Set(selection.kind === 'all' ? profiles.map((p) => p.id) : selection.ids);
          if (on) ids.add(id);
          else ids.delete(id);
          setSelection({ kind: 'ids', ids });
        },
        togglePage: (on: boolean) => {
          const ids = new Set(selection.kind === 'all' ? [] : selection.ids);
          for (const p of profiles) {
            if (on) ids.add(p.id);
            else ids.delete(p.id);
          }
          setSelection({ kind: 'ids', ids });
        },
      }
    : null;

  const from = (state.page - 1) * PAGE_SIZE + 1;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>Profiles</Title>
        {create.allowed ? (
          <Button component={Link} to="/profiles/new">
            New profile
          </Button>
        ) : create.notInPlan ? (
          <Tooltip label={create.reason}>
            <Button disabled>New profile</Button>
          </Tooltip>
        ) : null}
      </Group>
      <ProfileFilters state={state} options={options.data} counts={(counts.data ?? lastCounts.current)?.profileCounts} onChange={update} />

      {canSelect && (
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" aria-live="polite">
            {selection.kind === 'all'
              ? `${totalLabel} ${total === 1 && counted.precision === 'EXACT' ? 'profile' : 'profiles'} selected`
              : selectedCount
                ? `${plural(selectedCount, 'profile')} selected`
                : 'Tick profiles to act on them.'}
          </Text>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" disabled={selectedCount === 0}>
                List actions
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item disabled={!inviteBulk.allowed} onClick={() => setInviting(selection.kind === 'all' ? { filter } : { profileIds: [...selection.ids] })}>
                Invite users
              </Menu.Item>
              {!inviteBulk.allowed && (
                <Text size="xs" px="sm" pb="xs" maw={260}>
                  {inviteBulk.reason}
                </Text>
              )}
            </Menu.Dropdown>
          </Menu>
        </Group>
      )}

      {canSelect && pageAllSelected && total > profiles.length && (
        <Alert color="blue" variant="light" p="xs">
          <Group gap="xs" wrap="wrap">
            {selection.kind === 'all' ? (
              <>
                <Text size="sm">All {totalLabel} search results are selected.</Text>
                <Button size="compact-sm" variant="default" onClick={() => setSelection(NOTHING)}>
                  Clear selection
                </Button>
              </>
            ) : (
              <>
                <Text size="sm">All {profiles.length} profiles on this page are selected.</Text>
                <Button size="compact-sm" variant="default" onClick={() => setSelection({ kind: 'all' })}>
                  Select all {totalLabel} search results
                </Button>
              </>
            )}
          </Group>
        </Alert>
      )}

      {result.error && !data ? (
        <ErrorState error={result.error} retry={refresh} />
      ) : !data ? (
        <Loading label="Loading profiles…" />
      ) : profiles.length === 0 ? (
        <EmptyState title={hasCriteria(filter) ? 'No profile matches this search' : 'No profiles yet'}>
          {hasCriteria(filter) ? 'Change the search or the filters.' : 'Create one with "New profile", or sync them through the API.'}
        </EmptyState>
      ) : (
        <div style={{ position: 'relative' }} aria-busy={result.fetching}>
          <LoadingOverlay visible={result.fetching && result.data === undefined} zIndex={5} overlayProps={{ blur: 1 }} />
          {result.error && <ErrorState error={result.error} retry={refresh} title="Could not refresh" />}
          <ProfilesTable profiles={profiles} selection={tableSelection} />
        </div>
      )}

      {data && total > 0 && (
        <Group justify="space-between" wrap="wrap">
          <Text size="sm" aria-live="polite">
            {formatCount(from)}–{formatCount(from + profiles.length - 1)} of{' '}
            {counted.precision === 'EXACT' ? plural(total, 'profile') : `${totalLabel} profiles`}
          </Text>
          <Group gap="xs" component="nav" aria-label="Pages">
            <Button
              variant="default"
              size="sm"
              disabled={state.page <= 1 || !pageInfo?.startCursor}
              onClick={() => update({ page: state.page - 1, after: null, before: state.page - 1 > 1 ? pageInfo!.startCursor : null })}
            >
              Previous page
            </Button>
            <Button
              variant="default"
              size="sm"
              disabled={!pageInfo?.hasNextPage || !pageInfo.endCursor}
              onClick={() => update({ page: state.page + 1, after: pageInfo!.endCursor, before: null })}
            >
              Next page
            </Button>
          </Group>
        </Group>
      )}

      {inviting && <BulkInviteDialog selection={inviting} onClose={() => setInviting(null)} onFinished={refresh} />}
    </Stack>
  );
}

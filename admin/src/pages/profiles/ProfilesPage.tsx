import { Alert, Button, Group, LoadingOverlay, Menu, Stack, Text, Title, Tooltip } from '@mantine/core';
import { AdminFilterOptionsDocument, AdminProfileCountsDocument, AdminProfilesCountDocument, AdminProfilesPageDocument } from '../../generated/graphql.ts';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { type Client, useClient, useQuery } from 'urql';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { showChangeNotice, useChangeNotices, useLiveRefresh } from '../../hooks/live.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { usePermission } from '../../permissions.tsx';
import { liveSignature } from '../profile/ProfilePage.tsx';
import { BulkInviteDialog, type InviteSelection } from './BulkInviteDialog.tsx';
import { BulkAccessDialog } from './BulkAccessDialog.tsx';
import { BulkDeleteDialog } from './BulkDeleteDialog.tsx';
import { BulkRevokeDialog } from './BulkRevokeDialog.tsx';
import { ProfileFilters } from './ProfileFilters.tsx';
import {
  cleared,
  hasCriteria,
  type ProfilesUrlState,
  readProfilesUrl,
  toProfileFilter,
  toProfileOrder,
  withoutStatus,
  writeProfilesUrl,
} from './profiles-url.ts';
import { ProfilesTable } from './ProfilesTable.tsx';
import { CreateAndInviteButton } from '../import/CreateAndInviteDialog.tsx';
import { ExportButton, useExport } from '../import/ExportButton.tsx';

// Rendered again only when their own props change: a filter change re-renders
// the filters at the click and the table once, when its rows come (not at the
// click, nor when a count comes), so the page's request leaves at once.
const Filters = memo(ProfileFilters);
const Table = memo(ProfilesTable);

/** Ticked rows, or every search result (the selection is then the filter itself, not ids). */
type Selected = { kind: 'ids'; ids: ReadonlySet<string> } | { kind: 'all' };
const NOTHING: Selected = { kind: 'ids', ids: new Set() };

/** The counts' queries list no profile: any mutation that returns a profile or an invitation (invite, edit, delete) makes them stale. */
const COUNTS_CONTEXT = { additionalTypenames: ['Profile', 'Invitation'] };

/** The variables of the page's query for a state of the URL (the page of rows, its count, the Status filter's counts). */
function queryVariables(state: ProfilesUrlState) {
  const filter = toProfileFilter(state);
  const orderBy = toProfileOrder(state.sort);
  return {
    filter,
    page: state.before ? { filter, orderBy, last: state.pageSize, before: state.before } : { filter, orderBy, first: state.pageSize, after: state.after },
    counts: { filter: withoutStatus(filter) },
  };
}

/**
 * Sends the queries of the state the URL is about to show, at the click, before the page renders it: the request
 * leaves at once instead of after the render of the filters (and the effects) that the new URL causes. The page's
 * own queries, made a moment later with the same variables, share these (urql sends an operation in flight only once)
 * or read their answer from the cache.
 */
function prefetch(client: Client, state: ProfilesUrlState) {
  const { filter, page, counts } = queryVariables(state);
  const cacheFirst = { requestPolicy: 'cache-first' } as const;
  void client.query(AdminProfilesPageDocument, page, cacheFirst).toPromise();
  void client.query(AdminProfilesCountDocument, { filter }, { ...COUNTS_CONTEXT, ...cacheFirst }).toPromise();
  void client.query(AdminProfileCountsDocument, counts, { ...COUNTS_CONTEXT, ...cacheFirst }).toPromise();
}

/**
 * The Profiles page's data: the page of profiles, its count and the Status
 * filter's counts, three requests sent side by side so that the rows never
 * wait for a count, all kept live (an acceptance or a bounce elsewhere shows within
 * seconds, with a notice) and refreshed at once after this admin's actions.
 */
function useProfilesData(state: ProfilesUrlState) {
  const t = useT();
  const variables = useMemo(() => queryVariables(state), [state]);
  const { filter } = variables;
  const [result, reexecute] = useQuery({ query: AdminProfilesPageDocument, variables: variables.page });
  // The list's count: the rows show without waiting for it; until it comes, the range says nothing of a total.
  const [count, reexecuteCount] = useQuery({ query: AdminProfilesCountDocument, variables: { filter }, context: COUNTS_CONTEXT });
  const [counts, reexecuteCounts] = useQuery({ query: AdminProfileCountsDocument, variables: variables.counts, context: COUNTS_CONTEXT });
  const lastCounts = useRef(counts.data);
  if (counts.data) lastCounts.current = counts.data;
  const [options] = useQuery({ query: AdminFilterOptionsDocument, requestPolicy: 'cache-first' });
  // While a new page or filter loads, keep showing the last table (under an overlay).
  const last = useRef(result.data);
  if (result.data) last.current = result.data;
  const data = result.data ?? last.current;

  const refresh = useCallback(() => {
    reexecute({ requestPolicy: 'network-only' });
    reexecuteCount({ requestPolicy: 'network-only' });
    reexecuteCounts({ requestPolicy: 'network-only' });
  }, [reexecute, reexecuteCount, reexecuteCounts]);
  useLiveRefresh(refresh, result.error ?? counts.error);

  const profiles = useMemo(() => data?.profiles.edges.map((edge) => edge.node) ?? [], [data]);
  useChangeNotices(result.data ? profiles : undefined, liveSignature, (changed) => {
    const names = changed.map(
      (p) => `${p.fullName} (${p.status === 'VALIDATED' ? t('status.VALIDATED') : t(`delivery.${p.latestInvitation!.deliveryState}`)})`,
    );
    showChangeNotice(t('profiles.changed', { count: changed.length, names: names.slice(0, 3).join(', ') + (names.length > 3 ? '…' : '') }));
  });
  // The count of this very filter (urql keeps no answer across variables), or nothing until it comes.
  const counted = count.data?.profiles.count ?? null;
  return { filter, result, data, profiles, counted, counts: (counts.data ?? lastCounts.current)?.profileCounts, options: options.data, refresh };
}

/** Profiles, the home page: search, filters, the table, and "Invite users" for a selection. */
export function ProfilesPage() {
  const t = useT();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readProfilesUrl(params), [params]);
  const { filter, result, data, profiles, counted, counts, options, refresh } = useProfilesData(state);
  const filterKey = JSON.stringify(filter);
  const inviteBulk = usePermission('INVITE_BULK');
  const editBulk = usePermission('EDIT_PROFILES_BULK');
  const create = usePermission('EDIT_PROFILES');
  const listActions = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // The selection belongs to one filter: changing the filter clears it.
  const [selected, setSelected] = useState<{ key: string; value: Selected }>({ key: filterKey, value: NOTHING });
  const selection = selected.key === filterKey ? selected.value : NOTHING;
  const currentFilterKey = useRef(filterKey);
  currentFilterKey.current = filterKey;
  const setSelection = useCallback((value: Selected) => setSelected({ key: currentFilterKey.current, value }), []);
  const [inviting, setInviting] = useState<InviteSelection | null>(null);
  // The bulk action whose Confirm dialog is open, on which selection.
  const [acting, setActing] = useState<{ action: 'access' | 'revoke' | 'delete'; selection: InviteSelection } | null>(null);
  const exporting = useExport();

  const client = useClient();
  const write = useCallback(
    (next: ProfilesUrlState, replace = false) => {
      const params = writeProfilesUrl(next);
      // The state as the page will read it from the URL: the same variables, so the page's queries share these.
      prefetch(client, readProfilesUrl(params));
      // urql's fetchExchange calls fetch a few microtasks after the query is sent: rendering the new state in this same
      // task (the filters alone take 50 ms) would hold the requests back until the render is over. In the next task
      // they are already on their way. flushSync there: the box the admin ticked shows ticked at once, not after a
      // transition that a table of 50 rows can hold back.
      setTimeout(() => setParams(params, { flushSync: true, replace }));
    },
    [client, setParams],
  );
  const update = useCallback(
    (change: Partial<ProfilesUrlState>, replace = false) => {
      // A new criterion starts again at the first page.
      const paging = 'page' in change ? {} : { page: 1, after: null, before: null };
      write({ ...state, ...paging, ...change }, replace);
    },
    [state, write],
  );
  const clear = useCallback(() => write(cleared(state)), [state, write]);
  // Show's "← Profiles" comes back to the list these rows were read for: it changes with the rows, not at the click.
  const location = useLocation();
  const shownFor = useRef({ data, from: { from: location.pathname + location.search } });
  if (shownFor.current.data !== data) shownFor.current = { data, from: { from: location.pathname + location.search } };
  const from = shownFor.current.from;
  const goToPage = (change: Partial<ProfilesUrlState>) => {
    update(change);
    // The new page starts at its top, read from its heading.
    window.scrollTo({ top: 0 });
    heading.current?.focus();
  };

  // A bulk invitation finished: what was selected has changed (invited ones leave a "Not invited" list).
  const onBulkFinished = useCallback(() => {
    setSelected({ key: '', value: NOTHING });
    refresh();
  }, [refresh]);

  // Bounded: exact up to 10,000, "at least" beyond (the exact number is the preview's, in "Invite users").
  const total = counted?.count ?? 0;
  const totalLabel = counted ? format.bounded(counted) : '';
  const pageInfo = data?.profiles.pageInfo;
  const selectedCount = selection.kind === 'all' ? total : selection.ids.size;
  const pageAllSelected = selection.kind === 'all' || (profiles.length > 0 && profiles.every((p) => selection.kind === 'ids' && selection.ids.has(p.id)));
  // Selecting is for list actions; a caller whose role allows none sees no tick boxes.
  const canSelect = !inviteBulk.forbidden || !editBulk.forbidden;
  const chosen = (): InviteSelection => (selection.kind === 'all' ? { filter } : { profileIds: [...selection.ids] });

  // Ticking a row reads the selection and rows of the last render: the function stays the same, so the rows that did
  // not change are not rendered again.
  const shown = useRef({ selection, profiles });
  shown.current = { selection, profiles };
  const toggle = useCallback(
    (id: string, on: boolean) => {
      const { selection, profiles } = shown.current;
      const ids = new Set(selection.kind === 'all' ? profiles.map((p) => p.id) : selection.ids);
      if (on) ids.add(id);
      else ids.delete(id);
      setSelection({ kind: 'ids', ids });
    },
    [setSelection],
  );
  const tableSelection = useMemo(
    () =>
      canSelect
        ? {
            allResults: selection.kind === 'all',
            isSelected: (id: string) => selection.kind === 'all' || selection.ids.has(id),
            toggle,
            togglePage: (on: boolean) => {
              const ids = new Set(selection.kind === 'all' ? [] : selection.ids);
              for (const p of profiles) {
                if (on) ids.add(p.id);
                else ids.delete(p.id);
              }
              setSelection({ kind: 'ids', ids });
            },
          }
        : null,
    [canSelect, selection, profiles, setSelection, toggle],
  );

  const first = (state.page - 1) * state.pageSize + 1;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} ref={heading} tabIndex={-1}>
          {t('profiles.title')}
        </Title>
        <Group gap="xs" wrap="wrap">
          <ExportButton filter={filter} orderBy={toProfileOrder(state.sort)} />
          {create.allowed && <CreateAndInviteButton />}
          {create.allowed && (
            <Button variant="default" component={Link} to="/profiles/import">
              {t('import.open')}
            </Button>
          )}
          {create.allowed ? (
            <Button component={Link} to="/profiles/new">
              {t('profiles.new')}
            </Button>
          ) : create.notInPlan ? (
            <Tooltip label={create.reason}>
              <Button disabled>{t('profiles.new')}</Button>
            </Tooltip>
          ) : null}
        </Group>
      </Group>
      <Filters state={state} options={options} counts={counts} onChange={update} onClear={clear} />

      {canSelect && (
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" aria-live="polite">
            {selection.kind === 'all'
              ? counted?.precision === 'EXACT'
                ? t('profiles.selected', { count: total })
                : t('profiles.selectedBounded', { count: totalLabel })
              : selectedCount
                ? t('profiles.selected', { count: selectedCount })
                : t('profiles.tickToAct')}
          </Text>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" disabled={selectedCount === 0} ref={listActions}>
                {t('profiles.listActions')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item disabled={!inviteBulk.allowed} onClick={() => setInviting(chosen())}>
                {t('profiles.inviteUsers')}
              </Menu.Item>
              {!inviteBulk.allowed && (
                <Text size="xs" px="sm" pb="xs" maw={260}>
                  {inviteBulk.reason}
                </Text>
              )}
              <Menu.Item disabled={!editBulk.allowed} onClick={() => setActing({ action: 'access', selection: chosen() })}>
                {t('profiles.setAccess')}
              </Menu.Item>
              <Menu.Item disabled={!inviteBulk.allowed} onClick={() => setActing({ action: 'revoke', selection: chosen() })}>
                {t('profiles.revokeInvitations')}
              </Menu.Item>
              <Menu.Item disabled={!editBulk.allowed} color="red" className="danger-item" onClick={() => setActing({ action: 'delete', selection: chosen() })}>
                {t('profiles.deleteSelected')}
              </Menu.Item>
              <Menu.Item
                disabled={exporting.busy}
                onClick={() =>
                  void exporting.run(selection.kind === 'all' ? { filter, orderBy: toProfileOrder(state.sort) } : { profileIds: [...selection.ids] })
                }
              >
                {t('export.selection')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      )}

      {canSelect && counted && pageAllSelected && total > profiles.length && (
        <Alert color="blue" variant="light" p="xs">
          <Group gap="xs" wrap="wrap">
            {selection.kind === 'all' ? (
              <>
                <Text size="sm">{t('profiles.allResultsSelected', { count: totalLabel })}</Text>
                <Button size="compact-sm" variant="default" onClick={() => setSelection(NOTHING)}>
                  {t('profiles.clearSelection')}
                </Button>
              </>
            ) : (
              <>
                <Text size="sm">{t('profiles.pageSelected', { count: profiles.length })}</Text>
                <Button size="compact-sm" variant="default" onClick={() => setSelection({ kind: 'all' })}>
                  {t('profiles.selectAllResults', { count: totalLabel })}
                </Button>
              </>
            )}
          </Group>
        </Alert>
      )}

      {result.error && !data ? (
        <ErrorState error={result.error} retry={refresh} />
      ) : !data ? (
        <Loading label={t('profiles.loading')} />
      ) : profiles.length === 0 ? (
        <EmptyState title={hasCriteria(filter) ? t('profiles.noMatch') : t('profiles.none')}>
          {hasCriteria(filter) ? t('profiles.noMatchHint') : t('profiles.noneHint')}
        </EmptyState>
      ) : (
        <div style={{ position: 'relative' }} aria-busy={result.fetching}>
          {/* No blur: a blurred backdrop over 50 rows is repainted by the browser on every frame of its fade. */}
          <LoadingOverlay visible={result.fetching && result.data === undefined} zIndex={5} />
          {result.error && <ErrorState error={result.error} retry={refresh} title={t('state.refreshFailed')} />}
          <Table profiles={profiles} selection={tableSelection} from={from} />
        </div>
      )}

      {data && profiles.length > 0 && (
        <Group justify="space-between" wrap="wrap">
          <Text size="sm" aria-live="polite">
            {!counted
              ? t('profiles.rangeCounting', { from: first, to: first + profiles.length - 1 })
              : counted.precision === 'EXACT'
                ? t('profiles.range', { from: first, to: first + profiles.length - 1, total })
                : t('profiles.rangeBounded', { from: first, to: first + profiles.length - 1, total: totalLabel })}
          </Text>
          <Group gap="xs" component="nav" aria-label={t('profiles.pages')}>
            <Button
              variant="default"
              size="sm"
              disabled={state.page <= 1 || !pageInfo?.startCursor}
              onClick={() => goToPage({ page: state.page - 1, after: null, before: state.page - 1 > 1 ? pageInfo!.startCursor : null })}
            >
              {t('profiles.previousPage')}
            </Button>
            <Button
              variant="default"
              size="sm"
              disabled={!pageInfo?.hasNextPage || !pageInfo.endCursor}
              onClick={() => goToPage({ page: state.page + 1, after: pageInfo!.endCursor, before: null })}
            >
              {t('profiles.nextPage')}
            </Button>
          </Group>
        </Group>
      )}

      {acting?.action === 'access' && (
        <BulkAccessDialog
          selection={acting.selection}
          options={options}
          onClose={() => setActing(null)}
          onFinished={onBulkFinished}
          returnFocusTo={listActions}
        />
      )}
      {acting?.action === 'revoke' && (
        <BulkRevokeDialog selection={acting.selection} onClose={() => setActing(null)} onFinished={onBulkFinished} returnFocusTo={listActions} />
      )}
      {acting?.action === 'delete' && (
        <BulkDeleteDialog selection={acting.selection} onClose={() => setActing(null)} onFinished={onBulkFinished} returnFocusTo={listActions} />
      )}
      {inviting && <BulkInviteDialog selection={inviting} onClose={() => setInviting(null)} onFinished={onBulkFinished} returnFocusTo={listActions} />}
    </Stack>
  );
}

import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorState, Loading } from '../../components/states.tsx';
import { AdminBulkInvitationsPageDocument, type BulkRunRow_BulkInvitationFragment } from '../../generated/graphql.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { RunCounts, RunState, useLiveRun } from './bulk-run.tsx';

// Bulk invitations: every run, newest first, who started it, when, its counts
// and live progress, each linking to its detail (the skipped profiles).
// Filtered by who (the people seen so far) and a span of days, in the URL.

const PAGE_SIZE = 20;

/** A date field's day as an instant: the start of that day in the admin's time zone (`to` is the start of the day after). */
export function dayStart(day: string | null, plusDays = 0): string | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export function BulkInvitationsPage() {
  const t = useT();
  const narrow = useNarrow();
  const [params, setParams] = useSearchParams();
  const who = params.get('who');
  const from = params.get('from');
  const to = params.get('to');
  const variables = useMemo(() => ({ startedBy: who || undefined, from: dayStart(from), to: dayStart(to, 1) }), [who, from, to]);
  const filterKey = JSON.stringify(variables);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [people, setPeople] = useState<Map<string, string>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts again from its first page.
  useEffect(() => setCursors([null]), [filterKey]);

  function set(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }
  function seen(runs: BulkRunRow_BulkInvitationFragment[]) {
    const fresh = runs.filter((run) => run.startedBy?.id && run.startedBy.name && !people.has(run.startedBy.id));
    if (fresh.length) setPeople((known) => new Map([...known, ...fresh.map((run) => [run.startedBy!.id!, run.startedBy!.name!] as [string, string])]));
  }
  const choices = [{ value: '', label: t('audit.everyone') }, ...[...people].map(([value, label]) => ({ value, label }))];

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/invitations" size="sm">
        {t('bulkRuns.back')}
      </Anchor>
      <Title order={1}>{t('bulkRuns.title')}</Title>
      <Text size="sm">{t('bulkRuns.intro')}</Text>
      <Group align="flex-end" gap="sm" role="search" aria-label={t('bulkRuns.filters')}>
        <Select label={t('bulkRuns.who')} data={choices} value={who ?? ''} onChange={(value) => set('who', value || null)} allowDeselect={false} w={220} />
        <TextInput label={t('audit.from')} type="date" value={from ?? ''} onChange={(e) => set('from', e.currentTarget.value || null)} w={170} />
        <TextInput label={t('audit.to')} type="date" value={to ?? ''} onChange={(e) => set('to', e.currentTarget.value || null)} w={170} />
        {(who || from || to) && (
          <Button variant="subtle" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            {t('audit.clear')}
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={narrow ? 300 : 760}>
        <Table aria-label={t('bulkRuns.table')} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('bulkRuns.when')}</Table.Th>
              {!narrow && (
                <>
                  <Table.Th>{t('bulkRuns.who')}</Table.Th>
                  <Table.Th>{t('bulkRuns.selection')}</Table.Th>
                  <Table.Th>{t('bulkRuns.countsHeader')}</Table.Th>
                  <Table.Th>{t('bulkRuns.stateHeader')}</Table.Th>
                </>
              )}
            </Table.Tr>
          </Table.Thead>
          {cursors.map((after, index) => (
            <RunsChunk
              key={`${filterKey}:${after ?? ''}`}
              variables={variables}
              after={after}
              first={index === 0}
              last={index === cursors.length - 1}
              onSeen={seen}
              onMore={(cursor) => setCursors((known) => [...known, cursor])}
            />
          ))}
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

interface ChunkProps {
  variables: { startedBy?: string; from?: string; to?: string };
  after: string | null;
  first: boolean;
  last: boolean;
  onSeen(runs: BulkRunRow_BulkInvitationFragment[]): void;
  onMore(cursor: string): void;
}

function RunsChunk({ variables, after, first, last, onSeen, onMore }: ChunkProps) {
  const t = useT();
  const columns = useNarrow() ? 1 : 5;
  const [{ data, error }, reexecute] = useQuery({ query: AdminBulkInvitationsPageDocument, variables: { ...variables, first: PAGE_SIZE, after } });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reported once per page loaded.
  useEffect(() => {
    if (data) onSeen(data.bulkInvitations.edges.map((edge) => edge.node));
  }, [data]);
  const wide = (children: React.ReactNode) => (
    <Table.Tbody>
      <Table.Tr>
        <Table.Td colSpan={columns}>{children}</Table.Td>
      </Table.Tr>
    </Table.Tbody>
  );
  if (error && !data) return wide(<ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />);
  if (!data) return wide(<Loading />);
  const { edges, pageInfo, totalCount } = data.bulkInvitations;
  return (
    <Table.Tbody>
      {first && (
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <Text size="sm" c="dimmed" role="status">
              {t('bulkRuns.count', { count: totalCount })}
            </Text>
          </Table.Td>
        </Table.Tr>
      )}
      {edges.map(({ cursor, node }) => (
        <RunRow key={cursor} run={node} />
      ))}
      {last && pageInfo.hasNextPage && pageInfo.endCursor && (
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <Button variant="default" onClick={() => onMore(pageInfo.endCursor!)}>
              {t('audit.more')}
            </Button>
          </Table.Td>
        </Table.Tr>
      )}
    </Table.Tbody>
  );
}

function RunRow({ run: read }: { run: BulkRunRow_BulkInvitationFragment }) {
  const t = useT();
  const format = useFormat();
  const narrow = useNarrow();
  const run = useLiveRun(read);
  const who = run.startedBy?.name ?? t('audit.actor.unknown');
  // Written by the server, in English.
  const selection = (
    <Text size="sm" lang="en">
      {run.selectionSummary}
    </Text>
  );
  const when = (
    <Anchor component={Link} to={`/bulk-invitations/${encodeURIComponent(run.id)}`}>
      {format.dateTime(run.createdAt)}
    </Anchor>
  );
  if (narrow) {
    // On a phone one column says it all, so the row fits without scrolling sideways.
    return (
      <Table.Tr>
        <Table.Td>
          <Stack gap={4} align="flex-start">
            {when}
            <Text size="sm">{t('bulkRun.startedBy', { name: who })}</Text>
            {selection}
            <RunCounts run={run} />
            <RunState run={run} />
          </Stack>
        </Table.Td>
      </Table.Tr>
    );
  }
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{when}</Table.Td>
      <Table.Td>{who}</Table.Td>
      <Table.Td>{selection}</Table.Td>
      <Table.Td>
        <RunCounts run={run} />
      </Table.Td>
      <Table.Td>
        <RunState run={run} />
      </Table.Td>
    </Table.Tr>
  );
}

/** Below 768 px (where the menu folds behind the burger) the table has one column. */
const useNarrow = () => useMediaQuery('(max-width: 48em)') ?? false;

import { Alert, Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorState, Loading } from '../../components/states.tsx';
import { AdminAuditTrailDocument, type AdminAuditTrailQuery } from '../../generated/graphql.ts';
import { type Translate, useFormat, useT } from '../../i18n/i18n.tsx';
import { usePermission } from '../../permissions.tsx';

// The audit trail, newest first, filtered by who and when (in the URL: ?actor=…&from=…&to=…),
// read in keyset pages of 50 ("Show more" asks for the page after the last one shown).

type AuditEvent = AdminAuditTrailQuery['auditEvents']['edges'][number]['node'];
const PAGE_SIZE = 50;

/** The type of a global id ("Admin", "ApiKey"…): base64 of "Type:uuid". */
function typeOf(globalId: string): string {
  try {
    return atob(globalId).split(':')[0] ?? '';
  } catch {
    return '';
  }
}

/** Where an entry leads: the profile it concerns, or the settings screen of what it names. */
function linksOf(event: AuditEvent, t: Translate): { to: string; label: string }[] {
  const links: { to: string; label: string }[] = [];
  if (event.profileId) links.push({ to: `/profiles/${encodeURIComponent(event.profileId)}`, label: t('audit.openProfile') });
  const subject = event.subjectId ? typeOf(event.subjectId) : '';
  if (subject === 'Admin' || subject === 'AdminInvitation') links.push({ to: '/settings/admins', label: t('audit.openAdmins') });
  if (subject === 'ApiKey') links.push({ to: '/settings/api-keys', label: t('audit.openApiKeys') });
  if (subject === 'BulkInvitation') links.push({ to: `/bulk-invitations/${encodeURIComponent(event.subjectId!)}`, label: t('audit.openBulkInvitation') });
  if (subject === 'Invitation' && event.kind !== 'INVITATION_ACCEPTED') links.push({ to: invitationsViewOf(event), label: t('audit.openInvitations') });
  if (subject === 'ParkingLot' || subject === 'Tag') links.push({ to: '/settings/lots-and-tags', label: t('audit.openLotsAndTags') });
  return links;
}

/** The Invitations view an invitation event leads to: a revocation to the revoked ones, a sending to the open ones. */
function invitationsViewOf(event: AuditEvent): string {
  return event.kind === 'INVITATION_REVOKED' ? '/invitations?view=revoked' : '/invitations';
}

function actorName(event: AuditEvent, t: Translate): string {
  if (event.actor.type === 'INVITED_PERSON' || event.actor.type === 'PARKPASS') return t(`audit.actor.${event.actor.type}`);
  return event.actor.name ?? t('audit.actor.unknown');
}

/** A date field's day as an instant: the start of that day in the admin's time zone (`to` is the start of the day after). */
function dayStart(day: string | null, plusDays = 0): string | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export function AuditPage() {
  const t = useT();
  const narrow = useNarrow();
  const access = usePermission('VIEW_AUDIT_TRAIL');
  const [params, setParams] = useSearchParams();
  const actor = params.get('actor');
  const from = params.get('from');
  const to = params.get('to');
  const filter = useMemo(() => ({ ...(actor ? { actorIds: [actor] } : {}), from: dayStart(from), to: dayStart(to, 1) }), [actor, from, to]);
  const filterKey = JSON.stringify(filter);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [actors, setActors] = useState<Map<string, string>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts again from its first page.
  useEffect(() => setCursors([null]), [filterKey]);

  function set(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }
  function seen(events: AuditEvent[]) {
    const fresh = events.filter((event) => event.actor.id && !actors.has(event.actor.id));
    if (fresh.length === 0) return;
    setActors((known) => new Map([...known, ...fresh.map((event) => [event.actor.id!, actorName(event, t)] as [string, string])]));
  }

  if (!access.allowed) {
    return (
      <Alert color="yellow" variant="light" title={t('permission.askOwnerTitle')}>
        {access.reason}
      </Alert>
    );
  }
  const who = [{ value: '', label: t('audit.everyone') }, ...[...actors].map(([value, label]) => ({ value, label }))];
  return (
    <Stack gap="md">
      <Title order={1}>{t('audit.title')}</Title>
      <Text size="sm">{t('audit.intro')}</Text>
      <Group align="flex-end" gap="sm" role="search" aria-label={t('audit.filters')}>
        <Select
          label={t('audit.who')}
          data={who}
          value={actor ?? ''}
          onChange={(value) => set('actor', value || null)}
          allowDeselect={false}
          w={220}
          // As wide as its longest name, so no option wraps; at most 8 at once, the others found by typing: the list never needs scrolling.
          comboboxProps={{ width: 'max-content', position: 'bottom-start' }}
          searchable
          limit={8}
          maxDropdownHeight={400}
        />
        <TextInput label={t('audit.from')} type="date" value={from ?? ''} onChange={(e) => set('from', e.currentTarget.value || null)} w={170} />
        <TextInput label={t('audit.to')} type="date" value={to ?? ''} onChange={(e) => set('to', e.currentTarget.value || null)} w={170} />
        {(actor || from || to) && (
          <Button variant="subtle" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            {t('audit.clear')}
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={narrow ? 300 : 640}>
        <Table aria-label={t('audit.table')} striped>
          <Table.Thead>
            <Table.Tr>
              {!narrow && <Table.Th>{t('audit.when')}</Table.Th>}
              {!narrow && <Table.Th>{t('audit.who')}</Table.Th>}
              <Table.Th>{t('audit.what')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          {cursors.map((after, index) => (
            <AuditChunk
              key={`${filterKey}:${after ?? ''}`}
              filter={filter}
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
  filter: { actorIds?: string[]; from?: string; to?: string };
  after: string | null;
  first: boolean;
  last: boolean;
  onSeen(events: AuditEvent[]): void;
  onMore(cursor: string): void;
}

/** One page of events, as its own table body. */
function AuditChunk({ filter, after, first, last, onSeen, onMore }: ChunkProps) {
  const t = useT();
  const format = useFormat();
  const narrow = useNarrow();
  const columns = narrow ? 1 : 3;
  const [{ data, error }, reexecute] = useQuery({ query: AdminAuditTrailDocument, variables: { filter, first: PAGE_SIZE, after } });
  const events = data?.auditEvents.edges.map((edge) => edge.node);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reported once per page loaded.
  useEffect(() => {
    if (events) onSeen(events);
  }, [data]);
  if (error && !data)
    return (
      <Table.Tbody>
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    );
  if (!data || !events)
    return (
      <Table.Tbody>
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <Loading />
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    );
  const { pageInfo, totalCount } = data.auditEvents;
  return (
    <Table.Tbody>
      {first && (
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <Text size="sm" c="dimmed" role="status">
              {t('audit.count', { count: totalCount })}
            </Text>
          </Table.Td>
        </Table.Tr>
      )}
      {data.auditEvents.edges.map(({ cursor, node: event }) => (
        <Table.Tr key={cursor}>
          {!narrow && <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(event.occurredAt)}</Table.Td>}
          {!narrow && <Table.Td>{actorName(event, t)}</Table.Td>}
          <Table.Td>
            {narrow && (
              // On a phone one column says it all, so the row fits without scrolling sideways.
              <Text size="sm" c="dimmed">
                {format.dateTime(event.occurredAt)} · {actorName(event, t)}
              </Text>
            )}
            {/* Written by the server, in English. */}
            <Text size="sm" lang="en">
              {event.summary}
            </Text>
            <Group gap="xs">
              {linksOf(event, t).map((link) => (
                <Anchor key={link.to} component={Link} to={link.to} size="sm">
                  {link.label}
                </Anchor>
              ))}
            </Group>
          </Table.Td>
        </Table.Tr>
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

/** Below 768 px (where the menu folds behind the burger) the table has one column. */
const useNarrow = () => useMediaQuery('(max-width: 48em)') ?? false;

import { Anchor, Badge, Button, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Email } from '../../components/Email.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { AdminInvitationsPageDocument, type InvitationRow_InvitationFragment, type InvitationView } from '../../generated/graphql.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { type InvitationAction, InvitationActionDialog, InvitationActions } from './InvitationActions.tsx';
import { DELIVERY_PROBLEMS } from '../../labels.ts';

// Invitations: the organization's invitations by view (a tab, in the URL as
// ?view=…), newest first, read in keyset pages of 50 ("Show more" asks for
// the page after the last one shown). Each row links to its profile and has
// its actions (InvitationActions).

const PAGE_SIZE = 50;
const VIEWS: readonly InvitationView[] = ['OPEN', 'EXPIRING_SOON', 'EXPIRED', 'UNDELIVERABLE', 'REVOKED'];
const isView = (value: string | null): value is InvitationView => VIEWS.includes(value as InvitationView);

export function InvitationsPage() {
  const t = useT();
  const narrow = useNarrow();
  const [params, setParams] = useSearchParams();
  const requested = params.get('view')?.toUpperCase() ?? null;
  const view: InvitationView = isView(requested) ? requested : 'OPEN';
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [action, setAction] = useState<InvitationAction | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another view starts again from its first page.
  useEffect(() => setCursors([null]), [view]);

  return (
    <Stack gap="md">
      <Title order={1}>{t('invitations.title')}</Title>
      <Text size="sm">{t('invitations.intro')}</Text>
      <Anchor component={Link} to="/bulk-invitations" size="sm">
        {t('invitations.bulkLink')}
      </Anchor>
      <Tabs
        value={view}
        onChange={(value) => value && setParams(new URLSearchParams(value === 'OPEN' ? {} : { view: value.toLowerCase() }), { replace: true })}
        keepMounted={false}
      >
        <Tabs.List aria-label={t('invitations.views')} style={{ flexWrap: 'wrap' }}>
          {VIEWS.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(`invitations.view.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {VIEWS.map((name) => (
          <Tabs.Panel key={name} value={name} pt="sm">
            <Text size="sm" c="dimmed" mb="xs">
              {t(`invitations.viewHint.${name}`)}
            </Text>
            <Table.ScrollContainer minWidth={narrow ? 300 : 760}>
              <Table aria-label={t(`invitations.view.${name}`)} striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('invitations.person')}</Table.Th>
                    {!narrow && (
                      <>
                        <Table.Th>{t('invitations.sent')}</Table.Th>
                        <Table.Th>{t('invitations.expires')}</Table.Th>
                        <Table.Th>{t('invitations.delivery')}</Table.Th>
                      </>
                    )}
                    <Table.Th>{t('invitations.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                {cursors.map((after, index) => (
                  <InvitationChunk
                    key={`${name}:${after ?? ''}`}
                    view={name}
                    after={after}
                    first={index === 0}
                    last={index === cursors.length - 1}
                    onMore={(cursor) => setCursors((known) => [...known, cursor])}
                    onAction={setAction}
                  />
                ))}
              </Table>
            </Table.ScrollContainer>
          </Tabs.Panel>
        ))}
      </Tabs>
      {action && <InvitationActionDialog action={action} onClose={() => setAction(null)} />}
    </Stack>
  );
}

interface ChunkProps {
  view: InvitationView;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore(cursor: string): void;
  onAction(action: InvitationAction): void;
}

/** One page of invitations, as its own table body. */
function InvitationChunk({ view, after, first, last, onMore, onAction }: ChunkProps) {
  const t = useT();
  const columns = useNarrow() ? 2 : 5;
  const [{ data, error }, reexecute] = useQuery({ query: AdminInvitationsPageDocument, variables: { state: view, first: PAGE_SIZE, after } });
  const wide = (children: React.ReactNode) => (
    <Table.Tbody>
      <Table.Tr>
        <Table.Td colSpan={columns}>{children}</Table.Td>
      </Table.Tr>
    </Table.Tbody>
  );
  if (error && !data) return wide(<ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />);
  if (!data) return wide(<Loading />);
  const { edges, pageInfo } = data.invitations;
  return (
    <Table.Tbody>
      {first && edges.length === 0 && (
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <Text size="sm" role="status">
              {t(`invitations.none.${view}`)}
            </Text>
          </Table.Td>
        </Table.Tr>
      )}
      {edges.map(({ cursor, node }) => (
        <InvitationRow key={cursor} invitation={node} onAction={onAction} />
      ))}
      {last && pageInfo.hasNextPage && pageInfo.endCursor && (
        <Table.Tr>
          <Table.Td colSpan={columns}>
            <Button variant="default" onClick={() => onMore(pageInfo.endCursor!)}>
              {t('invitations.more')}
            </Button>
          </Table.Td>
        </Table.Tr>
      )}
    </Table.Tbody>
  );
}

function InvitationRow({ invitation, onAction }: { invitation: InvitationRow_InvitationFragment; onAction(action: InvitationAction): void }) {
  const t = useT();
  const format = useFormat();
  const narrow = useNarrow();
  const { profile } = invitation;
  const closed =
    invitation.state === 'OPEN' && invitation.expired === false ? null : (
      <Text size="xs" c="dimmed">
        {t(`invitations.state.${invitation.state}`)}
      </Text>
    );
  const delivery = (
    <Badge
      {...(DELIVERY_PROBLEMS.has(invitation.deliveryState) ? { color: 'var(--mantine-color-error)', variant: 'outline' } : { variant: 'default' })}
      tt="none"
      radius="sm"
    >
      {t(`delivery.${invitation.deliveryState}`)}
    </Badge>
  );
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/profiles/${encodeURIComponent(profile.id)}`} fw={500}>
          {profile.fullName}
        </Anchor>
        <Text size="sm">
          <Email address={invitation.email} />
        </Text>
        {narrow && (
          // On a phone the person's cell says what the other columns say, so the row fits without scrolling sideways.
          <Stack gap={4} mt={4} align="flex-start">
            <Text size="sm">{t('invitations.expiresOn', { date: format.dateTime(invitation.expiresAt) })}</Text>
            {closed}
            {delivery}
          </Stack>
        )}
      </Table.Td>
      {!narrow && (
        <>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(invitation.createdAt)}</Table.Td>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>
            {format.dateTime(invitation.expiresAt)}
            {closed}
          </Table.Td>
          <Table.Td>{delivery}</Table.Td>
        </>
      )}
      <Table.Td>
        <InvitationActions invitation={invitation} onAction={onAction} />
      </Table.Td>
    </Table.Tr>
  );
}

/** Below 768 px (where the menu folds behind the burger) the table keeps two columns: the person and the actions. */
const useNarrow = () => useMediaQuery('(max-width: 48em)') ?? false;

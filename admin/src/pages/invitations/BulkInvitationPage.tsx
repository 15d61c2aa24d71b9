import { Anchor, Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { Email } from '../../components/Email.tsx';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { AdminBulkInvitationPageDocument } from '../../generated/graphql.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { RunCounts, RunState, useLiveRun } from './bulk-run.tsx';

// One bulk run: who, when, what it selected, its counts and live progress,
// and the profiles it skipped with the reason, 50 at a time.

export function BulkInvitationPage() {
  const t = useT();
  const { id = '' } = useParams();
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error }, reexecute] = useQuery({ query: AdminBulkInvitationPageDocument, variables: { id, after } });
  if (error && !data) return <ErrorState error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  if (!data.bulkInvitation)
    return (
      <EmptyState title={t('bulkRun.missing')}>
        <Anchor component={Link} to="/bulk-invitations">
          {t('bulkRun.back')}
        </Anchor>
      </EmptyState>
    );
  return <BulkRun run={data.bulkInvitation} onNext={setAfter} />;
}

type Run = NonNullable<import('../../generated/graphql.ts').AdminBulkInvitationPageQuery['bulkInvitation']>;

function BulkRun({ run: read, onNext }: { run: Run; onNext(cursor: string): void }) {
  const t = useT();
  const format = useFormat();
  const run = useLiveRun(read);
  const skipped = read.skippedProfiles;
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/bulk-invitations" size="sm">
        {t('bulkRun.back')}
      </Anchor>
      <Title order={1}>{t('bulkRun.title', { when: format.dateTime(run.createdAt) })}</Title>
      <Card withBorder component="section" aria-label={t('bulkRun.summary')}>
        <Stack gap="xs">
          <Text size="sm">{t('bulkRun.startedBy', { name: run.startedBy?.name ?? t('audit.actor.unknown') })}</Text>
          <Text size="sm" lang="en">
            {run.selectionSummary}
          </Text>
          <RunCounts run={run} />
          <RunState run={run} />
          {read.failureReason && (
            <Text size="sm" c="var(--mantine-color-error)">
              {read.failureReason}
            </Text>
          )}
        </Stack>
      </Card>
      <Title order={2} size="h4">
        {t('bulkRun.skippedTitle', { count: skipped.totalCount })}
      </Title>
      {skipped.totalCount > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label={t('bulkRun.skippedTable')} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('invitations.person')}</Table.Th>
                <Table.Th>{t('bulkRun.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {skipped.edges.map(({ cursor, node }) => (
                <Table.Tr key={cursor}>
                  <Table.Td>
                    {node.profile ? (
                      <>
                        <Anchor component={Link} to={`/profiles/${encodeURIComponent(node.profile.id)}`}>
                          {node.profile.fullName}
                        </Anchor>
                        <Text size="sm">
                          <Email address={node.profile.email} />
                        </Text>
                      </>
                    ) : (
                      t('bulkRun.deletedProfile')
                    )}
                  </Table.Td>
                  <Table.Td>{t(`skip.${node.reason}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {skipped.pageInfo.hasNextPage && skipped.pageInfo.endCursor && (
        <Button variant="default" onClick={() => onNext(skipped.pageInfo.endCursor!)} style={{ alignSelf: 'flex-start' }}>
          {t('bulkRun.nextSkipped')}
        </Button>
      )}
    </Stack>
  );
}

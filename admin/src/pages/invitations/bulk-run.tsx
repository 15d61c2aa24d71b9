import { Badge, Group, Progress, Stack, Text } from '@mantine/core';
import { BulkInvitationProgressDocument } from '@parkpass/sdk';
import { useSubscription } from 'urql';
import type { BulkRunRow_BulkInvitationFragment } from '../../generated/graphql.ts';
import { useFormat, useT } from '../../i18n/i18n.tsx';

// A bulk run as the Bulk invitations screens show it: its counts and, while
// it runs, its progress followed over the API's subscription (Server-Sent
// Events), so nobody polls.

const FINISHED = new Set(['COMPLETED', 'FAILED']);

/** The run with its latest counters: streamed while it runs, as read once it is finished. */
export function useLiveRun(run: BulkRunRow_BulkInvitationFragment): BulkRunRow_BulkInvitationFragment {
  const running = !FINISHED.has(run.state);
  const [{ data }] = useSubscription({ query: BulkInvitationProgressDocument, variables: { id: run.id }, pause: !running });
  const streamed = data?.bulkInvitationProgress;
  if (!running || !streamed) return run;
  const { state, total, done, invitedCount, reinvitedCount, failedCount, skipped } = streamed;
  return { ...run, state, total, done, invitedCount, reinvitedCount, failedCount, skipped };
}

export const skippedTotal = (run: BulkRunRow_BulkInvitationFragment) => run.skipped.reduce((sum, entry) => sum + entry.count, 0);

/** Invited, skipped, sent, failed, in words a person reads at a glance. */
export function RunCounts({ run }: { run: BulkRunRow_BulkInvitationFragment }) {
  const t = useT();
  return (
    <Text size="sm">
      {t('bulkRuns.counts', {
        invited: run.invitedCount + run.reinvitedCount,
        skipped: skippedTotal(run),
        sent: run.sentCount,
        failed: run.failedCount,
      })}
    </Text>
  );
}

export function RunState({ run }: { run: BulkRunRow_BulkInvitationFragment }) {
  const t = useT();
  const format = useFormat();
  if (FINISHED.has(run.state))
    return (
      <Badge color={run.state === 'FAILED' ? 'red.9' : 'teal.9'} variant="filled" autoContrast tt="none" radius="sm">
        {t(`bulkRuns.state.${run.state}`)}
      </Badge>
    );
  const percent = run.total ? Math.round((run.done / run.total) * 100) : 0;
  return (
    <Stack gap={4} miw={140}>
      <Group gap="xs">
        <Badge color="blue.9" variant="outline" tt="none" radius="sm">
          {t(`bulkRuns.state.${run.state}`)}
        </Badge>
        <Text size="xs">{t('bulkRuns.progress', { done: format.count(run.done), total: format.count(run.total) })}</Text>
      </Group>
      <Progress value={percent} aria-label={t('bulkRuns.progressLabel')} />
    </Stack>
  );
}

import { Alert, Anchor, Button, Group, List, Progress, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { AdminBulkSkippedProfilesDocument } from '../../generated/graphql.ts';
import {
  type BulkInvitationFieldsFragment,
  BulkInvitationDocument,
  BulkInvitationProgressDocument,
  InvitationPreviewDocument,
  type ProfileFilter,
  ProfilesInviteDocument,
} from '@parkpass/sdk';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useClient, useMutation, useQuery, useSubscription } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useFormat, useT } from '../../i18n/i18n.tsx';
import { useViewer } from '../../permissions.tsx';

export type InviteSelection = { profileIds: string[]; filter?: undefined } | { filter: ProfileFilter; profileIds?: undefined };

interface Props {
  selection: InviteSelection;
  onClose(): void;
  /** The bulk invitation finished (the table, counts and selection follow). */
  onFinished(): void;
  /** The List actions button, where the focus returns. */
  returnFocusTo: RefObject<HTMLElement | null>;
}

const FINISHED = new Set(['COMPLETED', 'FAILED']);
/** Only when the subscription is refused (too many open): read the progress this often instead. */
const FALLBACK_POLL_MS = 1_000;

/**
 * Follows a bulk invitation through the API's subscription (Server-Sent
 * Events: no polling); if the subscription is refused, reads it every second.
 */
function useBulkProgress(started: BulkInvitationFieldsFragment | null) {
  const client = useClient();
  const [latest, setLatest] = useState<BulkInvitationFieldsFragment | null>(started);
  const [{ data, error }] = useSubscription({ query: BulkInvitationProgressDocument, variables: { id: started?.id ?? '' }, pause: !started });
  const streamed = data?.bulkInvitationProgress;
  useEffect(() => {
    if (started) setLatest((current) => (current && current.id === started.id ? current : started));
  }, [started]);
  useEffect(() => {
    if (streamed) setLatest(streamed);
  }, [streamed]);
  useEffect(() => {
    if (!error || !latest || FINISHED.has(latest.state)) return;
    const timer = setTimeout(async () => {
      const result = await client.query(BulkInvitationDocument, { id: latest.id }, { requestPolicy: 'network-only' }).toPromise();
      if (result.data?.bulkInvitation) setLatest(result.data.bulkInvitation);
    }, FALLBACK_POLL_MS);
    return () => clearTimeout(timer);
  }, [error, latest, client]);
  return latest;
}

/**
 * List actions → Invite users: the Confirm dialog with the preview's counts,
 * then the background job's progress, then a summary. The idempotency key is
 * made once per dialog, so a double click or a retry never invites twice.
 */
export function BulkInviteDialog({ selection, onClose, onFinished, returnFocusTo }: Props) {
  const t = useT();
  const format = useFormat();
  const viewer = useViewer();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [preview, refetchPreview] = useQuery({ query: InvitationPreviewDocument, variables: selection, requestPolicy: 'network-only' });
  const [{ fetching: sending }, invite] = useMutation(ProfilesInviteDocument);
  const [started, setStarted] = useState<BulkInvitationFieldsFragment | null>(null);
  const bulk = useBulkProgress(started);
  const [failure, setFailure] = useState<string | null>(null);

  const finished = bulk && FINISHED.has(bulk.state);
  const announced = useRef<string | null>(null);
  useEffect(() => {
    if (!finished || !bulk || announced.current === bulk.id) return;
    announced.current = bulk.id;
    onFinished();
    const skipped = bulk.skipped.reduce((sum, s) => sum + s.count, 0);
    notifications.show({
      color: 'teal',
      autoClose: 10_000,
      message: t('bulk.finishedNotice', { invited: bulk.invitedCount, reinvited: bulk.reinvitedCount, skipped }),
    });
  }, [finished, bulk, onFinished, t]);

  async function onConfirm() {
    setFailure(null);
    const result = await invite({ input: { ...selection, idempotencyKey } });
    const outcome = mutationOutcome(result.data?.profilesInvite, result.error, 'ProfilesInvitePayload', t);
    if (outcome.ok) setStarted(outcome.ok.bulkInvitation);
    else setFailure(outcome.message);
  }

  const counts = preview.data?.profilesInvitePreview;
  const willSend = counts ? counts.inviteCount + counts.reinviteCount : 0;

  return (
    <ConfirmDialog
      opened
      title={t('bulk.title')}
      onCancel={onClose}
      onConfirm={onConfirm}
      busy={sending}
      confirmDisabled={!counts || willSend === 0}
      size="lg"
      closeOnClickOutside={!bulk || Boolean(finished)}
      returnFocusTo={returnFocusTo}
      step={bulk ? (finished ? 'summary' : 'progress') : 'confirm'}
      actions={bulk ? <BulkActions finished={Boolean(finished)} onClose={onClose} /> : undefined}
    >
      {!bulk ? (
        <>
          {preview.error ? (
            <ErrorState error={preview.error} title={t('bulk.previewFailed')} retry={() => refetchPreview({ requestPolicy: 'network-only' })} />
          ) : !counts ? (
            <Loading label={t('bulk.counting')} />
          ) : (
            <>
              <Text>{t('bulk.intro', { count: counts.total, send: willSend })}</Text>
              <Table aria-label={t('bulk.whatItDoes')} withRowBorders={false} verticalSpacing={4}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th scope="row">{t('bulk.willInvite')}</Table.Th>
                    <Table.Td ta="right">{format.count(counts.inviteCount)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th scope="row">{t('bulk.willReinvite')}</Table.Th>
                    <Table.Td ta="right">{format.count(counts.reinviteCount)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th scope="row">{t('bulk.skipped')}</Table.Th>
                    <Table.Td ta="right">{format.count(counts.skippedCount)}</Table.Td>
                  </Table.Tr>
                  {counts.skipped.map((skip) => (
                    <Table.Tr key={skip.reason}>
                      <Table.Td pl="lg">{t('bulk.skippedReason', { reason: t(`skip.${skip.reason}`) })}</Table.Td>
                      <Table.Td ta="right">{format.count(skip.count)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Text size="sm">{t('bulk.language', { language: format.language(viewer.organization.defaultLocale) })}</Text>
              {willSend === 0 && <Alert color="yellow">{t('bulk.nobody')}</Alert>}
            </>
          )}
          {failure && (
            <Alert color="red" role="alert" title={t('bulk.nothingSent')}>
              {failure}
            </Alert>
          )}
        </>
      ) : (
        <BulkProgress bulk={bulk} />
      )}
    </ConfirmDialog>
  );
}

function BulkActions({ finished, onClose }: { finished: boolean; onClose(): void }) {
  const t = useT();
  return (
    <Group justify="flex-end">
      <Button onClick={onClose} variant={finished ? 'filled' : 'default'} data-autofocus>
        {finished ? t('bulk.close') : t('bulk.hide')}
      </Button>
    </Group>
  );
}

function BulkProgress({ bulk }: { bulk: BulkInvitationFieldsFragment }) {
  const t = useT();
  const finished = FINISHED.has(bulk.state);
  const percent = bulk.total ? Math.round((bulk.done / bulk.total) * 100) : 100;
  const skippedCount = bulk.skipped.reduce((sum, s) => sum + s.count, 0);
  return (
    <Stack>
      <Text id="bulk-progress-label" aria-live="polite">
        {finished
          ? bulk.state === 'COMPLETED'
            ? t('bulk.done')
            : t('bulk.stopped', { reason: bulk.failureReason ?? t('bulk.unknownError') })
          : bulk.state === 'QUEUED'
            ? t('bulk.waiting')
            : t('bulk.inviting', { done: bulk.done, total: bulk.total })}
      </Text>
      <Progress.Root size="lg">
        <Progress.Section value={percent} aria-label={t('bulk.progress')} color={bulk.state === 'FAILED' ? 'red' : undefined} animated={!finished} />
      </Progress.Root>
      {finished && (
        <List spacing={4} aria-label={t('bulk.summary')}>
          <List.Item>{t('bulk.invited', { count: bulk.invitedCount })}</List.Item>
          <List.Item>{t('bulk.reinvited', { count: bulk.reinvitedCount })}</List.Item>
          <List.Item>
            {t('bulk.skippedSummary', { count: skippedCount })}
            {bulk.skipped.length > 0 && ` (${bulk.skipped.map((s) => t('bulk.skippedDetail', { count: s.count, reason: t(`skip.${s.reason}`) })).join(', ')})`}
          </List.Item>
          {bulk.failedCount > 0 && <List.Item>{t('bulk.failed', { count: bulk.failedCount })}</List.Item>}
        </List>
      )}
      {finished && skippedCount > 0 && <SkippedProfiles bulkId={bulk.id} />}
      {finished && <Text size="sm">{t('bulk.emailsLater')}</Text>}
    </Stack>
  );
}

/** The profiles the bulk invitation skipped, and why (listed on demand). */
function SkippedProfiles({ bulkId }: { bulkId: string }) {
  const t = useT();
  const [shown, setShown] = useState(false);
  const [{ data, error }] = useQuery({ query: AdminBulkSkippedProfilesDocument, variables: { id: bulkId }, pause: !shown });
  if (!shown) {
    return (
      <Group>
        <Button variant="default" size="xs" onClick={() => setShown(true)}>
          {t('bulk.showSkipped')}
        </Button>
      </Group>
    );
  }
  if (error) return <ErrorState error={error} title={t('bulk.skippedFailed')} />;
  const skipped = data?.bulkInvitation?.skippedProfiles;
  if (!skipped) return <Loading label={t('bulk.skippedLoading')} />;
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table aria-label={t('bulk.skippedTable')} verticalSpacing={2}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('bulk.col.profile')}</Table.Th>
            <Table.Th>{t('bulk.col.why')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {skipped.edges.map(({ node }) => (
            <Table.Tr key={node.profile?.id ?? node.reason}>
              <Table.Td>
                {node.profile ? (
                  <Anchor component={Link} to={`/profiles/${encodeURIComponent(node.profile.id)}`} size="sm">
                    {node.profile.fullName}
                  </Anchor>
                ) : (
                  t('bulk.deletedProfile')
                )}
              </Table.Td>
              <Table.Td>{t(`skip.${node.reason}`)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {skipped.totalCount > skipped.edges.length && <Text size="xs">{t('bulk.firstOf', { shown: skipped.edges.length, total: skipped.totalCount })}</Text>}
    </Table.ScrollContainer>
  );
}

import { Alert, Anchor, Button, Group, List, Modal, Progress, Stack, Table, Text } from '@mantine/core';
import {
  AdminBulkSkippedProfilesDocument,
  type BulkInvitationFieldsFragment,
  BulkInvitationDocument,
  InvitationPreviewDocument,
  type ProfileFilter,
  ProfilesInviteDocument,
} from '@parkpass/sdk';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { formatCount, plural, SKIP_REASON_LABELS } from '../../labels.ts';

export type InviteSelection = { profileIds: string[]; filter?: undefined } | { filter: ProfileFilter; profileIds?: undefined };

interface Props {
  selection: InviteSelection;
  onClose(): void;
  /** The bulk invitation finished (the table should refresh). */
  onFinished(): void;
}

const FINISHED = new Set(['COMPLETED', 'FAILED']);
const POLL_MS = 500;

/**
 * List actions → Invite users: the Confirm dialog with the preview's counts,
 * then the background job's progress, then a summary. The idempotency key is
 * made once per dialog, so a double click or a retry never invites twice.
 */
export function BulkInviteDialog({ selection, onClose, onFinished }: Props) {
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [preview, refetchPreview] = useQuery({ query: InvitationPreviewDocument, variables: selection, requestPolicy: 'network-only' });
  const [{ fetching: sending }, invite] = useMutation(ProfilesInviteDocument);
  const [bulk, setBulk] = useState<BulkInvitationFieldsFragment | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const client = useClient();

  // Follow the bulk invitation until it is COMPLETED or FAILED.
  useEffect(() => {
    if (!bulk || FINISHED.has(bulk.state)) return;
    const timer = setTimeout(async () => {
      const result = await client.query(BulkInvitationDocument, { id: bulk.id }, { requestPolicy: 'network-only' }).toPromise();
      if (result.data?.bulkInvitation) setBulk(result.data.bulkInvitation);
      else if (result.error) setFailure(errorMessage(result.error));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [bulk, client]);

  const finished = bulk && FINISHED.has(bulk.state);
  useEffect(() => {
    if (finished) onFinished();
  }, [finished, onFinished]);

  async function onConfirm() {
    setFailure(null);
    const result = await invite({ input: { ...selection, idempotencyKey } });
    const answer = result.data?.profilesInvite;
    if (answer?.__typename === 'ProfilesInvitePayload') setBulk(answer.bulkInvitation);
    else if (answer && 'message' in answer) setFailure(answer.message);
    else if (result.error) setFailure(errorMessage(result.error));
  }

  const counts = preview.data?.profilesInvitePreview;
  const willSend = counts ? counts.inviteCount + counts.reinviteCount : 0;

  return (
    <Modal opened onClose={onClose} title="Invite users" size="lg" closeOnClickOutside={!bulk || Boolean(finished)}>
      {!bulk ? (
        <Stack>
          {preview.error ? (
            <ErrorState error={preview.error} title="The preview could not be loaded" retry={() => refetchPreview({ requestPolicy: 'network-only' })} />
          ) : !counts ? (
            <Loading label="Counting the selection…" />
          ) : (
            <>
              <Text>
                {plural(counts.total, 'profile')} selected. Confirm to send the invitation email{willSend === 1 ? '' : 's'}:
              </Text>
              <Table aria-label="What inviting will do" withRowBorders={false} verticalSpacing={4}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th scope="row">Will be invited</Table.Th>
                    <Table.Td ta="right">{formatCount(counts.inviteCount)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th scope="row">Will be re-invited (their earlier link stops working)</Table.Th>
                    <Table.Td ta="right">{formatCount(counts.reinviteCount)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th scope="row">Skipped</Table.Th>
                    <Table.Td ta="right">{formatCount(counts.skippedCount)}</Table.Td>
                  </Table.Tr>
                  {counts.skipped.map((skip) => (
                    <Table.Tr key={skip.reason}>
                      <Table.Td pl="lg">… {SKIP_REASON_LABELS[skip.reason]}</Table.Td>
                      <Table.Td ta="right">{formatCount(skip.count)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {willSend === 0 && <Alert color="yellow">Nobody in this selection can be invited.</Alert>}
            </>
          )}
          {failure && (
            <Alert color="red" role="alert" title="Nothing was sent">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={onConfirm} loading={sending} disabled={!counts || willSend === 0}>
              Confirm
            </Button>
          </Group>
        </Stack>
      ) : (
        <BulkProgress bulk={bulk} failure={failure} onClose={onClose} />
      )}
    </Modal>
  );
}

function BulkProgress({ bulk, failure, onClose }: { bulk: BulkInvitationFieldsFragment; failure: string | null; onClose(): void }) {
  const finished = FINISHED.has(bulk.state);
  const percent = bulk.total ? Math.round((bulk.done / bulk.total) * 100) : 100;
  const skippedCount = bulk.skipped.reduce((sum, s) => sum + s.count, 0);
  return (
    <Stack>
      <Text id="bulk-progress-label" aria-live="polite">
        {finished
          ? bulk.state === 'COMPLETED'
            ? 'Done.'
            : `The invitation stopped: ${bulk.failureReason ?? 'unknown error'}.`
          : bulk.state === 'QUEUED'
            ? 'Waiting to start…'
            : `Inviting… ${formatCount(bulk.done)} of ${formatCount(bulk.total)}`}
      </Text>
      <Progress.Root size="lg">
        <Progress.Section value={percent} aria-label="Invitation progress" color={bulk.state === 'FAILED' ? 'red' : undefined} animated={!finished} />
      </Progress.Root>
      {finished && (
        <List spacing={4} aria-label="Summary">
          <List.Item>Invited: {formatCount(bulk.invitedCount)}</List.Item>
          <List.Item>Re-invited: {formatCount(bulk.reinvitedCount)}</List.Item>
          <List.Item>
            Skipped: {formatCount(skippedCount)}
            {bulk.skipped.length > 0 && ` (${bulk.skipped.map((s) => `${formatCount(s.count)} ${SKIP_REASON_LABELS[s.reason]}`).join(', ')})`}
          </List.Item>
          {bulk.failedCount > 0 && <List.Item>Failed: {formatCount(bulk.failedCount)}</List.Item>}
        </List>
      )}
      {finished && skippedCount > 0 && <SkippedProfiles bulkId={bulk.id} />}
      {finished && <Text size="sm">The emails go out in the background; the Status column shows their delivery.</Text>}
      {failure && <Alert color="red">{failure}</Alert>}
      <Group justify="flex-end">
        <Button onClick={onClose} variant={finished ? 'filled' : 'default'}>
          {finished ? 'Close' : 'Hide (it continues)'}
        </Button>
      </Group>
    </Stack>
  );
}

/** The profiles the bulk invitation skipped, and why (listed on demand). */
function SkippedProfiles({ bulkId }: { bulkId: string }) {
  const [shown, setShown] = useState(false);
  const [{ data, error }] = useQuery({ query: AdminBulkSkippedProfilesDocument, variables: { id: bulkId }, pause: !shown });
  if (!shown) {
    return (
      <Group>
        <Button variant="default" size="xs" onClick={() => setShown(true)}>
          Show the skipped profiles
        </Button>
      </Group>
    );
  }
  if (error) return <ErrorState error={error} title="The skipped profiles could not be loaded" />;
  const skipped = data?.bulkInvitation?.skippedProfiles;
  if (!skipped) return <Loading label="Loading the skipped profiles…" />;
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table aria-label="Skipped profiles" verticalSpacing={2}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Profile</Table.Th>
            <Table.Th>Why</Table.Th>
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
                  'A deleted profile'
                )}
              </Table.Td>
              <Table.Td>{SKIP_REASON_LABELS[node.reason]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {skipped.totalCount > skipped.edges.length && (
        <Text size="xs">
          The first {skipped.edges.length} of {formatCount(skipped.totalCount)}.
        </Text>
      )}
    </Table.ScrollContainer>
  );
}

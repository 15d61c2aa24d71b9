import { Alert, Button, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { AdminProfileInviteDocument, type ProfileDetails_ProfileFragment } from '@parkpass/sdk';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../components/states.tsx';
import { plural } from '../../labels.ts';
import { usePermission, useViewer } from '../../permissions.tsx';

/**
 * "Invite" (or "Re-send invitation") at the top right of Show → Confirm.
 * Hidden for a role that may not invite; disabled with the reason when the
 * plan lacks invitations; every refusal of the API shown in its words.
 */
export function InviteAction({ profile }: { profile: ProfileDetails_ProfileFragment }) {
  const access = usePermission('INVITE');
  const viewer = useViewer();
  const [opened, { open, close }] = useDisclosure(false);
  const [{ fetching }, invite] = useMutation(AdminProfileInviteDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const resend = profile.status === 'PENDING';
  const label = resend ? 'Re-send invitation' : 'Invite';

  if (profile.status === 'VALIDATED' || access.forbidden) return null;
  if (access.notInPlan) {
    return (
      <Stack gap={2} align="flex-end">
        <Tooltip label={access.reason}>
          <Button disabled>{label}</Button>
        </Tooltip>
        <Text size="xs">{access.reason}</Text>
      </Stack>
    );
  }

  async function onConfirm() {
    setRefusal(null);
    const result = await invite({ input: { profileId: profile.id } });
    const answer = result.data?.profileInvite;
    if (answer?.__typename === 'ProfileInvitePayload') {
      close();
      notifications.show({ color: 'teal', message: `Invitation sent to ${profile.email}.` });
    } else if (answer?.__typename === 'ResendTooSoon') {
      setRefusal(`${profile.firstName} was invited moments ago. You can re-send in ${plural(Math.ceil(answer.retryAfterSeconds / 60), 'minute')}.`);
    } else if (answer && 'message' in answer) setRefusal(answer.message);
    else if (result.error) setRefusal(errorMessage(result.error));
  }

  return (
    <>
      <Button
        onClick={() => {
          setRefusal(null);
          open();
        }}
      >
        {label}
      </Button>
      <Modal opened={opened} onClose={close} title={resend ? `Re-send the invitation to ${profile.fullName}?` : `Invite ${profile.fullName}?`}>
        <Stack>
          <Text size="sm">
            An email with a link to confirm the account goes to <strong>{profile.email}</strong>. The link is valid for{' '}
            {plural(viewer.organization.invitationValidityHours, 'hour')}.{resend && ' The link sent before stops working.'}
          </Text>
          {refusal && (
            <Alert color="red" role="alert" title="Not sent">
              {refusal}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={onConfirm} loading={fetching}>
              Confirm
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

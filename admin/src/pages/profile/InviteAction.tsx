import { Alert, Button, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { AdminProfileInviteDocument, type ProfileDetails_ProfileFragment } from '../../generated/graphql.ts';
import { useState } from 'react';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { useT } from '../../i18n/i18n.tsx';
import { usePermission, useViewer } from '../../permissions.tsx';

/**
 * "Invite" (or "Re-send invitation") at the top right of Show → Confirm.
 * Hidden for a role that may not invite; disabled with the reason when the
 * plan lacks invitations; every refusal of the API shown in its words.
 */
export function InviteAction({ profile, language }: { profile: ProfileDetails_ProfileFragment; language: string }) {
  const t = useT();
  const access = usePermission('INVITE');
  const viewer = useViewer();
  const [opened, setOpened] = useState(false);
  const [{ fetching }, invite] = useMutation(AdminProfileInviteDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  // Pending with an open invitation: re-send. Pending whose invitation was closed (revoked, email changed): invite again.
  const resend = profile.status === 'PENDING' && profile.latestInvitation?.state === 'OPEN';
  const label = resend ? t('invite.resend') : t('invite.invite');

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
    if (answer?.__typename === 'ResendTooSoon') {
      setRefusal(t('invite.tooSoon', { name: profile.firstName, minutes: Math.ceil(answer.retryAfterSeconds / 60) }));
      return;
    }
    const outcome = mutationOutcome(answer, result.error, 'ProfileInvitePayload', t);
    if (outcome.ok) {
      setOpened(false);
      notifications.show({ color: 'teal', message: t('invite.sent', { email: profile.email }) });
    } else setRefusal(outcome.message);
  }

  return (
    <>
      <Button
        onClick={() => {
          setRefusal(null);
          setOpened(true);
        }}
      >
        {label}
      </Button>
      <ConfirmDialog
        opened={opened}
        title={resend ? t('invite.resendTitle', { name: profile.fullName }) : t('invite.title', { name: profile.fullName })}
        onCancel={() => setOpened(false)}
        onConfirm={onConfirm}
        busy={fetching}
      >
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {t('invite.text', { email: profile.email, language, hours: viewer.organization.invitationValidityHours })}
          {resend && ` ${t('invite.resendNote')}`}
        </Text>
        {refusal && (
          <Alert color="red" role="alert" title={t('invite.notSent')}>
            {refusal}
          </Alert>
        )}
      </ConfirmDialog>
    </>
  );
}

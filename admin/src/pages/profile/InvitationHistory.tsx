import { Table, Text } from '@mantine/core';
import type { InvitationHistory_InvitationFragment } from '../../generated/graphql.ts';
import { type Translate, useFormat, useT } from '../../i18n/i18n.tsx';

type Format = ReturnType<typeof useFormat>;

function sender(invitation: InvitationHistory_InvitationFragment, t: Translate): string {
  const by = invitation.sentBy;
  const who = !by
    ? '—'
    : by.type === 'API_KEY'
      ? t('history.apiKey', { name: by.name ?? t('history.deletedKey') })
      : by.type === 'ADMIN'
        ? (by.name ?? t('history.removedAdmin'))
        : by.type === 'INVITED_PERSON'
          ? t('history.person')
          : t('history.system');
  return invitation.bulkInvitation ? t('history.bulk', { who }) : who;
}

function stateOf(invitation: InvitationHistory_InvitationFragment, t: Translate, format: Format): string {
  if (invitation.state === 'OPEN' && invitation.expired) return t('status.expired');
  if (invitation.state === 'SUPERSEDED' && invitation.supersededAt) return t('history.replaced', { date: format.dateTime(invitation.supersededAt) });
  if (invitation.state === 'ACCEPTED' && invitation.acceptedAt) return t('history.acceptedAt', { date: format.dateTime(invitation.acceptedAt) });
  if (invitation.state === 'REVOKED' && invitation.revokedAt) return t('history.revokedAt', { date: format.dateTime(invitation.revokedAt) });
  return t(`invitationState.${invitation.state}`);
}

/** The delivery of the invitation email, and of its reminder when one went out. */
function emailOf(invitation: InvitationHistory_InvitationFragment, t: Translate, format: Format): string {
  const email = t(`delivery.${invitation.deliveryState}`);
  const reminder = invitation.reminder;
  return reminder
    ? t('history.withReminder', { email, date: format.dateTime(reminder.queuedAt), delivery: t(`delivery.${reminder.deliveryState}`).toLocaleLowerCase() })
    : email;
}

/** Every invitation of the profile, newest first: sent when, by whom, to which address, and what became of it. */
export function InvitationHistory({ invitations, totalCount }: { invitations: InvitationHistory_InvitationFragment[]; totalCount: number }) {
  const t = useT();
  const format = useFormat();
  if (invitations.length === 0) return <Text size="sm">{t('profile.neverInvited')}</Text>;
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={t('history.table')} striped verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('history.sent')}</Table.Th>
              <Table.Th>{t('history.by')}</Table.Th>
              <Table.Th>{t('history.to')}</Table.Th>
              <Table.Th>{t('history.expires')}</Table.Th>
              <Table.Th>{t('history.state')}</Table.Th>
              <Table.Th>{t('history.email')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>{format.dateTime(invitation.createdAt)}</Table.Td>
                <Table.Td>{sender(invitation, t)}</Table.Td>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{format.dateTime(invitation.expiresAt)}</Table.Td>
                <Table.Td>{stateOf(invitation, t, format)}</Table.Td>
                <Table.Td>{emailOf(invitation, t, format)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {totalCount > invitations.length && (
        <Text size="xs" mt={4}>
          {t('history.mostRecent', { shown: invitations.length, total: totalCount })}
        </Text>
      )}
    </>
  );
}

import { Table, Text } from '@mantine/core';
import type { InvitationHistory_InvitationFragment } from '@parkpass/sdk';
import { DELIVERY_LABELS, formatDateTime, INVITATION_STATE_LABELS } from '../../labels.ts';

function sender(invitation: InvitationHistory_InvitationFragment): string {
  const by = invitation.sentBy;
  const who = !by
    ? '—'
    : by.type === 'API_KEY'
      ? `API key ${by.name ?? '(deleted)'}`
      : by.type === 'ADMIN'
        ? (by.name ?? 'a removed admin')
        : by.type === 'INVITED_PERSON'
          ? 'the person'
          : 'Parkpass';
  return invitation.bulkInvitation ? `${who} (bulk)` : who;
}

function stateOf(invitation: InvitationHistory_InvitationFragment): string {
  if (invitation.state === 'OPEN' && invitation.expired) return 'Expired';
  if (invitation.state === 'SUPERSEDED' && invitation.supersededAt) return `Replaced ${formatDateTime(invitation.supersededAt)}`;
  if (invitation.state === 'ACCEPTED' && invitation.acceptedAt) return `Accepted ${formatDateTime(invitation.acceptedAt)}`;
  if (invitation.state === 'REVOKED' && invitation.revokedAt) return `Revoked ${formatDateTime(invitation.revokedAt)}`;
  return INVITATION_STATE_LABELS[invitation.state];
}

/** Every invitation of the profile, newest first: sent when, by whom, to which address, and what became of it. */
export function InvitationHistory({ invitations, totalCount }: { invitations: InvitationHistory_InvitationFragment[]; totalCount: number }) {
  if (invitations.length === 0) return <Text size="sm">Never invited: nothing has been sent to this person.</Text>;
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Invitation history" striped verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sent</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Email</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>{formatDateTime(invitation.createdAt)}</Table.Td>
                <Table.Td>{sender(invitation)}</Table.Td>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
                <Table.Td>{stateOf(invitation)}</Table.Td>
                <Table.Td>{DELIVERY_LABELS[invitation.deliveryState]}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {totalCount > invitations.length && (
        <Text size="xs" mt={4}>
          The {invitations.length} most recent of {totalCount}.
        </Text>
      )}
    </>
  );
}

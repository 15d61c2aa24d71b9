import { Badge, Group } from '@mantine/core';
import type { StatusBadge_ProfileFragment } from '@parkpass/sdk';
import { DELIVERY_LABELS, DELIVERY_PROBLEMS, STATUS_LABELS } from '../labels.ts';

const STATUS_COLORS = { NOT_INVITED: 'gray.7', PENDING: 'yellow.4', VALIDATED: 'teal.9', DEACTIVATED: 'red.9' } as const;

/**
 * The Status column: the profile's status, and at a glance what needs the
 * admin: an expired invitation (re-invite) or an email that bounced or was
 * reported as spam (change the address).
 */
export function StatusBadge({ profile }: { profile: StatusBadge_ProfileFragment }) {
  const invitation = profile.latestInvitation;
  const expired = profile.status === 'PENDING' && invitation?.expired;
  const deliveryProblem = profile.status !== 'VALIDATED' && invitation && DELIVERY_PROBLEMS.has(invitation.deliveryState);
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={STATUS_COLORS[profile.status]} autoContrast variant="filled" radius="sm" tt="none">
        {STATUS_LABELS[profile.status]}
      </Badge>
      {expired && (
        <Badge color="red.9" variant="outline" radius="sm" tt="none">
          Expired
        </Badge>
      )}
      {deliveryProblem && (
        <Badge color="red.9" variant="filled" radius="sm" tt="none">
          {DELIVERY_LABELS[invitation.deliveryState]}
        </Badge>
      )}
    </Group>
  );
}

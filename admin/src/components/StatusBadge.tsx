import { Badge, Group } from '@mantine/core';
import type { StatusBadge_ProfileFragment } from '../generated/graphql.ts';
import { useT } from '../i18n/i18n.tsx';
import { DELIVERY_PROBLEMS } from '../labels.ts';

const STATUS_COLORS = { NOT_INVITED: 'gray.7', PENDING: 'yellow.4', VALIDATED: 'teal.9', DEACTIVATED: 'red.9' } as const;

/**
 * The Status column: the profile's status, and at a glance what needs the
 * admin: an expired invitation (re-invite), an email that bounced or was
 * reported as spam (change the address), or a pending person whose
 * invitation was closed (revoked, or the email changed).
 */
export function StatusBadge({ profile }: { profile: StatusBadge_ProfileFragment }) {
  const t = useT();
  const invitation = profile.latestInvitation;
  const closed = profile.status === 'PENDING' && invitation && (invitation.state === 'REVOKED' || invitation.state === 'SUPERSEDED');
  const expired = profile.status === 'PENDING' && !closed && invitation?.expired;
  const deliveryProblem = profile.status !== 'VALIDATED' && invitation && DELIVERY_PROBLEMS.has(invitation.deliveryState);
  // The badges wrap as whole words (never "Pendi…") at any width.
  const badge = { radius: 'sm', tt: 'none', style: { overflow: 'visible' }, styles: { label: { overflow: 'visible', textOverflow: 'clip' } } } as const;
  return (
    <Group gap={4} wrap="wrap">
      <Badge color={STATUS_COLORS[profile.status]} autoContrast variant="filled" {...badge}>
        {t(`status.${profile.status}`)}
      </Badge>
      {expired && (
        <Badge color="var(--mantine-color-error)" variant="outline" {...badge}>
          {t('status.expired')}
        </Badge>
      )}
      {closed && (
        <Badge color="var(--mantine-color-error)" variant="outline" {...badge}>
          {t('status.invitationClosed')}
        </Badge>
      )}
      {deliveryProblem && (
        <Badge color="red.9" variant="filled" {...badge}>
          {t(`delivery.${invitation.deliveryState}`)}
        </Badge>
      )}
    </Group>
  );
}

import { InvitationsRevokeDocument } from '@parkpass/sdk';
import type { RefObject } from 'react';
import { useMutation } from 'urql';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { useT } from '../../i18n/i18n.tsx';
import { BulkActionDialog, type RunBulkAction } from './BulkActionDialog.tsx';
import type { InviteSelection } from './BulkInviteDialog.tsx';

interface Props {
  selection: InviteSelection;
  onClose(): void;
  onFinished(): void;
  returnFocusTo: RefObject<HTMLElement | null>;
}

/** List actions → Revoke invitations…: how many open invitations would be revoked, then revokes them all at once. */
export function BulkRevokeDialog({ selection, ...props }: Props) {
  const t = useT();
  const [, revoke] = useMutation(InvitationsRevokeDocument);
  const run: RunBulkAction = async (dryRun, idempotencyKey) => {
    const result = await revoke({ input: { ...selection, idempotencyKey }, dryRun });
    return mutationOutcome(result.data?.invitationsRevoke, result.error, 'InvitationsRevokePayload', t);
  };
  return (
    <BulkActionDialog
      {...props}
      title={t('bulkRevoke.title')}
      intro={t('bulkRevoke.intro')}
      run={run}
      previewKey=""
      changedLabel={t('bulkRevoke.willRevoke')}
      confirmLabel={(counts) => t('bulkRevoke.confirm', { count: counts.changedCount })}
      doneNotice={(counts) => t('bulkRevoke.done', { count: counts.changedCount })}
      danger
    />
  );
}

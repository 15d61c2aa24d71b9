import { ProfilesDeleteDocument } from '@parkpass/sdk';
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

/** List actions → Delete…: how many profiles would go, then deletes them with their invitations, all at once. */
export function BulkDeleteDialog({ selection, ...props }: Props) {
  const t = useT();
  const [, remove] = useMutation(ProfilesDeleteDocument);
  const run: RunBulkAction = async (dryRun, idempotencyKey) => {
    const result = await remove({ input: { ...selection, idempotencyKey }, dryRun });
    return mutationOutcome(result.data?.profilesDelete, result.error, 'ProfilesDeletePayload', t);
  };
  return (
    <BulkActionDialog
      {...props}
      title={t('bulkDelete.title')}
      intro={t('bulkDelete.intro')}
      run={run}
      previewKey=""
      changedLabel={t('bulkDelete.willDelete')}
      confirmLabel={(counts) => t('bulkDelete.confirm', { count: counts.changedCount })}
      doneNotice={(counts) => t('bulkDelete.done', { count: counts.changedCount })}
      danger
    />
  );
}

import { MultiSelect, SimpleGrid } from '@mantine/core';
import { type PaymentMethod, ProfilesUpdateAccessDocument } from '@parkpass/sdk';
import { type RefObject, useMemo, useState } from 'react';
import { useMutation } from 'urql';
import type { FilterOptions_QueryFragment } from '../../generated/graphql.ts';
import { mutationOutcome } from '../../components/mutation-result.ts';
import { useT } from '../../i18n/i18n.tsx';
import { PAYMENT_METHODS } from '../../labels.ts';
import { BulkActionDialog, type RunBulkAction } from './BulkActionDialog.tsx';
import type { InviteSelection } from './BulkInviteDialog.tsx';

interface Props {
  selection: InviteSelection;
  /** The organization's parking lots and tags (the page's filter options). */
  options: FilterOptions_QueryFragment | undefined;
  onClose(): void;
  onFinished(): void;
  returnFocusTo: RefObject<HTMLElement | null>;
}

interface Change {
  addParkingLotIds: string[];
  removeParkingLotIds: string[];
  addTagIds: string[];
  removeTagIds: string[];
  addPaymentMethods: PaymentMethod[];
  removePaymentMethods: PaymentMethod[];
}

const NO_CHANGE: Change = { addParkingLotIds: [], removeParkingLotIds: [], addTagIds: [], removeTagIds: [], addPaymentMethods: [], removePaymentMethods: [] };

/**
 * List actions → Set access and tags…: what to add and take away (what is not
 * named stays as it is); the preview follows each choice, then Apply writes it
 * to every profile of the selection at once.
 */
export function BulkAccessDialog({ selection, options, ...props }: Props) {
  const t = useT();
  const [change, setChange] = useState<Change>(NO_CHANGE);
  const [, update] = useMutation(ProfilesUpdateAccessDocument);
  const lots = useMemo(() => options?.parkingLots.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [], [options]);
  const tags = useMemo(() => options?.tags.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [], [options]);
  const payments = useMemo(() => PAYMENT_METHODS.map((method) => ({ value: method, label: t(`payment.${method}`) })), [t]);
  const empty = Object.values(change).every((list) => list.length === 0);

  const run: RunBulkAction = async (dryRun, idempotencyKey) => {
    const result = await update({ input: { ...selection, ...change, idempotencyKey }, dryRun });
    return mutationOutcome(result.data?.profilesUpdateAccess, result.error, 'ProfilesUpdateAccessPayload', t);
  };
  // An item chosen on one side is not offered on the other. Memoized: a new data array on each render makes the
  // select recompute its options, and the dialog would never settle.
  const offered = useMemo(() => {
    const without = <T extends { value: string }>(items: T[], taken: readonly string[]) => items.filter((item) => !taken.includes(item.value));
    return {
      addLots: without(lots, change.removeParkingLotIds),
      removeLots: without(lots, change.addParkingLotIds),
      addTags: without(tags, change.removeTagIds),
      removeTags: without(tags, change.addTagIds),
      addPayments: without(payments, change.removePaymentMethods),
      removePayments: without(payments, change.addPaymentMethods),
    };
  }, [lots, tags, payments, change]);
  const pick = (field: keyof Change) => (value: string[]) => setChange((current) => ({ ...current, [field]: value }));

  return (
    <BulkActionDialog
      {...props}
      title={t('bulkAccess.title')}
      intro={t('bulkAccess.intro')}
      run={run}
      previewKey={empty ? null : JSON.stringify(change)}
      changedLabel={t('bulkAccess.willChange')}
      unchangedLabel={t('bulkAccess.unchanged')}
      confirmLabel={(counts) => t('bulkAccess.confirm', { count: counts.changedCount })}
      doneNotice={(counts) => t('bulkAccess.done', { count: counts.changedCount })}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <MultiSelect
          label={t('bulkAccess.addLots')}
          data={offered.addLots}
          value={change.addParkingLotIds}
          onChange={pick('addParkingLotIds')}
          searchable
          clearable
        />
        <MultiSelect
          label={t('bulkAccess.removeLots')}
          data={offered.removeLots}
          value={change.removeParkingLotIds}
          onChange={pick('removeParkingLotIds')}
          searchable
          clearable
        />
        <MultiSelect label={t('bulkAccess.addTags')} data={offered.addTags} value={change.addTagIds} onChange={pick('addTagIds')} searchable clearable />
        <MultiSelect
          label={t('bulkAccess.removeTags')}
          data={offered.removeTags}
          value={change.removeTagIds}
          onChange={pick('removeTagIds')}
          searchable
          clearable
        />
        <MultiSelect
          label={t('bulkAccess.addPayments')}
          data={offered.addPayments}
          value={change.addPaymentMethods}
          onChange={pick('addPaymentMethods')}
          clearable
        />
        <MultiSelect
          label={t('bulkAccess.removePayments')}
          data={offered.removePayments}
          value={change.removePaymentMethods}
          onChange={pick('removePaymentMethods')}
          clearable
        />
      </SimpleGrid>
    </BulkActionDialog>
  );
}

import { Alert, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { BulkSkipReason } from '@parkpass/sdk';
import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import type { Outcome } from '../../components/mutation-result.ts';
import { Loading } from '../../components/states.tsx';
import { useFormat, useT } from '../../i18n/i18n.tsx';

/** What a bulk action answers (BulkActionFields), a dry run's or the write's. */
export interface BulkCounts {
  total: number;
  changedCount: number;
  unchangedCount: number;
  skippedCount: number;
  skipped: readonly { reason: BulkSkipReason; count: number }[];
}

/** Runs the action: a dry run (the preview) or the write, with the dialog's idempotency key. */
export type RunBulkAction = (dryRun: boolean, idempotencyKey: string) => Promise<Outcome<BulkCounts>>;

interface Props {
  title: string;
  /** What the action does, above the counts. */
  intro: ReactNode;
  /** The form of the change (set access and tags), above the preview. */
  children?: ReactNode;
  run: RunBulkAction;
  /** The preview runs again whenever this changes; null: nothing to preview yet (the form is empty). */
  previewKey: string | null;
  /** The label of the "changed" row of the counts. */
  changedLabel: string;
  /** The label of the "already as asked" row, for actions that can leave a profile as it was. */
  unchangedLabel?: string;
  confirmLabel(counts: BulkCounts): string;
  doneNotice(counts: BulkCounts): string;
  danger?: boolean;
  onClose(): void;
  /** Applied: the table, counts and selection follow. */
  onFinished(): void;
  returnFocusTo: RefObject<HTMLElement | null>;
}

/**
 * The Confirm step of a bulk action beyond inviting: the server's dry run
 * (the same transaction as the write, rolled back) says how many profiles
 * would change and how many are skipped and why; Confirm applies it, all or
 * nothing. The idempotency key is made once per dialog, so a double click or
 * a retry never applies twice.
 */
export function BulkActionDialog(props: Props) {
  const t = useT();
  const format = useFormat();
  const { run, previewKey } = props;
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [preview, setPreview] = useState<{ key: string; outcome: Outcome<BulkCounts> } | null>(null);
  const [applying, setApplying] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    if (previewKey === null) return;
    let current = true;
    setFailure(null);
    void runRef.current(true, idempotencyKey).then((outcome) => {
      if (current) setPreview({ key: previewKey, outcome });
    });
    return () => {
      current = false;
    };
  }, [previewKey, idempotencyKey]);

  const shown = preview && preview.key === previewKey ? preview.outcome : null;
  const counts = shown?.ok ?? null;

  async function onConfirm() {
    setFailure(null);
    setApplying(true);
    const outcome = await run(false, idempotencyKey);
    setApplying(false);
    if (!outcome.ok) {
      setFailure(outcome.message);
      return;
    }
    notifications.show({ color: 'teal', autoClose: 10_000, message: props.doneNotice(outcome.ok) });
    props.onFinished();
    props.onClose();
  }

  return (
    <ConfirmDialog
      opened
      title={props.title}
      onCancel={props.onClose}
      onConfirm={onConfirm}
      confirmLabel={counts ? props.confirmLabel(counts) : undefined}
      busy={applying}
      danger={props.danger}
      confirmDisabled={!counts || counts.changedCount === 0}
      size="lg"
      returnFocusTo={props.returnFocusTo}
      failure={failure}
    >
      <Text>{props.intro}</Text>
      {props.children}
      {previewKey === null ? null : shown && !shown.ok ? (
        <Alert color="red" role="alert" title={t('bulkAction.previewFailed')}>
          {shown.message}
        </Alert>
      ) : !counts ? (
        <Loading label={t('bulkAction.counting')} />
      ) : (
        <>
          <Table aria-label={t('bulkAction.whatItDoes')} withRowBorders={false} verticalSpacing={4}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">{t('bulkAction.selected')}</Table.Th>
                <Table.Td ta="right">{format.count(counts.total)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{props.changedLabel}</Table.Th>
                <Table.Td ta="right">{format.count(counts.changedCount)}</Table.Td>
              </Table.Tr>
              {props.unchangedLabel && (
                <Table.Tr>
                  <Table.Th scope="row">{props.unchangedLabel}</Table.Th>
                  <Table.Td ta="right">{format.count(counts.unchangedCount)}</Table.Td>
                </Table.Tr>
              )}
              <Table.Tr>
                <Table.Th scope="row">{t('bulkAction.skipped')}</Table.Th>
                <Table.Td ta="right">{format.count(counts.skippedCount)}</Table.Td>
              </Table.Tr>
              {counts.skipped.map((skip) => (
                <Table.Tr key={skip.reason}>
                  <Table.Td pl="lg">{t('bulkAction.skippedReason', { reason: t(`bulkAction.skip.${skip.reason}`) })}</Table.Td>
                  <Table.Td ta="right">{format.count(skip.count)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {counts.changedCount === 0 ? <Alert color="yellow">{t('bulkAction.nothing')}</Alert> : <Text size="sm">{t('bulkAction.allOrNothing')}</Text>}
        </>
      )}
    </ConfirmDialog>
  );
}

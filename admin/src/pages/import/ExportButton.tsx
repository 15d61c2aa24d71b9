import type { ProfileFilter, ProfileOrder } from '@parkpass/sdk';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useClient } from 'urql';
import { useFormat, useLocale, useT } from '../../i18n/i18n.tsx';
import { download, type ExportSource, exportProfiles } from './csv-export.ts';

/** Runs an export and reports it in a notice; `busy` while it runs. */
export function useExport() {
  const t = useT();
  const format = useFormat();
  const { locale } = useLocale();
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const run = async (source: ExportSource) => {
    setBusy(true);
    const id = notifications.show({ message: t('export.running', { count: '…' }), loading: true, autoClose: false });
    try {
      const { blob, rows } = await exportProfiles(client, source, t, locale, (n) =>
        notifications.update({ id, message: t('export.running', { count: format.count(n) }), loading: true, autoClose: false }),
      );
      const file = `${t('export.filename')}-${new Date().toISOString().slice(0, 10)}.csv`;
      download(blob, file);
      notifications.update({ id, message: t('export.done', { count: rows, file }), loading: false, autoClose: 6_000 });
    } catch (error) {
      notifications.update({ id, color: 'red', message: t('export.failed', { message: (error as Error).message }), loading: false, autoClose: false });
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

/** "Export CSV" on the Profiles page: every profile of the current search and order. */
export function ExportButton({ filter, orderBy }: { filter: ProfileFilter; orderBy: ProfileOrder }) {
  const t = useT();
  const { busy, run } = useExport();
  return (
    <Button variant="default" loading={busy} onClick={() => void run({ filter, orderBy })}>
      {t('export.open')}
    </Button>
  );
}

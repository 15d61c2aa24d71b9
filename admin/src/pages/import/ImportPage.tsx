import { Alert, Anchor, Button, FileInput, Group, Progress, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title, useMatches } from '@mantine/core';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useClient, useQuery } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { AdminFilterOptionsDocument } from '../../generated/graphql.ts';
import { type Translate, useFormat, useT } from '../../i18n/i18n.tsx';
import { usePermission } from '../../permissions.tsx';
import { BulkInviteDialog } from '../profiles/BulkInviteDialog.tsx';
import { type ColumnMapping, guessMapping, IMPORT_FIELDS, type ImportField, MAX_FILE_BYTES, MAX_ROWS, type ParsedFile } from './csv-rules.ts';
import { type BatchRunState, BatchFailed, countOutcomes, type PreparedImport, prepareImport, type RowResult, runImport } from './import-run.ts';

type Parsed = Extract<ParsedFile, { ok: true }> & { name: string };
type Stage =
  | { kind: 'idle' }
  | { kind: 'running'; dryRun: boolean; done: number; total: number }
  | { kind: 'preview'; rows: RowResult[]; prepared: PreparedImport }
  | { kind: 'applied'; rows: RowResult[] }
  | { kind: 'failed'; dryRun: boolean; error: BatchFailed; prepared: PreparedImport };

const SHOWN_ROWS = 200;
const REQUIRED: ImportField[] = ['firstName', 'lastName', 'email'];

/** Reads a file in a Web Worker (papaparse): the page never waits on a large or binary file. */
function parseInWorker(file: File): Promise<ParsedFile> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./csv-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ParsedFile>) => {
      resolve(event.data);
      worker.terminate();
    };
    worker.onerror = () => {
      resolve({ ok: false, reason: 'unreadable' });
      worker.terminate();
    };
    worker.postMessage(file);
  });
}

export function reasonText(row: RowResult, t: Translate): string {
  const reason = row.reason;
  if (!reason) return '';
  const fieldName = (field: string | null) =>
    field && (IMPORT_FIELDS as readonly string[]).includes(field) ? t(`import.field.${field as ImportField}`) : (field ?? '');
  switch (reason.kind) {
    case 'formula':
      return t('import.reason.formula', { column: reason.column });
    case 'missing':
      return t('import.reason.missing', { field: fieldName(reason.field) });
    case 'unknownLot':
      return t('import.reason.unknownLot', { name: reason.name });
    case 'unknownTag':
      return t('import.reason.unknownTag', { name: reason.name });
    case 'duplicate':
      return t('import.reason.duplicate', { field: fieldName(reason.field), line: reason.line });
    case 'server': {
      const known = [
        'INVALID_EMAIL',
        'EMAIL_ALREADY_USED',
        'EXTERNAL_ID_ALREADY_USED',
        'DUPLICATE_IN_BATCH',
        'UNKNOWN_PARKING_LOT',
        'UNKNOWN_TAG',
        'INVALID_INPUT',
      ] as const;
      const code = known.find((c) => c === reason.code);
      return code ? t(`import.reason.${code}`, { field: fieldName(reason.field) }) : reason.message;
    }
  }
}

/** Profiles → Import CSV: file, columns, a dry run on the server, then the same upsert for real. */
export function ImportPage() {
  const t = useT();
  const format = useFormat();
  const client = useClient();
  const edit = usePermission('EDIT_PROFILES');
  const inviteBulk = usePermission('INVITE_BULK');
  const [options] = useQuery({ query: AdminFilterOptionsDocument, requestPolicy: 'cache-first' });
  const [reading, setReading] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [show, setShow] = useState<'all' | 'invalid' | 'changes'>('all');
  const narrow = useMatches({ base: true, sm: false });
  const [confirming, setConfirming] = useState(false);
  const [inviting, setInviting] = useState(false);
  const applyButton = useRef<HTMLButtonElement>(null);
  const inviteButton = useRef<HTMLButtonElement>(null);

  const size = (bytes: number) => t('import.megabytes', { size: format.count(Math.round(bytes / 104_857.6) / 10) });

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setParsed(null);
    setMapping(null);
    setRefusal(null);
    setStage({ kind: 'idle' });
    if (!chosen) return;
    setReading(true);
    const answer = await parseInWorker(chosen);
    setReading(false);
    if (!answer.ok) {
      setRefusal(
        t(`import.refused.${answer.reason}`, { size: size(chosen.size), max: answer.reason === 'tooManyRows' ? format.count(MAX_ROWS) : size(MAX_FILE_BYTES) }),
      );
      return;
    }
    setParsed({ ...answer, name: chosen.name });
    setMapping(guessMapping(answer.headers));
  };

  const lookups = useMemo(() => {
    const byName = (edges: { node: { id: string; name: string } }[] | undefined) => new Map((edges ?? []).map((e) => [e.node.name.toLowerCase(), e.node.id]));
    return { lots: byName(options.data?.parkingLots.edges), tags: byName(options.data?.tags.edges) };
  }, [options.data]);

  const mappingComplete = mapping !== null && REQUIRED.every((field) => mapping[field] !== null);
  const running = stage.kind === 'running';

  const run = async (dryRun: boolean, prepared: PreparedImport, from?: BatchRunState, runId: string = crypto.randomUUID()) => {
    setStage({ kind: 'running', dryRun, done: 0, total: prepared.inputs.length });
    try {
      const rows = await runImport({
        client,
        prepared,
        dryRun,
        runId: `import.${runId}`,
        from,
        onProgress: (done, total) => setStage({ kind: 'running', dryRun, done, total }),
      });
      setShow(dryRun ? 'all' : 'changes');
      setStage(dryRun ? { kind: 'preview', rows, prepared } : { kind: 'applied', rows });
    } catch (error) {
      if (!(error instanceof BatchFailed)) throw error;
      lastRunId.current = runId;
      setStage({ kind: 'failed', dryRun, error, prepared });
    }
  };
  const lastRunId = useRef('');

  const preview = () => {
    if (!parsed || !mapping) return;
    void run(true, prepareImport(parsed.headers, parsed.rows, mapping, lookups.lots, lookups.tags));
  };

  const rows = stage.kind === 'preview' || stage.kind === 'applied' ? stage.rows : null;
  const counts = rows ? countOutcomes(rows) : null;
  const shown = rows
    ? rows.filter((row) => show === 'all' || (show === 'invalid' ? row.outcome === 'INVALID' : row.outcome === 'CREATED' || row.outcome === 'UPDATED'))
    : [];
  const toWrite = counts ? counts.CREATED + counts.UPDATED : 0;
  const createdIds = stage.kind === 'applied' ? stage.rows.filter((row) => row.outcome === 'CREATED' && row.profileId).map((row) => row.profileId!) : [];

  return (
    <Stack gap="md" maw={1100}>
      <Anchor component={Link} to="/profiles" size="sm">
        {t('import.back')}
      </Anchor>
      <Title order={1}>{t('import.title')}</Title>
      <Text size="sm">{t('import.intro')}</Text>
      {!edit.allowed && <Alert color="yellow">{edit.reason}</Alert>}

      <FileInput
        label={t('import.file')}
        description={t('import.fileHint', { rows: format.count(MAX_ROWS), size: size(MAX_FILE_BYTES) })}
        accept=".csv,text/csv,text/plain"
        value={file}
        onChange={(chosen) => void choose(chosen)}
        clearable
        clearButtonProps={{ 'aria-label': t('import.cancel') }}
        disabled={running || !edit.allowed}
        maw={520}
      />
      {reading && (
        <Text size="sm" role="status">
          {t('import.reading')}
        </Text>
      )}
      {refusal && (
        <Alert color="red" role="alert" variant="light">
          {refusal}
        </Alert>
      )}

      {parsed && mapping && (
        <Stack gap="xs">
          <Text size="sm" role="status">
            {t('import.fileSummary', { name: parsed.name, count: parsed.rows.length, separator: parsed.separator === '\t' ? 'tab' : parsed.separator })}
          </Text>
          <Title order={2} size="h3">
            {t('import.mapping')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('import.mappingHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
            {IMPORT_FIELDS.map((field) => (
              <Select
                key={field}
                label={t(`import.field.${field}`)}
                required={REQUIRED.includes(field)}
                data={[
                  { value: '', label: t('import.notInFile') },
                  ...parsed.headers.map((header, index) => ({ value: String(index), label: header || `#${index + 1}` })),
                ]}
                value={mapping[field] === null ? '' : String(mapping[field])}
                onChange={(value) => {
                  setMapping({ ...mapping, [field]: value ? Number(value) : null });
                  setStage({ kind: 'idle' });
                }}
                allowDeselect={false}
                disabled={running}
              />
            ))}
          </SimpleGrid>
          {mapping.externalId === null && (
            <Text size="sm" c="dimmed">
              {t('import.noExternalId')}
            </Text>
          )}
          {!mappingComplete && (
            <Text size="sm" c="var(--mantine-color-error)" role="alert">
              {t('import.mappingMissing')}
            </Text>
          )}
          <Group>
            <Button onClick={preview} disabled={!mappingComplete || running || !edit.allowed || !options.data} loading={running && stage.dryRun}>
              {t('import.dryRun')}
            </Button>
          </Group>
        </Stack>
      )}

      {stage.kind === 'running' && (
        <Stack gap={4} role="status" aria-live="polite">
          <Text size="sm">
            {t(stage.dryRun ? 'import.previewing' : 'import.applying', { done: format.count(stage.done), total: format.count(stage.total) })}
          </Text>
          <Progress value={stage.total ? (100 * stage.done) / stage.total : 100} aria-hidden />
        </Stack>
      )}

      {stage.kind === 'failed' && (
        <Alert color="red" role="alert" variant="light">
          <Stack gap="xs">
            <Text size="sm">{t('import.failed', { batch: stage.error.batch + 1, code: stage.error.code ?? 'none' })}</Text>
            <Group>
              <Button size="compact-sm" onClick={() => void run(stage.dryRun, stage.prepared, stage.error.state, lastRunId.current)}>
                {t('import.resume')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}

      {rows && counts && (
        <Stack gap="sm">
          <Title order={2} size="h3">
            {stage.kind === 'preview' ? t('import.preview') : t('import.result')}
          </Title>
          <Text size="sm" role="status" data-testid="import-counts">
            {t(stage.kind === 'preview' ? 'import.counts' : 'import.resultCounts', {
              created: counts.CREATED,
              updated: counts.UPDATED,
              unchanged: counts.UNCHANGED,
              invalid: counts.INVALID,
            })}
          </Text>
          <Group gap="sm" wrap="wrap">
            {stage.kind === 'preview' &&
              (toWrite > 0 ? (
                <Button ref={applyButton} onClick={() => setConfirming(true)}>
                  {t('import.apply', { count: toWrite })}
                </Button>
              ) : (
                <Text size="sm">{t('import.nothingToApply')}</Text>
              ))}
            {stage.kind === 'applied' && createdIds.length > 0 && inviteBulk.allowed && (
              <Button ref={inviteButton} onClick={() => setInviting(true)}>
                {t('import.inviteNew', { count: createdIds.length })}
              </Button>
            )}
            {stage.kind === 'applied' && (
              <Button variant="default" onClick={() => void choose(null)}>
                {t('import.again')}
              </Button>
            )}
          </Group>
          {/* Its three choices do not fit side by side on a phone (in French above all): stacked there. */}
          <SegmentedControl
            orientation={narrow ? 'vertical' : 'horizontal'}
            fullWidth={narrow}
            aria-label={t('import.show')}
            value={show}
            onChange={(value) => setShow(value as typeof show)}
            data={[
              { value: 'all', label: t('import.showAll') },
              { value: 'changes', label: t('import.showChanges') },
              { value: 'invalid', label: t('import.showInvalid') },
            ]}
          />
          {/* Scrolls sideways on a phone: a region the keyboard can scroll too. */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard (axe: scrollable-region-focusable). */}
          <section className="import-rows" aria-label={t('import.rows')} tabIndex={0}>
            <Table striped miw={560} aria-label={t('import.rows')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('import.line')}</Table.Th>
                  <Table.Th>{t('import.person')}</Table.Th>
                  <Table.Th>{t('import.outcome')}</Table.Th>
                  <Table.Th>{t('import.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.slice(0, SHOWN_ROWS).map((row) => (
                  <Table.Tr key={row.line}>
                    <Table.Td>{row.line}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{row.name}</Text>
                      <Text size="xs" c="dimmed">
                        {row.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text
                        size="sm"
                        fw={600}
                        c={
                          { CREATED: undefined, UPDATED: 'var(--parkpass-color-info)', UNCHANGED: 'dimmed', INVALID: 'var(--mantine-color-error)' }[row.outcome]
                        }
                      >
                        {stage.kind === 'applied' && (row.outcome === 'CREATED' || row.outcome === 'UPDATED')
                          ? t(`import.done.${row.outcome}`)
                          : t(`import.outcome.${row.outcome}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{reasonText(row, t)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </section>
          {shown.length > SHOWN_ROWS && <Text size="sm">{t('import.moreRows', { count: shown.length - SHOWN_ROWS })}</Text>}
        </Stack>
      )}

      {stage.kind === 'preview' && counts && (
        <ConfirmDialog
          opened={confirming}
          title={t('import.applyTitle')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run(false, stage.prepared);
          }}
          confirmLabel={t('import.apply', { count: toWrite })}
          returnFocusTo={applyButton}
        >
          <Text size="sm">{t('import.applyBody', { created: counts.CREATED, updated: counts.UPDATED })}</Text>
        </ConfirmDialog>
      )}
      {inviting && (
        <BulkInviteDialog selection={{ profileIds: createdIds }} onClose={() => setInviting(false)} onFinished={() => undefined} returnFocusTo={inviteButton} />
      )}
    </Stack>
  );
}

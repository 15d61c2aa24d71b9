import type { ProfileFilter, ProfileOrder } from '@parkpass/sdk';
import type { Client, OperationResult } from 'urql';
import { AdminExportNodesDocument, AdminExportPageDocument, type ExportRow_ProfileFragment } from '../../generated/graphql.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { csvCell } from './csv-rules.ts';

// A CSV export of the current search (every match, page after page by keyset
// cursor, 200 at a time, over the same API, session and rate limit as the
// list) or of the ticked rows. Headers and statuses in the admin's language;
// French files are separated by ";" (as French Excel expects), English ones by
// ","; UTF-8 with a BOM so that Excel reads accents. Cells a spreadsheet would
// run as formulas are neutralised (csvCell).

const COLUMNS = ['externalId', 'firstName', 'lastName', 'email', 'phone', 'status', 'parkingLots', 'tags', 'paymentMethods', 'createdAt'] as const;
/** Waits after a RATE_LIMITED answer before asking again, at most this many times a page. */
const RATE_LIMIT_WAIT_MS = 15_000;
const RATE_LIMIT_RETRIES = 8;

export type ExportSource = { filter: ProfileFilter; orderBy: ProfileOrder } | { profileIds: string[] };

export function csvLines(rows: readonly ExportRow_ProfileFragment[], t: Translate, separator: string): string {
  return rows
    .map((row) =>
      [
        row.externalId ?? '',
        row.firstName,
        row.lastName,
        row.email,
        row.phone ?? '',
        t(`status.${row.status}`),
        row.parkingLots.map((lot) => lot.name).join(' | '),
        row.tags.map((tag) => tag.name).join(' | '),
        row.paymentMethods.map((method) => t(`payment.${method}`)).join(' | '),
        String(row.createdAt).slice(0, 10),
      ]
        .map((value) => csvCell(value, separator))
        .join(separator),
    )
    .map((line) => `${line}\r\n`)
    .join('');
}

async function withRateLimit<T extends OperationResult>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await request();
    const limited = answer.error?.graphQLErrors.some((e) => e.extensions?.code === 'RATE_LIMITED');
    if (!limited || attempt >= RATE_LIMIT_RETRIES) return answer;
    await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_WAIT_MS));
  }
}

/** Builds the file, page by page; onProgress counts the rows so far. Throws the API's message when a page fails. */
export async function exportProfiles(
  client: Client,
  source: ExportSource,
  t: Translate,
  locale: 'en' | 'fr',
  onProgress: (rows: number) => void,
): Promise<{ blob: Blob; rows: number }> {
  const separator = locale === 'fr' ? ';' : ',';
  const parts: string[] = ['\uFEFF', `${COLUMNS.map((column) => csvCell(t(`export.column.${column}`), separator)).join(separator)}\r\n`];
  let count = 0;
  const fail = (answer: OperationResult) => {
    throw new Error(answer.error?.networkError ? t('state.unreachable') : (answer.error?.graphQLErrors.map((e) => e.message).join(' ') ?? 'error'));
  };
  if ('profileIds' in source) {
    for (let start = 0; start < source.profileIds.length; start += 100) {
      const ids = source.profileIds.slice(start, start + 100);
      const answer = await withRateLimit(() => client.query(AdminExportNodesDocument, { ids }, { requestPolicy: 'network-only' }).toPromise());
      if (!answer.data) fail(answer);
      const rows = answer.data!.nodes.filter((node): node is ExportRow_ProfileFragment => node?.__typename === 'Profile');
      parts.push(csvLines(rows, t, separator));
      count += rows.length;
      onProgress(count);
    }
  } else {
    let after: string | null = null;
    do {
      const variables: { filter: ProfileFilter; orderBy: ProfileOrder; after: string | null } = { filter: source.filter, orderBy: source.orderBy, after };
      const answer = await withRateLimit(() => client.query(AdminExportPageDocument, variables, { requestPolicy: 'network-only' }).toPromise());
      if (!answer.data) fail(answer);
      const page = answer.data!.profiles;
      parts.push(
        csvLines(
          page.edges.map((edge) => edge.node),
          t,
          separator,
        ),
      );
      count += page.edges.length;
      onProgress(count);
      after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
    } while (after);
  }
  return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), rows: count };
}

/** Hands the file to the browser as a download. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

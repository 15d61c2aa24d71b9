import type { Client } from 'urql';
import { AdminImportBatchDocument, type ProfileUpsertInput } from '../../generated/graphql.ts';
import { BATCH_SIZE, type ColumnMapping, isFormula, listCell } from './csv-rules.ts';

// From the file's rows to profilesUpsert batches, and back to one answer per row.

/** Why a row was refused before it was sent (the server's reasons come as error codes). */
export type LocalReason =
  | { kind: 'formula'; column: string }
  | { kind: 'missing'; field: 'firstName' | 'lastName' | 'email' }
  | { kind: 'unknownLot'; name: string }
  | { kind: 'unknownTag'; name: string }
  | { kind: 'duplicate'; field: 'externalId' | 'email'; line: number };

export type RowOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'INVALID';

export interface RowResult {
  /** The row's line in the file (the header is line 1). */
  line: number;
  name: string;
  email: string;
  outcome: RowOutcome;
  /** A refusal found here, or the server's error code (and the field its path names). */
  reason: LocalReason | { kind: 'server'; code: string; field: string | null; message: string } | null;
  /** The profile's global id, once written. */
  profileId: string | null;
}

export interface PreparedImport {
  /** One per data row of the file. */
  rows: RowResult[];
  /** What is sent, each with the position of its row in `rows`. */
  inputs: { row: number; input: ProfileUpsertInput }[];
}

/**
 * Turns the file's rows into upsert inputs. Refused here, and never sent: a
 * cell that is a formula, a missing name or email, a lot or tag name the
 * organization does not have, and a row repeating an earlier row's externalId
 * or email anywhere in the file (the API finds those within one batch; a file
 * is sent in several). Without an externalId column, the email (lower-cased) is the match key.
 */
export function prepareImport(
  headers: readonly string[],
  rows: readonly string[][],
  mapping: ColumnMapping,
  lots: ReadonlyMap<string, string>,
  tags: ReadonlyMap<string, string>,
): PreparedImport {
  const results: RowResult[] = [];
  const inputs: PreparedImport['inputs'] = [];
  const seen = { externalId: new Map<string, number>(), email: new Map<string, number>() };
  rows.forEach((cells, index) => {
    const line = index + 2;
    const cell = (column: number | null) => (column === null ? '' : (cells[column] ?? '').trim());
    const result: RowResult = {
      line,
      name: `${cell(mapping.firstName)} ${cell(mapping.lastName)}`.trim(),
      email: cell(mapping.email),
      outcome: 'INVALID',
      reason: null,
      profileId: null,
    };
    results.push(result);
    const read = readRow(cells, headers, mapping, lots, tags);
    if ('kind' in read) {
      result.reason = read;
      return;
    }
    const emailKey = read.email.toLowerCase();
    const earlier = seen.externalId.get(read.externalId) ?? seen.email.get(emailKey);
    if (earlier !== undefined) {
      result.reason = { kind: 'duplicate', field: seen.externalId.has(read.externalId) ? 'externalId' : 'email', line: earlier };
      return;
    }
    seen.externalId.set(read.externalId, line);
    seen.email.set(emailKey, line);
    result.outcome = 'UNCHANGED'; // until the server answers
    inputs.push({ row: index, input: read });
  });
  return { rows: results, inputs };
}

/** One row's upsert input, or why it cannot be sent. */
function readRow(
  cells: readonly string[],
  headers: readonly string[],
  mapping: ColumnMapping,
  lots: ReadonlyMap<string, string>,
  tags: ReadonlyMap<string, string>,
): ProfileUpsertInput | LocalReason {
  const cell = (column: number | null) => (column === null ? '' : (cells[column] ?? '').trim());
  const formula = Object.values(mapping).find((column) => column !== null && isFormula(cells[column] ?? ''));
  if (formula != null) return { kind: 'formula', column: headers[formula] ?? String(formula + 1) };
  const firstName = cell(mapping.firstName);
  const lastName = cell(mapping.lastName);
  const email = cell(mapping.email);
  if (!firstName) return { kind: 'missing', field: 'firstName' };
  if (!lastName) return { kind: 'missing', field: 'lastName' };
  if (!email) return { kind: 'missing', field: 'email' };
  const externalId = mapping.externalId === null ? email.toLowerCase() : cell(mapping.externalId);
  const input: ProfileUpsertInput = { externalId, firstName, lastName, email };
  const phone = cell(mapping.phone);
  if (phone) input.phone = phone;
  const lotNames = listCell(cell(mapping.parkingLots));
  if (lotNames.length) {
    const unknown = lotNames.find((name) => !lots.has(name.toLowerCase()));
    if (unknown) return { kind: 'unknownLot', name: unknown };
    input.parkingLotIds = lotNames.map((name) => lots.get(name.toLowerCase())!);
  }
  const tagNames = listCell(cell(mapping.tags));
  if (tagNames.length) {
    const unknown = tagNames.find((name) => !tags.has(name.toLowerCase()));
    if (unknown) return { kind: 'unknownTag', name: unknown };
    input.tagIds = tagNames.map((name) => tags.get(name.toLowerCase())!);
  }
  return input;
}

export interface BatchRunState {
  /** The next batch to send: where a resumed run starts again. */
  nextBatch: number;
  rows: RowResult[];
}

/** A batch could not be sent (the connection was lost, the server refused it): the run can resume from it. */
export class BatchFailed extends Error {
  constructor(
    readonly batch: number,
    readonly state: BatchRunState,
    readonly code: string | null,
  ) {
    super(`Batch ${batch + 1} failed${code ? ` (${code})` : ''}.`);
  }
}

const RETRIES = 4;

/**
 * Batches of a dry run sent at once. They are independent (duplicates across
 * the file are refused here, before anything is sent) and each is its own
 * transaction, rolled back: two at a time keep the server's process and the
 * database busy together. A write sends one at a time.
 */
export const DRY_RUN_IN_FLIGHT = 2;

/**
 * How a run cuts its rows: into batches of at most BATCH_SIZE, as many as a
 * multiple of the batches in flight (fewer rows than that: one each), of equal sizes, so that the lanes end
 * together (9,997 rows in a dry run: 6 batches of 1,667, 3 per lane, rather
 * than 5 of 2,000 that leave one lane with 3 of them). A resumed run cuts the
 * same rows the same way.
 */
export function importBatches(rows: number, dryRun: boolean): { count: number; size: number } {
  const lanes = dryRun ? DRY_RUN_IN_FLIGHT : 1;
  const count = Math.min(rows, lanes * Math.ceil(rows / (BATCH_SIZE * lanes)));
  return { count, size: count ? Math.ceil(rows / count) : BATCH_SIZE };
}

/**
 * Sends the prepared rows in the batches of importBatches, a dry run (DRY_RUN_IN_FLIGHT
 * at a time) or the write (one at a time). Each batch of a write names its call
 * (x-parkpass-call-id: the run's id and the batch's number): sent again after a
 * lost answer, it is answered as its first attempt was, so a resumed import
 * reports what it did, and writes nothing twice. A run that fails resumes from
 * its first batch without an answer (a later one answered is sent again: a dry
 * run writes nothing, and a write's named call is answered as it was).
 */
export async function runImport(options: {
  client: Client;
  /** A session token, for a caller outside the browser (the benchmark); the admin UI's requests carry the session cookie. */
  token?: string | null;
  prepared: PreparedImport;
  dryRun: boolean;
  runId: string;
  from?: BatchRunState;
  onProgress(done: number, total: number): void;
  signal?: AbortSignal;
}): Promise<RowResult[]> {
  const { client, prepared, dryRun, runId } = options;
  const state: BatchRunState = options.from ?? { nextBatch: 0, rows: prepared.rows.map((row) => ({ ...row })) };
  const { count: batches, size } = importBatches(prepared.inputs.length, dryRun);
  const answered = new Set<number>();
  let next = state.nextBatch;
  let failure: BatchFailed | null = null;
  options.onProgress(Math.min(state.nextBatch * size, prepared.inputs.length), prepared.inputs.length);

  const sendBatch = async (batch: number): Promise<void> => {
    const slice = prepared.inputs.slice(batch * size, (batch + 1) * size);
    // The session cookie goes with the request; the CSRF header is what a cookie-authenticated request must carry.
    const headers: Record<string, string> = { 'x-graphql-yoga-csrf': '1', 'x-parkpass-call-id': `${runId}.${batch}` };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let answer: Awaited<ReturnType<typeof send>> | null = null;
    const send = () =>
      client
        .mutation(
          AdminImportBatchDocument,
          { input: { profiles: slice.map((item) => item.input) }, dryRun },
          { fetchOptions: { headers }, requestPolicy: 'network-only' },
        )
        .toPromise();
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      answer = await send();
      if (!answer.error?.networkError) break;
      if (attempt < RETRIES) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
    const payload = answer?.data?.profilesUpsert;
    if (payload?.__typename !== 'ProfilesUpsertPayload') {
      const code = payload && 'code' in payload ? payload.code : ((answer?.error?.graphQLErrors[0]?.extensions?.code as string | undefined) ?? null);
      throw new BatchFailed(batch, state, code);
    }
    for (const result of payload.results) {
      const row = state.rows[slice[result.index]!.row]!;
      row.profileId = result.profileId ?? null;
      if (result.outcome === 'FAILED') {
        row.outcome = 'INVALID';
        const error = result.error;
        const path = error && 'path' in error ? (error.path ?? []) : [];
        row.reason = {
          kind: 'server',
          code: error && 'code' in error ? error.code : 'INVALID_INPUT',
          field: path[3] ?? null,
          message: error && 'message' in error ? error.message : '',
        };
      } else {
        row.outcome = result.outcome;
        row.reason = null;
      }
    }
    answered.add(batch);
    while (answered.has(state.nextBatch)) state.nextBatch++;
    options.onProgress(Math.min(state.nextBatch * size, prepared.inputs.length), prepared.inputs.length);
  };

  // Each lane takes the next batch until none is left or one has failed; a failure lets the others' batches finish.
  const lane = async () => {
    while (!failure && next < batches) {
      const batch = next++;
      if (options.signal?.aborted) {
        failure ??= new BatchFailed(batch, state, null);
        return;
      }
      try {
        await sendBatch(batch);
      } catch (error) {
        if (!(error instanceof BatchFailed)) throw error;
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: dryRun ? DRY_RUN_IN_FLIGHT : 1 }, lane));
  // Resumed from the first batch without an answer (the one that failed, or an earlier one).
  if (failure) throw new BatchFailed(state.nextBatch, state, (failure as BatchFailed).code);
  options.onProgress(prepared.inputs.length, prepared.inputs.length);
  return state.rows;
}

export function countOutcomes(rows: readonly RowResult[]): Record<RowOutcome, number> {
  const counts: Record<RowOutcome, number> = { CREATED: 0, UPDATED: 0, UNCHANGED: 0, INVALID: 0 };
  for (const row of rows) counts[row.outcome]++;
  return counts;
}

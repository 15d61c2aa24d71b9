import type { Client } from 'urql';
import { describe, expect, it } from 'vitest';
import { BATCH_SIZE } from '../src/pages/import/csv-rules.ts';
import { BatchFailed, DRY_RUN_IN_FLIGHT, importBatches, type PreparedImport, runImport } from '../src/pages/import/import-run.ts';

// The import's runner against a stand-in for the API (each batch answered when
// the test says so): a dry run keeps DRY_RUN_IN_FLIGHT batches in flight, a
// write one; a failed batch lets the others finish and the run resumes from
// the first batch without an answer, with every answered row kept.

const ROWS = BATCH_SIZE * 4 + 10; // a write: five batches, the last one short; a dry run: six equal ones

function prepared(): PreparedImport {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    line: i + 2,
    name: `P ${i}`,
    email: `p${i}@run.test`,
    outcome: 'UNCHANGED' as const,
    reason: null,
    profileId: null,
  }));
  const inputs = rows.map((row, i) => ({ row: i, input: { externalId: `E${i}`, firstName: 'P', lastName: String(i), email: row.email } }));
  return { rows, inputs };
}

/** A client whose batches wait until answered; records the call ids in flight. */
function stubClient(fails: (batch: number) => boolean = () => false) {
  const waiting: { batch: number; answer(): void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const sent: number[] = [];
  const client = {
    mutation: (
      _document: unknown,
      variables: { input: { profiles: { externalId: string }[] }; dryRun: boolean },
      context: { fetchOptions: { headers: Record<string, string> } },
    ) => ({
      toPromise: () =>
        new Promise((resolve) => {
          const batch = Number(context.fetchOptions.headers['x-parkpass-call-id']!.split('.').at(-1));
          sent.push(batch);
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          waiting.push({
            batch,
            answer: () => {
              inFlight--;
              if (fails(batch)) {
                resolve({ data: { profilesUpsert: { __typename: 'RateLimitedError', code: 'RATE_LIMITED' } } });
                return;
              }
              const results = variables.input.profiles.map((profile, index) => ({
                index,
                outcome: variables.dryRun ? 'CREATED' : 'UPDATED',
                profileId: `id-${profile.externalId}`,
                error: null,
              }));
              resolve({ data: { profilesUpsert: { __typename: 'ProfilesUpsertPayload', results } } });
            },
          });
        }),
    }),
  } as unknown as Client;
  /** Answers the batches in flight, the latest first (answers may come in any order), until the run settles. */
  const answerAll = async (run: Promise<unknown>) => {
    let settled = false;
    run.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      waiting.pop()?.answer();
    }
  };
  return { client, answerAll, sent, mostInFlight: () => mostInFlight };
}

describe('runImport', () => {
  it('cuts a dry run into equal batches, as many as a multiple of the batches in flight; a write into as few equal batches of at most BATCH_SIZE', () => {
    for (const rows of [BATCH_SIZE, BATCH_SIZE + 1, 9_997, 50_000]) {
      for (const dryRun of [true, false]) {
        const { count, size } = importBatches(rows, dryRun);
        expect(count % (dryRun ? DRY_RUN_IN_FLIGHT : 1)).toBe(0);
        expect(size).toBeLessThanOrEqual(BATCH_SIZE);
        // Every batch has rows, and every row a batch.
        expect((count - 1) * size).toBeLessThan(rows);
        expect(count * size).toBeGreaterThanOrEqual(rows);
      }
    }
    expect(importBatches(1, true)).toEqual({ count: 1, size: 1 });
    // The benchmark's file: 9,997 rows to send.
    expect(importBatches(9_997, true)).toEqual({ count: 6, size: 1_667 });
    expect(importBatches(9_997, false)).toEqual({ count: 5, size: 2_000 });
  });

  it(`sends a dry run's batches ${DRY_RUN_IN_FLIGHT} at a time, and a write's one at a time; every row gets its answer`, async () => {
    for (const dryRun of [true, false]) {
      const stub = stubClient();
      const run = runImport({ client: stub.client, prepared: prepared(), dryRun, runId: 'run', onProgress: () => undefined });
      await stub.answerAll(run);
      const rows = await run;
      expect(stub.mostInFlight()).toBe(dryRun ? DRY_RUN_IN_FLIGHT : 1);
      expect([...stub.sent].sort()).toEqual(dryRun ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4]);
      expect(rows.every((row, i) => row.outcome === (dryRun ? 'CREATED' : 'UPDATED') && row.profileId === `id-E${i}`)).toBe(true);
    }
  });

  it('a failed batch lets the other finish; the run resumes from the first batch without an answer and ends with every row', async () => {
    const failing = stubClient((batch) => batch === 2);
    const first = runImport({ client: failing.client, prepared: prepared(), dryRun: true, runId: 'run', onProgress: () => undefined });
    const failed = first.then(
      () => null,
      (error: unknown) => error,
    );
    await failing.answerAll(first);
    const error = await failed;
    expect(error).toBeInstanceOf(BatchFailed);
    expect((error as BatchFailed).code).toBe('RATE_LIMITED');
    expect((error as BatchFailed).batch).toBe(2);
    // Batches 0 and 1 answered: their rows are kept.
    const state = (error as BatchFailed).state;
    expect(state.nextBatch).toBe(2);
    const { size } = importBatches(ROWS, true);
    expect(state.rows.slice(0, 2 * size).every((row) => row.outcome === 'CREATED')).toBe(true);
    expect(state.rows[2 * size]!.outcome).toBe('UNCHANGED');

    const again = stubClient();
    const resumed = runImport({ client: again.client, prepared: prepared(), dryRun: true, runId: 'run', from: state, onProgress: () => undefined });
    await again.answerAll(resumed);
    const rows = await resumed;
    expect([...again.sent].sort()).toEqual([2, 3, 4, 5]);
    expect(rows.every((row) => row.outcome === 'CREATED')).toBe(true);
  });
});

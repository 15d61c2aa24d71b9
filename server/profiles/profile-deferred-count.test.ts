import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { meros } from 'meros/browser';
import { describe, expect, it } from 'vitest';
import { schema } from '../app/schema.ts';
import { operationCost } from '../security/query-cost.ts';
import { ProfilePageDeferredCountDocument, ProfilePageDeferredOversizedDocument } from '../test/generated/graphql.ts';
import { useTestKit } from '../test/kit.ts';
import { documentText } from '../test/operations.ts';

// A page of profiles with its count in a deferred part (@defer): the rows come
// in the first part of a multipart/mixed answer, the count in a later one,
// under the same cost, budget and error rules as an answer in one part.

const kit = useTestKit();

interface Part {
  data?: Record<string, any>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  incremental?: { data?: Record<string, any>; path: (string | number)[]; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  hasNext?: boolean;
}

/** Sends a document as `token` asking for incremental delivery; the response, and its parts as they arrive. */
async function sendIncremental<Result, Variables>(token: string, document: TypedDocumentNode<Result, Variables>, variables: Variables) {
  const response = await kit.app.fetch('http://parkpass.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed, application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: documentText(document), variables }),
  });
  const parts = await meros<Part>(response);
  async function* read(): AsyncGenerator<Part> {
    if (!(Symbol.asyncIterator in parts)) {
      yield (await (parts as Response).json()) as Part;
      return;
    }
    for await (const part of parts) yield part.json ? part.body : (JSON.parse(String(part.body)) as Part);
  }
  return { response, parts: read() };
}

async function all(parts: AsyncGenerator<Part>): Promise<Part[]> {
  const read: Part[] = [];
  for await (const part of parts) read.push(part);
  return read;
}

/**
 * Holds an ACCESS EXCLUSIVE lock on `tables` in a transaction of its own until `release()`: statements on them wait.
 * `taken` resolves once the lock is held; `held` once the transaction is over.
 */
function lockTables(tables: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const taken = new Promise<void>((resolve) => (locked = resolve));
  const held = kit.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);
      locked();
      await released;
    },
    { timeout: 60_000 },
  );
  return { taken, release, held };
}

describe('a page of profiles with its count deferred (@defer)', () => {
  it('sends the rows before a count that cannot finish, then the count in a later part', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(30);
    // With no filter the count reads the maintained counters: locked here, it waits until this test lets it go.
    const { taken: lockTaken, release, held: holder } = lockTables('"profile_status_count"');
    try {
      await lockTaken;
      const { response, parts } = await sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, { first: 20, limit: 10 });
      expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      const first = await parts.next();
      // The rows came while the count was still blocked.
      expect(first.done).toBe(false);
      expect(first.value!.hasNext).toBe(true);
      expect(first.value!.data!.profiles.edges).toHaveLength(20);
      expect(first.value!.data!.profiles.count).toBeUndefined();
      release();
      await holder;
      const rest = await all(parts);
      const counted = rest.flatMap((part) => part.incremental ?? []);
      // With no filter the counters make it exact past the limit.
      expect(counted).toEqual([{ data: { totalCount: 30, count: { count: 30, precision: 'EXACT' } }, path: ['profiles'], label: 'count' }]);
      expect(rest.at(-1)!.hasNext).toBe(false);
    } finally {
      release();
      await holder.catch(() => undefined);
    }
    // Slow on a loaded machine (a held lock, a transaction beside the request): its own time limit, and the lock released whatever happens.
  }, 120_000);

  it('starts the deferred count beside the page, not once the page is read: both statements wait at the same time', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(5);
    // The page reads the profiles, the count without a filter the counters: both tables locked, each statement waits
    // for its lock as soon as it is sent.
    const { taken: lockTaken, release, held: holder } = lockTables('"profile", "profile_status_count"');
    const waiting = async () => {
      const rows = await kit.prisma.$queryRaw<{ query: string }[]>`
        SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()`;
      const counters = rows.filter((row) => row.query.includes('profile_status_count')).length;
      return { page: rows.length - counters > 0, count: counters > 0 };
    };
    try {
      await lockTaken;
      const sent = sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, { first: 3, limit: 10 });
      // Before, the count's statement was sent only once the page's had answered: never both waiting.
      await expect.poll(waiting, { timeout: 30_000, interval: 100 }).toEqual({ page: true, count: true });
      release();
      await holder;
      const read = await all((await sent).parts);
      expect(read[0]!.data!.profiles.edges).toHaveLength(3);
      expect(read.flatMap((part) => part.incremental ?? [])[0]!.data).toEqual({ totalCount: 5, count: { count: 5, precision: 'EXACT' } });
    } finally {
      release();
      await holder.catch(() => undefined);
    }
  }, 120_000);

  it('keeps "select all N" exact: the deferred totalCount is what the preview acts on, the bounded count says AT_LEAST', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(25, { with: (index) => ({ status: index % 5 === 0 ? 'VALIDATED' : 'NOT_INVITED' }) });
    const filter = { statuses: ['NOT_INVITED' as const], search: 'e' };
    const { parts } = await sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, { filter, first: 5, limit: 3 });
    const read = await all(parts);
    const deferred = read.flatMap((part) => part.incremental ?? [])[0]!.data!;
    const exact = await org.api.profileTotal(filter);
    expect(exact).toBe(20);
    expect(deferred).toEqual({ totalCount: exact, count: { count: 3, precision: 'AT_LEAST' } });
    expect(read[0]!.data!.profiles.edges).toHaveLength(5);
  });

  it('answers a refused deferred part with a coded error in that part, the rows in theirs', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(3);
    const { parts } = await sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, { first: 2, limit: 0 });
    const [first, ...rest] = await all(parts);
    expect(first!.data!.profiles.edges).toHaveLength(2);
    const [part] = rest.flatMap((p) => p.incremental ?? []);
    expect(part!.errors).toEqual([
      expect.objectContaining({ message: 'limit must be between 1 and 100000.', extensions: expect.objectContaining({ code: 'INVALID_INPUT' }) }),
    ]);
  });

  it('masks an unexpected error of a deferred part (no database text reaches the caller) and codes it', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(3);
    // The counters' table gone for a moment: the count fails in the database.
    await kit.prisma.$executeRawUnsafe('ALTER TABLE "profile_status_count" RENAME TO "profile_status_count_away"');
    try {
      const { parts } = await sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, { first: 2 });
      const [first, ...rest] = await all(parts);
      expect(first!.data!.profiles.edges).toHaveLength(2);
      const errors = rest.flatMap((p) => p.incremental ?? []).flatMap((p) => p.errors ?? []);
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.message).toBe('Unexpected error.');
        expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      }
      expect(JSON.stringify(rest)).not.toMatch(/profile_status_count|relation|stack/i);
    } finally {
      await kit.prisma.$executeRawUnsafe('ALTER TABLE "profile_status_count_away" RENAME TO "profile_status_count"');
    }
  });

  it('costs a deferred part as if it were not deferred: page sizes refused before anything runs, every point charged', async () => {
    const org = await kit.createOrganization();
    await org.insertProfiles(3);
    const { parts } = await sendIncremental(org.apiKey, ProfilePageDeferredOversizedDocument, {});
    const [refused, ...more] = await all(parts);
    expect(more).toEqual([]);
    expect(refused!.data).toBeUndefined();
    expect(refused!.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PAGE_SIZE_TOO_LARGE' }) })]);

    // The budget is charged the whole operation's cost, the deferred part's included, before it runs.
    const variables = { first: 20, limit: 10 };
    const { cost } = operationCost(schema, ProfilePageDeferredCountDocument as never, variables, null);
    const before = await sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, variables);
    await all(before.parts);
    const after = await sendIncremental(org.apiKey, ProfilePageDeferredCountDocument, variables);
    await all(after.parts);
    const spent = Number(before.response.headers.get('ratelimit-remaining')) - Number(after.response.headers.get('ratelimit-remaining'));
    expect(cost).toBeGreaterThan(20);
    expect(spent).toBe(cost);
  });
});

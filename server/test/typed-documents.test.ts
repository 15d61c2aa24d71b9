import { describe, expect, it } from 'vitest';
import { documentCensus } from './tools/document-census.ts';

// Tests send typed operations (server/test/operations.ts): generated documents
// with typed variables and answers. A raw `graphql()` / `graphqlAs()` string,
// answered as `any`, is allowed only where a test means it: documents built
// from the schema (the access matrix, the tenant replay) and documents that
// must be invalid or out of bounds (bad input, depth and alias limits). Files
// not yet converted keep their count here until they are; a count only goes down.
// The census counts calls of the kit's raw senders (server/test/tools/document-census.ts);
// a sender kept in a variable (`const as = org.graphqlAs`) is counted once, where it is taken.

/** Raw documents allowed per test file: why, and how many. */
const RAW_DOCUMENTS: Record<string, { count: number; why: 'built from the schema' | 'invalid or oversized on purpose' | 'not yet converted' }> = {
  'server/app/access-matrix.test.ts': { count: 6, why: 'built from the schema' },
  'server/app/tenant-isolation.test.ts': { count: 6, why: 'built from the schema' },
  'server/security/text-input.test.ts': { count: 28, why: 'invalid or oversized on purpose' },
  'server/graphql/errors.test.ts': { count: 13, why: 'invalid or oversized on purpose' },
  'server/security/rate-limits.test.ts': { count: 1, why: 'invalid or oversized on purpose' },
  // Written at the same time as the typed kit; still on raw documents, to convert (the allowance only goes down).
  'server/kernel/idempotency.test.ts': { count: 7, why: 'not yet converted' },
  'server/profiles/upsert-retry.test.ts': { count: 5, why: 'not yet converted' },
  'admin/test/admin-ui-keyboard.test.ts': { count: 2, why: 'not yet converted' },
};

describe('typed test documents', () => {
  const census = documentCensus();

  it('has no raw GraphQL document outside the files allowed to send them, and no more than each is allowed', () => {
    const over = census
      .filter(({ file, raw }) => raw > (RAW_DOCUMENTS[file]?.count ?? 0))
      .map(
        ({ file, raw }) =>
          `${file}: ${raw} raw documents, ${RAW_DOCUMENTS[file]?.count ?? 0} allowed (use or add a typed operation in server/test/operations/)`,
      );
    expect(over).toEqual([]);
  });

  it('lowers an allowance as soon as a file sends fewer raw documents, so none comes back unseen', () => {
    const counts = Object.fromEntries(census.map(({ file, raw }) => [file, raw]));
    const loose = Object.entries(RAW_DOCUMENTS)
      .filter(([file, { count }]) => (counts[file] ?? 0) < count)
      .map(([file, { count }]) => `${file}: allows ${count}, sends ${counts[file] ?? 0}`);
    expect(loose).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operationsAs, type Send } from '../operations.ts';

// Counts, per test file, the GraphQL documents sent raw through the kit's
// untyped `graphql()` / `graphqlAs()` (answers typed `any`) and the calls of
// typed operations (the kit's helpers, or `send` with a generated document).
// `npx tsx server/test/tools/document-census.ts` prints the table and totals;
// server/test/typed-documents.test.ts holds the raw ones to a list.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SEARCHED = ['server', 'admin/test'];

/** A raw send: `.graphql(`, `.graphql<T>(`, `.graphqlAs(`, or the sender taken to call later (`= org.graphqlAs;`). */
export const RAW_SEND = /\.graphql(?:As)?(?:<[^>(]*>)?(?=\s*[(;,)])/g;

const unsent: Send = () => Promise.reject(new Error('not sent'));
const OPERATION_NAMES = Object.keys(operationsAs(unsent)).filter((name) => name !== 'send');
/** A typed call: a helper of the kit (`org.api.profileCreate(`), or `send(` with a generated document. */
const TYPED_CALL = new RegExp(`\\.(?:${OPERATION_NAMES.join('|')})\\(|\\bsend\\(\\w+Document\\b`, 'g');

export interface FileCensus {
  file: string;
  raw: number;
  typed: number;
}

function testFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'generated' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every test file with its raw and typed counts. */
export function documentCensus(): FileCensus[] {
  return SEARCHED.flatMap((folder) => testFiles(join(ROOT, folder)))
    .map((path) => {
      const text = readFileSync(path, 'utf8');
      return { file: relative(ROOT, path), raw: text.match(RAW_SEND)?.length ?? 0, typed: text.match(TYPED_CALL)?.length ?? 0 };
    })
    .sort((a, b) => b.raw - a.raw || a.file.localeCompare(b.file));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const census = documentCensus();
  for (const { file, raw, typed } of census.filter((row) => row.raw || row.typed))
    console.log(`${String(raw).padStart(4)} ${String(typed).padStart(4)}  ${file}`);
  const total = (key: 'raw' | 'typed') => census.reduce((sum, row) => sum + row[key], 0);
  console.log(`raw ${total('raw')}  typed ${total('typed')}  (${census.filter((row) => row.raw).length} files with raw documents)`);
}

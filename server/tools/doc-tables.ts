// npx tsx server/tools/doc-tables.ts          → writes the tables of docs/ that are printed from the code
// npx tsx server/tools/doc-tables.ts --check  → fails when one of them is stale
//
// Each table sits between `<!-- name:start -->` and `<!-- name:end -->` in its page;
// everything around it is written by hand. Tests keep every table equal to the code.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessTableMarkdown } from '../graphql/access-table-markdown.ts';
import { rootDir } from '../database/paths.ts';
import { errorCodesMarkdown } from '../graphql/error-codes-markdown.ts';
import { limitsTableMarkdown, refusalCodesMarkdown } from '../security/limits-table.ts';
import { webhookEventsMarkdown } from '../webhooks/webhook-events-markdown.ts';

/** Every generated table: the page it is in, its marker, and what prints it. */
export const DOC_TABLES = [
  { page: 'docs/operations.md', marker: 'limits-table', print: limitsTableMarkdown },
  { page: 'docs/operations.md', marker: 'refusal-codes', print: refusalCodesMarkdown },
  { page: 'docs/api.md', marker: 'error-codes', print: errorCodesMarkdown },
  { page: 'docs/webhooks.md', marker: 'webhook-events', print: webhookEventsMarkdown },
  { page: 'docs/organizations.md', marker: 'access-table', print: accessTableMarkdown },
] as const;

type DocTable = (typeof DOC_TABLES)[number];

const markers = (marker: string) => new RegExp(`(<!-- ${marker}:start -->\\n)([\\s\\S]*?)(\\n<!-- ${marker}:end -->)`);

/** The page with the table printed afresh; throws when the page lacks the table's markers. */
function withTable(text: string, table: DocTable): string {
  if (!markers(table.marker).test(text)) throw new Error(`${table.page} has no <!-- ${table.marker}:start/end --> markers`);
  return text.replace(markers(table.marker), (_all, start: string, _old: string, end: string) => `${start}${table.print()}${end}`);
}

/** The tables whose printed text differs from the page's, as `page (marker)`. */
export function staleDocTables(root = rootDir): string[] {
  return DOC_TABLES.filter((table) => {
    const text = readFileSync(path.join(root, table.page), 'utf8');
    return withTable(text, table) !== text;
  }).map((table) => `${table.page} (${table.marker})`);
}

/** Prints every table into its page; returns the pages that changed. */
export function writeDocTables(root = rootDir): string[] {
  const changed = new Set<string>();
  for (const table of DOC_TABLES) {
    const file = path.join(root, table.page);
    const text = readFileSync(file, 'utf8');
    const printed = withTable(text, table);
    if (printed === text) continue;
    writeFileSync(file, printed);
    changed.add(table.page);
  }
  return [...changed];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleDocTables();
    if (stale.length > 0) {
      console.error(`Stale tables: ${stale.join(', ')}. Run \`npx tsx server/tools/doc-tables.ts\` and commit them.`);
      process.exit(1);
    }
    console.log('The tables of docs/ are current.');
  } else {
    const changed = writeDocTables();
    console.log(changed.length > 0 ? `Wrote ${changed.join(', ')}.` : 'The tables of docs/ were already current.');
  }
}

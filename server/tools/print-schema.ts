// npm run schema        → writes schema.graphql from the Pothos schema
// npm run schema:check  → fails when the committed schema.graphql is stale
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rootDir } from '../database/paths.ts';
import { printedSchema } from '../app/schema.ts';

const target = path.join(rootDir, 'schema.graphql');
const printed = printedSchema();
if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== printed) {
    console.error('schema.graphql is stale: run `npm run schema` and commit it.');
    process.exit(1);
  }
  console.log('schema.graphql is current.');
} else {
  await writeFile(target, printed);
  console.log(`Wrote ${path.relative(process.cwd(), target)}.`);
}

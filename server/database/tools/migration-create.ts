// npm run migration:create -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes a database
// built by the committed migrations to what prisma/schema.prisma now describes.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationsDir } from '../paths.ts';
import { diffMigrationsToSchema } from '../schema-engine.ts';
import { startToolingPostgres } from './tooling-postgres.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migration:create -- <snake_case_name>');
  process.exit(1);
}

const postgres = await startToolingPostgres();
try {
  const sql = await diffMigrationsToSchema(postgres.url);
  if (!sql) {
    console.log('prisma/schema.prisma and the migrations agree: nothing to write.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'migration.sql'), `${sql}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql; read it before committing.`);
  }
} finally {
  await postgres.stop();
}

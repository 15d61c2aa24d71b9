import { describe, expect, inject, it } from 'vitest';
import { ensureDatabase, withDatabase } from './index.ts';
import { migrate } from './migrate.ts';
import { diffMigrationsToSchema } from './schema-engine.ts';
import { createClient } from './connections.ts';

describe('migrations', () => {
  it('agree with prisma/schema.prisma (no drift)', async () => {
    // Prisma's schema engine replays the migrations in a shadow database and
    // diffs the result against the schema: any SQL means they disagree.
    const drift = await diffMigrationsToSchema(inject('postgresServerUrl'));
    expect(drift, `prisma/schema.prisma and prisma/migrations disagree; run npm run migration:create -- <name>:\n${drift}`).toBe('');
  });

  it('apply once, are recorded as Prisma Migrate records them, and are skipped on the next start', async () => {
    const server = inject('postgresServerUrl');
    const database = `parkpass_test_migrate_${process.pid}`;
    await ensureDatabase(server, database);
    const url = withDatabase(server, database);
    const first = await migrate(url);
    const second = await migrate(url);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(second.applied).toEqual([]);

    const client = createClient('test', url);
    await client.connect();
    const { rows } = await client.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations');
    await client.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => {});
    await client.end();
    expect(rows.map((row) => row.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });
});

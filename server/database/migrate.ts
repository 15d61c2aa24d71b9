import { randomUUID } from 'node:crypto';
import { sha256Hex } from '../kernel/sha256.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { createClient } from './connections.ts';
import { migrationsDir } from './paths.ts';

/** Same key as Prisma Migrate's, so our start-up and `prisma migrate deploy` never run at once. */
const MIGRATE_ADVISORY_LOCK = 72707369;

// The table Prisma Migrate keeps, created exactly as it creates it, so that
// `prisma migrate deploy` and `prisma migrate status` agree with what we applied.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies the migrations in prisma/migrations that the database has not seen,
 * each in its own transaction, and records them in `_prisma_migrations` with
 * Prisma's checksum (SHA-256 of the file). Refuses to go on when an applied
 * migration was edited or failed half-way, as `prisma migrate deploy` would.
 */
export async function migrate(databaseUrl: string): Promise<MigrationResult> {
  const client = createClient('migrate', databaseUrl);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));
    const applied: string[] = [];
    for (const migration of await readMigrations()) {
      const previous = recorded.get(migration.name);
      if (previous) {
        if (!previous.finished_at) throw new Error(`Migration ${migration.name} failed earlier; fix the database, then mark it rolled back.`);
        if (previous.checksum !== migration.checksum) throw new Error(`Migration ${migration.name} was edited after it was applied.`);
        continue;
      }
      await applyOne(client, migration);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_ADVISORY_LOCK]).catch(() => {});
    await client.end().catch(() => {});
  }
}

/** The migrations shipped with this build that the database has not recorded as finished (all of them when it has no table yet). */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = createClient('migrate', databaseUrl);
  await client.connect();
  try {
    // Two statements: PostgreSQL would refuse a query naming the table before the first migration created it.
    const { rows: table } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
    const { rows } = table[0]?.exists
      ? await client.query<{ migration_name: string }>(
          'SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL',
        )
      : { rows: [] };
    const done = new Set(rows.map((row) => row.migration_name));
    return (await readMigrations()).map((migration) => migration.name).filter((name) => !done.has(name));
  } finally {
    await client.end().catch(() => {});
  }
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

async function readMigrations(): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256Hex(sql) };
    }),
  );
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())', [
      id,
      migration.checksum,
      migration.name,
    ]);
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}

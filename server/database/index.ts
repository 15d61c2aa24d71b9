import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.ts';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrateJobQueue } from '../jobs/worker.ts';
import { migrate } from './migrate.ts';
import { createPrisma, type PrismaClient } from './prisma.ts';

export interface Database {
  url: string;
  prisma: PrismaClient;
  /** Names of the migrations applied by this start. */
  appliedMigrations: string[];
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'parkpass';

export interface OpenOptions {
  /**
   * For commands run beside the server (`npm run org`, `npm run seed`): when
   * the embedded PostgreSQL of the data folder is already running, use it (and
   * leave it running) instead of starting a second one on the same folder.
   */
  shareRunningServer?: boolean;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in the data
 * folder (reused across starts), then brings the schema up to date.
 */
export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  let url = config.databaseUrl;
  let stopEmbedded = async () => {};
  if (!url) {
    const dataDir = path.join(config.dataDir, 'postgres');
    const running = options.shareRunningServer ? await runningEmbeddedPostgres(dataDir) : null;
    const serverUrl = running
      ? running.url
      : await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort }).then((embedded) => {
          stopEmbedded = embedded.stop;
          return embedded.url;
        });
    await ensureDatabase(serverUrl, EMBEDDED_DATABASE);
    url = withDatabase(serverUrl, EMBEDDED_DATABASE);
  }
  try {
    const { applied } = await migrate(url);
    await migrateJobQueue(url);
    const prisma = createPrisma(url);
    return {
      url,
      prisma,
      appliedMigrations: applied,
      close: async () => {
        await prisma.$disconnect();
        await stopEmbedded();
      },
    };
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${from}`);
    }
  } finally {
    await client.end();
  }
}

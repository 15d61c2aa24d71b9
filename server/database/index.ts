import path from 'node:path';
import pg from 'pg';
import { withClient } from './connections.ts';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrateJobQueue } from './job-queue-schema.ts';
import { migrate } from './migrate.ts';
import { createPrisma, type PrismaClient, type PrismaOptions } from './prisma.ts';
import { log } from '../observability/log.ts';

// THE database bootstrap, used by the server, the worker, the operator
// commands, the test setup and the benchmarks: a PostgreSQL server (given, or
// the embedded one), a database on it (created if missing), the migrations,
// graphile-worker's schema, and a Prisma client. It knows no domain module
// and no worker (an architecture rule, .dependency-cruiser.cjs).

export interface Database {
  /** The database's connection URL: the pooled one (PgBouncer in transaction mode) when there is a pooler. Prisma's. */
  url: string;
  /**
   * The same database without the pooler, for what needs a session of its own (LISTEN, session advisory locks,
   * named prepared statements, graphile-worker): `url` itself when there is no pooler.
   */
  directUrl: string;
  /** The server's URL (its `postgres` database): other databases are made from it. */
  serverUrl: string;
  /** Null when asked for none (`prisma: false`). */
  prisma: PrismaClient;
  /** Names of the migrations applied by this start. */
  appliedMigrations: string[];
  /** Disconnects the client and stops the embedded server if this bootstrap started it. */
  close(): Promise<void>;
}

export interface BootstrapOptions {
  /** The database's full URL: used as it is (created and migrated, not the server's other databases). */
  databaseUrl?: string;
  /** The same database without a transaction-mode pooler (`databaseUrl` then goes through one): creating and migrating it use this. */
  directDatabaseUrl?: string;
  /** A PostgreSQL server to use (its `postgres` database's URL); else the embedded one below. */
  serverUrl?: string;
  /** The embedded PostgreSQL, when no URL is given: its data folder and port. */
  embedded?: {
    dataDir: string;
    port: number;
    /** Trade durability for speed (tests and benchmarks). */
    fast?: boolean;
    /** Load pg_stat_statements (a benchmark's per-statement profile). */
    statementStatistics?: boolean;
    /** Use the server already running on this data folder (operator commands beside `npm start`), and leave it running. */
    shareRunning?: boolean;
  };
  /** The database to create on the server (ignored with `databaseUrl`). */
  database?: string;
  /** Drop the database first if it exists (a test template, a benchmark's database). */
  recreate?: boolean;
  /** Apply the pending migrations (default); false: a deploy step applies them (`npm run migrate`). */
  migrate?: boolean;
  /** Options of the Prisma client; false for none (the test template is only migrated). */
  prisma?: PrismaOptions | false;
}

export async function bootstrapDatabase(options: BootstrapOptions): Promise<Database> {
  let stopServer = async () => {};
  let url = options.databaseUrl;
  let directUrl = url ? (options.directDatabaseUrl ?? url) : undefined;
  let serverUrl = options.serverUrl ?? (directUrl ? withDatabase(directUrl, 'postgres') : undefined);
  if (!serverUrl) {
    const embedded = options.embedded;
    if (!embedded) throw new Error('bootstrapDatabase needs a databaseUrl, a serverUrl or an embedded PostgreSQL.');
    const running = embedded.shareRunning ? await runningEmbeddedPostgres(embedded.dataDir) : null;
    if (running) serverUrl = running.url;
    else {
      const started = await startEmbeddedPostgres({
        dataDir: embedded.dataDir,
        port: embedded.port,
        fast: embedded.fast,
        statementStatistics: embedded.statementStatistics,
      });
      stopServer = started.stop;
      serverUrl = started.url;
    }
  }
  try {
    if (!url) {
      const database = options.database ?? 'parkpass';
      if (options.recreate) await dropDatabase(serverUrl, database);
      await ensureDatabase(serverUrl, database);
      url = withDatabase(serverUrl, database);
      directUrl = url;
    }
    // Migrations hold a session advisory lock; graphile-worker's schema is its own: both on a session of their own.
    const { applied } = options.migrate === false ? { applied: [] } : await migrate(directUrl!);
    await migrateJobQueue(directUrl!);
    // Named statements only on a connection of its own: not through a transaction-mode pooler.
    const prisma = options.prisma === false ? (null as unknown as PrismaClient) : createPrisma(url, { namedStatements: url === directUrl, ...options.prisma });
    return {
      url,
      directUrl: directUrl!,
      serverUrl,
      prisma,
      appliedMigrations: applied,
      close: async () => {
        await prisma?.$disconnect();
        await stopServer();
      },
    };
  } catch (error) {
    await stopServer();
    throw error;
  }
}

export interface OpenOptions {
  /**
   * For commands run beside the server (`npm run org`, `npm run seed`): when
   * the embedded PostgreSQL of the data folder is already running, use it (and
   * leave it running) instead of starting a second one on the same folder.
   */
  shareRunningServer?: boolean;
}

/**
 * The application's database: DATABASE_URL, or the embedded PostgreSQL in the
 * data folder (reused across starts, database `parkpass`), brought up to date.
 */
/** What opening the database reads of the process's settings. */
export interface DatabaseSettings {
  /** An existing PostgreSQL; without one, an embedded server runs from `dataDir`. */
  databaseUrl: string | undefined;
  /** DATABASE_URL without the pooler (DIRECT_DATABASE_URL), when DATABASE_URL goes through one. */
  directDatabaseUrl?: string;
  dataDir: string;
  embeddedPostgresPort: number;
  /** Apply pending migrations while opening (default true). */
  migrateOnStart?: boolean;
}

export function openDatabase(config: DatabaseSettings, options: OpenOptions = {}): Promise<Database> {
  return bootstrapDatabase({
    databaseUrl: config.databaseUrl,
    directDatabaseUrl: config.directDatabaseUrl,
    embedded: { dataDir: path.join(config.dataDir, 'postgres'), port: config.embeddedPostgresPort, shareRunning: options.shareRunningServer },
    database: 'parkpass',
    migrate: config.migrateOnStart ?? true,
  });
}

/**
 * For `npm start` and `npm run worker`: a database that cannot be opened
 * (unreachable, refused credentials, a failed migration) is one line naming
 * why and exit code 1, not a stack trace.
 */
export async function openDatabaseOrExit(config: DatabaseSettings): Promise<Database> {
  try {
    return await openDatabase(config);
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const why =
      String(message ?? error)
        .split('\n')
        .find((line) => line.trim()) ?? 'unknown error';
    // Opening connects only through the direct URL (migrations, the job queue's schema): name the setting it came from.
    const where = config.directDatabaseUrl ? ' at DIRECT_DATABASE_URL' : config.databaseUrl ? ' at DATABASE_URL' : '';
    log.fatal(`Cannot open the database${where}: ${why}${typeof code === 'string' ? ` (${code})` : ''}`);
    process.exit(1);
  }
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<void> {
  await withServer(serverUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${from}`);
    }
  });
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`));
}

function withServer<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient('bootstrap', serverUrl, use);
}

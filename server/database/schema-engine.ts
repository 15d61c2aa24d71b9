import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { createClient, createPool } from './connections.ts';
import { migrationsDir, schemaPath } from './paths.ts';

/**
 * Prisma's schema engine, compiled to WebAssembly and talking to PostgreSQL
 * through the pg driver adapter. The native engine binary that Prisma's CLI
 * downloads cannot be fetched on machines without internet access; this one
 * ships in an npm package. Used only by tooling and tests, never by the server.
 */
export async function openSchemaEngine(databaseUrl: string): Promise<{ engine: SchemaEngine; close: () => void }> {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const module = await WebAssembly.compile(await readFile(path.join(packageDir, 'schema_engine_bg.wasm')));
  const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();

  const schema = await readFile(schemaPath, 'utf8');
  // Discrete settings, not a connection string: the adapter opens the shadow database by
  // overriding `database`, which a connection string would take precedence over.
  const url = new URL(databaseUrl);
  const adapter = bindMigrationAwareSqlAdapterFactory(
    new ShadowDatabaseAdapter({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1) || 'postgres',
      Client: CatalogClient,
    }),
  );
  const engine = await bindings.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, adapter);
  return { engine, close: () => engine.free() };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The engine reads PostgreSQL's catalog, whose `"char"` columns (pg_class.relkind…)
 * the pg adapter does not map (a known gap of Prisma's: github.com/prisma/prisma/issues/27403), so the engine fails
 * with "Column type 'char' could not be deserialized". They are one-byte strings: report
 * them as text. Passed as the pool's Client class so the shadow database gets it too.
 */
class CatalogClient extends pg.Client {
  // pg's overloads (promise, callback, submittable) cannot be restated in an override.
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last];
      args[last] = (error: Error | null, result: pg.QueryResult) => callback(error, result && charAsText(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return result instanceof Promise ? result.then(charAsText) : result;
  }
}

function charAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result.fields ?? []) {
    if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return result;
}

/**
 * The adapter's own shadow database is dropped while its pool still holds a
 * connection ("being accessed by other users"): drop it with FORCE instead.
 */
class ShadowDatabaseAdapter extends PrismaPg {
  constructor(private readonly settings: pg.PoolConfig) {
    super(createPool('schema-engine', settings), { disposeExternalPool: true });
  }

  override async connectToShadowDb() {
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    const admin = createClient('schema-engine', this.settings);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const adapter = await new PrismaPg(createPool('schema-engine', { ...this.settings, database: name }), { disposeExternalPool: true }).connect();
    // The adapter cuts a migration at every ";", which splits a function body (the profile status
    // counters' trigger) in two. The simple query protocol runs the whole script, as migrate.ts does.
    const driver = adapter.underlyingDriver() as pg.Pool;
    const reportError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
    adapter.executeScript = async (script: string) => {
      await driver.query(script).catch(reportError);
    };
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  }
}

/** The committed migrations in the shape the schema engine reads them. */
export async function readMigrationList(): Promise<MigrationList> {
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok' as const, value: await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
        },
      })),
    ),
  };
}

/**
 * The SQL that takes a database built by the committed migrations to what
 * prisma/schema.prisma describes; empty when they agree. The engine replays
 * the migrations in a throw-away shadow database on the given server.
 */
export async function diffMigrationsToSchema(databaseUrl: string): Promise<string> {
  const { engine, close } = await openSchemaEngine(databaseUrl);
  try {
    const schema = await readFile(schemaPath, 'utf8');
    const result = await engine.diff({
      from: { tag: 'migrations', ...(await readMigrationList()) },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return (result.stdout ?? '').replace(/^-- This is an empty migration\.\s*$/m, '').trim();
  } finally {
    close();
  }
}

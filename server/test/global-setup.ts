import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../database/embedded-postgres.ts';
import { withDatabase } from '../database/index.ts';
import { migrateJobQueue } from '../jobs/worker.ts';
import { migrate } from '../database/migrate.ts';
import { dataDir } from '../database/paths.ts';
import { portFromEnvironment } from '../database/free-port.ts';

export const TEMPLATE_DATABASE = 'parkpass_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: TEST_DATABASE_SERVER_URL's, or an
 * embedded one on PARKPASS_TEST_PG_PORT or a free port. A template database is migrated once; each test file clones it
 * (CREATE DATABASE … TEMPLATE, a file copy) in its beforeAll.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_SERVER_URL;
  const server = external
    ? { url: external, stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'test-postgres'), port: await portFromEnvironment('PARKPASS_TEST_PG_PORT'), fast: true });

  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await migrate(withDatabase(server.url, TEMPLATE_DATABASE));
  await migrateJobQueue(withDatabase(server.url, TEMPLATE_DATABASE));
  // Databases of earlier runs.
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'parkpass_test_%' AND datname <> $1", [TEMPLATE_DATABASE]);
  for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(row.datname)} WITH (FORCE)`);
  await admin.end();

  project.provide('postgresServerUrl', server.url);
  return async () => {
    await server.stop();
  };
}

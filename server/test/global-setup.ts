import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { bootstrapDatabase } from '../database/index.ts';
import { dataDir } from '../database/paths.ts';
import { portFromEnvironment } from '../database/free-port.ts';
import { createClient } from '../database/connections.ts';

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
  // The one bootstrap (server/database/index.ts): the server, the template database freshly made and migrated.
  const template = await bootstrapDatabase({
    serverUrl: external,
    embedded: external ? undefined : { dataDir: path.join(dataDir, 'test-postgres'), port: await portFromEnvironment('PARKPASS_TEST_PG_PORT'), fast: true },
    database: TEMPLATE_DATABASE,
    recreate: true,
    prisma: false,
  });
  const server = { url: template.serverUrl, stop: template.close };

  const admin = createClient('test', server.url);
  await admin.connect();
  // Databases of earlier runs.
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'parkpass_test_%' AND datname <> $1", [
    TEMPLATE_DATABASE,
  ]);
  for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(row.datname)} WITH (FORCE)`);
  await admin.end();

  project.provide('postgresServerUrl', server.url);
  return async () => {
    await server.stop();
  };
}

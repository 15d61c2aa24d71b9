import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../embedded-postgres.ts';
import { dataDir } from '../paths.ts';

/** A PostgreSQL server for tooling: DATABASE_URL's when set, else an embedded one of its own. */
export async function startToolingPostgres(): Promise<RunningPostgres> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: path.join(dataDir, 'tooling'), port: 54331, fast: true });
}

import { Logger, runMigrations } from 'graphile-worker';
import { createPool } from './connections.ts';
import { log } from '../observability/log.ts';

// graphile-worker keeps its queue in its own schema (graphile_worker) of the
// same database. Creating or updating that schema is part of bringing the
// database up to date, like the migrations; running jobs is the worker's
// business (server/app/worker.ts), which the bootstrap never loads.

const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') log.warn({ component: 'job queue' }, message);
});

/** Creates or updates graphile-worker's own schema in the database. */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  const pool = createPool('job-queue-schema', { connectionString, max: 2 });
  try {
    await runMigrations({ pgPool: pool, logger: quietLogger });
  } finally {
    await pool.end();
  }
}

// npm run migrate (node dist/server/migrate.js in a deployment): applies the pending migrations and the job queue's schema, then exits.
// For deploys that migrate once before starting servers with PARKPASS_MIGRATE_ON_START=false; the server is not started.
import { loadConfigOrExit } from './config.ts';
import { openDatabaseOrExit } from '../database/index.ts';
import { log } from '../observability/log.ts';

const config = loadConfigOrExit('database');
const database = await openDatabaseOrExit({ ...config, migrateOnStart: true });
log.info(
  database.appliedMigrations.length ? `Applied migrations: ${database.appliedMigrations.join(', ')}` : 'The database is up to date: no migration to apply.',
);
await database.close();
process.exit(0);

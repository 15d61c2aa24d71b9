// npm start: configuration → database (embedded PostgreSQL unless DATABASE_URL) → demo seed → worker → listen.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { systemClock } from './context.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './database/index.ts';
import { startWorker } from './jobs/worker.ts';
import { type DemoCredentials, seedDemo } from './seed/demo-seed.ts';
import { appSettings, emailTransport } from './wiring.ts';
import { createApp } from './yoga.ts';

const config = loadConfig();
console.log(config.databaseUrl ? 'Connecting to DATABASE_URL…' : `Starting the embedded PostgreSQL in ${config.dataDir}…`);
const database = await openDatabase(config);
if (database.appliedMigrations.length) console.log(`Applied migrations: ${database.appliedMigrations.join(', ')}`);

const credentials = config.seedDemo ? await demoCredentials() : null;
const settings = await appSettings(config);
const transport = emailTransport(config, database.prisma);
const worker = config.runWorker
  ? await startWorker({ connectionString: database.url, prisma: database.prisma, clock: systemClock, transport, settings: { ...settings, from: config.postmark.from } })
  : null;

const app = createApp({
  prisma: database.prisma,
  settings,
  trustProxy: config.trustProxy,
  mailbox: transport.name === 'mailbox',
  postmarkWebhookPassword: config.postmarkWebhookPassword,
});
const server = createServer(app);
server.listen(config.port, config.host, () => {
  console.log(`\nParkpass API ready.\n  GraphQL playground: ${config.publicUrl}/graphql`);
  if (credentials) {
    console.log(`  Demo admin:         ${credentials.adminEmail} / ${credentials.adminPassword}`);
    console.log(`  Demo API key:       ${credentials.apiKey}`);
    console.log('  In the playground, set the header  {"Authorization": "Bearer <the API key>"}');
  }
  console.log(
    transport.name === 'mailbox'
      ? `  Emails (no Postmark token): the local mailbox at ${config.publicUrl}/mailbox`
      : '  Emails: sent through Postmark',
  );
  if (!worker) console.log('  Background jobs: not run here (PARKPASS_RUN_WORKER=false); run `npm run worker`.');
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  server.close();
  await worker?.stop();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/**
 * Seeds the demo on the first start of an empty database. The API key exists
 * in the database only as a hash, so the credentials are also kept in the
 * (git-ignored) data folder to be printed again at every local start.
 */
async function demoCredentials(): Promise<DemoCredentials | null> {
  const file = path.join(config.dataDir, 'demo-credentials.json');
  const seeded = await seedDemo(database.prisma);
  if (seeded) {
    await writeFile(file, JSON.stringify(seeded, null, 2));
    console.log('Seeded the demo organization.');
    return seeded;
  }
  return JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as DemoCredentials | null;
}

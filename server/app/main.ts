// npm start: configuration → database (embedded PostgreSQL unless DATABASE_URL) → demo seed → worker → listen.
// npm run start:prod runs the same file compiled (dist/server/main.js) with NODE_ENV=production.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { systemClock } from '../kernel/scope.ts';
import { loadConfigOrExit } from './config.ts';
import { createPool, endLogged, survivingLostConnections } from '../database/connections.ts';
import { handleShutdownSignalsHere } from '../database/embedded-postgres.ts';
import { openDatabaseOrExit } from '../database/index.ts';
import { createPrisma } from '../database/prisma.ts';
import { startWorker } from './worker.ts';
import { type DemoCredentials, seedDemo } from '../seed/demo-seed.ts';
import { describeTrustedProxies } from '../security/client-address.ts';
import { createRateLimits } from '../security/rate-limits.ts';
import { appOptions, appSettings, emailTransport, webhookDeliverySettings } from './wiring.ts';
import { createApp } from './yoga.ts';
import { CredentialCache } from './credential-cache.ts';
import { Lifecycle } from './health.ts';
import { startObservability } from './observability-wiring.ts';
import { log } from '../observability/log.ts';

const config = loadConfigOrExit();
for (const notice of config.notices) log.warn(notice);
process.on('unhandledRejection', survivingLostConnections);
if (config.env === 'production' && import.meta.url.endsWith('.ts')) {
  log.warn('Running the TypeScript sources in production. Build once (npm run build), then run npm run start:prod.');
}
log.info(config.databaseUrl ? 'Connecting to DATABASE_URL…' : `Starting the embedded PostgreSQL in ${config.dataDir}…`);
const database = await openDatabaseOrExit(config);
if (database.appliedMigrations.length) log.info(`Applied migrations: ${database.appliedMigrations.join(', ')}`);
const observability = await startObservability(config, database.prisma);

const credentials = config.seedDemo ? await demoCredentials() : null;
const settings = await appSettings(config);
const transport = emailTransport(config, database.prisma);
const worker = config.runWorker
  ? await startWorker({
      // graphile-worker LISTENs and locks: a session of its own, past any transaction-mode pooler.
      connectionString: database.directUrl,
      prisma: database.prisma,
      clock: systemClock,
      transport,
      settings: { ...settings, from: config.postmark.from },
      webhooks: webhookDeliverySettings(config),
    })
  : null;

// Rate-limit counters live in PostgreSQL, shared by every server behind the load balancer. Their
// library names its prepared statements, which a transaction-mode pooler cannot keep: the direct connection.
const rateLimitPool = createPool('rate-limits', { connectionString: database.directUrl, max: 4 });
// The read path's replica, when there is one (server/app/read-routing.ts).
const replicaPrisma = config.readReplica ? createPrisma(config.readReplica.url) : null;
const lifecycle = new Lifecycle();
// Callers authenticated in the last half second; its LISTEN needs a session of its own: the direct connection.
const credentialCache = new CredentialCache(database.directUrl);
const app = createApp({
  lifecycle,
  prisma: database.prisma,
  // The progress hub's LISTEN: the direct connection too.
  databaseUrl: database.directUrl,
  settings,
  ...appOptions(config),
  rateLimits: createRateLimits(config.rateLimits, { pool: rateLimitPool }),
  readReplica: replicaPrisma ? { prisma: replicaPrisma, readYourWritesMs: config.readReplica!.readYourWritesSeconds * 1000 } : undefined,
  credentialCache,
});
const server = createServer(app);
server.listen(config.port, config.host, () => {
  // The start-up banner, for the person who started the server: one write, so whoever reads the output sees the whole block at once.
  // Not a log line: it holds the demo's sign-in only when the demo was seeded (never in production unless asked).
  const lines = [`\nParkpass API ready${config.env === 'production' ? ' (production)' : ''}.`];
  if (config.exposure.graphiql) lines.push(`  GraphQL playground: ${config.publicUrl}/graphql`);
  else lines.push(`  GraphQL endpoint:   ${config.publicUrl}/graphql (no playground${config.exposure.introspection ? '' : ', no introspection'})`);
  if (credentials) {
    lines.push(`  Admin UI:           ${config.publicUrl}/admin  (sign in as ${credentials.adminEmail} / ${credentials.adminPassword})`);
    lines.push(`  Demo admin:         ${credentials.adminEmail} / ${credentials.adminPassword}`);
    lines.push(`  Demo API key:       ${credentials.apiKey}`);
    lines.push('  In the playground, set the header  {"Authorization": "Bearer <the API key>"}');
  }
  lines.push(
    transport.name === 'mailbox'
      ? `  Emails (no Postmark token): the local mailbox at ${config.publicUrl}/mailbox (sign in as an owner)`
      : '  Emails: sent through Postmark',
  );
  lines.push(`  Callers' addresses: ${describeTrustedProxies(config.trustProxy)}`);
  if (!worker) lines.push('  Background jobs: not run here (PARKPASS_RUN_WORKER=false); run `npm run worker`.');
  process.stdout.write(`${lines.join('\n')}\n`);
});

let stopping = false;
/**
 * SIGTERM: /health/ready answers 503 and subscriptions end with their final
 * event; the server stops accepting connections, lets the requests in flight
 * finish (each answer closes its connection) for up to
 * PARKPASS_SHUTDOWN_TIMEOUT_SECONDS, then closes what is left; the worker lets
 * its jobs finish or hands them back; the pools close; exit 0.
 */
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: draining (${config.drainMs / 1000} s more of new requests, then up to ${config.shutdownTimeoutMs / 1000} s for those in flight)…`);
  lifecycle.drain();
  // Still accepting while the load balancer notices the failing readiness: a request sent meanwhile is not refused.
  if (config.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.drainMs));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = setTimeout(() => {
    log.warn('Requests still in flight at the shutdown deadline: closing their connections.');
    server.closeAllConnections();
  }, config.shutdownTimeoutMs);
  // Jobs stop between two chunks meanwhile, in parallel with the requests' end.
  const workerStopped = endLogged('the worker', worker?.stop());
  await closed;
  clearTimeout(deadline);
  await workerStopped;
  // Each step on its own: a pool whose connections the database dropped must not keep the others open.
  await endLogged('the rate-limit pool', rateLimitPool.end());
  await endLogged('the credential cache', credentialCache.close());
  await endLogged('the read replica', replicaPrisma?.$disconnect());
  await endLogged('the metrics and traces', observability.stop());
  await endLogged('the database', database.close());
  log.info('Stopped.');
  process.exit(0);
}
handleShutdownSignalsHere();
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/**
 * Seeds the demo on the first start of an empty database (in production only
 * when PARKPASS_SEED_DEMO=true). Its password and API key are random and exist
 * in the database only as hashes, so they are also kept in the (git-ignored)
 * data folder, readable by this user only, to be printed again at every start.
 */
async function demoCredentials(): Promise<DemoCredentials | null> {
  const file = path.join(config.dataDir, 'demo-credentials.json');
  const seeded = await seedDemo(database.prisma);
  if (seeded) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(seeded, null, 2), { mode: 0o600 });
    log.info('Seeded the demo organization.');
    return seeded;
  }
  return JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as DemoCredentials | null;
}

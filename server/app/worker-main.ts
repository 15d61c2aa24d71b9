// npm run worker: the background jobs alone (emails, bulk invitations), for deployments that scale them apart from the API.
import { systemClock } from '../kernel/scope.ts';
import { loadConfigOrExit } from './config.ts';
import { endLogged, survivingLostConnections } from '../database/connections.ts';
import { handleShutdownSignalsHere } from '../database/embedded-postgres.ts';
import { openDatabaseOrExit } from '../database/index.ts';
import { startWorker } from './worker.ts';
import { appSettings, emailTransport, webhookDeliverySettings } from './wiring.ts';
import { startObservability } from './observability-wiring.ts';
import { log } from '../observability/log.ts';

const config = loadConfigOrExit();
process.on('unhandledRejection', survivingLostConnections);
const database = await openDatabaseOrExit(config);
const observability = await startObservability(config, database.prisma);
const settings = await appSettings(config);
const transport = emailTransport(config, database.prisma);
const worker = await startWorker({
  // graphile-worker (LISTEN, locks) and the new-link limits (named prepared statements): past any transaction-mode pooler.
  connectionString: database.directUrl,
  prisma: database.prisma,
  clock: systemClock,
  transport,
  settings: { ...settings, from: config.postmark.from },
  webhooks: webhookDeliverySettings(config),
});
log.info(`Parkpass worker running (emails via ${transport.name}).`);
handleShutdownSignalsHere();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping (running jobs finish; long ones hand the rest back)…`);
    // Each step on its own: a pool whose connections the database dropped must not keep the other open.
    await endLogged('the worker', worker.stop());
    await endLogged('the metrics and traces', observability.stop());
    await endLogged('the database', database.close());
    process.exit(0);
  });
}

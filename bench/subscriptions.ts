// npm run bench:subscriptions  (optionally: -- --subscriptions 1000 --keys 100)
// Opens N `bulkInvitationProgress` subscriptions over
// real HTTP (SSE) on a bulk invitation that does not move, from `keys` API
// keys (a caller may hold only a few at once), waits for each first event,
// measures `viewer` latency and the database's transactions per second while
// they are open, then drops every client and measures the transactions per
// second after the disconnect (pg_stat_database.xact_commit, whole database).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { openBenchDatabase } from './bench-database.ts';
import { createApp } from '../server/app/yoga.ts';
import { createClient } from '../server/database/connections.ts';

const { values } = parseArgs({ options: { subscriptions: { type: 'string', default: '1000' }, keys: { type: 'string', default: '100' } } });
const subscriptions = Number(values.subscriptions);
const keyCount = Number(values.keys);

let statements = 0;
const db = await openBenchDatabase(`bench_subscriptions_${randomBytes(4).toString('hex')}`, { maxConnections: 10, onQuery: () => statements++ });
const { url, prisma } = db;

const keys = Array.from({ length: keyCount }, () => generateApiKeySecret());
const organization = await prisma.organization.create({
  data: {
    name: 'Bench Corp',
    plan: 'ENTERPRISE',
    apiKeys: { create: keys.map((key, i) => ({ name: `bench ${i}`, role: 'ADMIN' as const, prefix: key.prefix, secretHash: key.hash })) },
  },
});
// A bulk invitation no worker runs: it stays QUEUED, so its followers never end by themselves.
const bulk = await prisma.bulkInvitation.create({ data: { organizationId: organization.id, selection: { profileIds: [] }, total: 1 } });
const bulkGlobalId = Buffer.from(`BulkInvitation:${bulk.id}`).toString('base64');

const app = createApp({ prisma, databaseUrl: url, settings: { publicUrl: 'http://localhost', invitationTokenSecret: randomBytes(32).toString('base64url') } });
const http = createServer(app);
await new Promise<void>((resolve) => http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;

const stats = createClient('bench', { connectionString: url });
await stats.connect();
async function commits(): Promise<number> {
  const { rows } = await stats.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0]!.n);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Database transactions per second over `ms`, and the app's SQL statements per
 * second (Prisma's query log) as a cross-check. An idle PostgreSQL backend
 * reports its counters up to 10 s late, so each window starts after 11 s of
 * settling: what it counts happened in it.
 */
async function load(label: string, ms = 5_000): Promise<void> {
  await sleep(11_000);
  await stats.query('SELECT pg_stat_clear_snapshot()');
  const before = await commits();
  const statementsBefore = statements;
  await sleep(ms);
  await stats.query('SELECT pg_stat_clear_snapshot()');
  const perSecond = ((await commits()) - before - 1) / (ms / 1000);
  console.log(`${label}: ${perSecond.toFixed(1)} database transactions/s, ${((statements - statementsBefore) / (ms / 1000)).toFixed(1)} app statements/s`);
}
async function viewerLatency(runs = 20): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[0]!.secret}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    await response.json();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

console.log(`viewer median before subscribing: ${(await viewerLatency()).toFixed(1)} ms`);
await load('idle, before subscribing');
console.log(`Opening ${subscriptions} subscriptions from ${keyCount} API keys…`);
const controllers: AbortController[] = [];
let refused = 0;
// In waves of 100, so the listen backlog never overflows.
for (let wave = 0; wave < subscriptions; wave += 100)
  await Promise.all(
    Array.from({ length: Math.min(100, subscriptions - wave) }, async (_, j) => {
      const i = wave + j;
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(endpoint, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${keys[i % keyCount]!.secret}` },
        body: JSON.stringify({ query: 'subscription ($id: ID!) { bulkInvitationProgress(id: $id) { state done } }', variables: { id: bulkGlobalId } }),
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('\n\n') || !text.includes('data:')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      if (!text.includes('"state"')) refused++;
      // Keep reading (and discarding) until aborted, as a browser would.
      void (async () => {
        try {
          for (;;) if ((await reader.read()).done) return;
        } catch {}
      })();
    }),
  );
console.log(`  open: ${subscriptions - refused}, refused: ${refused}`);
console.log(`viewer median with ${subscriptions} open: ${(await viewerLatency()).toFixed(1)} ms`);
await load(`with ${subscriptions} open`);

for (const controller of controllers) controller.abort();
console.log('Dropped every client.');
const dropped = statements;
await sleep(1_000);
console.log(`app statements in the first second after the disconnect: ${statements - dropped}`);
await load('after disconnect');
console.log(`viewer median after disconnect: ${(await viewerLatency()).toFixed(1)} ms`);

await stats.end();
http.closeAllConnections();
await new Promise((resolve) => http.close(resolve));
await db.drop();
process.exit(0);

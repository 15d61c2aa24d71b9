// npm run bench:overhead  (optionally: -- --seconds 10 --connections 1,8 --pooler)
// Requests per second of a trivial query through the whole server, against a
// bare node:http server doing the least the same answer needs, each server in
// its own process, loaded by this one over keep-alive HTTP:
//   authenticated  { viewer { organization { name } } }  vs  node:http + one pg statement (the key and its organization),
//                                                         and vs the same + the server's rate-limit statement (the goal's yardstick)
//   anonymous      { __typename }                         vs  node:http answering fixed JSON
// Goal: authenticated ≥ 50 % of the bare server with the key lookup and the rate-limit statement, at 1 and 8 clients.
// Each --connections count (a comma-separated list) runs every server in turn; BENCH_CPU_PROF=<folder> profiles each server.
// --pooler: the authenticated query once more with Prisma through PgBouncer in transaction mode
// (Debian's pgbouncer; the rate limits stay on the direct connection, as DIRECT_DATABASE_URL has them).
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { machineLine } from './bench-kit.ts';
import { openBenchDatabase } from './bench-database.ts';
import { type RunningPgBouncer, startPgBouncer } from '../server/test/pgbouncer.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '1,8' }, pooler: { type: 'boolean', default: false } },
});
const seconds = Number(values.seconds);
const connectionCounts = values.connections.split(',').map(Number);

const db = await openBenchDatabase('bench_overhead', {}, { fast: true });
const { url, prisma } = db;
const key = generateApiKeySecret();
await prisma.organization.create({
  data: { name: 'Overhead Corp', plan: 'ENTERPRISE', apiKeys: { create: { name: 'bench', role: 'VIEWER', prefix: key.prefix, secretHash: key.hash } } },
});

const pooler: RunningPgBouncer | null = values.pooler ? await startPgBouncer({ serverUrl: url, poolMode: 'transaction', poolSize: 10 }) : null;

async function startServer(kind: string, pooled = false) {
  const args = pooled && pooler ? [kind, pooler.urlOf(new URL(url).pathname.slice(1)), url] : [kind, url];
  const child = fork(new URL('./overhead-server.ts', import.meta.url), args, {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])],
  });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (message) => resolve(message as { port: number })));
  return { port, stop: () => child.kill() };
}

/** Closed-loop load: `connections` requests in flight for `seconds`; completed requests per second. */
async function load(port: number, body: string, headers: Record<string, string>, expect: string, connections: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => (res.statusCode === 200 && text.includes(expect) ? resolve() : reject(new Error(`${res.statusCode} ${text.slice(0, 200)}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 200; i++) await send(); // warm-up
  let done = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        await send();
        done++;
      }
    }),
  );
  agent.destroy();
  return done / seconds;
}

const authenticated = { authorization: `Bearer ${key.secret}` };
const cases = [
  [
    'authenticated { viewer { organization { name } } }',
    '{ viewer { organization { name } } }',
    authenticated,
    ['bare-key-limit', 'bare-key'],
    'Overhead Corp',
  ],
  ['anonymous { __typename }', '{ __typename }', {}, ['bare-fixed'], 'Query'],
] as const;
const servers = new Map<string, Awaited<ReturnType<typeof startServer>>>();
for (const kind of ['parkpass', 'parkpass-uncached', 'bare-key-limit', 'bare-key', 'bare-fixed']) servers.set(kind, await startServer(kind));
if (pooler) servers.set('parkpass-pooled', await startServer('parkpass', true));

console.log(`\n## Request overhead: req/s, ${seconds} s per server and client count, each server in its own process`);
console.log(`Machine: ${machineLine()}\n`);
console.log('| query | clients | Parkpass req/s | bare node:http req/s | Parkpass / bare | goal (authenticated ≥ 50 % of key + rate limit) |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const connections of connectionCounts) {
  for (const [name, query, headers, bares, expect] of cases) {
    const body = JSON.stringify({ query });
    const parkpass = await load(servers.get('parkpass')!.port, body, headers, expect, connections);
    const authenticatedCase = bares[0] === 'bare-key-limit';
    const uncached = authenticatedCase ? await load(servers.get('parkpass-uncached')!.port, body, headers, expect, connections) : null;
    const pooled = pooler && authenticatedCase ? await load(servers.get('parkpass-pooled')!.port, body, headers, expect, connections) : null;
    for (const bare of bares) {
      const bareRate = await load(servers.get(bare)!.port, body, headers, expect, connections);
      const what = { 'bare-key-limit': 'key lookup + rate limit', 'bare-key': 'key lookup only', 'bare-fixed': 'fixed JSON' }[bare];
      const rows: [string, number][] = [[name, parkpass]];
      if (uncached !== null) rows.push([`${name}, without the credential cache`, uncached]);
      if (pooled !== null) rows.push([`${name}, Prisma through PgBouncer`, pooled]);
      for (const [label, ours] of rows) {
        const ratio = ours / bareRate;
        const goal = bare === 'bare-key-limit' ? (ratio >= 0.5 ? 'met' : `missed (${((ratio / 0.5 - 1) * 100).toFixed(0)} %)`) : '—';
        console.log(`| ${label} (bare: ${what}) | ${connections} | ${ours.toFixed(0)} | ${bareRate.toFixed(0)} | ${(ratio * 100).toFixed(0)} % | ${goal} |`);
      }
    }
  }
}
for (const server of servers.values()) server.stop();
await pooler?.stop();
await db.close();
process.exit(0);

// npm run bench:accept  (optionally: -- --concurrency 10 --accepts 200)
// invitationAccept at `concurrency` requests in flight, over real HTTP (the
// server as `npm start` runs it: rate limits in PostgreSQL), against its floor:
// the bare argon2id hash (server/auth/passwords.ts, the same parameters) at the
// same concurrency in the same process, measured before and after the accepts.
// Each accept takes a fresh invitation (a link handed over without email).
// Goal: accept p95 ≤ 2 × the bare hash's p95.
// Latencies under a shared machine's load are noisy; the CPU each accept and
// each hash costs (this process, and PostgreSQL's processes) is printed too:
// at `concurrency` in flight on busy cores, the latency ratio follows it.
// BENCH_CPU_PROF=<folder> writes this process's CPU profile of the accepts there.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../server/security/rate-limits.ts';
import { openBenchDatabase } from './bench-database.ts';
import { benchDataDir, machineLine, postGraphql, quantile, serveBenchApp } from './bench-kit.ts';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '10' }, accepts: { type: 'string', default: '200' } } });
const concurrency = Number(values.concurrency);
const accepts = Number(values.accepts);

const db = await openBenchDatabase(`bench_accept_${randomBytes(4).toString('hex')}`, {}, { fast: true });
const { url, prisma } = db;
const key = generateApiKeySecret();
const organization = await prisma.organization.create({
  data: { name: 'Accept Corp', plan: 'ENTERPRISE', apiKeys: { create: { name: 'bench', role: 'ADMIN', prefix: key.prefix, secretHash: key.hash } } },
});
await prisma.$executeRaw`
  INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
  SELECT gen_random_uuid(), ${organization.id}::uuid, 'First' || i, 'Last' || i, 'person.' || i || '@accept.parkpass.test',
         'first' || i || ' last' || i, 'last' || i || ' first' || i, now(), now()
  FROM generate_series(1, ${accepts}::int) AS i`;

// Budgets this benchmark does not exhaust (the public operation's per-address limit is the point of another bench).
const server = await serveBenchApp(prisma, url, {
  anonymousPointsPerMinute: 1e9,
  publicOperationsPerMinute: Object.fromEntries(
    Object.keys(DEFAULT_RATE_LIMITS.publicOperationsPerMinute).map((name) => [name, 1e9]),
  ) as RateLimitSettings['publicOperationsPerMinute'],
});
const graphql = (query: string, variables: Record<string, unknown>, token?: string) => postGraphql(server.url, query, variables, token);

// One link per profile, without email.
const profiles = await prisma.profile.findMany({ where: { organizationId: organization.id }, select: { id: true } });
const tokens: string[] = [];
for (const { id } of profiles) {
  const data = await graphql(
    'mutation($input: ProfileInviteInput!) { profileInvite(input: $input) { __typename ... on ProfileInvitePayload { link } } }',
    { input: { profileId: Buffer.from(`Profile:${id}`).toString('base64'), sendEmail: false } },
    key.secret,
  );
  tokens.push(data.profileInvite.link.split('#token=')[1]);
}

/** Runs `task` for each of `items`, `concurrency` at a time; the latency of each, ms. */
async function latencies<T>(items: T[], task: (item: T) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const started = performance.now();
        await task(item);
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

/** CPU time used so far, ms: this process (all its threads: the event loop and the hashing threads), and each of PostgreSQL's processes. */
async function cpuNow(): Promise<{ node: number; postgres: Map<string, number> }> {
  const { user, system } = process.cpuUsage();
  // The cluster's postmaster (first line of postmaster.pid) and its children (each connection's backend, the writers).
  const postmaster = (await readFile(path.join(benchDataDir(), 'postmaster.pid'), 'utf8')).split('\n')[0]!.trim();
  const msPerTick = 1000 / 100; // USER_HZ
  const postgres = new Map<string, number>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // After the command name (which may hold spaces): state, ppid, …, utime and stime (fields 14 and 15 of proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (pid === postmaster || fields[1] === postmaster) postgres.set(pid, (Number(fields[11]) + Number(fields[12])) * msPerTick);
  }
  return { node: (user + system) / 1000, postgres };
}

/** `latencies` with the CPU time spent per item, ms: this process, and PostgreSQL's processes (those alive at the end). */
async function measured<T>(items: T[], task: (item: T) => Promise<unknown>) {
  const before = await cpuNow();
  const times = await latencies(items, task);
  const after = await cpuNow();
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  return { times, node: (after.node - before.node) / items.length, postgres: postgres / items.length };
}

const password = 'a long and fine password for the benchmark';
const warm = Array.from({ length: concurrency * 2 }, (_, i) => i);
await latencies(warm, () => hashPassword(password));
const hashBefore = await measured(tokens, () => hashPassword(password));
const profileFolder = process.env.BENCH_CPU_PROF;
const profiler = profileFolder ? new Session() : undefined;
// With the profile, PostgreSQL's own account of the accepts' statements, where the cluster preloads pg_stat_statements.
const statements = profileFolder
  ? await prisma.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
      () => prisma.$queryRawUnsafe('SELECT pg_stat_statements_reset()').then(() => true),
      () => false,
    )
  : false;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const accept = await measured(tokens, async (token) => {
  const data = await graphql(
    'mutation($input: InvitationAcceptInput!) { invitationAccept(input: $input) { __typename ... on InvitationAcceptPayload { firstName } } }',
    { input: { token, password } },
  );
  if (data.invitationAccept.__typename !== 'InvitationAcceptPayload') throw new Error(JSON.stringify(data));
});
if (profiler && profileFolder) {
  const { profile } = await profiler.post('Profiler.stop');
  await mkdir(profileFolder, { recursive: true });
  const file = path.join(profileFolder, `accept-${Date.now()}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  console.log(`CPU profile of the accepts: ${file}`);
  profiler.disconnect();
  if (statements) {
    const rows = await prisma.$queryRawUnsafe<{ calls: bigint; total_ms: number; mean_ms: number; query: string }[]>(
      `SELECT calls, round(total_exec_time::numeric, 1)::float AS total_ms, round(mean_exec_time::numeric, 2)::float AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 25`,
    );
    await writeFile(file.replace(/\.cpuprofile$/, '.statements.txt'), rows.map((r) => `${r.calls}\t${r.total_ms}\t${r.mean_ms}\t${r.query}`).join('\n') + '\n');
  }
}
const hashAfter = await measured(tokens, () => hashPassword(password));
const validated = await prisma.profile.count({ where: { organizationId: organization.id, status: 'VALIDATED' } });
if (validated !== accepts) throw new Error(`${validated} of ${accepts} profiles validated`);

const hash = [...hashBefore.times, ...hashAfter.times];
const fmt = (ms: number) => ms.toFixed(0);
const ratio = quantile(accept.times, 0.95) / quantile(hash, 0.95);
console.log(`\n## invitationAccept against the bare argon2id hash, ${concurrency} in flight, ${accepts} each`);
console.log(`Machine: ${machineLine()}\n`);
const cpu = (phase: { node: number; postgres: number }) => `${phase.node.toFixed(1)} | ${phase.postgres.toFixed(1)}`;
console.log('| what | p50 ms | p95 ms | CPU ms each: Node | CPU ms each: PostgreSQL |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(
  `| bare argon2id hash (before / after) | ${fmt(quantile(hash, 0.5))} | ${fmt(quantile(hash, 0.95))} | ` +
    `${hashBefore.node.toFixed(1)} / ${hashAfter.node.toFixed(1)} | ${hashBefore.postgres.toFixed(1)} / ${hashAfter.postgres.toFixed(1)} |`,
);
console.log(`| invitationAccept over HTTP | ${fmt(quantile(accept.times, 0.5))} | ${fmt(quantile(accept.times, 0.95))} | ${cpu(accept)} |`);
console.log(`\naccept p95 / hash p95: ${ratio.toFixed(2)} (goal ≤ 2: ${ratio <= 2 ? 'met' : `missed by ${((ratio / 2 - 1) * 100).toFixed(0)} %`})`);

await server.close();
await db.drop();
process.exit(0);

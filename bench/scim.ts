// npm run bench:scim  (optionally: -- --users 10000 --concurrency 4 --profiles 100000)
// Provisioning as Microsoft Entra ID does it, over real HTTP with the production rate limits: for each user a
// GET /Users?filter=userName eq "…", then a POST; `concurrency` users in flight. Then the organization is filled up
// to `profiles` profiles (half of them held by the connection) and a filtered GET is timed on its own.
// Goals: the provisioning under 60 s for 10,000 users; the filtered GET p95 ≤ 20 ms at 100,000 profiles.
// The server runs in its own process (bench/scim-server.ts), as an IdP's requests reach a server that does not share
// its event loop with the IdP; `--same-process` serves it from this one (how the figures before 2026-12-07 06:00 were
// taken). BENCH_CPU_PROF=<folder> writes the server process's CPU profile there (node --cpu-prof). `--pg-profile`
// prints PostgreSQL's side of the provisioning: per statement, WAL by relation, CPU by process (bench/postgres-profile.ts).
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDirectoryConnection } from '../server/directory-sync/connection-service.ts';
import { requestScope, systemClock } from '../server/kernel/scope.ts';
import { DEFAULT_RATE_LIMITS } from '../server/security/rate-limits.ts';
import { openBenchDatabase } from './bench-database.ts';
import { machineLine, postgresCpuMs, quantile, serveBenchApp } from './bench-kit.ts';
import { startPostgresProfile } from './postgres-profile.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '4' },
    profiles: { type: 'string', default: '100000' },
    /** Prints the SQL statements of one filtered GET and one POST, and the plans of the GET's at full size. */
    statements: { type: 'boolean', default: false },
    'same-process': { type: 'boolean', default: false },
    /** PostgreSQL's profile of the provisioning: per statement (pg_stat_statements), WAL by relation (pg_walinspect), CPU by process. */
    'pg-profile': { type: 'boolean', default: false },
  },
});
const users = Number(values.users);
const concurrency = Number(values.concurrency);
const profiles = Number(values.profiles);

// Statements sent while `recording` (the per-request profile below).
let recording: string[] | null = null;
const db = await openBenchDatabase(
  `bench_scim_${randomBytes(4).toString('hex')}`,
  { onQuery: (sql) => recording?.push(sql) },
  { fast: false, statementStatistics: values['pg-profile'] },
);
const { url, prisma } = db;
const organization = await prisma.organization.create({ data: { name: 'SCIM Corp', plan: 'ENTERPRISE' } });
const admin = await prisma.admin.create({
  data: { organizationId: organization.id, email: 'owner@scim.test', name: 'Owner', role: 'OWNER', passwordHash: 'x' },
});
const settings = { publicUrl: 'http://localhost:4000', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' };
const { secret } = await createDirectoryConnection(
  requestScope(
    { prisma, clock: systemClock, settings },
    { organizationId: organization.id, plan: 'ENTERPRISE', role: 'OWNER', actor: { kind: 'ADMIN', id: admin.id } },
  ),
  { name: 'Entra ID' },
);
// The production budget of one caller (the connection has its own, as an API key has).
const server = values['same-process'] ? await sameProcessServer() : await serverProcess();

async function sameProcessServer() {
  const served = await serveBenchApp(prisma, url, { pointsPerMinute: DEFAULT_RATE_LIMITS.pointsPerMinute });
  return {
    ...served,
    cpuMs: async () => {
      const cpu = process.cpuUsage();
      return (cpu.user + cpu.system) / 1000;
    },
    /** The SQL statements Prisma sends while `task` runs. */
    statementsOf: async (task: () => Promise<unknown>) => {
      recording = [];
      await task();
      const sent = recording;
      recording = null;
      return sent;
    },
  };
}

async function serverProcess() {
  const profile = process.env.BENCH_CPU_PROF;
  const child = fork(new URL('./scim-server.ts', import.meta.url), [url, String(DEFAULT_RATE_LIMITS.pointsPerMinute)], {
    execArgv: ['--import', 'tsx', ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [])],
  });
  const next = () => new Promise<any>((resolve) => child.once('message', resolve));
  const { url: served } = await next();
  return {
    url: served as string,
    /** The server process's CPU time so far (user + system), in ms. */
    cpuMs: async () => {
      const answer = next();
      child.send('cpu');
      const { cpu } = await answer;
      return (cpu.user + cpu.system) / 1000;
    },
    statementsOf: async (task: () => Promise<unknown>) => {
      child.send('record');
      await task();
      const answer = next();
      child.send('recorded');
      return (await answer).statements as string[];
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// The IdP's connections, kept alive, one per request in flight: node:http, whose client costs a fraction of `fetch`'s
// CPU per request (the bench measures the server; on 2 cores, the client's CPU is taken from it).
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const served = new URL(server.url);

function scim(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const text = body ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: served.hostname,
        port: served.port,
        path: `/scim/v2${path}`,
        method,
        agent,
        headers: {
          authorization: `Bearer ${secret}`,
          ...(text ? { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(text) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(text);
  });
}

async function inFlight<T>(items: T[], task: (item: T) => Promise<void>): Promise<number[]> {
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

const entraUser = (i: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: `mail-nickname-${i}`,
  userName: `user${i}@contoso.onmicrosoft.com`,
  active: true,
  emails: [{ primary: true, type: 'work', value: `first.last${i}@contoso.com` }],
  name: { givenName: `First${i}`, familyName: `Last${i}`, formatted: `First${i} Last${i}` },
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: String(i), department: 'Operations' },
});

const pgProfile = values['pg-profile'] ? await startPostgresProfile(prisma) : null;
const cpuBefore = await server.cpuMs();
const clientBefore = process.cpuUsage();
const postgresBefore = postgresCpuMs();
const started = performance.now();
const perUser = await inFlight(
  Array.from({ length: users }, (_, i) => i),
  async (i) => {
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "user${i}@contoso.onmicrosoft.com"`)}`);
    if (found.status !== 200 || found.body.totalResults !== 0) throw new Error(JSON.stringify(found));
    const created = await scim('POST', '/Users', entraUser(i));
    if (created.status !== 201) throw new Error(JSON.stringify(created));
  },
);
const provisioningSeconds = (performance.now() - started) / 1000;
const pgProfileTables = pgProfile ? await pgProfile.finish(users) : null;
// CPU time, unlike wall time, does not grow while the process waits for a core: comparable across loads.
const cpuPerUser = ((await server.cpuMs()) - cpuBefore) / users;
const clientCpu = process.cpuUsage(clientBefore);
const clientCpuPerUser = (clientCpu.user + clientCpu.system) / 1000 / users;
const postgresAfter = postgresCpuMs();
const postgresCpuPerUser = postgresBefore === null || postgresAfter === null ? null : (postgresAfter - postgresBefore) / users;

// Fill up to `profiles`: half held by the connection, half made by hand.
const missing = Math.max(0, profiles - users);
await prisma.$executeRaw`
  INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
  SELECT gen_random_uuid(), ${organization.id}::uuid, 'Filler' || i, 'Person' || i, 'filler.' || i || '@contoso.com',
         'filler' || i || ' person' || i, 'person' || i || ' filler' || i, now(), now()
  FROM generate_series(1, ${missing}::int) AS i`;
const connection = await prisma.directoryConnection.findFirstOrThrow({ where: { organizationId: organization.id } });
await prisma.$executeRaw`
  INSERT INTO directory_user (profile_id, organization_id, connection_id, user_name, attributes, updated_at)
  SELECT p.id, p.organization_id, ${connection.id}::uuid, 'upn-' || p.email, '{}'::jsonb, now()
  FROM profile p WHERE p.organization_id = ${organization.id}::uuid AND p.email LIKE 'filler.%' AND random() < 0.5`;
await prisma.$executeRaw`ANALYZE`;
const lookups = Array.from({ length: 500 }, () => Math.floor(Math.random() * users));
const filtered = await inFlight(lookups, async (i) => {
  const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "user${i}@contoso.onmicrosoft.com"`)}`);
  if (found.body.totalResults !== 1) throw new Error(JSON.stringify(found));
});
const total = await prisma.profile.count({ where: { organizationId: organization.id } });

// What one user costs (no other request in flight): the statements of the GET and of the POST, at full size.
const { statementsOf } = server;
const probe = users + 1;
const getStatements = await statementsOf(() => scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "user${probe}@contoso.onmicrosoft.com"`)}`));
const postStatements = await statementsOf(() => scim('POST', '/Users', entraUser(probe)));
// The plans of the filtered GET's lookups at full size (the SQL Prisma sends, written out): each must be an index scan.
const plans: [string, string][] = [];
if (values.statements) {
  const userName = 'user1@contoso.onmicrosoft.com';
  const { profileId } = await prisma.directoryUser.findUniqueOrThrow({
    where: { connectionId_userName: { connectionId: connection.id, userName } },
    select: { profileId: true },
  });
  const explain = async (what: string, sql: string) => {
    const rows = await prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`);
    plans.push([what, rows.map((row) => row['QUERY PLAN']).join('\n')]);
  };
  await explain(
    "the userName among the connection's users",
    `SELECT profile_id FROM directory_user WHERE connection_id = '${connection.id}' AND user_name = '${userName}'`,
  );
  await explain(
    'the profile it names, held by the connection',
    `SELECT p.id FROM profile p LEFT JOIN directory_user d ON d.profile_id = p.id
     WHERE p.organization_id = '${organization.id}' AND p.id = '${profileId}' AND d.connection_id = '${connection.id}' AND d.deleted_at IS NULL`,
  );
  await explain(
    'a profile no connection holds with that email (adoptable)',
    `SELECT p.id FROM profile p LEFT JOIN directory_user d ON d.profile_id = p.id
     WHERE p.organization_id = '${organization.id}' AND p.email = '${userName}' AND d.profile_id IS NULL AND p.status <> 'DEACTIVATED'`,
  );
}
if (values.statements) {
  console.log("\n### Plans of the filtered GET's lookups\n");
  for (const [what, plan] of plans) console.log(`${what}:\n\n\`\`\`\n${plan}\n\`\`\`\n`);
  console.log(`\n### Statements of one filtered GET (${getStatements.length})\n`);
  for (const sql of getStatements) console.log(`- ${sql.replace(/\s+/g, ' ').slice(0, 400)}`);
  console.log(`\n### Statements of one POST (${postStatements.length})\n`);
  for (const sql of postStatements) console.log(`- ${sql.replace(/\s+/g, ' ').slice(0, 400)}`);
}

if (pgProfileTables) console.log(pgProfileTables);

const fmt = (ms: number) => ms.toFixed(1);
console.log(`\n## SCIM provisioning as Entra ID does it (GET filter, then POST), ${concurrency} in flight`);
console.log(`Machine: ${machineLine()}; server ${values['same-process'] ? 'in the same process' : 'in its own process'}\n`);
console.log('| what | figure | goal |');
console.log('| --- | ---: | ---: |');
console.log(
  `| ${users.toLocaleString('en-US')} users provisioned | ${provisioningSeconds.toFixed(1)} s (${Math.round(users / provisioningSeconds)} users/s) | < 60 s for 10,000 |`,
);
console.log(`| one user (GET + POST), p50 / p95 | ${fmt(quantile(perUser, 0.5))} / ${fmt(quantile(perUser, 0.95))} ms | |`);
console.log(`| server CPU per user (GET + POST) | ${fmt(cpuPerUser)} ms${values['same-process'] ? ' (with the client)' : ''} | |`);
console.log(`| PostgreSQL CPU per user | ${postgresCpuPerUser === null ? 'not measured (no /proc)' : `${fmt(postgresCpuPerUser)} ms`} | |`);
if (!values['same-process']) console.log(`| bench client (the IdP) CPU per user | ${fmt(clientCpuPerUser)} ms | |`);
console.log(`| SQL statements: one filtered GET / one POST | ${getStatements.length} / ${postStatements.length} | |`);
console.log(
  `| filtered GET at ${total.toLocaleString('en-US')} profiles, p50 / p95 | ${fmt(quantile(filtered, 0.5))} / ${fmt(quantile(filtered, 0.95))} ms | p95 ≤ 20 ms |`,
);

agent.destroy();
await server.close();
await db.drop();
process.exit(0);

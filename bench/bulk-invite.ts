// npm run bench:invite  (optionally: -- --profiles 100000)
// Bulk-invites N profiles selected by filter, end to end: the profilesInvite
// mutation through the real GraphQL handler, the bulk job and the email
// delivery run by graphile-worker (2 concurrent jobs, as `npm start` runs
// them), emails sent through the real postmark client to the fake Postmark
// (in a child process, counting messages without keeping them). Reports the
// time until every invitation row exists, until Postmark accepted every
// email, and this server process's peak memory (RSS, sampled every 100 ms).
// BENCH_CONCURRENCY=1 runs the jobs one at a time (the bulk first, then the emails).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { systemClock } from '../server/kernel/scope.ts';
import { openBenchDatabase } from './bench-database.ts';
import { PostmarkTransport } from '../server/email/email-transport.ts';
import { startWorker } from '../server/app/worker.ts';
import { createApp } from '../server/app/yoga.ts';
import { createClient } from '../server/database/connections.ts';

const { values } = parseArgs({ options: { profiles: { type: 'string', default: '100000' } } });
const count = Number(values.profiles);

// A fresh database per run, dropped at the end.
const db = await openBenchDatabase(`bench_invite_${randomBytes(4).toString('hex')}`, { maxConnections: 10 });
const { url, prisma } = db;

console.log(`Seeding ${count.toLocaleString('en-US')} profiles…`);
const key = generateApiKeySecret();
const organization = await prisma.organization.create({
  data: {
    name: 'Bench Corp',
    plan: 'ENTERPRISE',
    apiKeys: { create: { name: 'bench', role: 'ADMIN', prefix: key.prefix, secretHash: key.hash } },
  },
});
// Generated in SQL, so seeding leaves nothing in this process's memory.
await prisma.$executeRaw`
  INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
  SELECT gen_random_uuid(), ${organization.id}::uuid, 'First' || i, 'Last' || i, 'person.' || i || '@bench.parkpass.test',
         'first' || i || ' last' || i || ' person.' || i || '@bench.parkpass.test', 'last' || i || ' first' || i, now(), now()
  FROM generate_series(1, ${count}::int) AS i`;
await prisma.$executeRawUnsafe('VACUUM ANALYZE profile');

const child = fork(new URL('./fake-postmark-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
const ask = <T>(message?: string) =>
  new Promise<T>((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    if (message) child.send(message);
  });
const postmark = await ask<{ url: string; token: string }>();
const postmarkCount = () => ask<{ accepted: number; requests: number }>('count');
const settings = { publicUrl: 'http://localhost:4000', invitationTokenSecret: randomBytes(32).toString('base64url') };
const worker = await startWorker(
  {
    connectionString: url,
    prisma,
    clock: systemClock,
    transport: new PostmarkTransport(postmark.token, { apiUrl: postmark.url }),
    settings: { ...settings, from: 'Parkpass <no-reply@parkpass.test>' },
  },
  Number(process.env.BENCH_CONCURRENCY ?? 2),
);
const app = createApp({ prisma, databaseUrl: url, settings });

let peakRss = process.memoryUsage().rss;
const baselineRss = peakRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

console.log('Inviting…');
const started = performance.now();
const response = await app.fetch('http://bench/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
  body: JSON.stringify({
    query:
      'mutation { profilesInvite(input: { filter: { statuses: [NOT_INVITED] }, idempotencyKey: "bench" }) { __typename ... on ProfilesInvitePayload { bulkInvitation { state total } } ... on Error { message } } }',
  }),
});
const answered = performance.now() - started;
console.log(`Mutation answered in ${answered.toFixed(0)} ms: ${JSON.stringify((await response.json()).data)}`);

// Watch from a separate connection, as an outside observer would, through the
// bulk invitation's progress: each chunk commits its invitations and its
// counters together, so "invited" reaching N means every row exists. (Counting
// the invitation table ten times a second took about 7 % of the database's
// busy time on the 2 cores the bench measures.)
const observer = createClient('bench', { connectionString: url });
await observer.connect();
let rowsAt: number | null = null;
let emailsAt: number | null = null;
while (emailsAt === null || rowsAt === null) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const elapsed = performance.now() - started;
  if (rowsAt === null) {
    const { rows } = await observer.query<{ n: string }>('SELECT coalesce(sum(invited + reinvited), 0) AS n FROM bulk_invitation');
    if (Number(rows[0]!.n) >= count) rowsAt = elapsed;
  }
  const { accepted } = await postmarkCount();
  if (emailsAt === null && accepted >= count) emailsAt = elapsed;
  if (elapsed > 600_000) throw new Error(`Gave up after 10 minutes: ${accepted} emails accepted.`);
}
clearInterval(sampler);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
console.log(`\nBulk invitation of ${count.toLocaleString('en-US')} profiles (fake Postmark: ${(await postmarkCount()).requests} batch requests)`);
console.log(`  every invitation row written:   ${(rowsAt / 1000).toFixed(1)} s   (goal < 12 s)`);
console.log(`  every email accepted by Postmark: ${(emailsAt / 1000).toFixed(1)} s   (goal < 20 s)`);
console.log(`  peak RSS: ${mb(peakRss)} (before inviting: ${mb(baselineRss)})`);

await observer.end();
await worker.stop();
child.send('stop');
await db.drop();

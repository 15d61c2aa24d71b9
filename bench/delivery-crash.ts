// npm run bench:crash  (options: -- --profiles 20000 --kill-at 8,24 | --kill-after 5,25 --server-dir <a checkout>)
// The crash test: a bulk invitation of N people through a real
// server process (server/app/main.ts, jobs inside, emails through the real
// postmark client to the fake Postmark in its own process). When the fake
// Postmark has accepted batch 8 (then 24), it holds its answer, the server is
// killed with SIGKILL, the answer goes to a dead socket, and a new server
// process starts on the same database. At the end: emails Postmark accepted,
// distinct emails among them (Metadata.emailId), duplicates, emails lost
// (an invitation email the database holds that Postmark never accepted), and
// invitations per profile. `--kill-after 5,25` kills at those seconds after the
// mutation instead, wherever the server is (a bulk chunk, a claim, a send).
// `--server-dir` runs another checkout's server (its
// node_modules and generated Prisma client in place) to compare with the code
// before exactly-once delivery.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { benchDatabase, graphqlAt, type ParkpassProcess, startFakePostmarkProcess, startParkpassProcess } from './bench-processes.ts';
import { createClient } from '../server/database/connections.ts';

const { values } = parseArgs({
  options: {
    profiles: { type: 'string', default: '20000' },
    'kill-at': { type: 'string', default: '8,24' },
    'kill-after': { type: 'string' },
    'server-dir': { type: 'string', default: path.resolve(fileURLToPath(import.meta.url), '../..') },
    log: { type: 'boolean', default: false },
  },
});
const count = Number(values.profiles);
const killAt = values['kill-at'].split(',').map(Number);
const serverDir = path.resolve(values['server-dir']);
const port = Number(process.env.PORT ?? 4140);

const database = await benchDatabase('bench_crash');
const postmark = await startFakePostmarkProcess();
const env = {
  DATABASE_URL: database.url,
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  POSTMARK_SERVER_TOKEN: postmark.token,
  POSTMARK_API_URL: postmark.url,
  // Short waits so that the run ends in seconds; production keeps 30 s and 60 s (the fake's search has no lag).
  POSTMARK_TIMEOUT_SECONDS: '10',
  POSTMARK_SEARCH_DELAY_SECONDS: '2',
  INVITATION_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  PARKPASS_SEED_DEMO: 'false',
  PARKPASS_DATA_DIR: path.join(serverDir, '.data', 'bench-crash'),
  NODE_ENV: 'development',
};
let server: ParkpassProcess | null = null;
let starts = 0;
const startServer = async () => {
  server = await startParkpassProcess({ name: `server ${++starts}`, cwd: serverDir, command: 'server', env, log: values.log });
  return server;
};

console.log(`Server from ${serverDir}; database ${database.url.replace(/:[^:@/]+@/, ':***@')}`);
await startServer(); // migrates the database
const db = createClient('bench', { connectionString: database.url });
await db.connect();
const key = generateApiKeySecret();
const { rows: orgRows } = await db.query<{ id: string }>(
  `INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Crash Corp', 'ENTERPRISE', now()) RETURNING id`,
);
const organizationId = orgRows[0]!.id;
await db.query(`INSERT INTO api_key (id, organization_id, name, role, prefix, secret_hash) VALUES (gen_random_uuid(), $1, 'bench', 'ADMIN', $2, $3)`, [
  organizationId,
  key.prefix,
  key.hash,
]);
console.log(`Seeding ${count.toLocaleString('en-US')} profiles…`);
await db.query(
  `INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
   SELECT gen_random_uuid(), $1::uuid, 'First' || i, 'Last' || i, 'person.' || i || '@crash.parkpass.test',
          'first' || i || ' last' || i || ' person.' || i || '@crash.parkpass.test', 'last' || i || ' first' || i, now(), now()
   FROM generate_series(1, $2::int) AS i`,
  [organizationId, count],
);
await db.query('VACUUM ANALYZE profile');

const kills: string[] = [];
let restarting: Promise<unknown> = Promise.resolve();
const crash = async (when: string) => {
  await restarting;
  const victim = server!;
  const started = performance.now();
  await victim.kill9();
  kills.push(`kill -9 of ${victim.name} (pid ${victim.pid}) ${when}`);
  // The next server starts on the same database; its worker resumes the bulk invitation and the delivery.
  restarting = startServer().then(() =>
    console.log(`  ${victim.name} killed ${when}; ${server!.name} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`),
  );
};
const killAfter = values['kill-after']?.split(',').map(Number);
if (!killAfter) postmark.hold(killAt, (batch) => crash(`while Postmark's answer to batch ${batch} was in flight`));

console.log('Inviting…');
const started = performance.now();
const answer = await graphqlAt(
  port,
  key.secret,
  'mutation { profilesInvite(input: { filter: { statuses: [NOT_INVITED] }, idempotencyKey: "crash-bench" }) { __typename ... on ProfilesInvitePayload { bulkInvitation { state total } } ... on Error { message } } }',
);
console.log(`  ${JSON.stringify(answer.data ?? answer.errors)}`);
for (const seconds of killAfter ?? []) setTimeout(() => void crash(`${seconds} s after the mutation`), seconds * 1000 - (performance.now() - started));

// Done: the bulk invitation completed and no email is left to send (QUEUED, or SENDING in the new code).
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const { rows } = await db.query<{ bulk: string | null; pending: string; invitations: string }>(
    `SELECT (SELECT state::text FROM bulk_invitation WHERE organization_id = $1) AS bulk,
            (SELECT count(*) FROM email WHERE organization_id = $1 AND state::text IN ('QUEUED', 'SENDING')) AS pending,
            (SELECT count(*) FROM invitation WHERE organization_id = $1) AS invitations`,
    [organizationId],
  );
  const { bulk, pending, invitations } = rows[0]!;
  if (bulk === 'COMPLETED' && Number(pending) === 0 && Number(invitations) >= count) break;
  if (performance.now() - started > 900_000) throw new Error(`Gave up after 15 minutes: bulk ${bulk}, ${pending} emails pending, ${invitations} invitations.`);
}
const elapsed = (performance.now() - started) / 1000;

const stats = await postmark.stats();
const accepted = new Set(stats.emailIds);
const { rows: emailRows } = await db.query<{ id: string; state: string }>(
  `SELECT id, state::text FROM email WHERE organization_id = $1 AND kind = 'INVITATION'`,
  [organizationId],
);
const lost = emailRows.filter((row) => !accepted.has(row.id));
const { rows: inviteRows } = await db.query<{ profiles: string; invited: string; twice: string; pending: string }>(
  `SELECT count(*) AS profiles,
          count(*) FILTER (WHERE n > 0) AS invited,
          count(*) FILTER (WHERE n > 1) AS twice,
          count(*) FILTER (WHERE status = 'PENDING') AS pending
   FROM (SELECT p.status, (SELECT count(*) FROM invitation i WHERE i.profile_id = p.id) AS n FROM profile p WHERE p.organization_id = $1) AS per_profile`,
  [organizationId],
);
const { rows: stateRows } = await db.query<{ state: string; n: string }>(
  `SELECT state::text, count(*) AS n FROM email WHERE organization_id = $1 GROUP BY 1 ORDER BY 1`,
  [organizationId],
);

const n = (value: number | string) => Number(value).toLocaleString('en-US');
console.log(`\nCrash test: bulk invitation of ${n(count)} profiles, ${kills.length} × kill -9, done in ${elapsed.toFixed(1)} s`);
for (const kill of kills) console.log(`  ${kill}`);
console.log(`  invitation emails in the database: ${n(emailRows.length)} (${stateRows.map((row) => `${row.state} ${n(row.n)}`).join(', ')})`);
console.log(`  messages Postmark accepted:        ${n(stats.accepted)} for ${n(accepted.size)} distinct emails`);
console.log(`  duplicates (sent twice or more):   ${n(stats.duplicates)}`);
console.log(
  `  lost (never accepted by Postmark):  ${n(lost.length)}${lost.length ? ` (states: ${[...new Set(lost.map((row) => row.state))].join(', ')})` : ''}`,
);
console.log(
  `  profiles invited: ${n(inviteRows[0]!.invited)} of ${n(inviteRows[0]!.profiles)} (PENDING ${n(inviteRows[0]!.pending)}), invited twice: ${n(inviteRows[0]!.twice)}`,
);

await db.end();
await (server as ParkpassProcess | null)?.stop();
await postmark.stop();
await database.drop();

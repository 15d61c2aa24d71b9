// npm run bench:scale-out  (options: -- --profiles 10000 --singles 300)
// Two stateless API servers (server/app/main.ts with PARKPASS_RUN_WORKER=false, on
// PORT and PORT + 1) and two workers (`npm run worker`), all on one database,
// emails through the real postmark client to the fake Postmark (its own
// process; each worker signs its emails with its own From, to see who sent
// what). At the same moment, through both servers:
//   - the same bulk invitation (same idempotency key) twice on each server;
//   - another bulk invitation of everyone (another key) on each server;
//   - invite-one of the same `singles` profiles on both servers at once (ten profiles at a time).
// Then: bulk invitations written, invitations per profile, messages Postmark
// accepted per email (duplicates) and emails never accepted (lost).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { benchDatabase, graphqlAt, type ParkpassProcess, startFakePostmarkProcess, startParkpassProcess } from './bench-processes.ts';
import { createClient } from '../server/database/connections.ts';

const { values } = parseArgs({
  options: {
    profiles: { type: 'string', default: '10000' },
    singles: { type: 'string', default: '300' },
    log: { type: 'boolean', default: false },
  },
});
const count = Number(values.profiles);
const singles = Number(values.singles);
const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const ports = [Number(process.env.PORT ?? 4140), Number(process.env.PORT ?? 4140) + 1];

const database = await benchDatabase('bench_scale_out');
const postmark = await startFakePostmarkProcess();
const env = (extra: Record<string, string>) => ({
  DATABASE_URL: database.url,
  HOST: '127.0.0.1',
  POSTMARK_SERVER_TOKEN: postmark.token,
  POSTMARK_API_URL: postmark.url,
  INVITATION_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  PARKPASS_SEED_DEMO: 'false',
  PARKPASS_RUN_WORKER: 'false',
  PARKPASS_DATA_DIR: path.join(root, '.data', 'bench-scale-out'),
  NODE_ENV: 'development',
  ...extra,
});
const secret = randomBytes(32).toString('base64url');
const serverEnv = (port: number) => env({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, INVITATION_TOKEN_SECRET: secret });
const workerEnv = (n: number) => env({ INVITATION_TOKEN_SECRET: secret, EMAIL_FROM: `Parkpass worker ${n} <no-reply@parkpass.test>` });

// The first server migrates; the others start on the migrated database.
const processes: ParkpassProcess[] = [
  await startParkpassProcess({ name: 'server A', cwd: root, command: 'server', env: serverEnv(ports[0]!), log: values.log }),
];
processes.push(
  ...(await Promise.all([
    startParkpassProcess({ name: 'server B', cwd: root, command: 'server', env: serverEnv(ports[1]!), log: values.log }),
    startParkpassProcess({ name: 'worker 1', cwd: root, command: 'worker', env: workerEnv(1), log: values.log }),
    startParkpassProcess({ name: 'worker 2', cwd: root, command: 'worker', env: workerEnv(2), log: values.log }),
  ])),
);
console.log(`Running: ${processes.map((process) => `${process.name} (pid ${process.pid})`).join(', ')}`);

const db = createClient('bench', { connectionString: database.url });
await db.connect();
const key = generateApiKeySecret();
const { rows: orgRows } = await db.query<{ id: string }>(
  `INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Scale Corp', 'ENTERPRISE', now()) RETURNING id`,
);
const organizationId = orgRows[0]!.id;
await db.query(`INSERT INTO api_key (id, organization_id, name, role, prefix, secret_hash) VALUES (gen_random_uuid(), $1, 'bench', 'ADMIN', $2, $3)`, [
  organizationId,
  key.prefix,
  key.hash,
]);
await db.query(
  `INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
   SELECT gen_random_uuid(), $1::uuid, 'First' || i, 'Last' || i, 'person.' || i || '@scale.parkpass.test',
          'first' || i || ' last' || i || ' person.' || i || '@scale.parkpass.test', 'last' || i || ' first' || i, now(), now()
   FROM generate_series(1, $2::int) AS i`,
  [organizationId, count],
);
await db.query('VACUUM ANALYZE profile');
const { rows: singleRows } = await db.query<{ id: string }>(`SELECT id FROM profile WHERE organization_id = $1 ORDER BY random() LIMIT $2`, [
  organizationId,
  singles,
]);
const profileGlobalId = (id: string) => Buffer.from(`Profile:${id}`).toString('base64');

const BULK = `mutation ($key: String!, $filter: ProfileFilter!) { profilesInvite(input: { filter: $filter, idempotencyKey: $key }) {
  __typename ... on ProfilesInvitePayload { bulkInvitation { id } } ... on Error { code message } } }`;
const ONE = `mutation ($id: ID!) { profileInvite(input: { profileId: $id }) { __typename ... on Error { code } } }`;
console.log(`Inviting ${count.toLocaleString('en-US')} profiles through both servers at once…`);
const started = performance.now();
const calls: Promise<{ data?: any; errors?: unknown }>[] = [];
for (const port of ports) {
  calls.push(graphqlAt(port, key.secret, BULK, { key: 'same-request', filter: { statuses: ['NOT_INVITED'] } }));
  calls.push(graphqlAt(port, key.secret, BULK, { key: 'same-request', filter: { statuses: ['NOT_INVITED'] } }));
  calls.push(graphqlAt(port, key.secret, BULK, { key: `everyone-via-${port}`, filter: {} }));
}
// Invite-one of the same profile on both servers at the same moment, ten profiles at a time (more at once
// exhausts each server's pool of 10 database connections while the bulk runs hold profile locks: see docs/benchmarks.md).
const queue = [...singleRows];
const pairs = Array.from({ length: 10 }, async () => {
  const answered: { data?: any; errors?: unknown }[] = [];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { id } = next;
    answered.push(...(await Promise.all(ports.map((port) => graphqlAt(port, key.secret, ONE, { id: profileGlobalId(id) })))));
  }
  return answered;
});
const answers = [...(await Promise.all(calls)), ...(await Promise.all(pairs)).flat()];
const bulkIds = new Set(answers.flatMap((answer) => (answer.data?.profilesInvite?.bulkInvitation ? [answer.data.profilesInvite.bulkInvitation.id] : [])));
const singleOutcomes = new Map<string, number>();
for (const answer of answers) {
  const typename = answer.data?.profileInvite?.__typename ?? (answer.data?.profilesInvite ? null : `error: ${JSON.stringify(answer.errors)}`);
  if (typename) singleOutcomes.set(typename, (singleOutcomes.get(typename) ?? 0) + 1);
}

for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const { rows } = await db.query<{ running: string; pending: string }>(
    `SELECT (SELECT count(*) FROM bulk_invitation WHERE organization_id = $1 AND state NOT IN ('COMPLETED', 'FAILED')) AS running,
            (SELECT count(*) FROM email WHERE organization_id = $1 AND state IN ('QUEUED', 'SENDING')) AS pending`,
    [organizationId],
  );
  if (Number(rows[0]!.running) === 0 && Number(rows[0]!.pending) === 0) break;
  if (performance.now() - started > 900_000) throw new Error(`Gave up after 15 minutes: ${JSON.stringify(rows[0])}`);
}
const elapsed = (performance.now() - started) / 1000;

const stats = await postmark.stats();
const accepted = new Set(stats.emailIds);
const { rows: emails } = await db.query<{ id: string }>(`SELECT id FROM email WHERE organization_id = $1`, [organizationId]);
const lost = emails.filter((email) => !accepted.has(email.id)).length;
const { rows: bulks } = await db.query<{ idempotency_key: string; state: string; invited: number; skipped: Record<string, number> }>(
  `SELECT idempotency_key, state::text, invited + reinvited AS invited, skipped
   FROM bulk_invitation WHERE organization_id = $1 ORDER BY idempotency_key`,
  [organizationId],
);
const { rows: perProfile } = await db.query<{ invited: string; twice: string; max: number }>(
  `SELECT count(*) FILTER (WHERE n > 0) AS invited, count(*) FILTER (WHERE n > 1) AS twice, max(n)::int AS max
   FROM (SELECT (SELECT count(*) FROM invitation i WHERE i.profile_id = p.id) AS n FROM profile p WHERE p.organization_id = $1) AS per_profile`,
  [organizationId],
);
const bySender = await postmark.senders();

const n = (value: number | string) => Number(value).toLocaleString('en-US');
console.log(`\nScale-out: 2 servers + 2 workers on one database, ${n(count)} profiles, done in ${elapsed.toFixed(1)} s`);
console.log(`  bulk invitations written: ${bulks.length} (ids answered: ${bulkIds.size})`);
for (const bulk of bulks) console.log(`    ${bulk.idempotency_key}: ${bulk.state}, invited ${n(bulk.invited)}, skipped ${JSON.stringify(bulk.skipped)}`);
console.log(`  invite-one answers: ${[...singleOutcomes].map(([name, times]) => `${name} ${n(times)}`).join(', ')}`);
console.log(
  `  profiles invited: ${n(perProfile[0]!.invited)} of ${n(count)}; invited twice: ${n(perProfile[0]!.twice)} (most invitations of one profile: ${perProfile[0]!.max})`,
);
console.log(`  emails: ${n(emails.length)}; Postmark accepted ${n(stats.accepted)} messages for ${n(accepted.size)} distinct emails`);
console.log(`  duplicates: ${n(stats.duplicates)}; lost: ${n(lost)}`);
console.log(`  sent by: ${[...bySender].map(([from, times]) => `${from} ${n(times)}`).join(', ')}`);

await db.end();
await Promise.all(processes.map((process) => process.stop()));
await postmark.stop();
await database.drop();

// npm run bench:failover  (options: -- --profiles 10000 --warm 2000 --writes 200 --clients 4 --log; the server on PARKPASS_BENCH_HTTP_PORT, else a free port)
// The failover drill, once with asynchronous and once with synchronous
// replication (synchronous_standby_names = the replica, synchronous_commit on),
// each on a durable primary of its own (fsync on) and a streaming replica made
// from it. PgBouncer in front: `parkpass` in transaction mode (DATABASE_URL),
// `parkpass_session` in session mode (DIRECT_DATABASE_URL); a server
// (server/app/main.ts, PARKPASS_RUN_WORKER=false) and a worker (`npm run
// worker`) reach PostgreSQL only through it. Per mode:
//   1. the cost of replication, no failover: `writes` profileCreate one after
//      another (p50/p95), and a bulk invitation of `warm` profiles (rows/s);
//   2. the drill: `clients` callers creating profiles without pause, a bulk
//      invitation of `profiles`; once a fifth of it is written, the primary
//      crashes (immediate shutdown), the replica is promoted, PgBouncer is
//      re-pointed at it and RELOADed. Then: acknowledged writes lost,
//      duplicate emails, seconds of refusals, requests refused.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { withClient } from '../server/database/connections.ts';
import { startEmbeddedPostgres } from '../server/database/embedded-postgres.ts';
import { freePort, portFromEnvironment } from '../server/database/free-port.ts';
import { bootstrapDatabase, withDatabase } from '../server/database/index.ts';
import { startPgBouncer } from '../server/test/pgbouncer.ts';
import { crashPostgres, startReplica } from '../server/test/replica.ts';
import { machineLine, quantile } from './bench-kit.ts';
import { startFakePostmarkProcess, startParkpassProcess } from './bench-processes.ts';

const { values } = parseArgs({
  options: {
    profiles: { type: 'string', default: '10000' },
    warm: { type: 'string', default: '2000' },
    writes: { type: 'string', default: '200' },
    clients: { type: 'string', default: '4' },
    log: { type: 'boolean', default: false },
  },
});
const PROFILES = Number(values.profiles);
const WARM = Number(values.warm);
const WRITES = Number(values.writes);
const CLIENTS = Number(values.clients);
const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const PORT = await portFromEnvironment('PARKPASS_BENCH_HTTP_PORT');

const CREATE = `mutation ($input: ProfileCreateInput!) { profileCreate(input: $input) { __typename ... on Error { code } } }`;
const INVITE = `mutation ($input: ProfilesInviteInput!) { profilesInvite(input: $input) { __typename ... on Error { code message } } }`;

interface Result {
  mode: 'async' | 'sync';
  writeP50: number;
  writeP95: number;
  bulkRowsPerSecond: number;
  acknowledged: number;
  acknowledgedLost: number;
  seenInvitationsLost: number;
  invitedTwice: number;
  duplicateEmails: number;
  emailsMissing: number;
  requests: number;
  refused: number;
  refusalSeconds: number;
  recoverySeconds: number;
  drillSeconds: number;
  bulkState: string;
  /** From the re-point to the bulk invitation completed and every email sent. */
  bulkDoneSeconds: number;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rows = <Row>(url: string, sql: string, params: unknown[] = []) =>
  withClient('bench', url, async (client) => (await client.query(sql, params)).rows as Row[]);

async function post(query: string, variables: Record<string, unknown>, secret: string) {
  try {
    const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: { errors: [{ extensions: { code: String((error as Error).message) } }] } };
  }
}

/** Whether `check` held within `seconds`, asked every 250 ms (a database's state has no event to await). */
async function within(seconds: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + seconds * 1000;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (performance.now() > deadline) return false;
    await wait(250);
  }
}

/** Waits for `check` (see `within`); fails naming `what` if it did not hold within `seconds`. */
async function until(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  if (!(await within(seconds, check))) throw new Error(`Not within ${seconds} s: ${what}`);
}

let lastStep = performance.now();
/** A step of the drill, with the seconds since the previous one: where a slow run spends its time. */
function step(mode: string, text: string) {
  const now = performance.now();
  console.log(`${mode}: ${text} (+${((now - lastStep) / 1000).toFixed(1)} s)`);
  lastStep = now;
}

async function drill(mode: 'async' | 'sync'): Promise<Result> {
  console.log(`\n${mode}: starting a primary, its replica, PgBouncer, a server and a worker…`);
  const primaryDir = path.join(root, '.data', `bench-failover-${mode}-${randomBytes(4).toString('hex')}`);
  // Durable (fsync on), as a production primary: what a synchronous commit waits for is the replica's flush.
  const primary = await startEmbeddedPostgres({ dataDir: primaryDir, port: await freePort() });
  const database = await bootstrapDatabase({ serverUrl: primary.url, database: 'parkpass', prisma: false });
  const primaryUrl = database.url;
  const key = generateApiKeySecret();
  await withClient('bench', primaryUrl, async (client) => {
    const { rows: org } = await client.query<{ id: string }>(
      `INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Failover Corp', 'ENTERPRISE', now()) RETURNING id`,
    );
    await client.query(`INSERT INTO api_key (id, organization_id, name, role, prefix, secret_hash) VALUES (gen_random_uuid(), $1, 'bench', 'ADMIN', $2, $3)`, [
      org[0]!.id,
      key.prefix,
      key.hash,
    ]);
    for (const [group, count] of [
      ['warm', WARM],
      ['drill', PROFILES],
    ] as const) {
      await client.query(
        `INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, 'First' || i, 'Last' || i, 'person.' || i || '@${group}.failover.test',
                'first' || i || ' last' || i || ' person.' || i || '@${group}.failover.test', 'last' || i || ' first' || i, now(), now()
         FROM generate_series(1, $2::int) AS i`,
        [org[0]!.id, count],
      );
    }
    await client.query('VACUUM ANALYZE profile');
  });
  await database.close();
  step(mode, `primary up, ${WARM + PROFILES} profiles written`);
  const replica = await startReplica({ primaryUrl: primary.url, primaryDir, dataDir: `${primaryDir}-replica`, port: await freePort() });
  await replica.caughtUp(primaryUrl);
  step(mode, 'replica up and caught up');
  if (mode === 'sync') {
    await withClient('bench', primary.url, async (client) => {
      await client.query(`ALTER SYSTEM SET synchronous_standby_names = '"parkpass-replica"'`);
      await client.query('SELECT pg_reload_conf()');
    });
  }
  const expected = mode === 'sync' ? 'sync' : 'async';
  await until(
    `the replica ${expected} in pg_stat_replication`,
    30,
    async () => (await rows<{ s: string }>(primary.url, 'SELECT sync_state AS s FROM pg_stat_replication'))[0]?.s === expected,
  );
  const pooler = await startPgBouncer({
    serverUrl: primary.url,
    poolSize: 40,
    databases: { parkpass: { dbname: 'parkpass', poolMode: 'transaction' }, parkpass_session: { dbname: 'parkpass', poolMode: 'session' } },
  });
  const postmark = await startFakePostmarkProcess();
  const env = {
    DATABASE_URL: pooler.urlOf('parkpass'),
    DIRECT_DATABASE_URL: pooler.urlOf('parkpass_session'),
    HOST: '127.0.0.1',
    PORT: String(PORT),
    PUBLIC_URL: `http://127.0.0.1:${PORT}`,
    POSTMARK_SERVER_TOKEN: postmark.token,
    POSTMARK_API_URL: postmark.url,
    INVITATION_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    PARKPASS_SEED_DEMO: 'false',
    PARKPASS_RUN_WORKER: 'false',
    PARKPASS_DATA_DIR: path.join(root, '.data', 'bench-failover'),
    NODE_ENV: 'development',
  };
  const server = await startParkpassProcess({ name: `server (${mode})`, cwd: root, command: 'server', env, log: values.log });
  const worker = await startParkpassProcess({ name: `worker (${mode})`, cwd: root, command: 'worker', env, log: values.log });
  step(mode, 'PgBouncer, server and worker ready');
  const bulkDone = (url: string, idempotencyKey: string) =>
    within(900, async () => {
      const [row] = await rows<{ state: string; pending: number }>(
        url,
        `SELECT (SELECT state::text FROM bulk_invitation WHERE idempotency_key = $1) AS state,
                (SELECT count(*)::int FROM email WHERE state IN ('QUEUED', 'SENDING')) AS pending`,
        [idempotencyKey],
      );
      return row?.state === 'COMPLETED' && row.pending === 0;
    });

  // 1. The cost of replication, no failover.
  const writeTimes: number[] = [];
  for (let n = 0; n < WRITES; n++) {
    const started = performance.now();
    const { body } = await post(CREATE, { input: { email: `timed.${n}@live.failover.test`, firstName: 'Timed', lastName: `N${n}` } }, key.secret);
    if (body.data?.profileCreate?.__typename !== 'ProfilePayload') throw new Error(JSON.stringify(body));
    writeTimes.push(performance.now() - started);
  }
  const warmStarted = performance.now();
  const warm = await post(INVITE, { input: { filter: { search: 'warm.failover.test' }, idempotencyKey: 'warm' } }, key.secret);
  if (warm.body.data?.profilesInvite?.__typename !== 'ProfilesInvitePayload') throw new Error(JSON.stringify(warm.body));
  await until('the warm-up bulk invitation completed', 600, async () => {
    const [row] = await rows<{ state: string }>(primaryUrl, `SELECT state::text FROM bulk_invitation WHERE idempotency_key = 'warm'`);
    return row?.state === 'COMPLETED';
  });
  const bulkRowsPerSecond = WARM / ((performance.now() - warmStarted) / 1000);
  if (!(await bulkDone(primaryUrl, 'warm'))) throw new Error(`Not within 900 s: the warm-up bulk invitation's emails sent`);
  step(mode, `profileCreate p50 ${quantile(writeTimes, 0.5).toFixed(1)} ms, bulk ${bulkRowsPerSecond.toFixed(0)} rows/s; the drill…`);

  // 2. The drill.
  const answers: { at: number; ok: boolean; outcome: string }[] = [];
  const acknowledged: string[] = [];
  let running = true;
  const loads = Array.from({ length: CLIENTS }, async (_, client) => {
    for (let n = 0; running; n++) {
      const email = `c${client}.${n}@live.failover.test`;
      const { status, body } = await post(CREATE, { input: { email, firstName: `C${client}`, lastName: `N${n}` } }, key.secret);
      const ok = body.data?.profileCreate?.__typename === 'ProfilePayload';
      answers.push({ at: performance.now(), ok, outcome: ok ? 'ok' : `${status} ${body.data?.profileCreate?.code ?? body.errors?.[0]?.extensions?.code}` });
      if (ok) acknowledged.push(email);
    }
  });
  const drillStarted = performance.now();
  const invite = await post(INVITE, { input: { filter: { search: 'drill.failover.test' }, idempotencyKey: 'drill' } }, key.secret);
  if (invite.body.data?.profilesInvite?.__typename !== 'ProfilesInvitePayload') throw new Error(JSON.stringify(invite.body));
  await until(`a fifth of the bulk invitation written (${PROFILES / 5} invitations)`, 600, async () => {
    const [row] = await rows<{ n: number }>(
      primaryUrl,
      `SELECT count(*)::int AS n FROM invitation i JOIN profile p ON p.id = i.profile_id WHERE p.email LIKE '%@drill.failover.test'`,
    );
    return row!.n >= PROFILES / 5;
  });
  const seenBefore = await rows<{ id: string }>(primaryUrl, 'SELECT id FROM invitation');
  const crashedAt = performance.now();
  await crashPostgres(primaryDir);
  await replica.promote();
  await pooler.repoint(replica.url);
  const repointedAt = performance.now();
  step(mode, `crashed, promoted and re-pointed in ${((repointedAt - crashedAt) / 1000).toFixed(1)} s`);
  const newPrimary = withDatabase(replica.url, 'parkpass');
  const completed = await bulkDone(newPrimary, 'drill');
  const bulkDoneSeconds = (performance.now() - repointedAt) / 1000;
  step(mode, completed ? 'the bulk invitation completed and its emails sent' : 'the bulk invitation NOT completed in 15 min');
  await until('a profile created after the re-point', 60, async () => answers.some((answer) => answer.at > repointedAt && answer.ok));
  running = false;
  await Promise.all(loads);
  const drillSeconds = (performance.now() - drillStarted) / 1000;

  const invitations = new Set((await rows<{ id: string }>(newPrimary, 'SELECT id FROM invitation')).map((row) => row.id));
  const profiles = new Set(
    (await rows<{ email: string }>(newPrimary, `SELECT email FROM profile WHERE email LIKE '%@live.failover.test'`)).map((row) => row.email),
  );
  const [perProfile] = await rows<{ twice: number }>(
    newPrimary,
    `SELECT count(*) FILTER (WHERE n > 1)::int AS twice
     FROM (SELECT (SELECT count(*) FROM invitation i WHERE i.profile_id = p.id) AS n FROM profile p WHERE p.email LIKE '%@drill.failover.test') AS per_profile`,
  );
  const [state] = await rows<{ state: string }>(newPrimary, `SELECT state::text FROM bulk_invitation WHERE idempotency_key = 'drill'`);
  const stats = await postmark.stats();
  const refused = answers.filter((answer) => !answer.ok);
  const firstOkAfter = answers.find((answer) => answer.at > repointedAt && answer.ok);
  const outcomes = new Map<string, number>();
  for (const answer of refused) outcomes.set(answer.outcome, (outcomes.get(answer.outcome) ?? 0) + 1);
  console.log(`${mode}: refusals by answer: ${JSON.stringify(Object.fromEntries(outcomes))}`);

  await Promise.all([server.stop(), worker.stop()]);
  await postmark.stop();
  await pooler.stop();
  await replica.stop();
  await rm(primaryDir, { recursive: true, force: true });
  return {
    mode,
    writeP50: quantile(writeTimes, 0.5),
    writeP95: quantile(writeTimes, 0.95),
    bulkRowsPerSecond,
    acknowledged: acknowledged.length,
    acknowledgedLost: acknowledged.filter((email) => !profiles.has(email)).length,
    seenInvitationsLost: seenBefore.filter((row) => !invitations.has(row.id)).length,
    invitedTwice: perProfile!.twice,
    duplicateEmails: stats.recipientDuplicates,
    emailsMissing: WARM + PROFILES - (stats.accepted - stats.recipientDuplicates),
    requests: answers.length,
    refused: refused.length,
    refusalSeconds: refused.length ? (refused.at(-1)!.at - refused[0]!.at) / 1000 : 0,
    recoverySeconds: firstOkAfter ? (firstOkAfter.at - crashedAt) / 1000 : Number.NaN,
    drillSeconds,
    bulkState: completed ? state!.state : `${state?.state ?? 'missing'} (not completed in 15 min)`,
    bulkDoneSeconds,
  };
}

const results = [await drill('async'), await drill('sync')];
const [a, s] = results as [Result, Result];
const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const table: [string, (result: Result) => string][] = [
  ['profileCreate p50 / p95, no failover (ms)', (r) => `${n(r.writeP50, 1)} / ${n(r.writeP95, 1)}`],
  [`bulk invitation of ${n(WARM)}, no failover (rows/s)`, (r) => n(r.bulkRowsPerSecond)],
  [`profiles created and acknowledged during the drill`, (r) => n(r.acknowledged)],
  ['acknowledged writes lost', (r) => n(r.acknowledgedLost)],
  ['invitations seen before the crash, lost', (r) => n(r.seenInvitationsLost)],
  [`bulk invitation of ${n(PROFILES)} after the failover`, (r) => r.bulkState],
  ['profiles invited twice', (r) => n(r.invitedTwice)],
  ['duplicate emails (to one address)', (r) => n(r.duplicateEmails)],
  ['emails never sent', (r) => n(r.emailsMissing)],
  ['requests refused / sent', (r) => `${n(r.refused)} / ${n(r.requests)}`],
  ['seconds of refusals (first to last refused)', (r) => n(r.refusalSeconds, 1)],
  ['seconds from the crash to the first success', (r) => n(r.recoverySeconds, 1)],
  ['seconds from the re-point to the bulk invitation done, every email sent', (r) => n(r.bulkDoneSeconds, 1)],
];
console.log(`\nFailover drill: ${n(PROFILES)} profiles invited in bulk, ${CLIENTS} callers creating profiles, primary crashed at 20 %`);
console.log('| | asynchronous | synchronous |\n| --- | --- | --- |');
for (const [label, value] of table) console.log(`| ${label} | ${value(a)} | ${value(s)} |`);
console.log(`\n${machineLine()}`);

import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { generateApiKeySecret } from '../auth/api-keys.ts';
import { ProfileCreateDocument, ProfilesInviteDocument } from '../../sdk/src/generated/graphql.ts';
import { type FakePostmark, startFakePostmark } from '../test/fake-postmark.ts';
import { documentText } from '../test/operations.ts';
import { type RunningPgBouncer, startPgBouncer } from '../test/pgbouncer.ts';
import { type BuiltServer, PRODUCTION_ENV, startBuiltServerOn, startBuiltWorker } from '../test/production.ts';
import { crashPostgres, type RunningReplica, startReplica } from '../test/replica.ts';
import { withClient } from './connections.ts';
import { type RunningPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';
import { freePort } from './free-port.ts';
import { bootstrapDatabase, withDatabase } from './index.ts';
import { dataDir } from './paths.ts';

// A failover under load. A primary of this file's own and a streaming replica
// in synchronous replication (synchronous_standby_names, synchronous_commit
// on); PgBouncer in front with two entries for the one database: `parkpass`
// in transaction mode (DATABASE_URL: Prisma) and `parkpass_session` in
// session mode (DIRECT_DATABASE_URL: migrations, graphile-worker, LISTEN,
// the rate limits). The built server and the built worker reach PostgreSQL
// only through PgBouncer, so re-pointing PgBouncer moves everything. While a
// bulk invitation runs and profiles are created, the primary crashes
// (immediate shutdown), the replica is promoted, PgBouncer is re-pointed at it
// and RELOADed; the server and the worker carry on without a restart. The
// crash also falls between an email batch's request and the record of its
// answer (the fake Postmark holds its answer until the primary is gone): the
// worker knows what Postmark accepted and must record it once the database is
// back, not leave it for the reconciliation a minute or more later.

/** Two chunks of the bulk invitation (2,500 profiles a transaction): the primary crashes while the second is written. */
const PROFILES = 5_000;
/** Seconds from PgBouncer's re-point to the first request answered again, at most. */
const RECOVERY_SECONDS = 20;
const UNHANDLED = /unhandled|uncaught/i;

let primaryDir: string;
let primary: RunningPostgres;
let primaryUrl: string;
let replica: RunningReplica;
let pooler: RunningPgBouncer;
let postmark: FakePostmark;
let server: BuiltServer;
let worker: BuiltServer;
let crashed = false;
const key = generateApiKeySecret();

beforeAll(async () => {
  primaryDir = path.join(dataDir, `failover-primary-${randomBytes(4).toString('hex')}`);
  primary = await startEmbeddedPostgres({ dataDir: primaryDir, port: await freePort(), fast: true });
  const database = await bootstrapDatabase({ serverUrl: primary.url, database: 'parkpass', prisma: false });
  primaryUrl = database.url;
  await withClient('test', primaryUrl, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Failover Corp', 'ENTERPRISE', now()) RETURNING id`,
    );
    const organizationId = rows[0]!.id;
    await client.query(`INSERT INTO api_key (id, organization_id, name, role, prefix, secret_hash) VALUES (gen_random_uuid(), $1, 'drill', 'ADMIN', $2, $3)`, [
      organizationId,
      key.prefix,
      key.hash,
    ]);
    await client.query(
      `INSERT INTO profile (id, organization_id, first_name, last_name, email, search_text, sort_name, created_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, 'First' || i, 'Last' || i, 'person.' || i || '@bulk.failover.test',
              'first' || i || ' last' || i || ' person.' || i || '@bulk.failover.test', 'last' || i || ' first' || i, now(), now()
       FROM generate_series(1, $2::int) AS i`,
      [organizationId, PROFILES],
    );
  });
  await database.close();

  replica = await startReplica({ primaryUrl: primary.url, primaryDir, dataDir: `${primaryDir}-replica`, port: await freePort() });
  await replica.caughtUp(primaryUrl);
  // Synchronous replication: a commit is acknowledged (and seen by others) once the replica has it on disk.
  // The tests' cluster runs with synchronous_commit=off on its command line: the database's own setting wins over it.
  await withClient('test', primaryUrl, async (client) => {
    await client.query(`ALTER SYSTEM SET synchronous_standby_names = '"parkpass-replica"'`);
    await client.query('SELECT pg_reload_conf()');
    await client.query(`ALTER DATABASE parkpass SET synchronous_commit = 'on'`);
  });
  await until('the replica is synchronous', 30, async () => {
    const rows = await onPrimary<{ sync_state: string }>(primary.url, 'SELECT sync_state FROM pg_stat_replication');
    return rows.length === 1 && rows[0]!.sync_state === 'sync';
  });

  // Session mode holds a server connection per client: room for the worker's and the server's direct connections.
  pooler = await startPgBouncer({
    serverUrl: primary.url,
    poolSize: 40,
    databases: { parkpass: { dbname: 'parkpass', poolMode: 'transaction' }, parkpass_session: { dbname: 'parkpass', poolMode: 'session' } },
  });
  postmark = await startFakePostmark({ token: PRODUCTION_ENV.POSTMARK_SERVER_TOKEN, keepMessages: false });
  const env = { DIRECT_DATABASE_URL: pooler.urlOf('parkpass_session'), POSTMARK_API_URL: postmark.url, PARKPASS_RUN_WORKER: 'false' };
  server = await startBuiltServerOn(pooler.urlOf('parkpass'), env);
  worker = await startBuiltWorker(pooler.urlOf('parkpass'), env);
});

afterAll(async () => {
  await Promise.all([server?.stop(), worker?.stop()]);
  await postmark?.close();
  await pooler?.stop();
  await replica?.stop();
  // A crashed primary's process is gone: only its folder is left.
  if (!crashed) await primary?.stop();
  if (primaryDir) await rm(primaryDir, { recursive: true, force: true });
});

interface Answer {
  at: number;
  status: number;
  /** The mutation's typename, or the error code. */
  outcome: string;
}

async function post(query: string, variables: Record<string, unknown>): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

/** Profiles created one after another until `stop()`: every answer, and the emails of those acknowledged. */
function steadyLoad(name: string) {
  const answers: Answer[] = [];
  const acknowledged: string[] = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      const email = `${name}.${n}@live.failover.test`;
      const { status, body } = await post(documentText(ProfileCreateDocument), { input: { email, firstName: name, lastName: `N${n}` } });
      const result = body.data?.profileCreate;
      const outcome = result?.__typename === 'ProfilePayload' ? 'ProfilePayload' : (result?.code ?? body.errors?.[0]?.extensions?.code ?? `HTTP ${status}`);
      answers.push({ at: performance.now(), status, outcome });
      if (outcome === 'ProfilePayload') acknowledged.push(email);
    }
  })();
  return {
    answers,
    acknowledged,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function onPrimary<Row>(url: string, sql: string, values: unknown[] = []): Promise<Row[]> {
  return withClient('test', url, async (client) => (await client.query(sql, values)).rows as Row[]);
}

/** Waits for `check` to hold, asking again every 100 ms (a database's state has no event to await), for up to `seconds`. */
async function until(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`Not within ${seconds} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('failover to a synchronous replica behind PgBouncer', () => {
  it('loses nothing acknowledged, sends no email twice, and answers again within seconds without a restart', { timeout: 90_000 }, async () => {
    const loads = [steadyLoad('alpha'), steadyLoad('beta')];
    onTestFinished(async () => {
      await Promise.all(loads.map((load) => load.stop()));
    });
    onTestFailed(() => console.log(`The worker's output:\n${worker.output().slice(-8_000)}`));
    // The first email batch (of the first chunk's invitations) is accepted, and its answer held until the primary has crashed.
    let batchHeld = false;
    let releaseBatch = () => {};
    const released = new Promise<void>((resolve) => (releaseBatch = resolve));
    postmark.onBatchAccepted = (_accepted, batch) => {
      if (batch !== 1) return;
      batchHeld = true;
      return released;
    };
    onTestFinished(() => releaseBatch());
    const invite = await post(documentText(ProfilesInviteDocument), { input: { filter: { search: 'bulk.failover.test' }, idempotencyKey: 'failover' } });
    expect(invite.body.data?.profilesInvite?.__typename, JSON.stringify(invite.body)).toBe('ProfilesInvitePayload');
    // The bulk invitation's job is under way (its first chunk written, not its second) when the primary goes.
    await until('the first chunk of the bulk invitation written', 30, async () => {
      const [row] = await onPrimary<{ n: number }>(primaryUrl, 'SELECT count(*)::int AS n FROM invitation');
      return row!.n > 0;
    });
    await until('the first email batch sent', 30, async () => batchHeld);
    const seenBefore = await onPrimary<{ id: string }>(primaryUrl, 'SELECT id FROM invitation');
    expect(seenBefore.length).toBeLessThan(PROFILES);
    const acknowledgedBefore = loads.flatMap((load) => [...load.acknowledged]);
    crashed = true;
    await crashPostgres(primaryDir);
    // Postmark answers now: the worker cannot record what it accepted until the replica is promoted and PgBouncer re-pointed.
    releaseBatch();
    await replica.promote();
    await pooler.repoint(replica.url);
    const repointedAt = performance.now();
    const newPrimary = withDatabase(replica.url, 'parkpass');

    // Every request answers again: the first success after the re-point comes within RECOVERY_SECONDS.
    await until('a profile created after the failover', RECOVERY_SECONDS, async () =>
      loads.every((load) => load.answers.some((answer) => answer.at > repointedAt && answer.outcome === 'ProfilePayload')),
    );
    // The bulk invitation completes, and the worker sends every email.
    await until('the bulk invitation completed and its emails sent', 60, async () => {
      const [row] = await onPrimary<{ state: string; pending: number }>(
        newPrimary,
        `SELECT (SELECT state::text FROM bulk_invitation) AS state,
                (SELECT count(*)::int FROM email WHERE state IN ('QUEUED', 'SENDING')) AS pending`,
      );
      return row!.state === 'COMPLETED' && row!.pending === 0;
    });
    const bulkDoneAt = performance.now();
    await Promise.all(loads.map((load) => load.stop()));

    // Nothing acknowledged is lost: invitations seen before the crash, profiles whose creation was answered.
    const invitations = new Set((await onPrimary<{ id: string }>(newPrimary, 'SELECT id FROM invitation')).map((row) => row.id));
    expect(seenBefore.filter((row) => !invitations.has(row.id))).toEqual([]);
    const acknowledged = loads.flatMap((load) => load.acknowledged);
    expect(acknowledged.length).toBeGreaterThan(acknowledgedBefore.length);
    const profiles = new Set(
      (await onPrimary<{ email: string }>(newPrimary, `SELECT email FROM profile WHERE email LIKE '%@live.failover.test'`)).map((row) => row.email),
    );
    expect(acknowledged.filter((email) => !profiles.has(email))).toEqual([]);

    // Every bulk profile invited once, emailed once.
    const [perProfile] = await onPrimary<{ invited: number; twice: number }>(
      newPrimary,
      `SELECT count(*) FILTER (WHERE n > 0)::int AS invited, count(*) FILTER (WHERE n > 1)::int AS twice
       FROM (SELECT (SELECT count(*) FROM invitation i WHERE i.profile_id = p.id) AS n FROM profile p WHERE p.email LIKE '%@bulk.failover.test') AS per_profile`,
    );
    expect(perProfile).toEqual({ invited: PROFILES, twice: 0 });
    const perRecipient = new Map<string, number>();
    for (const message of postmark.messages) perRecipient.set(message.To, (perRecipient.get(message.To) ?? 0) + 1);
    expect([...perRecipient.values()].filter((times) => times > 1)).toEqual([]);
    expect(perRecipient.size).toBe(PROFILES);

    // Refusals meanwhile were typed 503s, none after the recovery; the processes never restarted nor failed unhandled.
    const answers = loads.flatMap((load) => load.answers);
    const refused = answers.filter((answer) => answer.outcome !== 'ProfilePayload');
    expect(new Set(refused.map((answer) => `${answer.status} ${answer.outcome}`))).toEqual(new Set(refused.length ? ['503 SERVICE_UNAVAILABLE'] : []));
    const recoveredAt = Math.max(...loads.map((load) => load.answers.find((answer) => answer.at > repointedAt && answer.outcome === 'ProfilePayload')!.at));
    expect(answers.filter((answer) => answer.at > recoveredAt && answer.outcome !== 'ProfilePayload')).toEqual([]);
    for (const process of [server, worker]) {
      expect(process.exitCode()).toBeNull();
      expect(process.output()).not.toMatch(UNHANDLED);
    }
    console.log(
      `Failover: ${refused.length} of ${answers.length} requests refused; answering again ${((recoveredAt - repointedAt) / 1000).toFixed(1)} s after the re-point; ` +
        `the bulk invitation done and every email sent ${((bulkDoneAt - repointedAt) / 1000).toFixed(1)} s after it.`,
    );
  });
});

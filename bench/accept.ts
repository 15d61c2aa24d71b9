// npm run bench:accept  (optionally: -- --concurrency 10 --accepts 200)
// invitationAccept at `concurrency` requests in flight, over real HTTP (the
// server as `npm start` runs it: rate limits in PostgreSQL), against its floor:
// the bare argon2id hash (server/auth/passwords.ts, the same parameters) at the
// same concurrency in the same process, measured before and after the accepts.
// Each accept takes a fresh invitation (a link handed over without email).
// Goal: accept p95 ≤ 2 × the bare hash's p95.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateApiKeySecret } from '../server/auth/api-keys.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../server/security/rate-limits.ts';
import { openBenchDatabase } from './bench-database.ts';
import { machineLine, postGraphql, quantile, serveBenchApp } from './bench-kit.ts';

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

const password = 'a long and fine password for the benchmark';
const warm = Array.from({ length: concurrency * 2 }, (_, i) => i);
await latencies(warm, () => hashPassword(password));
const hashBefore = await latencies(tokens, () => hashPassword(password));
const accept = await latencies(tokens, async (token) => {
  const data = await graphql(
    'mutation($input: InvitationAcceptInput!) { invitationAccept(input: $input) { __typename ... on InvitationAcceptPayload { firstName } } }',
    { input: { token, password } },
  );
  if (data.invitationAccept.__typename !== 'InvitationAcceptPayload') throw new Error(JSON.stringify(data));
});
const hashAfter = await latencies(tokens, () => hashPassword(password));
const validated = await prisma.profile.count({ where: { organizationId: organization.id, status: 'VALIDATED' } });
if (validated !== accepts) throw new Error(`${validated} of ${accepts} profiles validated`);

const hash = [...hashBefore, ...hashAfter];
const fmt = (ms: number) => ms.toFixed(0);
const ratio = quantile(accept, 0.95) / quantile(hash, 0.95);
console.log(`\n## invitationAccept against the bare argon2id hash, ${concurrency} in flight, ${accepts} each`);
console.log(`Machine: ${machineLine()}\n`);
console.log('| what | p50 ms | p95 ms |');
console.log('| --- | ---: | ---: |');
console.log(`| bare argon2id hash (before and after) | ${fmt(quantile(hash, 0.5))} | ${fmt(quantile(hash, 0.95))} |`);
console.log(`| invitationAccept over HTTP | ${fmt(quantile(accept, 0.5))} | ${fmt(quantile(accept, 0.95))} |`);
console.log(`\naccept p95 / hash p95: ${ratio.toFixed(2)} (goal ≤ 2: ${ratio <= 2 ? 'met' : `missed by ${((ratio / 2 - 1) * 100).toFixed(0)} %`})`);

await server.close();
await db.drop();
process.exit(0);

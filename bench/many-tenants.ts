// npm run bench:tenants  (optionally: -- --runs 50)
// Many tenants in one database: 999 organizations of 900 profiles, one of
// 100,000 and the measured one of 100 (1,000,000 profiles in all), seeded once
// by SQL into the database bench_tenants of the benchmark PostgreSQL
// (bench-kit.ts). Times searches and pages of the 100-profile organization over
// HTTP, beside the same answers by hand-written SQL. Goal: search p95 ≤ 10 ms.
// BENCH_CPU_PROF=<folder>: a CPU profile of the timed requests (bench/cpu-profile.ts), by component per request.
import { parseArgs } from 'node:util';
import { seedLargeOrganization } from '../server/seed/large-seed.ts';
import { machineLine, postGraphql, quantile, serveBenchApp } from './bench-kit.ts';
import { openBenchDatabase } from './bench-database.ts';
import { startCpuProfile } from './cpu-profile.ts';
import { createPool } from '../server/database/connections.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(values.runs);
const SMALL_ORGANIZATIONS = 999;
const SMALL_SIZE = 900;

const db = await openBenchDatabase('bench_tenants', {}, { fast: true });
const { url, prisma } = db;

const [existing] = await prisma
  .$queryRawUnsafe<{ api_key: string; organization_id: string }[]>('SELECT api_key, organization_id FROM bench_seed')
  .catch(() => []);
let seeded = existing ? { apiKey: existing.api_key, organizationId: existing.organization_id } : null;
if (!seeded) {
  const started = Date.now();
  console.log('Seeding 1,000,000 profiles in 1,001 organizations…');
  await seedLargeOrganization(prisma, 100_000, undefined, 'ENTERPRISE', false);
  // The 999 others at once: organizations, then their profiles (the names of fake-people.ts, statuses spread), all in SQL.
  await prisma.$executeRaw`
    INSERT INTO organization (id, name, plan, updated_at)
    SELECT gen_random_uuid(), 'Tenant ' || g, 'BUSINESS', now() FROM generate_series(1, ${SMALL_ORGANIZATIONS}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO profile (id, organization_id, first_name, last_name, email, external_id, status, search_text, sort_name, created_at, updated_at)
    SELECT gen_random_uuid(), o.id, f, l, lower(f || '.' || l || '.' || n || '@' || o.id || '.test'), 'EMP-' || n,
           (ARRAY['PENDING', 'VALIDATED', 'NOT_INVITED'])[1 + n % 3]::"ProfileStatus",
           lower(unaccent(f || ' ' || l || ' ' || f || '.' || l || '.' || n || '@' || o.id || '.test emp-' || n)), lower(unaccent(l || ' ' || f)), now(), now()
    FROM organization o CROSS JOIN generate_series(0, ${SMALL_SIZE - 1}::int) n,
         LATERAL (SELECT (ARRAY['Hélène','Jean','Zoë','Amélie','François','Léa','Chloé','Noël','Inès','Raphaël'])[1 + n % 10] AS f,
                         (ARRAY['Dupont','Müller','Lefèvre','García','Nguyen','Rossi','Smith','Kowalski','Öztürk','Dubois'])[1 + (n / 10) % 10] AS l) names
    WHERE o.name LIKE 'Tenant %'`;
  const small = await seedLargeOrganization(prisma, 100, undefined, 'ENTERPRISE', false);
  seeded = { apiKey: small.apiKey, organizationId: small.organizationId };
  await prisma.$executeRawUnsafe('CREATE TABLE bench_seed (api_key text, organization_id text)');
  await prisma.$executeRaw`INSERT INTO bench_seed VALUES (${seeded.apiKey}, ${seeded.organizationId})`;
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
  console.log(`Seeded in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}
// A migration applied since the seed may have rewritten rows (a new column's backfill): vacuumed and analyzed
// as autovacuum eventually would, so the plans are the ones a settled database gets.
await prisma.$executeRawUnsafe('VACUUM ANALYZE');
const total = await prisma.profile.count();

const server = await serveBenchApp(prisma, url);
const hand = createPool('bench', { connectionString: url, max: 4 });

const PAGE = `query($filter: ProfileFilter) { profiles(first: 20, filter: $filter) {
  count { count precision } edges { node { id fullName email status tags { name } parkingLots { name } latestInvitation { expired deliveryState } } } } }`;
const post = async (variables: Record<string, unknown>) => (await postGraphql(server.url, PAGE, variables, seeded!.apiKey)).profiles;
const FROM = `profile p LEFT JOIN invitation li ON li.id = p.latest_invitation_id`;
const handAnswer = (where: string, order: string) =>
  Promise.all([
    hand.query(
      `SELECT p.id, p.first_name, p.last_name, p.email, p.status, li.expires_at, li.delivery_state,
         (SELECT coalesce(json_agg(t.name ORDER BY t.name), '[]') FROM profile_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.profile_id = p.id) AS tags,
         (SELECT coalesce(json_agg(l.name ORDER BY l.name), '[]') FROM profile_parking_lot x JOIN parking_lot l ON l.id = x.parking_lot_id WHERE x.profile_id = p.id) AS lots
       FROM ${FROM} WHERE p.organization_id = $1 AND ${where} ORDER BY ${order} LIMIT 20`,
      [seeded!.organizationId],
    ),
    hand.query(`SELECT count(*) FROM (SELECT 1 FROM ${FROM} WHERE p.organization_id = $1 AND ${where} LIMIT 10001) s`, [seeded!.organizationId]),
  ]);

const scenarios: [string, Record<string, unknown> | null, string, string][] = [
  ['search "helene"', { search: 'helene' }, `p.search_text LIKE '%helene%'`, `(p.sort_name || ''), p.id`],
  ['search "dupont 4"', { search: 'dupont 4' }, `p.search_text LIKE '%dupont%' AND p.search_text LIKE '%4%'`, `(p.sort_name || ''), p.id`],
  ['search "zz" (no match)', { search: 'zz' }, `p.search_text LIKE '%zz%'`, `(p.sort_name || ''), p.id`],
  ['no filter', null, 'true', 'p.sort_name, p.id'],
];
const fmt = (ms: number) => ms.toFixed(1);
console.log(`\n## A 100-profile organization among ${total.toLocaleString('en-US')} profiles in 1,001 organizations (over HTTP, ${runs} runs, ms)`);
console.log(`Machine: ${machineLine()}\n`);
console.log('| request | matches | GraphQL p50 / p95 | hand SQL p50 / p95 | goal p95 ≤ 10 ms |');
console.log('| --- | ---: | ---: | ---: | --- |');
const profiler = await startCpuProfile();
for (const [name, filter, where, order] of scenarios) {
  const ours: number[] = [];
  const theirs: number[] = [];
  let matches = 0;
  for (let i = 0; i < runs + 3; i++) {
    let started = performance.now();
    const page = await post({ filter });
    const a = performance.now() - started;
    started = performance.now();
    const [, count] = await handAnswer(where, order);
    const b = performance.now() - started;
    matches = page.count.count;
    if (matches !== Number(count.rows[0].count)) throw new Error(`${name}: ${matches} ≠ ${count.rows[0].count}`);
    if (i >= 3) {
      ours.push(a);
      theirs.push(b);
    }
  }
  const p95 = quantile(ours, 0.95);
  console.log(
    `| ${name} | ${matches} | ${fmt(quantile(ours, 0.5))} / ${fmt(p95)} | ${fmt(quantile(theirs, 0.5))} / ${fmt(quantile(theirs, 0.95))} | ${p95 <= 10 ? 'met' : 'missed'} (${((p95 / 10 - 1) * 100).toFixed(0)} %) |`,
  );
}
const profileLines = await profiler.stop('many-tenants', scenarios.length * (runs + 3));
if (profileLines.length) console.log(['', ...profileLines, '(pg includes the hand-written SQL run beside each request)'].join('\n'));
await hand.end();
await server.close();
await db.close();
process.exit(0);

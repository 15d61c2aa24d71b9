// npm run bench  (optionally: -- --profiles 1000000 --runs 30)
// The profile read path at scale, outside-in: one organization with N profiles
// in the benchmark PostgreSQL (bench-kit.ts: port and data folder from the
// environment; seeded once by SQL and reused), the real server over real HTTP,
// and beside it the same answers (the first page of 20 with lots, tags and
// latest invitation, plus the bounded count) by hand-written SQL through `pg`,
// interleaved run by run. The count is deferred (@defer): each answer is timed
// to its first part (the page) and to its last (the count), and so is the bare
// server's (its page as a first chunk, its count as the last). Then: pages deep in every order against the first,
// the Status column's counts, and the exact totals ("select all N").
// BENCH_CPU_PROF=<folder>: a CPU profile of the first pages (bench/cpu-profile.ts), by component per request.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { encodeProfileCursor } from '../server/profiles/profile-cursor.graphql.ts';
import type { ProfileOrderField } from '../server/profiles/profile-queries.ts';
import { seedLargeOrganization } from '../server/seed/large-seed.ts';
import { machineLine, postGraphql, postGraphqlIncremental, quantile, serveBenchApp } from './bench-kit.ts';
import { openBenchDatabase } from './bench-database.ts';
import { createPool } from '../server/database/connections.ts';
import { startCpuProfile } from './cpu-profile.ts';
import { FROM, handStatements, profileScenarios, type Scenario } from './profile-scenarios.ts';

const { values } = parseArgs({ options: { profiles: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' } } });
const count = Number(values.profiles);
const runs = Number(values.runs);

const db = await openBenchDatabase(`bench_${count}`, {}, { fast: true });
const { url, prisma } = db;

let seeded = await readSeed();
if (!seeded) {
  console.log(`Seeding ${count.toLocaleString('en-US')} profiles…`);
  const started = Date.now();
  const organization = await seedLargeOrganization(prisma, count, (done) => process.stdout.write(`\r  ${done.toLocaleString('en-US')}`));
  seeded = { apiKey: organization.apiKey, lot: organization.parkingLotIds[0]!, tag: organization.tagIds[0]!, organizationId: organization.organizationId };
  await prisma.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS bench_seed (api_key text, lot text, tag text)`);
  await prisma.$executeRaw`INSERT INTO bench_seed VALUES (${seeded.apiKey}, ${seeded.lot}, ${seeded.tag})`;
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
  console.log(
    `\nSeeded ${count.toLocaleString('en-US')} profiles in ${((Date.now() - started) / 1000).toFixed(0)} s (with lots, tags, invitations, VACUUM ANALYZE).`,
  );
}
// A migration applied since the seed may have rewritten rows (a new column's backfill): vacuumed and analyzed
// as autovacuum eventually would, so the plans are the ones a settled database gets.
await prisma.$executeRawUnsafe('VACUUM ANALYZE');
const { apiKey, lot, tag, organizationId } = seeded;
const tag2 = (await prisma.tag.findFirstOrThrow({ where: { organizationId, name: 'Tag 2' } })).id;

const server = await serveBenchApp(prisma, url);
const hand = createPool('bench', { connectionString: url, max: 4 });

// The page in the first part of the answer, its bounded count in a later one (@defer), read part by part as urql reads it.
const PAGE = `query($filter: ProfileFilter, $orderBy: ProfileOrder, $after: String) {
  profiles(first: 20, filter: $filter, orderBy: $orderBy, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id fullName email status tags { name } parkingLots { name } latestInvitation { expired deliveryState } } }
    ... @defer { count { count precision } } } }`;
/** The same page without its count: the deep pages compare pages alone. */
const PAGE_ONLY = `query($orderBy: ProfileOrder, $after: String) {
  profiles(first: 20, orderBy: $orderBy, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id fullName email status tags { name } parkingLots { name } latestInvitation { expired deliveryState } } } } }`;

const graphql = (query: string, variables: Record<string, unknown>) => postGraphql(server.url, query, variables, apiKey);
const graphqlInParts = (query: string, variables: Record<string, unknown>) => postGraphqlIncremental(server.url, query, variables, apiKey);

const scenarios = profileScenarios({ lot, tag, tag2 });

// The bare node:http server (bench/page-server.ts) in its own process: the key lookup, the same SQL, JSON.
const bareProcess = fork(new URL('./page-server.ts', import.meta.url), [url, lot, tag, tag2], { execArgv: ['--import', 'tsx'] });
const barePort = await new Promise<number>((resolve) => bareProcess.once('message', (message) => resolve((message as { port: number }).port)));
/** The bare server's answer: its page as the first chunk, its count as the last; when each came (ms from the request). */
async function bareAnswer(index: number): Promise<{ rows: number; count: number; firstMs: number; lastMs: number }> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${barePort}/page`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ scenario: index }),
  });
  if (!response.ok) throw new Error(`bare server: ${response.status} ${await response.text()}`);
  let text = '';
  let firstMs = 0;
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
    if (!firstMs && text.includes('\n')) firstMs = performance.now() - started;
  }
  const lastMs = performance.now() - started;
  const [page, total] = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line)) as [{ rows: unknown[] }, { count: number }];
  return { rows: page.rows.length, count: total.count, firstMs, lastMs };
}

/** The same page and count by hand-written SQL in this process, side by side; how long each took. */
async function handAnswer(scenario: Scenario) {
  const [pageSql, countSql] = handStatements(scenario);
  const [[pageMs, page], [countMs, total]] = await Promise.all([
    time(() => hand.query(pageSql, [organizationId])),
    time(() => hand.query(countSql, [organizationId])),
  ]);
  return { rows: page.rowCount, count: Number(total.rows[0].count ?? total.rows[0].sum), pageMs, countMs };
}

async function time<T>(run: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await run();
  return [performance.now() - started, result];
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
const pct = (value: number, goal: number) => `${value <= goal ? 'met' : 'missed'} (${((value / goal - 1) * 100).toFixed(0)} %)`;

/** The counts that must find 10,001 matches (or all of them) through a criterion no index narrows in order. */
const HARD_COUNTS = new Set(['search "helene"', 'one parking lot', 'tag + payment method', 'pending, invitation expired']);

console.log(`\n## profiles(first: 20), its count deferred (@defer), over HTTP, at ${count.toLocaleString('en-US')} profiles in one organization`);
console.log(`${runs} warm runs each, interleaved request by request: GraphQL (multipart/mixed: the page in the first part, the count in the last),`);
console.log('a bare node:http server in its own process answering the same page (first chunk) and bounded count (last chunk) by');
console.log('hand-written SQL through pg (its API key looked up first), and that SQL run in this process (page and count side by side).');
console.log('Goals: first page p95 ≤ 50 ms (at 1 M), GraphQL / bare first page p50 ≤ 1.5×, count p95 ≤ 250 ms for the hard counts (*).');
console.log(`Machine: ${machineLine()}\n`);
console.log(
  '| filter | count | first page: GraphQL p50 / p95 ms | bare p50 / p95 ms | GraphQL / bare (p50) | ratio vs 1.5× goal | p95 vs 50 ms goal | count (last part): GraphQL p50 / p95 ms | bare p50 / p95 ms | p95 vs 250 ms goal | hand SQL page / count p50 ms |',
);
console.log('| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | --- | ---: |');
const profiler = await startCpuProfile();
for (const [index, scenario] of scenarios.entries()) {
  const firstPage: number[] = [];
  const lastPart: number[] = [];
  const barePage: number[] = [];
  const bareCount: number[] = [];
  const sqlPage: number[] = [];
  const sqlCount: number[] = [];
  let answer = '';
  for (let i = 0; i < runs + 3; i++) {
    const ours = await graphqlInParts(PAGE, { filter: scenario.filter, orderBy: scenario.orderBy });
    const overHttp = await bareAnswer(index);
    const sql = await handAnswer(scenario);
    const { data } = ours;
    const counted = data.profiles.count as { count: number; precision: string };
    const agrees = counted.precision === 'EXACT' ? counted.count === sql.count : counted.count === 10_000 && sql.count > 10_000;
    if (!agrees || data.profiles.edges.length !== sql.rows || overHttp.rows !== sql.rows || overHttp.count !== sql.count) {
      throw new Error(
        `${scenario.name}: GraphQL ${JSON.stringify(counted)} / ${data.profiles.edges.length} rows, bare ${overHttp.count} / ${overHttp.rows}, SQL ${sql.count} / ${sql.rows}`,
      );
    }
    answer = `${counted.precision === 'AT_LEAST' ? '≥ ' : ''}${counted.count.toLocaleString('en-US')}`;
    if (i >= 3) {
      firstPage.push(ours.firstMs);
      lastPart.push(ours.lastMs);
      barePage.push(overHttp.firstMs);
      bareCount.push(overHttp.lastMs);
      sqlPage.push(sql.pageMs);
      sqlCount.push(sql.countMs);
    }
  }
  const p = (times: number[]) => [quantile(times, 0.5), quantile(times, 0.95)] as const;
  const [o50, o95] = p(firstPage);
  const [c50, c95] = p(lastPart);
  const [h50, h95] = p(barePage);
  const [hc50, hc95] = p(bareCount);
  const hard = HARD_COUNTS.has(scenario.name);
  console.log(
    `| ${scenario.name}${hard ? ' *' : ''} | ${answer} | ${fmt(o50)} / ${fmt(o95)} | ${fmt(h50)} / ${fmt(h95)} | ${(o50 / h50).toFixed(2)} | ${pct(o50 / h50, 1.5)} | ${pct(o95, 50)} | ` +
      `${fmt(c50)} / ${fmt(c95)} | ${fmt(hc50)} / ${fmt(hc95)} | ${hard ? pct(c95, 250) : `(${pct(c95, 250)})`} | ${fmt(quantile(sqlPage, 0.5))} / ${fmt(quantile(sqlCount, 0.5))} |`,
  );
}
bareProcess.kill();
const profileLines = await profiler.stop('first pages', scenarios.length * (runs + 3));
if (profileLines.length) console.log(['', ...profileLines, '(this process: the GraphQL server, the bench client and the in-process hand SQL)'].join('\n'));

// --- Any page as fast as the first: a page after row N (the cursor written from the row's keys, as the server writes it). ---
const DEEP: { field: ProfileOrderField; keys: string; order: string }[] = [
  { field: 'NAME', keys: 'ARRAY[p.sort_name]', order: 'p.sort_name, p.id' },
  { field: 'EMAIL', keys: 'ARRAY[p.email::text]', order: 'p.email, p.id' },
  { field: 'CREATED_AT', keys: 'ARRAY[p.created_at::text]', order: 'p.created_at, p.id' },
  { field: 'STATUS', keys: 'ARRAY[p.status::text, p.sort_name]', order: 'p.status, p.sort_name, p.id' },
  { field: 'INVITED_AT', keys: `ARRAY[coalesce(p.invited_at, '-infinity')::text]`, order: `coalesce(p.invited_at, '-infinity'), p.id` },
  { field: 'EXPIRES_AT', keys: `ARRAY[coalesce(p.invitation_expires_at, 'infinity')::text]`, order: `coalesce(p.invitation_expires_at, 'infinity'), p.id` },
];
const depth = Math.floor(count / 2);
console.log(`\n## A page after row ${depth.toLocaleString('en-US')} against the first page (no filter, ${runs} runs, ms; goal ±20 %)\n`);
console.log('| order | first page p50 / p95 | deep page p50 / p95 | deep / first (p50) | goal ≤ 1.2 |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const deep of DEEP) {
  const { rows } = await hand.query(
    `SELECT p.id::text AS id, ${deep.keys} AS k FROM ${FROM} WHERE p.organization_id = $1 ORDER BY ${deep.order} OFFSET ${depth - 1} LIMIT 1`,
    [organizationId],
  );
  const after = encodeProfileCursor(deep.field, { values: rows[0].k, id: rows[0].id });
  const first: number[] = [];
  const later: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const [a] = await time(() => graphql(PAGE_ONLY, { orderBy: { field: deep.field, direction: 'ASC' } }));
    const [b, data] = await time(() => graphql(PAGE_ONLY, { orderBy: { field: deep.field, direction: 'ASC' }, after }));
    if (data.profiles.edges.length !== 20) throw new Error(`${deep.field}: the deep page has ${data.profiles.edges.length} rows`);
    if (i >= 3) {
      first.push(a);
      later.push(b);
    }
  }
  const ratio = quantile(later, 0.5) / quantile(first, 0.5);
  console.log(
    `| ${deep.field} | ${fmt(quantile(first, 0.5))} / ${fmt(quantile(first, 0.95))} | ${fmt(quantile(later, 0.5))} / ${fmt(quantile(later, 0.95))} | ${ratio.toFixed(2)} | ${ratio <= 1.2 ? 'met' : `missed (${((ratio / 1.2 - 1) * 100).toFixed(0)} %)`} |`,
  );
}

// --- The Status column (goal ≤ 100 ms) and the exact totals where the user acts on the number. ---
const COUNTS = `query($filter: ProfileFilter) { profileCounts(filter: $filter) { total notInvited pending validated pendingWithExpiredInvitation emailUndeliverable } }`;
const TOTAL = `query($filter: ProfileFilter) { profiles(first: 1, filter: $filter) { totalCount } }`;
const timed = async (query: string, variables: Record<string, unknown>, n: number) => {
  const times: number[] = [];
  let data: any;
  for (let i = 0; i < n + 1; i++) {
    const [ms, answer] = await time(() => graphql(query, variables));
    data = answer;
    if (i >= 1) times.push(ms);
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), data };
};
console.log(`\n## Counts (ms over HTTP)\n`);
console.log('| what | answer | p50 / p95 | goal |');
console.log('| --- | --- | ---: | --- |');
const statusColumn = await timed(COUNTS, { filter: null }, runs);
const c = statusColumn.data.profileCounts;
console.log(
  `| Status column, no filter (profileCounts) | ${c.notInvited} / ${c.pending} / ${c.validated}; expired ${c.pendingWithExpiredInvitation}; undeliverable ${c.emailUndeliverable} | ${fmt(statusColumn.p50)} / ${fmt(statusColumn.p95)} | ≤ 100 ms: ${pct(statusColumn.p95, 100)} |`,
);
for (const scenario of scenarios.filter((s) => ['one parking lot', 'no access', 'pending, invitation expired', 'search "helene"'].includes(s.name))) {
  const counts = await timed(COUNTS, { filter: scenario.filter }, 5);
  console.log(`| Status column, ${scenario.name} | total ${counts.data.profileCounts.total} | ${fmt(counts.p50)} / ${fmt(counts.p95)} | exact, unbounded |`);
  const total = await timed(TOTAL, { filter: scenario.filter }, 5);
  console.log(
    `| exact totalCount ("select all N"), ${scenario.name} | ${total.data.profiles.totalCount} | ${fmt(total.p50)} / ${fmt(total.p95)} | exact, unbounded |`,
  );
}

await hand.end();
await server.close();
await db.close();
process.exit(0);

async function readSeed() {
  const rows = await prisma
    .$queryRawUnsafe<{ api_key: string; lot: string; tag: string; organization_id: string }[]>(
      'SELECT api_key, lot, tag, (SELECT organization_id::text FROM parking_lot WHERE id::text = lot) AS organization_id FROM bench_seed LIMIT 1',
    )
    .catch(() => []);
  return rows[0] ? { apiKey: rows[0].api_key, lot: rows[0].lot, tag: rows[0].tag, organizationId: rows[0].organization_id } : null;
}

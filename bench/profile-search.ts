// npm run bench  (optionally: -- --profiles 100000 --runs 30)
// Seeds one organization with N profiles in a dedicated embedded PostgreSQL
// (.data/bench, reused between runs), then times filtered first pages of the
// `profiles` query through the real GraphQL handler (yoga.fetch), warm.
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './bench-database.ts';
import { seedLargeOrganization } from '../server/seed/large-seed.ts';
import { createApp } from '../server/yoga.ts';

const { values } = parseArgs({ options: { profiles: { type: 'string', default: '100000' }, runs: { type: 'string', default: '30' } } });
const count = Number(values.profiles);
const runs = Number(values.runs);

const db = await openBenchDatabase(`bench_${count}`);
const { url, prisma } = db;

let seeded = await readSeed();
if (!seeded) {
  console.log(`Seeding ${count} profiles…`);
  const started = Date.now();
  const organization = await seedLargeOrganization(prisma, count);
  seeded = { apiKey: organization.apiKey, lot: organization.parkingLotIds[0]!, tag: organization.tagIds[0]! };
  await prisma.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS bench_seed (api_key text, lot text, tag text)`);
  await prisma.$executeRaw`INSERT INTO bench_seed VALUES (${seeded.apiKey}, ${seeded.lot}, ${seeded.tag})`;
  console.log(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
const { apiKey, lot, tag } = seeded;
const app = createApp({ prisma, databaseUrl: url, settings: { publicUrl: 'http://localhost:4000', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' } });
const g = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

const QUERY = `query($filter: ProfileFilter, $orderBy: ProfileOrder) { profiles(first: 20, filter: $filter, orderBy: $orderBy) {
  totalCount edges { node { id fullName email status tags { name } parkingLots { name } latestInvitation { expired deliveryState } } } } }`;
const COUNTS = `query($filter: ProfileFilter) { profileCounts(filter: $filter) { total notInvited pending validated pendingWithExpiredInvitation emailUndeliverable } }`;
const { organizationId } = await prisma.parkingLot.findUniqueOrThrow({ where: { id: lot } });
const tags = await prisma.tag.findMany({ where: { organizationId, name: { in: ['Tag 1', 'Tag 2'] } }, select: { id: true } });
const scenarios: [string, Record<string, unknown> | null, Record<string, unknown>?][] = [
  ['no filter', null],
  ['search "helene"', { search: 'helene' }],
  ['search "dupont 4242"', { search: 'dupont 4242' }],
  ['status PENDING', { statuses: ['PENDING'] }],
  ['parking lot', { parkingLotIds: [g('ParkingLot', lot)] }],
  ['no access', { noAccess: true }],
  ['tag + payment method', { tagIds: [g('Tag', tag)], paymentMethods: ['CREDIT_CARD'] }],
  ['pending, invitation expired', { invitationExpired: true }],
  ['search + status + lot', { search: 'lefevre', statuses: ['NOT_INVITED', 'PENDING'], parkingLotIds: [g('ParkingLot', lot)] }],
  ['search externalId "EMP-4242"', { search: 'EMP-4242' }],
  ['two tags, ALL', { tagIds: tags.map((row) => g('Tag', row.id)), tagsMatch: 'ALL' }],
  ['delivery BOUNCED', { deliveryStates: ['BOUNCED', 'SPAM_COMPLAINT'] }],
  ['order by name DESC', null, { field: 'NAME', direction: 'DESC' }],
  ['order by invited date DESC', null, { field: 'INVITED_AT', direction: 'DESC' }],
  ['pending, by expiry ASC', { statuses: ['PENDING'] }, { field: 'EXPIRES_AT', direction: 'ASC' }],
  ['counts (Status column)', null, { counts: true }],
];

console.log(`\nprofiles(first: 20) over ${count} profiles, ${runs} warm runs each (ms, through yoga.fetch):\n`);
console.log(`${'filter'.padEnd(30)} ${'median'.padStart(7)} ${'p95'.padStart(7)}  totalCount`);
for (const [name, filter, orderBy] of scenarios) {
  const counts = orderBy?.counts === true;
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs + 3; i++) {
    const started = performance.now();
    const response = await app.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(counts ? { query: COUNTS, variables: { filter } } : { query: QUERY, variables: { filter, orderBy } }),
    });
    const body = (await response.json()) as { data?: { profiles?: { totalCount: number }; profileCounts?: { total: number } }; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    total = body.data.profiles?.totalCount ?? body.data.profileCounts!.total;
    if (i >= 3) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(`${name.padEnd(30)} ${at(0.5).padStart(7)} ${at(0.95).padStart(7)}  ${total}`);
}
await db.close();

async function readSeed() {
  const rows = await prisma
    .$queryRawUnsafe<{ api_key: string; lot: string; tag: string }[]>('SELECT api_key, lot, tag FROM bench_seed LIMIT 1')
    .catch(() => []);
  return rows[0] ? { apiKey: rows[0].api_key, lot: rows[0].lot, tag: rows[0].tag } : null;
}

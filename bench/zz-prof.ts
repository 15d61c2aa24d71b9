import pg from 'pg';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../server/security/rate-limits.ts';
import { createApp } from '../server/yoga.ts';
import { serveHttp } from './bench-kit.ts';
import { openBenchDatabase } from './bench-database.ts';
const db = await openBenchDatabase('bench_tenants', {}, { fast: true });
const { url, prisma } = db;
const [seeded] = await prisma.$queryRawUnsafe<{ api_key: string }[]>('SELECT api_key FROM bench_seed');
const rateLimitPool = new pg.Pool({ connectionString: url, max: 4 });
const app = createApp({
  prisma,
  databaseUrl: url,
  settings: { publicUrl: 'http://localhost:4000', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' },
  rateLimits: createRateLimits({ ...DEFAULT_RATE_LIMITS, pointsPerMinute: 100_000_000 }, { pool: rateLimitPool }),
});
const http = await serveHttp(app);
const PAGE = `query($filter: ProfileFilter) { profiles(first: 20, filter: $filter) { count { count precision } edges { node { id fullName email status tags { name } parkingLots { name } latestInvitation { expired deliveryState } } } } }`;
const post = async () => {
  const r = await fetch(`${http.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded!.api_key}` },
    body: JSON.stringify({ query: PAGE, variables: { filter: { search: 'helene' } } }),
  });
  return r.json();
};
for (let i = 0; i < 50; i++) await post();
const t = performance.now();
for (let i = 0; i < 500; i++) await post();
console.log('per request ms', ((performance.now() - t) / 500).toFixed(2));
await rateLimitPool.end();
http.server.close();
await db.close();
process.exit(0);

// The server side of bench/scim.ts, in its own process (as an IdP reaches a
// server it does not share a process with): the real app as `npm start` serves
// it, rate limits counted in PostgreSQL with the production budget of one
// caller, the credential cache as main.ts has it. It answers the parent's messages: `cpu` sends its CPU time so far, `record` starts recording the SQL
// statements Prisma sends, `recorded` stops and sends them back.
import { createPrisma } from '../server/database/prisma.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../server/security/rate-limits.ts';
import { createApp } from '../server/app/yoga.ts';
import { createPool } from '../server/database/connections.ts';
import { serveHttp } from './bench-kit.ts';
import { CredentialCache } from '../server/app/credential-cache.ts';

const [databaseUrl, pointsPerMinute] = process.argv.slice(2) as [string, string];
let recording: string[] | null = null;
const prisma = createPrisma(databaseUrl, { onQuery: (sql) => recording?.push(sql), namedStatements: true });
const pool = createPool('bench', { connectionString: databaseUrl, max: 4 });
const credentialCache = new CredentialCache(databaseUrl);
const app = createApp({
  prisma,
  databaseUrl,
  settings: { publicUrl: 'http://localhost:4000', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' },
  rateLimits: createRateLimits({ ...DEFAULT_RATE_LIMITS, pointsPerMinute: Number(pointsPerMinute) }, { pool }),
  credentialCache,
});
const { url } = await serveHttp(app);
process.on('message', (message) => {
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
  else if (message === 'record') recording = [];
  else if (message === 'recorded') {
    process.send!({ statements: recording ?? [] });
    recording = null;
  }
});
process.send!({ url });
// A normal exit on kill, so that --cpu-prof (BENCH_CPU_PROF in scim.ts) writes its profile.
process.on('SIGTERM', () => process.exit(0));

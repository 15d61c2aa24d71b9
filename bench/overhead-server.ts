// The server side of bench/overhead.ts, in its own process: `parkpass` (the
// real app, as npm start serves it: rate limits in PostgreSQL, the credential
// cache; `parkpass-uncached` without the cache), `bare-key`
// (node:http + one pg statement looking the API key up, as the floor of an
// authenticated request), `bare-key-limit` (the same, then the server's
// rate-limit statement) or `bare-fixed` (node:http answering fixed JSON).
import { createServer } from 'node:http';
import { createPrisma } from '../server/database/prisma.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../server/security/rate-limits.ts';
import { sha256Hex } from '../server/kernel/sha256.ts';
import { createApp } from '../server/app/yoga.ts';
import { createPool } from '../server/database/connections.ts';
import { CredentialCache } from '../server/app/credential-cache.ts';

// A third argument: `databaseUrl` goes through a transaction-mode pooler, this is the database without it (rate limits, LISTEN).
const [kind, databaseUrl, directUrl = databaseUrl] = process.argv.slice(2) as [string, string, string?];
let listener: Parameters<typeof createServer>[1];
if (kind === 'parkpass' || kind === 'parkpass-uncached') {
  const pool = createPool('bench', { connectionString: directUrl, max: 4 });
  listener = createApp({
    prisma: createPrisma(databaseUrl),
    databaseUrl: directUrl,
    settings: { publicUrl: 'http://localhost:4000', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' },
    // Budgets a benchmark does not exhaust; still charged in PostgreSQL on every request, as in production.
    rateLimits: createRateLimits({ ...DEFAULT_RATE_LIMITS, pointsPerMinute: 1e9, anonymousPointsPerMinute: 1e9 }, { pool }),
    // As npm start wires it (parkpass-uncached: without, to show what it saves side by side).
    credentialCache: kind === 'parkpass' ? new CredentialCache(directUrl) : undefined,
  });
} else if (kind === 'bare-key' || kind === 'bare-key-limit') {
  const pool = createPool('bench', { connectionString: databaseUrl, max: 10 });
  // bare-key-limit: then the same rate-limit statement as the server's (one upsert into rate_limit, shared by every instance).
  const limits = kind === 'bare-key-limit' ? createRateLimits({ ...DEFAULT_RATE_LIMITS, pointsPerMinute: 1e9 }, { pool }) : null;
  listener = (request, response) => {
    request.resume();
    request.on('end', async () => {
      const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const { rows } = await pool.query(
        'SELECT k.id, k.role, k.revoked_at, o.plan, o.name FROM api_key k JOIN organization o ON o.id = k.organization_id WHERE k.secret_hash = $1',
        [sha256Hex(token)],
      );
      if (limits && rows[0]) {
        const viewer = { organizationId: '', plan: rows[0].plan, role: rows[0].role, actor: { kind: 'API_KEY' as const, id: rows[0].id } };
        await limits.charge({ viewer, address: '127.0.0.1' }, 1, new Map());
      }
      const body =
        rows[0] && !rows[0].revoked_at ? { data: { viewer: { organization: { name: rows[0].name } } } } : { errors: [{ message: 'Invalid API key.' }] };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  };
} else {
  listener = (request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}'));
  };
}
const server = createServer({ keepAlive: true }, listener);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
// A normal exit on kill, so that --cpu-prof (BENCH_CPU_PROF in overhead.ts) writes its profile.
process.on('SIGTERM', () => process.exit(0));

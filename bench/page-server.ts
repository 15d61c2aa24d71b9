// The bare server of bench/profile-search.ts, in its own process: node:http and `pg`, no framework, answering
// POST /page {"scenario": i} with the same page and bounded count as the GraphQL request, by the same
// hand-written SQL (bench/profile-scenarios.ts): the API key looked up (one statement, as the server's
// authentication reads it, with its organization), then the page and the count side by side, each written as a
// line of JSON as soon as it is read (the page first, the count last: what @defer answers in its parts).
// What an HTTP API over this database cannot go below; the GraphQL page is measured against it.
// Arguments: the database URL, the seeded lot, tag 1 and tag 2. It sends {port} to its parent once listening.
import { createServer } from 'node:http';
import { createPool } from '../server/database/connections.ts';
import { sha256Hex } from '../server/kernel/sha256.ts';
import { handStatements, profileScenarios } from './profile-scenarios.ts';

const [databaseUrl, lot, tag, tag2] = process.argv.slice(2) as [string, string, string, string];
const statements = profileScenarios({ lot, tag, tag2 }).map(handStatements);
const pool = createPool('bench', { connectionString: databaseUrl, max: 10 });

const server = createServer({ keepAlive: true }, (request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', async () => {
    try {
      const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const { rows: keys } = await pool.query(
        'SELECT k.organization_id::text, k.role, k.revoked_at, o.plan FROM api_key k JOIN organization o ON o.id = k.organization_id WHERE k.secret_hash = $1',
        [sha256Hex(token)],
      );
      if (!keys[0] || keys[0].revoked_at) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Invalid API key."}');
        return;
      }
      const [pageSql, countSql] = statements[(JSON.parse(body) as { scenario: number }).scenario]!;
      // The page is written as soon as it is read (the first line), the count when it comes (the last): as @defer answers.
      const counted = pool.query(countSql, [keys[0].organization_id]);
      counted.catch(() => undefined);
      const page = await pool.query(pageSql, [keys[0].organization_id]);
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write(`${JSON.stringify({ rows: page.rows })}\n`);
      const total = await counted;
      response.end(`${JSON.stringify({ count: Number(total.rows[0].count ?? total.rows[0].sum) })}\n`);
    } catch (error) {
      if (response.headersSent) response.destroy(error as Error);
      else response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('SIGTERM', () => process.exit(0));

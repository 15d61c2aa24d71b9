// Hostile requests against a running server, timed, with the server's
// memory before and after (read from /proc/<pid>/status). Not a test: figures.
//   npm run bench:attacks -- --url http://127.0.0.1:4000 --api-key ppk_… --pid <server pid>
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { url: { type: 'string' }, 'api-key': { type: 'string' }, pid: { type: 'string' } } });
const url = values.url ?? 'http://127.0.0.1:4000';
const apiKey = values['api-key'];
const pid = values.pid;

const rssMb = () => {
  if (!pid) return NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
};

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let code = '';
  try {
    code =
      JSON.parse(text)
        .errors?.map((error: { extensions?: { code?: string } }) => error.extensions?.code)
        .join(',') ?? 'ok';
  } catch {
    code = text.slice(0, 40);
  }
  return { status: response.status, code, bytes: text.length };
}

async function measure(name: string, run: () => Promise<{ status: number; code: string; bytes?: number }>) {
  const before = rssMb();
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  console.log(`${name.padEnd(62)} ${ms.toFixed(0).padStart(6)} ms  HTTP ${result.status}  ${result.code}  RSS ${before.toFixed(0)} → ${rssMb().toFixed(0)} MB`);
}

const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
const introspection = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __schema { types { name fields { name args { name } } } }`).join(' ')} }`;
const profilesPage = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `p${i}: profiles(first: 500) { edges { node { id fullName email status parkingLots { name } tags { name } latestInvitation { expired } } } } `).join(' ')} }`;
const ids = (n: number) =>
  Array.from({ length: n }, (_, i) => Buffer.from(`Profile:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).toString('base64'));

await measure('introspection × 2,000 aliases (anonymous)', () => post(JSON.stringify({ query: introspection(2_000) })));
await measure('introspection × 15 aliases (anonymous, within the limits)', () => post(JSON.stringify({ query: introspection(15) })));
await measure('profiles(first: 500) × 300 aliases', () => post(JSON.stringify({ query: profilesPage(300) }), auth));
await measure('profiles(first: 500) × 5 aliases (within tokens and aliases)', () => post(JSON.stringify({ query: profilesPage(5) }), auth));
await measure('nodes(ids:) with 10,000 ids', () =>
  post(JSON.stringify({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: ids(10_000) } }), auth),
);
await measure('nodes(ids:) with 20,000 ids', () =>
  post(JSON.stringify({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: ids(20_000) } }), auth),
);
await measure('profilesInvitePreview(profileIds:) with 300,000 ids (19 MB)', () =>
  post(JSON.stringify({ query: 'query ($ids: [ID!]) { profilesInvitePreview(profileIds: $ids) { total } }', variables: { ids: ids(300_000) } }), auth),
);
await measure('profilesInvitePreview(profileIds:) with 100,000 ids (ENTERPRISE)', () =>
  post(JSON.stringify({ query: 'query ($ids: [ID!]) { profilesInvitePreview(profileIds: $ids) { total } }', variables: { ids: ids(100_000) } }), auth),
);
await measure('5,000 nested fragments', () =>
  post(
    JSON.stringify({
      query: `query { ...F0 } ${Array.from({ length: 5_000 }, (_, i) => `fragment F${i} on Query { ${i === 4_999 ? '__typename' : `...F${i + 1}`} }`).join(' ')}`,
    }),
  ),
);
await measure(
  '100 MB body (Content-Length, 1 MB sent)',
  () =>
    new Promise((resolve, reject) => {
      const target = new URL(`${url}/graphql`);
      const request = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, code: JSON.parse(text).errors[0].extensions.code }));
        },
      );
      request.on('error', reject);
      request.write(Buffer.alloc(1024 * 1024, 32));
    }),
);
await measure('100 aliased invitationAccept of an unknown token (anonymous)', () =>
  post(
    JSON.stringify({
      query: `mutation { ${Array.from({ length: 100 }, (_, i) => `a${i}: invitationAccept(input: { token: "x", password: "a fine long password" }) { __typename }`).join(' ')} }`,
    }),
  ),
);
await measure('4 × introspection × 1,500 aliases in parallel, then /health', async () => {
  await Promise.all(Array.from({ length: 4 }, () => post(JSON.stringify({ query: introspection(1_500) }))));
  const started = performance.now();
  const health = await fetch(`${url}/health`);
  return { status: health.status, code: `/health ${(performance.now() - started).toFixed(0)} ms` };
});

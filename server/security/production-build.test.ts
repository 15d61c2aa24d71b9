import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rootDir } from '../database/paths.ts';
import { type BuiltServer, startBuiltServer } from '../test/production.ts';

// Finding 12: `npm start` ran `tsx server/app/main.ts`, compiling TypeScript at every
// start, in production too. Now `npm run build` compiles the server and the
// worker to dist/server (and the SDK to sdk/dist), and `npm run start:prod`
// runs plain node on it. The tests' global setup ran that build; this starts
// the result as production would and asks it a query.

let server: BuiltServer;
beforeAll(async () => {
  server = await startBuiltServer(inject('postgresServerUrl'), { PARKPASS_SEED_DEMO: 'true' });
});
afterAll(() => server?.stop());

describe('the production build', () => {
  it('is JavaScript that imports no TypeScript, the Prisma client compiled in', async () => {
    const files = await readdir(path.join(rootDir, 'dist/server'));
    expect(files).toEqual(expect.arrayContaining(['main.js', 'worker-main.js']));
    for (const file of files.filter((name) => name.endsWith('.js'))) {
      const code = await readFile(path.join(rootDir, 'dist/server', file), 'utf8');
      expect(code, file).not.toMatch(/from ["'][^"']+\.ts["']/);
      expect(code, file).not.toMatch(/from ["']\.\.?\/.*generated/);
    }
    const scripts = JSON.parse(await readFile(path.join(rootDir, 'package.json'), 'utf8')).scripts;
    expect(scripts['start:prod']).toMatch(/^NODE_ENV=production node .*dist\/server\/main\.js$/);
    // The server last: its build copies the admin UI's assets into dist/.
    expect(scripts.build).toMatch(/--workspace admin && npm run build --workspace server$/);
  });

  it('starts with plain node in production and answers a query with the API key', async () => {
    expect(server.output()).toContain('Parkpass API ready (production)');
    const apiKey = /Demo API key:\s+(\S+)/.exec(server.output())?.[1];
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: '{ viewer { organization { name } } profiles(first: 5) { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { viewer: { organization: { name: 'Acme Parking (demo)' } }, profiles: { totalCount: 50 } } });
  });
});

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createPrisma } from '../database/prisma.ts';
import { seedDemo } from '../seed/demo-seed.ts';
import { TEMPLATE_DATABASE } from '../test/global-setup.ts';
import { type BuiltServer, freshDatabase, productionConfig, startBuiltServer } from '../test/production.ts';
import { createClient } from '../database/connections.ts';

// Finding 1: on an empty database, `NODE_ENV=production` seeded the demo
// organization (ENTERPRISE) whose owner password was printed in the README.
// Now production seeds it only when PARKPASS_SEED_DEMO=true, and the demo
// password is random, shown by the server that created it and nowhere else.

const running: BuiltServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function organizationsIn(databaseUrl: string): Promise<string[]> {
  const client = createClient('test', databaseUrl);
  await client.connect();
  const { rows } = await client.query<{ name: string }>('SELECT name FROM organization');
  await client.end();
  return rows.map((row) => row.name);
}

describe('production and the demo organization', () => {
  it('is seeded by default only outside production', () => {
    expect(loadConfig({}).seedDemo).toBe(true);
    expect(productionConfig().seedDemo).toBe(false);
    expect(productionConfig({ PARKPASS_SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('does not exist after a production start on an empty database', async () => {
    const server = await startBuiltServer(inject('postgresServerUrl'));
    running.push(server);
    expect(await organizationsIn(server.databaseUrl)).toEqual([]);
    expect(server.output()).not.toMatch(/Demo admin|Demo API key/);
  });

  it('is seeded when asked, with a random owner password that signs in, kept in the data folder for this user only', async () => {
    const server = await startBuiltServer(inject('postgresServerUrl'), { PARKPASS_SEED_DEMO: 'true' });
    running.push(server);
    const [, email, password] = /Demo admin:\s+(\S+) \/ (\S+)/.exec(server.output()) ?? [];
    expect(password).toBeDefined();
    expect(password).not.toBe('demo-parkpass-2026');
    expect(password!.length).toBeGreaterThanOrEqual(16);

    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($email: String!, $password: String!) { adminLogin(input: { email: $email, password: $password }) { __typename } }',
        variables: { email, password },
      }),
    });
    expect(((await response.json()) as any).data.adminLogin.__typename).toBe('AdminLoginPayload');

    expect((await stat(path.join(server.dataDir, 'demo-credentials.json'))).mode & 0o077).toBe(0);

    // Another seeding, another password.
    const database = await freshDatabase(inject('postgresServerUrl'), TEMPLATE_DATABASE);
    const prisma = createPrisma(database);
    const other = await seedDemo(prisma);
    await prisma.$disconnect();
    expect(other!.adminPassword).not.toBe(password);
  });
});

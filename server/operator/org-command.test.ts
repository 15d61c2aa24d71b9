import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../database/free-port.ts';
import { rootDir } from '../database/paths.ts';

// The operator's command as a person runs it: `npm start` in one terminal (the
// real server, its embedded PostgreSQL in its own data folder), `npm run org`
// in another, against the same database while the server runs.

const run = promisify(execFile);
let dataDir = '';
let env: NodeJS.ProcessEnv = {};
let url = '';
let server: ChildProcess | undefined;
let output = '';

async function command(script: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: rootDir, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const org = (...args: string[]) => command('server/operator/org-command.ts', args);

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data: any; errors?: unknown[] };
}

beforeAll(async () => {
  // Reachable by the postgres user the embedded server runs as.
  dataDir = await mkdtemp(path.join(tmpdir(), 'parkpass-org-'));
  await chmod(dataDir, 0o755);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    PARKPASS_DATA_DIR: dataDir,
    PARKPASS_PG_PORT: String(await freePort()),
    PARKPASS_SEED_DEMO: 'false',
  };
  for (const name of ['DATABASE_URL', 'POSTMARK_SERVER_TOKEN', 'POSTMARK_API_URL']) delete env[name];
  server = spawn(process.execPath, ['--import', 'tsx', 'server/app/main.ts'], { cwd: rootDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start:\n${output}`)), 110_000);
    server!.once('exit', (code) => reject(new Error(`The server exited (${code}):\n${output}`)));
    const check = setInterval(() => {
      if (!output.includes('Parkpass API ready')) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve();
    }, 100);
  });
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm run org, while the server runs', () => {
  it('creates a STARTER organization whose owner cannot invite, then moves it to BUSINESS and the owner can', async () => {
    const created = await org('create', '--name', 'Acme Parking', '--plan', 'starter', '--owner', 'Owner@Acme.test');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created the organization "Acme Parking"');
    const password = /password: (\S+)/.exec(created.stdout)![1]!;

    const login = await graphql(
      'mutation ($password: String!) { adminLogin(input: { email: "owner@acme.test", password: $password }) { __typename ... on AdminLoginPayload { token } } }',
      { password },
    );
    const token = login.data.adminLogin.token as string;
    expect(token).toMatch(/^pps_/);
    const profile = await graphql(
      'mutation { profileCreate(input: { firstName: "Ada", lastName: "Lovelace", email: "ada@acme.test" }) { ... on ProfilePayload { profile { id } } } }',
      {},
      token,
    );
    const profileId = profile.data.profileCreate.profile.id as string;
    const INVITE =
      'mutation ($id: ID!) { profileInvite(input: { profileId: $id }) { __typename ... on Error { code } ... on FeatureNotInPlan { requiredPlan } } }';

    const refused = await graphql(INVITE, { id: profileId }, token);
    expect(refused.data.profileInvite).toEqual({ __typename: 'FeatureNotInPlan', code: 'FEATURE_NOT_IN_PLAN', requiredPlan: 'BUSINESS' });

    const upgraded = await org('set-plan', '--organization', 'Acme Parking', '--plan', 'BUSINESS');
    expect(upgraded.code).toBe(0);
    expect(upgraded.stdout).toContain('is now on the BUSINESS plan');
    const invited = await graphql(INVITE, { id: profileId }, token);
    expect(invited.data.profileInvite.__typename).toBe('ProfileInvitePayload');

    const listed = await org('list');
    expect(listed.stdout).toMatch(/BUSINESS\s+1 admins\s+1 profiles\s+Acme Parking/);
  }, 120_000);

  it('says clearly what is wrong, and exits with 1', async () => {
    const badPlan = await org('create', '--name', 'X', '--plan', 'GOLD', '--owner', 'x@x.test');
    expect(badPlan.code).toBe(1);
    expect(badPlan.stderr).toContain('error: --plan must be one of STARTER, BUSINESS, ENTERPRISE (got "GOLD").');
    // Admin emails are unique per organization: the owner of Acme may own another one too.
    const alsoOwner = await org('create', '--name', 'Other', '--plan', 'BUSINESS', '--owner', 'owner@acme.test');
    expect(alsoOwner.code, alsoOwner.stderr).toBe(0);
    expect(alsoOwner.stdout).toContain('Created the organization "Other"');
    const badEmail = await org('create', '--name', 'Other', '--plan', 'BUSINESS', '--owner', 'not-an-email');
    expect(badEmail.stderr).toContain('"not-an-email" is not a valid email address.');
    const unknown = await org('set-plan', '--organization', 'Nobody Inc', '--plan', 'BUSINESS');
    expect(unknown.stderr).toContain('No organization has the name "Nobody Inc"');
    const typo = await org('creat');
    expect(typo.stderr).toContain('Unknown command "creat"');
  }, 120_000);

  it('seeds beside the running server too, with a plan', async () => {
    const seeded = await command('server/seed/seed-command.ts', ['--profiles', '20', '--plan', 'BUSINESS']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/Created organization \S+ \(BUSINESS\)/);
    const key = /API key: (\S+)/.exec(seeded.stdout)![1]!;
    const viewer = await graphql('{ viewer { plan } profiles { totalCount } }', {}, key);
    expect(viewer.data).toEqual({ viewer: { plan: 'BUSINESS' }, profiles: { totalCount: 20 } });
  }, 120_000);

  it('starts the database itself when the server is not running', async () => {
    server!.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
    const listed = await org('list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Acme Parking');
  }, 120_000);
});

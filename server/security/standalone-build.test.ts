import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../database/free-port.ts';
import { rootDir } from '../database/paths.ts';
import { freshDatabase, PRODUCTION_ENV } from '../test/production.ts';

// A deployment ships dist/ alone: copied into an empty folder, its production
// dependencies installed from its own lock file (`npm ci --omit=dev`, from the
// configured registry), it migrates a database with its migration command
// (which starts no server), then runs from yet another folder: /health/ready
// answers 200, GraphQL answers, the admin UI is served. A server that does not
// migrate at start is not ready while migrations are pending.

const run = promisify(execFile);
let folder: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'parkpass-deploy-'));
  await cp(path.join(rootDir, 'dist'), folder, { recursive: true });
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: folder, timeout: 240_000 });
}, 300_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  if (folder) await rm(folder, { recursive: true, force: true });
});

function environment(databaseUrl: string, extra: Record<string, string> = {}) {
  return { PATH: process.env.PATH, ...PRODUCTION_ENV, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', POSTMARK_API_URL: 'http://127.0.0.1:9/', ...extra };
}

/** Starts dist/server/main.js of the deployed folder, from another folder; resolves with its URL once it listens. */
async function startDeployed(databaseUrl: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const elsewhere = await mkdtemp(path.join(tmpdir(), 'parkpass-cwd-'));
  const child = spawn(process.execPath, [path.join(folder, 'server/main.js')], {
    cwd: elsewhere,
    env: environment(databaseUrl, { PORT: String(port), PARKPASS_DATA_DIR: elsewhere, ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`exited (${code}):\n${output}`)));
    child.stdout!.on('data', () => {
      if (output.includes('Parkpass API ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exit;
    },
  };
}

describe('the build, deployed alone', () => {
  it('holds the server, worker, migration command, email templates, migrations and admin UI', async () => {
    expect(await readdir(path.join(folder, 'server'))).toEqual(expect.arrayContaining(['main.js', 'worker-main.js', 'migrate.js', 'email']));
    expect((await readdir(path.join(folder, 'prisma/migrations'))).length).toBeGreaterThan(0);
    expect(await readdir(path.join(folder, 'admin/dist'))).toContain('index.html');
    // Production dependencies only: no TypeScript loader, no test runner.
    expect(await readdir(path.join(folder, 'node_modules'))).not.toEqual(expect.arrayContaining(['vitest']));
    expect(await readdir(path.join(folder, 'node_modules'))).not.toContain('tsx');
  });

  it('migrates with its own command, then runs from any folder: ready, answering GraphQL, serving the admin UI', { timeout: 120_000 }, async () => {
    const databaseUrl = await freshDatabase(inject('postgresServerUrl'));
    // Not migrated yet: a server that leaves migrations to the deploy is alive but not ready.
    const early = await startDeployed(databaseUrl, { PARKPASS_MIGRATE_ON_START: 'false', PARKPASS_RUN_WORKER: 'false' });
    expect((await fetch(`${early.url}/health/live`)).status).toBe(200);
    const pending = await fetch(`${early.url}/health/ready`);
    expect(pending.status).toBe(503);
    expect(await pending.json()).toMatchObject({ status: 'migrations pending' });

    const migrated = await run(process.execPath, [path.join(folder, 'server/migrate.js')], { cwd: tmpdir(), env: environment(databaseUrl) });
    expect(migrated.stdout).toContain('Applied migrations');
    expect((await fetch(`${early.url}/health/ready`)).status).toBe(200);
    expect(await early.stop()).toBe(0);

    const server = await startDeployed(databaseUrl);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    const answer = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    const admin = await fetch(`${server.url}/admin`);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('<div id="root"');
    expect(await server.stop()).toBe(0);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../app/config.ts';
import { freePort } from '../database/free-port.ts';
import { rootDir } from '../database/paths.ts';
import { createRateLimits, type RateLimitSettings } from '../security/rate-limits.ts';
import { appOptions } from '../app/wiring.ts';
import { createApp } from '../app/yoga.ts';
import { testRateLimits, type TestKit } from './kit.ts';
import { createClient } from '../database/connections.ts';

// Production mode in tests: the configuration a customer's server loads with
// NODE_ENV=production, turned into the app (in process, on the test file's
// database), or the built server (dist/, see build-server.ts) started as
// `npm run start:prod` starts it.

export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  // What production requires. The in-process app uses the test file's database whatever DATABASE_URL says.
  DATABASE_URL: 'postgres://parkpass@127.0.0.1:9/parkpass',
  PUBLIC_URL: 'https://parkpass.test',
  INVITATION_TOKEN_SECRET: 'production-test-secret-0123456789abcdef',
  POSTMARK_SERVER_TOKEN: 'production-test-postmark-token',
} as const;

/** The production configuration with `env` on top (a value `undefined` leaves that setting out). */
export function productionConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig(withoutUnset({ ...PRODUCTION_ENV, ...env }));
}

function withoutUnset(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The app as main.ts builds it from a production configuration. Rate limits: the kit's unless given. */
export function productionApp(kit: TestKit, options: { env?: Record<string, string>; rateLimits?: RateLimitSettings } = {}) {
  // Tests set X-Forwarded-For (its rightmost entry, behind one trusted hop, unless env says otherwise) to act from several addresses.
  const config = productionConfig({ TRUST_PROXY: '1', ...options.env });
  return createApp({
    prisma: kit.prisma,
    databaseUrl: kit.worker.connectionString,
    clock: kit.clock,
    settings: kit.worker.settings,
    ...appOptions(config),
    rateLimits: options.rateLimits ? createRateLimits(options.rateLimits) : testRateLimits(),
  });
}

export interface BuiltServer {
  url: string;
  databaseUrl: string;
  /** Its PARKPASS_DATA_DIR (a fresh temporary folder). */
  dataDir: string;
  output(): string;
  /** Its exit code, null while it runs (or when a signal ended it). */
  exitCode(): number | null;
  /** Sends SIGTERM and waits for the exit: its code, and the signal that ended it if any. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A fresh database on the tests' PostgreSQL server: empty, or a copy of a template. */
export async function freshDatabase(postgresServerUrl: string, template?: string): Promise<string> {
  const name = `parkpass_test_prod_${randomBytes(4).toString('hex')}`;
  const admin = createClient('test', postgresServerUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs `node dist/server/main.js` (plain node, no TypeScript loader) with the
 * production environment plus `env`, on a fresh database. Resolves once it
 * listens; rejects with its output if it exits first.
 */
export async function startBuiltServer(postgresServerUrl: string, env: Record<string, string> = {}): Promise<BuiltServer> {
  return startBuiltServerOn(await freshDatabase(postgresServerUrl), env);
}

/** Runs `node dist/server/main.js` on an existing database (DATABASE_URL), as startBuiltServer does. */
export async function startBuiltServerOn(databaseUrl: string, env: Record<string, string> = {}): Promise<BuiltServer> {
  const run = await runBuilt('main.js', databaseUrl, env);
  await run.started('Parkpass API ready');
  return run;
}

/** Runs `node dist/server/worker-main.js` (`npm run worker:prod`) on an existing database; resolves once it runs its jobs. */
export async function startBuiltWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<BuiltServer> {
  const run = await runBuilt('worker-main.js', databaseUrl, env);
  await run.started('Parkpass worker running');
  return run;
}

/** Runs the built server expecting it to refuse to start: its exit code and output. A value `undefined` in `env` leaves that setting out. */
export async function builtServerExit(postgresServerUrl: string, env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const run = await runBuilt('main.js', await freshDatabase(postgresServerUrl), env);
  const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
  return { code, output: run.output() };
}

async function runBuilt(script: 'main.js' | 'worker-main.js', databaseUrl: string, env: Record<string, string | undefined>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parkpass-prod-'));
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', path.join(rootDir, 'dist/server', script)], {
    cwd: rootDir,
    env: withoutUnset({
      PATH: process.env.PATH,
      ...PRODUCTION_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PARKPASS_DATA_DIR: dataDir,
      // Nothing is sent in these tests; should anything try, it fails fast.
      POSTMARK_API_URL: 'http://127.0.0.1:9/',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return {
    child,
    url,
    databaseUrl,
    dataDir,
    output: () => output,
    exitCode: () => child.exitCode,
    /** Resolves once the output holds `line`; rejects with the output if the process exits first or takes over a minute. */
    started: (line: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
        const exited = (code: number | null) => reject(new Error(`${script} exited (${code}):\n${output}`));
        child.once('exit', exited);
        const check = setInterval(() => {
          if (output.includes(line)) {
            clearInterval(check);
            clearTimeout(timer);
            child.off('exit', exited);
            resolve();
          }
        }, 50);
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exit = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exit;
      }
      return { code: child.exitCode, signal: child.signalCode };
    },
  };
}

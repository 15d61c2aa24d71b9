// Processes the delivery benchmarks start and stop: the fake Postmark (a child
// process that outlives the servers), Parkpass servers and workers (real
// `server/app/main.ts` and `npm run worker` processes, killed with SIGKILL when a
// benchmark says so), and a fresh database on the benchmark's embedded PostgreSQL.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '../server/database/index.ts';
import { startBenchPostgres } from './bench-kit.ts';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the benchmarks' embedded PostgreSQL
 * (PARKPASS_BENCH_PG_PORT), dropped by `drop()`. Not bench-database.ts's
 * migrated one: the server under test migrates it itself, so that another
 * checkout's server (`--server-dir`) runs on its own migrations.
 */
export async function benchDatabase(prefix: string): Promise<BenchDatabase> {
  const server = await startBenchPostgres();
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(server.url, name);
  return {
    url: withDatabase(server.url, name),
    drop: async () => {
      await dropDatabase(server.url, name);
      await server.stop();
    },
  };
}

export interface FakePostmarkProcess {
  url: string;
  token: string;
  stats(): Promise<{ accepted: number; requests: number; emailIds: string[]; duplicates: number; recipientDuplicates: number }>;
  /** Messages accepted per From address. */
  senders(): Promise<Map<string, number>>;
  /** Holds the answer of these batch numbers; `onHeld` runs (e.g. kills the sender), then the answer goes out. */
  hold(batches: number[], onHeld: (batch: number) => Promise<void>): void;
  stop(): Promise<void>;
}

export async function startFakePostmarkProcess(): Promise<FakePostmarkProcess> {
  const child = fork(new URL('./fake-postmark-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  const answers: ((message: unknown) => void)[] = [];
  let onHeld: (batch: number) => Promise<void> = async () => {};
  const started = new Promise<{ url: string; token: string }>((resolve) => answers.push(resolve as (message: unknown) => void));
  child.on('message', (message) => {
    const held = (message as { held?: number }).held;
    if (held !== undefined) {
      void onHeld(held).then(() => child.send({ release: held }));
      return;
    }
    answers.shift()?.(message);
  });
  const ask = <T>(question: string) =>
    new Promise<T>((resolve) => {
      answers.push(resolve as (message: unknown) => void);
      child.send(question);
    });
  const { url, token } = await started;
  return {
    url,
    token,
    stats: () => ask('stats'),
    senders: async () => new Map(Object.entries(await ask<Record<string, number>>('senders'))),
    hold(batches, callback) {
      onHeld = callback;
      child.send({ holdBatches: batches });
    },
    stop: async () => {
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export interface ParkpassProcess {
  name: string;
  pid: number;
  /** kill -9, and wait until it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), and wait until it is gone. */
  stop(): Promise<void>;
}

/** How long a server or a worker may take to print its ready line (tsx compiles the code on start, on a loaded machine). */
const READY_SECONDS = 180;

/**
 * Starts `node --import tsx <script>` (a server) or `npm run worker` in `cwd`
 * with `env`, resolves once it printed `readyLine`, fails (and kills it) if it
 * exits first or has not printed it within READY_SECONDS. Workers run in a
 * process group of their own (npm → node), killed as a group.
 */
export async function startParkpassProcess(options: {
  name: string;
  cwd: string;
  command: 'server' | 'worker';
  env: Record<string, string>;
  log?: boolean;
}): Promise<ParkpassProcess> {
  const env = { ...process.env, ...options.env };
  // The worker's ready line is a log line at level info, which the benchmarks' `PARKPASS_LOG_LEVEL=warn` would silence.
  if (options.command === 'worker') env.PARKPASS_LOG_LEVEL = options.env.PARKPASS_LOG_LEVEL ?? 'info';
  const child: ChildProcess =
    options.command === 'server'
      ? spawn(process.execPath, ['--import', 'tsx', 'server/app/main.ts'], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['run', '--silent', 'worker'], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const readyLine = options.command === 'server' ? 'Parkpass API ready' : 'Parkpass worker running';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (options.command === 'worker') process.kill(-child.pid!, name);
    else child.kill(name);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      reject(new Error(`${options.name} did not print "${readyLine}" within ${READY_SECONDS} s:\n${output}`));
    }, READY_SECONDS * 1000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      if (options.log) process.stdout.write(text.replace(/^/gm, `[${options.name}] `));
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready:\n${output}`));
    });
  });
  return {
    name: options.name,
    pid: child.pid!,
    kill9: async () => {
      signal('SIGKILL');
      await exited;
    },
    stop: async () => {
      signal('SIGTERM');
      await exited;
    },
  };
}

/** Sends a GraphQL request to a running server. */
export async function graphqlAt(port: number, apiKey: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string }[] };
}

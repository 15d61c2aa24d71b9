import pg from 'pg';
import { log } from '../observability/log.ts';
import { observePool } from '../observability/metrics.ts';
import { traceQueries } from '../observability/tracing.ts';

// THE place where node-postgres pools and clients are made, for the server,
// the worker, the operator commands, the bootstrap, the tests and the
// benchmarks (a test, connections.test.ts, refuses `new pg.Pool`/`new
// pg.Client` anywhere else). A pool or client emits 'error' when its
// connection drops outside a query (PostgreSQL restarted, the backend
// terminated, the network cut); an 'error' event nobody listens to ends the
// process. So each one made here always has a listener, on the pool and on
// every client it opens (a checked-out client loses the pool's own), which
// writes one line and nothing more: pg has already dropped the connection,
// and the next query opens a new one. The role also names the connections
// (`application_name`), so pg_stat_activity says whose each one is.

/** What a connection is for: shown in the log and as `parkpass-<role>` in pg_stat_activity. */
export type ConnectionRole = string;

/** Errors already written: one drop may be reported by the client, its pool and the Prisma adapter alike. */
const reported = new WeakSet<object>();

/** Writes one line about a lost connection (code and message); never throws. */
export function connectionErrorReporter(role: ConnectionRole): (error: unknown) => void {
  return (error) => {
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return;
      reported.add(error);
    }
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    log.warn(
      { component: 'database', role, code },
      `Database connection lost (${role}, ${typeof code === 'string' ? code : 'no code'}): ${String(message ?? error)}`,
    );
  };
}

function withRole<T extends pg.ClientConfig>(role: ConnectionRole, config: T): T {
  return { application_name: `parkpass-${role}`, ...config };
}

/** A pool whose lost connections, idle or checked out, are logged rather than fatal. */
export function createPool(role: ConnectionRole, config: pg.PoolConfig): pg.Pool {
  const report = connectionErrorReporter(role);
  const pool = new pg.Pool(withRole(role, config));
  pool.on('error', report);
  pool.on('connect', (client) => {
    client.on('error', report);
    traceQueries(client, role);
  });
  observePool(role, pool);
  return pool;
}

/** A single connection whose loss is logged rather than fatal (a caller that reconnects adds its own listener). */
export function createClient(role: ConnectionRole, config: pg.ClientConfig | string): pg.Client {
  const settings = typeof config === 'string' ? { connectionString: config } : config;
  const client = new pg.Client(withRole(role, settings));
  client.on('error', connectionErrorReporter(role));
  return client;
}

/** Connects a client, uses it, ends it (also when `use` fails or the connection was lost meanwhile). */
export async function withClient<T>(role: ConnectionRole, config: pg.ClientConfig | string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = createClient(role, config);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** At shutdown: waits for one thing to end; a failure (its connections already lost) is logged, so the next one still ends. */
export async function endLogged(what: string, ending: Promise<unknown> | undefined): Promise<void> {
  try {
    await ending;
  } catch (error) {
    log.warn({ component: 'shutdown' }, `Stopping ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * SQLSTATEs of a connection that PostgreSQL ended or would not take: class 08
 * (connection exception), 57P01 (terminated by an administrator, or a fast
 * shutdown), 57P02 (crash of another backend), 57P03 (starting up or shutting down).
 */
export function isConnectionLostState(sqlState: string): boolean {
  return sqlState.startsWith('08') || ['57P01', '57P02', '57P03'].includes(sqlState);
}

/** pg's own words for a connection that ended under a query (no SQLSTATE: the socket closed). */
export const CONNECTION_ENDED_MESSAGES = ['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable'];

const SOCKET_ERROR_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'];

/** A pg error saying the database went away: refused or reset socket, a lost-connection SQLSTATE, or pg's words for it. */
export function isConnectionLoss(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (isConnectionLostState(code) || SOCKET_ERROR_CODES.includes(code))) return true;
  return typeof message === 'string' && CONNECTION_ENDED_MESSAGES.some((words) => message.includes(words));
}

/** SQLSTATEs of a statement PostgreSQL refused or rolled back whole, which may simply be sent again: too many connections, a deadlock's or a serialization failure's loser. */
const RETRYABLE_STATES = ['53300', '40P01', '40001'];

/**
 * Prisma's "the database cannot take this now" errors: no connection to the
 * server (P1001, P1017, or the driver adapter's DatabaseNotReachable…), none
 * free in the pool in time (P2024), a transaction that could not start in
 * time (P2028), a transaction PostgreSQL ended as a deadlock's or a
 * serialization's loser (P2034, 40P01, 40001), too many connections (53300),
 * or a connection PostgreSQL ended under the statement or refused
 * (restarting, shutting down, the backend terminated). Each fails
 * before anything is written (an interrupted statement or transaction is
 * rolled back), so the caller may simply retry. The same from `pg` itself,
 * for the statements sent without Prisma (sqlQuery): its socket errors
 * and lost-connection SQLSTATEs.
 */
export function isDatabaseBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ['P1001', 'P1017', 'P2024', 'P2028', 'P2034'].includes(code)) return true;
  // Through the driver adapter (raw SQL, P2010): the adapter says what kind of failure it was.
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } }).meta?.driverAdapterError?.cause;
  if (
    typeof cause?.kind === 'string' &&
    ['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict'].includes(cause.kind)
  )
    return true;
  if (cause?.kind === 'postgres' && typeof cause.code === 'string' && (isConnectionLostState(cause.code) || RETRYABLE_STATES.includes(cause.code))) return true;
  if (typeof code === 'string' && RETRYABLE_STATES.includes(code)) return true;
  if (CONNECTION_ENDED_MESSAGES.some((message) => error.message.includes(message))) return true;
  if (isConnectionLoss(error)) return true;
  return error.name === 'PrismaClientInitializationError' || code === 'ECONNREFUSED';
}

/**
 * pg-pool's refusal of a second release of one client. graphile-worker (0.16)
 * releases its LISTEN client twice when the connection drops while the runner
 * is stopping (its error handler and its shutdown both release it, in a
 * promise nobody awaits): the client is already back in the pool, nothing is lost.
 */
const DOUBLE_RELEASE = 'Release called on client which has already been released to the pool.';

/**
 * The server's and the worker's `unhandledRejection` listener. graphile-worker
 * leaves promises of its own rejected with nobody to catch them when the
 * database goes away: its cron at the minute an item is due, its LISTEN
 * client's double release (DOUBLE_RELEASE) while a lost runner stops. Those are
 * logged, and the job runner is started again (server/app/worker.ts). Any other
 * unhandled rejection still ends the process, as Node does by default.
 */
export function survivingLostConnections(reason: unknown): void {
  if (reason instanceof Error && reason.message === DOUBLE_RELEASE) {
    log.warn({ component: 'database', err: reason }, 'A database client was released twice after a lost connection (graphile-worker); ignored.');
    return;
  }
  if (!isConnectionLoss(reason)) throw reason;
  connectionErrorReporter('unawaited')(reason);
}

import pg from 'pg';

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
    console.warn(`Database connection lost (${role}, ${typeof code === 'string' ? code : 'no code'}): ${String(message ?? error)}`);
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
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}

/** A single connection whose loss is logged rather than fatal; `onLost` is for callers that reconnect. */
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
    console.warn(`Stopping ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

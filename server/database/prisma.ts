import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { type Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { connectionErrorReporter, createPool } from './connections.ts';

export type { PrismaClient };

export interface PrismaOptions {
  /** Called with each SQL statement Prisma sends (and its time in milliseconds); tests count them. */
  onQuery?: (sql: string, durationMs: number) => void;
  maxConnections?: number;
  /**
   * `sqlQuery`'s statements as named prepared statements: parsed and planned once per connection, not at each call.
   * Only on a connection of its own to PostgreSQL: a pooler in transaction mode cannot keep them (PgBouncer 1.18).
   */
  namedStatements?: boolean;
}

export function createPrisma(databaseUrl: string, options: PrismaOptions = {}): PrismaClient {
  // The pool comes from the one factory (its lost connections are logged, never fatal); the adapter
  // ends it with the client. The adapter also listens on idle clients and on each transaction's
  // client: the same one-line report (an error already reported is not written twice).
  const pool = createPool('prisma', { connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  const report = connectionErrorReporter('prisma');
  const adapter = new PrismaPg(pool, { disposeExternalPool: true, onPoolError: report, onConnectionError: report });
  if (!options.onQuery) {
    const prisma = new PrismaClient({ adapter });
    pools.set(prisma, { pool, named: options.namedStatements === true });
    return prisma;
  }
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = options.onQuery;
  prisma.$on('query', (event) => onQuery(event.query, Number(event.duration)));
  pools.set(prisma, { pool, onQuery, named: options.namedStatements === true });
  return prisma;
}

/** The pool under each client made here (and its onQuery), for `sqlQuery`. */
const pools = new WeakMap<PrismaClient, { pool: pg.Pool; onQuery?: PrismaOptions['onQuery']; named: boolean }>();

/**
 * The names given to statement texts, the same in every connection: at most MAX_NAMED texts (the hot paths' few),
 * so that a connection never holds more prepared statements than that; a text beyond them is sent unnamed.
 */
const names = new Map<string, string>();
const MAX_NAMED = 100;

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_NAMED) {
    name = `parkpass_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * One hand-written statement (Prisma.sql) sent by node-postgres on the client's own pool, past Prisma's client and
 * query compiler: for the few hot paths whose SQL is written by hand (a user an identity provider provisions, an
 * invitation accepted). `onQuery` sees it as it sees Prisma's. Its rows as node-postgres reads them: as $queryRaw's
 * (timestamptz a Date, json parsed, int a number) but for bigint and numeric, which come as strings. Through $queryRaw
 * for a client not made here. Named (planned once per connection) when the client was made with `namedStatements`.
 */
export async function sqlQuery<Row>(prisma: PrismaClient, statement: Prisma.Sql): Promise<Row[]> {
  const direct = pools.get(prisma);
  if (!direct) return prisma.$queryRaw<Row[]>(statement);
  const started = performance.now();
  try {
    const name = direct.named ? nameOf(statement.text) : undefined;
    return (await direct.pool.query({ name, text: statement.text, values: statement.values })).rows as Row[];
  } finally {
    direct.onQuery?.(statement.text, performance.now() - started);
  }
}

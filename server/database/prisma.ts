import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { type Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { connectionErrorReporter, createPool } from './connections.ts';

export type { PrismaClient };

export interface PrismaOptions {
  /** Called with each SQL statement Prisma sends (and its time in milliseconds); tests count them. */
  onQuery?: (sql: string, durationMs: number) => void;
  maxConnections?: number;
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
    pools.set(prisma, { pool });
    return prisma;
  }
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = options.onQuery;
  prisma.$on('query', (event) => onQuery(event.query, Number(event.duration)));
  pools.set(prisma, { pool, onQuery });
  return prisma;
}

/** The pool under each client made here (and its onQuery), for `sqlQuery`. */
const pools = new WeakMap<PrismaClient, { pool: pg.Pool; onQuery?: PrismaOptions['onQuery'] }>();

/**
 * One hand-written statement (Prisma.sql) sent by node-postgres on the client's own pool, past Prisma's client and
 * query compiler: for the few hot paths whose SQL is written by hand (a user an identity provider provisions, an
 * invitation accepted). `onQuery` sees it as it sees Prisma's. Its rows as node-postgres reads them: as $queryRaw's
 * (timestamptz a Date, json parsed, int a number) but for bigint and numeric, which come as strings. Through $queryRaw
 * for a client not made here.
 */
export async function sqlQuery<Row>(prisma: PrismaClient, statement: Prisma.Sql): Promise<Row[]> {
  const direct = pools.get(prisma);
  if (!direct) return prisma.$queryRaw<Row[]>(statement);
  const started = performance.now();
  try {
    return (await direct.pool.query(statement.text, statement.values)).rows as Row[];
  } finally {
    direct.onQuery?.(statement.text, performance.now() - started);
  }
}

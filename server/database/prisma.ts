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

/** Each client's own pool (and its statement listener), for sendStatement. */
const pools = new WeakMap<PrismaClient, { pool: pg.Pool; onQuery?: PrismaOptions['onQuery'] }>();

/**
 * One SQL statement on the client's own pool through `pg`, without Prisma's
 * per-statement work (a third of a hot path's CPU when it sent a dozen): for a
 * path that writes everything in one statement (a chain of data-modifying
 * CTEs is atomic, no transaction needed). Told to the client's `onQuery`
 * like Prisma's own. Rows as `pg` reads them: timestamps as Dates, uuids,
 * citext and bigints as strings.
 */
export async function sendStatement<Row>(prisma: PrismaClient, statement: Prisma.Sql): Promise<Row[]> {
  const own = pools.get(prisma);
  if (!own) throw new Error('sendStatement takes a client made by createPrisma.');
  const started = performance.now();
  const result = await own.pool.query(statement.text, statement.values);
  own.onQuery?.(statement.text, performance.now() - started);
  return result.rows as Row[];
}

import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
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
  if (!options.onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = options.onQuery;
  prisma.$on('query', (event) => onQuery(event.query, Number(event.duration)));
  return prisma;
}

import { portFromEnvironment } from '../server/database/free-port.ts';
import { bootstrapDatabase, type Database, dropDatabase } from '../server/database/index.ts';
import type { PrismaOptions } from '../server/database/prisma.ts';
import { benchDataDir } from './bench-kit.ts';

/**
 * A benchmark's database, through the one bootstrap (server/database/index.ts):
 * the embedded PostgreSQL in PARKPASS_BENCH_DATA_DIR (.data/bench-postgres) on PARKPASS_BENCH_PG_PORT (or
 * a free port; `fast` skips durability for seeding), the database created and migrated. `drop()` removes it (for
 * the benches that make a fresh one per run) and stops the server.
 */
export async function openBenchDatabase(
  database: string,
  prisma: PrismaOptions = {},
  options: { fast?: boolean; statementStatistics?: boolean } = {},
): Promise<Database & { drop(): Promise<void> }> {
  const opened = await bootstrapDatabase({
    embedded: {
      dataDir: benchDataDir(),
      port: await portFromEnvironment('PARKPASS_BENCH_PG_PORT'),
      fast: options.fast,
      statementStatistics: options.statementStatistics,
    },
    database,
    prisma,
  });
  return {
    ...opened,
    drop: async () => {
      await opened.prisma.$disconnect();
      await dropDatabase(opened.serverUrl, database);
      await opened.close();
    },
  };
}

import { beforeAll, describe, expect, it } from 'vitest';
import { useTestKit } from '../test/kit.ts';
import { createPool, isDatabaseBusy } from './connections.ts';

// A deadlock's loser is rolled back whole by PostgreSQL: the caller may send
// the same request again. Both ways statements reach PostgreSQL (Prisma's
// client, and `pg` alone for the hand-written hot paths) must be read as
// "busy, retry" (GraphQL's SERVICE_UNAVAILABLE, SCIM's 503), never as an
// unexpected failure (a 500). Real deadlocks, on a table of this file's own.

const kit = useTestKit();

beforeAll(async () => {
  await kit.prisma.$executeRawUnsafe('CREATE TABLE deadlock_probe (id int PRIMARY KEY)');
  await kit.prisma.$executeRawUnsafe('INSERT INTO deadlock_probe VALUES (1), (2)');
});

/** Two writers that each lock one row, then wait for the other's: PostgreSQL ends one of them. */
async function crossing(lock: (first: number, second: number, bothHoldOne: Promise<void>, holding: () => void) => Promise<void>) {
  let held = 0;
  let release!: () => void;
  const bothHoldOne = new Promise<void>((resolve) => {
    release = resolve;
  });
  const holding = () => {
    held += 1;
    if (held === 2) release();
  };
  return Promise.allSettled([lock(1, 2, bothHoldOne, holding), lock(2, 1, bothHoldOne, holding)]);
}

describe('a deadlock is a failure to retry', () => {
  it('through Prisma: the loser is rolled back and read as busy', async () => {
    const results = await crossing((first, second, bothHoldOne, holding) =>
      kit.prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`UPDATE deadlock_probe SET id = id WHERE id = ${first}`;
          holding();
          await bothHoldOne;
          await tx.$executeRaw`UPDATE deadlock_probe SET id = id WHERE id = ${second}`;
        },
        { timeout: 20_000 },
      ),
    );
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(String(refused[0]!.reason)).toMatch(/deadlock/i);
    expect(isDatabaseBusy(refused[0]!.reason)).toBe(true);
  });

  it('through pg alone: the 40P01 error is read as busy', async () => {
    const pool = createPool('test', { connectionString: kit.worker.connectionString, max: 2 });
    try {
      const results = await crossing(async (first, second, bothHoldOne, holding) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('UPDATE deadlock_probe SET id = id WHERE id = $1', [first]);
          holding();
          await bothHoldOne;
          await client.query('UPDATE deadlock_probe SET id = id WHERE id = $1', [second]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      });
      const refused = results.filter((result) => result.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect((refused[0]!.reason as { code?: string }).code).toBe('40P01');
      expect(isDatabaseBusy(refused[0]!.reason)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('an error that is the caller’s or the code’s stays unexpected', async () => {
    const failure = await kit.prisma.$executeRawUnsafe('SELECT * FROM no_such_table').catch((error: unknown) => error);
    expect(isDatabaseBusy(failure)).toBe(false);
  });
});

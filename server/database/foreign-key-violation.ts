import { Prisma } from '../generated/prisma/client.ts';

// "A row this write points at is gone": PostgreSQL's 23503, as Prisma reports
// it (P2003 for its own writes, P2010 for a raw query) or as pg does.

export function isForeignKeyViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return error.code === 'P2003' || (error.code === 'P2010' && JSON.stringify(error.meta ?? {}).includes('23503'));
  }
  return Boolean(error && typeof error === 'object' && (error as { code?: unknown }).code === '23503');
}

/**
 * Runs a transaction again, once, when it failed because a row it links to
 * (a parking lot, a tag) was deleted between its checks and its write: the
 * second run's checks see the row gone and answer their typed error (an
 * unknown parking lot, at its index) instead of an internal one. The failed
 * run was rolled back, so running it again writes nothing twice.
 */
export async function retryIfLinkVanished<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    return run();
  }
}

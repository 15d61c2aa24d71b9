import type { PrismaClient } from '../database/prisma.ts';

const DATABASE_TIMEOUT_MS = 2_000;

/**
 * GET /health, for load balancers and orchestrators: 200 {"status":"ok"} when
 * the database answers a ping within 2 s, else 503 {"status":"unavailable"}
 * (the reason goes to the log, not to whoever probes).
 */
export async function healthResponse(prisma: PrismaClient): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_TIMEOUT_MS} ms`)), DATABASE_TIMEOUT_MS);
      }),
    ]);
    return Response.json({ status: 'ok', database: 'ok' }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    console.error('Health check: the database does not answer:', error instanceof Error ? error.message : error);
    return Response.json({ status: 'unavailable', database: 'unreachable' }, { status: 503, headers: { 'cache-control': 'no-store' } });
  } finally {
    clearTimeout(timer);
  }
}

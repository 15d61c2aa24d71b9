import type { PrismaClient } from '../database/prisma.ts';
import { pendingMigrations } from '../database/migrate.ts';
import { log } from '../observability/log.ts';

const DATABASE_TIMEOUT_MS = 2_000;
const NO_STORE = { 'cache-control': 'no-store' };

/** What the process tells the readiness probe and the app: `drain()` at SIGTERM, so load balancers stop sending and long streams end. */
export class Lifecycle {
  draining = false;
  private readonly onDrain: (() => void)[] = [];
  /** Runs `end` when draining starts. */
  whenDraining(end: () => void): void {
    this.onDrain.push(end);
  }
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    for (const end of this.onDrain) end();
  }
}

/**
 * GET /health, for load balancers and orchestrators: 200 {"status":"ok"} when
 * the database answers a ping within 2 s, else 503 {"status":"unavailable"}
 * (the reason goes to the log, not to whoever probes).
 */
export async function healthResponse(prisma: PrismaClient): Promise<Response> {
  return (await databaseAnswers(prisma))
    ? Response.json({ status: 'ok', database: 'ok' }, { headers: NO_STORE })
    : Response.json({ status: 'unavailable', database: 'unreachable' }, { status: 503, headers: NO_STORE });
}

/** GET /health/live: 200 while the process runs and serves HTTP (restart it only when this fails). Asks nothing of the database. */
export function liveResponse(): Response {
  return Response.json({ status: 'ok' }, { headers: NO_STORE });
}

/**
 * GET /health/ready: 200 when this process should get traffic; 503 while it
 * drains at shutdown, while migrations shipped with it are not applied yet
 * (a deploy that runs `npm run migrate` apart), or when the database does not answer.
 */
export function readinessCheck(prisma: PrismaClient, databaseUrl: string, lifecycle: Lifecycle) {
  // Once every migration is applied, it stays so for this build: no need to look again.
  let migrated = false;
  return async (): Promise<Response> => {
    if (lifecycle.draining) return Response.json({ status: 'draining' }, { status: 503, headers: NO_STORE });
    if (!migrated) {
      try {
        const pending = await pendingMigrations(databaseUrl);
        if (pending.length) return Response.json({ status: 'migrations pending', pending: pending.length }, { status: 503, headers: NO_STORE });
        migrated = true;
      } catch (error) {
        log.error({ component: 'health' }, `Readiness: cannot read the applied migrations: ${error instanceof Error ? error.message : String(error)}`);
        return Response.json({ status: 'unavailable', database: 'unreachable' }, { status: 503, headers: NO_STORE });
      }
    }
    return (await databaseAnswers(prisma))
      ? Response.json({ status: 'ready', database: 'ok' }, { headers: NO_STORE })
      : Response.json({ status: 'unavailable', database: 'unreachable' }, { status: 503, headers: NO_STORE });
  };
}

async function databaseAnswers(prisma: PrismaClient): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_TIMEOUT_MS} ms`)), DATABASE_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch (error) {
    log.error({ component: 'health' }, `Health check: the database does not answer: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

// graphile-worker stops its whole runner, and rejects the runner's promise,
// when its cron cannot reach the database (PostgreSQL restarting, or a
// connection terminated, at the minute a cron item is due): "the calling code
// should re-schedule". Left alone, the worker would then run no job until the
// process restarts. The supervisor starts a new runner after a pause that
// grows while the database stays away, until it is stopped.
import { log } from '../observability/log.ts';

/** What the supervisor needs of a graphile-worker runner. */
export interface StoppableRunner {
  stop(): Promise<void>;
  promise: Promise<void>;
}

/** At most 5 s: a failover's database is back within seconds, and the jobs it cut (a bulk invitation, a batch of emails) wait for this. */
export const RESTART_DELAYS_MS = [1_000, 2_000, 5_000];

/** Starts a runner now (its failure is the caller's), then again whenever one stops by itself; `stop()` ends the current one. */
export async function superviseRunner(
  start: () => Promise<StoppableRunner>,
  delaysMs: readonly number[] = RESTART_DELAYS_MS,
): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let restarting: Promise<void> | null = null;
  let current: StoppableRunner | null = null;

  const watch = (runner: StoppableRunner) => {
    current = runner;
    runner.promise.then(
      () => {},
      (error: unknown) => {
        if (current !== runner) return;
        current = null;
        if (stopped) return;
        log.warn({ component: 'worker' }, `The job runner stopped (${messageOf(error)}); starting it again.`);
        restartLater();
      },
    );
  };

  const restartLater = () => {
    const delay = delaysMs[Math.min(attempt++, delaysMs.length - 1)]!;
    timer = setTimeout(() => {
      timer = null;
      restarting = (async () => {
        try {
          const runner = await start();
          if (stopped) await runner.stop();
          else {
            attempt = 0;
            watch(runner);
          }
        } catch (error) {
          log.warn({ component: 'worker' }, `The job runner could not start (${messageOf(error)}); trying again.`);
          if (!stopped) restartLater();
        } finally {
          restarting = null;
        }
      })();
    }, delay);
  };

  watch(await start());
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await restarting;
      const runner = current;
      current = null;
      await runner?.stop();
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

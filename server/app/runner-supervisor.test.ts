import { Logger, makeWorkerUtils, type TaskList } from 'graphile-worker';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { type StoppableRunner, superviseRunner } from './runner-supervisor.ts';
import { superviseJobRunner } from './worker.ts';
import { createPool, withClient } from '../database/connections.ts';
import { captureLogs } from '../observability/log.ts';
import { TEMPLATE_DATABASE } from '../test/global-setup.ts';
import { freshDatabase } from '../test/production.ts';

// graphile-worker ends its runner when its cron's query meets a lost
// connection (seen when PostgreSQL restarted at a minute a cron item was due:
// the worker then ran no job, and the rejection ended the process). The
// supervisor starts a new runner; these fake runners stop on demand.

interface FakeRunner extends StoppableRunner {
  fail(error: Error): void;
  stopped: boolean;
}

function fakeRunner(): FakeRunner {
  let reject!: (error: Error) => void;
  let resolve!: () => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  const runner: FakeRunner = {
    promise,
    stopped: false,
    fail: (error) => reject(error),
    stop: async () => {
      runner.stopped = true;
      resolve();
    },
  };
  return runner;
}

const lost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

afterEach(() => {
  vi.useRealTimers();
});

describe('the job runner supervisor', () => {
  it('starts a new runner when one stops by itself, and stop() ends that one', async () => {
    vi.useFakeTimers();
    const logs = captureLogs('warn');
    const warned = () => logs.entries().map((entry) => entry.msg);
    const runners: FakeRunner[] = [];
    const supervisor = await superviseRunner(async () => {
      runners.push(fakeRunner());
      return runners.at(-1)!;
    });
    expect(runners).toHaveLength(1);

    runners[0]!.fail(lost());
    await vi.advanceTimersByTimeAsync(999);
    expect(runners).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runners).toHaveLength(2);
    expect(warned()).toContain('The job runner stopped (terminating connection due to administrator command); starting it again.');

    await supervisor.stop();
    expect(runners.map((runner) => runner.stopped)).toEqual([false, true]);
    logs.stop();
  });

  it('tries again, waiting longer, while the database stays away; stop() during the pause starts nothing more', async () => {
    vi.useFakeTimers();
    const logs = captureLogs('warn');
    const warned = () => logs.entries().map((entry) => entry.msg);
    const first = fakeRunner();
    let starts = 0;
    const supervisor = await superviseRunner(async () => {
      starts++;
      if (starts === 1) return first;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }, [100, 300]);
    first.fail(lost());
    await vi.advanceTimersByTimeAsync(100);
    expect(starts).toBe(2);
    await vi.advanceTimersByTimeAsync(299);
    expect(starts).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toBe(3);
    expect(warned().at(-1)).toBe('The job runner could not start (connect ECONNREFUSED 127.0.0.1:5432); trying again.');

    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(starts).toBe(3);
    logs.stop();
  });
});

describe('the job runner when the database goes away under a job', () => {
  it('runs the job again once the database is back: its end was never written, and it is not left locked', async () => {
    const serverUrl = inject('postgresServerUrl');
    const url = await freshDatabase(serverUrl, TEMPLATE_DATABASE);
    const name = new URL(url).pathname.slice(1);
    const onServer = (sql: string, values: unknown[] = []) => withClient('test', serverUrl, (client) => client.query(sql, values));
    const runs: number[] = [];
    const tasks: TaskList = {
      flaky: async (_payload, helpers) => {
        runs.push(helpers.job.attempts);
        if (runs.length > 1) return;
        // The database goes away under the job (as in a failover): no new connection, the runner's own ones cut.
        await onServer(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
        await onServer('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
        throw new Error('the database went away');
      },
    };
    const said: string[] = [];
    const logger = new Logger(() => (_level, message) => void said.push(message));
    const pool = createPool('jobs', { connectionString: url, max: 4 });
    const utils = await makeWorkerUtils({ pgPool: pool, logger });
    await utils.addJob('flaky', {});
    await utils.release();
    const runner = await superviseJobRunner(pool, { concurrency: 1, noHandleSignals: true, pollInterval: 100, taskList: tasks, logger }, [100]);
    try {
      // graphile-worker could not write the job's failure: it gives that worker up.
      await expect.poll(() => said.join('\n')).toMatch(/Failed to release job '\d+' after failure 'the database went away'/);
      await onServer(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      // The job runs again (its second attempt) and completes: no job is left, locked or not.
      await expect.poll(() => runs).toEqual([1, 2]);
      await expect
        .poll(() => withClient('test', url, async (client) => (await client.query('SELECT count(*)::int AS n FROM graphile_worker._private_jobs')).rows[0].n))
        .toBe(0);
    } finally {
      await onServer(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await runner.stop();
      await pool.end();
    }
  });
});

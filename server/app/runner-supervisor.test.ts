import { afterEach, describe, expect, it, vi } from 'vitest';
import { type StoppableRunner, superviseRunner } from './runner-supervisor.ts';
import { captureLogs } from '../observability/log.ts';

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

import type { Server } from 'node:http';
import type { PrismaClient } from '../database/prisma.ts';
import { log } from '../observability/log.ts';
import { observeJobQueue, startMetricsServer } from '../observability/metrics.ts';
import { startTracing, traceResolvers } from '../observability/tracing.ts';
import type { Config } from './config.ts';
import { schema } from './schema.ts';

// What the server and the worker start beside their work: traces (when an
// OTLP endpoint is set), the metrics port (when PARKPASS_METRICS_PORT is set),
// and the job queue gauges read from the database at each scrape.

/** Ready jobs, running jobs and the oldest ready job's age, per task, from graphile-worker's tables. */
export function jobQueueReader(prisma: PrismaClient) {
  return async () => {
    const rows = await prisma.$queryRaw<{ task: string; ready: number; scheduled: number; locked: number; oldest: number }[]>`
      SELECT t.identifier AS task,
        (count(*) FILTER (WHERE j.locked_at IS NULL AND j.run_at <= now() AND j.attempts < j.max_attempts))::int AS ready,
        (count(*) FILTER (WHERE j.locked_at IS NULL AND j.run_at > now() AND j.attempts < j.max_attempts))::int AS scheduled,
        (count(*) FILTER (WHERE j.locked_at IS NOT NULL))::int AS locked,
        coalesce(extract(epoch FROM now() - min(j.run_at) FILTER (WHERE j.locked_at IS NULL AND j.run_at <= now() AND j.attempts < j.max_attempts)), 0)::float8 AS oldest
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      GROUP BY t.identifier`;
    return rows.map((row) => ({ task: row.task, ready: row.ready, scheduled: row.scheduled, locked: row.locked, oldestSeconds: row.oldest }));
  };
}

export interface Observability {
  stop(): Promise<void>;
}

export async function startObservability(config: Config, prisma: PrismaClient): Promise<Observability> {
  const tracing = config.tracing ? await startTracing({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName }) : null;
  if (tracing) {
    traceResolvers(schema);
    log.info(`Traces go to ${config.tracing!.endpoint} (OTLP/HTTP).`);
  }
  let server: Server | null = null;
  if (config.metrics) {
    observeJobQueue(jobQueueReader(prisma));
    server = await startMetricsServer(config.metrics.port, config.metrics.host);
    log.info(`Metrics at http://${config.metrics.host}:${config.metrics.port}/metrics`);
  }
  return {
    async stop() {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await tracing?.shutdown();
    },
  };
}

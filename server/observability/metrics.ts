import { createServer, type Server } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { log } from './log.ts';

// The process's metrics, in Prometheus' text format (prom-client), served at
// /metrics on a port of its own (PARKPASS_METRICS_PORT; never the public one).
// docs/operations.md lists each with a dashboard query. Labels are bounded:
// an operation is its root field (a name of the schema, not the caller's
// operation name), a code is one of the error catalogue's.

export const metrics = new Registry();

export const requestsTotal = new Counter({
  name: 'parkpass_requests_total',
  help: 'HTTP requests answered, by GraphQL operation (its first root field; the route outside GraphQL) and outcome (ok, refused, error).',
  labelNames: ['operation', 'outcome'] as const,
  registers: [metrics],
});

export const requestDuration = new Histogram({
  name: 'parkpass_request_duration_seconds',
  help: 'Time to answer a request, by operation.',
  labelNames: ['operation'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metrics],
});

export const errorsTotal = new Counter({
  name: 'parkpass_errors_total',
  help: 'Errors answered, by documented code (GraphQL errors and typed mutation errors).',
  labelNames: ['code'] as const,
  registers: [metrics],
});

export const rateLimitRefusals = new Counter({
  name: 'parkpass_rate_limit_refusals_total',
  help: 'Requests refused by a rate limit, by budget.',
  labelNames: ['budget'] as const,
  registers: [metrics],
});

export const emailsTotal = new Counter({
  name: 'parkpass_emails_total',
  help: 'Emails by outcome: sent (accepted by Postmark), failed (refused or unreachable), delivered, bounced (Postmark webhooks), reconciled (an unknown send settled afterwards).',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

export const webhookDeliveries = new Counter({
  name: 'parkpass_webhook_deliveries_total',
  help: 'Outbound webhook delivery attempts, by outcome (delivered, failed, refused).',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

export const scimRequests = new Counter({
  name: 'parkpass_scim_requests_total',
  help: 'Directory sync (SCIM 2.0) requests, by method and HTTP status class.',
  labelNames: ['method', 'status'] as const,
  registers: [metrics],
});

export const jobsTotal = new Counter({
  name: 'parkpass_jobs_total',
  help: 'Background jobs run by this worker, by task and outcome (completed, failed).',
  labelNames: ['task', 'outcome'] as const,
  registers: [metrics],
});

/** What the pool gauge reads; connections.ts registers every pool it makes. */
export interface ObservedPool {
  /** pg sets it once `end()` was called: the pool is forgotten at the next scrape. */
  ended?: boolean;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools = new Map<ObservedPool, string>();

/** Counts the pool's connections on every scrape until it ends. */
export function observePool(role: string, pool: ObservedPool) {
  pools.set(pool, role);
}

new Gauge({
  name: 'parkpass_db_pool_connections',
  help: 'Database connections by pool (role) and state: open (total), idle, and callers waiting for one.',
  labelNames: ['pool', 'state'] as const,
  registers: [metrics],
  collect() {
    this.reset();
    const sums = new Map<string, ObservedPool>();
    for (const [pool, role] of pools) {
      if (pool.ended) {
        pools.delete(pool);
        continue;
      }
      const sum = sums.get(role) ?? { totalCount: 0, idleCount: 0, waitingCount: 0 };
      sum.totalCount += pool.totalCount;
      sum.idleCount += pool.idleCount;
      sum.waitingCount += pool.waitingCount;
      sums.set(role, sum);
    }
    for (const [role, sum] of sums) {
      this.set({ pool: role, state: 'open' }, sum.totalCount);
      this.set({ pool: role, state: 'idle' }, sum.idleCount);
      this.set({ pool: role, state: 'waiting' }, sum.waitingCount);
    }
  },
});

/** The job queue as the database sees it: ready jobs per task and the age of the oldest one. */
export type QueueReader = () => Promise<{ task: string; ready: number; scheduled: number; oldestSeconds: number; locked: number }[]>;
let readQueue: QueueReader | null = null;

/** The server and the worker hand the reader over; the gauges read it at each scrape. */
export function observeJobQueue(reader: QueueReader | null) {
  readQueue = reader;
}

/** One read of the queue serves both gauges of a scrape (they are collected one after the other). */
let reading: { at: number; rows: ReturnType<QueueReader> } | null = null;
function queueRows(): ReturnType<QueueReader> {
  if (!readQueue) return Promise.resolve([]);
  if (!reading || performance.now() - reading.at > 1_000) {
    reading = {
      at: performance.now(),
      rows: readQueue().catch((error: unknown) => {
        log.warn({ component: 'metrics', err: error }, 'Cannot read the job queue for the metrics');
        return [];
      }),
    };
  }
  return reading.rows;
}

new Gauge({
  name: 'parkpass_job_queue_depth',
  help: 'Jobs in the queue by task and state: ready (due, not taken), scheduled (due later), running (taken by a worker).',
  labelNames: ['task', 'state'] as const,
  registers: [metrics],
  async collect() {
    this.reset();
    for (const row of await queueRows()) {
      this.set({ task: row.task, state: 'ready' }, row.ready);
      this.set({ task: row.task, state: 'scheduled' }, row.scheduled);
      this.set({ task: row.task, state: 'running' }, row.locked);
    }
  },
});
new Gauge({
  name: 'parkpass_job_queue_oldest_seconds',
  help: 'Age of the oldest ready job by task (how long it has been due).',
  labelNames: ['task'] as const,
  registers: [metrics],
  async collect() {
    this.reset();
    for (const row of await queueRows()) this.set({ task: row.task }, row.oldestSeconds);
  },
});

/** Serves GET /metrics on `port` (and nothing else); resolves once it listens. */
export async function startMetricsServer(port: number, host: string): Promise<Server> {
  // The process's own (CPU, memory, event loop lag, open handles), from the moment metrics are served.
  if (!metrics.getSingleMetric('parkpass_process_cpu_seconds_total')) collectDefaultMetrics({ register: metrics, prefix: 'parkpass_process_' });
  const server = createServer(async (request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    try {
      const body = await metrics.metrics();
      response.writeHead(200, { 'content-type': metrics.contentType }).end(body);
    } catch {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics unavailable');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

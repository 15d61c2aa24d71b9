// What every benchmark shares: its PostgreSQL (port and data folder from the
// environment: PARKPASS_BENCH_PG_PORT, PARKPASS_BENCH_DATA_DIR, by default a
// free port and .data/bench-postgres), its HTTP port (PARKPASS_BENCH_HTTP_PORT,
// by default a free one), the server as `npm start` runs it, GraphQL over HTTP,
// percentiles, and the machine line printed under a table.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { meros } from 'meros/browser';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '../server/database/prisma.ts';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../server/security/rate-limits.ts';
import { createApp } from '../server/app/yoga.ts';
import { freePort, portFromEnvironment } from '../server/database/free-port.ts';
import { startEmbeddedPostgres } from '../server/database/embedded-postgres.ts';
import { dataDir } from '../server/database/paths.ts';
import { createPool } from '../server/database/connections.ts';
import { CredentialCache } from '../server/app/credential-cache.ts';

export const benchDataDir = () => process.env.PARKPASS_BENCH_DATA_DIR ?? path.join(dataDir, 'bench-postgres');

export async function startBenchPostgres(options: { fast?: boolean } = {}) {
  return startEmbeddedPostgres({ dataDir: benchDataDir(), port: await portFromEnvironment('PARKPASS_BENCH_PG_PORT'), fast: options.fast });
}

/** Serves `listener` over real HTTP on 127.0.0.1; resolves to its base URL. */
export async function serveHttp(listener: RequestListener, variable = 'PARKPASS_BENCH_HTTP_PORT'): Promise<{ url: string; server: Server }> {
  const port = process.env[variable] ? await portFromEnvironment(variable) : await freePort();
  const server = createServer({ keepAlive: true }, listener);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, server };
}

/**
 * The real server as `npm start` runs it (rate limits counted in PostgreSQL, the credential cache), over real HTTP, with budgets a
 * benchmark does not exhaust unless `limits` says otherwise. `close()` stops it and its rate-limit pool.
 */
export async function serveBenchApp(prisma: PrismaClient, databaseUrl: string, limits: Partial<RateLimitSettings> = {}) {
  const pool = createPool('bench', { connectionString: databaseUrl, max: 4 });
  const credentialCache = new CredentialCache(databaseUrl);
  const app = createApp({
    prisma,
    databaseUrl,
    settings: { publicUrl: 'http://localhost:4000', invitationTokenSecret: 'bench-secret-bench-secret-bench-secret' },
    rateLimits: createRateLimits({ ...DEFAULT_RATE_LIMITS, pointsPerMinute: 100_000_000, ...limits }, { pool }),
    credentialCache,
  });
  const http = await serveHttp(app);
  return {
    url: http.url,
    close: async () => {
      http.server.close();
      await pool.end();
      await credentialCache.close();
    },
  };
}

/** POSTs a GraphQL request to `url`/graphql (with the bearer token, if any); its data, or throws with its errors. */
export async function postGraphql(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<Record<string, any>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
  if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** An answer in parts (@defer): when its first part came and when its last one did, in ms from the request, and its data with every part merged. */
export interface IncrementalAnswer {
  firstMs: number;
  lastMs: number;
  data: Record<string, any>;
}

/**
 * POSTs a GraphQL request asking for incremental delivery (multipart/mixed, as urql asks it) and reads its parts
 * as they come (meros): the time to the first part (the page) and to the last (what was deferred), the data merged.
 * Throws with the errors of any part.
 */
export async function postGraphqlIncremental(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<IncrementalAnswer> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed, application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const parts = await meros<IncrementalPart>(response);
  if (!(Symbol.asyncIterator in parts)) {
    const body = (await (parts as Response).json()) as IncrementalPart;
    if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors));
    const ms = performance.now() - started;
    return { firstMs: ms, lastMs: ms, data: body.data };
  }
  let firstMs = 0;
  let data: Record<string, any> = {};
  for await (const part of parts) {
    const body = (part.json ? part.body : JSON.parse(String(part.body))) as IncrementalPart;
    const errors = [...(body.errors ?? []), ...(body.incremental ?? []).flatMap((patch) => patch.errors ?? [])];
    if (errors.length) throw new Error(JSON.stringify(errors));
    if (body.data) {
      firstMs = performance.now() - started;
      data = body.data;
    }
    for (const patch of body.incremental ?? []) {
      const target = patch.path.reduce<any>((at, key) => at[key], data);
      Object.assign(target, patch.data);
    }
  }
  return { firstMs, lastMs: performance.now() - started, data };
}

interface IncrementalPart {
  data?: Record<string, any>;
  errors?: unknown[];
  incremental?: { data: Record<string, unknown>; path: (string | number)[]; errors?: unknown[] }[];
  hasNext?: boolean;
}

/** The q-quantile of `times` (sorted here), nearest rank. */
export function quantile(times: number[], q: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Date, machine and load, printed with every table (figures measured under load must say so). */
export function machineLine(): string {
  const [one, five] = os.loadavg();
  return (
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average ${one!.toFixed(1)} (1 min) ${five!.toFixed(1)} (5 min)`
  );
}

/**
 * The CPU time (user + system, ms) spent so far by the bench's PostgreSQL: the postmaster, its live processes and
 * those it has reaped. Linux only (/proc); null elsewhere. Clock ticks taken as 100 per second (Linux's USER_HZ).
 */
export function postgresCpuMs(): number | null {
  const byProcess = postgresCpuByProcess();
  return byProcess && [...byProcess.values()].reduce((sum, ms) => sum + ms, 0);
}

/**
 * postgresCpuMs by kind of process: `backend` (the sessions that run the statements), each background process by its
 * title (walwriter, checkpointer, autovacuum launcher, …) and `exited` (those reaped: autovacuum workers, parallel
 * workers, closed sessions) with the postmaster's own.
 */
export function postgresCpuByProcess(): Map<string, number> | null {
  try {
    const postmaster = Number(readFileSync(path.join(benchDataDir(), 'postmaster.pid'), 'utf8').split('\n')[0]);
    const ticks = (stat: string[], withChildren: boolean) => Number(stat[13]) + Number(stat[14]) + (withChildren ? Number(stat[15]) + Number(stat[16]) : 0);
    // Indexed as proc(5) numbers the fields, from 0 (ppid [3], utime [13]); the command's name may hold spaces.
    const statOf = (pid: string) => {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return ['', '', ...text.slice(text.lastIndexOf(')') + 2).split(' ')];
    };
    const byProcess = new Map<string, number>([['exited', ticks(statOf(String(postmaster)), true) * 10]]);
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = statOf(pid);
        if (Number(stat[3]) !== postmaster) continue;
        // "postgres: walwriter", "postgres: autovacuum launcher", "postgres: postgres bench_scim_… 127.0.0.1(…) idle".
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .replace(/\0+$/, '')
          .replace(/^postgres: /, '');
        const kind = /\d+\.\d+\.\d+\.\d+\(\d+\)/.test(title) ? 'backend' : title.replace(/\s+/g, ' ').trim();
        byProcess.set(kind, (byProcess.get(kind) ?? 0) + ticks(stat, true) * 10);
      } catch {
        // gone meanwhile
      }
    }
    return byProcess;
  } catch {
    return null;
  }
}

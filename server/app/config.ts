import path from 'node:path';
import { z } from 'zod';
import { dataDir } from '../database/paths.ts';
import { parseTrustedProxies, TRUST_NO_PROXY, type TrustedProxies } from '../security/client-address.ts';
import type { ExposureSettings } from '../security/http-exposure.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../security/rate-limits.ts';

// Empty is unset: DATABASE_URL's then means the embedded PostgreSQL outside production.
const postgresUrl = z
  .string()
  .refine((value) => value === '' || (URL.canParse(value) && ['postgres:', 'postgresql:'].includes(new URL(value).protocol)), 'must be a postgres:// URL')
  .optional();

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

// Every setting the server reads, with its default. The settings table of docs/operations.md mirrors this.
const environment = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  PUBLIC_URL: z.url().optional(),
  PARKPASS_ALLOW_HTTP_PUBLIC_URL: booleanFlag.default(false),
  DATABASE_URL: postgresUrl,
  DIRECT_DATABASE_URL: postgresUrl,
  DATABASE_REPLICA_URL: postgresUrl,
  PARKPASS_READ_YOUR_WRITES_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  PARKPASS_DATA_DIR: z.string().default(dataDir),
  PARKPASS_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PARKPASS_SEED_DEMO: booleanFlag.optional(),
  PARKPASS_LOCAL_MAILBOX: booleanFlag.optional(),
  PARKPASS_INTROSPECTION: booleanFlag.optional(),
  PARKPASS_GRAPHIQL: booleanFlag.optional(),
  PARKPASS_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().transform((url) => new URL(url).origin))),
  PARKPASS_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.pointsPerMinute),
  PARKPASS_RATE_LIMIT_ANONYMOUS_POINTS: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.anonymousPointsPerMinute),
  POSTMARK_SERVER_TOKEN: z.string().optional(),
  POSTMARK_API_URL: z.url().optional(),
  POSTMARK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  POSTMARK_SEARCH_DELAY_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  EMAIL_FROM: z.string().default('Parkpass <no-reply@parkpass.test>'),
  // "true" alone is kept apart: production refuses it, development reads it as one hop (loadConfig).
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value?.trim() === 'true') return 'true' as const;
      try {
        return parseTrustedProxies(value ?? '');
      } catch (error) {
        context.addIssue({
          code: 'custom',
          message: `${(error as Error).message}: a hop count (1, 2, …) or the proxies' addresses or CIDR ranges, comma-separated`,
        });
        return z.NEVER;
      }
    }),
  PARKPASS_RUN_WORKER: booleanFlag.default(true),
  INVITATION_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  POSTMARK_WEBHOOK_PASSWORD: z.string().min(16, 'at least 16 characters').optional(),
  PARKPASS_WEBHOOK_PRIVATE_ADDRESSES: booleanFlag.optional(),
  PARKPASS_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  PARKPASS_METRICS_HOST: z.string().optional(),
  PARKPASS_MIGRATE_ON_START: booleanFlag.default(true),
  PARKPASS_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(0).max(600).default(20),
  PARKPASS_DRAIN_SECONDS: z.coerce.number().min(0).max(600).default(0),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().default('parkpass'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Base URL people reach the server at, used in links sent by email. */
  publicUrl: string;
  /** An existing PostgreSQL; without one, an embedded server runs from `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * The same database reached without a transaction-mode pooler (PgBouncer), for what needs a session of its own:
   * migrations (an advisory lock), graphile-worker (LISTEN, its own locks), the LISTEN of bulk invitation progress,
   * the rate-limit counters (named prepared statements). Unset: `databaseUrl`.
   */
  directDatabaseUrl: string | undefined;
  /** A streaming replica of the database, for the read path; `readYourWritesSeconds`: how long a caller reads from the primary after its mutation. */
  readReplica: { url: string; readYourWritesSeconds: number } | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  /** Create the demo organization on the first start of an empty database (production: only when asked). */
  seedDemo: boolean;
  /** Emails go to the local mailbox at /mailbox (no Postmark token; production: only when asked). */
  localMailbox: boolean;
  /** GraphiQL, introspection, CORS allowlist (production: GraphiQL and introspection off unless asked). */
  exposure: ExposureSettings;
  rateLimits: RateLimitSettings;
  /** `timeoutSeconds`: a request's longest wait; `searchDelaySeconds`: how far Postmark's message search may lag (docs/invitations.md, "Email delivery"). */
  postmark: { serverToken: string | undefined; apiUrl: string | undefined; from: string; timeoutSeconds: number; searchDelaySeconds: number };
  /** Derives invitation tokens (HMAC key); unset outside production, a random one is kept in the data folder. */
  invitationTokenSecret: string | undefined;
  /** Basic-auth password Postmark's webhooks must send (user "postmark"); unset: /webhooks/postmark is off. */
  postmarkWebhookPassword: string | undefined;
  /** Run the background jobs in the server process (else run `npm run worker`). */
  runWorker: boolean;
  /** Behind reverse proxies: which hops are ours, so the caller's address is the X-Forwarded-For entry before them (per-address limits). */
  trustProxy: TrustedProxies;
  /** Outbound webhooks may go to loopback, private and link-local addresses (local use; production: only when asked). */
  webhookPrivateAddresses: boolean;
  /** Prometheus metrics at /metrics on this port of its own (never the public one); unset: no metrics server. */
  metrics: { port: number; host: string } | null;
  /** Apply pending migrations at start (else a deploy runs `npm run migrate` first, and /health/ready waits for it). */
  migrateOnStart: boolean;
  /** At SIGTERM: how long requests in flight and running jobs get to finish before their connections are closed. */
  shutdownTimeoutMs: number;
  /** At SIGTERM: how long the server still accepts requests while /health/ready fails, so load balancers stop routing to it first. */
  drainMs: number;
  /** OpenTelemetry traces, sent over OTLP/HTTP to this endpoint; unset: no tracing. */
  tracing: { endpoint: string; serviceName: string } | null;
  /** Lines the server prints at start about how a setting was read. */
  notices: string[];
}

/**
 * What a command needs configured. `server`: `npm start` and `npm run worker` (links, tokens, email);
 * `database`: the operator's commands (`npm run org`, `npm run seed`), which use only the database.
 */
export type ConfigNeeds = 'server' | 'database';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, needs: ConfigNeeds = 'server'): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  const notices: string[] = [];
  if (values.TRUST_PROXY === 'true' && !production)
    notices.push('TRUST_PROXY=true: read as 1 proxy hop (production refuses "true"; set the count or the proxies\' addresses).');
  // Production mail goes through Postmark; the local mailbox (emails kept in the database, read at
  // /mailbox by a signed-in owner) only when an operator asks for it, e.g. on a staging server.
  const localMailbox = !values.POSTMARK_SERVER_TOKEN && (values.PARKPASS_LOCAL_MAILBOX ?? !production);
  // Every missing setting at once, so one failed start says all there is to fix.
  const missing: string[] = [];
  if (production && !values.DATABASE_URL) {
    missing.push('DATABASE_URL: required in production (your PostgreSQL: the embedded one is for local use only)');
  }
  if (needs === 'server') {
    if (production && !values.PUBLIC_URL) {
      missing.push('PUBLIC_URL: required in production (the https address people reach, used in email links)');
    } else if (production && new URL(values.PUBLIC_URL!).protocol !== 'https:' && !values.PARKPASS_ALLOW_HTTP_PUBLIC_URL) {
      missing.push('PUBLIC_URL: must be https in production, or set PARKPASS_ALLOW_HTTP_PUBLIC_URL=true (a staging server without TLS)');
    }
    if (production && !values.INVITATION_TOKEN_SECRET) {
      missing.push('INVITATION_TOKEN_SECRET: required in production (32+ random characters)');
    }
    if (!values.POSTMARK_SERVER_TOKEN && !localMailbox) {
      missing.push('POSTMARK_SERVER_TOKEN: required in production, or set PARKPASS_LOCAL_MAILBOX=true to keep emails in the local mailbox (staging)');
    }
    if (production && values.TRUST_PROXY === 'true') {
      missing.push(
        'TRUST_PROXY: "true" is refused in production (it cannot be right behind more than one proxy); set the number of proxies (e.g. 1) or their addresses or CIDR ranges',
      );
    }
  }
  if (values.DATABASE_REPLICA_URL && !values.DATABASE_URL) {
    missing.push('DATABASE_REPLICA_URL: set only beside DATABASE_URL (the primary the replica streams from)');
  }
  if (values.DIRECT_DATABASE_URL && !values.DATABASE_URL) {
    missing.push('DIRECT_DATABASE_URL: set only beside DATABASE_URL (the pooled connection; the direct one is the same database without the pooler)');
  }
  if (values.PARKPASS_METRICS_PORT !== undefined && values.PARKPASS_METRICS_PORT === values.PORT) {
    missing.push('PARKPASS_METRICS_PORT: must differ from PORT (metrics are never served on the public port)');
  }
  if (missing.length) throw new ConfigError(missing);
  return {
    env: values.NODE_ENV,
    host: values.HOST,
    port: values.PORT,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, ''),
    databaseUrl: values.DATABASE_URL,
    directDatabaseUrl: values.DIRECT_DATABASE_URL || undefined,
    readReplica: values.DATABASE_REPLICA_URL
      ? { url: values.DATABASE_REPLICA_URL, readYourWritesSeconds: values.PARKPASS_READ_YOUR_WRITES_SECONDS }
      : undefined,
    dataDir: path.resolve(values.PARKPASS_DATA_DIR),
    embeddedPostgresPort: values.PARKPASS_PG_PORT,
    seedDemo: values.PARKPASS_SEED_DEMO ?? !production,
    localMailbox,
    exposure: {
      introspection: values.PARKPASS_INTROSPECTION ?? values.PARKPASS_GRAPHIQL ?? !production,
      graphiql: values.PARKPASS_GRAPHIQL ?? !production,
      corsOrigins: values.PARKPASS_CORS_ORIGINS,
    },
    rateLimits: {
      ...DEFAULT_RATE_LIMITS,
      pointsPerMinute: values.PARKPASS_RATE_LIMIT_POINTS,
      anonymousPointsPerMinute: values.PARKPASS_RATE_LIMIT_ANONYMOUS_POINTS,
    },
    postmark: {
      serverToken: values.POSTMARK_SERVER_TOKEN,
      apiUrl: values.POSTMARK_API_URL,
      from: values.EMAIL_FROM,
      timeoutSeconds: values.POSTMARK_TIMEOUT_SECONDS,
      searchDelaySeconds: values.POSTMARK_SEARCH_DELAY_SECONDS,
    },
    trustProxy: values.TRUST_PROXY === 'true' ? { hops: 1 } : (values.TRUST_PROXY ?? TRUST_NO_PROXY),
    runWorker: values.PARKPASS_RUN_WORKER,
    invitationTokenSecret: values.INVITATION_TOKEN_SECRET,
    postmarkWebhookPassword: values.POSTMARK_WEBHOOK_PASSWORD,
    webhookPrivateAddresses: values.PARKPASS_WEBHOOK_PRIVATE_ADDRESSES ?? !production,
    metrics: values.PARKPASS_METRICS_PORT ? { port: values.PARKPASS_METRICS_PORT, host: values.PARKPASS_METRICS_HOST ?? values.HOST } : null,
    migrateOnStart: values.PARKPASS_MIGRATE_ON_START,
    shutdownTimeoutMs: values.PARKPASS_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    drainMs: values.PARKPASS_DRAIN_SECONDS * 1000,
    tracing: values.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME } : null,
    notices,
  };
}

/** A configuration the server cannot start with: one line naming every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}.`);
    this.name = 'ConfigError';
  }
}

/** For the commands: an invalid configuration is one line and exit code 1, not a stack trace. */
export function loadConfigOrExit(needs: ConfigNeeds = 'server'): Config {
  try {
    return loadConfig(process.env, needs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Plain text, not a log line: the log's own format is a setting, and the settings are what is wrong.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino } from 'pino';

// THE logger of the server and the worker (pino). One JSON object a line in
// production (PARKPASS_LOG_FORMAT=json|pretty overrides), readable lines in
// development. Each line written while a request or a job runs carries its
// context (request id, organization id, operation name; job id and task)
// from an AsyncLocalStorage the request and job wrappers fill; the request's
// last line adds its outcome. Secrets never reach a line: values under
// secret-sounding keys are censored, and anything shaped like one of our
// secrets (API keys, session and SCIM tokens, webhook secrets, invitation
// links, bearer credentials) is masked wherever it appears in a string.

/** What a line inherits from the request or job it is written in. */
export interface LogContext {
  requestId?: string;
  organizationId?: string;
  operationName?: string;
  jobId?: string;
  task?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` on every line it logs (nested: the inner fields win). */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/** The context of the request or job running now (mutable: a request learns its organization and operation as it goes). */
export function currentLogContext(): LogContext | undefined {
  return context.getStore();
}

/** Strings shaped like a secret this product makes, or an invitation link: masked in every line. */
const SECRET_SHAPES: RegExp[] = [
  /\b(?:ppk|ppscim|pps|ppd|whsec)_[A-Za-z0-9_-]{6,}/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /([?&](?:token|t|key|secret|password)=)[^&\s"']+/g,
  /(\/accept\/?)[A-Za-z0-9._~-]{16,}/g,
];

/** Keys whose value is never written. */
const SECRET_KEYS = /pass(word)?|secret|token|authori[sz]ation|api_?key|cookie|link|credential/i;

export function maskSecrets(text: string): string {
  let masked = text;
  for (const shape of SECRET_SHAPES)
    masked = masked.replace(shape, (_whole, keep?: string) => (typeof keep === 'string' && keep.length < 24 ? `${keep}[redacted]` : '[redacted]'));
  return masked;
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error)
    return { type: value.name, message: maskSecrets(value.message), ...('code' in value ? { code: (value as { code: unknown }).code } : {}) };
  if (Array.isArray(value)) return value.map((each) => scrub(each, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, SECRET_KEYS.test(key) ? '[redacted]' : scrub(each, depth + 1)]));
}

/** Where lines go: stdout, or a test's capture. */
let sink: (line: string) => void = (line) => process.stdout.write(line);
const lines = new Writable({
  write(chunk, _encoding, done) {
    sink(chunk.toString());
    done();
  },
});

function format(): 'json' | 'pretty' {
  const asked = process.env.PARKPASS_LOG_FORMAT;
  if (asked === 'json' || asked === 'pretty') return asked;
  return process.env.NODE_ENV === 'production' || process.env.NODE_ENV === 'test' ? 'json' : 'pretty';
}

/** pino-pretty when it is installed (a development dependency), else a one-line formatter of our own. */
function readable(): Writable {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => Writable;
    return pretty({ destination: lines, sync: true, colorize: false, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    const names: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
    return new Writable({
      write(chunk, _encoding, done) {
        const { level, time, msg, pid: _pid, hostname: _hostname, ...rest } = JSON.parse(chunk.toString());
        const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
        sink(`[${new Date(time).toISOString().slice(11, 23)}] ${names[level] ?? level}: ${msg}${extra}\n`);
        done();
      },
    });
  }
}

function createLogger() {
  return pino(
    {
      level: process.env.PARKPASS_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
      base: { service: process.env.PARKPASS_SERVICE_NAME ?? 'parkpass' },
      messageKey: 'msg',
      mixin: () => ({ ...context.getStore() }),
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // The message (and any printf-style arguments) pass through the same mask.
          method.apply(this, args.map((each) => (typeof each === 'string' ? maskSecrets(each) : each)) as Parameters<typeof method>);
        },
      },
    },
    format() === 'json' ? lines : readable(),
  );
}

export const log = createLogger();

/** A named part of the process (worker, database, email…): its lines carry `component`. */
export function logger(component: string) {
  return log.child({ component });
}

/** Tests: collects every JSON line written until `stop()` (at every level from `level` up), instead of stdout. */
export function captureLogs(level: pino.LevelWithSilent = 'trace') {
  const captured: string[] = [];
  const previousSink = sink;
  const previousLevel = log.level;
  const previousFormat = process.env.PARKPASS_LOG_FORMAT;
  sink = (line) => captured.push(line);
  log.level = level;
  return {
    /** Every line as written. */
    text: () => captured.join(''),
    /** Every line, parsed (lines of the readable format are skipped). */
    entries: () =>
      captured.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    stop() {
      sink = previousSink;
      log.level = previousLevel;
      process.env.PARKPASS_LOG_FORMAT = previousFormat;
    },
  };
}

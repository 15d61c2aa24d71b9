import { print } from '@0no-co/graphql.web';
import { knownCode, ParkpassError } from './errors.ts';
import type { AbortSignalLike, FetchLike, FetchResponseLike } from './platform.ts';
import type { TypedDocumentNode } from './typed-document-node.ts';

// One HTTP call of a GraphQL operation, with the retry table of the README:
//
//   what came back                               idempotent call         other call
//   network error, per-attempt timeout           retried                 thrown
//   HTTP >= 500, or a masked "Unexpected error"  retried (SERVER_ERROR)  thrown
//   HTTP 429 / RATE_LIMITED                      retried after Retry-After (the server refused before doing anything)
//   any other 4xx, any other coded error         thrown, never retried
//
// A retried answer with Retry-After (a 503 SERVICE_UNAVAILABLE) waits at least
// that long. Back-off is exponential with full jitter; every call has an
// overall deadline besides the per-attempt timeout, and honours the caller's
// AbortSignal.

export const SDK_VERSION = '1.3.0';

/** What one attempt is about to send: given to `onRequest`. */
export interface RequestEvent {
  /** The SDK method, e.g. `profiles.create`. */
  operation: string;
  /** 1 for the first attempt, 2 for the first retry… */
  attempt: number;
  /** The `x-request-id` this attempt sends (the server keeps it and logs it). */
  requestId: string;
  /** The idempotency key the call carries, the same on every attempt; null for reads and calls without one. */
  idempotencyKey: string | null;
}

/** A wait before the next attempt: given to `onRetry`. */
export interface RetryEvent {
  operation: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** Why it failed. */
  error: ParkpassError;
  /** How long the SDK waits before the next attempt, in ms. */
  delayMs: number;
  /** `RATE_LIMITED`: the server's Retry-After of a 429; `RETRY_AFTER`: a failure that said when to come back (a 503); `BACK_OFF`: exponential back-off with jitter. */
  reason: 'RATE_LIMITED' | 'RETRY_AFTER' | 'BACK_OFF';
}

/** How a successful call went: on every result object as `lastResponse` (not enumerable, so it stays out of JSON and spreads). */
export interface ResponseInfo {
  /** The server's `x-request-id` of the attempt that answered. */
  requestId: string | null;
  /** How many attempts the call took (1 when the first one answered). */
  attempts: number;
  /** The HTTP status of that answer. */
  status: number;
}

export interface Hooks {
  onRequest?: ((event: RequestEvent) => void) | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface TransportOptions extends Hooks {
  url: string;
  credential: string | null;
  fetch: FetchLike;
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  userAgent: string;
  random: () => number;
}

export interface SendOptions {
  /** Safe to send twice: reads, and writes that carry an idempotency key or match by externalId. */
  idempotent: boolean;
  /** The idempotency key the variables carry, for the hooks. */
  idempotencyKey?: string | null | undefined;
  signal?: AbortSignalLike | null | undefined;
}

export interface Answer<Data> {
  data: Data;
  response: ResponseInfo;
  /** True when an earlier attempt of this call may have reached the server (it got no answer, or a 5xx). */
  mayHaveLanded: boolean;
}

interface GraphQLBody {
  data?: unknown;
  errors?: { message?: string; extensions?: Record<string, unknown> }[];
}

export type Transport = ReturnType<typeof createTransport>;

export function createTransport(options: TransportOptions) {
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });

  /** Exponential back-off with full jitter: a random delay up to base × 2^attempt, capped. */
  const backOff = (attempt: number) => options.random() * Math.min(options.maxRetryDelayMs, options.retryDelayMs * 2 ** attempt);

  /** A hook never breaks a call: what it throws is ignored. */
  const notify = <Event>(hook: ((event: Event) => void) | undefined, event: Event) => {
    try {
      hook?.(event);
    } catch {
      // ignored on purpose
    }
  };

  async function send<Data, Variables>(
    operation: string,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    sendOptions: SendOptions,
  ): Promise<Answer<Data>> {
    const deadlineAt = Date.now() + options.deadlineMs;
    const deadline = AbortSignal.timeout(options.deadlineMs);
    const callerSignal = (sendOptions.signal ?? undefined) as AbortSignal | undefined;
    const callSignal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    const body = JSON.stringify({ query: print(document), variables });
    // Names this call on each of its attempts: the server answers a retry that finds this call's own work as the first attempt would have.
    const callId = crypto.randomUUID();
    let lastRequestId: string | null = null;
    let mayHaveLanded = false;
    const stopped = (cause: unknown, attempts: number) =>
      callerSignal?.aborted
        ? new ParkpassError({ code: 'ABORTED', operation, message: 'The call was aborted.', cause: callerSignal.reason, requestId: lastRequestId, attempts })
        : new ParkpassError({
            code: 'DEADLINE_EXCEEDED',
            operation,
            message: `No answer within the deadline of ${options.deadlineMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'}).`,
            cause,
            requestId: lastRequestId,
            attempts,
          });

    for (let attempt = 1; ; attempt++) {
      if (callSignal.aborted) throw stopped(callSignal.reason, attempt - 1);
      const requestId = crypto.randomUUID();
      lastRequestId = requestId;
      notify(options.onRequest, { operation, attempt, requestId, idempotencyKey: sendOptions.idempotencyKey ?? null });
      let error: ParkpassError;
      try {
        const answer = await attemptOnce<Data>(operation, body, callSignal, { requestId, callId, attempt });
        return { ...answer, mayHaveLanded };
      } catch (caught) {
        if (callSignal.aborted) throw stopped(caught, attempt);
        if (!(caught instanceof ParkpassError)) throw caught;
        error = caught;
      }
      // No answer, or a server failure: the server may have done the work.
      if (error.code !== 'RATE_LIMITED' && error.retryable) mayHaveLanded = true;
      const retryable = error.code === 'RATE_LIMITED' || (sendOptions.idempotent && error.retryable);
      if (!retryable || attempt > options.retries) throw error;
      const told = error.retryAfterSeconds === null ? null : error.retryAfterSeconds * 1000;
      const reason = error.code === 'RATE_LIMITED' ? 'RATE_LIMITED' : told !== null ? 'RETRY_AFTER' : 'BACK_OFF';
      const delay = reason === 'RATE_LIMITED' ? (told ?? 1000) : Math.max(told ?? 0, backOff(attempt - 1));
      // Waiting past the deadline would only end in DEADLINE_EXCEEDED: say why now.
      if (reason !== 'BACK_OFF' && Date.now() + delay > deadlineAt) throw error;
      notify(options.onRetry, { operation, attempt, error, delayMs: delay, reason });
      try {
        await sleep(delay, callSignal);
      } catch (cause) {
        throw reason !== 'BACK_OFF' && !callerSignal?.aborted ? error : stopped(cause, attempt);
      }
    }
  }

  async function attemptOnce<Data>(
    operation: string,
    body: string,
    callSignal: AbortSignal,
    sent: { requestId: string; callId: string; attempt: number },
  ): Promise<Omit<Answer<Data>, 'mayHaveLanded'>> {
    const { requestId: sentRequestId, attempt: attempts } = sent;
    const attemptTimeout = AbortSignal.timeout(options.timeoutMs);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'user-agent': options.userAgent,
      'x-parkpass-sdk': `@parkpass/sdk ${SDK_VERSION}`,
      'x-request-id': sentRequestId,
      'x-parkpass-call-id': sent.callId,
    };
    if (options.credential) headers.authorization = `Bearer ${options.credential}`;
    let response: FetchResponseLike;
    let text: string;
    try {
      const init = { method: 'POST', headers, body, signal: AbortSignal.any([callSignal, attemptTimeout]) };
      response = await options.fetch(options.url, init as never);
      text = await response.text();
    } catch (cause) {
      if (callSignal.aborted) throw cause;
      const base = { operation, cause, requestId: sentRequestId, attempts };
      if (attemptTimeout.aborted) throw new ParkpassError({ ...base, code: 'TIMEOUT', message: `No answer within ${options.timeoutMs} ms.` });
      const reason = networkReason(cause);
      throw new ParkpassError({
        ...base,
        code: 'NETWORK_ERROR',
        message: `No answer from ${new URL(options.url).host}: ${reason.code ?? reason.message}${reason.code && reason.message ? ` (${reason.message})` : ''}.`,
        details: { causeCode: reason.code },
      });
    }
    const requestId = response.headers.get('x-request-id') ?? sentRequestId;
    const status = response.status;
    const parsed = parseBody(text);
    const first = parsed?.errors?.[0];
    const retryAfterHeader = retryAfterSeconds(response.headers.get('retry-after'));
    const answered = { operation, requestId, attempts };
    if (first) {
      const { code, ...details } = first.extensions ?? {};
      delete details.http;
      if (retryAfterHeader !== null && details.retryAfterSeconds === undefined) details.retryAfterSeconds = retryAfterHeader;
      const serverCode = typeof code === 'string' ? code : null;
      if (serverCode === 'INTERNAL_SERVER_ERROR' || status >= 500) {
        throw new ParkpassError({
          ...answered,
          code: 'SERVER_ERROR',
          message: first.message ?? `HTTP ${status}`,
          status,
          details: { ...details, serverCode },
        });
      }
      if (status === 429) {
        throw new ParkpassError({ ...answered, code: 'RATE_LIMITED', message: first.message ?? 'Rate limited.', status, details });
      }
      const known = serverCode ? knownCode(serverCode) : 'UNKNOWN_ERROR';
      throw new ParkpassError({
        ...answered,
        code: known,
        message: first.message ?? 'The server refused the request.',
        status,
        details: known === 'UNKNOWN_ERROR' ? { ...details, serverCode } : details,
      });
    }
    if (status === 429) {
      throw new ParkpassError({ ...answered, code: 'RATE_LIMITED', message: 'Rate limited.', status, details: { retryAfterSeconds: retryAfterHeader ?? 1 } });
    }
    if (status >= 500) {
      throw new ParkpassError({
        ...answered,
        code: 'SERVER_ERROR',
        message: `The server failed (HTTP ${status}).`,
        status,
        details: retryAfterHeader === null ? {} : { retryAfterSeconds: retryAfterHeader },
      });
    }
    if (status >= 400 || !parsed || parsed.data == null) {
      throw new ParkpassError({
        ...answered,
        code: 'HTTP_ERROR',
        message: `HTTP ${status} without a GraphQL answer (is the URL the /graphql endpoint?).`,
        status,
      });
    }
    return { data: parsed.data as Data, response: { requestId, attempts, status } };
  }

  return { send };
}

/** The system error code (ECONNREFUSED, ENOTFOUND…) and message of a failed fetch, wherever undici put them. */
function networkReason(cause: unknown): { code: string | null; message: string } {
  let code: string | null = null;
  let message = cause instanceof Error ? cause.message : String(cause);
  for (let at: unknown = cause, depth = 0; at && typeof at === 'object' && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const candidate = (at as { code?: unknown }).code;
    if (typeof candidate === 'string' && /^[A-Z][A-Z0-9_]+$/.test(candidate)) {
      code = candidate;
      if (at instanceof Error) message = at.message;
      break;
    }
  }
  return { code, message };
}

function parseBody(text: string): GraphQLBody | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as GraphQLBody) : null;
  } catch {
    return null;
  }
}

/** Retry-After in seconds (a number of seconds or an HTTP date), or null. */
function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

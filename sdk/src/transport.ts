import { print } from '@0no-co/graphql.web';
import { knownCode, ParkpassError } from './errors.ts';
import type { TypedDocumentNode } from './typed-document-node.ts';

// One HTTP call of a GraphQL operation, with the retry table of the README:
//
//   what came back                               idempotent call         other call
//   network error, per-attempt timeout           retried                 thrown
//   HTTP >= 500, or a masked "Unexpected error"  retried (SERVER_ERROR)  thrown
//   HTTP 429 / RATE_LIMITED                      retried after Retry-After (the server refused before doing anything)
//   any other 4xx, any other coded error         thrown, never retried
//
// Back-off is exponential with full jitter; every call has an overall
// deadline besides the per-attempt timeout, and honours the caller's AbortSignal.

export const SDK_VERSION = '0.2.0';

export interface TransportOptions {
  url: string;
  credential: string | null;
  fetch: typeof fetch;
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
  signal?: AbortSignal | null | undefined;
}

export interface Answer<Data> {
  data: Data;
  /** The server's x-request-id. */
  requestId: string | null;
}

interface GraphQLBody {
  data?: unknown;
  errors?: { message?: string; extensions?: Record<string, unknown> }[];
}

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

  async function send<Data, Variables>(
    operation: string,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    sendOptions: SendOptions,
  ): Promise<Answer<Data>> {
    const deadlineAt = Date.now() + options.deadlineMs;
    const deadline = AbortSignal.timeout(options.deadlineMs);
    const callSignal = sendOptions.signal ? AbortSignal.any([sendOptions.signal, deadline]) : deadline;
    const body = JSON.stringify({ query: print(document), variables });
    const stopped = (cause: unknown) =>
      sendOptions.signal?.aborted
        ? new ParkpassError({ code: 'ABORTED', operation, message: 'The call was aborted.', cause: sendOptions.signal.reason })
        : new ParkpassError({ code: 'DEADLINE_EXCEEDED', operation, message: `No answer within the deadline of ${options.deadlineMs} ms.`, cause });

    for (let attempt = 0; ; attempt++) {
      if (callSignal.aborted) throw stopped(callSignal.reason);
      let error: ParkpassError;
      try {
        return await attemptOnce<Data>(operation, body, callSignal);
      } catch (caught) {
        if (callSignal.aborted) throw stopped(caught);
        if (!(caught instanceof ParkpassError)) throw caught;
        error = caught;
      }
      const retryable = error.code === 'RATE_LIMITED' || (sendOptions.idempotent && error.retryable);
      if (!retryable || attempt >= options.retries) throw error;
      const delay = error.code === 'RATE_LIMITED' ? (error.retryAfterSeconds ?? 1) * 1000 : backOff(attempt);
      // Waiting past the deadline would only end in DEADLINE_EXCEEDED: say why now.
      if (error.code === 'RATE_LIMITED' && Date.now() + delay > deadlineAt) throw error;
      try {
        await sleep(delay, callSignal);
      } catch (cause) {
        throw error.code === 'RATE_LIMITED' && !sendOptions.signal?.aborted ? error : stopped(cause);
      }
    }
  }

  async function attemptOnce<Data>(operation: string, body: string, callSignal: AbortSignal): Promise<Answer<Data>> {
    const attemptTimeout = AbortSignal.timeout(options.timeoutMs);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'user-agent': options.userAgent,
      'x-parkpass-sdk': `@parkpass/sdk ${SDK_VERSION}`,
      'x-request-id': crypto.randomUUID(),
    };
    if (options.credential) headers.authorization = `Bearer ${options.credential}`;
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.any([callSignal, attemptTimeout]) });
      text = await response.text();
    } catch (cause) {
      if (callSignal.aborted) throw cause;
      if (attemptTimeout.aborted) throw new ParkpassError({ code: 'TIMEOUT', operation, message: `No answer within ${options.timeoutMs} ms.`, cause });
      throw new ParkpassError({ code: 'NETWORK_ERROR', operation, message: cause instanceof Error ? cause.message : String(cause), cause });
    }
    const requestId = response.headers.get('x-request-id');
    const status = response.status;
    const parsed = parseBody(text);
    const first = parsed?.errors?.[0];
    const retryAfterHeader = retryAfterSeconds(response.headers.get('retry-after'));
    if (first) {
      const { code, ...details } = first.extensions ?? {};
      delete details.http;
      if (retryAfterHeader !== null && details.retryAfterSeconds === undefined) details.retryAfterSeconds = retryAfterHeader;
      const serverCode = typeof code === 'string' ? code : null;
      if (serverCode === 'INTERNAL_SERVER_ERROR' || status >= 500) {
        throw new ParkpassError({
          code: 'SERVER_ERROR',
          operation,
          message: first.message ?? `HTTP ${status}`,
          requestId,
          status,
          details: { ...details, serverCode },
        });
      }
      if (status === 429) {
        throw new ParkpassError({ code: 'RATE_LIMITED', operation, message: first.message ?? 'Rate limited.', requestId, status, details });
      }
      const known = serverCode ? knownCode(serverCode) : 'UNKNOWN_ERROR';
      throw new ParkpassError({
        code: known,
        operation,
        message: first.message ?? 'The server refused the request.',
        requestId,
        status,
        details: known === 'UNKNOWN_ERROR' ? { ...details, serverCode } : details,
      });
    }
    if (status === 429) {
      throw new ParkpassError({
        code: 'RATE_LIMITED',
        operation,
        message: 'Rate limited.',
        requestId,
        status,
        details: { retryAfterSeconds: retryAfterHeader ?? 1 },
      });
    }
    if (status >= 500) throw new ParkpassError({ code: 'SERVER_ERROR', operation, message: `The server failed (HTTP ${status}).`, requestId, status });
    if (status >= 400 || !parsed || parsed.data == null) {
      throw new ParkpassError({
        code: 'HTTP_ERROR',
        operation,
        message: `HTTP ${status} without a GraphQL answer (is the URL the /graphql endpoint?).`,
        requestId,
        status,
      });
    }
    return { data: parsed.data as Data, requestId };
  }

  return { send };
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

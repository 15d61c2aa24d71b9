import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { WebhookAttemptOutcome } from '../generated/prisma/enums.ts';
import { guardedLookup, RefusedAddressError, refusedAddressReason } from './webhook-address-guard.ts';
import { inClientSpan } from '../observability/tracing.ts';

// One POST of a signed message, bounded: a time limit for the whole exchange,
// at most `maxResponseBytes` of the answer read (then the socket is closed),
// redirects never followed (a 3xx is a failed attempt), and in production
// only public addresses (checked on the address the socket connects to).
// node:http rather than fetch: its `lookup` option is where that check sits.
// The error recorded for an attempt is coarse (ATTEMPT_ERRORS): never the
// system's message, whose addresses and ports would let the people who read
// the attempts probe hosts and ports through Parkpass.

/** The words an attempt's `error` may hold (an HTTP status is written as `HTTP 500`). */
export const ATTEMPT_ERRORS = {
  addressNotAllowed: 'address not allowed',
  connectionRefused: 'connection refused',
  connectionReset: 'connection reset',
  invalidAnswer: 'invalid HTTP answer',
  nameNotResolved: 'name not resolved',
  timeout: 'timeout',
  tls: 'TLS error',
  network: 'network error',
  invalidUrl: 'invalid URL',
} as const;

/** A network failure in the words above, from its code only. */
export function coarseNetworkError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return ATTEMPT_ERRORS.connectionRefused;
  if (['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code)) return ATTEMPT_ERRORS.connectionReset;
  if (code.startsWith('HPE_')) return ATTEMPT_ERRORS.invalidAnswer;
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME'].includes(code)) return ATTEMPT_ERRORS.nameNotResolved;
  if (code === 'ETIMEDOUT') return ATTEMPT_ERRORS.timeout;
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/.test(code)) return ATTEMPT_ERRORS.tls;
  return ATTEMPT_ERRORS.network;
}

export interface WebhookRequestLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  allowPrivateAddresses: boolean;
}

export interface WebhookAttemptResult {
  outcome: WebhookAttemptOutcome;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

export function postWebhook(url: string, headers: Record<string, string>, body: string, limits: WebhookRequestLimits): Promise<WebhookAttemptResult> {
  // The endpoint's host only: its path and query may hold the integrator's own secrets.
  const host = URL.canParse(url) ? new URL(url).host : 'invalid';
  return inClientSpan('POST webhook endpoint', { 'server.address': host }, async (span) => {
    const result = await sendWebhook(url, headers, body, limits);
    span?.setAttributes({ 'webhook.outcome': result.outcome, ...(result.responseStatus ? { 'http.response.status_code': result.responseStatus } : {}) });
    return result;
  });
}

async function sendWebhook(url: string, headers: Record<string, string>, body: string, limits: WebhookRequestLimits): Promise<WebhookAttemptResult> {
  const started = performance.now();
  const finish = (outcome: WebhookAttemptOutcome, responseStatus: number | null, error: string | null): WebhookAttemptResult => ({
    outcome,
    responseStatus,
    durationMs: Math.round(performance.now() - started),
    error,
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return finish('NETWORK_ERROR', null, ATTEMPT_ERRORS.invalidUrl);
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!limits.allowPrivateAddresses && isIP(host)) {
    if (refusedAddressReason(host)) return finish('ADDRESS_REFUSED', null, ATTEMPT_ERRORS.addressNotAllowed);
  }
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return finish('NETWORK_ERROR', null, ATTEMPT_ERRORS.invalidUrl);

  return new Promise<WebhookAttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: WebhookAttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Parkpass-Webhooks/1' },
        agent: false,
        ...(limits.allowPrivateAddresses ? {} : { lookup: guardedLookup }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        const done = () => {
          if (status >= 200 && status < 300) return settle(finish('SUCCESS', status, null));
          settle(finish('HTTP_ERROR', status, `HTTP ${status}`));
        };
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // The status is what counts; a long answer is not read to its end.
          if (read > limits.maxResponseBytes) done();
        });
        response.on('end', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => settle(finish('TIMEOUT', null, ATTEMPT_ERRORS.timeout)), limits.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedAddressError || error.cause instanceof RefusedAddressError) {
        settle(finish('ADDRESS_REFUSED', null, ATTEMPT_ERRORS.addressNotAllowed));
      } else {
        settle(finish('NETWORK_ERROR', null, coarseNetworkError(error)));
      }
    });
    request.end(body);
  });
}

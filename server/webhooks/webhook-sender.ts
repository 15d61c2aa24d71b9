import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { WebhookAttemptOutcome } from '../generated/prisma/enums.ts';
import { guardedLookup, RefusedAddressError, refusedAddressReason } from './webhook-address-guard.ts';

// One POST of a signed message, bounded: a time limit for the whole exchange,
// at most `maxResponseBytes` of the answer read (then the socket is closed),
// redirects never followed (a 3xx is a failed attempt), and in production
// only public addresses (checked on the address the socket connects to).
// node:http rather than fetch: its `lookup` option is where that check sits.

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

export async function postWebhook(url: string, headers: Record<string, string>, body: string, limits: WebhookRequestLimits): Promise<WebhookAttemptResult> {
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
    return finish('NETWORK_ERROR', null, 'The endpoint URL is not valid.');
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!limits.allowPrivateAddresses && isIP(host)) {
    const reason = refusedAddressReason(host);
    if (reason) return finish('ADDRESS_REFUSED', null, `Not sent: ${reason}.`);
  }
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return finish('NETWORK_ERROR', null, 'Only http and https endpoints are supported.');

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
          const error = status >= 300 && status < 400 ? `Answered ${status}: redirects are not followed.` : `Answered ${status}.`;
          settle(finish('HTTP_ERROR', status, error));
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
    const timer = setTimeout(() => settle(finish('TIMEOUT', null, `No complete answer within ${limits.timeoutMs} ms.`)), limits.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedAddressError || (error.cause instanceof RefusedAddressError)) {
        settle(finish('ADDRESS_REFUSED', null, `Not sent: ${error.message}.`));
      } else {
        settle(finish('NETWORK_ERROR', null, `Could not reach the endpoint (${error.code ?? 'network error'}).`));
      }
    });
    request.end(body);
  });
}

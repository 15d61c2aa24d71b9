import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { log } from './log.ts';

// Every response carries an `x-request-id` header: the caller's own when it
// sent a well-formed one (a proxy's or the SDK's), else a new UUID. The same id
// is on every GraphQL error of an unexpected failure (`extensions.requestId`)
// and on the server's log line about it, so a support request that quotes it
// finds the detail.

export const REQUEST_ID_HEADER = 'x-request-id';

/** What an incoming id may look like to be kept: 8 to 128 letters, digits, `-`, `_`, `.` or `:` (nothing to inject into a log). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

const ids = new WeakMap<Request, string>();

/** The request's id: the incoming well-formed one, or a new UUID. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const incoming = request.headers.get(REQUEST_ID_HEADER);
    id = incoming && WELL_FORMED.test(incoming) ? incoming : randomUUID();
    ids.set(request, id);
  }
  return id;
}

/** Sets the header on every response and logs each unexpected error with the id. */
export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      requestIdOf(request);
    },
    onExecutionResult({ result, request }) {
      const results = Array.isArray(result) ? result : [result];
      for (const each of results) {
        for (const error of each?.errors ?? []) {
          if (error.extensions?.code !== 'INTERNAL_SERVER_ERROR') continue;
          const id = requestIdOf(request);
          (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, requestId: id };
          log.error({ err: error.originalError ?? error, requestId: id }, `answered INTERNAL_SERVER_ERROR at ${error.path?.join('.') ?? '(request)'}`);
        }
      }
    },
    onResponse({ request, response }) {
      response.headers.set(REQUEST_ID_HEADER, requestIdOf(request));
    },
  };
}

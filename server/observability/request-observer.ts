import { type DocumentNode, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentLogContext, log, withLogContext } from './log.ts';
import { errorsTotal, requestDuration, requestsTotal } from './metrics.ts';
import { requestIdOf } from './request-id.ts';

// One yoga plugin per request: its log context (request id, then organization
// and operation as they become known) around the whole handling, one closing
// log line with its outcome, and its metrics.

interface Observed {
  started: number;
  /** The metrics' label: the first root field of a GraphQL operation, else the route. */
  operation?: string;
  codes: string[];
  failed: boolean;
}

const observed = new WeakMap<Request, Observed>();

/** Routes outside GraphQL, as the metrics name them (a bounded set). */
function routeOf(path: string): string {
  if (path === '/graphql') return 'graphql';
  for (const prefix of ['/health', '/scim', '/accept', '/admin', '/mailbox', '/webhooks/postmark', '/metrics']) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return prefix;
  }
  return 'other';
}

function rootFieldOf(document: DocumentNode, operationName: string | null | undefined): string | undefined {
  const operation = getOperationAST(document, operationName);
  const first = operation?.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  return first && first.kind === Kind.FIELD ? `${operation!.operation} ${first.name.value}` : undefined;
}

/** Typed errors of mutations: top-level payloads that carry a `code`. */
function typedErrorCodes(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  return Object.values(data).flatMap((value) =>
    value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string' ? [(value as { code: string }).code] : [],
  );
}

/** The name of a document's first operation, read without parsing it (the request may be refused before it is parsed). */
const NAMED_OPERATION = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,99})/;

/** Health probes are answered often and say nothing: their lines are at debug level. */
const QUIET_ROUTES = new Set(['/health', '/metrics']);

export function useRequestObserver(): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        observed.set(request, { started: performance.now(), codes: [], failed: false });
        return withLogContext({ requestId: requestIdOf(request) }, wrapped);
      },
    },
    onParams({ params }) {
      // Known before the caller is: a request refused at authentication still names its operation.
      const context = currentLogContext();
      const named = params.operationName ?? (params.query ? NAMED_OPERATION.exec(params.query)?.[1] : undefined);
      if (context && named) context.operationName = named;
    },
    onExecute({ args }) {
      const context = currentLogContext();
      const operationName = args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value;
      if (context && operationName) context.operationName = operationName;
      const request = (args.contextValue as { request?: Request }).request;
      const state = request && observed.get(request);
      if (state) state.operation = rootFieldOf(args.document, args.operationName) ?? state.operation;
    },
    onExecutionResult({ result, request }) {
      const state = observed.get(request);
      if (!state) return;
      for (const each of Array.isArray(result) ? result : [result]) {
        for (const error of each?.errors ?? []) {
          const code = error.extensions?.code;
          state.codes.push(typeof code === 'string' ? code : 'UNKNOWN');
          state.failed = true;
        }
        state.codes.push(...typedErrorCodes(each?.data));
      }
    },
    onResponse({ request, response }) {
      const state = observed.get(request);
      if (!state) return;
      const path = new URL(request.url).pathname;
      const route = routeOf(path);
      const operation = state.operation ?? (route === 'graphql' ? 'graphql (not executed)' : route);
      const outcome = response.status >= 500 ? 'error' : state.failed || response.status >= 400 ? 'refused' : state.codes.length ? 'refused' : 'ok';
      const seconds = (performance.now() - state.started) / 1000;
      requestsTotal.inc({ operation, outcome });
      requestDuration.observe({ operation }, seconds);
      for (const code of state.codes) errorsTotal.inc({ code });
      const line = {
        component: 'http',
        method: request.method,
        path: route === 'other' ? 'other' : path,
        status: response.status,
        outcome,
        durationMs: Math.round(seconds * 1000),
        ...(state.codes.length ? { codes: [...new Set(state.codes)] } : {}),
      };
      if (QUIET_ROUTES.has(route)) log.debug(line, 'request');
      else log.info(line, 'request');
    },
  };
}

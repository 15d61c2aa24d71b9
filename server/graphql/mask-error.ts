import { PothosValidationError } from '@pothos/core';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { isDatabaseBusy } from '../database/connections.ts';
import { DomainError, type ErrorCode } from '../kernel/errors.ts';
import type { RequestErrorCode } from '../kernel/request-refusals.ts';
import { domainErrorAsGraphQLError } from './graphql-errors.ts';
import { ServiceBusyError } from '../kernel/service-busy.ts';
import { log } from '../observability/log.ts';

// The one mapping from whatever went wrong to the GraphQL error a client
// receives: every error has a `message` and an `extensions.code` from the list
// below or from the table of domain errors (docs/api.md, "Error codes").

/** The codes of GraphQL errors that are not domain errors, and when each is used. */
export const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error.';

/**
 * yoga's `maskedErrors.maskError`, called for every error of every response
 * (execution results, subscriptions, and request errors such as parsing).
 * Domain errors become coded GraphQL errors with their details; GraphQL errors
 * of the request keep their message and get a code when they lack one;
 * anything else is unexpected: masked, whatever the environment (yoga logs
 * the original, which is where the detail belongs; no database or file-path
 * text reaches a client).
 */
export function maskError(error: unknown, message = UNEXPECTED_ERROR_MESSAGE): Error {
  const located = error instanceof GraphQLError ? error : undefined;
  const original = innermostError(error);
  if (original instanceof DomainError) {
    const coded = domainErrorAsGraphQLError(original, located);
    return located && located.message === coded.message ? amended(located, coded.extensions) : coded;
  }
  if (original instanceof PothosValidationError) {
    // Pothos refuses some arguments itself (e.g. a negative `first`): a mistake of the caller's.
    const argument = /Argument "(\w+)"/.exec(original.message)?.[1];
    return amended(located ?? original, { code: 'INVALID_INPUT', ...(argument ? { path: [argument] } : {}) });
  }
  if (original instanceof GraphQLError) {
    // graphql-js wraps some of its own errors (a variable's coercion): the outer one says what happened.
    const outer = located ?? original;
    const code = outer.extensions?.code ?? original.extensions?.code;
    return amended(outer, { ...original.extensions, ...outer.extensions, code: typeof code === 'string' ? code : requestErrorCode(outer) });
  }
  if (original instanceof ServiceBusyError) {
    // Expected under load, and its message is the caller's to see: not logged (a flood of them would flood the log).
    const { retryAfterSeconds } = original;
    const extensions = { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds, http: { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) } } };
    return located ? amended(located, extensions) : new GraphQLError(original.message, { extensions });
  }
  if (isDatabaseBusy(original)) {
    log.warn(`Database busy or out of reach (${(original as { code?: string }).code ?? 'no code'}): answered SERVICE_UNAVAILABLE.`);
    const retryAfterSeconds = BUSY_RETRY_AFTER_SECONDS;
    return new GraphQLError('The service is busy; nothing was written. Try again in a moment.', {
      nodes: located?.nodes,
      source: located?.source,
      positions: located?.positions,
      path: located?.path,
      extensions: {
        code: 'SERVICE_UNAVAILABLE',
        retryAfterSeconds,
        http: { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) } },
      },
    });
  }
  return new GraphQLError(message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/**
 * The same error with its extensions set: the message is the caller's to see,
 * and yoga logs only the errors maskError replaced (the unexpected ones).
 */
function amended(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  (error as { extensions: Record<string, unknown> }).extensions = extensions;
  return error;
}

const BUSY_RETRY_AFTER_SECONDS = 1;

/** The first error that is not a wrapper graphql-js added around it. */
function innermostError(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/** The code of a GraphQL error raised by graphql-js or yoga without one. */
function requestErrorCode(error: GraphQLError): RequestErrorCode {
  if (error.message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (error.message.startsWith('Variable "$')) return 'BAD_USER_INPUT';
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  if (status && status >= 400 && status < 500) return 'BAD_REQUEST';
  if (error.nodes?.length) return 'GRAPHQL_VALIDATION_FAILED';
  return 'BAD_REQUEST';
}

export type { ErrorCode };

/**
 * The same mapping for results a plugin ends early (a request limit, a rate
 * limit, setResultAndStopExecution): yoga's masking runs after the user
 * plugins, so it never sees them. Listed first in yoga.ts; unexpected errors
 * are left to yoga's masking, which logs them.
 */
export function useCodedErrors(): Plugin {
  const code = ({ result, setResult }: { result: ExecutionResult & IncrementalParts; setResult: (result: ExecutionResult) => void }) => {
    const incremental = result.incremental?.some((part) => part.errors?.length);
    if (!result.errors?.length && !incremental) return;
    setResult({
      ...result,
      ...(result.errors && { errors: result.errors.map((error) => (isUnexpected(error) ? error : (maskError(error) as GraphQLError))) }),
      // yoga's masking reads `errors` only: the errors of a deferred part (@defer, @stream) are all coded and masked here.
      ...(incremental && { incremental: result.incremental!.map((part) => (part.errors ? { ...part, errors: part.errors.map(maskedInPart) } : part)) }),
    });
  };
  return {
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, code) }),
    onSubscribe: () => ({ onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, code) }),
  };
}

/** The later parts of an incremental answer (@defer, @stream), each with its own errors. */
interface IncrementalParts {
  incremental?: readonly { errors?: readonly GraphQLError[] }[];
}

/**
 * An error of a deferred part, coded; an unexpected one masked and logged, as yoga does for the first part. Its
 * `http` extension (the status yoga reads off the first part's errors) is the server's, not the caller's: dropped.
 */
function maskedInPart(error: GraphQLError): GraphQLError {
  if (isUnexpected(error)) log.error({ err: innermostError(error) }, 'Unexpected error in a deferred part (masked)');
  const masked = maskError(error) as GraphQLError;
  if (!masked.extensions?.http) return masked;
  const { http: _status, ...extensions } = masked.extensions;
  return new GraphQLError(masked.message, { nodes: masked.nodes, source: masked.source, positions: masked.positions, path: masked.path, extensions });
}

function isUnexpected(error: unknown): boolean {
  const original = innermostError(error);
  return !(original instanceof DomainError || original instanceof GraphQLError);
}

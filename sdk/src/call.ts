import { ParkpassError } from './errors.ts';
import type { AbortSignalLike } from './platform.ts';
import type { Answer, ResponseInfo, Transport } from './transport.ts';
import type { TypedDocumentNode } from './typed-document-node.ts';

// What every resource of the client is built on: one way to run a query and a
// mutation, the options every call takes, pages, and how a result tells its
// request id.

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call (and its retries, or a follow/waitFor loop): it throws ParkpassError ABORTED. */
  signal?: AbortSignalLike | undefined;
}

/** Options of a write: its idempotency key, made by the SDK when left out, so a retry never does the work twice. */
export interface WriteOptions extends CallOptions {
  /**
   * Any unique string per intended write, e.g. your own record's id or a sync run's id, so a retry after a restart is safe too.
   * Left out, the SDK makes one per call (the same on each of its retries).
   */
  idempotencyKey?: string | undefined;
}

/** The former name of WriteOptions. */
export type CreateOptions = WriteOptions;

/** A cursor as pages give it (`pageInfo.endCursor`), so it goes back as `after` unchanged. */
export type Cursor = string | null | undefined;

export interface PageArgs {
  first?: number | undefined;
  after?: Cursor;
}

/** One page of a connection, as every list method answers it. */
export interface Page<Node> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: readonly { node: Node }[];
}

/** One page of a connection without its count: its rows and where the next page starts. */
export type PageRows<Node> = Omit<Page<Node>, 'totalCount'>;

/** An input type whose lists may be readonly (the SDK only reads them): `as const` arrays and `readonly string[]` fit. */
export type ReadonlyLists<Input> = {
  [Field in keyof Input]: Input[Field] extends infer Value ? (Value extends Array<infer Item> ? readonly Item[] : Value) : never;
};

/** A result that tells how it was answered: `lastResponse` (request id, attempts, status), not enumerable. */
export type Answered<T> = T & { readonly lastResponse: ResponseInfo };

export type Success<Result> = Exclude<Result, { code: unknown }>;
export type NonNull<T> = Exclude<T, null | undefined>;

/** Puts `lastResponse` on a result object, not enumerable (JSON, spreads and deep equality do not see it). */
export function answered<T>(value: T, answer: { response: ResponseInfo }): Answered<T> {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.defineProperty(value, 'lastResponse', { value: answer.response, enumerable: false, configurable: true });
  }
  return value as Answered<T>;
}

/** Runs the client's operations; each resource gets one. */
export interface Caller {
  /** A read: always idempotent, so retried by the table. */
  query<Data, Variables>(operation: string, document: TypedDocumentNode<Data, Variables>, variables: Variables, call?: CallOptions): Promise<Answer<Data>>;
  /** A write; `idempotencyKey` (when the write carries one) makes it safe to retry. */
  mutate<Data, Variables>(
    operation: string,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    call: CallOptions | undefined,
    idempotency: { idempotent: boolean; idempotencyKey?: string | null | undefined },
  ): Promise<Answer<Data>>;
  /** The caller's key, or a new one for this call (the same on each of its retries). */
  key(call: WriteOptions | undefined): string;
}

export function createCaller(transport: Transport): Caller {
  return {
    query: (operation, document, variables, call = {}) => transport.send(operation, document, variables, { idempotent: true, signal: call.signal }),
    mutate: (operation, document, variables, call = {}, idempotency) => transport.send(operation, document, variables, { ...idempotency, signal: call.signal }),
    key: (call) => call?.idempotencyKey ?? crypto.randomUUID(),
  };
}

/**
 * The success member of a mutation's result, with its `lastResponse`; a typed
 * error (any member with a `code`) is thrown as a ParkpassError.
 */
export function orThrow<Result extends { __typename: string }>(operation: string, result: Result, answer: Answer<unknown>): Answered<Success<Result>> {
  if ('code' in result && typeof result.code === 'string') {
    const { __typename: _type, code: _code, message, ...details } = result as unknown as { __typename: string; code: string; message: string };
    throw new ParkpassError({
      code: result.code as ParkpassError['code'],
      operation,
      message,
      requestId: answer.response.requestId,
      attempts: answer.response.attempts,
      details,
    });
  }
  return answered(result as Success<Result>, answer);
}

/**
 * A result with `replayed` as this call sees it: a replay is only "an earlier
 * request did it" when it was not this call's own retry. With the SDK's own
 * key, any replay is its retry (the key is new per call); with the caller's
 * key, the server says so (it knows the call by the `idempotency-call` header).
 */
export function asFirstAttempt<Result extends { replayed: boolean }>(result: Result, keyMadeHere: boolean): Result {
  if (result.replayed && keyMadeHere) (result as { replayed: boolean }).replayed = false;
  return result;
}

export const notFound = (operation: string, what: string, answer: Answer<unknown> | null) =>
  new ParkpassError({
    code: 'NOT_FOUND',
    operation,
    message: `No ${what} of this organization has this id.`,
    requestId: answer?.response.requestId,
    attempts: answer?.response.attempts,
  });

/** Every node of a connection, page after page (`for await … of`), until the last page. */
export async function* paginate<Node>(fetchPage: (after: string | null) => Promise<PageRows<Node>>): AsyncGenerator<Node> {
  let after: string | null = null;
  for (;;) {
    const page: PageRows<Node> = await fetchPage(after);
    for (const edge of page.edges) yield edge.node;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export function sleep(ms: number, callSignal: AbortSignalLike | undefined, operation: string): Promise<void> {
  const signal = callSignal as AbortSignal | undefined;
  return new Promise((resolve, reject) => {
    const aborted = () => new ParkpassError({ code: 'ABORTED', operation, message: 'The call was aborted.', cause: signal?.reason, attempts: 0 });
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type DefinitionNode, type GraphQLFieldResolver, type GraphQLSchema, getNamedType, isLeafType, isObjectType, type ResponsePath } from 'graphql';
import type { Plugin } from 'graphql-yoga';

// OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a
// test hands an exporter). One trace per request: the HTTP request → the
// GraphQL operation → resolvers (root fields and the level below, not leaves:
// bounded, so tracing does not slow a large list) → SQL statements (their text,
// never their values) → and in the worker, a job → Postmark's and webhook
// endpoints' HTTP calls. While off, nothing is wrapped and nothing is recorded.

const tracer = trace.getTracer('parkpass');
let enabled = false;

/** Resolver spans go this many fields deep (1: root fields only). */
export const RESOLVER_SPAN_DEPTH = 2;
/** SQL text longer than this is cut in the span. */
const STATEMENT_LENGTH = 1_000;

export function tracingEnabled(): boolean {
  return enabled;
}

/**
 * Starts recording: spans go to OTLP/HTTP at `endpoint` (batched), or to
 * `exporter` as they end (tests). The SDK is loaded only then.
 */
export async function startTracing(options: { endpoint?: string; serviceName: string; exporter?: SpanExporter }): Promise<{ shutdown(): Promise<void> }> {
  const [{ NodeTracerProvider }, { BatchSpanProcessor, SimpleSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  let processor: InstanceType<typeof BatchSpanProcessor> | InstanceType<typeof SimpleSpanProcessor>;
  if (options.exporter) processor = new SimpleSpanProcessor(options.exporter);
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const url = `${options.endpoint!.replace(/\/$/, '')}/v1/traces`;
    processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  }
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': options.serviceName }), spanProcessors: [processor] });
  provider.register();
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      await provider.shutdown();
    },
  };
}

function failed(span: Span, error: unknown) {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Runs `work` in a span of its own (a child of the active one) when tracing is on; as it is when off. */
export function inSpan<T>(name: string, attributes: Attributes, work: (span?: Span) => T, kind: SpanKind = SpanKind.INTERNAL): T {
  if (!enabled) return work();
  return tracer.startActiveSpan(name, { kind, attributes }, (span) => {
    let result: T;
    try {
      result = work(span);
    } catch (error) {
      failed(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          failed(span, error);
          span.end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

/** An outgoing HTTP call (Postmark, a webhook endpoint): a client span. */
export function inClientSpan<T>(name: string, attributes: Attributes, work: (span?: Span) => Promise<T>): Promise<T> {
  return inSpan(name, attributes, work, SpanKind.CLIENT);
}

/**
 * Every statement sent on this node-postgres client becomes a span, when
 * tracing is on and the statement belongs to a traced request or job (never a
 * root span of its own: the worker's polling stays out of the traces).
 */
export function traceQueries(client: { query: (...args: never[]) => unknown }, pool: string): void {
  const original = client.query;
  client.query = function tracedQuery(this: unknown, ...args: never[]) {
    if (!enabled || !trace.getActiveSpan()) return original.apply(this, args);
    const first = args[0] as unknown;
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const span = tracer.startSpan('pg.query', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system': 'postgresql', 'db.statement': text.slice(0, STATEMENT_LENGTH), 'db.pool': pool },
    });
    const result = original.apply(this, args) as unknown;
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          failed(span, error);
          span.end();
          throw error;
        },
      );
    }
    span.end();
    return result;
  } as typeof client.query;
}

function depthOf(path: ResponsePath | undefined): number {
  let depth = 0;
  for (let at = path; at; at = at.prev) if (typeof at.key === 'string') depth++;
  return depth;
}

/** Wraps the schema's resolvers (once, when tracing starts) so fields down to RESOLVER_SPAN_DEPTH that return objects get a span. */
export function traceResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.resolve || isLeafType(getNamedType(field.type))) continue;
      const original = field.resolve as GraphQLFieldResolver<unknown, unknown> & { traced?: true };
      if (original.traced) continue;
      const traced: GraphQLFieldResolver<unknown, unknown> & { traced?: true } = (source, args, context, info) => {
        if (!enabled || depthOf(info.path) > RESOLVER_SPAN_DEPTH || !trace.getActiveSpan()) return original(source, args, context, info);
        return inSpan(`resolve ${info.parentType.name}.${info.fieldName}`, { 'graphql.field.path': pathText(info.path) }, () =>
          original(source, args, context, info),
        );
      };
      traced.traced = true;
      field.resolve = traced;
    }
  }
}

function pathText(path: ResponsePath | undefined): string {
  const keys: (string | number)[] = [];
  for (let at = path; at; at = at.prev) keys.unshift(at.key);
  return keys.join('.');
}

/** The request's span (server kind) and, inside it, the GraphQL operation's, named after the operation. */
export function useTracing(): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        if (!enabled) return wrapped();
        const path = new URL(request.url).pathname;
        return inSpan(
          `${request.method} ${path.startsWith('/scim/') ? '/scim' : path}`,
          { 'http.request.method': request.method, 'url.path': path },
          wrapped,
          SpanKind.SERVER,
        );
      },
      execute(_payload, wrapped) {
        if (!enabled) return wrapped();
        return inSpan('graphql.execute', {}, wrapped);
      },
    },
    onExecute({ args }) {
      if (!enabled) return;
      const operation = args.document.definitions.find(
        (definition: DefinitionNode) => definition.kind === 'OperationDefinition' && (!args.operationName || definition.name?.value === args.operationName),
      );
      if (operation?.kind !== 'OperationDefinition') return;
      const name = operation.name?.value ?? '(anonymous)';
      const span = trace.getActiveSpan();
      span?.updateName(`graphql ${operation.operation} ${name}`);
      span?.setAttributes({ 'graphql.operation.type': operation.operation, 'graphql.operation.name': name });
    },
  };
}

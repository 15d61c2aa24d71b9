import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../app/schema.ts';
import { useTestKit } from '../test/kit.ts';
import { startTracing, traceResolvers } from './tracing.ts';

// Traces as an OTLP collector would get them, read from the SDK's in-memory
// exporter: one request is the HTTP span → the GraphQL operation → its
// resolvers → their SQL; a job in the worker → Postmark's HTTP call.

const kit = useTestKit();
const exporter = new InMemorySpanExporter();
let tracing: { shutdown(): Promise<void> };
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'parkpass-test', exporter });
  traceResolvers(schema);
});
afterAll(() => tracing?.shutdown());

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The trace as an indented tree of span names (children in start order). */
function tree(spans: ReadableSpan[]): string {
  const lines: string[] = [];
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  for (const span of spans) {
    const parent = parentOf(span) && ids.has(parentOf(span)!) ? parentOf(span) : undefined;
    byParent.set(parent, [...(byParent.get(parent) ?? []), span]);
  }
  const walk = (parent: string | undefined, depth: number) => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    for (const span of children) {
      const statement = span.attributes['db.statement'];
      lines.push(`${'  '.repeat(depth)}${span.name}${typeof statement === 'string' ? `  [${statement.replace(/\s+/g, ' ').slice(0, 60)}…]` : ''}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

describe('traces', () => {
  it('follow a request from HTTP to the operation, its resolvers and their SQL, with bounded resolver spans', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    await org.insertProfiles(3);
    exporter.reset();
    await org.api.profiles({ first: 3 });
    const spans = exporter.getFinishedSpans();
    const root = spans.find((span) => span.name === 'POST /graphql');
    expect(root).toBeDefined();
    const trace = spans.filter((span) => span.spanContext().traceId === root!.spanContext().traceId);
    const operation = trace.find((span) => span.name === 'graphql query Profiles');
    expect(operation && parentOf(operation)).toBe(root!.spanContext().spanId);
    const resolver = trace.find((span) => span.name === 'resolve Query.profiles');
    expect(resolver && parentOf(resolver)).toBe(operation!.spanContext().spanId);
    const sql = trace.filter((span) => span.name === 'pg.query');
    expect(sql.length).toBeGreaterThan(0);
    // The SQL of the profiles resolver is its child (or its descendant's), and carries the statement, never a value.
    const ids = new Map(trace.map((span) => [span.spanContext().spanId, span]));
    const underResolver = sql.filter((span) => {
      for (let at = parentOf(span); at; at = ids.get(at) && parentOf(ids.get(at)!)) if (at === resolver!.spanContext().spanId) return true;
      return false;
    });
    expect(underResolver.length).toBeGreaterThan(0);
    expect(String(underResolver[0]!.attributes['db.statement'])).toMatch(/SELECT/i);
    // Bounded: no resolver span deeper than a root field's children (a profile's fields are not spans).
    const resolverPaths = trace.filter((span) => span.name.startsWith('resolve ')).map((span) => String(span.attributes['graphql.field.path']));
    for (const path of resolverPaths) expect(path.split('.').filter((key) => !/^\d+$/.test(key)).length).toBeLessThanOrEqual(2);
    // The whole tree, as docs/operations.md shows it: the caller's key looked up, then the operation, its resolver and their SQL.
    expect(tree(trace)).toMatch(/^POST \/graphql\n(?:.*\n)* {2}graphql query Profiles\n {4}resolve Query\.profiles\n {6}pg\.query {2}\[/);
  });

  it('follow a job of the worker to Postmark’s HTTP call', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const [profileId] = await org.insertProfiles(1);
    await org.api.profileInvite(profileId!);
    exporter.reset();
    await kit.runJobs();
    const spans = exporter.getFinishedSpans();
    const job = spans.find((span) => span.name === 'job deliver-emails');
    expect(job?.attributes['job.id']).toEqual(expect.any(String));
    const postmark = spans.find((span) => span.name === 'POST postmark /email/batch');
    expect(postmark && parentOf(postmark)).toBe(job!.spanContext().spanId);
    expect(spans.some((span) => span.name === 'pg.query' && parentOf(span) === job!.spanContext().spanId)).toBe(true);
  });
});

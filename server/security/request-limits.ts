import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { REQUEST_LIMITS } from './limits.ts';
import { type RequestRefusalCode, requestRefusal } from './request-refusals.ts';

// The limits on what one request may hold, checked before anything runs:
// the body's size (before it is read), then graphql-armor's parser and
// validation limits (tokens, depth, aliases, directives). The cost, page
// sizes and list lengths depend on the variables: request-budget.ts checks
// them. Each refusal carries its code (request-refusals.ts).

/** A refusal that armor reports: its message, our code. Validation limits are reported as validation errors; the token limit stops the parser. */
function refuseAs(code: RequestRefusalCode) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const refusal = requestRefusal(code, error.message.replace(/^Syntax Error: /, ''));
    if (!context) throw refusal;
    context.reportError(refusal);
  };
}

const armorOptions = (code: RequestRefusalCode) => ({ propagateOnRejection: false, onReject: [refuseAs(code)] });

export function requestLimitPlugins(options: { introspection: boolean }): Plugin[] {
  return [
    bodySizeLimit(REQUEST_LIMITS.bodyBytes),
    maxTokensPlugin({ n: REQUEST_LIMITS.tokens, ...armorOptions('TOO_MANY_TOKENS') }),
    maxDepthPlugin({ n: REQUEST_LIMITS.depth, flattenFragments: true, ...armorOptions('QUERY_TOO_DEEP') }),
    maxAliasesPlugin({ n: REQUEST_LIMITS.aliases, ...armorOptions('TOO_MANY_ALIASES') }),
    maxDirectivesPlugin({ n: REQUEST_LIMITS.directives, ...armorOptions('TOO_MANY_DIRECTIVES') }),
    ...(options.introspection
      ? []
      : [
          // Without introspection, "Did you mean …" would still spell the schema out field by field.
          blockFieldSuggestionsPlugin(),
          { onValidate: ({ addValidationRule }) => addValidationRule(withCode(NoSchemaIntrospectionCustomRule, 'INTROSPECTION_DISABLED')) } satisfies Plugin,
        ]),
  ] as Plugin[];
}

/** graphql-js' own rule, its errors carrying our code: the rule reports through a context whose reportError adds it. */
function withCode(rule: ValidationRule, code: RequestRefusalCode): ValidationRule {
  return (context) => {
    const coded = Object.create(context) as ValidationContext;
    coded.reportError = (error) => context.reportError(requestRefusal(code, error.message, { nodes: error.nodes }));
    return rule(coded);
  };
}

/**
 * Refuses a body larger than the limit: from its Content-Length before reading
 * it (Node's HTTP parser holds a body to its Content-Length), and while reading
 * one that declares no length (chunked, or a Request built in a test).
 */
function bodySizeLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (!(length > maxBytes)) return;
      const error = tooLarge(maxBytes, length);
      // Close the connection: the client may still be sending the body we will not read.
      endResponse(
        fetchAPI.Response.json(
          { errors: [{ message: error.message, extensions: { code: 'REQUEST_TOO_LARGE', max: maxBytes } }] },
          { status: 413, headers: { connection: 'close' } },
        ),
      );
    },
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (request.headers.has('content-length') || !request.body || !requestParser) return;
      setRequestParser(async (unread) => {
        const body = await readBodyAtMost(unread, maxBytes);
        return requestParser(new Request(unread.url, { method: unread.method, headers: unread.headers, body }));
      });
    },
  };
}

function tooLarge(maxBytes: number, length?: number): GraphQLError {
  const size = length === undefined ? 'larger than that' : `${length} bytes`;
  return requestRefusal('REQUEST_TOO_LARGE', `The request body is ${size}; the server accepts at most ${maxBytes} bytes (${maxBytes / 1024 / 1024} MiB).`, {
    details: { max: maxBytes },
  });
}

/** Reads a body as text, refusing it (REQUEST_TOO_LARGE) once it passes the limit, whatever its Content-Length says. */
export async function readBodyAtMost(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

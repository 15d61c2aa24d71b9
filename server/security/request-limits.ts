import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { type ExecutionResult, type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { REQUEST_LIMITS } from '../kernel/limits.ts';
import { type RequestRefusalCode, requestRefusal } from '../kernel/request-refusals.ts';

// The limits on what one request may hold, checked before anything runs:
// the body's size (before it is read), the nesting of the document's brackets
// (before it is parsed), then graphql-armor's parser and validation limits
// (tokens, depth, aliases, directives). The cost, page
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
    nestingLimit(REQUEST_LIMITS.nesting),
    maxTokensPlugin({ n: REQUEST_LIMITS.tokens, ...armorOptions('TOO_MANY_TOKENS') }),
    maxDepthPlugin({ n: REQUEST_LIMITS.depth, flattenFragments: true, ...armorOptions('QUERY_TOO_DEEP') }),
    maxAliasesPlugin({ n: REQUEST_LIMITS.aliases, ...armorOptions('TOO_MANY_ALIASES') }),
    maxDirectivesPlugin({ n: REQUEST_LIMITS.directives, ...armorOptions('TOO_MANY_DIRECTIVES') }),
    ...(options.introspection
      ? []
      : [
          // Without introspection, "Did you mean …" would still spell the schema out field by field.
          hiddenSuggestions(),
          { onValidate: ({ addValidationRule }) => addValidationRule(withCode(NoSchemaIntrospectionCustomRule, 'INTROSPECTION_DISABLED')) } satisfies Plugin,
        ]),
  ] as Plugin[];
}

/** Every form of graphql-js' suggestions: `Did you mean "x"?`, `… the enum value "X"?`, `… to use an inline fragment on "A", "B"?`. */
const SUGGESTION = /Did you mean [^?]*\?/g;
export const SUGGESTION_HIDDEN = '[Suggestion hidden]';

function withoutSuggestions<E extends Error>(error: E): E {
  if (error.message.includes('Did you mean')) error.message = error.message.replace(SUGGESTION, SUGGESTION_HIDDEN);
  return error;
}

/**
 * Hides the suggestions graphql-js adds to its messages, where introspection
 * is off: in validation errors (an unknown field, argument, type or enum
 * literal, a field of a union or interface) and in the coercion errors of
 * variables, which execution reports (an unknown input field or enum value).
 * (graphql-armor's block-field-suggestions only knew the `Did you mean "x"?` form.)
 */
function hiddenSuggestions(): Plugin {
  const hide = ({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }) => {
    if (result.errors?.length) setResult({ ...result, errors: result.errors.map(withoutSuggestions) });
  };
  return {
    onValidate:
      () =>
      ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(withoutSuggestions));
      },
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, hide) }),
    onSubscribe: () => ({ onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, hide) }),
  };
}

/**
 * Refuses a document whose brackets nest deeper than `max`, counted in one
 * pass over its text before graphql-js parses it (its parser recurses once per
 * bracket, so 20,000 `[` overflowed the stack: an INTERNAL_SERVER_ERROR and a
 * RangeError in the log). Strings, block strings and comments are skipped.
 */
function nestingLimit(max: number): Plugin {
  return {
    onParse({ params }) {
      const source = typeof params.source === 'string' ? params.source : params.source.body;
      if (bracketsNestDeeperThan(source, max)) throw requestRefusal('QUERY_TOO_DEEP', `The document nests brackets deeper than ${max}.`, { details: { max } });
    },
  };
}

/** Whether the brackets { [ ( of a GraphQL document nest deeper than `max` (outside strings and comments). */
export function bracketsNestDeeperThan(source: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (source.startsWith('"""', i)) {
      // A block string ends at the next """ that is not escaped as \""".
      let close = source.indexOf('"""', i + 3);
      while (close !== -1 && source[close - 1] === '\\') close = source.indexOf('"""', close + 3);
      i = close === -1 ? source.length : close + 2;
    } else if (char === '"') {
      i++;
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
    } else if (char === '{' || char === '[' || char === '(') {
      if (++depth > max) return true;
    } else if (char === '}' || char === ']' || char === ')') {
      depth--;
    }
  }
  return false;
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

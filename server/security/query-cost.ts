import { createComplexityRule, type FieldComplexityValue } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type SelectionSetNode,
  validate,
} from 'graphql';
import { REQUEST_LIMITS } from '../kernel/limits.ts';
import { requestRefusal } from '../kernel/request-refusals.ts';

// What an operation costs, computed from the document and its variables before
// anything runs (Pothos' complexity plugin walks the selection, this file says
// what each field costs). Points count the objects a request may return, as
// Shopify's and GitHub's APIs do:
//   - a scalar or enum field: 0;
//   - a field returning an object: 1, plus its selection;
//   - a connection: 1 + (first ?? last ?? 100) × its selection (its edges and
//     nodes are the same objects, so they do not multiply again);
//   - nodes(ids:): 1 + ids × the selection; any other list of objects: 1 + 10 × the selection;
//   - introspection: __schema 1,000 (the whole schema: ~50 ms of CPU), __type 10.
// The same walk checks page sizes and list lengths, so these refusals come
// before any work, with the path of the argument.

/** A connection without first/last is costed as the largest default page (tags and parking lots: 100). */
const DEFAULT_PAGE_ESTIMATE = 100;
/** A plain list of objects (a profile's parking lots or tags) is costed as 10 items. */
const LIST_ESTIMATE = 10;
/** Introspection fields, which the complexity walk does not see into. */
const INTROSPECTION_COST = { __schema: 1_000, __type: 10 } as const;

export interface CostAnalysis {
  /** Limits broken on the way (page sizes, list lengths). */
  refusals: GraphQLError[];
  /** The most profile ids one selection may hold (a query's: the caller's plan's largest bulk invitation). */
  selectionMax: number;
}

/** Pothos' `fieldComplexity`: the cost of every field that declares none, as described above. */
export function fieldCost<Context>(args: Record<string, unknown>, ctx: Context, field: GraphQLField<unknown, Context>): FieldComplexityValue {
  const analysis = isCostAnalysis(ctx) ? ctx : null;
  if (analysis) checkLists(analysis, field.name, args);
  const namedType = getNamedType(field.type);
  if (!isCompositeType(namedType)) return 0;
  if (namedType.name.endsWith('Connection') && field.args.some((arg) => arg.name === 'first')) {
    const size = (args.first ?? args.last) as number | null | undefined;
    if (analysis && size != null && size > REQUEST_LIMITS.pageSize) {
      analysis.refusals.push(
        requestRefusal(
          'PAGE_SIZE_TOO_LARGE',
          `${field.name}: ${args.first != null ? 'first' : 'last'} is ${size}; a page holds at most ${REQUEST_LIMITS.pageSize}. Page with after/before.`,
          {
            details: { field: field.name, max: REQUEST_LIMITS.pageSize, requested: size },
          },
        ),
      );
    }
    return { field: 1, multiplier: Math.max(0, Math.min(size ?? DEFAULT_PAGE_ESTIMATE, REQUEST_LIMITS.pageSize)) };
  }
  if (field.name === 'edges' && namedType.name.endsWith('Edge')) return { field: 1, multiplier: 1 };
  const list = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
  if (!list) return 1;
  if (Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  return { field: 1, multiplier: LIST_ESTIMATE };
}

/**
 * `nodes(ids:)` takes at most 100 ids; `profileIds`, at most `selectionMax`
 * (a preview: the caller's plan's largest bulk invitation); any other list, at
 * most the largest plan's.
 */
function checkLists(analysis: CostAnalysis, fieldName: string, args: Record<string, unknown>): void {
  const maxOf = (path: string[]) => {
    if (fieldName === 'nodes' && path.join('.') === 'ids') return { max: REQUEST_LIMITS.nodeIds, why: '' };
    if (path.at(-1) === 'profileIds') return { max: analysis.selectionMax, why: " (the plan's largest bulk invitation)" };
    return { max: REQUEST_LIMITS.listItems, why: '' };
  };
  const visit = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) {
      const { max, why } = maxOf(path);
      if (value.length > max) {
        const argument = path.join('.');
        analysis.refusals.push(
          requestRefusal('LIST_TOO_LONG', `${fieldName}: ${argument} holds ${value.length} items; at most ${max} are allowed${why}.`, {
            details: { field: fieldName, argument, max, length: value.length },
          }),
        );
        return;
      }
      // Lists of ids have nothing below that matters; lists of input objects (upsert rows) may.
      if (value.length && typeof value[0] === 'object' && !isGlobalId(value[0]))
        for (const [index, item] of value.entries()) visit(item, [...path, String(index)]);
    } else if (value && typeof value === 'object' && !(value instanceof Date) && !isGlobalId(value)) {
      for (const [key, inner] of Object.entries(value)) visit(inner, [...path, key]);
    }
  };
  for (const [name, value] of Object.entries(args)) visit(value, [name]);
}

/** Pothos hands global ids over decoded, as { typename, id }. */
const isGlobalId = (value: unknown) => typeof value === 'object' && value !== null && 'typename' in value && 'id' in value;

const marker = Symbol('cost-analysis');
const isCostAnalysis = (value: unknown): value is CostAnalysis => typeof value === 'object' && value !== null && marker in value;

/**
 * The cost of the operation a request runs (by operationName), with its
 * variables; refusals when a page size or a list is too large or the cost is
 * above the limit. Run after validation, so a bad document never gets here.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  caller: { selectionMax: number } = { selectionMax: REQUEST_LIMITS.listItems },
): { cost: number; refusals: readonly GraphQLError[] } {
  const analysis: CostAnalysis & { [marker]: true } = { [marker]: true, refusals: [], selectionMax: caller.selectionMax };
  let cost = 0;
  const rule = createComplexityRule({
    variableValues: variables ?? {},
    operationName: operationName ?? undefined,
    context: analysis,
    validate: (state, report) => {
      const introspection = rootFieldCalls(document, operationName, Object.keys(INTROSPECTION_COST));
      // The walk counted each introspection field as 1.
      cost =
        state.complexity +
        [...introspection].reduce((sum, [name, count]) => sum + (INTROSPECTION_COST[name as keyof typeof INTROSPECTION_COST] - 1) * count, 0);
      if (analysis.refusals.length) return;
      if (cost > REQUEST_LIMITS.cost) {
        report(
          requestRefusal(
            'QUERY_TOO_COSTLY',
            `This operation costs ${cost} points; one request may cost at most ${REQUEST_LIMITS.cost}. Ask for smaller pages or fewer fields.`,
            {
              details: { cost, max: REQUEST_LIMITS.cost },
            },
          ),
        );
      }
    },
  });
  const errors = validate(schema, document, [rule]);
  return { cost, refusals: [...analysis.refusals, ...errors] };
}

/** How many times the operation selects each of these root fields (aliases count: each is a call; fragments followed). */
export function rootFieldCalls(document: DocumentNode, operationName: string | null | undefined, names: readonly string[]): Map<string, number> {
  const calls = new Map<string, number>();
  const operation = getOperationAST(document, operationName);
  if (!operation) return calls;
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const visit = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (names.includes(selection.name.value)) calls.set(selection.name.value, (calls.get(selection.name.value) ?? 0) + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return calls;
}

/** Costs already computed, by document (yoga's parser cache hands the same one back for the same text), then by variables. */
const knownCosts = new WeakMap<DocumentNode, Map<string, number>>();
/** Variable sets remembered per document (then forgotten all at once), and the longest one remembered. */
const KNOWN_COSTS_PER_DOCUMENT = 64;
const KNOWN_COST_KEY_CHARACTERS = 4_096;

/**
 * operationCost, remembered: the same document with the same variables, operation and list bound costs the same,
 * so an accepted one is walked once (the walk was 7 % of a trivial authenticated request's CPU). A refusal is
 * never remembered (its errors are the request's own); nor are large variable sets (upserts' rows).
 */
export function rememberedOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  caller: { selectionMax: number },
): { cost: number; refusals: readonly GraphQLError[] } {
  let key: string | null = null;
  try {
    key = JSON.stringify([operationName ?? null, caller.selectionMax, variables ?? {}]);
  } catch {
    // A value JSON cannot write: computed every time.
  }
  const known = key !== null && key.length <= KNOWN_COST_KEY_CHARACTERS ? knownCosts.get(document) : undefined;
  const cost = key !== null ? known?.get(key) : undefined;
  if (cost !== undefined) return { cost, refusals: [] };
  const result = operationCost(schema, document, variables, operationName, caller);
  if (key === null || key.length > KNOWN_COST_KEY_CHARACTERS || result.refusals.length) return result;
  const costs = known ?? new Map<string, number>();
  if (!known) knownCosts.set(document, costs);
  if (costs.size >= KNOWN_COSTS_PER_DOCUMENT) costs.clear();
  costs.set(key, result.cost);
  return result;
}

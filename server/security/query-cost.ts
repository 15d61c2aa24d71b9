import { createComplexityRule, type FieldComplexityValue } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  validate,
} from 'graphql';
import { REQUEST_LIMITS } from './limits.ts';
import { requestRefusal } from './request-refusals.ts';

// What an operation costs, computed from the document and its variables before
// anything runs (Pothos' complexity plugin walks the selection, this file says
// what each field costs). Points count the objects a request may return, as
// Shopify's and GitHub's APIs do:
//   - a scalar or enum field: 0;
//   - a field returning an object: 1, plus its selection;
//   - a connection: 1 + (first ?? last ?? 100) × its selection (its edges and
//     nodes are the same objects, so they do not multiply again);
//   - nodes(ids:): 1 + ids × the selection; any other list of objects: 1 + 10 × the selection.
// The same walk checks page sizes and list lengths, so these refusals come
// before any work, with the path of the argument.

/** A connection without first/last is costed as the largest default page (tags and parking lots: 100). */
const DEFAULT_PAGE_ESTIMATE = 100;
/** A plain list of objects (a profile's parking lots or tags) is costed as 10 items. */
const LIST_ESTIMATE = 10;

export interface CostAnalysis {
  /** Limits broken on the way (page sizes, list lengths). */
  refusals: GraphQLError[];
}

/** Pothos' `fieldComplexity`: the cost of every field that declares none, as described above. */
export function fieldCost<Context>(args: Record<string, unknown>, ctx: Context, field: GraphQLField<unknown, Context>): FieldComplexityValue {
  const analysis = isCostAnalysis(ctx) ? ctx : null;
  if (analysis) checkLists(analysis, field, args);
  const namedType = getNamedType(field.type);
  if (!isCompositeType(namedType)) return 0;
  if (namedType.name.endsWith('Connection') && field.args.some((arg) => arg.name === 'first')) {
    const size = (args.first ?? args.last) as number | null | undefined;
    if (analysis && size != null && size > REQUEST_LIMITS.pageSize) {
      analysis.refusals.push(
        requestRefusal('PAGE_SIZE_TOO_LARGE', `${field.name}: ${args.first != null ? 'first' : 'last'} is ${size}; a page holds at most ${REQUEST_LIMITS.pageSize}. Page with after/before.`, {
          details: { field: field.name, max: REQUEST_LIMITS.pageSize, requested: size },
        }),
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

/** `nodes(ids:)` takes at most 100 ids; any other list argument, at most the largest bulk invitation. */
function checkLists(analysis: CostAnalysis, field: GraphQLField<unknown, never>, args: Record<string, unknown>): void {
  const visit = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) {
      const max = field.name === 'nodes' && path.length === 1 && path[0] === 'ids' ? REQUEST_LIMITS.nodeIds : REQUEST_LIMITS.listItems;
      if (value.length > max) {
        const argument = path.join('.');
        analysis.refusals.push(
          requestRefusal('LIST_TOO_LONG', `${field.name}: ${argument} holds ${value.length} items; at most ${max} are allowed.`, {
            details: { field: field.name, argument, max, length: value.length },
          }),
        );
        return;
      }
      // Lists of scalars (ids) have nothing below; lists of input objects (upsert rows) may.
      if (value.length && typeof value[0] === 'object') value.forEach((item, index) => visit(item, [...path, String(index)]));
    } else if (value && typeof value === 'object' && !(value instanceof Date)) {
      for (const [key, inner] of Object.entries(value)) visit(inner, [...path, key]);
    }
  };
  for (const [name, value] of Object.entries(args)) visit(value, [name]);
}

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
): { cost: number; refusals: readonly GraphQLError[] } {
  const analysis = { [marker]: true, refusals: [] as GraphQLError[] };
  let cost = 0;
  const rule = createComplexityRule({
    variableValues: variables ?? {},
    operationName: operationName ?? undefined,
    context: analysis,
    validate: (state, report) => {
      cost = state.complexity;
      if (analysis.refusals.length) return;
      if (state.complexity > REQUEST_LIMITS.cost) {
        report(
          requestRefusal('QUERY_TOO_COSTLY', `This operation costs ${state.complexity} points; one request may cost at most ${REQUEST_LIMITS.cost}. Ask for smaller pages or fewer fields.`, {
            details: { cost: state.complexity, max: REQUEST_LIMITS.cost },
          }),
        );
      }
    },
  });
  const errors = validate(schema, document, [rule]);
  return { cost, refusals: [...analysis.refusals, ...errors] };
}

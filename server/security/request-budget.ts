import { type DocumentNode, type ExecutionArgs, type GraphQLError, getOperationAST, Kind, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.ts';
import { PUBLIC_OPERATION_LIMITS, type PublicOperation } from './limits.ts';
import { operationCost } from './query-cost.ts';
import { type BudgetState, budgetHeaders, type RateLimits } from './rate-limits.ts';

// Before an operation runs (once its document is valid and its caller known):
// its cost, page sizes and list lengths are checked (query-cost.ts), then its
// points are spent from the caller's budget (rate-limits.ts). A refusal ends
// the request with one coded error; an accepted request's response carries
// the budget in its rate-limit headers.

export function useRequestBudget(rateLimits: RateLimits): Plugin<Context> {
  const budgets = new WeakMap<Request, BudgetState>();

  const check = async (args: ExecutionArgs, stop: (errors: readonly GraphQLError[]) => void) => {
    const context = args.contextValue as Context & { request?: Request };
    const { cost, refusals } = operationCost(args.schema, args.document, args.variableValues as Record<string, unknown>, args.operationName);
    // A refused operation still costs a point: refusals are not free to ask for.
    const points = refusals.length ? 1 : Math.max(1, cost);
    try {
      const state = await rateLimits.charge({ viewer: context.viewer, address: context.clientAddress }, points, publicOperationsOf(args.document, args.operationName));
      if (context.request) budgets.set(context.request, state);
    } catch (error) {
      return stop([error as GraphQLError]);
    }
    if (refusals.length) stop(refusals);
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      await check(args, (errors) => setResultAndStopExecution({ errors }));
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      await check(args, (errors) => setResultAndStopExecution({ errors }));
    },
    onResponse({ request, response }) {
      const state = budgets.get(request);
      if (!state) return;
      for (const [name, value] of Object.entries(budgetHeaders(state))) response.headers.set(name, value);
    },
  };
}

/** How many times the operation calls each public operation (aliases count: each is a call). */
function publicOperationsOf(document: DocumentNode, operationName: string | null | undefined): Map<PublicOperation, number> {
  const calls = new Map<PublicOperation, number>();
  const operation = getOperationAST(document, operationName);
  if (!operation) return calls;
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name in PUBLIC_OPERATION_LIMITS) calls.set(name as PublicOperation, (calls.get(name as PublicOperation) ?? 0) + 1);
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

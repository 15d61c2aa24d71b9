import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { PLANS } from '../access/policy.ts';
import type { Context } from '../context.ts';
import { PUBLIC_OPERATION_LIMITS, type PublicOperation, REQUEST_LIMITS } from './limits.ts';
import { operationCost, rootFieldCalls } from './query-cost.ts';
import { type BudgetState, budgetHeaders, type RateLimits } from './rate-limits.ts';

// Before an operation runs (once its document is valid and its caller known):
// its cost, page sizes and list lengths are checked (query-cost.ts), then its
// points are spent from the caller's budget (rate-limits.ts). A refusal ends
// the request with one coded error; an accepted request's response carries
// the budget in its rate-limit headers.

const PUBLIC_OPERATIONS = Object.keys(PUBLIC_OPERATION_LIMITS);

export function useRequestBudget(rateLimits: RateLimits): Plugin<Context> {
  const budgets = new WeakMap<Request, BudgetState>();

  const check = async (args: ExecutionArgs, stop: (errors: readonly GraphQLError[]) => void) => {
    const context = args.contextValue as Context & { request?: Request };
    // A plan without bulk invitations (0) is refused by the access table, with FEATURE_NOT_IN_PLAN.
    const selectionMax = (context.viewer && PLANS[context.viewer.plan].maxBulkInvitationSize) || REQUEST_LIMITS.listItems;
    const { cost, refusals } = operationCost(args.schema, args.document, args.variableValues as Record<string, unknown>, args.operationName, { selectionMax });
    // A refused operation still costs a point: refusals are not free to ask for.
    const points = refusals.length ? 1 : Math.max(1, cost);
    try {
      const state = await rateLimits.charge({ viewer: context.viewer, address: context.clientAddress }, points, rootFieldCalls(args.document, args.operationName, PUBLIC_OPERATIONS) as Map<PublicOperation, number>);
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

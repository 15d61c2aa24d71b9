import { type ExecutionArgs, type GraphQLError, getArgumentValues, getOperationAST, Kind, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { PLANS } from '../kernel/policy.ts';
import { signInDevice } from '../auth/sessions.ts';
import type { Context } from '../graphql/context.ts';
import { PUBLIC_OPERATION_LIMITS, type PublicOperation, REQUEST_LIMITS } from '../kernel/limits.ts';
import { rememberedOperationCost, rootFieldCalls } from '../security/query-cost.ts';
import { type BudgetState, budgetHeaders, type RateLimits } from '../security/rate-limits.ts';

// Before an operation runs (once its document is valid and its caller known):
// its cost, page sizes and list lengths are checked (query-cost.ts), then its
// points are spent from the caller's budget (rate-limits.ts). A refusal ends
// the request with one coded error. Once a query has run, what it did not
// return is given back, as Shopify does: the cost asked for (by `first`)
// decides whether it may run, the objects it returned what it spent. An
// accepted request's response carries the budget in its rate-limit headers.

const PUBLIC_OPERATIONS = Object.keys(PUBLIC_OPERATION_LIMITS);

export function useRequestBudget(rateLimits: RateLimits): Plugin<Context> {
  const budgets = new WeakMap<Request, BudgetState>();

  const check = async (args: ExecutionArgs, stop: (errors: readonly GraphQLError[]) => void) => {
    const context = args.contextValue as Context & { request?: Request };
    // A preview's profileIds are bounded by the caller's plan here; profilesInvite answers its typed
    // SelectionTooLarge (before reading anything). A plan without bulk invitations (0) is refused by the
    // access table, with FEATURE_NOT_IN_PLAN.
    const operation = getOperationAST(args.document, args.operationName);
    const mutation = operation?.operation === 'mutation';
    const selectionMax = (!mutation && context.viewer && PLANS[context.viewer.plan].maxBulkInvitationSize) || REQUEST_LIMITS.listItems;
    const { cost, refusals } = rememberedOperationCost(args.schema, args.document, args.variableValues as Record<string, unknown>, args.operationName, {
      selectionMax,
    });
    // A refused operation still costs a point: refusals are not free to ask for.
    const points = refusals.length ? 1 : Math.max(1, cost);
    const caller = { viewer: context.viewer, address: (await signInDeviceKey(args, operation, context)) ?? context.clientAddress };
    try {
      const state = await rateLimits.charge(
        caller,
        points,
        rootFieldCalls(args.document, args.operationName, PUBLIC_OPERATIONS) as Map<PublicOperation, number>,
      );
      if (context.request) budgets.set(context.request, state);
    } catch (error) {
      stop([error as GraphQLError]);
      return null;
    }
    if (refusals.length) {
      stop(refusals);
      return null;
    }
    return { caller, points, request: context.request };
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const charged = await check(args, (errors) => setResultAndStopExecution({ errors }));
      if (!charged) return;
      return {
        async onExecuteDone({ result }) {
          if (!('data' in result)) return; // a stream (@defer): keep the charge
          const unused = charged.points - Math.max(1, objectsIn(result.data) - 1);
          if (unused <= 0) return;
          await rateLimits.refund(charged.caller, unused);
          const state = charged.request && budgets.get(charged.request);
          if (state) state.remaining = Math.min(state.limit, state.remaining + unused);
        },
      };
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

/**
 * A request whose one root field is `adminLogin` with a device token valid for
 * its email is counted against that device (`device:<id>`), not its address:
 * an attacker behind the same address who spends the address's sign-in budget
 * does not keep the admin out. A token only comes from signing in to that
 * account, so it gives a guesser no budget of its own on anyone else's.
 */
async function signInDeviceKey(args: ExecutionArgs, operation: OperationDefinitionNode | null | undefined, context: Context): Promise<string | null> {
  if (context.viewer) return null;
  const [field, ...others] = operation?.operation === 'mutation' ? operation.selectionSet.selections : [];
  if (others.length || field?.kind !== Kind.FIELD || field.name.value !== 'adminLogin') return null;
  const definition = args.schema.getMutationType()?.getFields().adminLogin;
  if (!definition) return null;
  const { input } = getArgumentValues(definition, field, args.variableValues as Record<string, unknown>) as { input?: Record<string, unknown> };
  const device = input && (await signInDevice(context, input));
  return device ? `device:${device}` : null;
}

/** The objects a value holds, itself included (a result's data: subtract its root). */
function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + objectsIn(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Object.values(value).reduce((sum: number, inner) => sum + objectsIn(inner), 0);
}

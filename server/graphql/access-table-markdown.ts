import type { Plan, Role } from '../generated/prisma/enums.ts';
import { ACTIONS, type Action, actorKindsOf, FEATURES, type Feature, PLAN_ORDER, PLANS, ROLES } from '../kernel/policy.ts';

/** The access table as Markdown, for docs/organizations.md (a test keeps the two equal). */
export function accessTableMarkdown(): string {
  const roles = Object.keys(ROLES) as Role[];
  const planHas = (plan: Plan, feature: Feature) => (PLANS[plan].features as readonly Feature[]).includes(feature);
  const actionRows = (Object.keys(ACTIONS) as Action[]).map((action) => {
    const entry: { roles: readonly Role[]; feature?: Feature } = ACTIONS[action];
    const cells = roles.map((role) => (entry.roles.includes(role) ? '✓' : '—'));
    const apiKeys = actorKindsOf(action).includes('API_KEY') ? '✓' : '—';
    return `| \`${action}\` | ${cells.join(' | ')} | ${apiKeys} | ${entry.feature ? `\`${entry.feature}\`` : '—'} |`;
  });
  const featureRows = (Object.keys(FEATURES) as Feature[]).map(
    (feature) => `| \`${feature}\` | ${PLAN_ORDER.map((plan) => (planHas(plan, feature) ? '✓' : '—')).join(' | ')} |`,
  );
  return [
    `| action | ${roles.join(' | ')} | API keys | needs plan feature |`,
    `| --- | ${roles.map(() => ':-:').join(' | ')} | :-: | --- |`,
    ...actionRows,
    '',
    `| plan feature | ${PLAN_ORDER.join(' | ')} |`,
    `| --- | ${PLAN_ORDER.map(() => ':-:').join(' | ')} |`,
    ...featureRows,
    `| largest bulk invitation | ${PLAN_ORDER.map((plan) => PLANS[plan].maxBulkInvitationSize.toLocaleString('en-US')).join(' | ')} |`,
    `| largest bulk change of access or deletion | ${PLAN_ORDER.map((plan) => PLANS[plan].maxBulkEditSize.toLocaleString('en-US')).join(' | ')} |`,
  ].join('\n');
}

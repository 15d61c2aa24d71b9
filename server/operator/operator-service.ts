import { randomBytes } from 'node:crypto';
import { PLAN_ORDER } from '../kernel/policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { Plan } from '../generated/prisma/enums.ts';
import { parseEmail, parseRequiredText } from '../kernel/text-fields.ts';
import { isUuid } from '../kernel/global-ids.ts';

// What the SaaS operator does outside any organization (no GraphQL: the API is
// always confined to one organization): create an organization with its first
// owner, change its plan, list them. Used by `npm run org`.

/** A mistake of the operator, said in one sentence; the command prints it and exits with 1. */
export class OperatorError extends Error {}

export interface CreatedOrganization {
  organizationId: string;
  name: string;
  plan: Plan;
  ownerEmail: string;
  /** The owner's first password, generated here and shown once: only its hash is stored. */
  ownerPassword: string;
}

export function parsePlan(value: string | undefined): Plan {
  const plan = value?.trim().toUpperCase();
  if (!plan || !(PLAN_ORDER as string[]).includes(plan)) {
    throw new OperatorError(`--plan must be one of ${PLAN_ORDER.join(', ')}${value ? ` (got "${value}")` : ''}.`);
  }
  return plan as Plan;
}

/** A new organization and its first admin, an OWNER who signs in with the password returned (shown once). */
export async function createOrganizationWithOwner(
  prisma: PrismaClient,
  input: { name: string | undefined; plan: Plan; ownerEmail: string | undefined; ownerName?: string },
): Promise<CreatedOrganization> {
  const name = asOperatorError(() => parseRequiredText(input.name, ['--name'], 200));
  const ownerEmail = asOperatorError(() => parseEmail(input.ownerEmail, ['--owner'])).toLowerCase();
  const ownerName = asOperatorError(() => parseRequiredText(input.ownerName ?? ownerEmail.split('@')[0], ['--owner-name'], 100));
  // 144 random bits, URL-safe: fits the password policy and survives copy and paste.
  const ownerPassword = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(ownerPassword);
  // Admin emails are unique per organization: the owner of a new one may be an admin elsewhere too.
  const organization = await prisma.organization.create({
    data: { name, plan: input.plan, admins: { create: { email: ownerEmail, name: ownerName, role: 'OWNER', passwordHash } } },
  });
  return { organizationId: organization.id, name, plan: organization.plan, ownerEmail, ownerPassword };
}

/** Changes the plan of the organization named by its id or its exact name. */
export async function setPlan(prisma: PrismaClient, organization: string | undefined, plan: Plan) {
  const found = await findOrganization(prisma, organization);
  return prisma.organization.update({ where: { id: found.id }, data: { plan } });
}

export async function listOrganizations(prisma: PrismaClient) {
  return prisma.organization.findMany({
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true, plan: true, createdAt: true, _count: { select: { profiles: true, admins: true } } },
  });
}

async function findOrganization(prisma: PrismaClient, key: string | undefined) {
  const value = key?.trim();
  if (!value) throw new OperatorError('--organization is required: the organization id or its exact name (see `npm run org -- list`).');
  const byId = isUuid(value);
  const matches = await prisma.organization.findMany({ where: byId ? { id: value } : { name: value }, select: { id: true, name: true }, take: 2 });
  if (matches.length === 0) throw new OperatorError(`No organization has the ${byId ? 'id' : 'name'} "${value}" (see \`npm run org -- list\`).`);
  if (matches.length > 1) throw new OperatorError(`Several organizations are named "${value}"; give its id instead (see \`npm run org -- list\`).`);
  return matches[0]!;
}

function asOperatorError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new OperatorError((error as Error).message);
  }
}

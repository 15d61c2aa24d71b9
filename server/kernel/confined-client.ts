import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { PrismaClient } from '../database/prisma.ts';

// Tenant confinement, written once. The client a request scope reads through
// (RequestScope.db) adds "of this organization" to every read, update and
// delete of a model that belongs to an organization (it has an organizationId
// column), and "this organization" to reads of Organization itself. Another
// organization's ids then behave as if they did not exist, whoever forgets.
//
// Which models: read from the Prisma datamodel, so a model added later with an
// organizationId column is confined without anyone listing it here. Raw SQL
// ($queryRaw) is not seen by Prisma's query extensions: the few services that
// write SQL take the organization from their scope (server/profiles/profile-queries.ts).

/** The column each confined model is filtered on. */
export const TENANT_COLUMN: Readonly<Record<string, 'organizationId' | 'id'>> = Object.fromEntries([
  ['Organization', 'id'],
  ...Object.entries(getDatamodel().datamodel.models)
    .filter(([, model]) => model.fields.some((field) => field.name === 'organizationId' && field.kind === 'scalar'))
    .map(([name]) => [name, 'organizationId'] as const),
]);

/** Operations that take a `where` (creates carry their organizationId in their data, set by the service from its scope). */
const FILTERED_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
]);

/** `where` AND "belongs to the organization"; unique fields stay at the top, as findUnique wants them. */
export function confinedWhere(model: string, where: Record<string, unknown> | undefined, organizationId: string): Record<string, unknown> | undefined {
  const column = TENANT_COLUMN[model];
  if (!column) return where;
  const and = where?.AND === undefined ? [] : Array.isArray(where.AND) ? where.AND : [where.AND];
  return { ...where, AND: [...and, { [column]: organizationId }] };
}

export function confinedClient(prisma: PrismaClient, organizationId: string) {
  return prisma.$extends({
    name: 'confined-to-organization',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          if (!FILTERED_OPERATIONS.has(operation)) return query(args);
          const withWhere = args as { where?: Record<string, unknown> };
          return query({ ...withWhere, where: confinedWhere(model, withWhere.where, organizationId) } as typeof args);
        },
      },
    },
  });
}

/** The database as one organization sees it. */
export type ConfinedClient = ReturnType<typeof confinedClient>;

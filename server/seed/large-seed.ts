import { generateApiKeySecret } from '../auth/api-keys.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { PaymentMethod, Plan } from '../generated/prisma/enums.ts';
import { MAX_UPSERT_BATCH, upsertProfiles } from '../profiles/profile-upsert-service.ts';
import { fakePeople } from './fake-people.ts';

const PAYMENT_METHODS: PaymentMethod[] = ['CREDIT_CARD', 'SEPA_DIRECT_DEBIT', 'PAYROLL_DEDUCTION', 'COMPANY_INVOICE'];

export interface LargeOrganization {
  organizationId: string;
  apiKey: string;
  parkingLotIds: string[];
  tagIds: string[];
}

/**
 * A new organization with `count` profiles, written through the same bulk upsert
 * integrators use, then spread over statuses (a third pending, a sixth of those
 * with an expired invitation, a third validated). For benchmarks.
 */
export async function seedLargeOrganization(
  prisma: PrismaClient,
  count: number,
  onProgress?: (done: number) => void,
  plan: Plan = 'ENTERPRISE',
): Promise<LargeOrganization> {
  const key = generateApiKeySecret();
  const organization = await prisma.organization.create({
    data: {
      name: `Large organization (${count} profiles)`,
      plan,
      apiKeys: { create: { name: 'benchmark', role: 'OWNER', prefix: key.prefix, secretHash: key.hash } },
      parkingLots: { create: Array.from({ length: 10 }, (_, i) => ({ name: `Lot ${i + 1}` })) },
      tags: { create: Array.from({ length: 20 }, (_, i) => ({ name: `Tag ${i + 1}` })) },
    },
    include: { parkingLots: true, tags: true },
  });
  const lots = organization.parkingLots.map((lot) => lot.id);
  const tags = organization.tags.map((tag) => tag.id);
  const domain = `large-${organization.id.slice(-8)}.test`;
  for (let start = 0; start < count; start += MAX_UPSERT_BATCH) {
    const size = Math.min(MAX_UPSERT_BATCH, count - start);
    const rows = fakePeople(size, domain, start).map((person, offset) => {
      const n = start + offset;
      return {
        ...person,
        externalId: `EMP-${n}`,
        paymentMethods: [PAYMENT_METHODS[n % PAYMENT_METHODS.length]!],
        parkingLotIds: n % 11 === 0 ? [] : [lots[n % lots.length]!, lots[(n * 7) % lots.length]!],
        tagIds: [tags[n % tags.length]!],
      };
    });
    const result = await upsertProfiles({ prisma, organizationId: organization.id, actor: { kind: 'PARKPASS' }, now: new Date() }, rows);
    if (result.failed) throw new Error(`Seeding failed for ${result.failed} rows`);
    onProgress?.(start + size);
  }
  await prisma.$executeRaw`
    UPDATE "profile" SET "status" = CASE WHEN abs(hashtext("id"::text)) % 3 = 0 THEN 'PENDING'::"ProfileStatus"
                                         WHEN abs(hashtext("id"::text)) % 3 = 1 THEN 'VALIDATED'::"ProfileStatus"
                                         ELSE 'NOT_INVITED'::"ProfileStatus" END
    WHERE "organization_id" = ${organization.id}::uuid`;
  await prisma.$executeRaw`
    WITH pending AS (
      SELECT "id", "email", abs(hashtext("id"::text)) % 6 = 0 AS expired FROM "profile"
      WHERE "organization_id" = ${organization.id}::uuid AND "status" = 'PENDING'
    ), created AS (
      INSERT INTO "invitation" ("id", "organization_id", "profile_id", "token_hash", "email", "created_at", "expires_at", "delivery_state")
      SELECT gen_random_uuid(), ${organization.id}::uuid, "id", 'seed-' || "id", "email",
             now() - interval '80 hours', CASE WHEN expired THEN now() - interval '8 hours' ELSE now() + interval '60 hours' END, 'DELIVERED'
      FROM pending RETURNING "id", "profile_id"
    )
    UPDATE "profile" p SET "latest_invitation_id" = c."id", "invited_at" = now() - interval '80 hours'
    FROM created c WHERE p."id" = c."profile_id"`;
  await prisma.$executeRawUnsafe('ANALYZE');
  return { organizationId: organization.id, apiKey: key.secret, parkingLotIds: lots, tagIds: tags };
}

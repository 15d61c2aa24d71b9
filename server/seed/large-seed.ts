import { generateApiKeySecret } from '../auth/api-keys.ts';
import type { PrismaClient } from '../database/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { PaymentMethod, Plan } from '../generated/prisma/enums.ts';
import { normalizeForSearch } from '../profiles/search-text.ts';
import { FIRST_NAMES, LAST_NAMES } from './fake-people.ts';

/** How many lots person n gets below (none for every eleventh; one when n % 10 and 7n % 10 name the same lot). */
const LOT_COUNT_SQL = Prisma.sql`CASE WHEN n % 11 = 0 THEN 0 WHEN n % 10 = (n * 7) % 10 THEN 1 ELSE 2 END`;

const PAYMENT_METHODS: PaymentMethod[] = ['CREDIT_CARD', 'SEPA_DIRECT_DEBIT', 'PAYROLL_DEDUCTION', 'COMPANY_INVOICE'];

export interface LargeOrganization {
  organizationId: string;
  apiKey: string;
  parkingLotIds: string[];
  tagIds: string[];
}

/**
 * A new organization with `count` profiles (the people of fake-people.ts), then spread over statuses (a third pending, a sixth of those
 * with an expired invitation, a third validated). For benchmarks.
 */
export async function seedLargeOrganization(
  prisma: PrismaClient,
  count: number,
  onProgress?: (done: number) => void,
  plan: Plan = 'ENTERPRISE',
  analyze = true,
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
  // Written by SQL in batches (the names come from fakePeople's lists, normalised here exactly as
  // server/profiles/search-text.ts does), not through the bulk upsert: 1,000,000 profiles in about a minute.
  const first = FIRST_NAMES.map((name) => ({ name, normal: normalizeForSearch(name) }));
  const last = LAST_NAMES.map((name) => ({ name, normal: normalizeForSearch(name) }));
  const batch = 100_000;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    // Profiles and the invitations of the pending ones in one statement (they refer to each other; the
    // foreign keys are checked at its end): a third pending (a sixth of those expired), a third validated.
    await prisma.$executeRaw`
      WITH n AS (SELECT g AS n, ${first.map((f) => f.name)}::text[] AS fn, ${first.map((f) => f.normal)}::text[] AS nfn,
                        ${last.map((l) => l.name)}::text[] AS ln, ${last.map((l) => l.normal)}::text[] AS nln,
                        abs(hashtext(g::text)) % 3 AS s, abs(hashtext(g::text || 'x')) % 6 = 0 AS expired
                 FROM generate_series(${start}::int, ${start + size - 1}::int) g),
      person AS (SELECT n, s, expired, gen_random_uuid() AS id, CASE WHEN s = 0 THEN gen_random_uuid() END AS invitation_id,
                        fn[n % 20 + 1] AS first_name, ln[(n / 20) % 20 + 1] AS last_name, nfn[n % 20 + 1] AS nf, nln[(n / 20) % 20 + 1] AS nl,
                        nfn[n % 20 + 1] || '.' || nln[(n / 20) % 20 + 1] || '.' || n || '@' || ${domain}::text AS email FROM n),
      profiles AS (
        INSERT INTO "profile" ("id", "organization_id", "first_name", "last_name", "email", "external_id", "status", "payment_methods",
                               "search_text", "sort_name", "created_at", "updated_at", "latest_invitation_id", "invited_at", "parking_lot_count")
        SELECT id, ${organization.id}::uuid, first_name, last_name, email, 'EMP-' || n,
               (ARRAY['PENDING', 'VALIDATED', 'NOT_INVITED'])[s + 1]::"ProfileStatus",
               ARRAY[(${PAYMENT_METHODS}::text[])[n % 4 + 1]]::"PaymentMethod"[],
               nf || ' ' || nl || ' ' || email || ' emp-' || n, nl || ' ' || nf,
               now() - make_interval(secs => ${count} - n), now(), invitation_id, CASE WHEN s = 0 THEN now() - interval '80 hours' END,
               ${LOT_COUNT_SQL}
        FROM person)
      INSERT INTO "invitation" ("id", "organization_id", "profile_id", "token_hash", "email", "created_at", "expires_at", "delivery_state")
      SELECT invitation_id, ${organization.id}::uuid, id, 'seed-' || id, email, now() - interval '80 hours',
             CASE WHEN expired THEN now() - interval '8 hours' ELSE now() + interval '60 hours' END, 'DELIVERED'
      FROM person WHERE s = 0`;
    onProgress?.(start + size);
  }
  // The copy of the latest invitation's expiry (a trigger on profile writes it when latest_invitation_id is set): made
  // sure of here, since above the invitations are inserted by the same statement as the profiles that point to them.
  await prisma.$executeRaw`
    UPDATE "profile" p SET "invitation_expires_at" = i."expires_at" FROM "invitation" i
    WHERE i."id" = p."latest_invitation_id" AND p."organization_id" = ${organization.id}::uuid
      AND p."invitation_expires_at" IS DISTINCT FROM i."expires_at"`;
  // Lots 1 + n % 10 and 1 + 7n % 10 (one lot when they are the same), none for every eleventh person. The profiles
  // were written with their count of lots (LOT_COUNT_SQL, the same rule), so the links go in without the trigger that
  // would write every profile a second time (disabled for this transaction only); the test checks the counts agree.
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('ALTER TABLE "profile_parking_lot" DISABLE TRIGGER "profile_parking_lot_count_insert"');
      await tx.$executeRaw`
        INSERT INTO "profile_parking_lot" ("profile_id", "parking_lot_id")
        SELECT DISTINCT p.id, (${lots}::uuid[])[lot + 1]
        FROM "profile" p, LATERAL (SELECT substr(p.external_id, 5)::int AS n) k,
             LATERAL (VALUES (k.n % 10), ((k.n * 7) % 10)) v(lot)
        WHERE p.organization_id = ${organization.id}::uuid AND k.n % 11 <> 0`;
      await tx.$executeRawUnsafe('ALTER TABLE "profile_parking_lot" ENABLE TRIGGER "profile_parking_lot_count_insert"');
    },
    { timeout: 30 * 60_000 },
  );
  await prisma.$executeRaw`
    INSERT INTO "profile_tag" ("profile_id", "tag_id")
    SELECT p.id, (${tags}::uuid[])[substr(p.external_id, 5)::int % 20 + 1]
    FROM "profile" p WHERE p.organization_id = ${organization.id}::uuid`;
  if (analyze) await prisma.$executeRawUnsafe('ANALYZE');
  return { organizationId: organization.id, apiKey: key.secret, parkingLotIds: lots, tagIds: tags };
}

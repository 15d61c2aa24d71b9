import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../database/prisma.ts';
import { generateApiKeySecret } from '../auth/api-keys.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { PaymentMethod, ProfileStatus } from '../generated/prisma/enums.ts';
import { profileSearchText, profileSortName } from '../profiles/search-text.ts';
import { fakePeople } from './fake-people.ts';

export interface DemoCredentials {
  adminEmail: string;
  adminPassword: string;
  apiKey: string;
}

const DEMO_ADMIN_EMAIL = 'admin@demo.parkpass.test';
const LOTS = ['Headquarters P1', 'Headquarters P2', 'Riverside', 'Airport Hub'];
const TAGS = ['Engineering', 'Sales', 'Night shift', 'Visitor', 'Executive'];
const STATUSES: ProfileStatus[] = ['NOT_INVITED', 'PENDING', 'VALIDATED'];
const PAYMENT_METHODS: PaymentMethod[] = ['CREDIT_CARD', 'SEPA_DIRECT_DEBIT', 'PAYROLL_DEDUCTION', 'COMPANY_INVOICE'];
const HOUR = 3_600_000;

/**
 * On the very first start of an empty database: one organization with an owner
 * admin, an API key, parking lots, tags and ~50 profiles in every status
 * (some pending ones with an expired invitation). Returns null when the
 * database already has an organization.
 */
export async function seedDemo(prisma: PrismaClient): Promise<DemoCredentials | null> {
  if (await prisma.organization.findFirst({ select: { id: true } })) return null;
  const key = generateApiKeySecret();
  // Random for every demo: a password printed in a README would open every server that seeded it.
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  await prisma.$transaction(
    async (tx) => {
      const organization = await tx.organization.create({
        data: {
          name: 'Acme Parking (demo)',
          plan: 'ENTERPRISE',
          appStoreUrl: 'https://apps.apple.com/app/parkpass-demo',
          playStoreUrl: 'https://play.google.com/store/apps/details?id=test.parkpass.demo',
        },
      });
      const admin = await tx.admin.create({
        data: { organizationId: organization.id, email: DEMO_ADMIN_EMAIL, name: 'Demo Owner', role: 'OWNER', passwordHash },
      });
      await tx.apiKey.create({
        data: {
          organizationId: organization.id,
          name: 'Demo integration',
          role: 'ADMIN',
          prefix: key.prefix,
          secretHash: key.hash,
          createdByAdminId: admin.id,
        },
      });
      const lots = await tx.parkingLot.createManyAndReturn({ data: LOTS.map((name) => ({ organizationId: organization.id, name })) });
      const tags = await tx.tag.createManyAndReturn({ data: TAGS.map((name) => ({ organizationId: organization.id, name })) });
      const now = Date.now();
      const people = fakePeople(50, 'demo.parkpass.test', 1);
      for (const [i, person] of people.entries()) {
        const status = STATUSES[i % STATUSES.length]!;
        const profile = await tx.profile.create({
          data: {
            organizationId: organization.id,
            ...person,
            externalId: `HR-${String(1000 + i)}`,
            status,
            paymentMethods: [PAYMENT_METHODS[i % PAYMENT_METHODS.length]!],
            searchText: profileSearchText({ ...person, externalId: `HR-${String(1000 + i)}` }),
            sortName: profileSortName(person),
            invitedAt: status === 'NOT_INVITED' ? null : new Date(now - 100 * HOUR),
            validatedAt: status === 'VALIDATED' ? new Date(now - 90 * HOUR) : null,
            parkingLots: { create: i % 7 === 0 ? [] : [{ parkingLotId: lots[i % lots.length]!.id }] },
            tags: { create: [{ tagId: tags[i % tags.length]!.id }] },
          },
        });
        if (status === 'NOT_INVITED') continue;
        // Demo invitations carry unusable token hashes: their links were never sent.
        const expired = status === 'PENDING' && i % 2 === 0;
        const createdAt = new Date(now - (expired ? 100 : 10) * HOUR);
        const invitation = await tx.invitation.create({
          data: {
            organizationId: organization.id,
            profileId: profile.id,
            tokenHash: `demo-${profile.id}`,
            email: person.email,
            createdAt,
            expiresAt: new Date(createdAt.getTime() + 72 * HOUR),
            acceptedAt: status === 'VALIDATED' ? new Date(now - 90 * HOUR) : null,
            sentByAdminId: admin.id,
            deliveryState: 'DELIVERED',
          },
        });
        await tx.profile.update({ where: { id: profile.id }, data: { latestInvitationId: invitation.id } });
      }
    },
    { timeout: 60_000 },
  );
  return { adminEmail: DEMO_ADMIN_EMAIL, adminPassword: password, apiKey: key.secret };
}

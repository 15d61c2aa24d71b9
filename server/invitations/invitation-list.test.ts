import { describe, expect, it } from 'vitest';
import type { EmailDeliveryState } from '../generated/prisma/enums.ts';
import { InvitationListDocument, type InvitationView } from '../test/generated/graphql.ts';
import { useHttpServer } from '../test/http-sender.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';
import { EXPIRING_SOON_HOURS } from './invitation-list.graphql.ts';

// Query.invitations over real HTTP: each view lists exactly the invitations
// in it, newest first, page by page, confined to the caller's organization.

const kit = useTestKit();
const http = useHttpServer(kit);
const overHttp = (token: string) => http.as(token);

const HOUR = 3_600_000;

interface Seeded {
  dates?: { acceptedAt?: Date; revokedAt?: Date; supersededAt?: Date };
  /** Hours from now to its expiry (negative: expired). */
  expiresIn: number;
  deliveryState?: EmailDeliveryState;
}

/** One invitation per entry, each of its own profile, sent a minute apart in this order (the last is the newest). */
async function seed(org: TestOrganization, invitations: Record<string, Seeded>): Promise<Record<string, string>> {
  const names = Object.keys(invitations);
  const profileIds = await org.insertProfiles(names.length);
  const ids: Record<string, string> = {};
  const now = kit.clock.now().getTime();
  for (const [i, name] of names.entries()) {
    const { dates, expiresIn, deliveryState } = invitations[name]!;
    const invitation = await kit.prisma.invitation.create({
      data: {
        organizationId: org.id,
        profileId: profileIds[i]!,
        tokenHash: `list-${profileIds[i]}`,
        email: `${name}@example.test`,
        createdAt: new Date(now - 96 * HOUR + i * 60_000),
        expiresAt: new Date(now + expiresIn * HOUR),
        deliveryState: deliveryState ?? 'DELIVERED',
        ...dates,
      },
    });
    ids[name] = globalId('Invitation', invitation.id);
  }
  return ids;
}

describe('Query.invitations', () => {
  it('lists each view’s invitations, newest first, and nothing of another organization', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'VIEWER' });
    const other = await kit.createOrganization({ plan: 'BUSINESS' });
    const past = new Date(kit.clock.now().getTime() - HOUR);
    const ids = await seed(org, {
      open: { expiresIn: 48 },
      soon: { expiresIn: EXPIRING_SOON_HOURS - 1 },
      expired: { expiresIn: -2 },
      bouncedOpen: { expiresIn: 30, deliveryState: 'BOUNCED' },
      complainedExpired: { expiresIn: -1, deliveryState: 'SPAM_COMPLAINT' },
      revoked: { expiresIn: 10, dates: { revokedAt: past } },
      superseded: { expiresIn: -5, dates: { supersededAt: past }, deliveryState: 'BOUNCED' },
      accepted: { expiresIn: 5, dates: { acceptedAt: past } },
      acceptedAndRevoked: { expiresIn: -5, dates: { acceptedAt: past, revokedAt: past } },
    });
    await seed(other, { open: { expiresIn: 48 }, soon: { expiresIn: 1 }, expired: { expiresIn: -1 }, revoked: { expiresIn: 1, dates: { revokedAt: past } } });

    const send = overHttp(org.apiKey);
    const view = async (state: InvitationView) => {
      const response = await send(InvitationListDocument, { state });
      expect(response.errors).toBeUndefined();
      return response.data!.invitations.edges.map((edge) => edge.node.id);
    };
    expect(await view('OPEN')).toEqual([ids.bouncedOpen, ids.soon, ids.open]);
    expect(await view('EXPIRING_SOON')).toEqual([ids.soon]);
    expect(await view('EXPIRED')).toEqual([ids.complainedExpired, ids.expired]);
    expect(await view('UNDELIVERABLE')).toEqual([ids.complainedExpired, ids.bouncedOpen]);
    expect(await view('REVOKED')).toEqual([ids.revoked]);

    const row = (await send(InvitationListDocument, { state: 'EXPIRING_SOON' })).data!.invitations.edges[0]!.node;
    expect(row).toMatchObject({
      email: 'soon@example.test',
      state: 'OPEN',
      expired: false,
      deliveryState: 'DELIVERED',
      profile: { fullName: expect.any(String) },
    });
  });

  it('pages with first and after, in the same order', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const ids = await seed(org, { a: { expiresIn: 5 }, b: { expiresIn: 5 }, c: { expiresIn: 5 } });
    const send = overHttp(org.apiKey);
    const first = (await send(InvitationListDocument, { state: 'OPEN', first: 2 })).data!.invitations;
    expect(first.edges.map((edge) => edge.node.id)).toEqual([ids.c, ids.b]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await send(InvitationListDocument, { state: 'OPEN', first: 2, after: first.pageInfo.endCursor })).data!.invitations;
    expect(second.edges.map((edge) => edge.node.id)).toEqual([ids.a]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a page larger than the request limit before reading anything', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const response = await overHttp(org.apiKey)(InvitationListDocument, { state: 'OPEN', first: 10_000 });
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('PAGE_SIZE_TOO_LARGE');
  });
});

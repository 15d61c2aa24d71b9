import { describe, expect, it } from 'vitest';
import { PingDocument, ProfileTotalDocument, ViewerOrganizationFieldsDocument } from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';

const kit = useTestKit();

describe('authentication', () => {
  it('accepts a valid API key and records when it was last used', async () => {
    const org = await kit.createOrganization();
    const response = await org.api.send(ProfileTotalDocument, {});
    expect(response.data).toEqual({ profiles: { totalCount: 0 } });
    const key = await kit.prisma.apiKey.findUniqueOrThrow({ where: { id: org.apiKeyId } });
    expect(key.lastUsedAt).toEqual(kit.clock.now());
  });

  it('refuses each kind of bad credential with UNAUTHENTICATED and a clear message', async () => {
    const org = await kit.createOrganization();
    await kit.prisma.apiKey.update({ where: { id: org.apiKeyId }, data: { revokedAt: kit.clock.now() } });
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /Authentication required/],
      [{ authorization: 'Basic abc' }, /Malformed Authorization header/],
      [{ authorization: 'Bearer something-else' }, /Unknown token format/],
      [{ authorization: 'Bearer' }, /Malformed Authorization header/],
      [{ authorization: 'Bearer two tokens' }, /Malformed Authorization header/],
      [{ authorization: 'Bearer ppk_doesnotexist' }, /Invalid API key/],
      [{ authorization: 'Bearer pps_doesnotexist' }, /Invalid session token/],
      [{ authorization: `Bearer ${org.apiKey}` }, /revoked/],
    ];
    for (const [headers, message] of cases) {
      const response = await kit.as(null, { headers }).send(ProfileTotalDocument, {});
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(headers)).toBe('UNAUTHENTICATED');
      expect(response.errors?.[0]?.message).toMatch(message);
      expect(response.data ?? null).toBeNull();
    }
  });

  it('authenticates in one SQL statement (the key or session with its plan; last-used refreshed in the same one), and a revocation counts at once', async () => {
    const org = await kit.createOrganization();
    for (const actor of ['API_KEY', 'ADMIN'] as const) {
      kit.clock.advance(120_000);
      kit.resetStatements();
      const response = await org.as(actor).send(PingDocument, {});
      expect(response.errors, actor).toBeUndefined();
      expect(kit.statements, actor).toHaveLength(1);
    }
    const session = await kit.prisma.adminSession.findFirstOrThrow({ where: { adminId: org.adminId } });
    expect(session.lastUsedAt).toEqual(kit.clock.now());
    // No cache: the request after a revocation is refused.
    await kit.prisma.apiKey.update({ where: { id: org.apiKeyId }, data: { revokedAt: kit.clock.now() } });
    const refused = await org.api.send(PingDocument, {});
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("answers the caller's organization from that one statement: every field, as the table has it", async () => {
    const org = await kit.createOrganization();
    await kit.prisma.organization.update({ where: { id: org.id }, data: { appStoreUrl: 'https://apps.apple.com/app/id1', reminderHoursBeforeExpiry: null } });
    const row = await kit.prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
    const expected = {
      id: globalId('Organization', row.id),
      name: row.name,
      plan: row.plan,
      invitationValidityHours: row.invitationValidityHours,
      appStoreUrl: 'https://apps.apple.com/app/id1',
      playStoreUrl: null,
      reminderHoursBeforeExpiry: null,
      inviteeMayRequestNewLink: row.inviteeMayRequestNewLink,
      defaultLocale: row.defaultLocale,
      timeZone: row.timeZone,
      createdAt: row.createdAt.toISOString(),
    };
    for (const actor of ['API_KEY', 'ADMIN'] as const) {
      kit.resetStatements();
      const response = await org.as(actor).send(ViewerOrganizationFieldsDocument, {});
      expect(response.errors, actor).toBeUndefined();
      expect(response.data, actor).toEqual({ viewer: { organization: expected }, organization: expected });
      expect(kit.statements, actor).toHaveLength(1);
    }
  });
});

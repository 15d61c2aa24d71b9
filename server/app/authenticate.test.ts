import { describe, expect, it } from 'vitest';
import { PingDocument, ProfileTotalDocument } from '../test/generated/graphql.ts';
import { useTestKit } from '../test/kit.ts';

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
});

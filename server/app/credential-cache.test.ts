import { afterAll, describe, expect, it } from 'vitest';
import { AdminSignOutDocument, PingDocument, ViewerIdentityDocument, ViewerOrganizationFieldsDocument } from '../test/generated/graphql.ts';
import { testRateLimits, type TestKit, typedSender, useTestKit } from '../test/kit.ts';
import { operationsAs, toGlobalId } from '../test/operations.ts';
import { CREDENTIAL_CACHE_MS, CredentialCache } from './credential-cache.ts';
import { createDirectoryConnection, deleteDirectoryConnection, rotateDirectoryConnectionToken } from '../directory-sync/connection-service.ts';
import { requestScope } from '../kernel/scope.ts';
import { type App, createApp } from './yoga.ts';

const kit = useTestKit();
const caches: CredentialCache[] = [];
afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
});

/** A server as main.ts wires it: its own credential cache (entries kept half a second), LISTENing on its own connection. */
async function server(kit: TestKit, ttlMs = CREDENTIAL_CACHE_MS): Promise<App> {
  const credentialCache = new CredentialCache(kit.worker.connectionString, ttlMs);
  caches.push(credentialCache);
  await credentialCache.ready();
  return createApp({
    prisma: kit.prisma,
    databaseUrl: kit.worker.connectionString,
    clock: kit.clock,
    settings: kit.worker.settings,
    rateLimits: testRateLimits(),
    credentialCache,
  });
}

const REVOCATION_BOUND_MS = 1_000;

/** Sends `request` until `refused` says it is, and returns how long that took; fails past the bound. */
async function msUntil(request: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await request())) {
    if (performance.now() - started > REVOCATION_BOUND_MS) throw new Error(`still accepted after ${REVOCATION_BOUND_MS} ms`);
  }
  return performance.now() - started;
}

const refused = async (send: ReturnType<typeof typedSender>) => (await send(PingDocument, {})).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED';

describe('the credential cache', () => {
  it('reads a caller once for a burst of requests: the next ones make no statement to authenticate', async () => {
    const app = await server(kit);
    const org = await kit.createOrganization();
    for (const token of [org.apiKey, org.sessionToken]) {
      kit.resetStatements();
      expect((await typedSender(app, token)(PingDocument, {})).errors).toBeUndefined();
      expect(kit.statements).toHaveLength(1);
      kit.resetStatements();
      for (let i = 0; i < 5; i++) expect((await typedSender(app, token)(PingDocument, {})).errors).toBeUndefined();
      expect(kit.statements).toHaveLength(0);
    }
  });

  it('refuses a key revoked on one server at once there, and within a second on another', async () => {
    const [one, two] = [await server(kit), await server(kit)];
    const org = await kit.createOrganization();
    const onOne = typedSender(one, org.apiKey);
    const onTwo = typedSender(two, org.apiKey);
    // Both servers have the key cached.
    expect((await onOne(PingDocument, {})).errors).toBeUndefined();
    expect((await onTwo(PingDocument, {})).errors).toBeUndefined();
    const revoked = await operationsAs(typedSender(one, org.sessionToken)).apiKeyRevoke(toGlobalId('ApiKey', org.apiKeyId));
    expect(revoked.__typename).toBe('ApiKeyPayload');
    expect(await refused(onOne)).toBe(true);
    expect(await msUntil(() => refused(onTwo))).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('refuses a session ended on one server within a second on another', async () => {
    const [one, two] = [await server(kit), await server(kit)];
    const org = await kit.createOrganization();
    const onTwo = typedSender(two, org.sessionToken);
    expect((await onTwo(PingDocument, {})).errors).toBeUndefined();
    const ended = await typedSender(one, org.sessionToken)(AdminSignOutDocument, {});
    expect(ended.data?.adminLogout.__typename).toBe('AdminLogoutPayload');
    expect(await msUntil(() => refused(onTwo))).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('sees a role or plan changed by any writer within a second', async () => {
    const app = await server(kit);
    const org = await kit.createOrganization();
    const send = typedSender(app, org.sessionToken);
    expect((await send(ViewerIdentityDocument, {})).data?.viewer?.role).toBe('OWNER');
    await kit.prisma.admin.update({ where: { id: org.adminId }, data: { role: 'VIEWER' } });
    expect(await msUntil(async () => (await send(ViewerIdentityDocument, {})).data?.viewer?.role === 'VIEWER')).toBeLessThan(REVOCATION_BOUND_MS);

    // A plan change: the cached caller is forgotten, so the next request reads the credential (and its plan) again.
    expect((await send(PingDocument, {})).errors).toBeUndefined();
    await kit.prisma.organization.update({ where: { id: org.id }, data: { plan: 'STARTER' } });
    const reread = await msUntil(async () => {
      kit.resetStatements();
      await send(PingDocument, {});
      return kit.statements.length === 1;
    });
    expect(reread).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('answers the organization from the cached caller, and sees it renamed by any writer within a second', async () => {
    const app = await server(kit);
    const org = await kit.createOrganization();
    const send = typedSender(app, org.apiKey);
    const names = async () => {
      const { data } = await send(ViewerOrganizationFieldsDocument, {});
      return [data?.viewer?.organization?.name, data?.organization?.name];
    };
    expect(await names()).toEqual([org.name, org.name]);
    kit.resetStatements();
    for (let i = 0; i < 3; i++) expect(await names()).toEqual([org.name, org.name]);
    expect(kit.statements).toHaveLength(0);
    await kit.prisma.$executeRaw`UPDATE organization SET name = 'Renamed Corp' WHERE id = ${org.id}::uuid`;
    const renamed = await msUntil(async () => (await names()).every((name) => name === 'Renamed Corp'));
    expect(renamed).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('caches nothing while its LISTEN connection is down, and again once it is back', async () => {
    const credentialCache = new CredentialCache(kit.worker.connectionString);
    caches.push(credentialCache);
    await credentialCache.ready();
    const pid = credentialCache.listenerPid;
    expect(pid).not.toBeNull();
    const app = createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: kit.worker.settings,
      rateLimits: testRateLimits(),
      credentialCache,
    });
    const org = await kit.createOrganization();
    const send = typedSender(app, org.apiKey);
    expect((await send(PingDocument, {})).errors).toBeUndefined();
    const lost = credentialCache.lost();
    await kit.prisma.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    await lost;
    // Down: every request reads (a notice sent now would be missed). Its reconnection starts with an empty cache.
    kit.resetStatements();
    expect((await send(PingDocument, {})).errors).toBeUndefined();
    expect((await send(PingDocument, {})).errors).toBeUndefined();
    expect(kit.statements).toHaveLength(2);
    await credentialCache.ready();
    expect(credentialCache.listenerPid).not.toBe(pid);
    kit.resetStatements();
    expect((await send(PingDocument, {})).errors).toBeUndefined();
    expect((await send(PingDocument, {})).errors).toBeUndefined();
    expect(kit.statements).toHaveLength(1);
  });

  describe("a directory connection's SCIM token", () => {
    const ownerScope = (org: { id: string; adminId: string }) =>
      requestScope(
        { prisma: kit.prisma, clock: kit.clock, settings: kit.worker.settings },
        { organizationId: org.id, plan: 'ENTERPRISE', role: 'OWNER', actor: { kind: 'ADMIN', id: org.adminId } },
      );
    const scimStatus = async (app: App, token: string) =>
      (await app.fetch('http://localhost/scim/v2/Users?count=1', { headers: { authorization: `Bearer ${token}` } })).status;
    const tokenReads = () => kit.statements.filter((sql) => sql.includes('directory_connection') && sql.includes('token_hash')).length;

    it('is read once for a burst of SCIM requests, writes included (entries kept a minute here: a slow machine does not outlast them)', async () => {
      const app = await server(kit, 60_000);
      const org = await kit.createOrganization({ plan: 'ENTERPRISE' });
      const { secret } = await createDirectoryConnection(ownerScope(org), { name: 'Entra ID' });
      kit.resetStatements();
      expect(await scimStatus(app, secret)).toBe(200);
      const created = await app.fetch('http://localhost/scim/v2/Users', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'ada@contoso.test',
          name: { givenName: 'Ada', familyName: 'L' },
        }),
      });
      expect(created.status).toBe(201);
      for (let i = 0; i < 3; i++) expect(await scimStatus(app, secret)).toBe(200);
      expect(tokenReads()).toBe(1);
    });

    it('is refused within a second on every server once rotated or its connection deleted (by the notice: entries kept a minute here)', async () => {
      const [one, two] = [await server(kit, 60_000), await server(kit, 60_000)];
      const org = await kit.createOrganization({ plan: 'ENTERPRISE' });
      const { connection, secret } = await createDirectoryConnection(ownerScope(org), { name: 'Entra ID' });
      expect(await scimStatus(one, secret)).toBe(200);
      expect(await scimStatus(two, secret)).toBe(200);
      const { secret: rotated } = await rotateDirectoryConnectionToken(ownerScope(org), connection.id);
      expect(await msUntil(async () => (await scimStatus(one, secret)) === 401)).toBeLessThan(REVOCATION_BOUND_MS);
      expect(await msUntil(async () => (await scimStatus(two, secret)) === 401)).toBeLessThan(REVOCATION_BOUND_MS);

      expect(await scimStatus(two, rotated)).toBe(200);
      await deleteDirectoryConnection(ownerScope(org), connection.id);
      expect(await msUntil(async () => (await scimStatus(two, rotated)) === 401)).toBeLessThan(REVOCATION_BOUND_MS);
    });
  });
});

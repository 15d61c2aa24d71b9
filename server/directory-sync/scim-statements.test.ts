import { describe, expect, vi } from 'vitest';
import { kitTest, useTestKit } from '../test/kit.ts';
import { connectDirectory, USER, useScimServer } from '../test/scim-client.ts';

// What Entra ID asks before each POST, `GET /Users?filter=userName eq "…"`,
// costs one statement beside the token's lookup, which stores the request's
// log entry too, and answers as before: the connection's user (userName
// compared case-insensitively), a profile no connection holds whose email it
// is (adoptable), nothing for a user another connection holds or deleted. A
// POST of a new user is one statement too (no transaction), its log entry
// with it.

const kit = useTestKit();
const server = useScimServer(kit);
const it = kitTest(kit);

const byUserName = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

describe('a filtered GET by userName', () => {
  it('is one statement beside the token, its log entry in it, for a user held, adoptable or unknown', async ({ org }) => {
    const entra = await connectDirectory(kit, server, org);
    const okta = await connectDirectory(kit, server, org, { name: 'Okta' });
    const held = await entra.post('/Users', { schemas: [USER], userName: 'Ada@Contoso.test', emails: [{ value: 'ada@contoso.test', primary: true }] });
    expect(held.status).toBe(201);
    const [handMade] = await org.insertProfiles(1);
    const { email } = await kit.prisma.profile.findUniqueOrThrow({ where: { id: handMade! } });
    expect((await okta.post('/Users', { schemas: [USER], userName: 'bob@contoso.test' })).status).toBe(201);
    const deleted = await entra.post('/Users', { schemas: [USER], userName: 'cy@contoso.test' });
    expect((await entra.delete(`/Users/${deleted.body.id}`)).status).toBe(204);

    const cases: [string, string[]][] = [
      ['ada@contoso.TEST', [held.body.id]],
      [email.toUpperCase(), [handMade!]],
      ['nobody@contoso.test', []],
      ['bob@contoso.test', []],
      ['cy@contoso.test', []],
    ];
    for (const [userName, ids] of cases) {
      kit.resetStatements();
      const found = await entra.get(byUserName(userName));
      expect(found.status).toBe(200);
      expect(
        found.body.Resources.map((user: { id: string }) => user.id),
        userName,
      ).toEqual(ids);
      expect(found.body.totalResults).toBe(ids.length);
      // The token's connection, the lookup with the request's log entry.
      expect(kit.statements, userName).toHaveLength(2);
    }
    const logged = await kit.prisma.directoryRequest.findMany({ where: { connectionId: entra.connectionId, method: 'GET' }, orderBy: { id: 'asc' } });
    expect(logged.map((entry) => [entry.resource, entry.status, entry.summary, entry.error])).toEqual(
      cases.map(([userName]) => [`/Users?filter=userName eq "${userName}"`, 200, '', null]),
    );
    for (const entry of logged) expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    const ada = (await entra.get(byUserName('ada@contoso.test'))).body.Resources[0];
    expect(ada).toEqual((await entra.get(`/Users/${held.body.id}`)).body);
  });
});

describe('a POST of a new user', () => {
  it('is one statement beside the token, its log entry in it, and writes what the general path writes', async ({ org }) => {
    const entra = await connectDirectory(kit, server, org);
    kit.resetStatements();
    const created = await entra.post('/Users', {
      schemas: [USER],
      userName: 'Grace@Contoso.test',
      externalId: 'EMP-1',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ value: 'grace@contoso.test', primary: true }],
      displayName: 'Grace H',
    });
    expect(created.status).toBe(201);
    // The token's connection, the one statement (no BEGIN, no COMMIT) with the request's log entry.
    expect(kit.statements).toHaveLength(2);
    expect(created.body).toEqual((await entra.get(`/Users/${created.body.id}`)).body);
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: created.body.id }, include: { directoryUser: true } });
    expect(profile).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@contoso.test', externalId: 'EMP-1', status: 'NOT_INVITED' });
    expect(profile.directoryUser).toMatchObject({ connectionId: entra.connectionId, userName: 'Grace@Contoso.test', active: true });
    const audit = await kit.prisma.auditEvent.findMany({ where: { profileId: created.body.id } });
    expect(audit.map((event) => [event.kind, event.actorType, event.summary])).toEqual([
      ['PROFILE_CREATED', 'PARKPASS', 'Created the profile of Grace Hopper.'],
    ]);

    // The same userName again: a 409, nothing written (the general path decides it).
    const again = await entra.post('/Users', { schemas: [USER], userName: 'grace@contoso.TEST', name: { givenName: 'G', familyName: 'H' } });
    expect(again.status).toBe(409);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id, email: { startsWith: 'grace' } } })).toBe(1);
    // Each request logged once: the one-statement POST by its statement, the 409 (nothing written by it) after its answer.
    const logged = await kit.prisma.directoryRequest.findMany({ where: { connectionId: entra.connectionId, method: 'POST' }, orderBy: { id: 'asc' } });
    expect(logged.map((entry) => [entry.status, entry.summary, entry.error?.split(':')[0] ?? null])).toEqual([
      [201, 'created the profile of Grace Hopper', null],
      [409, '', 'uniqueness'],
    ]);
  });
});

describe("a log entry's duration", () => {
  it("is measured on the server's own clocks: a database clock an hour ahead of this machine's does not show in it", async ({ org }) => {
    const entra = await connectDirectory(kit, server, org);
    const realNow = Date.now;
    // This machine's wall clock an hour behind the database's (a clock stepped, PostgreSQL on another host).
    const skewed = vi.spyOn(Date, 'now').mockImplementation(() => realNow.call(Date) - 3_600_000);
    try {
      expect((await entra.get(byUserName('nobody@contoso.test'))).status).toBe(200);
      expect((await entra.post('/Users', { schemas: [USER], userName: 'lin@contoso.test' })).status).toBe(201);
    } finally {
      skewed.mockRestore();
    }
    const logged = await kit.prisma.directoryRequest.findMany({ where: { connectionId: entra.connectionId }, orderBy: { id: 'asc' } });
    // Both stored by the request's own statement; each took well under a minute.
    expect(logged.map((entry) => [entry.method, entry.status])).toEqual([
      ['GET', 200],
      ['POST', 201],
    ]);
    for (const entry of logged) expect(entry.durationMs).toBeLessThan(60_000);
  });
});

import { describe, expect } from 'vitest';
import { kitTest, useTestKit } from '../test/kit.ts';
import { connectDirectory, ENTERPRISE, ERROR, GROUP, LIST, PATCH_OP, patchOf, USER, useScimServer } from '../test/scim-client.ts';

// The request sequences that Microsoft Entra ID's "Tutorial: Develop and plan
// provisioning for a SCIM endpoint" / "Known issues" and Okta's "SCIM 2.0
// protocol reference" show, sent over real HTTP with their quirks, and every
// answer an IdP relies on.

const kit = useTestKit();
const server = useScimServer(kit);
const it = kitTest(kit);

const expectScim = (response: { contentType: string | null }) => expect(response.contentType).toMatch(/^application\/scim\+json/);
const expectError = (response: { status: number; contentType: string | null; body: any }, status: number, scimType?: string) => {
  expect(response.status).toBe(status);
  expectScim(response);
  expect(response.body.schemas).toEqual([ERROR]);
  expect(response.body.status).toBe(String(status));
  if (scimType) expect(response.body.scimType).toBe(scimType);
  expect(typeof response.body.detail).toBe('string');
};

describe('Microsoft Entra ID', () => {
  it('provisions, updates with capitalised ops and paths, disables with "False", still answers GET, then deletes', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    // Entra's connection test and its matching queries for a user and a group that do not exist.
    const probe = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`);
    expect(probe.status).toBe(200);
    expectScim(probe);
    expect(probe.body).toMatchObject({ schemas: [LIST], totalResults: 0, Resources: [], startIndex: 1 });
    const groupProbe = await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "non-existent group"')}`);
    expect(groupProbe.body.totalResults).toBe(0);

    const created = await scim.post('/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      phoneNumbers: null,
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Parking', manager: null },
    });
    expect(created.status).toBe(201);
    expectScim(created);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`http://parkpass.test/scim/v2/Users/${id}`);
    expect(created.body).toMatchObject({
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com',
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      active: true,
      name: { givenName: 'givenName', familyName: 'familyName' },
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Parking' },
      meta: { resourceType: 'User' },
    });
    // The profile: its email is the work address, not the UPN; nothing sent (the default policy is "never").
    const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id } });
    expect(profile).toMatchObject({ email: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com', firstName: 'givenName', status: 'NOT_INVITED' });

    // Same userName again: 409 uniqueness.
    expectError(await scim.post('/Users', { schemas: [USER], userName: created.body.userName, emails: [{ value: 'other@testuser.com' }] }), 409, 'uniqueness');

    const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${created.body.userName}"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);
    expect((await scim.get(`/Users/${id}`)).body.id).toBe(id);

    // Entra's PATCH: capitalised ops, a value filter path, a sub-attribute path, a bare manager id.
    const patched = await scim.patch(
      `/Users/${id}`,
      patchOf(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: '2819c223-7f76-453a-919d-413861904646' },
        { op: 'Add', path: 'preferredLanguage', value: 'fr-FR' },
      ),
    );
    expect(patched.status).toBe(200);
    expect(patched.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(patched.body[ENTERPRISE].manager).toEqual({ value: '2819c223-7f76-453a-919d-413861904646' });
    expect(await kit.prisma.profile.findUniqueOrThrow({ where: { id } })).toMatchObject({
      email: 'updatedEmail@microsoft.com',
      lastName: 'updatedFamilyName',
      locale: 'FR',
    });
    const removedManager = await scim.patch(`/Users/${id}`, patchOf({ op: 'Remove', path: `${ENTERPRISE}:manager` }));
    expect(removedManager.body[ENTERPRISE].manager).toBeUndefined();

    // Disable as Entra does without the aadOptscim062020 flag: a "False" string.
    const disabled = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    expect((await kit.prisma.profile.findUniqueOrThrow({ where: { id } })).status).toBe('DEACTIVATED');
    // Still returned by GET (Entra reads it back), and by its filter.
    const afterDisable = await scim.get(`/Users/${id}`);
    expect(afterDisable.status).toBe(200);
    expect(afterDisable.body.active).toBe(false);
    const enabled = await scim.patch(`/Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: 'True' }));
    expect(enabled.body.active).toBe(true);
    expect((await kit.prisma.profile.findUniqueOrThrow({ where: { id } })).status).toBe('NOT_INVITED');

    // The real DELETE, later: 204, then 404; the profile stays, deactivated, with its audit trail.
    const deleted = await scim.delete(`/Users/${id}`);
    expect(deleted.status).toBe(204);
    expectError(await scim.get(`/Users/${id}`), 404);
    expect((await kit.prisma.profile.findUniqueOrThrow({ where: { id } })).status).toBe('DEACTIVATED');
    const trail = await kit.prisma.auditEvent.findMany({ where: { profileId: id }, orderBy: { seq: 'asc' } });
    expect(trail.map((event) => event.kind)).toEqual(
      expect.arrayContaining(['PROFILE_CREATED', 'PROFILE_UPDATED', 'PROFILE_DEACTIVATED', 'PROFILE_REACTIVATED']),
    );
  });

  it('creates a group, adds and removes members with capitalised ops, renames it, excludes members on request, deletes it', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    const user = await scim.post('/Users', { schemas: [USER], userName: 'ada@contoso.test', name: { givenName: 'Ada', familyName: 'Lovelace' } });
    expect(user.status).toBe(201);
    const group = await scim.post('/Groups', {
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Parking North',
      members: [],
      meta: { resourceType: 'Group' },
      schemas: [GROUP],
    });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({ displayName: 'Parking North', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', members: [] });
    const gid = group.body.id as string;

    const add = await scim.patch(`/Groups/${gid}`, patchOf({ op: 'Add', path: 'members', value: [{ $ref: null, value: user.body.id }] }));
    expect(add.status).toBe(204);
    expect((await scim.get(`/Groups/${gid}`)).body.members.map((member: { value: string }) => member.value)).toEqual([user.body.id]);
    const withoutMembers = await scim.get(`/Groups/${gid}?excludedAttributes=members`);
    expect(withoutMembers.body.members).toBeUndefined();
    expect(withoutMembers.body.displayName).toBe('Parking North');

    expect((await scim.patch(`/Groups/${gid}`, patchOf({ op: 'Replace', path: 'displayName', value: 'Parking North (B2)' }))).status).toBe(204);
    const filtered = await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Parking North (B2)"')}`);
    expect(filtered.body.totalResults).toBe(1);
    expect(filtered.body.Resources[0].members).toBeUndefined();

    expect((await scim.patch(`/Groups/${gid}`, patchOf({ op: 'Remove', path: 'members', value: [{ $ref: null, value: user.body.id }] }))).status).toBe(204);
    expect((await scim.get(`/Groups/${gid}`)).body.members).toEqual([]);
    expect((await scim.delete(`/Groups/${gid}`)).status).toBe(204);
    expectError(await scim.get(`/Groups/${gid}`), 404);
  });

  it('answers the cases a SCIM library gets wrong: trailing "and", a bare "and", malformed JSON, null multi-valued attributes', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "a@b.test" and')}`), 400, 'invalidFilter');
    expectError(await scim.get('/Users?filter=and'), 400, 'invalidFilter');
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName co "a"')}`), 400, 'invalidFilter');
    expectError(await scim.send('POST', '/Users', undefined, { raw: '{"userName": "x@y.test",' }), 400, 'invalidSyntax');
    const nulls = await scim.post('/Users', {
      schemas: [USER],
      userName: 'n@contoso.test',
      addresses: null,
      phoneNumbers: null,
      emails: [{ value: 'n@contoso.test', primary: 'True' }],
    });
    expect(nulls.status).toBe(201);
    expect(nulls.body.emails).toEqual([{ value: 'n@contoso.test', primary: true }]);
  });
});

describe('Okta', () => {
  it('checks, creates, reads, replaces with PUT, deactivates and reactivates with a pathless PATCH, pages through users', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org, { name: 'Okta' });
    const none = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
    expect(none.body).toMatchObject({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const oktaUser = {
      schemas: [USER],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    const created = await scim.post('/Users', oktaUser);
    expect(created.status).toBe(201);
    expect(created.body.password).toBeUndefined();
    const id = created.body.id as string;
    expect(JSON.stringify(await kit.prisma.directoryUser.findUniqueOrThrow({ where: { profileId: id } }))).not.toContain('1mz050nq');

    const replaced = await scim.put(`/Users/${id}`, { ...oktaUser, id, name: { givenName: 'Another', familyName: 'User' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.name.givenName).toBe('Another');

    const deactivated = await scim.patch(`/Users/${id}`, patchOf({ op: 'replace', value: { active: false } }));
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect((await kit.prisma.profile.findUniqueOrThrow({ where: { id } })).status).toBe('DEACTIVATED');
    // Okta's PUT from wizard-built apps deactivates too.
    expect((await scim.patch(`/Users/${id}`, patchOf({ op: 'replace', value: { active: true } }))).body.active).toBe(true);
    expect((await scim.put(`/Users/${id}`, { ...oktaUser, id, active: false })).body.active).toBe(false);
    expect((await scim.put(`/Users/${id}`, { ...oktaUser, id, active: true })).body.active).toBe(true);

    for (const n of [2, 3, 4]) {
      expect(
        (await scim.post('/Users', { ...oktaUser, userName: `user${n}@okta.local`, emails: [{ value: `user${n}@okta.local` }], externalId: `ext-${n}` }))
          .status,
      ).toBe(201);
    }
    const first = await scim.get('/Users?startIndex=1&count=2');
    const second = await scim.get('/Users?startIndex=3&count=2');
    expect(first.body).toMatchObject({ totalResults: 4, startIndex: 1, itemsPerPage: 2 });
    expect(second.body).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    const ids = [...first.body.Resources, ...second.body.Resources].map((user: { id: string }) => user.id);
    expect(new Set(ids).size).toBe(4);
    // A larger count than the server's page is answered with its page (at most 1,000), not refused; out-of-range values are brought in.
    const big = await scim.get('/Users?count=100000&startIndex=-5');
    expect(big.status).toBe(200);
    expect(big.body).toMatchObject({ totalResults: 4, startIndex: 1, itemsPerPage: 4 });
    const onlyNames = await scim.get('/Users?attributes=userName&count=1');
    expect(Object.keys(onlyNames.body.Resources[0]).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
  });

  it('creates a group, renames it with a pathless replace, adds members, removes one by a value filter path, deletes it', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org, { name: 'Okta' });
    const a = await scim.post('/Users', { schemas: [USER], userName: 'a@okta.local', name: { givenName: 'A', familyName: 'One' } });
    const b = await scim.post('/Users', { schemas: [USER], userName: 'b@okta.local', name: { givenName: 'B', familyName: 'Two' } });
    const group = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Test SCIMv2', members: [] });
    expect(group.status).toBe(201);
    const gid = group.body.id as string;
    expect((await scim.patch(`/Groups/${gid}`, patchOf({ op: 'replace', value: { id: gid, displayName: 'Another Name' } }))).status).toBe(204);
    expect(
      (
        await scim.patch(
          `/Groups/${gid}`,
          patchOf({
            op: 'add',
            path: 'members',
            value: [
              { value: a.body.id, display: 'a@okta.local' },
              { value: b.body.id, display: 'b@okta.local' },
            ],
          }),
        )
      ).status,
    ).toBe(204);
    expect((await scim.patch(`/Groups/${gid}`, patchOf({ op: 'remove', path: `members[value eq "${a.body.id}"]` }))).status).toBe(204);
    const read = await scim.get(`/Groups/${gid}`);
    expect(read.body.displayName).toBe('Another Name');
    expect(read.body.members.map((member: { value: string }) => member.value)).toEqual([b.body.id]);
    const replaced = await scim.put(`/Groups/${gid}`, { schemas: [GROUP], id: gid, displayName: 'Another Name', members: [{ value: a.body.id }] });
    expect(replaced.body.members.map((member: { value: string }) => member.value)).toEqual([a.body.id]);
    expect((await scim.delete(`/Groups/${gid}`)).status).toBe(204);
  });
});

describe('discovery', () => {
  it('serves ServiceProviderConfig, Schemas and ResourceTypes', async ({ org }) => {
    const scim = await connectDirectory(kit, server, org);
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expectScim(config);
    expect(config.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 1000 } });
    const schemas = await scim.get('/Schemas');
    expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).toEqual([USER, ENTERPRISE, GROUP]);
    expect((await scim.get(`/Schemas/${USER}`)).body.name).toBe('User');
    const types = await scim.get('/ResourceTypes');
    expect(types.body.Resources.map((type: { endpoint: string }) => type.endpoint)).toEqual(['/Users', '/Groups']);
    expectError(await scim.get('/Nope'), 404);
    expectError(await scim.send('DELETE', '/ServiceProviderConfig'), 405);
  });
});

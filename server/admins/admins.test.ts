import { describe, expect, it } from 'vitest';
import { type AdminCreateInput, AdminNodeDocument, ViewerIdentityDocument } from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';

const kit = useTestKit();

describe('admins', () => {
  it('lets an owner add an admin who can then sign in, and remove them (their sessions end)', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const input = { email: 'Jane.Doe@Example.test', name: 'Jane Doe', role: 'MANAGER', password: 'correct horse battery' } as const;
    const created = expectTypename(await org.admin.adminCreate(input), 'AdminPayload');
    expect(created).toMatchObject({ __typename: 'AdminPayload', admin: { email: 'jane.doe@example.test', name: 'Jane Doe', role: 'MANAGER' } });

    const signedIn = await kit.anonymous.adminLogin({ email: input.email, password: input.password });
    expect(signedIn.__typename).toBe('AdminLoginPayload');
    const token = expectTypename(signedIn, 'AdminLoginPayload').token;
    expect((await kit.as(token).viewerIdentity()).role).toBe('MANAGER');

    const list = await org.admin.admins();
    expect(list.totalCount).toBe(2);

    expect((await org.admin.adminDelete(created.admin.id)).__typename).toBe('AdminDeletePayload');
    const after = await kit.as(token).send(ViewerIdentityDocument, {});
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses weak passwords, taken emails and removing oneself, each with its typed error', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const base: AdminCreateInput = { email: 'sam@example.test', name: 'Sam', role: 'VIEWER', password: 'a perfectly fine password' };
    const cases: [Partial<AdminCreateInput>, Record<string, unknown>][] = [
      [{ password: 'short' }, { __typename: 'PasswordTooWeak', path: ['input', 'password'] }],
      [{ password: 'sam@example.test' }, { __typename: 'PasswordTooWeak' }],
      [{ password: 'aaaaaaaaaaaaaaaa' }, { __typename: 'PasswordTooWeak' }],
      [{ email: 'not an email' }, { __typename: 'InvalidEmail', path: ['input', 'email'] }],
      [{ name: '' }, { __typename: 'InvalidInput', path: ['input', 'name'] }],
      [{ email: org.adminEmail }, { __typename: 'EmailAlreadyUsed', path: ['input', 'email'] }],
    ];
    for (const [change, expected] of cases) {
      const result = await org.admin.adminCreate({ ...base, ...change });
      expect(result, JSON.stringify(change)).toMatchObject(expected);
    }
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id } })).toBe(1);

    const self = await org.admin.adminDelete(globalId('Admin', org.adminId));
    expect(self).toMatchObject({ __typename: 'CannotRemoveSelf', code: 'CANNOT_REMOVE_SELF' });
  });

  it('never removes the caller themself, so an organization keeps an owner (API keys cannot remove admins at all)', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const self = await org.admin.adminDelete(globalId('Admin', org.adminId));
    expect(self).toMatchObject({ __typename: 'CannotRemoveSelf', code: 'CANNOT_REMOVE_SELF' });
    const byKey = await org.api.adminDelete(globalId('Admin', org.adminId));
    expect(byKey).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id, role: 'OWNER' } })).toBe(1);
  });

  it('shows an admin record to owners and to the admin themself only', async () => {
    const org = await kit.createOrganization({ role: 'VIEWER' });
    const other = await kit.prisma.admin.create({
      data: { organizationId: org.id, email: 'boss@example.test', name: 'Boss', role: 'OWNER', passwordHash: 'x' },
    });
    const own = await org.admin.adminNode(globalId('Admin', org.adminId));
    expect(own).toEqual({ email: org.adminEmail });
    const boss = await org.admin.send(AdminNodeDocument, { id: globalId('Admin', other.id) });
    expect(boss.data?.node ?? null).toBeNull();
    expect(boss.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'MANAGE_ADMINS', requiredRoles: ['OWNER'] });
  });
});

describe('organization settings', () => {
  it('changes the settings given and enforces invitation validity of 1 hour to 30 days and https store links', async () => {
    const org = await kit.createOrganization({ role: 'ADMIN' });
    for (const [input, path] of [
      [{ invitationValidityHours: 0 }, 'invitationValidityHours'],
      [{ invitationValidityHours: 721 }, 'invitationValidityHours'],
      [{ appStoreUrl: 'http://insecure.example' }, 'appStoreUrl'],
      [{ name: ' ' }, 'name'],
    ] as const) {
      const result = await org.admin.organizationUpdate(input);
      expect(result, JSON.stringify(input)).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', path] });
    }
    const ok = await org.admin.organizationUpdate({ invitationValidityHours: 720, playStoreUrl: 'https://play.example/app' });
    expect(ok).toEqual({
      __typename: 'OrganizationPayload',
      organization: { name: org.name, invitationValidityHours: 720, appStoreUrl: null, playStoreUrl: 'https://play.example/app' },
    });
  });
});

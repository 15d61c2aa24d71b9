import { describe, expect, it } from 'vitest';
import { globalId, useTestKit } from '../test/kit.ts';

const kit = useTestKit();

const CREATE = `mutation ($input: AdminCreateInput!) {
  adminCreate(input: $input) {
    __typename
    ... on AdminPayload { admin { id email name role } }
    ... on Error { code message }
    ... on InputError { path }
  }
}`;
const DELETE = 'mutation ($id: ID!) { adminDelete(id: $id) { __typename ... on Error { code message } } }';
const LOGIN =
  'mutation ($email: String!, $password: String!) { adminLogin(input: { email: $email, password: $password }) { __typename ... on AdminLoginPayload { token } } }';

describe('admins', () => {
  it('lets an owner add an admin who can then sign in, and remove them (their sessions end)', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const input = { email: 'Jane.Doe@Example.test', name: 'Jane Doe', role: 'MANAGER', password: 'correct horse battery' };
    const created = (await org.graphqlAs('ADMIN', CREATE, { input })).data.adminCreate;
    expect(created).toMatchObject({ __typename: 'AdminPayload', admin: { email: 'jane.doe@example.test', name: 'Jane Doe', role: 'MANAGER' } });

    const signedIn = (await kit.graphql(LOGIN, { email: input.email, password: input.password })).data.adminLogin;
    expect(signedIn.__typename).toBe('AdminLoginPayload');
    expect((await kit.graphql('{ viewer { role } }', {}, { token: signedIn.token })).data.viewer.role).toBe('MANAGER');

    const list = await org.graphqlAs('ADMIN', '{ admins { totalCount edges { node { email } } } }');
    expect(list.data.admins.totalCount).toBe(2);

    expect((await org.graphqlAs('ADMIN', DELETE, { id: created.admin.id })).data.adminDelete.__typename).toBe('AdminDeletePayload');
    const after = await kit.graphql('{ viewer { role } }', {}, { token: signedIn.token });
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses weak passwords, taken emails and removing oneself, each with its typed error', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const base = { email: 'sam@example.test', name: 'Sam', role: 'VIEWER', password: 'a perfectly fine password' };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ password: 'short' }, { __typename: 'PasswordTooWeak', path: ['input', 'password'] }],
      [{ password: 'sam@example.test' }, { __typename: 'PasswordTooWeak' }],
      [{ password: 'aaaaaaaaaaaaaaaa' }, { __typename: 'PasswordTooWeak' }],
      [{ email: 'not an email' }, { __typename: 'InvalidEmail', path: ['input', 'email'] }],
      [{ name: '' }, { __typename: 'InvalidInput', path: ['input', 'name'] }],
      [{ email: org.adminEmail }, { __typename: 'EmailAlreadyUsed', path: ['input', 'email'] }],
    ];
    for (const [change, expected] of cases) {
      const result = (await org.graphqlAs('ADMIN', CREATE, { input: { ...base, ...change } })).data.adminCreate;
      expect(result, JSON.stringify(change)).toMatchObject(expected);
    }
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id } })).toBe(1);

    const self = await org.graphqlAs('ADMIN', DELETE, { id: globalId('Admin', org.adminId) });
    expect(self.data.adminDelete).toMatchObject({ __typename: 'CannotRemoveSelf', code: 'CANNOT_REMOVE_SELF' });
  });

  it('never removes the caller themself, so an organization keeps an owner (API keys cannot remove admins at all)', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const self = await org.graphqlAs('ADMIN', DELETE, { id: globalId('Admin', org.adminId) });
    expect(self.data.adminDelete).toMatchObject({ __typename: 'CannotRemoveSelf', code: 'CANNOT_REMOVE_SELF' });
    const byKey = await org.graphqlAs('API_KEY', DELETE, { id: globalId('Admin', org.adminId) });
    expect(byKey.data.adminDelete).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    expect(await kit.prisma.admin.count({ where: { organizationId: org.id, role: 'OWNER' } })).toBe(1);
  });

  it('shows an admin record to owners and to the admin themself only', async () => {
    const org = await kit.createOrganization({ role: 'VIEWER' });
    const other = await kit.prisma.admin.create({
      data: { organizationId: org.id, email: 'boss@example.test', name: 'Boss', role: 'OWNER', passwordHash: 'x' },
    });
    const own = await org.graphqlAs('ADMIN', 'query ($id: ID!) { node(id: $id) { ... on Admin { email } } }', { id: globalId('Admin', org.adminId) });
    expect(own.data.node).toEqual({ email: org.adminEmail });
    const boss = await org.graphqlAs('ADMIN', 'query ($id: ID!) { node(id: $id) { ... on Admin { email } } }', { id: globalId('Admin', other.id) });
    expect(boss.data?.node ?? null).toBeNull();
    expect(boss.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'MANAGE_ADMINS', requiredRoles: ['OWNER'] });
  });
});

describe('organization settings', () => {
  const UPDATE = `mutation ($input: OrganizationUpdateInput!) {
    organizationUpdate(input: $input) {
      __typename
      ... on OrganizationPayload { organization { name invitationValidityHours appStoreUrl playStoreUrl } }
      ... on InputError { code path }
    }
  }`;

  it('changes the settings given and enforces invitation validity of 1 hour to 30 days and https store links', async () => {
    const org = await kit.createOrganization({ role: 'ADMIN' });
    for (const [input, path] of [
      [{ invitationValidityHours: 0 }, 'invitationValidityHours'],
      [{ invitationValidityHours: 721 }, 'invitationValidityHours'],
      [{ appStoreUrl: 'http://insecure.example' }, 'appStoreUrl'],
      [{ name: ' ' }, 'name'],
    ] as const) {
      const result = (await org.graphqlAs('ADMIN', UPDATE, { input })).data.organizationUpdate;
      expect(result, JSON.stringify(input)).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', path] });
    }
    const ok = await org.graphqlAs('ADMIN', UPDATE, { input: { invitationValidityHours: 720, playStoreUrl: 'https://play.example/app' } });
    expect(ok.data.organizationUpdate).toEqual({
      __typename: 'OrganizationPayload',
      organization: { name: org.name, invitationValidityHours: 720, appStoreUrl: null, playStoreUrl: 'https://play.example/app' },
    });
  });
});

import { getNamedType, isInputObjectType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../app/schema.ts';
import { globalId, useTestKit } from '../test/kit.ts';

// One shape rule for every text input (no control
// characters, no unpaired surrogates, NFC), a typed InvalidInput at the
// field's path (per row in profilesUpsert), and search terms taken literally.

// Raw documents on purpose: each text argument of the schema gets bad values (NUL, lone surrogates, oversize),
// field by field, in documents built here; a typed operation would fix the fields it sends.
const kit = useTestKit();

const NUL = '\u0000';
const LONE_SURROGATE = '\uD800';
const BAD_VALUES: Record<string, string> = {
  'a line break': 'Alice\nBcc: everyone@example.test',
  'a carriage return': 'Alice\r',
  'a tab': 'Ali\tce',
  'a NUL byte': `Ali${NUL}ce`,
  'an unpaired surrogate': `Ali${LONE_SURROGATE}ce`,
  'an escape sequence': 'Alice\u001b[31m',
  'a right-to-left override': 'Alice\u202Egnp.exe',
};

const RESULT = '__typename ... on Error { code message } ... on InputError { path }';

describe('text input', () => {
  it.each(Object.entries(BAD_VALUES))('refuses %s in every text field, with InvalidInput at its path', async (_what, bad) => {
    const org = await kit.createOrganization();
    const [profileId] = await org.insertProfiles(1);
    const cases: { field: string; run: () => Promise<any>; path: string[] }[] = [
      {
        field: 'profileCreate',
        run: () =>
          org.graphql(`mutation ($v: String!) { profileCreate(input: { firstName: $v, lastName: "L", email: "x@example.test" }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'firstName'],
      },
      {
        field: 'profileCreate',
        run: () =>
          org.graphql(`mutation ($v: String!) { profileCreate(input: { firstName: "F", lastName: $v, email: "x@example.test" }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'lastName'],
      },
      {
        field: 'profileCreate',
        run: () =>
          org.graphql(`mutation ($v: String!) { profileCreate(input: { firstName: "F", lastName: "L", email: $v }) { ${RESULT} } }`, {
            v: `${bad}@example.test`,
          }),
        path: ['input', 'email'],
      },
      {
        field: 'profileCreate',
        run: () =>
          org.graphql(
            `mutation ($v: String!) { profileCreate(input: { firstName: "F", lastName: "L", email: "k@example.test", idempotencyKey: $v }) { ${RESULT} } }`,
            { v: bad },
          ),
        path: ['input', 'idempotencyKey'],
      },
      {
        field: 'tagCreate',
        run: () => org.graphqlAs('ADMIN', `mutation ($v: String!) { tagCreate(input: { name: "Keyed", idempotencyKey: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'idempotencyKey'],
      },
      {
        field: 'profileUpdate',
        run: () =>
          org.graphql(`mutation ($id: ID!, $v: String!) { profileUpdate(id: $id, input: { externalId: $v }) { ${RESULT} } }`, {
            id: globalId('Profile', profileId!),
            v: bad,
          }),
        path: ['input', 'externalId'],
      },
      {
        field: 'profileUpdate',
        run: () =>
          org.graphql(`mutation ($id: ID!, $v: String!) { profileUpdate(id: $id, input: { phone: $v }) { ${RESULT} } }`, {
            id: globalId('Profile', profileId!),
            v: `+33 1 ${bad}`,
          }),
        path: ['input', 'phone'],
      },
      {
        field: 'parkingLotCreate',
        run: () => org.graphqlAs('ADMIN', `mutation ($v: String!) { parkingLotCreate(input: { name: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'name'],
      },
      {
        field: 'tagCreate',
        run: () => org.graphqlAs('ADMIN', `mutation ($v: String!) { tagCreate(input: { name: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'name'],
      },
      {
        field: 'apiKeyCreate',
        run: () => org.graphqlAs('ADMIN', `mutation ($v: String!) { apiKeyCreate(input: { name: $v, role: VIEWER }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'name'],
      },
      {
        field: 'adminCreate',
        run: () =>
          org.graphqlAs(
            'ADMIN',
            `mutation ($v: String!) { adminCreate(input: { email: "new@example.test", name: $v, role: VIEWER, password: "a long enough password" }) { ${RESULT} } }`,
            { v: bad },
          ),
        path: ['input', 'name'],
      },
      {
        field: 'organizationUpdate',
        run: () => org.graphqlAs('ADMIN', `mutation ($v: String!) { organizationUpdate(input: { name: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'name'],
      },
      {
        field: 'organizationUpdate',
        run: () =>
          org.graphqlAs('ADMIN', `mutation ($v: String!) { organizationUpdate(input: { appStoreUrl: $v }) { ${RESULT} } }`, {
            v: `https://apps.example.test/${bad}`,
          }),
        path: ['input', 'appStoreUrl'],
      },
      {
        field: 'profilesInvite',
        run: () => org.graphql(`mutation ($v: String!) { profilesInvite(input: { filter: { search: "x" }, idempotencyKey: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'idempotencyKey'],
      },
      {
        field: 'profilesInvite',
        run: () => org.graphql(`mutation ($v: String!) { profilesInvite(input: { filter: { search: $v } }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'filter', 'search'],
      },
      {
        field: 'profilesUpdateAccess',
        run: () =>
          org.graphql(
            `mutation ($v: String!) { profilesUpdateAccess(input: { filter: { search: "x" }, addPaymentMethods: [CREDIT_CARD], idempotencyKey: $v }) { ${RESULT} } }`,
            {
              v: bad,
            },
          ),
        path: ['input', 'idempotencyKey'],
      },
      {
        field: 'invitationsRevoke',
        run: () =>
          org.graphql(`mutation ($v: String!) { invitationsRevoke(input: { filter: { search: "x" }, idempotencyKey: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'idempotencyKey'],
      },
      {
        field: 'profilesDelete',
        run: () => org.graphql(`mutation ($v: String!) { profilesDelete(input: { filter: { search: "x" }, idempotencyKey: $v }) { ${RESULT} } }`, { v: bad }),
        path: ['input', 'idempotencyKey'],
      },
      {
        field: 'adminLogin',
        run: () =>
          kit.graphql(
            `mutation ($v: String!) { adminLogin(input: { email: $v, password: "whatever it is" }) { ${RESULT} } }`,
            { v: `${bad}@example.test` },
            { headers: { 'x-forwarded-for': '192.0.2.111' } },
          ),
        path: ['input', 'email'],
      },
    ];
    for (const { field, run, path } of cases) {
      const response = await run();
      const label = `${field} ${path.join('.')}`;
      expect(response.errors, `${label}: ${JSON.stringify(response.errors)}`).toBeUndefined();
      expect(response.data[field], label).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', path });
    }
    // Queries raise it as a GraphQL error with the code and the path.
    for (const document of [
      'query ($v: String!) { profiles(first: 1, filter: { search: $v }) { totalCount } }',
      'query ($v: String!) { profileCounts(filter: { search: $v }) { total } }',
      'query ($v: String!) { profilesInvitePreview(filter: { search: $v }) { total } }',
    ]) {
      const response = await org.graphql(document, { v: bad });
      expect(response.errors?.[0]?.extensions, document).toMatchObject({ code: 'INVALID_INPUT', path: ['filter', 'search'] });
    }
    // Passwords are never stored, but follow the same rule where they are chosen.
    const password = await org.graphqlAs(
      'ADMIN',
      `mutation ($v: String!) { adminCreate(input: { email: "pw@example.test", name: "Pw", role: VIEWER, password: $v }) { ${RESULT} } }`,
      {
        v: `a long enough ${bad} password`,
      },
    );
    expect(password.data.adminCreate).toMatchObject({ __typename: 'PasswordTooWeak', path: ['input', 'password'] });
  });

  it('reports bad rows of a 5,000-row profilesUpsert on their own rows and writes every other row', async () => {
    const org = await kit.createOrganization();
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      externalId: `hr-${i}`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `person.${i}@example.test`,
    }));
    rows[3]!.lastName = `Dupont${NUL}`;
    rows[7]!.externalId = `hr-${LONE_SURROGATE}`;
    rows[4_999]!.firstName = 'Jean\nBcc: x@example.test';
    const response = await org.graphql(
      'mutation ($rows: [ProfileUpsertInput!]!) { profilesUpsert(input: { profiles: $rows }) { __typename ... on ProfilesUpsertPayload { failedCount results { outcome error { __typename ... on InputError { code path } } } } } }',
      { rows },
    );
    expect(response.errors).toBeUndefined();
    const payload = response.data.profilesUpsert;
    expect(payload.failedCount).toBe(3);
    const failed = payload.results.map((row: any, index: number) => [index, row.error]).filter(([, error]: any) => error);
    expect(failed).toEqual([
      [3, { __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'profiles', '3', 'lastName'] }],
      [7, { __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'profiles', '7', 'externalId'] }],
      [4_999, { __typename: 'InvalidInput', code: 'INVALID_INPUT', path: ['input', 'profiles', '4999', 'firstName'] }],
    ]);
    expect(await kit.prisma.profile.count({ where: { organizationId: org.id } })).toBe(4_997);
  });

  it('stores text in NFC, so a name typed with a combining accent is the same name and is found by search', async () => {
    const org = await kit.createOrganization();
    const decomposed = 'He\u0301le\u0300ne';
    const created = await org.graphql(
      'mutation ($v: String!) { profileCreate(input: { firstName: $v, lastName: "Nfc", email: "helene.nfc@example.test" }) { ... on ProfilePayload { profile { firstName } } } }',
      { v: decomposed },
    );
    expect(created.data.profileCreate.profile.firstName).toBe('Hélène');
    expect(created.data.profileCreate.profile.firstName).toBe(decomposed.normalize('NFC'));
    const lot = await org.graphqlAs(
      'ADMIN',
      'mutation ($v: String!) { parkingLotCreate(input: { name: $v }) { ... on ParkingLotPayload { parkingLot { name } } ... on Error { code } } }',
      {
        v: 'Gene\u0300ve',
      },
    );
    expect(JSON.stringify(lot.data)).toContain('Genève'.normalize('NFC'));
    const found = await org.graphql('{ profiles(first: 5, filter: { search: "hélène nfc" }) { totalCount } }');
    expect(found.data.profiles.totalCount).toBe(1);
  });

  it('takes %, _ and \\ in a search literally', async () => {
    const org = await kit.createOrganization();
    const names = ['100% Sure', 'Under_Score', 'Back\\Slash', 'Plain Person'];
    for (const [i, lastName] of names.entries()) {
      const created = await org.graphql(
        'mutation ($last: String!, $email: String!) { profileCreate(input: { firstName: "Lit", lastName: $last, email: $email }) { __typename } }',
        { last: lastName, email: `literal.${i}@example.test` },
      );
      expect(created.data.profileCreate.__typename).toBe('ProfilePayload');
    }
    const search = async (term: string) => {
      const response = await org.graphql('query ($s: String!) { profiles(first: 10, filter: { search: $s }) { edges { node { lastName } } } }', { s: term });
      expect(response.errors).toBeUndefined();
      return response.data.profiles.edges.map((edge: any) => edge.node.lastName);
    };
    expect(await search('%')).toEqual(['100% Sure']);
    expect(await search('_')).toEqual(['Under_Score']);
    expect(await search('\\')).toEqual(['Back\\Slash']);
    expect(await search('lit %')).toEqual(['100% Sure']);
    const preview = await org.graphql('{ profilesInvitePreview(filter: { search: "_" }) { total } }');
    expect(preview.data.profilesInvitePreview.total).toBe(1);
  });

  it('knows every text input of the schema: each goes through the shape rule, or is a secret or cursor that is never stored as text', () => {
    // A new String input fails here until it is parsed with server/kernel/text-fields.ts (and listed), or listed as an exception with its reason.
    const shaped = [
      'AdminCreateInput.email',
      'AdminCreateInput.name',
      'AdminLoginInput.email',
      'ApiKeyCreateInput.name',
      // Directory connections' names: parseRequiredText in server/directory-sync/connection-service.ts.
      'DirectoryConnectionCreateInput.name',
      'DirectoryConnectionUpdateInput.name',
      'OrganizationUpdateInput.appStoreUrl',
      'OrganizationUpdateInput.name',
      'OrganizationUpdateInput.playStoreUrl',
      'OrganizationUpdateInput.timeZone',
      'ParkingLotInput.name',
      'TagInput.name',
      'ProfileFilter.search',
      'ProfilesInviteInput.idempotencyKey',
      // Bulk actions' idempotency keys: parseIdempotencyKey in server/kernel/idempotency.ts.
      'ProfilesUpdateAccessInput.idempotencyKey',
      'InvitationsRevokeInput.idempotencyKey',
      'ProfilesDeleteInput.idempotencyKey',
      // The integrator's ids, looked up: parseText in server/profiles/profile.graphql.ts.
      'ProfileFilter.externalIds',
      'Query.profileByExternalId(externalId)',
      // Webhook URLs: parseRequiredText in server/webhooks/webhook-endpoint-service.ts, then the URL rules.
      'WebhookEndpointCreateInput.url',
      'WebhookEndpointUpdateInput.url',
      // Creates' idempotency keys: parseOptionalText in server/kernel/idempotency.ts.
      'ProfileCreateInput.idempotencyKey',
      'ParkingLotInput.idempotencyKey',
      'TagInput.idempotencyKey',
      'ProfileInviteInput.idempotencyKey',
      'WebhookEndpointCreateInput.idempotencyKey',
      // Admins invited to the team: parseEmail and parseRequiredText in server/admins/admin-invitation-service.ts.
      'AdminInviteInput.email',
      'AdminInviteInput.name',
      ...['ProfileCreateInput', 'ProfileUpdateInput', 'ProfileUpsertInput'].flatMap((input) =>
        ['email', 'externalId', 'firstName', 'lastName', 'phone'].map((field) => `${input}.${field}`),
      ),
    ];
    const exceptions = [
      'AdminCreateInput.password', // the password policy (same rule, not normalized), then hashed
      'AdminLoginInput.password', // compared with a hash, never stored
      'AdminLoginInput.deviceToken', // checked against its own shape, hashed, never stored
      'InvitationAcceptInput.password', // the password policy, then hashed
      'InvitationAcceptInput.token', // hashed, never stored
      'InvitationRequestNewLinkInput.token', // hashed into a job for the renewal, never stored
      'Query.invitationByToken(token)', // hashed, never stored
      'AdminInvitationAcceptInput.password', // the password policy, then hashed
      'AdminInvitationAcceptInput.token', // hashed, never stored
      'Query.adminInvitationByToken(token)', // hashed, never stored
    ];
    const textInputs: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (getNamedType(field.type).name === 'String') textInputs.push(`${type.name}.${field.name}`);
      }
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          for (const arg of field.args) {
            // Page cursors are decoded and checked against their own format.
            if (getNamedType(arg.type).name === 'String' && arg.name !== 'after' && arg.name !== 'before')
              textInputs.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    expect(textInputs.sort()).toEqual([...shaped, ...exceptions].sort());
  });
});

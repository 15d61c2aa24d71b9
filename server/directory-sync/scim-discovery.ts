import { MAX_PAGE_SIZE } from './scim-limits.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './scim-user.ts';

// The discovery endpoints (RFC 7644 §4): what this service provider supports,
// and the schemas of what it keeps. Okta and Entra read ServiceProviderConfig
// when a connection is tested.

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://parkpass.example/docs/directory-sync',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The token of the directory connection, shown once when it is created or rotated: "Authorization: Bearer ppscim_…".',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});
const multi = (name: string, subAttributes: ReturnType<typeof attribute>[]) => attribute(name, 'complex', { multiValued: true, subAttributes });
const valueTypePrimary = [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')];

const SCHEMAS = [
  {
    id: USER_SCHEMA,
    name: 'User',
    description: 'A person: a Parkpass profile.',
    attributes: [
      attribute('userName', 'string', { required: true, uniqueness: 'server' }),
      attribute('externalId', 'string', { caseExact: true }),
      attribute('name', 'complex', { subAttributes: [attribute('givenName', 'string'), attribute('familyName', 'string'), attribute('formatted', 'string')] }),
      attribute('displayName', 'string'),
      attribute('preferredLanguage', 'string'),
      attribute('locale', 'string'),
      attribute('title', 'string'),
      attribute('active', 'boolean'),
      multi('emails', valueTypePrimary),
      multi('phoneNumbers', valueTypePrimary),
      multi('addresses', [attribute('formatted', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')]),
    ],
  },
  {
    id: ENTERPRISE_USER_SCHEMA,
    name: 'EnterpriseUser',
    description: 'The enterprise extension, kept as sent.',
    attributes: [
      attribute('employeeNumber', 'string'),
      attribute('department', 'string'),
      attribute('costCenter', 'string'),
      attribute('organization', 'string'),
      attribute('division', 'string'),
      attribute('manager', 'complex', { subAttributes: [attribute('value', 'string'), attribute('displayName', 'string', { mutability: 'readOnly' })] }),
    ],
  },
  {
    id: GROUP_SCHEMA,
    name: 'Group',
    description: 'A group of users; an admin maps it to parking lots, tags and a payment method its members get.',
    attributes: [
      attribute('displayName', 'string', { required: true }),
      attribute('externalId', 'string', { caseExact: true }),
      multi('members', [attribute('value', 'string', { mutability: 'immutable' }), attribute('display', 'string'), attribute('type', 'string')]),
    ],
  },
];

export function schemas(baseUrl: string) {
  return SCHEMAS.map((schema) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    ...schema,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  }));
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A person: a Parkpass profile.',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group of users, mapped to parking access.',
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

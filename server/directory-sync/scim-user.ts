import { InputError } from '../kernel/errors.ts';
import type { Locale } from '../generated/prisma/enums.ts';
import { type ProfileFields, parseProfileFields } from '../profiles/index.ts';
import { invalidValue } from './scim-errors.ts';

// What a SCIM user is here: how the JSON that Entra ID and Okta send becomes a
// profile's fields, and how the quirks they are known for are taken in.

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ScimObject = Record<string, unknown>;

/** Attributes the server owns or never keeps: the client's values for them are ignored. */
const NOT_KEPT = new Set(['id', 'meta', 'password', 'groups']);

/** The longest a kept user may be once serialized: a directory entry, not a document store. */
export const MAX_KEPT_USER_BYTES = 64 * 1024;

const isObject = (value: unknown): value is ScimObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The user as it is kept and compared: without what the server owns, without
 * nulls (RFC 7643 §2.5: an unassigned attribute; Entra sends `null` for an
 * empty multi-valued one), booleans sent as "True"/"False" strings made
 * booleans (Entra without the aadOptscim062020 flag), and a bare manager id
 * made the complex value the enterprise schema defines ({ value }).
 */
export function normalizeUser(raw: ScimObject): ScimObject {
  const user = withoutNulls(raw) as ScimObject;
  for (const key of Object.keys(user)) if (NOT_KEPT.has(key)) delete user[key];
  if ('active' in user) user.active = booleanOf(user.active, 'active');
  for (const list of ['emails', 'phoneNumbers', 'addresses']) {
    const values = user[list];
    if (values === undefined) continue;
    if (!Array.isArray(values)) throw invalidValue(`${list} must be an array.`);
    for (const value of values) {
      if (!isObject(value)) throw invalidValue(`${list} must hold objects.`);
      if ('primary' in value) value.primary = booleanOf(value.primary, `${list}.primary`);
    }
  }
  const enterprise = user[ENTERPRISE_USER_SCHEMA];
  if (enterprise !== undefined) {
    if (!isObject(enterprise)) throw invalidValue(`${ENTERPRISE_USER_SCHEMA} must be an object.`);
    if (typeof enterprise.manager === 'string') enterprise.manager = { value: enterprise.manager };
    // Entra removes a manager with an empty value.
    if (isObject(enterprise.manager) && (enterprise.manager.value === '' || enterprise.manager.value === undefined)) delete enterprise.manager;
    if (Object.keys(enterprise).length === 0) delete user[ENTERPRISE_USER_SCHEMA];
  }
  const schemas = new Set([USER_SCHEMA]);
  if (user[ENTERPRISE_USER_SCHEMA]) schemas.add(ENTERPRISE_USER_SCHEMA);
  user.schemas = [...schemas];
  if (Buffer.byteLength(JSON.stringify(user)) > MAX_KEPT_USER_BYTES) throw invalidValue(`A user is at most ${MAX_KEPT_USER_BYTES} bytes of JSON.`);
  return user;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, withoutNulls(item)]),
    );
  }
  return value;
}

/** A SCIM boolean, also as the strings "True"/"False" (any case) that Entra sends. */
export function booleanOf(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue(`${name} must be a boolean.`);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);

/** The value of the multi-valued attribute `list` to use: the primary one, else the first of `preferredType`, else the first. */
function pick(user: ScimObject, list: string, preferredTypes: string[]): string | undefined {
  const values = Array.isArray(user[list]) ? (user[list] as ScimObject[]) : [];
  const primary = values.find((value) => value.primary === true && text(value.value));
  if (primary) return text(primary.value);
  for (const type of preferredTypes) {
    const typed = values.find((value) => typeof value.type === 'string' && value.type.toLowerCase() === type && text(value.value));
    if (typed) return text(typed.value);
  }
  return text(values.find((value) => text(value.value))?.value);
}

/** "fr-FR", "fr_CA", "FR", "en-US" → the profile's language; anything else → null (the organization's default). */
export function localeOf(user: ScimObject): Locale | null {
  for (const tag of [user.preferredLanguage, user.locale]) {
    const language =
      typeof tag === 'string'
        ? tag
            .split(/[-_,;]/)[0]!
            .trim()
            .toLowerCase()
        : '';
    if (language === 'fr') return 'FR';
    if (language === 'en') return 'EN';
  }
  return null;
}

export interface UserFields {
  userName: string;
  active: boolean;
  /** The profile's fields, checked by the profile's own rules. */
  profile: ProfileFields & { firstName: string; lastName: string; email: string };
}

/**
 * The profile a SCIM user describes. Names: name.givenName / name.familyName,
 * else the display name's words, else the user name. Email: the primary one,
 * else the work one, else the first, else the user name when it is an address.
 * Checked by the profile's rules (length, text, email, phone): a refusal is a
 * 400 invalidValue naming the attribute.
 */
export function userFields(user: ScimObject): UserFields {
  const userName = text(user.userName);
  if (!userName) throw invalidValue('userName is required.');
  if (userName.length > 256) throw invalidValue('userName is at most 256 characters.');
  const name = isObject(user.name) ? user.name : {};
  const displayWords = (text(user.displayName) ?? text(name.formatted) ?? '').trim().split(/\s+/).filter(Boolean);
  const firstName = text(name.givenName) ?? displayWords[0] ?? userName.split('@')[0]!;
  const lastName = text(name.familyName) ?? (displayWords.length > 1 ? displayWords.slice(1).join(' ') : (displayWords[0] ?? userName.split('@')[0]!));
  const email = pick(user, 'emails', ['work', 'home', 'other']) ?? (userName.includes('@') ? userName : undefined);
  if (!email) throw invalidValue('The user needs an email address (emails, or a userName that is one).');
  const phone = pick(user, 'phoneNumbers', ['work', 'mobile']) ?? null;
  const externalId = text(user.externalId) ?? null;
  const scimPath: Record<string, string> = {
    firstName: 'name.givenName',
    lastName: 'name.familyName',
    email: 'emails',
    phone: 'phoneNumbers',
    externalId: 'externalId',
  };
  try {
    const profile = parseProfileFields({ firstName, lastName, email, phone, externalId, locale: localeOf(user) }, [], true) as UserFields['profile'];
    return { userName: userName.trim(), active: user.active === undefined ? true : booleanOf(user.active, 'active'), profile };
  } catch (error) {
    if (error instanceof InputError) {
      const field = error.inputPath.at(-1) ?? '';
      throw invalidValue(`${scimPath[field] ?? field}: ${error.message}`);
    }
    throw error;
  }
}

import { InvalidInputError } from './errors.ts';

// The id rules, in one place. Every object has a global id: base64 of
// "<Type>:<uuid>" (e.g. "Profile:0191…"). An argument that takes ids of one
// type accepts exactly that: canonical base64, a known type among those the
// argument names, and a uuid. Anything else is refused as INVALID_INPUT naming
// the argument, before any service runs, so nothing malformed reaches the
// database (argument-check-plugin.ts applies this to every id argument).

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPENAME = /^[A-Z][A-Za-z]*$/;

/** A uuid as PostgreSQL takes it (any case): the one check of raw ids (global ids, cursors, paths, operator arguments). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export interface DecodedGlobalId {
  typename: string;
  id: string;
}

/** The type and uuid of a well-formed global id, or null. */
export function parseGlobalId(globalId: string): DecodedGlobalId | null {
  if (globalId.length === 0 || globalId.length > 200 || !BASE64.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return null;
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (!TYPENAME.test(typename) || !UUID.test(id)) return null;
  return { typename, id: id.toLowerCase() };
}

/** Why `globalId` may not be given where ids of `typenames` are expected, or null when it may. */
export function globalIdProblem(globalId: unknown, typenames: readonly string[]): string | null {
  const expected = typenames.length > 0 ? typenames.join(' or ') : 'object';
  const parsed = typeof globalId === 'string' ? parseGlobalId(globalId) : null;
  if (!parsed) return `Not a global id: give the id of ${article(expected)} as the API returned it.`;
  if (typenames.length > 0 && !typenames.includes(parsed.typename))
    return `This is the id of ${article(parsed.typename)}; ${article(expected)} id is expected.`;
  return null;
}

/**
 * The relay plugin's decoder (also used by `node` and `nodes`): a malformed id
 * is the caller's mistake, never a database error.
 */
export function decodeGlobalId(globalId: string): DecodedGlobalId {
  const parsed = parseGlobalId(globalId);
  if (!parsed) throw new InvalidInputError(['id'], globalIdProblem(globalId, [])!);
  return parsed;
}

const article = (noun: string) => `${/^[AEIOU]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** A global id as the API shows it: "<Type>:<uuid>" in base64 (what Pothos' Relay plugin writes and reads). */
export const globalIdOf = (typename: string, id: string): string => Buffer.from(`${typename}:${id}`).toString('base64');

export const nullableGlobalIdOf = (typename: string, id: string | null | undefined): string | null => (id ? globalIdOf(typename, id) : null);

import { type Filter, parse } from 'scim2-parse-filter';
import { invalidFilter } from './scim-errors.ts';

// Filters (RFC 7644 §3.4.2.2), parsed by scim2-parse-filter. What IdPs send to
// find a resource before they create it: `eq`, joined by `and`, on a few
// attributes. Anything else is a 400 invalidFilter rather than a full scan.

export const MAX_FILTER_LENGTH = 1_000;

/** attribute (lower-cased) = value, all of which must hold. */
export type EqualityFilter = Map<string, string>;

/** The `eq` conditions of `filter` on the attributes allowed, or a 400 invalidFilter. Null for no filter. */
export function equalityFilter(filter: string | null, allowed: readonly string[]): EqualityFilter | null {
  if (filter === null) return null;
  if (filter.length > MAX_FILTER_LENGTH) throw invalidFilter(`A filter is at most ${MAX_FILTER_LENGTH} characters.`);
  let ast: Filter;
  try {
    ast = parse(filter);
  } catch {
    throw invalidFilter(`The filter "${filter.slice(0, 200)}" is not a valid SCIM filter.`);
  }
  const conditions: EqualityFilter = new Map();
  const take = (node: Filter): void => {
    if (node.op === 'and') {
      for (const child of node.filters) take(child);
      return;
    }
    if (node.op !== 'eq') throw invalidFilter(`Only "eq" joined by "and" is supported, on ${allowed.join(', ')}.`);
    const attribute = node.attrPath.toLowerCase();
    if (!allowed.some((name) => name.toLowerCase() === attribute)) {
      throw invalidFilter(`Filtering on "${node.attrPath}" is not supported; supported: ${allowed.join(', ')}.`);
    }
    if (typeof node.compValue !== 'string') throw invalidFilter(`"${node.attrPath}" is compared with a string.`);
    const earlier = conditions.get(attribute);
    // attr eq "a" and attr eq "b" matches nothing; kept as an impossible pair.
    conditions.set(attribute, earlier !== undefined && earlier !== node.compValue ? '\u0000' : node.compValue);
  };
  take(ast);
  return conditions;
}

/** startIndex (from 1) and count of a list request: out-of-range values are brought into range (RFC 7644 §3.4.2.4), count capped at `max`. */
export function paging(url: URL, max: number): { skip: number; take: number } {
  const startIndex = Number.parseInt(url.searchParams.get('startIndex') ?? '1', 10);
  const count = Number.parseInt(url.searchParams.get('count') ?? String(max), 10);
  return {
    skip: Number.isFinite(startIndex) && startIndex > 1 ? Math.min(startIndex - 1, 1_000_000_000) : 0,
    take: Number.isFinite(count) ? Math.max(0, Math.min(count, max)) : max,
  };
}

/** attributes / excludedAttributes (RFC 7644 §3.9), on top-level attributes (a sub-attribute keeps or drops its parent). */
export function projected(resource: Record<string, unknown>, url: URL): Record<string, unknown> {
  const names = (parameter: string) =>
    (url.searchParams.get(parameter) ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map(topLevel);
  const attributes = names('attributes');
  const excluded = new Set(names('excludedAttributes'));
  const always = new Set(['id', 'schemas', 'meta']);
  const entries = Object.entries(resource).filter(([key]) => {
    const lower = key.toLowerCase();
    if (always.has(key)) return true;
    if (attributes.length) return attributes.includes(lower);
    return !excluded.has(lower);
  });
  return Object.fromEntries(entries);
}

function topLevel(name: string): string {
  const lower = name.toLowerCase();
  // urn:…:User:employeeNumber → the extension's URN; name.givenName → name.
  const urn = /^(urn:.*:(user|group))(:.*)?$/i.exec(lower);
  if (urn) return urn[3] ? urn[1]! : lower;
  return lower.split('.')[0]!;
}

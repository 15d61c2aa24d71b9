import { GraphQLError } from 'graphql';
import { orderKeyCount, type PagePosition, type ProfileOrderField } from './profile-queries.ts';

// The cursor of a profile in a page: opaque to clients (base64url of a small
// JSON array), holding the row's sort key values in the page's order and its
// id. It carries the values rather than only the id, so a page after a cursor
// whose row was since renamed or deleted still continues where it stood.

const VERSION = 'p1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Longer than any sort key value (names and emails are bounded far below). */
const MAX_CURSOR_LENGTH = 2_000;

export function encodeProfileCursor(field: ProfileOrderField, position: PagePosition): string {
  return Buffer.from(JSON.stringify([VERSION, field, position.values, position.id])).toString('base64url');
}

/** The position a cursor names, for a page in `field`'s order; a cursor of another order or not ours is refused. */
export function decodeProfileCursor(cursor: string | null | undefined, field: ProfileOrderField): PagePosition | null {
  if (cursor == null) return null;
  const refuse = (why: string) =>
    new GraphQLError(`This cursor ${why}; start from the first page.`, { extensions: { code: 'INVALID_INPUT', http: { status: 400 } } });
  if (cursor.length > MAX_CURSOR_LENGTH) throw refuse('is not one the profiles query gave');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw refuse('is not one the profiles query gave');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== VERSION) throw refuse('is not one the profiles query gave');
  const [, order, values, id] = parsed as [unknown, unknown, unknown, unknown];
  const valid =
    Array.isArray(values) &&
    values.length === orderKeyCount(field) &&
    values.every((value) => typeof value === 'string') &&
    typeof id === 'string' &&
    UUID.test(id);
  if (order !== field) throw refuse(`belongs to another order (${String(order)}, not ${field})`);
  if (!valid) throw refuse('is not one the profiles query gave');
  return { values: values as string[], id };
}

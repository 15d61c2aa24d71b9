import { type PrismaClient, sqlQuery } from '../database/prisma.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import { Prisma } from '../generated/prisma/client.ts';

// A page's rows as one JSON value per row, written by PostgreSQL in one statement sent by `pg`: what a Prisma
// selection (the one Pothos plans for the query: queryFromInfo) asks of a profile, its lots, tags and latest
// invitation included, in exactly the shape Prisma's findMany gives it (the field resolvers read it as they read
// Prisma's rows). Prisma's client costs more CPU per statement than the whole rest of a page request; a page is
// read on every keystroke of a search. Selections this does not know (a paginated relation, a model outside
// ROW_MODELS, a `where` or `take` on a relation) give null: the caller reads those through Prisma.
// profile-page-rows.test.ts checks that both readers give the same rows.

/** The models a page row may reach, each in its table; their columns are their fields' names in snake case. */
const ROW_MODELS: Readonly<Record<string, string>> = {
  Profile: 'profile',
  ParkingLot: 'parking_lot',
  Tag: 'tag',
  Invitation: 'invitation',
  ProfileParkingLot: 'profile_parking_lot',
  ProfileTag: 'profile_tag',
};
/** Never read into a row: what no GraphQL field shows. */
const SECRET_FIELDS = new Set(['passwordHash', 'tokenHash', 'searchText']);
/** Scalar types JSON carries as Prisma gives them (DateTime as text, turned back into a Date). */
const JSON_SCALARS = new Set(['String', 'Int', 'Boolean', 'DateTime']);

const { models } = getDatamodel().datamodel;
type Field = (typeof models)[string]['fields'][number];

const column = (field: string) => Prisma.raw(`"${field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}"`);
const fieldOf = (model: string, name: string): Field | undefined => models[model]?.fields.find((field) => field.name === name);

/** A Prisma selection as Pothos plans it: `{ field: true }` or `{ relation: { select, orderBy } }`. */
export type RowSelect = Record<string, unknown>;

/**
 * The profiles `ids` of the organization, in the order of `ids`, each as `select` (a Prisma selection of Profile)
 * asks it, in the shape Prisma's findMany gives; in one statement through `pg` (sqlQuery: the read replica when the
 * request reads from it). Null when this file does not read such a selection.
 */
export async function profileRows(prisma: PrismaClient, organizationId: string, ids: string[], select: RowSelect): Promise<Record<string, unknown>[] | null> {
  const row = profileRowSql(select);
  if (!row) return null;
  const rows = await sqlQuery<{ row: Record<string, unknown> | string }>(
    prisma,
    Prisma.sql`
    SELECT ${row} AS row FROM unnest(${ids}::uuid[]) WITH ORDINALITY page(id, n)
    JOIN "profile" p ON p.id = page.id AND p.organization_id = ${organizationId}::uuid
    ORDER BY page.n`,
  );
  return rows.map(({ row }) => rowFromJson('Profile', select, typeof row === 'string' ? JSON.parse(row) : row));
}

/** The SQL of a profile row for each selection seen (a few: one per query the clients send), so a page does not write it again. */
const rowSqlBySelection = new Map<string, Prisma.Sql | null>();
const MAX_SELECTIONS = 200;

function profileRowSql(select: RowSelect): Prisma.Sql | null {
  const key = JSON.stringify(select);
  let sql = rowSqlBySelection.get(key);
  if (sql === undefined) {
    sql = rowJsonSql('Profile', 'p', select);
    if (rowSqlBySelection.size >= MAX_SELECTIONS) rowSqlBySelection.clear();
    rowSqlBySelection.set(key, sql);
  }
  return sql;
}

/**
 * The JSON object PostgreSQL builds for one row of `model` under `alias` with what `select` asks, or null when the
 * selection is not one this file reads (the caller then asks Prisma).
 */
export function rowJsonSql(model: string, alias: string, select: RowSelect, depth = 0): Prisma.Sql | null {
  if (!ROW_MODELS[model] || depth > 3) return null;
  const pairs: Prisma.Sql[] = [];
  for (const [name, asked] of Object.entries(select)) {
    if (asked === false || asked === undefined) continue;
    const field = fieldOf(model, name);
    if (!field || SECRET_FIELDS.has(name)) return null;
    let value: Prisma.Sql | null;
    if (field.kind === 'scalar' || field.kind === 'enum') {
      if (asked !== true || (field.kind === 'scalar' && !JSON_SCALARS.has(field.type))) return null;
      value = Prisma.sql`${Prisma.raw(alias)}.${column(name)}`;
    } else value = relationSql(field, alias, asked, depth);
    if (!value) return null;
    pairs.push(Prisma.sql`${name}::text, ${value}`);
  }
  // json_build_object takes at most 100 arguments.
  if (pairs.length === 0 || pairs.length > 50) return null;
  return Prisma.sql`json_build_object(${Prisma.join(pairs)})`;
}

/** A relation's value: a to-one by its foreign key on this side, a list by the other side's key to this row's id. */
function relationSql(field: Field, alias: string, asked: unknown, depth: number): Prisma.Sql | null {
  const target = ROW_MODELS[field.type];
  if (!target || !('relationName' in field)) return null;
  const { select, orderBy, ...rest } = asked === true ? { select: allScalars(field.type) } : (asked as { select?: RowSelect; orderBy?: unknown });
  if (!select || Object.keys(rest).length > 0) return null;
  const child = `r${depth + 1}`;
  const row = rowJsonSql(field.type, child, select, depth + 1);
  if (!row) return null;
  if (!field.isList) {
    const [key] = field.relationFromFields ?? [];
    if (!key || field.relationFromFields!.length !== 1 || orderBy !== undefined) return null;
    return Prisma.sql`(SELECT ${row} FROM ${Prisma.raw(`"${target}"`)} ${Prisma.raw(child)} WHERE ${Prisma.raw(child)}."id" = ${Prisma.raw(alias)}.${column(key)})`;
  }
  const back = models[field.type]!.fields.find((other) => 'relationName' in other && other.relationName === field.relationName && other !== field);
  const [backKey] = back && 'relationFromFields' in back ? (back.relationFromFields ?? []) : [];
  if (!backKey || back!.relationFromFields!.length !== 1) return null;
  const order = orderSql(field.type, child, orderBy, depth);
  if (order === null) return null;
  return Prisma.sql`(SELECT coalesce(json_agg(${row}${order}), '[]'::json) FROM ${Prisma.raw(`"${target}"`)} ${Prisma.raw(child)} WHERE ${Prisma.raw(child)}.${column(backKey)} = ${Prisma.raw(alias)}."id")`;
}

/** ` ORDER BY …` for a list's `orderBy` (by its own scalars or a to-one relation's), '' for none, null for one this file does not read. */
function orderSql(model: string, alias: string, orderBy: unknown, depth: number): Prisma.Sql | null {
  if (orderBy === undefined) return Prisma.empty;
  const terms: Prisma.Sql[] = [];
  for (const entry of Array.isArray(orderBy) ? orderBy : [orderBy]) {
    for (const [name, direction] of Object.entries(entry as Record<string, unknown>)) {
      const field = fieldOf(model, name);
      if (!field) return null;
      if (direction === 'asc' || direction === 'desc') {
        if (field.kind !== 'scalar' && field.kind !== 'enum') return null;
        terms.push(Prisma.sql`${Prisma.raw(alias)}.${column(name)} ${Prisma.raw(direction)}`);
        continue;
      }
      // By a field of a to-one relation, e.g. a profile's lots by the lot's name.
      const target = ROW_MODELS[field.type];
      const [key] = 'relationFromFields' in field ? (field.relationFromFields ?? []) : [];
      const inner = Object.entries((direction ?? {}) as Record<string, unknown>);
      if (!target || field.isList || !key || inner.length !== 1) return null;
      const [innerName, innerDirection] = inner[0]!;
      if (!fieldOf(field.type, innerName) || (innerDirection !== 'asc' && innerDirection !== 'desc')) return null;
      const joined = `o${depth + 1}`;
      terms.push(
        Prisma.sql`(SELECT ${Prisma.raw(joined)}.${column(innerName)} FROM ${Prisma.raw(`"${target}"`)} ${Prisma.raw(joined)} WHERE ${Prisma.raw(joined)}."id" = ${Prisma.raw(alias)}.${column(key)}) ${Prisma.raw(innerDirection)}`,
      );
    }
  }
  return terms.length ? Prisma.sql` ORDER BY ${Prisma.join(terms)}` : Prisma.empty;
}

/** `true` for a relation: every scalar field of the model, as Prisma reads it, but the secrets (no field shows them). */
function allScalars(model: string): RowSelect {
  return Object.fromEntries(
    models[model]!.fields.filter((field) => field.kind !== 'object' && !SECRET_FIELDS.has(field.name)).map((field) => [field.name, true]),
  );
}

/** A row as PostgreSQL wrote it (JSON) in Prisma's shape: every DateTime the selection asks turned back into a Date. */
export function rowFromJson(model: string, select: RowSelect, row: Record<string, unknown>): Record<string, unknown> {
  for (const [name, asked] of Object.entries(select)) {
    const value = row[name];
    if (value === null || value === undefined || asked === false) continue;
    const field = fieldOf(model, name)!;
    if (field.kind === 'scalar' && field.type === 'DateTime') row[name] = new Date(value as string);
    else if (field.kind === 'object') {
      const nested = asked === true ? allScalars(field.type) : ((asked as { select: RowSelect }).select ?? {});
      if (Array.isArray(value)) for (const item of value) rowFromJson(field.type, nested, item as Record<string, unknown>);
      else rowFromJson(field.type, nested, value as Record<string, unknown>);
    }
  }
  return row;
}

// The rules of a spreadsheet import and export, shared by the page, its Web
// Worker and the export: the limits, the columns and their header names in
// English and French, what counts as a formula, and how a cell is written out.

/** Files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Data rows (after the header) a file may have; parsing stops past it. */
export const MAX_ROWS = 50_000;
/** Rows per profilesUpsert call, dry run and apply alike (the API takes up to 5,000). */
export const BATCH_SIZE = 2_000;

export const IMPORT_FIELDS = ['externalId', 'firstName', 'lastName', 'email', 'phone', 'parkingLots', 'tags'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Column index of each field in the file, or null when the file has none. */
export type ColumnMapping = Record<ImportField, number | null>;

/** Header names each field is recognised by, compared without accents, case, spaces or punctuation. */
const HEADER_NAMES: Record<ImportField, string[]> = {
  externalId: ['externalid', 'id', 'idexterne', 'identifiant', 'identifiantexterne', 'matricule', 'employeeid', 'employeenumber', 'personnelnumber'],
  firstName: ['firstname', 'first', 'givenname', 'prenom'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nom', 'nomdefamille'],
  email: ['email', 'mail', 'emailaddress', 'courriel', 'adresseemail', 'adressemail', 'adressecourriel'],
  phone: ['phone', 'phonenumber', 'mobile', 'telephone', 'tel', 'portable', 'numerodetelephone'],
  parkingLots: ['parkinglots', 'parkinglot', 'parkings', 'parking', 'lots', 'access', 'acces', 'parcs'],
  tags: ['tags', 'tag', 'etiquettes', 'etiquette', 'labels'],
};

/** "Prénom " → "prenom", "Adresse e-mail" → "adresseemail". */
export function headerKey(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Each field's column, guessed from the header row (first match wins; a column serves one field). */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const keys = headers.map(headerKey);
  const used = new Set<number>();
  const mapping = {} as ColumnMapping;
  for (const field of IMPORT_FIELDS) {
    const index = keys.findIndex((key, i) => !used.has(i) && HEADER_NAMES[field].includes(key));
    mapping[field] = index >= 0 ? index : null;
    if (index >= 0) used.add(index);
  }
  return mapping;
}

/**
 * A cell a spreadsheet would run as a formula: it starts with =, @, a tab or a
 * carriage return, or with + or - not followed by a digit, a space or "(" (so
 * "+33 6 12 34 56 78" and "-" stay plain text).
 */
export function isFormula(cell: string): boolean {
  return /^[=@\t\r]/.test(cell) || /^[+-][^0-9 (]/.test(cell);
}

/**
 * An exported cell, safe to open in a spreadsheet: one that starts with =, +,
 * -, @, a tab or a carriage return gets a leading apostrophe (shown as text,
 * never run), then it is quoted when it holds the separator, a quote or a line break.
 */
export function csvCell(value: string, separator: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A list cell ("North lot | South lot"): split on | (or , and ; when the file's separator is not that). */
export function listCell(cell: string): string[] {
  return cell
    .split('|')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** What the worker answers: the file's header and data rows, or why it was refused. */
export type ParsedFile =
  | { ok: true; headers: string[]; rows: string[][]; separator: string; hadBom: boolean }
  | { ok: false; reason: FileRefusal; detail?: number };

export type FileRefusal = 'tooLarge' | 'binary' | 'notUtf8' | 'empty' | 'notCsv' | 'tooManyRows' | 'unreadable';

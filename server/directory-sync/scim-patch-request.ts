import { invalidSyntax, invalidValue, ScimError } from './scim-errors.ts';
import { PATCH_SCHEMA, type ScimObject } from './scim-user.ts';

// A PATCH request's operations (RFC 7644 §3.5.2), taken in as Entra ID and
// Okta send them, before scim-patch applies them: Entra capitalises `op`
// ("Replace", "Add", "Remove"); Okta replaces with no `path` and an object of
// attributes as `value`. scim-patch handles both once `op` is lower-cased.

export const MAX_PATCH_OPERATIONS = 1_000;

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/** The body's operations, checked for shape: a 400 otherwise. */
export function patchOperationsOf(body: ScimObject): unknown[] {
  const schemas = body.schemas;
  if (Array.isArray(schemas) && schemas.length && !schemas.includes(PATCH_SCHEMA))
    throw invalidSyntax(`A PATCH request's schemas must include ${PATCH_SCHEMA}.`);
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax('A PATCH request needs a non-empty "Operations" array.');
  if (operations.length > MAX_PATCH_OPERATIONS) throw invalidValue(`A PATCH request holds at most ${MAX_PATCH_OPERATIONS} operations.`);
  return operations;
}

/** Operations with a lower-case `op`, a string `path` when there is one, and a value where the op needs one. */
export function normalizePatchOperations(operations: unknown[]): PatchOperation[] {
  return operations.map((operation, index) => {
    if (typeof operation !== 'object' || operation === null || Array.isArray(operation)) throw invalidSyntax(`Operation ${index} is not an object.`);
    const { op, path, value } = operation as { op?: unknown; path?: unknown; value?: unknown };
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name !== 'add' && name !== 'remove' && name !== 'replace') throw invalidSyntax(`Operation ${index}: "op" must be add, remove or replace.`);
    if (path !== undefined && (typeof path !== 'string' || path.length > 500)) throw invalidSyntax(`Operation ${index}: "path" must be a string.`);
    if (name !== 'remove' && value === undefined) throw invalidValue(`Operation ${index}: "${name}" needs a value.`);
    if (name === 'remove' && path === undefined) throw new ScimError(400, `Operation ${index}: "remove" needs a path.`, 'noTarget');
    return { op: name, ...(path !== undefined ? { path: path as string } : {}), ...(value !== undefined ? { value } : {}) };
  });
}

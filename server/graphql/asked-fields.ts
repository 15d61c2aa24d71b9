import { collectSubFields } from '@graphql-tools/utils';
import { getArgumentValues, getNamedType, type GraphQLResolveInfo, isObjectType } from 'graphql';

/**
 * The arguments of each `field` that a resolver's own selection asks of its result, deferred fragments (`@defer`)
 * included and `@skip`/`@include` applied, one entry per alias: what a resolver reads to start a sub-field's work
 * beside its own instead of after it (the executor resolves a sub-field, deferred or not, once its parent is resolved).
 * Arguments that do not coerce are left out: the sub-field's own resolver reports them.
 */
export function askedFieldArguments(info: GraphQLResolveInfo, field: string): Record<string, unknown>[] {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return [];
  const definition = type.getFields()[field];
  if (!definition) return [];
  const { fields, patches } = collectSubFields(info.schema, info.fragments, info.variableValues, type, [...info.fieldNodes]);
  const nodes = [fields, ...patches.map((patch) => patch.fields)].flatMap((byKey) => [...byKey.values()].flat());
  return nodes
    .filter((node) => node.name.value === field)
    .flatMap((node) => {
      try {
        return [getArgumentValues(definition, node, info.variableValues)];
      } catch {
        return [];
      }
    });
}

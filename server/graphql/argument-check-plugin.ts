import SchemaBuilder, {
  BasePlugin,
  createInputValueMapper,
  type InputFieldMapping,
  type InputFieldsMapping,
  mapInputFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { globalIdOf } from '../kernel/global-ids.ts';
import { InvalidInputError } from '../kernel/errors.ts';
import { globalIdProblem } from '../kernel/global-ids.ts';

// Checks the id arguments of every field, at any depth of their input objects
// and lists, before the relay plugin decodes them and before the resolver runs,
// against the id rules of global-ids.ts. (Text has its own shape rule, applied
// by each input: server/kernel/text-fields.ts.) A bad value throws InvalidInputError with its path (e.g. ["input", "profileId"],
// ["filter", "parkingLotIds", "2"]): a typed result on mutations that list
// InvalidInput, a coded GraphQL error elsewhere (server/graphql/mask-error.ts).
// Like graphql-js' own type checks, this runs before the auth scopes.

const PLACEHOLDER_UUID = '00000000-0000-0000-0000-000000000000';

/** For an id field, the types it accepts ([] for any); null for a plain text field. */
type Check = { ids: readonly string[] | null };
type Mappings = InputFieldsMapping<SchemaTypes, Check>;

export class ArgumentCheckPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly mappingCache = new Map();
  private readonly placeholderCache = new Map();

  /**
   * Arguments are also mapped outside execution: the request's cost analysis
   * (Pothos complexity, server/security/query-cost.ts) runs the field's arg
   * mappers, where relay would throw on a bad id before the check below could
   * name it. This first mapper swaps a bad id for a well-formed placeholder of
   * the expected type; at execution the check has refused it already.
   */
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const mappings = mapInputFields<Types, readonly string[]>(
      fieldConfig.args,
      this.buildCache,
      (inputField) => idTypenames(inputField.extensions ?? undefined),
      this.placeholderCache,
    );
    if (!mappings) return fieldConfig;
    const placeholders = createInputValueMapper(mappings, (value, mapping) =>
      globalIdProblem(value, mapping.value ?? []) === null ? value : globalIdOf(mapping.value?.[0] ?? 'Profile', PLACEHOLDER_UUID),
    );
    return { ...fieldConfig, argMappers: [(args) => placeholders(args), ...(fieldConfig.argMappers ?? [])] };
  }

  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!resolver) return resolver;
    const mappings = mapInputFields<Types, Check>(
      fieldConfig.args,
      this.buildCache,
      (inputField) => {
        const ids = idTypenames(inputField.extensions ?? undefined);
        return ids ? { ids } : null;
      },
      this.mappingCache,
    );
    if (!mappings) return resolver;
    return (parent, args, context, info) => {
      checkFields(args as Record<string, unknown>, mappings as unknown as Mappings, []);
      return resolver(parent, args, context, info);
    };
  }
}

/** The types an id input field accepts ([] for any type), or null when it is not an id field. */
function idTypenames(extensions: Record<string, unknown> | undefined): readonly string[] | null {
  if (!extensions?.isRelayGlobalID) return null;
  const forTypes = extensions.relayGlobalIDFor as { typename: string }[] | null | undefined;
  return forTypes ? forTypes.map((entry) => entry.typename) : [];
}

function checkFields(values: Record<string, unknown>, mappings: Mappings, path: string[]): void {
  for (const [name, mapping] of mappings) {
    const value = values[name];
    if (value !== null && value !== undefined) checkValue(value, mapping, mapping.listDepth, [...path, name]);
  }
}

function checkValue(value: unknown, mapping: InputFieldMapping<SchemaTypes, Check>, listDepth: number, path: string[]): void {
  if (value === null || value === undefined) return;
  if (listDepth > 0 && Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkValue(item, mapping, listDepth - 1, [...path, String(index)]);
    return;
  }
  if (mapping.kind === 'InputObject') {
    if (mapping.fields.map && typeof value === 'object') checkFields(value as Record<string, unknown>, mapping.fields.map, path);
    return;
  }
  const problem = mapping.value.ids ? globalIdProblem(value, mapping.value.ids) : null;
  if (problem) throw new InvalidInputError(path, problem);
}

SchemaBuilder.registerPlugin('argumentCheck', ArgumentCheckPlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      argumentCheck: ArgumentCheckPlugin<Types>;
    }
  }
}

export default 'argumentCheck' as const;

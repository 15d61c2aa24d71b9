import SchemaBuilder, {
  BasePlugin,
  type InputFieldMapping,
  type InputFieldsMapping,
  mapInputFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { InvalidInputError } from '../errors/domain-errors.ts';
import { globalIdProblem } from './global-ids.ts';

// Checks every global-id argument of a field (at any depth of its input
// objects and lists) against the id rules of global-ids.ts before the relay
// plugin decodes them and before the resolver runs. A bad id throws
// InvalidInputError with the path of the argument (e.g. ["input", "profileId"],
// ["filter", "parkingLotIds", "2"]): a typed result on mutations that list
// InvalidInput, a coded GraphQL error elsewhere (server/errors/mask-error.ts).
// Like graphql-js' own type checks, this runs before the auth scopes.

type Typenames = readonly string[];
type Mappings = InputFieldsMapping<SchemaTypes, Typenames>;

export class GlobalIdCheckPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly mappingCache = new Map();

  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!resolver) return resolver;
    const mappings = mapInputFields<Types, Typenames>(fieldConfig.args, this.buildCache, (inputField) => idTypenames(inputField.extensions ?? undefined), this.mappingCache);
    if (!mappings) return resolver;
    return (parent, args, context, info) => {
      checkFields(args as Record<string, unknown>, mappings as unknown as Mappings, []);
      return resolver(parent, args, context, info);
    };
  }
}

/** The types an id input field accepts ([] for any type), or null when it is not an id field. */
function idTypenames(extensions: Record<string, unknown> | undefined): Typenames | null {
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

function checkValue(value: unknown, mapping: InputFieldMapping<SchemaTypes, Typenames>, listDepth: number, path: string[]): void {
  if (value === null || value === undefined) return;
  if (listDepth > 0 && Array.isArray(value)) {
    value.forEach((item, index) => checkValue(item, mapping, listDepth - 1, [...path, String(index)]));
    return;
  }
  if (mapping.kind === 'InputObject') {
    if (mapping.fields.map && typeof value === 'object') checkFields(value as Record<string, unknown>, mapping.fields.map, path);
    return;
  }
  const problem = globalIdProblem(value, mapping.value);
  if (problem) throw new InvalidInputError(path, problem);
}

SchemaBuilder.registerPlugin('globalIdCheck', GlobalIdCheckPlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      globalIdCheck: GlobalIdCheckPlugin<Types>;
    }
  }
}

export default 'globalIdCheck' as const;

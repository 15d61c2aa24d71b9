import { ActionEnum, ActorKindEnum, FeatureEnum, PlanEnum, RoleEnum } from './access.graphql.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { builder } from './builder.ts';
import { describedEnumValues } from './described-enum.ts';
import {
  DOMAIN_ERRORS,
  type DomainError,
  ERROR_CLASSES,
  type ErrorCode,
  type ErrorFieldType,
  errorEntry,
  type InputError,
  InvalidEmailError,
  InvalidInputError,
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  UnknownParkingLotError,
  UnknownTagError,
} from '../kernel/errors.ts';

// The table of domain errors (domain-errors.ts) as GraphQL: the `ErrorCode`
// enum, the `Error` and `InputError` interfaces and one object type per row,
// all described by the table's words.

const codes = Object.keys(DOMAIN_ERRORS) as ErrorCode[];

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Machine-readable reason of a typed error; branch on it, or on `__typename`.',
  values: describedEnumValues<ErrorCode>(Object.fromEntries(codes.map((code) => [code, errorEntry(code).description])) as Record<ErrorCode, string>),
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'What every typed error of a mutation result has.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'Why the operation was refused.', resolve: (error) => error.code as ErrorCode }),
    message: t.exposeString('message', { description: 'A sentence for a person; do not parse it.' }),
  }),
});

/** GraphQL type name of each error class. */
// biome-ignore lint/complexity/noBannedTypes: keyed by the classes themselves (constructors of any signature).
const typeNameOfClass = new Map<Function, string>(codes.map((code) => [ERROR_CLASSES[code], errorEntry(code).typeName]));

type ErrorData = InputError & { typeName?: string; path?: string[] };

export const InputErrorInterface = builder.interfaceRef<InputError>('InputError').implement({
  description: 'An error about one place in the input.',
  resolveType: (error) => (error as ErrorData).typeName ?? typeNameOfClass.get(error.constructor) ?? null,
  interfaces: () => [ErrorInterface],
  fields: (t) => ({
    path: t.stringList({
      resolve: (error) => (error as ErrorData).path ?? error.inputPath,
      description: 'Where in the input the problem is, e.g. ["input", "email"] or ["input", "profiles", "3", "email"].',
    }),
  }),
});

const fieldTypes = {
  Int: 'Int',
  Boolean: 'Boolean',
  String: 'String',
  DateTime: 'DateTime',
  Feature: FeatureEnum,
  Plan: PlanEnum,
  Role: RoleEnum,
  Action: ActionEnum,
  ActorKind: ActorKindEnum,
  '[Role]': [RoleEnum],
  '[ActorKind]': [ActorKindEnum],
  ProfileId: 'ID',
} as const satisfies Record<ErrorFieldType, unknown>;

for (const code of codes) {
  const entry = errorEntry(code);
  builder.objectType(ERROR_CLASSES[code] as unknown as new () => DomainError, {
    name: entry.typeName,
    description: entry.description,
    interfaces: entry.input ? [ErrorInterface, InputErrorInterface] : [ErrorInterface],
    fields: (t) =>
      Object.fromEntries(
        Object.entries(entry.fields ?? {}).map(([name, field]) => [
          name,
          t.field({
            // The table's field types, each mapped to its GraphQL type above.
            type: fieldTypes[field.type] as 'String',
            nullable: 'nullable' in field && field.nullable === true,
            description: field.description,
            resolve: (error) => {
              const value = (error as unknown as Record<string, unknown>)[name];
              return (field.type === 'ProfileId' && typeof value === 'string' ? globalIdOf('Profile', value) : value) as string;
            },
          }),
        ]),
      ),
  });
}

/**
 * An error to return as data inside a success payload (a bulk upsert row):
 * graphql-js treats any Error instance a resolver returns as a failure of the
 * field, so hand it over as a plain object that still names its GraphQL type.
 */
export function errorAsData(error: InputError): InputError {
  const data = { ...error, code: error.code, message: error.message, path: error.inputPath, typeName: typeNameOfClass.get(error.constructor) };
  return data as unknown as InputError;
}

/** The typed errors every profile write may return. */
export const profileInputErrors = [
  InvalidInputError,
  InvalidEmailError,
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  UnknownParkingLotError,
  UnknownTagError,
];

import { builder } from '../builder.ts';
import { describedEnumValues } from '../described-enum.ts';
import {
  BatchTooLargeError,
  DomainError,
  EmailAlreadyUsedError,
  type ErrorCode,
  errorCodes,
  ExternalIdAlreadyUsedError,
  InputError,
  InvalidEmailError,
  InvalidInputError,
  NameAlreadyUsedError,
  NotFoundError,
  PasswordTooWeakError,
  UnknownParkingLotError,
  UnknownTagError,
} from './domain-errors.ts';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Machine-readable reason of a typed error; branch on it, or on `__typename`.',
  values: describedEnumValues<ErrorCode>(errorCodes),
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'What every typed error of a mutation result has.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'Why the operation was refused.', resolve: (error) => error.code }),
    message: t.exposeString('message', { description: 'A sentence for a person; do not parse it.' }),
  }),
});

/** GraphQL type name of each error class, for errors returned as data (bulk upsert rows). */
const typeNameOfClass = new Map<Function, string>();

export const InputErrorInterface = builder.interfaceRef<InputError>('InputError').implement({
  description: 'An error about one place in the input.',
  resolveType: (error) => (error as ErrorData).typeName ?? typeNameOfClass.get(error.constructor) ?? null,
  interfaces: () => [ErrorInterface],
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Where in the input the problem is, e.g. ["input", "email"] or ["input", "profiles", "3", "email"].',
    }),
  }),
});

// biome-ignore lint/suspicious/noExplicitAny: Pothos takes error classes whatever their constructor.
type InputErrorClass = new (...args: any[]) => InputError;

function inputErrorType(errorClass: InputErrorClass, name: string, description: string) {
  typeNameOfClass.set(errorClass, name);
  builder.objectType(errorClass, { name, description, interfaces: [ErrorInterface, InputErrorInterface] });
}

inputErrorType(InvalidInputError, 'InvalidInput', 'A value is missing, too long, or malformed.');
inputErrorType(InvalidEmailError, 'InvalidEmail', 'The email address is not valid.');
inputErrorType(EmailAlreadyUsedError, 'EmailAlreadyUsed', 'Another profile of the organization has this email (compared case-insensitively).');
inputErrorType(ExternalIdAlreadyUsedError, 'ExternalIdAlreadyUsed', 'Another profile of the organization has this externalId.');
inputErrorType(UnknownParkingLotError, 'UnknownParkingLot', 'The parking lot id names no parking lot of the organization.');
inputErrorType(UnknownTagError, 'UnknownTag', 'The tag id names no tag of the organization.');
inputErrorType(NotFoundError, 'NotFound', 'The id names nothing of the organization.');
inputErrorType(NameAlreadyUsedError, 'NameAlreadyUsed', 'Another parking lot or tag of the organization has this name (compared case-insensitively).');
inputErrorType(PasswordTooWeakError, 'PasswordTooWeak', 'The password does not meet the policy; the message says which rule.');

typeNameOfClass.set(BatchTooLargeError, 'BatchTooLarge');
builder.objectType(BatchTooLargeError, {
  name: 'BatchTooLarge',
  description: 'The batch has more items than one call accepts.',
  interfaces: [ErrorInterface, InputErrorInterface],
  fields: (t) => ({
    size: t.exposeInt('size', { description: 'How many items were sent.' }),
    max: t.exposeInt('max', { description: 'How many one call accepts.' }),
  }),
});

type ErrorData = InputError & { typeName?: string };

/**
 * An error to return as data inside a success payload (a bulk upsert row):
 * graphql-js treats any Error instance a resolver returns as a failure of the
 * field, so hand it over as a plain object that still names its GraphQL type.
 */
export function errorAsData(error: InputError): InputError {
  const data = { code: error.code, message: error.message, path: error.path, typeName: typeNameOfClass.get(error.constructor) };
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

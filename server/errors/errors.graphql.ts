import { builder } from '../builder.ts';
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
  NotFoundError,
  UnknownParkingLotError,
  UnknownTagError,
} from './domain-errors.ts';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Machine-readable reason of a typed error; branch on it, or on `__typename`.',
  values: Object.fromEntries(Object.entries(errorCodes).map(([code, description]) => [code, { value: code, description }])) as Record<
    ErrorCode,
    { value: ErrorCode; description: string }
  >,
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'What every typed error of a mutation result has.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'Why the operation was refused.', resolve: (error) => error.code }),
    message: t.exposeString('message', { description: 'A sentence for a person; do not parse it.' }),
  }),
});

export const InputErrorInterface = builder.interfaceRef<InputError>('InputError').implement({
  description: 'An error about one place in the input.',
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
  builder.objectType(errorClass, { name, description, interfaces: [ErrorInterface, InputErrorInterface] });
}

inputErrorType(InvalidInputError, 'InvalidInput', 'A value is missing, too long, or malformed.');
inputErrorType(InvalidEmailError, 'InvalidEmail', 'The email address is not valid.');
inputErrorType(EmailAlreadyUsedError, 'EmailAlreadyUsed', 'Another profile of the organization has this email (compared case-insensitively).');
inputErrorType(ExternalIdAlreadyUsedError, 'ExternalIdAlreadyUsed', 'Another profile of the organization has this externalId.');
inputErrorType(UnknownParkingLotError, 'UnknownParkingLot', 'The parking lot id names no parking lot of the organization.');
inputErrorType(UnknownTagError, 'UnknownTag', 'The tag id names no tag of the organization.');
inputErrorType(NotFoundError, 'NotFound', 'The id names nothing of the organization.');

builder.objectType(BatchTooLargeError, {
  name: 'BatchTooLarge',
  description: 'The batch has more items than one call accepts.',
  interfaces: [ErrorInterface, InputErrorInterface],
  fields: (t) => ({
    size: t.exposeInt('size', { description: 'How many items were sent.' }),
    max: t.exposeInt('max', { description: 'How many one call accepts.' }),
  }),
});

/** The typed errors every profile write may return. */
export const profileInputErrors = [
  InvalidInputError,
  InvalidEmailError,
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  UnknownParkingLotError,
  UnknownTagError,
];

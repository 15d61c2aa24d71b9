import { ACTIONS, type Action, type Feature } from '../access/policy.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';

// The mistakes a caller can make, as classes a service throws and the GraphQL
// layer turns into typed results (errors.graphql.ts). One code per class.

export const errorCodes = {
  INVALID_INPUT: 'A value is missing, too long, or malformed.',
  INVALID_EMAIL: 'An email address is not valid.',
  EMAIL_ALREADY_USED: 'Another profile of the organization has this email.',
  EXTERNAL_ID_ALREADY_USED: 'Another profile of the organization has this externalId.',
  UNKNOWN_PARKING_LOT: 'A parking lot id names no parking lot of the organization.',
  UNKNOWN_TAG: 'A tag id names no tag of the organization.',
  BATCH_TOO_LARGE: 'A batch has more items than one call accepts.',
  NOT_FOUND: 'An id names nothing of the organization.',
  PASSWORD_TOO_WEAK: 'A password does not meet the password policy.',
  FEATURE_NOT_IN_PLAN: "The organization's plan does not include the feature; a larger plan does.",
  FORBIDDEN: "The caller's role may not do this; another role may.",
  INVALID_CREDENTIALS: 'The email or password is wrong (which one is never said).',
  TOO_MANY_LOGIN_ATTEMPTS: 'Too many failed sign-ins for this account or from this address; wait and retry.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
}

/** An error about one place in the input, named by its path (e.g. ["profiles", "3", "email"]). */
export abstract class InputError extends DomainError {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
  }
}

export class InvalidInputError extends InputError {
  readonly code = 'INVALID_INPUT';
}

export class InvalidEmailError extends InputError {
  readonly code = 'INVALID_EMAIL';
  constructor(path: string[], email: string) {
    super(path, `"${email}" is not a valid email address.`);
  }
}

export class EmailAlreadyUsedError extends InputError {
  readonly code = 'EMAIL_ALREADY_USED';
  constructor(path: string[], email: string, message = `Another profile of this organization already uses the email ${email}.`) {
    super(path, message);
  }
}

export class ExternalIdAlreadyUsedError extends InputError {
  readonly code = 'EXTERNAL_ID_ALREADY_USED';
  constructor(path: string[], externalId: string) {
    super(path, `Another profile of this organization already has the externalId "${externalId}".`);
  }
}

export class UnknownParkingLotError extends InputError {
  readonly code = 'UNKNOWN_PARKING_LOT';
  constructor(path: string[]) {
    super(path, 'No parking lot of this organization has this id.');
  }
}

export class UnknownTagError extends InputError {
  readonly code = 'UNKNOWN_TAG';
  constructor(path: string[]) {
    super(path, 'No tag of this organization has this id.');
  }
}

export class BatchTooLargeError extends InputError {
  readonly code = 'BATCH_TOO_LARGE';
  constructor(
    path: string[],
    readonly size: number,
    readonly max: number,
  ) {
    super(path, `A batch holds at most ${max} items; this one has ${size}. Split it.`);
  }
}

export class NotFoundError extends InputError {
  readonly code = 'NOT_FOUND';
  constructor(path: string[], what: string) {
    super(path, `No ${what} of this organization has this id.`);
  }
}

export class PasswordTooWeakError extends InputError {
  readonly code = 'PASSWORD_TOO_WEAK';
}

/** The plan lacks a feature; says which feature and the smallest plan that has it. */
export class FeatureNotInPlanError extends DomainError {
  readonly code = 'FEATURE_NOT_IN_PLAN';
  constructor(
    readonly feature: Feature,
    readonly plan: Plan,
    readonly requiredPlan: Plan,
  ) {
    super(`The ${plan} plan does not include ${feature}; the ${requiredPlan} plan does.`);
  }
}

/** The role may not do the action; says which roles may. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(
    readonly action: Action,
    readonly role: Role,
    readonly requiredRoles: readonly Role[],
    message = `The ${role} role may not do this (${ACTIONS[action].description}); it takes one of the roles ${requiredRoles.join(', ')}.`,
  ) {
    super(message);
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('The email or password is wrong.');
  }
}

export class TooManyLoginAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_LOGIN_ATTEMPTS';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins. Try again in ${retryAfterSeconds} seconds.`);
  }
}

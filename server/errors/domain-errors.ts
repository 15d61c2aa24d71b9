import { ACTIONS, type Action, type ActorKind, type Feature } from '../access/policy.ts';
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
  FORBIDDEN: "The caller's role may not do this, or an API key asked for what takes a signed-in admin.",
  INVALID_CREDENTIALS: 'The email or password is wrong (which one is never said).',
  TOO_MANY_LOGIN_ATTEMPTS: 'Too many failed sign-ins for this account or from this address; wait and retry.',
  PROFILE_ALREADY_VALIDATED: 'The person already accepted an invitation; there is nothing to invite to.',
  EMAIL_UNDELIVERABLE: 'Email to this address bounced or was reported as spam; change the address first.',
  RESEND_TOO_SOON: 'The profile was invited moments ago; wait before sending again.',
  INVITATION_NOT_FOUND: 'No invitation has this token (mistyped, or its profile was deleted).',
  INVITATION_EXPIRED: 'The invitation expired; an admin can send a new one.',
  INVITATION_REVOKED: 'The invitation was revoked, or replaced by a newer one.',
  INVITATION_ALREADY_USED: 'The invitation was already accepted; a token works once.',
  SELECTION_TOO_LARGE: "The selection holds more profiles than the plan's largest bulk invitation.",
  NAME_ALREADY_USED: 'Another parking lot (or tag) of the organization has this name (compared case-insensitively).',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was already used for a different request.',
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

export class NameAlreadyUsedError extends InputError {
  readonly code = 'NAME_ALREADY_USED';
  constructor(path: string[], what: string, name: string) {
    super(path, `Another ${what} of this organization is already named "${name}".`);
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

/** The role, or the kind of caller, may not do the action; says which roles and kinds of caller may. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(
    readonly action: Action,
    readonly role: Role,
    readonly requiredRoles: readonly Role[],
    readonly actorKind: ActorKind,
    readonly allowedActorKinds: readonly ActorKind[],
    message = allowedActorKinds.includes(actorKind)
      ? `The ${role} role may not do this (${ACTIONS[action].description}); it takes one of the roles ${requiredRoles.join(', ')}.`
      : `An API key may not do this (${ACTIONS[action].description}); sign in as an admin with one of the roles ${requiredRoles.join(', ')}.`,
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

export class ProfileAlreadyValidatedError extends DomainError {
  readonly code = 'PROFILE_ALREADY_VALIDATED';
  constructor() {
    super('This person already accepted an invitation: there is nothing to invite them to.');
  }
}

export class EmailUndeliverableError extends DomainError {
  readonly code = 'EMAIL_UNDELIVERABLE';
  constructor(readonly email: string) {
    super(`Email to ${email} bounced or was reported as spam. Correct the profile's address before inviting again.`);
  }
}

export class ResendTooSoonError extends DomainError {
  readonly code = 'RESEND_TOO_SOON';
  constructor(readonly retryAfterSeconds: number) {
    super(`This profile was invited moments ago. Try again in ${retryAfterSeconds} seconds.`);
  }
}

export class InvitationNotFoundError extends DomainError {
  readonly code = 'INVITATION_NOT_FOUND';
  constructor() {
    super('This invitation link is not valid. Check that you opened the whole link from the email.');
  }
}

export class InvitationExpiredError extends DomainError {
  readonly code = 'INVITATION_EXPIRED';
  constructor(readonly expiredAt: Date) {
    super('This invitation has expired. Ask your administrator to send a new one.');
  }
}

export class InvitationRevokedError extends DomainError {
  readonly code = 'INVITATION_REVOKED';
  constructor(readonly superseded: boolean) {
    super(
      superseded
        ? 'A newer invitation replaced this one. Use the link in the most recent email.'
        : 'This invitation was withdrawn by your administrator.',
    );
  }
}

export class InvitationAlreadyUsedError extends DomainError {
  readonly code = 'INVITATION_ALREADY_USED';
  constructor() {
    super('This invitation was already accepted. Sign in to the app with your email and password.');
  }
}

export class SelectionTooLargeError extends DomainError {
  readonly code = 'SELECTION_TOO_LARGE';
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`The selection holds ${size} profiles; one bulk invitation on this plan takes at most ${max}. Narrow the filter or split it.`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This idempotency key was already used for a different request. Use a new key for a new request.');
  }
}

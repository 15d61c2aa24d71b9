import { globalIdOf } from './global-ids.ts';
import { ACTIONS, type Action, type ActorKind, type Feature } from './policy.ts';
import type { Plan, Role } from '../generated/prisma/enums.ts';

// THE catalogue of the mistakes and refusals a caller can meet. Each error is
// defined once, by `defineError` (or `defineInputError` for an error about one
// place in the input): its code, its GraphQL type, one description (used by
// the `ErrorCode` enum value and by the type), its typed details and the
// class the domain throws. From the catalogue (`ERROR_CATALOGUE`, at the end)
// come the GraphQL object types and the `ErrorCode` enum (errors.graphql.ts),
// the `extensions` of the GraphQL error a query raises (graphql-errors.ts) and
// the error-code table of the docs.

/** The GraphQL type of a typed detail; errors.graphql.ts maps each to its type. */
export type ErrorFieldType =
  | 'Int'
  | 'Boolean'
  | 'String'
  | 'DateTime'
  | 'Feature'
  | 'Plan'
  | 'Role'
  | 'Action'
  | 'ActorKind'
  | '[Role]'
  | '[ActorKind]'
  /** A profile's database id, exposed as its global id. */
  | 'ProfileId';

export interface ErrorEntry {
  /** The GraphQL object type (a member of the mutations' result unions). */
  typeName: string;
  description: string;
  /** An error about one place in the input: it also has `path` (the `InputError` interface). */
  input?: true;
  /** Typed details beyond `code`, `message` (and `path`). */
  fields?: Record<string, { type: ErrorFieldType; description: string; nullable?: true }>;
  /** HTTP status of a response carrying it as a GraphQL error (queries); 200 when left out. */
  httpStatus?: number;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/**
 * An error about one place in the input, named by its path (e.g. ["input", "profiles", "3", "email"]),
 * exposed as the GraphQL field `path`. Not named `path` here: graphql-js takes any error with a
 * `path` array for one it already located, and would lose the field the error happened in.
 */
export abstract class InputError extends DomainError {
  constructor(
    readonly inputPath: string[],
    message: string,
  ) {
    super(message);
  }
}

/** The base class of one error of the catalogue: its code on the class and on every instance, and its entry. */
export function defineError<const C extends string, const E extends ErrorEntry>(code: C, entry: E) {
  abstract class Defined extends DomainError {
    static readonly code: C = code;
    static readonly entry: E = entry;
    readonly code: C = code;
  }
  return Defined;
}

/** The same for an error about one place in the input (it has `path`). */
export function defineInputError<const C extends string, const E extends ErrorEntry & { input: true }>(code: C, entry: E) {
  abstract class Defined extends InputError {
    static readonly code: C = code;
    static readonly entry: E = entry;
    readonly code: C = code;
  }
  return Defined;
}

export class InvalidInputError extends defineInputError('INVALID_INPUT', {
  typeName: 'InvalidInput',
  input: true,
  description: 'A value is missing, empty, too long, out of range or malformed (an id that is not a global id of the right type); `path` names it.',
}) {}

export class InvalidEmailError extends defineInputError('INVALID_EMAIL', {
  typeName: 'InvalidEmail',
  input: true,
  description: 'The email address is not valid.',
}) {
  constructor(path: string[], email: string) {
    super(path, `"${email}" is not a valid email address.`);
  }
}

export class EmailAlreadyUsedError extends defineInputError('EMAIL_ALREADY_USED', {
  typeName: 'EmailAlreadyUsed',
  input: true,
  description: 'Another profile of the organization has this email (compared case-insensitively); `profileId` names it.',
  fields: {
    profileId: {
      type: 'ProfileId',
      nullable: true,
      description: 'Global id of the profile that has the address; null where it is not said (an admin account, a write that lost a race).',
    },
  },
}) {
  constructor(
    path: string[],
    email: string,
    /** The database id of the profile that has the address, when it may be said. */
    readonly profileId: string | null = null,
    message = `Another profile of this organization already uses the email ${email}.`,
  ) {
    super(path, message);
  }
}

export class ExternalIdAlreadyUsedError extends defineInputError('EXTERNAL_ID_ALREADY_USED', {
  typeName: 'ExternalIdAlreadyUsed',
  input: true,
  description: 'Another profile of the organization has this externalId (compared case-sensitively); `profileId` names it.',
  fields: {
    profileId: { type: 'ProfileId', nullable: true, description: 'Global id of the profile that has the externalId; null when a write lost a race.' },
  },
}) {
  constructor(
    path: string[],
    externalId: string,
    readonly profileId: string | null = null,
  ) {
    super(path, `Another profile of this organization already has the externalId "${externalId}".`);
  }
}

export class DuplicateInBatchError extends defineInputError('DUPLICATE_IN_BATCH', {
  typeName: 'DuplicateInBatch',
  input: true,
  description:
    'Another row of the same batch has the same externalId (or email, compared case-insensitively); that earlier row, `otherIndex`, ' +
    'was processed and this one was not. Fix the source data: the row fails again on every run until then.',
  fields: {
    otherIndex: { type: 'Int', description: 'Position (from 0) of the earlier row with the same value.' },
    field: { type: 'String', description: 'Which value is repeated: externalId or email.' },
  },
}) {
  constructor(
    path: string[],
    readonly field: 'externalId' | 'email',
    readonly otherIndex: number,
    value: string,
  ) {
    super(path, `Row ${otherIndex} of this batch already has the ${field} "${value}"; this row was skipped.`);
  }
}

export class UnknownParkingLotError extends defineInputError('UNKNOWN_PARKING_LOT', {
  typeName: 'UnknownParkingLot',
  input: true,
  description: 'The parking lot id names no parking lot of the organization.',
}) {
  constructor(path: string[]) {
    super(path, 'No parking lot of this organization has this id.');
  }
}

export class UnknownTagError extends defineInputError('UNKNOWN_TAG', {
  typeName: 'UnknownTag',
  input: true,
  description: 'The tag id names no tag of the organization.',
}) {
  constructor(path: string[]) {
    super(path, 'No tag of this organization has this id.');
  }
}

export class BatchTooLargeError extends defineInputError('BATCH_TOO_LARGE', {
  typeName: 'BatchTooLarge',
  input: true,
  description: 'The batch has more items than one call accepts.',
  fields: {
    size: { type: 'Int', description: 'How many items were sent.' },
    max: { type: 'Int', description: 'How many one call accepts.' },
  },
}) {
  constructor(
    path: string[],
    readonly size: number,
    readonly max: number,
  ) {
    super(path, `A batch holds at most ${max} items; this one has ${size}. Split it.`);
  }
}

export class NotFoundError extends defineInputError('NOT_FOUND', {
  typeName: 'NotFound',
  input: true,
  description: 'The id names nothing of the organization.',
}) {
  constructor(path: string[], what: string) {
    super(path, `No ${what} of this organization has this id.`);
  }
}

export class NameAlreadyUsedError extends defineInputError('NAME_ALREADY_USED', {
  typeName: 'NameAlreadyUsed',
  input: true,
  description: 'Another parking lot (or tag) of the organization has this name (compared case-insensitively).',
}) {
  constructor(path: string[], what: string, name: string) {
    super(path, `Another ${what} of this organization is already named "${name}".`);
  }
}

export class PasswordTooWeakError extends defineInputError('PASSWORD_TOO_WEAK', {
  typeName: 'PasswordTooWeak',
  input: true,
  description: 'The password does not meet the policy; the message says which rule.',
}) {}

/** The plan lacks a feature; says which feature and the smallest plan that has it. */
export class FeatureNotInPlanError extends defineError('FEATURE_NOT_IN_PLAN', {
  typeName: 'FeatureNotInPlan',
  description: "The organization's plan does not include what this needs; `requiredPlan` does.",
  httpStatus: 403,
  fields: {
    feature: { type: 'Feature', description: 'The missing feature.' },
    plan: { type: 'Plan', description: "The organization's plan." },
    requiredPlan: { type: 'Plan', description: 'The smallest plan that includes the feature.' },
  },
}) {
  constructor(
    readonly feature: Feature,
    readonly plan: Plan,
    readonly requiredPlan: Plan,
  ) {
    super(`The ${plan} plan does not include ${feature}; the ${requiredPlan} plan does.`);
  }
}

/** The role, or the kind of caller, may not do the action; says which roles and kinds of caller may. */
export class ForbiddenError extends defineError('FORBIDDEN', {
  typeName: 'Forbidden',
  description:
    'The caller may not do this: its role is not one of `requiredRoles`, or it is an API key and the action takes a signed-in admin ' +
    '(`allowedActorKinds`; API keys never manage API keys or admins).',
  httpStatus: 403,
  fields: {
    action: { type: 'Action', description: 'What was refused.' },
    role: { type: 'Role', description: "The caller's role." },
    requiredRoles: { type: '[Role]', description: 'The roles that may do it.' },
    actorKind: { type: 'ActorKind', description: 'How the caller authenticated.' },
    allowedActorKinds: { type: '[ActorKind]', description: 'The kinds of caller that may do it (only ADMIN: sign in; an API key will not do).' },
  },
}) {
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

export class InvalidCredentialsError extends defineError('INVALID_CREDENTIALS', {
  typeName: 'InvalidCredentials',
  description: 'The email or password is wrong. It never says which, nor whether the account exists.',
}) {
  constructor() {
    super('The email or password is wrong.');
  }
}

export class TooManyLoginAttemptsError extends defineError('TOO_MANY_LOGIN_ATTEMPTS', {
  typeName: 'TooManyLoginAttempts',
  description:
    'Too many failed sign-ins for this account or from this address, without a trusted device token; nothing was checked. The wait doubles with each further failure.',
  fields: { retryAfterSeconds: { type: 'Int', description: 'How long to wait before the next try.' } },
}) {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins. Try again in ${retryAfterSeconds} seconds.`);
  }
}

export class NotASessionError extends defineError('NOT_A_SESSION', {
  typeName: 'NotASession',
  description: 'The call was made with an API key, which has no session to end; revoke keys with apiKeyRevoke.',
}) {
  constructor() {
    super('This call was made with an API key, not a session; revoke keys with apiKeyRevoke.');
  }
}

export class CannotRemoveSelfError extends defineError('CANNOT_REMOVE_SELF', {
  typeName: 'CannotRemoveSelf',
  description: 'Nobody removes themselves; another owner can.',
}) {
  constructor() {
    super('You cannot remove yourself; another owner can.');
  }
}

export class LastOwnerError extends defineError('LAST_OWNER', {
  typeName: 'LastOwner',
  description: 'This is the last owner of the organization; add another owner first.',
}) {
  constructor() {
    super('This is the last owner of the organization; add another owner first.');
  }
}

export class ProfileAlreadyValidatedError extends defineError('PROFILE_ALREADY_VALIDATED', {
  typeName: 'ProfileAlreadyValidated',
  description: 'The person already accepted an invitation; inviting again is refused.',
}) {
  constructor() {
    super('This person already accepted an invitation: there is nothing to invite them to.');
  }
}

export class EmailUndeliverableError extends defineError('EMAIL_UNDELIVERABLE', {
  typeName: 'EmailUndeliverable',
  description: "Email to the profile's address bounced or was reported as spam; change the address before inviting again.",
  fields: { email: { type: 'String', description: 'The address that cannot be used.' } },
}) {
  constructor(readonly email: string) {
    super(`Email to ${email} bounced or was reported as spam. Correct the profile's address before inviting again.`);
  }
}

export class ResendTooSoonError extends defineError('RESEND_TOO_SOON', {
  typeName: 'ResendTooSoon',
  description: 'The profile (or the address, for an admin invitation) was invited moments ago; re-sending is limited so nobody is spammed.',
  fields: { retryAfterSeconds: { type: 'Int', description: 'How long to wait before re-sending.' } },
}) {
  constructor(
    readonly retryAfterSeconds: number,
    message = `This profile was invited moments ago. Try again in ${retryAfterSeconds} seconds.`,
  ) {
    super(message);
  }
}

export class InvitationNotFoundError extends defineError('INVITATION_NOT_FOUND', {
  typeName: 'InvitationNotFound',
  description: 'No invitation has this token (mistyped, or its profile was deleted).',
}) {
  constructor() {
    super('This invitation link is not valid. Check that you opened the whole link from the email.');
  }
}

export class InvitationExpiredError extends defineError('INVITATION_EXPIRED', {
  typeName: 'InvitationExpired',
  description: 'The invitation expired before it was accepted; an admin can send a new one.',
  fields: { expiredAt: { type: 'DateTime', description: 'When it expired.' } },
}) {
  constructor(readonly expiredAt: Date) {
    super('This invitation has expired. Ask your administrator to send a new one.');
  }
}

export class InvitationRevokedError extends defineError('INVITATION_REVOKED', {
  typeName: 'InvitationRevoked',
  description: 'The invitation was revoked by an admin, or replaced by a newer one.',
  fields: { superseded: { type: 'Boolean', description: 'True when a newer invitation replaced it (rather than a revocation).' } },
}) {
  constructor(readonly superseded: boolean) {
    super(superseded ? 'A newer invitation replaced this one. Use the link in the most recent email.' : 'This invitation was withdrawn by your administrator.');
  }
}

export class InvitationAlreadyUsedError extends defineError('INVITATION_ALREADY_USED', {
  typeName: 'InvitationAlreadyUsed',
  description: 'The invitation was already accepted; a token works once.',
}) {
  constructor() {
    super('This invitation was already accepted. Sign in to the app with your email and password.');
  }
}

export class SelectionTooLargeError extends defineError('SELECTION_TOO_LARGE', {
  typeName: 'SelectionTooLarge',
  description: 'The selection holds more profiles than one bulk action of this kind takes on the plan (Viewer.maxBulkInvitationSize, Viewer.maxBulkEditSize).',
  fields: {
    size: { type: 'Int', description: 'How many profiles the selection holds.' },
    max: { type: 'Int', description: 'The most one bulk action of this kind takes on this plan.' },
  },
}) {
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`The selection holds ${size} profiles; one bulk action of this kind takes at most ${max} on this plan. Narrow the filter or split it.`);
  }
}

export class IdempotencyKeyReusedError extends defineError('IDEMPOTENCY_KEY_REUSED', {
  typeName: 'IdempotencyKeyReused',
  description: 'The idempotency key was already used for a different request (another selection, another input).',
}) {
  constructor() {
    super('This idempotency key was already used for a different request. Use a new key for a new request.');
  }
}

export class WebhookUrlRefusedError extends defineInputError('WEBHOOK_URL_REFUSED', {
  typeName: 'WebhookUrlRefused',
  input: true,
  description:
    'The URL cannot receive webhooks: not an absolute http(s) URL, carries a user name or password, or (in production) names a ' +
    'loopback, private, link-local or otherwise non-public address, given or resolved.',
}) {}

export class WebhookEndpointLimitReachedError extends defineError('WEBHOOK_ENDPOINT_LIMIT_REACHED', {
  typeName: 'WebhookEndpointLimitReached',
  description: 'The organization has as many webhook endpoints as it may; delete one first.',
  fields: { max: { type: 'Int', description: 'How many endpoints an organization may have.' } },
}) {
  constructor(readonly max: number) {
    super(`An organization has at most ${max} webhook endpoints; delete one before adding another.`);
  }
}

export class ProfileDeactivatedError extends defineError('PROFILE_DEACTIVATED', {
  typeName: 'ProfileDeactivated',
  description: 'The profile is DEACTIVATED by its directory (Entra ID, Okta): it cannot be invited until the directory reactivates it.',
}) {
  constructor() {
    super('This profile was deactivated by its directory (Entra ID, Okta): it cannot be invited until the directory reactivates it.');
  }
}

export class ManagedByDirectoryError extends defineInputError('MANAGED_BY_DIRECTORY', {
  typeName: 'ManagedByDirectory',
  input: true,
  description:
    "The field comes from the profile's directory (Entra ID, Okta: name, email, phone, externalId, language): change it there; `path` names it. Access and tags stay the admin's to change.",
}) {
  constructor(path: string[]) {
    super(path, `${String(path.at(-1))} comes from the profile's directory (Entra ID, Okta): change it there.`);
  }
}

export class DirectoryConnectionLimitReachedError extends defineError('DIRECTORY_CONNECTION_LIMIT_REACHED', {
  typeName: 'DirectoryConnectionLimitReached',
  description: 'The organization has as many directory connections as it may; delete one first.',
  fields: { max: { type: 'Int', description: 'How many directory connections an organization may have.' } },
}) {
  constructor(readonly max: number) {
    super(`An organization has at most ${max} directory connections; delete one before adding another.`);
  }
}

export class AdminInvitationLimitReachedError extends defineError('ADMIN_INVITATION_LIMIT_REACHED', {
  typeName: 'AdminInvitationLimitReached',
  description: 'The organization has as many open admin invitations as it may; revoke one, or wait for some to be accepted or expire.',
  fields: { max: { type: 'Int', description: 'How many admin invitations may be open at once.' } },
}) {
  constructor(readonly max: number) {
    super(`An organization has at most ${max} open admin invitations; revoke one before inviting another.`);
  }
}

// --- The catalogue -------------------------------------------------------------

/** Every error a caller can meet, once each; the ErrorCode enum lists them in this order. */
export const ERROR_CATALOGUE = [
  InvalidInputError,
  InvalidEmailError,
  EmailAlreadyUsedError,
  ExternalIdAlreadyUsedError,
  DuplicateInBatchError,
  UnknownParkingLotError,
  UnknownTagError,
  BatchTooLargeError,
  NotFoundError,
  NameAlreadyUsedError,
  PasswordTooWeakError,
  FeatureNotInPlanError,
  ForbiddenError,
  InvalidCredentialsError,
  TooManyLoginAttemptsError,
  NotASessionError,
  CannotRemoveSelfError,
  LastOwnerError,
  ProfileAlreadyValidatedError,
  EmailUndeliverableError,
  ResendTooSoonError,
  InvitationNotFoundError,
  InvitationExpiredError,
  InvitationRevokedError,
  InvitationAlreadyUsedError,
  SelectionTooLargeError,
  IdempotencyKeyReusedError,
  WebhookUrlRefusedError,
  WebhookEndpointLimitReachedError,
  ProfileDeactivatedError,
  ManagedByDirectoryError,
  DirectoryConnectionLimitReachedError,
  AdminInvitationLimitReachedError,
] as const;

type CatalogueClass = (typeof ERROR_CATALOGUE)[number];
export type ErrorCode = CatalogueClass['code'];
type ClassOfCode<C extends ErrorCode> = Extract<CatalogueClass, { code: C }>;
type Entry<C extends ErrorCode> = ClassOfCode<C>['entry'];
type DetailNames<C extends ErrorCode> = Entry<C> extends { fields: infer F } ? keyof F : never;

/** The class of code C: the compiler refuses a class whose instances lack one of its entry's details. */
type Checked<C extends ErrorCode> = abstract new (
  // biome-ignore lint/suspicious/noExplicitAny: constructors differ per error; only the instances are checked.
  ...args: any[]
) => { readonly [K in DetailNames<C>]: unknown };

/** The class of each code (e.g. to find a mutation's error types). */
export const ERROR_CLASSES = Object.fromEntries(ERROR_CATALOGUE.map((errorClass) => [errorClass.code, errorClass])) as unknown as {
  [C in ErrorCode]: ClassOfCode<C>;
} satisfies { [C in ErrorCode]: Checked<C> };

/** The entry of each code, in the catalogue's order. */
export const DOMAIN_ERRORS = Object.fromEntries(ERROR_CATALOGUE.map((errorClass) => [errorClass.code, errorClass.entry])) as unknown as {
  [C in ErrorCode]: Entry<C>;
};

/** The entry of a code; every DomainError is made by defineError, so its code is in the catalogue. */
export function errorEntry(code: string): ErrorEntry {
  const entry: ErrorEntry | undefined = (DOMAIN_ERRORS as Record<string, ErrorEntry>)[code];
  if (!entry) throw new Error(`${code} is not in the error catalogue (server/kernel/errors.ts)`);
  return entry;
}

/**
 * The typed details of an error as plain JSON values (a query's GraphQL error
 * carries them in `extensions`, next to `code`): `path` for input errors and
 * the row's fields.
 */
export function errorDetails(error: DomainError): Record<string, unknown> {
  const entry = errorEntry(error.code);
  const details: Record<string, unknown> = {};
  if (entry.input) details.path = (error as InputError).inputPath;
  for (const [name, field] of Object.entries(entry.fields ?? {})) {
    const value = (error as unknown as Record<string, unknown>)[name];
    details[name] =
      value instanceof Date ? value.toISOString() : field.type === 'ProfileId' && typeof value === 'string' ? globalIdOf('Profile', value) : value;
  }
  return details;
}

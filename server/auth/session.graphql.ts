import { accessRefusals } from '../access/access.graphql.ts';
import { builder } from '../builder.ts';
import { InvalidCredentialsError, InvalidInputError, TooManyLoginAttemptsError } from '../errors/domain-errors.ts';
import { ErrorInterface } from '../errors/errors.graphql.ts';
import { login, logout, type Session } from './sessions.ts';

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentials',
  description: 'The email or password is wrong. It never says which, nor whether the account exists.',
  interfaces: [ErrorInterface],
});

builder.objectType(TooManyLoginAttemptsError, {
  name: 'TooManyLoginAttempts',
  description: 'Too many failed sign-ins for this account or from this address; nothing was checked.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'How long to wait before the next try.' }),
  }),
});

const AdminLoginInput = builder.inputType('AdminLoginInput', {
  description: 'An admin\'s credentials.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'The admin\'s email address (any case).' }),
    password: t.string({ required: true, description: 'The admin\'s password.' }),
  }),
});

const AdminLoginPayload = builder.objectRef<Session>('AdminLoginPayload').implement({
  description: 'A new session.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Send as "Authorization: Bearer <token>". Opaque; only its hash is kept, so it cannot be shown again.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the session ends by itself.' }),
  }),
});

const AdminLogoutPayload = builder.objectRef<{ ended: true }>('AdminLogoutPayload').implement({
  description: 'The session ended.',
  fields: (t) => ({ sessionEnded: t.exposeBoolean('ended', { description: 'Always true: the token no longer works.' }) }),
});

builder.mutationFields((t) => ({
  adminLogin: t.field({
    type: AdminLoginPayload,
    description:
      'Signs an admin in and returns a session token. Failed attempts are limited per account and per address; ' +
      'the answer never says whether the email has an account.',
    errors: { types: [InvalidCredentialsError, TooManyLoginAttemptsError, InvalidInputError] },
    args: { input: t.arg({ type: AdminLoginInput, required: true, description: 'The credentials.' }) },
    resolve: (_root, { input }, context) =>
      login({ prisma: context.prisma, clock: context.clock }, { ...input, address: context.clientAddress }),
  }),
  adminLogout: t.withAuth({ authenticated: true }).field({
    type: AdminLogoutPayload,
    description: 'Ends the session whose token made this call. API keys are revoked with apiKeyRevoke instead.',
    errors: { types: [InvalidInputError, ...accessRefusals] },
    resolve: async (_root, _args, context) => {
      if (!context.viewer.sessionId) throw new InvalidInputError([], 'This call was made with an API key, not a session; revoke keys with apiKeyRevoke.');
      await logout({ prisma: context.prisma, clock: context.clock }, context.viewer.sessionId);
      return { ended: true } as const;
    },
  }),
}));

import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { OrganizationRef } from '../organizations/organization.graphql.ts';
import { InvalidCredentialsError, InvalidInputError, NotASessionError, TooManyLoginAttemptsError } from '../kernel/errors.ts';
import { endCallerSession, login, type Session } from './sessions.ts';

const AdminLoginInput = builder.inputType('AdminLoginInput', {
  description: "An admin's credentials.",
  fields: (t) => ({
    email: t.string({ required: true, description: "The admin's email address (any case)." }),
    password: t.string({ required: true, description: "The admin's password." }),
    organizationId: t.globalID({
      for: OrganizationRef,
      description:
        'The organization to sign in to, for an email that is an admin of several. Left out: the accounts of the email are tried, ' +
        'most recently signed in first, and the first whose password matches signs in.',
    }),
    deviceToken: t.string({
      required: false,
      description:
        'The device token an earlier sign-in of this admin returned on this device (browser or script), if any. ' +
        "With a valid one, failures count against this device only, so failures from elsewhere never refuse it; an unknown, expired or another admin's token counts as none.",
    }),
  }),
});

const AdminLoginPayload = builder.objectRef<Session>('AdminLoginPayload').implement({
  description: 'A new session.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Send as "Authorization: Bearer <token>". Opaque; only its hash is kept, so it cannot be shown again.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the session ends by itself.' }),
    deviceToken: t.exposeString('deviceToken', {
      description:
        "Keep it on this device (it outlives the session and sign-out) and send it as deviceToken with this admin's next sign-ins. " +
        'The one sent is returned while valid (its 180 days start again); otherwise a new one. Opaque; only its hash is kept.',
    }),
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
      'Signs an admin in and returns a session token and a device token. Failed attempts are limited per device (with a device token), ' +
      'else per account and per address with growing delays; the answer never says whether the email has an account.',
    errors: { types: [InvalidCredentialsError, TooManyLoginAttemptsError, InvalidInputError] },
    args: { input: t.arg({ type: AdminLoginInput, required: true, description: 'The credentials.' }) },
    resolve: (_root, { input }, context) =>
      login(context, {
        email: input.email,
        password: input.password,
        organizationId: input.organizationId?.id,
        deviceToken: input.deviceToken,
        address: context.clientAddress,
      }),
  }),
  adminLogout: t.withAuth({ authenticated: true }).field({
    type: AdminLogoutPayload,
    description: 'Ends the session whose token made this call. API keys are revoked with apiKeyRevoke instead.',
    errors: { types: [NotASessionError, ...accessRefusals] },
    resolve: async (_root, _args, context) => {
      await endCallerSession(context.scope);
      return { ended: true } as const;
    },
  }),
}));

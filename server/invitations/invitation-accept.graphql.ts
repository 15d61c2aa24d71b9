import { PASSWORD_POLICY } from '../auth/index.ts';
import { builder } from '../graphql/builder.ts';
import { InvitationAlreadyUsedError, InvitationExpiredError, InvitationNotFoundError, InvitationRevokedError, PasswordTooWeakError } from '../kernel/errors.ts';
import type { Invitation } from '../generated/prisma/client.ts';
import { InvitationStateEnum } from './invitation.graphql.ts';
import { type AcceptedInvitation, acceptInvitation, readInvitationByToken } from './invitation-accept.ts';
import { invitationState } from './invitation-state.ts';
import { LocaleEnum } from '../i18n/locale.graphql.ts';
import { effectiveLocale, type Locale } from '../i18n/locales.ts';

// The invited person, by the token of their link (public: no credentials):
// what the accept page shows, and accepting.

type InvitationWithNames = Invitation & {
  profile: { firstName: string; locale: Locale | null };
  organization: { name: string; defaultLocale: Locale; timeZone: string; inviteeMayRequestNewLink: boolean };
};

const PublicInvitationRef = builder.objectRef<InvitationWithNames>('PublicInvitation').implement({
  description: 'What the accept page may show to whoever holds the link: no more than the email itself says.',
  fields: (t) => ({
    organizationName: t.string({ description: 'Who invites.', resolve: (invitation) => invitation.organization.name }),
    firstName: t.string({ description: "The invited person's first name.", resolve: (invitation) => invitation.profile.firstName }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the link stops working.' }),
    state: t.field({
      type: InvitationStateEnum,
      description: 'OPEN when it can be accepted now; otherwise why not.',
      resolve: (invitation, _args, context) => invitationState(invitation, context.clock.now()),
    }),
    passwordPolicy: t.string({ description: 'The rules the password must follow, to show next to the field.', resolve: () => PASSWORD_POLICY }),
    locale: t.field({
      type: LocaleEnum,
      description: "The language to speak to the person in: their profile's, else the organization's default.",
      resolve: (invitation) => effectiveLocale(invitation.profile.locale, invitation.organization.defaultLocale),
    }),
    timeZone: t.string({
      description: "The organization's time zone, in which the emails state dates.",
      resolve: (invitation) => invitation.organization.timeZone,
    }),
    newLinkAvailable: t.boolean({
      description:
        'True when the invitation is EXPIRED and the organization lets its people ask for a new link (invitationRequestNewLink). ' +
        'Whether one is then sent is never said.',
      resolve: (invitation, _args, context) =>
        invitation.organization.inviteeMayRequestNewLink && invitationState(invitation, context.clock.now()) === 'EXPIRED',
    }),
  }),
});

const InvitationAcceptInput = builder.inputType('InvitationAcceptInput', {
  description: 'The token from the email link and the password the person chose.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The token from the link (the part after #token=).' }),
    password: t.string({ required: true, description: `The new password. ${PASSWORD_POLICY}` }),
  }),
});

const InvitationAcceptPayload = builder.objectRef<AcceptedInvitation>('InvitationAcceptPayload').implement({
  description: 'The account is confirmed; an email with the app links is on its way.',
  fields: (t) => ({
    firstName: t.string({ description: "The person's first name.", resolve: ({ firstName }) => firstName }),
    organizationName: t.string({ description: 'The organization they joined.', resolve: ({ organization }) => organization.name }),
    appStoreUrl: t.string({ nullable: true, description: 'iOS app link.', resolve: ({ organization }) => organization.appStoreUrl }),
    playStoreUrl: t.string({ nullable: true, description: 'Android app link.', resolve: ({ organization }) => organization.playStoreUrl }),
  }),
});

builder.queryFields((t) => ({
  invitationByToken: t.field({
    type: PublicInvitationRef,
    nullable: true,
    description: 'Public (no credentials): the invitation a link points to, for the accept page; null for an unknown token.',
    args: { token: t.arg.string({ required: true, description: 'The token from the link.' }) },
    resolve: (_root, args, context) => readInvitationByToken(context, args.token),
  }),
}));

builder.mutationFields((t) => ({
  invitationAccept: t.field({
    type: InvitationAcceptPayload,
    description:
      'Public (no credentials): the invited person confirms their account with the token from the email and a new password. ' +
      'The profile becomes VALIDATED and the app-download email follows. A token works once.',
    errors: { types: [InvitationNotFoundError, InvitationExpiredError, InvitationRevokedError, InvitationAlreadyUsedError, PasswordTooWeakError] },
    args: { input: t.arg({ type: InvitationAcceptInput, required: true, description: 'Token and password.' }) },
    resolve: (_root, { input }, context) => acceptInvitation(context, input),
  }),
}));

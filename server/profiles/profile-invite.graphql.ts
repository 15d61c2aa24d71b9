import { accessRefusals } from '../graphql/access.graphql.ts';
import { builder } from '../graphql/builder.ts';
import { idempotencyKeyDescription, wasReplayed } from '../kernel/idempotency.ts';
import {
  EmailUndeliverableError,
  IdempotencyKeyReusedError,
  InvalidEmailError,
  InvalidInputError,
  InvitationAlreadyUsedError,
  InvitationExpiredError,
  InvitationRevokedError,
  NotFoundError,
  ProfileAlreadyValidatedError,
  ProfileDeactivatedError,
  ResendTooSoonError,
} from '../kernel/errors.ts';
import type { Invitation, Profile } from '../generated/prisma/client.ts';
import { ProfileRef } from './profile.graphql.ts';
import { InvitationRef } from '../invitations/invitation.graphql.ts';
import { inviteProfile, revokeInvitation } from '../invitations/index.ts';

// Inviting one profile (profileInvite) and withdrawing an invitation (invitationRevoke).

const ProfileInviteInput = builder.inputType('ProfileInviteInput', {
  description: 'The profile to invite.',
  fields: (t) => ({
    profileId: t.globalID({ for: ProfileRef, required: true, description: 'Global id of the profile.' }),
    sendEmail: t.boolean({
      defaultValue: true,
      description: 'False: send no email and return the link instead, this once, for the admin to hand over another way.',
    }),
    idempotencyKey: t.string({
      description: `${idempotencyKeyDescription('invitation')} A replay answers the invitation as it now is (and its link, with sendEmail: false), only to the caller who sent the key first.`,
    }),
  }),
});

const ProfileInvitePayload = builder.objectRef<{ profile: Profile; invitation: Invitation; link: string | null }>('ProfileInvitePayload').implement({
  description: 'The profile, now PENDING, and its new invitation. Earlier invitations of the profile stopped working.',
  fields: (t) => ({
    profile: t.field({ type: ProfileRef, description: 'The profile.', resolve: (payload) => payload.profile }),
    invitation: t.field({ type: InvitationRef, description: 'The new invitation.', resolve: (payload) => payload.invitation }),
    link: t.exposeString('link', {
      nullable: true,
      description: 'The accept link, only when sendEmail was false. Shown this once: it is not stored and cannot be read again.',
    }),
    replayed: t.boolean({
      description: 'True when an earlier profileInvite with the same idempotency key made this invitation (nobody was invited now).',
      resolve: (payload) => wasReplayed(payload),
    }),
  }),
});

const InvitationRevokeInput = builder.inputType('InvitationRevokeInput', {
  description: 'The invitation to withdraw.',
  fields: (t) => ({ invitationId: t.globalID({ for: InvitationRef, required: true, description: 'Global id of the invitation.' }) }),
});

const InvitationPayload = builder.objectRef<{ invitation: Invitation }>('InvitationPayload').implement({
  description: 'The invitation as it now is.',
  fields: (t) => ({ invitation: t.field({ type: InvitationRef, description: 'The invitation.', resolve: (payload) => payload.invitation }) }),
});

builder.mutationFields((t) => ({
  profileInvite: t.withAuth({ allowed: 'INVITE' }).field({
    type: ProfileInvitePayload,
    description:
      'Invites one profile: NOT_INVITED or PENDING → PENDING with a new invitation; any earlier invitation of the profile stops working. ' +
      'The email goes out in the background (or, with sendEmail: false, the link is returned instead).',
    errors: {
      types: [
        InvalidInputError,
        NotFoundError,
        ProfileAlreadyValidatedError,
        ProfileDeactivatedError,
        InvalidEmailError,
        EmailUndeliverableError,
        ResendTooSoonError,
        IdempotencyKeyReusedError,
        ...accessRefusals,
      ],
    },
    args: { input: t.arg({ type: ProfileInviteInput, required: true, description: 'The profile to invite.' }) },
    resolve: (_root, { input }, context) => inviteProfile(context.scope, input.profileId.id, { sendEmail: input.sendEmail ?? true }, input.idempotencyKey),
  }),
  invitationRevoke: t.withAuth({ allowed: 'INVITE' }).field({
    type: InvitationPayload,
    description: 'Withdraws an open invitation: its link stops working, and its email is not sent if it has not gone yet. The profile stays PENDING.',
    errors: { types: [InvalidInputError, NotFoundError, InvitationAlreadyUsedError, InvitationExpiredError, InvitationRevokedError, ...accessRefusals] },
    args: { input: t.arg({ type: InvitationRevokeInput, required: true, description: 'The invitation.' }) },
    resolve: async (_root, { input }, context) => ({
      invitation: await revokeInvitation(context.scope, input.invitationId.id),
    }),
  }),
}));

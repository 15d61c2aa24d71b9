import { builder } from '../builder.ts';
import { organizationIdOf } from '../organizations/organization-scope.ts';
import { invitationState } from './invitation-state.ts';

export const InvitationStateEnum = builder.enumType('InvitationState', {
  description: 'Where an invitation stands now.',
  values: {
    OPEN: { description: 'Sent, not yet accepted, still valid.' },
    EXPIRED: { description: 'Not accepted in time; the profile must be re-invited.' },
    ACCEPTED: { description: 'The person accepted it and set a password.' },
    REVOKED: { description: 'An admin revoked it.' },
    SUPERSEDED: { description: 'A newer invitation of the same profile replaced it.' },
  } as const,
});

export const EmailDeliveryStateEnum = builder.enumType('EmailDeliveryState', {
  description: 'What became of an email, as the email provider reports it.',
  values: {
    QUEUED: { description: 'Written, waiting to be handed to the provider.' },
    SENT: { description: 'Accepted by the provider.' },
    DELIVERED: { description: "The recipient's server accepted it." },
    BOUNCED: { description: 'It bounced; the address may be wrong.' },
    SPAM_COMPLAINT: { description: 'The recipient marked it as spam.' },
    FAILED: { description: 'It could not be sent.' },
    CANCELLED: { description: 'Not sent: when it was due, the person could no longer be contacted for it (e.g. the invitation was replaced).' },
    NO_EMAIL: { description: 'No email: the link was handed over another way (sendEmail: false).' },
  } as const,
});

export const InvitationRef = builder.prismaNode('Invitation', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'One sending of an invitation to a profile. Its token is never readable.',
  id: { field: 'id', description: 'Global id of the invitation.' },
  findUnique: (id, context) => ({ id, organizationId: organizationIdOf(context) }),
  fields: (t) => ({
    email: t.exposeString('email', { description: 'The address it was sent to.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When it stops working if not accepted.' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true, description: 'When the person accepted it.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When an admin revoked it.' }),
    state: t.field({
      type: InvitationStateEnum,
      description: 'Where it stands now.',
      select: { expiresAt: true, acceptedAt: true, revokedAt: true, supersededAt: true },
      resolve: (invitation, _args, context) => invitationState(invitation, context.clock.now()),
    }),
    expired: t.boolean({
      description: 'True when it was not accepted in time.',
      select: { expiresAt: true, acceptedAt: true, revokedAt: true, supersededAt: true },
      resolve: (invitation, _args, context) => invitationState(invitation, context.clock.now()) === 'EXPIRED',
    }),
    deliveryState: t.expose('deliveryState', { type: EmailDeliveryStateEnum, description: 'What became of its email.' }),
    deliveryUpdatedAt: t.expose('deliveryUpdatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the delivery state last changed.',
    }),
  }),
});

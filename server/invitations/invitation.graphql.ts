import { builder } from '../graphql/builder.ts';
import { ActorRef, senderOf, senderSelection } from '../graphql/actor.graphql.ts';
import type { EmailDeliveryState } from '../generated/prisma/enums.ts';
import { inCallerOrganization } from '../graphql/organization-scope.ts';
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
    SENDING: { description: 'Being handed to the provider; after an interruption, checked against its records before it is ever sent again.' },
    SENT: { description: 'Accepted by the provider.' },
    DELIVERED: { description: "The recipient's server accepted it." },
    BOUNCED: { description: 'It bounced; the address may be wrong.' },
    SPAM_COMPLAINT: { description: 'The recipient marked it as spam.' },
    FAILED: { description: 'It could not be sent.' },
    CANCELLED: { description: 'Not sent: when it was due, the person could no longer be contacted for it (e.g. the invitation was replaced).' },
    NO_EMAIL: { description: 'No email: the link was handed over another way (sendEmail: false).' },
  } as const,
});

const InvitationReminderRef = builder.objectRef<{ createdAt: Date; state: EmailDeliveryState; sentAt: Date | null }>('InvitationReminder').implement({
  description: 'The reminder email of an invitation, sent by Parkpass before it expired.',
  fields: (t) => ({
    queuedAt: t.expose('createdAt', { type: 'DateTime', description: 'When Parkpass decided to send it (the reminder time).' }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true, description: 'When the email provider accepted it.' }),
    deliveryState: t.field({ type: EmailDeliveryStateEnum, description: 'What became of it.', resolve: (reminder) => reminder.state }),
  }),
});

export const InvitationRef = builder.prismaNode('Invitation', {
  // Ids of another organization load as null, exactly like ids that do not exist.
  nullable: true,
  description: 'One sending of an invitation to a profile. Its token is never readable.',
  id: { field: 'id', description: 'Global id of the invitation.' },
  findUnique: inCallerOrganization('Invitation'),
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
    supersededAt: t.expose('supersededAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a newer invitation of the same profile replaced it.',
    }),
    sentBy: t.field({
      type: ActorRef,
      nullable: true,
      description:
        'Who sent it: the admin or API key, by name, or INVITED_PERSON when the person asked for it from the page of their expired invitation. ' +
        'Null when that admin or key was deleted since.',
      select: { ...senderSelection, requestedByInvitee: true },
      resolve: (invitation) => senderOf(invitation),
    }),
    reminder: t.field({
      type: InvitationReminderRef,
      nullable: true,
      description: 'The one reminder sent before it expired (organization setting reminderHoursBeforeExpiry), with the same link; null when none was sent.',
      select: { emails: { where: { kind: 'REMINDER' }, take: 1, select: { createdAt: true, state: true, sentAt: true } } },
      resolve: (invitation) => invitation.emails[0] ?? null,
    }),
    profile: t.relation('profile', { description: 'The invited profile.' }),
    bulkInvitation: t.relation('bulkInvitation', { nullable: true, description: 'The bulk invitation it was part of; null when it was sent on its own.' }),
    deliveryUpdatedAt: t.expose('deliveryUpdatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the delivery state last changed.',
    }),
  }),
});

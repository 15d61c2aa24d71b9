import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { inCallerOrganization } from '../organizations/organization-scope.ts';
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

export const ActorTypeEnum = builder.enumType('ActorType', {
  description: 'What kind of actor did something (sent an invitation, wrote a change). More values may come: treat an unknown one as "other".',
  values: {
    ADMIN: { description: 'An admin of the organization, in the admin UI or with a session token.' },
    API_KEY: { description: 'An integration, with an API key.' },
    INVITED_PERSON: { description: 'The invited person themself (accepting; asking for a new link from the accept page, to come).' },
    PARKPASS: { description: 'Parkpass itself: a background job or an operator command (reminders before expiry, to come).' },
  } as const,
});

export type ActorType = 'ADMIN' | 'API_KEY' | 'INVITED_PERSON' | 'PARKPASS';

/** Who did something, as shown to admins: never more than a kind, a name and an id. */
export interface ActorView {
  type: ActorType;
  name: string | null;
  /** Global id of the admin or API key, when it still exists. */
  id: string | null;
}

export const ActorRef = builder.objectRef<ActorView>('Actor').implement({
  description: 'Who did something: an admin, an API key, the invited person or Parkpass itself.',
  fields: (t) => ({
    type: t.field({ type: ActorTypeEnum, description: 'What kind of actor.', resolve: (actor) => actor.type }),
    name: t.exposeString('name', { nullable: true, description: "The admin's or the API key's name; null for the invited person and Parkpass." }),
    id: t.exposeID('id', { nullable: true, description: 'Global id of the admin or API key; null when it was deleted since, or for other kinds.' }),
  }),
});

/** The columns to select for senderOf. */
export const senderSelection = { sentByAdmin: { select: { id: true, name: true } }, sentByApiKey: { select: { id: true, name: true } } } as const;

/** Who sent an invitation or started a bulk invitation; null when that admin or API key was deleted since. */
export function senderOf(row: { sentByAdmin: { id: string; name: string } | null; sentByApiKey: { id: string; name: string } | null }): ActorView | null {
  if (row.sentByAdmin) return { type: 'ADMIN', name: row.sentByAdmin.name, id: encodeGlobalID('Admin', row.sentByAdmin.id) };
  if (row.sentByApiKey) return { type: 'API_KEY', name: row.sentByApiKey.name, id: encodeGlobalID('ApiKey', row.sentByApiKey.id) };
  return null;
}

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
      description: 'Who sent it: the admin or API key, by name. Null when that admin or key was deleted since.',
      select: senderSelection,
      resolve: (invitation) => senderOf(invitation),
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

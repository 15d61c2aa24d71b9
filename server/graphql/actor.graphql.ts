import { globalIdOf } from '../kernel/global-ids.ts';
import type { Actor } from '../kernel/scope.ts';
import { builder } from './builder.ts';

// Who did something, as admins see it: one GraphQL type shared by invitations,
// bulk invitations and the audit trail.

/** The kinds of actor, as the kernel defines them (server/kernel/scope.ts). */
export type ActorType = Actor['kind'];

export const ActorTypeEnum = builder.enumType('ActorType', {
  description: 'What kind of actor did something (sent an invitation, wrote a change). More values may come: treat an unknown one as "other".',
  values: {
    ADMIN: { description: 'An admin of the organization, in the admin UI or with a session token.' },
    API_KEY: { description: 'An integration, with an API key.' },
    INVITED_PERSON: { description: 'The invited person themself (accepting; asking for a new link from the accept page of an expired invitation).' },
    PARKPASS: { description: 'Parkpass itself: a background job or an operator command.' },
  } as const satisfies Record<ActorType, { description: string }>,
});

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
export function senderOf(row: {
  sentByAdmin: { id: string; name: string } | null;
  sentByApiKey: { id: string; name: string } | null;
  requestedByInvitee?: boolean;
}): ActorView | null {
  if (row.requestedByInvitee) return { type: 'INVITED_PERSON', name: null, id: null };
  if (row.sentByAdmin) return { type: 'ADMIN', name: row.sentByAdmin.name, id: globalIdOf('Admin', row.sentByAdmin.id) };
  if (row.sentByApiKey) return { type: 'API_KEY', name: row.sentByApiKey.name, id: globalIdOf('ApiKey', row.sentByApiKey.id) };
  return null;
}

import { builder } from '../graphql/builder.ts';
import { NEW_LINK_ANSWER, requestNewLink } from './invitation-renewal.ts';

// "Send me a new link" (public: the token of the expired invitation is the credential).

const InvitationRequestNewLinkInput = builder.inputType('InvitationRequestNewLinkInput', {
  description: 'The token of the expired invitation, from its link.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The token from the link of the expired invitation (the part after #token=).' }),
  }),
});

const InvitationRequestNewLinkPayload = builder.objectRef<{ message: string }>('InvitationRequestNewLinkPayload').implement({
  description: 'The request was received. The answer is the same whatever the token, the person or the outcome.',
  fields: (t) => ({
    message: t.exposeString('message', { description: `Always: "${NEW_LINK_ANSWER}"` }),
  }),
});

builder.mutationFields((t) => ({
  invitationRequestNewLink: t.field({
    type: InvitationRequestNewLinkPayload,
    description:
      'Public (no credentials): from the accept page of an expired invitation, its person asks for a new link. A new invitation is sent ' +
      'by email, in the background, only when the invitation expired (not revoked, superseded or accepted), is still the latest of a PENDING ' +
      'profile, the organization allows it (inviteeMayRequestNewLink) and the limits per person and address are not spent. The answer is ' +
      'the same in every case and never says which.',
    args: { input: t.arg({ type: InvitationRequestNewLinkInput, required: true, description: 'The token.' }) },
    resolve: async (_root, { input }, context) => {
      await requestNewLink(context.prisma, input.token);
      return { message: NEW_LINK_ANSWER };
    },
  }),
}));

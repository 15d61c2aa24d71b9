// THE catalogue of outbound webhook events: wire name, GraphQL enum name,
// description and the fields of `data` (the events table of docs/webhooks.md is
// printed from it and checked). Payloads carry ids and timestamps only: never a token,
// an email address or a name. The receiver reads the rest through the API.

export const WEBHOOK_EVENTS = {
  'profile.invited': {
    enumName: 'PROFILE_INVITED',
    description: 'A profile was invited (or re-invited): a new invitation exists and its email is queued.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The new invitation (global id).',
      bulkInvitationId: 'The bulk invitation it belongs to (global id), or null.',
      reinvited: 'True when an earlier invitation of the profile was replaced.',
      invitedAt: 'When it was created.',
      expiresAt: 'When its link stops working.',
    },
  },
  'invitation.accepted': {
    enumName: 'INVITATION_ACCEPTED',
    description: 'The person accepted an invitation and set a password: the profile is VALIDATED.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation (global id).',
      acceptedAt: 'When it was accepted.',
    },
  },
  'invitation.expired': {
    enumName: 'INVITATION_EXPIRED',
    description: 'An invitation reached its expiry without being accepted, revoked or replaced (announced within a minute or so).',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation (global id).',
      expiredAt: 'When it expired.',
    },
  },
  'invitation.revoked': {
    enumName: 'INVITATION_REVOKED',
    description: "An open invitation was revoked, by an admin or API key or because the profile's email changed: its link no longer works.",
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation (global id).',
      revokedAt: 'When it was revoked.',
    },
  },
  'profile.deactivated': {
    enumName: 'PROFILE_DEACTIVATED',
    description:
      'The directory (Entra ID, Okta) deactivated or deleted the person: the profile is DEACTIVATED, its open invitation closed, its group access removed.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      deactivatedAt: 'When it was deactivated.',
    },
  },
  'profile.reactivated': {
    enumName: 'PROFILE_REACTIVATED',
    description: 'The directory reactivated the person: the profile has its earlier status and group access back.',
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      status: 'The status it is back to.',
      reactivatedAt: 'When it was reactivated.',
    },
  },
  'email.bounced': {
    enumName: 'EMAIL_BOUNCED',
    description: "An invitation's email bounced (hard bounce): the address does not work and the profile is skipped until it changes.",
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation whose email bounced (global id).',
      occurredAt: 'When Parkpass learnt of it.',
    },
  },
  'email.complained': {
    enumName: 'EMAIL_COMPLAINED',
    description: "The recipient of an invitation's email reported it as spam.",
    data: {
      profileId: 'The profile (global id).',
      externalId: "The profile's externalId, or null.",
      invitationId: 'The invitation whose email was reported (global id).',
      occurredAt: 'When Parkpass learnt of it.',
    },
  },
  'bulk_invitation.completed': {
    enumName: 'BULK_INVITATION_COMPLETED',
    description: 'A bulk invitation went through its whole selection.',
    data: {
      bulkInvitationId: 'The bulk invitation (global id).',
      total: 'Profiles selected.',
      invited: 'Profiles invited for the first time.',
      reinvited: 'Profiles re-invited.',
      skipped: 'Profiles skipped (counted by reason in the API).',
      startedAt: 'When it started.',
      completedAt: 'When it finished.',
    },
  },
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

export type WebhookEventData<T extends WebhookEventType> = {
  [K in keyof (typeof WEBHOOK_EVENTS)[T]['data']]: string | number | boolean | null;
};

export const webhookEventTypeOfEnum = (enumName: string): WebhookEventType => WEBHOOK_EVENT_TYPES.find((type) => WEBHOOK_EVENTS[type].enumName === enumName)!;

// Webhooks' public entry: the events other domains announce, and the endpoints
// disabled when the admin or API key that knew their secret goes away.
export { announceBulkInvitationCompleted, announceDeliveryProblems } from './webhook-announcements.ts';
export { disableEndpointsKnownToAdmin, disableEndpointsKnownToApiKey } from './webhook-endpoint-service.ts';

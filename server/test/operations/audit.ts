import { AuditEventsDocument, type AuditEventsQueryVariables } from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** The audit trail (server/test/documents/audit.graphql). */
export const auditOperations = (call: Call) => ({
  /** A page of audit events, newest first, of a filter or all. */
  auditEvents: async (variables: AuditEventsQueryVariables = {}) => (await call(AuditEventsDocument, variables)).auditEvents,
});

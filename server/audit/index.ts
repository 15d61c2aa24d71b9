// The audit trail's public entry: what other domains record and erase.
export type { AuditEntry } from './audit-trail.ts';
export { auditInsert, eraseAdminFromTrail, eraseProfileFromTrail, personName, recordAudit } from './audit-trail.ts';

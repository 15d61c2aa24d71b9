// The audit trail's public entry: what other domains record and erase.
export { auditScopeOf, eraseAdminFromTrail, eraseProfileFromTrail, personName, recordAudit } from './audit-trail.ts';

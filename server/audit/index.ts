// The audit trail's public entry: what other domains record and erase.
export { eraseAdminFromTrail, eraseProfileFromTrail, personName, recordAudit } from './audit-trail.ts';

import type { OrganizationScope } from '../kernel/scope.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { AuditEventKind } from '../generated/prisma/enums.ts';

// The audit trail: every write that matters records who did it, when, what and
// which ids, with the same transaction client as the write, so both commit or
// neither does. Summaries say what happened in words and name fields, never
// their values when they are personal, and never a token, password or secret.

export interface AuditEntry {
  kind: AuditEventKind;
  profileId?: string | null;
  /** The other thing it names (an invitation, a bulk invitation, an API key, an admin, a parking lot or tag). */
  subjectId?: string | null;
  summary: string;
  changedFields?: string[];
}

/** What an entry records beyond itself: in which organization, who acted, when (any OrganizationScope, a RequestScope too). */
export type AuditScope = Pick<OrganizationScope, 'organizationId' | 'actor' | 'now'>;

/** Records the entries in one INSERT, in the caller's transaction; the actor's name is read in the same statement. */
export async function recordAudit(tx: Prisma.TransactionClient, scope: AuditScope, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await tx.$executeRaw`${auditInsert(scope, list)}`;
}

/**
 * The INSERT of recordAudit, for a caller that writes the entries in a statement of its own (a data-modifying CTE);
 * `onlyIf`, a condition the rows are inserted under.
 */
export function auditInsert(scope: AuditScope, list: AuditEntry[], onlyIf: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  const adminId = scope.actor.kind === 'ADMIN' ? scope.actor.id : null;
  const apiKeyId = scope.actor.kind === 'API_KEY' ? scope.actor.id : null;
  const kinds = list.map((entry) => entry.kind);
  const profileIds = list.map((entry) => entry.profileId ?? null);
  const subjectIds = list.map((entry) => entry.subjectId ?? null);
  const summaries = list.map((entry) => entry.summary);
  // text[] of JSON arrays: unnest cannot take a two-dimensional array of ragged rows.
  const fields = list.map((entry) => JSON.stringify(entry.changedFields ?? []));
  return Prisma.sql`
    INSERT INTO audit_event (id, organization_id, occurred_at, kind, actor_type, actor_admin_id, actor_api_key_id, actor_name,
                             profile_id, subject_id, summary, changed_fields)
    SELECT gen_random_uuid(), ${scope.organizationId}::uuid, ${scope.now}::timestamptz, v.kind::"AuditEventKind", ${scope.actor.kind},
           ${adminId}::uuid, ${apiKeyId}::uuid,
           coalesce((SELECT name FROM admin WHERE id = ${adminId}::uuid), (SELECT name FROM api_key WHERE id = ${apiKeyId}::uuid)),
           v.profile_id, v.subject_id, v.summary, ARRAY(SELECT jsonb_array_elements_text(v.fields::jsonb))
    FROM unnest(${kinds}::text[], ${profileIds}::uuid[], ${subjectIds}::uuid[], ${summaries}::text[], ${fields}::text[])
      AS v(kind, profile_id, subject_id, summary, fields)
    WHERE ${onlyIf}`;
}

/** "first last" of a profile, for summaries. */
export const personName = (profile: { firstName: string; lastName: string }) => `${profile.firstName} ${profile.lastName}`;

// Erasure. When a profile or an admin is deleted, the trail keeps each event
// (its kind, time, actor, ids and changedFields) but no longer their name or
// email: in the deleting transaction, the summaries of the events about them
// are replaced by the words below, and a deleted admin's name as an actor by
// DELETED_ADMIN. Rewritten whole rather than searched for the name, because an
// older summary may hold a name or address the person no longer has.

/** The actor name of a deleted admin's events. */
export const DELETED_ADMIN = 'a deleted admin';

const ERASED_PROFILE_SUMMARIES: Partial<Record<AuditEventKind, string>> = {
  PROFILE_CREATED: 'Created a profile (deleted since).',
  PROFILE_INVITED: 'Sent an invitation to a profile (deleted since).',
  INVITATION_REVOKED: 'Revoked an invitation of a profile (deleted since).',
  INVITATION_ACCEPTED: 'The person of a profile (deleted since) accepted the invitation and set a password.',
};
const ERASED_ADMIN_SUMMARIES: Partial<Record<AuditEventKind, string>> = {
  ADMIN_ADDED: 'Added an admin (deleted since).',
  ADMIN_ROLE_CHANGED: 'Changed the role of an admin (deleted since).',
  OWNERSHIP_TRANSFERRED: 'Handed ownership over to an admin (deleted since).',
};
/** The events of a deleted admin's invitations to the team (their subject is the invitation). */
const ERASED_ADMIN_INVITATION_SUMMARIES: Partial<Record<AuditEventKind, string>> = {
  ADMIN_INVITED: 'Invited an admin (deleted since) to the admin team.',
  ADMIN_INVITATION_REVOKED: 'Revoked the admin invitation of an admin (deleted since).',
};

/** Takes deleted profiles' names and emails out of their events, in the deleting transaction (one statement for any number). */
export async function eraseProfileFromTrail(tx: Prisma.TransactionClient, organizationId: string, profileId: string | string[]): Promise<void> {
  const profileIds = Array.isArray(profileId) ? profileId : [profileId];
  if (profileIds.length === 0) return;
  const kinds = Object.keys(ERASED_PROFILE_SUMMARIES);
  const summaries = Object.values(ERASED_PROFILE_SUMMARIES);
  await tx.$executeRaw`
    UPDATE audit_event e SET summary = CASE
      WHEN e.kind = 'PROFILE_UPDATED'
        THEN 'Changed a profile (deleted since): ' || coalesce(nullif(array_to_string(e.changed_fields, ', '), ''), 'nothing') || '.'
      ELSE coalesce((SELECT r.summary FROM unnest(${kinds}::text[], ${summaries}::text[]) AS r(kind, summary) WHERE r.kind = e.kind::text),
                    'An event of a profile (deleted since).')
    END
    WHERE e.organization_id = ${organizationId}::uuid AND e.profile_id = ANY (${profileIds}::uuid[])`;
}

/**
 * Takes a deleted admin's name and email out of the events about them (and about their invitations to the
 * team, `invitationIds`) and of their name as an actor, in the deleting transaction.
 */
export async function eraseAdminFromTrail(
  tx: Prisma.TransactionClient,
  organizationId: string,
  adminId: string,
  invitationIds: readonly string[] = [],
): Promise<void> {
  if (invitationIds.length > 0) {
    const invitationKinds = Object.keys(ERASED_ADMIN_INVITATION_SUMMARIES);
    const invitationSummaries = Object.values(ERASED_ADMIN_INVITATION_SUMMARIES);
    await tx.$executeRaw`
      UPDATE audit_event e SET summary = r.summary
      FROM unnest(${invitationKinds}::text[], ${invitationSummaries}::text[]) AS r(kind, summary)
      WHERE e.organization_id = ${organizationId}::uuid AND e.subject_id = ANY (${invitationIds}::uuid[]) AND e.kind::text = r.kind`;
  }
  const kinds = Object.keys(ERASED_ADMIN_SUMMARIES);
  const summaries = Object.values(ERASED_ADMIN_SUMMARIES);
  await tx.$executeRaw`
    UPDATE audit_event e SET
      summary = coalesce(
        (SELECT r.summary FROM unnest(${kinds}::text[], ${summaries}::text[]) AS r(kind, summary) WHERE r.kind = e.kind::text AND e.subject_id = ${adminId}::uuid),
        e.summary),
      actor_name = CASE WHEN e.actor_admin_id = ${adminId}::uuid THEN ${DELETED_ADMIN} ELSE e.actor_name END
    WHERE e.organization_id = ${organizationId}::uuid
      AND (e.actor_admin_id = ${adminId}::uuid OR (e.subject_id = ${adminId}::uuid AND e.kind::text = ANY (${kinds}::text[])))`;
}

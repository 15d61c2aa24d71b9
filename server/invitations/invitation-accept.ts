import { assertPasswordPolicy } from '../auth/index.ts';
import { hashPassword } from '../auth/index.ts';
import type { ServiceScope } from '../kernel/scope.ts';
import { InvitationNotFoundError } from '../kernel/errors.ts';
import { type Invitation, type Organization, Prisma, type Profile } from '../generated/prisma/client.ts';
import { auditInsert, personName } from '../audit/index.ts';
import { hashInvitationToken } from './invitation-tokens.ts';
import { globalIdOf } from '../kernel/global-ids.ts';
import { sqlQuery } from '../database/prisma.ts';
import { ServiceBusyError } from '../kernel/service-busy.ts';
import { enqueueInStatement } from '../outbox/index.ts';
import { assertOpen, invitationInStateSql } from './invitation-state.ts';

// The invited person's side: reading the invitation a link names, and accepting it with a password.

/** What the accept page shows before the person types a password; null for an unknown token. */
export async function readInvitationByToken(scope: ServiceScope, token: string) {
  const invitation = await scope.prisma.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: {
      profile: { select: { firstName: true, locale: true } },
      organization: { select: { name: true, defaultLocale: true, timeZone: true, inviteeMayRequestNewLink: true } },
    },
  });
  return invitation;
}

/**
 * The person accepts with the token and a password: the profile becomes
 * VALIDATED, the invitation ACCEPTED, with its audit entry, its webhook event
 * and the app-download email. Two statements, each through `pg` on Prisma's
 * own pool (Prisma's work per statement was a third of an accept's CPU): the
 * token's invitation with its person and organization, then, after the hash,
 * everything written in one statement (a chain of CTEs: atomic, and its row
 * locks held for that statement only, so concurrent accepts barely wait on
 * the rows they share). That statement locks the profile, then the invitation
 * (the order inviting takes them in, so an accept and a re-invite of the same
 * person never deadlock), and writes only if the invitation is still open
 * and the person still as the first statement read them (what the audit
 * entry, the webhook and the email say): a token works once even when two
 * requests race.
 */
export async function acceptInvitation(scope: ServiceScope, input: { token: string; password: string }): Promise<AcceptedInvitation> {
  const now = scope.clock.now();
  const [known] = await sqlQuery<InvitationToAccept>(
    scope.prisma,
    Prisma.sql`
      SELECT i.id, i.organization_id AS "organizationId", i.profile_id AS "profileId", i.email::text,
             i.expires_at AS "expiresAt", i.accepted_at AS "acceptedAt", i.revoked_at AS "revokedAt", i.superseded_at AS "supersededAt",
             p.first_name AS "firstName", p.last_name AS "lastName", p.email::text AS "personEmail", p.external_id AS "externalId",
             o.name AS "organizationName", o.app_store_url AS "appStoreUrl", o.play_store_url AS "playStoreUrl"
      FROM invitation i JOIN profile p ON p.id = i.profile_id JOIN organization o ON o.id = i.organization_id
      WHERE i.token_hash = ${hashInvitationToken(input.token.trim())}`,
  );
  if (!known) throw new InvitationNotFoundError();
  // The token must work before the password costs anything: hashing is memory-hard on purpose,
  // and a used or expired token must not buy an anonymous caller that work. Checked again under the lock.
  assertOpen(known, now);
  assertPasswordPolicy(input.password, known.email, ['input', 'password']);
  const passwordHash = await hashPassword(input.password);
  const organization = { name: known.organizationName, appStoreUrl: known.appStoreUrl, playStoreUrl: known.playStoreUrl };
  let person: Person = known;
  // Again only when the person changed (an admin's edit) between the two statements: then with what they are now.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [locked] = await sqlQuery<InvitationDates & Person & { accepted: boolean }>(scope.prisma, acceptStatement(known, person, passwordHash, now));
    if (!locked) throw new InvitationNotFoundError();
    if (locked.accepted) return { firstName: person.firstName, organization };
    assertOpen(locked, now);
    person = locked;
  }
  // Nothing was written: the caller may send the same accept again (a 503 with Retry-After, never a 500).
  throw new ServiceBusyError('The profile was being edited while the invitation was accepted; nothing was changed. Please try again.', 1);
}

/** What the person who accepted is told: who they are to the organization, and where to get the app. */
export interface AcceptedInvitation {
  firstName: string;
  organization: Pick<Organization, 'name' | 'appStoreUrl' | 'playStoreUrl'>;
}

type InvitationDates = Pick<Invitation, 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'supersededAt'>;

/** What the audit entry, the webhook event and the email say of the person. */
type Person = Pick<Profile, 'firstName' | 'lastName' | 'externalId'> & { personEmail: string };

/** The token's invitation, its person and organization, as read before the hash. */
type InvitationToAccept = Pick<Invitation, 'id' | 'organizationId' | 'profileId' | 'email'> &
  InvitationDates &
  Person & { organizationName: string; appStoreUrl: string | null; playStoreUrl: string | null };

/**
 * The accept's one writing statement: locks the profile then the invitation,
 * and when the invitation is open and the person is still `person`, accepts
 * it: the invitation's accepted_at, the audit entry, the profile VALIDATED
 * with its password hash, the webhook event and the email. Its row: the
 * invitation's dates and the person as locked, and whether it accepted.
 */
function acceptStatement(invitation: InvitationToAccept, person: Person, passwordHash: string, now: Date): Prisma.Sql {
  const { organizationId } = invitation;
  const accepting = Prisma.sql`EXISTS (SELECT 1 FROM accepting)`;
  const audit = auditInsert(
    { organizationId, actor: { kind: 'INVITED_PERSON' }, now },
    [
      {
        kind: 'INVITATION_ACCEPTED',
        profileId: invitation.profileId,
        subjectId: invitation.id,
        summary: `${personName(person)} accepted the invitation and set a password.`,
      },
    ],
    accepting,
  );
  // Written after the profile (its status-counter shard, a row every accept of the organization updates).
  const outbox = enqueueInStatement(
    {
      emails: [{ organizationId, profileId: invitation.profileId, invitationId: null, kind: 'APP_DOWNLOAD', to: person.personEmail }],
      webhookEvents: {
        organizationId,
        type: 'invitation.accepted',
        now,
        events: [
          {
            data: {
              profileId: globalIdOf('Profile', invitation.profileId),
              externalId: person.externalId,
              invitationId: globalIdOf('Invitation', invitation.id),
              acceptedAt: now.toISOString(),
            },
          },
        ],
      },
      now,
    },
    Prisma.sql`EXISTS (SELECT 1 FROM validated)`,
  );
  return Prisma.sql`
    WITH person AS MATERIALIZED (
      SELECT first_name, last_name, email::text AS email, external_id FROM profile WHERE id = ${invitation.profileId}::uuid FOR UPDATE
    ), locked AS MATERIALIZED (
      SELECT expires_at, accepted_at, revoked_at, superseded_at FROM invitation
      WHERE id = ${invitation.id}::uuid AND EXISTS (SELECT 1 FROM person) FOR UPDATE
    ), accepting AS MATERIALIZED (
      SELECT 1 FROM locked, person
      WHERE ${invitationInStateSql('locked', 'OPEN', now)}
        AND person.first_name = ${person.firstName} AND person.last_name = ${person.lastName}
        AND person.email = ${person.personEmail} AND person.external_id IS NOT DISTINCT FROM ${person.externalId}::text
    ), accepted AS (
      UPDATE invitation SET accepted_at = ${now}::timestamptz WHERE id = ${invitation.id}::uuid AND ${accepting}
    ), audited AS (${audit}),
    validated AS (
      UPDATE profile SET status = 'VALIDATED', password_hash = ${passwordHash}, validated_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
      WHERE id = ${invitation.profileId}::uuid AND ${accepting}
      RETURNING id
    ), ${outbox.ctes}
    SELECT locked.expires_at AS "expiresAt", locked.accepted_at AS "acceptedAt", locked.revoked_at AS "revokedAt",
           locked.superseded_at AS "supersededAt", person.first_name AS "firstName", person.last_name AS "lastName",
           person.email AS "personEmail", person.external_id AS "externalId", ${accepting} AS accepted, ${outbox.run} AS runs
    FROM locked CROSS JOIN person`;
}

import { enqueue } from '../outbox/index.ts';
import { planIncludes } from '../kernel/policy.ts';
import { personName, recordAudit } from '../audit/index.ts';
import type { PrismaClient } from '../database/prisma.ts';
import type { ServiceScope } from '../kernel/scope.ts';
import type { NewLinkLimits } from '../security/rate-limits.ts';
import { inviteBatch, loadCandidates } from './invitation-batch.ts';
import { invitationState } from './invitation-state.ts';
import { hashInvitationToken } from './invitation-tokens.ts';

// "Send me a new link": the accept page of an expired invitation lets the
// invited person ask for a fresh one. The request (public, by the token they
// hold) is answered at once with the same words whatever it names, and only
// recorded: one job per token, added by one statement that is the same for
// every token, so neither the answer nor its timing tells whether the token,
// the person or the address exists, nor why nothing was sent. The job then
// decides, and creates a new invitation (by email, the history saying the
// invited person asked for it) only when:
//   - the organization allows it (inviteeMayRequestNewLink, on by default)
//     and its plan includes invitations;
//   - the invitation is EXPIRED (not accepted, revoked or superseded);
//   - it is still the profile's latest and the profile is still PENDING;
//   - the limits per profile and per email address are not spent
//     (server/security/rate-limits.ts; per network address, the public
//     operation's own limit);
//   - the usual rules of inviting allow it (a working address, the re-send cooldown).

/** What the API answers, always. */
export const NEW_LINK_ANSWER =
  'Thank you. If this invitation can be renewed, a new link is on its way to the address it was sent to. Otherwise, ask your administrator.';

/** The public request: recorded for the job, whatever the token. */
export async function requestNewLink(prisma: PrismaClient, token: string): Promise<void> {
  await enqueue(prisma, { job: { task: 'renewInvitation', tokenHash: hashInvitationToken(token.trim()) } });
}

export type RenewalOutcome =
  | 'RENEWED'
  | 'UNKNOWN_TOKEN'
  | 'NOT_ALLOWED_BY_ORGANIZATION'
  | 'NOT_IN_PLAN'
  | 'NOT_EXPIRED'
  | 'NOT_LATEST'
  | 'RATE_LIMITED'
  | 'NOT_INVITABLE';

export interface RenewalDependencies extends ServiceScope {
  newLinkLimits: NewLinkLimits;
}

/** The job: renews the invitation whose token hashes to `tokenHash` when every rule allows it; says what it did (for logs and tests, never for the caller). */
export async function renewExpiredInvitation(deps: RenewalDependencies, tokenHash: string): Promise<RenewalOutcome> {
  const now = deps.clock.now();
  const invitation = await deps.prisma.invitation.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      profileId: true,
      organizationId: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      supersededAt: true,
      organization: { select: { plan: true, inviteeMayRequestNewLink: true, invitationValidityHours: true } },
    },
  });
  if (!invitation) return 'UNKNOWN_TOKEN';
  const { organization } = invitation;
  if (!organization.inviteeMayRequestNewLink) return 'NOT_ALLOWED_BY_ORGANIZATION';
  if (!planIncludes(organization.plan, 'INVITATIONS')) return 'NOT_IN_PLAN';
  if (invitationState(invitation, now) !== 'EXPIRED') return 'NOT_EXPIRED';
  return deps.prisma.$transaction(async (tx) => {
    // The profile locked as inviting locks it, then everything checked again under the lock.
    const [profile] = await loadCandidates(tx, invitation.organizationId, [invitation.profileId], true);
    if (profile?.status !== 'PENDING' || profile.latest_invitation_id !== invitation.id) return 'NOT_LATEST';
    const current = await tx.invitation.findUniqueOrThrow({
      where: { id: invitation.id },
      select: { expiresAt: true, acceptedAt: true, revokedAt: true, supersededAt: true },
    });
    if (invitationState(current, now) !== 'EXPIRED') return 'NOT_EXPIRED';
    if (!(await deps.newLinkLimits.tryRequest(profile.id, profile.email))) return 'RATE_LIMITED';
    const batch = await inviteBatch(
      tx,
      {
        settings: deps.settings,
        organizationId: invitation.organizationId,
        invitationValidityHours: organization.invitationValidityHours,
        now,
        sender: null,
        sendEmail: true,
        requestedByInvitee: true,
      },
      [profile.id],
    );
    const outcome = batch.outcomes.get(profile.id)!;
    if (outcome.kind === 'SKIP') return 'NOT_INVITABLE';
    const person = await tx.profile.findUniqueOrThrow({ where: { id: profile.id }, select: { firstName: true, lastName: true, email: true } });
    await recordAudit(
      tx,
      { organizationId: invitation.organizationId, actor: { kind: 'INVITED_PERSON' }, now },
      {
        kind: 'PROFILE_INVITED',
        profileId: profile.id,
        subjectId: outcome.invitationId!,
        summary: `${personName(person)} asked for a new link from the page of an expired invitation; sent by email to ${person.email}.`,
      },
    );
    return 'RENEWED';
  });
}

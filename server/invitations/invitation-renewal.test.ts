import { describe, expect, it } from 'vitest';
import { NEW_LINK_LIMITS } from '../security/rate-limits.ts';
import { InvitationRequestNewLinkDocument } from '../test/generated/graphql.ts';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';
import { documentText, expectTypename } from '../test/operations.ts';

// "Send me a new link", from the accept page of an expired invitation: the
// public mutation answers the same whatever happens, the job decides.

const kit = useTestKit();
const HOUR = 3_600_000;
const PASSWORD = 'a long and fine password';

/** Sent over plain HTTP below, to compare whole answers (status and body). */
const REQUEST = documentText(InvitationRequestNewLinkDocument);

async function invitedPerson(org: TestOrganization) {
  const [id] = await org.insertProfiles(1);
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
  const response = await org.api.profileInvite(id!);
  expect(response.__typename).toBe('ProfileInvitePayload');
  await kit.runJobs();
  const emails = kit.emailsTo(profile.email);
  return { id: id!, globalId: globalId('Profile', id!), email: profile.email, token: kit.tokenOf(emails[emails.length - 1]!) };
}

/** Asks for a new link as the accept page does; returns the whole HTTP answer (status and body) to compare. */
async function requestNewLink(token: string) {
  const response = await kit.app.fetch('http://parkpass.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: REQUEST, variables: { token } }),
  });
  return { status: response.status, body: await response.text() };
}

const invitationCount = (profileId: string) => kit.prisma.invitation.count({ where: { profileId } });

describe('send me a new link', () => {
  it('sends a new invitation to a PENDING person whose latest invitation expired, shown as asked by the person', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const someone = await invitedPerson(org);
    kit.clock.advance(72 * HOUR + 60_000);
    expect(await kit.anonymous.invitationRenewalView(someone.token)).toEqual({ state: 'EXPIRED', newLinkAvailable: true, locale: 'EN' });

    const answer = await requestNewLink(someone.token);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.invitationRequestNewLink.__typename).toBe('InvitationRequestNewLinkPayload');
    await kit.runJobs();

    const emails = kit.emailsTo(someone.email);
    expect(emails).toHaveLength(2);
    const fresh = kit.tokenOf(emails[1]!);
    expect(fresh).not.toBe(someone.token);
    expect(emails[1]!.Subject).toBe(`${org.name} invites you to Parkpass: confirm your account`);
    const history = (await org.api.profileInvitationSenders(someone.globalId))!;
    expect(history.status).toBe('PENDING');
    expect(history.invitations.edges.map((edge) => edge.node)).toEqual([
      { state: 'OPEN', sentBy: { type: 'INVITED_PERSON', name: null, id: null } },
      { state: 'SUPERSEDED', sentBy: { type: 'API_KEY', name: 'test key', id: globalId('ApiKey', org.apiKeyId) } },
    ]);
    const audit = await kit.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: org.id, profileId: someone.id, actorType: 'INVITED_PERSON' } });
    expect(audit.summary).toContain('asked for a new link');

    // The new link works; the old one is superseded and asks nothing more.
    const accepted = await kit.anonymous.invitationAccept(fresh, PASSWORD);
    expect(accepted.__typename).toBe('InvitationAcceptPayload');
  });

  it('answers the same words, and does the same work, whatever the token names; sends nothing for any refused case', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const allowed = await invitedPerson(org);
    const revoked = await invitedPerson(org);
    const superseded = await invitedPerson(org);
    const validated = await invitedPerson(org);
    const undeliverable = await invitedPerson(org);
    const strict = await kit.createOrganization({ plan: 'BUSINESS' });
    const notAllowed = await invitedPerson(strict);
    const off = await strict.api.organizationInvitationSettingsUpdate({ inviteeMayRequestNewLink: false });
    expect(expectTypename(off, 'OrganizationPayload').organization.inviteeMayRequestNewLink).toBe(false);

    const revokedInvitation = await kit.prisma.profile.findUniqueOrThrow({ where: { id: revoked.id } });
    await org.api.invitationRevoke(globalId('Invitation', revokedInvitation.latestInvitationId!));
    const accepted = await kit.anonymous.invitationAccept(validated.token, PASSWORD);
    expect(accepted.__typename).toBe('InvitationAcceptPayload');
    await kit.prisma.invitation.updateMany({ where: { profileId: undeliverable.id }, data: { deliveryState: 'BOUNCED' } });
    kit.clock.advance(72 * HOUR + 60_000);
    // Re-invited by an admin after expiry: the expired invitation is now superseded.
    await org.api.profileInvite(superseded.id);
    await kit.runJobs();
    const reopened = await invitedPerson(org); // invited now: still open
    const refused = {
      unknown: 'A'.repeat(43),
      open: reopened.token,
      revoked: revoked.token,
      superseded: superseded.token,
      validated: validated.token,
      undeliverable: undeliverable.token,
      notAllowed: notAllowed.token,
      garbage: '#!/<script>',
    };
    const before = new Map<string, number>();
    for (const someone of [revoked, superseded, validated, undeliverable, notAllowed, reopened]) {
      before.set(someone.id, await invitationCount(someone.id));
    }
    const emailsBefore = kit.postmark.messages.length;

    kit.resetStatements();
    const reference = await requestNewLink(allowed.token);
    const referenceStatements = kit.statements.splice(0);
    for (const [name, token] of Object.entries(refused)) {
      const answer = await requestNewLink(token);
      expect(answer, name).toEqual(reference);
      // Same statements (the same single job insert, its parameters aside) whatever the token.
      expect(kit.statements.splice(0), name).toEqual(referenceStatements);
    }
    await kit.runJobs();

    // Only the allowed person got a new invitation and an email.
    const newEmails = kit.postmark.messages.slice(emailsBefore);
    expect(newEmails.map((message) => message.To)).toEqual([allowed.email]);
    for (const [profileId, count] of before) expect(await invitationCount(profileId)).toBe(count);
  });

  it('is limited per person: after a few new links in a day, more requests are answered alike and send nothing', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const someone = await invitedPerson(org);
    let token = someone.token;
    const answers = new Set<string>();
    for (let round = 0; round <= NEW_LINK_LIMITS.perProfile; round++) {
      kit.clock.advance(72 * HOUR + 60_000);
      answers.add((await requestNewLink(token)).body);
      await kit.runJobs();
      const emails = kit.emailsTo(someone.email);
      token = kit.tokenOf(emails[emails.length - 1]!);
    }
    expect(answers.size).toBe(1);
    // The first invitation and one new link per allowed request; the request over the limit sent nothing.
    expect(kit.emailsTo(someone.email)).toHaveLength(1 + NEW_LINK_LIMITS.perProfile);
    expect(await invitationCount(someone.id)).toBe(1 + NEW_LINK_LIMITS.perProfile);
  });

  it('is a public operation with its own per-address limit', async () => {
    const { PUBLIC_OPERATION_LIMITS } = await import('../kernel/limits.ts');
    expect(PUBLIC_OPERATION_LIMITS.invitationRequestNewLink).toBe(5);
    const { createApp } = await import('../app/yoga.ts');
    const { createRateLimits, DEFAULT_RATE_LIMITS } = await import('../security/rate-limits.ts');
    const app = createApp({
      prisma: kit.prisma,
      databaseUrl: kit.worker.connectionString,
      clock: kit.clock,
      settings: { publicUrl: 'http://parkpass.test', invitationTokenSecret: 'x'.repeat(32) },
      trustProxy: { hops: 1 },
      rateLimits: createRateLimits(DEFAULT_RATE_LIMITS),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await app.fetch('http://parkpass.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.77' },
        body: JSON.stringify({ query: REQUEST, variables: { token: `token-${i}` } }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

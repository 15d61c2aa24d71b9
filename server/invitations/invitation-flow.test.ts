import { describe, expect } from 'vitest';
import { globalId, kitTest, type TestOrganization, TEST_PUBLIC_URL, TEST_WEBHOOK_PASSWORD, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';
import { RESEND_COOLDOWN_MS } from './invitation-rules.ts';

// The invitation flow end to end: GraphQL through yoga.fetch, emails through
// the real postmark client to the fake Postmark, jobs run by graphile-worker.

const kit = useTestKit();
// Each test starts at the same instant (the clock fixture), whatever ran before it.
const it = kitTest(kit);
const HOUR = 3_600_000;

const PASSWORD = 'a long and fine password';

/** The profile's status and latest invitation, as its organization's API key reads them. */
const stateOf = (org: TestOrganization, person: { globalId: string }) => org.api.profileInvitationState(person.globalId);

async function invitableProfile(org: TestOrganization) {
  const [id] = await org.insertProfiles(1);
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
  return { id: id!, globalId: globalId('Profile', id!), email: profile.email, firstName: profile.firstName };
}

/** profileInvite through the SDK's typed document, as the organization's API key. */
const invite = (org: TestOrganization, person: { id: string }, sendEmail?: boolean) => org.api.profileInvite(person.id, { sendEmail });

/** invitationAccept through the SDK's typed document, by whoever holds the link. */
const accept = (token: string, password = PASSWORD) => kit.anonymous.invitationAccept(token, password);

/** The token of the link profileInvite returned (sendEmail: false). */
const tokenOfLink = (result: Awaited<ReturnType<typeof invite>>) => expectTypename(result, 'ProfileInvitePayload').link!.split('#token=')[1]!;

async function postWebhook(body: unknown, password = TEST_WEBHOOK_PASSWORD) {
  return kit.app.fetch(`${TEST_PUBLIC_URL}/webhooks/postmark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`postmark:${password}`).toString('base64')}` },
    body: JSON.stringify(body),
  });
}

describe('invite one, accept', () => {
  it('sends email 1 with a working link, accepts it, validates the profile and sends email 2 with the app links', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'MANAGER' });
    await kit.prisma.organization.update({
      where: { id: org.id },
      data: { appStoreUrl: 'https://apps.example/parkpass', playStoreUrl: 'https://play.example/parkpass', invitationValidityHours: 48 },
    });
    const person = await invitableProfile(org);

    const invited = await invite(org, person);
    expect(invited).toMatchObject({
      __typename: 'ProfileInvitePayload',
      link: null,
      profile: { status: 'PENDING' },
      invitation: { state: 'OPEN', deliveryState: 'QUEUED', expiresAt: new Date(kit.clock.now().getTime() + 48 * HOUR).toISOString() },
    });
    expect(kit.emailsTo(person.email)).toHaveLength(0);

    await kit.runJobs();
    const [first] = kit.emailsTo(person.email);
    expect(first).toMatchObject({ From: 'Parkpass <no-reply@parkpass.test>', Tag: 'invitation', MessageStream: 'outbound' });
    expect(first!.Subject).toBe(`${org.name} invites you to Parkpass: confirm your account`);
    for (const body of [first!.HtmlBody!, first!.TextBody!]) {
      expect(body).toContain(`Hello ${person.firstName}`);
      expect(body).toContain(org.name);
      expect(body).toContain('Saturday, 28 November 2026 at 09:00 UTC');
      expect(body).toMatch(new RegExp(`${TEST_PUBLIC_URL}/accept\\?lang=en#token=[A-Za-z0-9_-]{43}`));
    }
    const token = kit.tokenOf(first!);
    // Only the token's hash is stored.
    expect(JSON.stringify(await kit.prisma.invitation.findMany({ where: { profileId: person.id } }))).not.toContain(token);
    expect((await stateOf(org, person))!.latestInvitation).toEqual({
      state: 'OPEN',
      expired: false,
      deliveryState: 'SENT',
    });

    const publicView = await kit.anonymous.publicInvitation(token);
    expect(publicView).toMatchObject({ organizationName: org.name, firstName: person.firstName, state: 'OPEN' });

    expect(await accept(token)).toEqual({
      __typename: 'InvitationAcceptPayload',
      firstName: person.firstName,
      organizationName: org.name,
      appStoreUrl: 'https://apps.example/parkpass',
      playStoreUrl: 'https://play.example/parkpass',
    });
    const profile = await stateOf(org, person);
    expect(profile).toMatchObject({ status: 'VALIDATED', validatedAt: kit.clock.now().toISOString(), latestInvitation: { state: 'ACCEPTED' } });

    await kit.runJobs();
    const [, second] = kit.emailsTo(person.email);
    expect(second!.Subject).toBe('Your Parkpass account is ready: download the app');
    expect(second!.TextBody).toContain('https://apps.example/parkpass');
    expect(second!.HtmlBody).toContain('https://play.example/parkpass');
    expect(kit.emailsTo(person.email)).toHaveLength(2);

    // A token works once; a validated profile cannot be invited again.
    expect(await accept(token)).toMatchObject({ __typename: 'InvitationAlreadyUsed', code: 'INVITATION_ALREADY_USED' });
    expect(await invite(org, person)).toMatchObject({ __typename: 'ProfileAlreadyValidated', code: 'PROFILE_ALREADY_VALIDATED' });
  });

  it('refuses a token once the invitation expired, and shows the profile as pending with an expired invitation', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    await invite(org, person);
    await kit.runJobs();
    const token = kit.tokenOf(kit.emailsTo(person.email)[0]!);

    kit.clock.advance(72 * HOUR);
    expect(await accept(token)).toMatchObject({ __typename: 'InvitationExpired', code: 'INVITATION_EXPIRED' });
    expect(await stateOf(org, person)).toMatchObject({
      status: 'PENDING',
      latestInvitation: { state: 'EXPIRED', expired: true },
    });
    const expired = await org.api.profileEmails({ invitationExpired: true });
    expect(expired.edges).toEqual([{ node: { email: person.email } }]);
  });

  it('re-inviting replaces the old link (after the re-send delay), which then says it was superseded', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    await invite(org, person);
    await kit.runJobs();
    const firstToken = kit.tokenOf(kit.emailsTo(person.email)[0]!);

    const tooSoon = await invite(org, person);
    expect(tooSoon).toMatchObject({ __typename: 'ResendTooSoon', code: 'RESEND_TOO_SOON', retryAfterSeconds: RESEND_COOLDOWN_MS / 1000 });

    kit.clock.advance(RESEND_COOLDOWN_MS);
    expect((await invite(org, person)).__typename).toBe('ProfileInvitePayload');
    await kit.runJobs();
    const emails = kit.emailsTo(person.email);
    expect(emails).toHaveLength(2);
    const secondToken = kit.tokenOf(emails[1]!);
    expect(secondToken).not.toBe(firstToken);

    expect(await accept(firstToken)).toMatchObject({ __typename: 'InvitationRevoked', superseded: true });
    expect((await accept(secondToken)).__typename).toBe('InvitationAcceptPayload');
  });

  it('revokes an open invitation: the link stops working and an email not yet sent is never sent', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    const invited = expectTypename(await invite(org, person), 'ProfileInvitePayload');
    expect(await org.api.invitationRevoke(invited.invitation.id)).toMatchObject({ __typename: 'InvitationPayload', invitation: { state: 'REVOKED' } });
    await kit.runJobs();
    expect(kit.emailsTo(person.email)).toHaveLength(0);
    const email = await kit.prisma.email.findFirstOrThrow({ where: { profileId: person.id } });
    expect(email).toMatchObject({ state: 'CANCELLED', lastError: 'Not sent: the invitation is REVOKED.' });

    expect((await org.api.invitationRevoke(invited.invitation.id)).__typename).toBe('InvitationRevoked');
  });

  it("stops the open invitation when the profile's email changes, so the old address cannot accept", async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    const token = tokenOfLink(await invite(org, person, false));
    await org.api.profileUpdateContact(person.globalId, { email: 'new.address@example.test' });
    expect(await accept(token)).toMatchObject({ __typename: 'InvitationRevoked', superseded: false });
    expect(await stateOf(org, person)).toMatchObject({ status: 'PENDING', latestInvitation: { state: 'REVOKED' } });
  });

  it('returns the link instead of sending an email when asked, and that link works', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    const invited = expectTypename(await invite(org, person, false), 'ProfileInvitePayload');
    expect(invited.invitation.deliveryState).toBe('NO_EMAIL');
    expect(invited.link).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/accept#token=[A-Za-z0-9_-]{43}$`));
    await kit.runJobs();
    expect(kit.emailsTo(person.email)).toHaveLength(0);
    expect((await accept(tokenOfLink(invited))).__typename).toBe('InvitationAcceptPayload');
  });

  it('writes the whole accept in one statement, so the rows all accepts share are held for that statement only', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    const token = tokenOfLink(await invite(org, person, false));
    kit.resetStatements();
    expect((await accept(token)).__typename).toBe('InvitationAcceptPayload');
    // In a transaction of several statements, the counter shard (the profile update's trigger) and the delivery
    // job's row would be held across round trips, and concurrent accepts would wait on each other for them.
    expect(kit.statements.filter((sql) => /^\s*BEGIN\b/i.test(sql))).toEqual([]);
    const writes = kit.statements.filter((sql) => /UPDATE profile SET status = 'VALIDATED'/.test(sql));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/UPDATE invitation SET accepted_at[\s\S]*INSERT INTO audit_event[\s\S]*INSERT INTO email[\s\S]*graphile_worker\.add_job/);
    await kit.runJobs();
    expect(kit.emailsTo(person.email)).toHaveLength(1);
  });

  it('says of the person what they are when the accept commits, even when an admin renamed them during it', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    const token = tokenOfLink(await invite(org, person, false));
    // The rename holds the profile's lock until the accept waits for it, after it read the person and hashed.
    let renamed: Promise<unknown> | undefined;
    const waiting = new Promise<void>((resolve) => {
      renamed = kit.prisma.$transaction(
        async (tx) => {
          const [locker] = await tx.$queryRaw<{ pid: number }[]>`
            SELECT pg_backend_pid() AS pid FROM profile WHERE id = ${person.id}::uuid FOR UPDATE`;
          resolve();
          while ((await kit.prisma.$queryRaw<unknown[]>`SELECT 1 FROM pg_stat_activity WHERE ${locker!.pid}::int = ANY(pg_blocking_pids(pid))`).length === 0) {
            await new Promise((done) => setTimeout(done, 20));
          }
          await tx.$executeRaw`UPDATE profile SET last_name = 'Renamed' WHERE id = ${person.id}::uuid`;
        },
        { timeout: 60_000 },
      );
    });
    await waiting;
    expect((await accept(token)).__typename).toBe('InvitationAcceptPayload');
    await renamed;
    const entry = await kit.prisma.auditEvent.findFirstOrThrow({ where: { profileId: person.id, kind: 'INVITATION_ACCEPTED' } });
    expect(entry.summary).toBe(`${person.firstName} Renamed accepted the invitation and set a password.`);
    expect(await stateOf(org, person)).toMatchObject({ status: 'VALIDATED' });
  });

  it('answers each bad token or password with its own typed error, and a weak password does not use up the token', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    const token = tokenOfLink(await invite(org, person, false));
    expect(await accept('not-a-token')).toMatchObject({ __typename: 'InvitationNotFound', code: 'INVITATION_NOT_FOUND' });
    expect(await kit.anonymous.publicInvitation('not-a-token')).toBeNull();
    expect(await accept(token, 'short')).toMatchObject({ __typename: 'PasswordTooWeak', code: 'PASSWORD_TOO_WEAK' });
    expect(await accept(token, person.email)).toMatchObject({ __typename: 'PasswordTooWeak' });

    // Two people racing with the same link: exactly one wins.
    const results = await Promise.all([accept(token), accept(token)]);
    expect(results.map((result) => result.__typename).sort()).toEqual(['InvitationAcceptPayload', 'InvitationAlreadyUsed']);
  });

  it('refuses to invite without the plan or the role, with the exact refusal', async () => {
    const starter = await kit.createOrganization({ plan: 'STARTER', role: 'OWNER' });
    const person = await invitableProfile(starter);
    expect(await starter.admin.profileInvite(person.id)).toEqual({
      __typename: 'FeatureNotInPlan',
      code: 'FEATURE_NOT_IN_PLAN',
      message: 'The STARTER plan does not include INVITATIONS; the BUSINESS plan does.',
      feature: 'INVITATIONS',
      plan: 'STARTER',
      requiredPlan: 'BUSINESS',
    });
    const viewer = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'VIEWER' });
    const other = await invitableProfile(viewer);
    expect(await viewer.api.profileInvite(other.id)).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    expect(await kit.prisma.invitation.count({ where: { organizationId: { in: [starter.id, viewer.id] } } })).toBe(0);
  });
});

describe('delivery', () => {
  it('marks a hard bounce from the webhook, shows it on the profile, and skips the address until it changes', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    await invite(org, person);
    await kit.runJobs();
    const messageId = kit.emailsTo(person.email)[0]!.MessageID;

    expect((await postWebhook({ RecordType: 'Bounce', Type: 'HardBounce', MessageID: messageId }, 'wrong password')).status).toBe(401);
    expect((await postWebhook({ RecordType: 'Delivery', MessageID: messageId })).status).toBe(200);
    expect((await stateOf(org, person))!.latestInvitation!.deliveryState).toBe('DELIVERED');
    expect((await postWebhook({ RecordType: 'Bounce', Type: 'HardBounce', MessageID: messageId, Email: person.email })).status).toBe(200);
    expect((await stateOf(org, person))!.latestInvitation!.deliveryState).toBe('BOUNCED');
    // A late delivery report does not hide the bounce.
    await postWebhook({ RecordType: 'Delivery', MessageID: messageId });
    expect((await stateOf(org, person))!.latestInvitation!.deliveryState).toBe('BOUNCED');

    kit.clock.advance(RESEND_COOLDOWN_MS);
    expect(await invite(org, person)).toMatchObject({ __typename: 'EmailUndeliverable', code: 'EMAIL_UNDELIVERABLE' });
    await org.api.profileUpdateContact(person.globalId, { email: 'fixed.address@example.test' });
    expect((await invite(org, person)).__typename).toBe('ProfileInvitePayload');
  });

  it('records a recipient Postmark reports inactive as bounced', async () => {
    const org = await kit.createOrganization();
    const person = await invitableProfile(org);
    kit.postmark.inactiveRecipients.add(person.email.toLowerCase());
    await invite(org, person);
    await kit.runJobs();
    expect(kit.emailsTo(person.email)).toHaveLength(0);
    const email = await kit.prisma.email.findFirstOrThrow({ where: { profileId: person.id } });
    expect(email.state).toBe('BOUNCED');
    expect(email.lastError).toMatch(/^406: You tried to send to recipient\(s\) that have been marked as inactive/);
    expect((await stateOf(org, person))!.latestInvitation!.deliveryState).toBe('BOUNCED');
  });

  it('keeps every email through a Postmark outage and sends each exactly once when it is back', async () => {
    const org = await kit.createOrganization();
    const people = await Promise.all([invitableProfile(org), invitableProfile(org), invitableProfile(org)]);
    for (const person of people) await invite(org, person);
    // Down: the batch (a 500 may hide an accepted batch), then the outbound-message search that would tell.
    kit.postmark.failNext(2, 500);

    await kit.runJobs();
    for (const person of people) expect(kit.emailsTo(person.email)).toHaveLength(0);
    const unsure = await kit.prisma.email.findMany({ where: { organizationId: org.id } });
    expect(unsure.map((email) => [email.state, email.attempts])).toEqual(people.map(() => ['SENDING', 1]));
    expect(unsure[0]!.lastError).toMatch(/^postmark: HTTP 500/);
    // The run asked for another once Postmark's search can be trusted; run it now instead of waiting.
    const [job] = await kit.prisma.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker.jobs WHERE key = 'deliver-emails-later'`;
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now());

    kit.clock.advance(2 * 60_000);
    await retryJobsNow();
    await kit.runJobs();
    for (const person of people) expect(kit.emailsTo(person.email)).toHaveLength(0);
    expect((await kit.prisma.email.findMany({ where: { organizationId: org.id } })).map((email) => email.state)).toEqual(people.map(() => 'SENDING'));
    kit.clock.advance(2 * 60_000);
    await retryJobsNow();
    await kit.runJobs();
    for (const person of people) expect(kit.emailsTo(person.email)).toHaveLength(1);
    const sent = await kit.prisma.email.findMany({ where: { organizationId: org.id } });
    expect(sent.map((email) => [email.state, email.attempts])).toEqual(people.map(() => ['SENT', 2]));
    await retryJobsNow();
    await kit.runJobs();
    for (const person of people) expect(kit.emailsTo(person.email)).toHaveLength(1);
  });
});

describe('the communication gate', () => {
  it('sends nothing for any action on a NOT_INVITED profile, and only the invitation email to a PENDING one', async () => {
    const org = await kit.createOrganization();
    const [lot] = org.lots;
    const created = await org.api.profileCreateChecked({ firstName: 'Quiet', lastName: 'Person', email: 'quiet@example.test', parkingLotIds: [lot!.globalId] });
    const id = expectTypename(created, 'ProfilePayload').profile.id;
    await org.api.profileUpdateContact(id, { firstName: 'Still quiet', email: 'quiet2@example.test' });
    await org.api.profilesUpsertRows([{ externalId: 'q-1', firstName: 'Q', lastName: 'One', email: 'q1@example.test' }]);
    await org.api.invitationPreview({ filter: {} });
    await kit.runJobs();
    expect(kit.postmark.messages.filter((message) => /quiet|q1@/.test(message.To))).toHaveLength(0);
    expect(await kit.prisma.email.count({ where: { organizationId: org.id } })).toBe(0);

    // Even an email row written by mistake does not reach a NOT_INVITED or PENDING person, except the invitation.
    const quiet = await kit.prisma.profile.findFirstOrThrow({ where: { organizationId: org.id, email: 'quiet2@example.test' } });
    const pending = await invitableProfile(org);
    await invite(org, pending);
    await kit.prisma.email.createMany({
      data: [
        { organizationId: org.id, profileId: quiet.id, kind: 'APP_DOWNLOAD', to: quiet.email },
        { organizationId: org.id, profileId: quiet.id, kind: 'INVITATION', to: quiet.email },
        { organizationId: org.id, profileId: pending.id, kind: 'APP_DOWNLOAD', to: pending.email },
      ],
    });
    await kit.prisma.$executeRaw`SELECT graphile_worker.add_job('deliver-emails', '{}'::json, job_key := 'deliver-emails')`;
    await kit.runJobs();
    expect(kit.emailsTo(quiet.email)).toHaveLength(0);
    expect(kit.emailsTo(pending.email).map((message) => message.Tag)).toEqual(['invitation']);
    const states = await kit.prisma.email.findMany({
      where: { organizationId: org.id },
      orderBy: { createdAt: 'asc' },
      select: { kind: true, to: true, state: true, lastError: true },
    });
    expect(
      states
        .filter((email) => email.state === 'CANCELLED')
        .map((email) => email.lastError)
        .sort(),
    ).toEqual([
      'Not sent: the profile is NOT_INVITED, not PENDING.',
      'Not sent: the profile is NOT_INVITED, not VALIDATED.',
      'Not sent: the profile is PENDING, not VALIDATED.',
    ]);
  });
});

async function retryJobsNow() {
  await kit.prisma.$executeRaw`SELECT graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM graphile_worker.jobs), run_at := now())`;
}

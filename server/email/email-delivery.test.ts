import { describe, expect, it } from 'vitest';
import { createPrisma } from '../database/prisma.ts';
import { expectTypename } from '../test/operations.ts';
import { globalId, TEST_PUBLIC_URL, TEST_WEBHOOK_PASSWORD, type TestOrganization, useTestKit } from '../test/kit.ts';
import { type DeliveryDependencies, deliverQueuedEmails, MAX_SEND_ATTEMPTS, retryBackoffMs } from './email-delivery.ts';
import { type EmailTransport, MailboxTransport, type OutgoingEmail, PostmarkTransport, type SendResult } from './email-transport.ts';

// Exactly-once delivery: every way a send can end (an answer, a partial
// refusal, a whole refusal, a 5xx, a timeout, a dropped connection, the
// process dying before or after Postmark took the batch) leaves each email
// sent once, through the real postmark client and the fake Postmark (which
// implements its outbound-message search), on the real database. The clock is
// the test kit's: reconciliation waits are moved past by hand.

const kit = useTestKit();
const MINUTE = 60_000;

/** Invites `count` new profiles of the organization (inline, ≤ 200 a call); returns their queued emails. */
async function queuedInvitationEmails(org: TestOrganization, count: number) {
  const ids = await org.insertManyProfiles(count);
  for (let start = 0; start < ids.length; start += 200) {
    const answer = await org.api.profilesInviteBulk({ profileIds: ids.slice(start, start + 200).map((id) => globalId('Profile', id)) });
    expect(expectTypename(answer, 'ProfilesInvitePayload').bulkInvitation.invitedCount).toBe(Math.min(200, ids.length - start));
  }
  const emails = await emailsOf(org);
  expect(emails.map((email) => email.state)).toEqual(ids.map(() => 'QUEUED'));
  return emails;
}

const emailsOf = (org: TestOrganization) => kit.prisma.email.findMany({ where: { organizationId: org.id }, orderBy: { id: 'asc' } });

/** How many messages Postmark accepted for each of these emails (by the `emailId` metadata). */
function acceptedTimes(emails: { id: string }[]) {
  const counts = kit.postmark.countsByMetadata('emailId');
  return emails.map((email) => counts.get(email.id) ?? 0);
}

/** The delivery run of the kit's worker, with another transport. */
const withTransport = (transport: EmailTransport): DeliveryDependencies => ({ ...kit.worker, transport });
const postmarkTransport = (options: { timeoutSeconds?: number } = {}) =>
  new PostmarkTransport(kit.postmark.token, { apiUrl: kit.postmark.url, timeoutSeconds: options.timeoutSeconds ?? 5 });

/**
 * A process that dies at a chosen moment of a send: `before` Postmark gets the
 * batch, or `after` it accepted it; the run never records anything (its
 * promise never settles). `answer()` lets a late answer arrive afterwards.
 */
function dyingTransport(moment: 'before' | 'after') {
  const real = postmarkTransport();
  let deliverAnswer: (() => void) | undefined;
  let answer: SendResult[] = [];
  const transport: EmailTransport = {
    name: 'postmark',
    requestTimeoutMs: real.requestTimeoutMs,
    searchDelayMs: real.searchDelayMs,
    async sendBatch(messages: OutgoingEmail[], sendAttemptId: string) {
      if (moment === 'after') answer = await real.sendBatch(messages, sendAttemptId);
      await new Promise<void>((resolve) => (deliverAnswer = resolve));
      return answer;
    },
    acceptedMessages: (sendAttemptId) => real.acceptedMessages(sendAttemptId),
  };
  return { transport, answer: () => deliverAnswer?.() };
}

async function waitFor(condition: () => Promise<boolean>) {
  for (let tries = 0; tries < 200; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('Timed out waiting.');
}

describe('each message carries its email id', () => {
  it('sends every queued email once, with Postmark metadata emailId and sendAttemptId, and records SENT with the message id', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 3);
    await kit.runJobs();
    const sent = await emailsOf(org);
    expect(sent.map((email) => [email.state, email.attempts])).toEqual(emails.map(() => ['SENT', 1]));
    for (const email of sent) {
      const [message] = kit.postmark.messages.filter((candidate) => candidate.Metadata?.emailId === email.id);
      expect(message!.Metadata).toEqual({ emailId: email.id, sendAttemptId: email.sendAttemptId });
      expect(message!.MessageID).toBe(email.postmarkMessageId);
    }
    const invitations = await kit.prisma.invitation.findMany({ where: { organizationId: org.id } });
    expect(invitations.map((invitation) => invitation.deliveryState)).toEqual(emails.map(() => 'SENT'));
  });
});

describe('a crash in the middle of a send', () => {
  it('after Postmark accepted the batch: no other run touches it before its deadline; then Postmark’s search settles it, and nothing is sent twice', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 4);
    const dying = dyingTransport('after');
    void deliverQueuedEmails(withTransport(dying.transport));
    await waitFor(async () => acceptedTimes(emails).every((times) => times === 1));
    // Committed as SENDING before the batch went out; the process "died" before recording Postmark's answer.
    expect((await emailsOf(org)).map((email) => email.state)).toEqual(emails.map(() => 'SENDING'));
    const invitations = await kit.prisma.invitation.findMany({ where: { organizationId: org.id } });
    expect(invitations.map((invitation) => invitation.deliveryState)).toEqual(emails.map(() => 'SENDING'));

    // Another worker, while the attempt may still be in flight, leaves it alone.
    kit.clock.advance(MINUTE);
    await deliverQueuedEmails(kit.worker);
    expect((await emailsOf(org)).map((email) => email.state)).toEqual(emails.map(() => 'SENDING'));

    // Past the deadline (10 s to start + 5 s request timeout + 60 s for Postmark's search): reconciled, not re-sent.
    kit.clock.advance(MINUTE);
    const report = await deliverQueuedEmails(kit.worker);
    expect(report.reconciledSent).toBeGreaterThanOrEqual(4);
    const settled = await emailsOf(org);
    expect(settled.map((email) => [email.state, email.attempts])).toEqual(emails.map(() => ['SENT', 1]));
    const byEmail = new Map(kit.postmark.messages.map((message) => [message.Metadata?.emailId, message.MessageID]));
    expect(settled.map((email) => email.postmarkMessageId)).toEqual(settled.map((email) => byEmail.get(email.id)));
    expect(acceptedTimes(emails)).toEqual([1, 1, 1, 1]);
    expect((await kit.prisma.invitation.findMany({ where: { organizationId: org.id } })).map((invitation) => invitation.deliveryState)).toEqual(
      emails.map(() => 'SENT'),
    );

    // The dead run's answer, arriving at last, changes nothing.
    dying.answer();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await emailsOf(org)).map((email) => email.postmarkMessageId)).toEqual(settled.map((email) => email.postmarkMessageId));
    expect(acceptedTimes(emails)).toEqual([1, 1, 1, 1]);
  });

  it('after claiming, before anything went out: Postmark’s search finds nothing, so each email is sent, once', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 3);
    const dying = dyingTransport('before');
    void deliverQueuedEmails(withTransport(dying.transport));
    await waitFor(async () => (await emailsOf(org)).every((email) => email.state === 'SENDING'));
    kit.clock.advance(2 * MINUTE);
    const report = await deliverQueuedEmails(kit.worker);
    expect(report.reconciledRequeued).toBeGreaterThanOrEqual(3);
    expect((await emailsOf(org)).map((email) => [email.state, email.attempts])).toEqual(emails.map(() => ['SENT', 2]));
    expect(acceptedTimes(emails)).toEqual([1, 1, 1]);
  });

  it('a bounce report from Postmark for a message still SENDING settles it (SENT, then BOUNCED); it is never sent again', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 2);
    void deliverQueuedEmails(withTransport(dyingTransport('after').transport));
    await waitFor(async () => acceptedTimes(emails).every((times) => times === 1));
    const bounced = kit.postmark.messages.find((message) => message.Metadata?.emailId === emails[0]!.id)!;
    const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/webhooks/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`postmark:${TEST_WEBHOOK_PASSWORD}`).toString('base64')}` },
      body: JSON.stringify({ RecordType: 'Bounce', Type: 'HardBounce', MessageID: bounced.MessageID, Metadata: bounced.Metadata }),
    });
    expect(response.status).toBe(200);
    expect((await emailsOf(org)).map((email) => [email.state, email.postmarkMessageId])).toEqual([
      ['BOUNCED', bounced.MessageID],
      ['SENDING', null],
    ]);
    const invitation = await kit.prisma.invitation.findUniqueOrThrow({ where: { id: emails[0]!.invitationId! } });
    expect(invitation.deliveryState).toBe('BOUNCED');

    kit.clock.advance(2 * MINUTE);
    await deliverQueuedEmails(kit.worker);
    expect((await emailsOf(org)).map((email) => email.state)).toEqual(['BOUNCED', 'SENT']);
    expect(acceptedTimes(emails)).toEqual([1, 1]);
  });

  it('in the local mailbox too: what the mailbox holds counts as sent', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 2);
    const mailbox = new MailboxTransport(kit.prisma);
    let written = 0;
    const dying: EmailTransport = {
      ...mailbox,
      name: 'mailbox',
      requestTimeoutMs: mailbox.requestTimeoutMs,
      searchDelayMs: 0,
      async sendBatch(messages, _sendAttemptId) {
        await mailbox.sendBatch(messages);
        written = messages.length;
        return new Promise(() => {});
      },
      acceptedMessages: (sendAttemptId) => mailbox.acceptedMessages(sendAttemptId),
    };
    void deliverQueuedEmails(withTransport(dying));
    await waitFor(async () => written > 0);
    kit.clock.advance(2 * MINUTE);
    await deliverQueuedEmails(withTransport(mailbox));
    expect((await emailsOf(org)).map((email) => email.state)).toEqual(emails.map(() => 'SENT'));
    expect(await kit.prisma.mailboxMessage.count({ where: { emailId: { in: emails.map((email) => email.id) } } })).toBe(2);
  });
});

describe('a request that ends without a clear answer', () => {
  it.each([
    ['the answer comes after the client gave up (timeout)', () => kit.postmark.answerLate(1, 2_500)],
    ['the connection drops after Postmark accepted the batch', () => kit.postmark.dropAfterAccepting(1)],
  ])('%s: the emails stay SENDING until Postmark’s search says they were sent; none is sent twice', async (_, mishap) => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 3);
    mishap();
    const report = await deliverQueuedEmails(withTransport(postmarkTransport({ timeoutSeconds: 1 })));
    expect(report.unsure).toBeGreaterThanOrEqual(3);
    const unsure = await emailsOf(org);
    expect(unsure.map((email) => email.state)).toEqual(emails.map(() => 'SENDING'));
    expect(unsure[0]!.lastError).toMatch(/^postmark: /);
    expect(acceptedTimes(emails)).toEqual([1, 1, 1]);

    kit.clock.advance(2 * MINUTE);
    await deliverQueuedEmails(kit.worker);
    expect((await emailsOf(org)).map((email) => [email.state, email.attempts])).toEqual(emails.map(() => ['SENT', 1]));
    expect(acceptedTimes(emails)).toEqual([1, 1, 1]);
  });

  it('a 500 where Postmark took nothing: checked with its search, then sent once', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 2);
    kit.postmark.failNext(1, 500, 'send');
    await deliverQueuedEmails(kit.worker);
    const unsure = await emailsOf(org);
    expect(unsure.map((email) => email.state)).toEqual(['SENDING', 'SENDING']);
    expect(unsure[0]!.lastError).toMatch(/^postmark: HTTP 500/);
    kit.clock.advance(2 * MINUTE);
    await deliverQueuedEmails(kit.worker);
    expect((await emailsOf(org)).map((email) => [email.state, email.attempts])).toEqual([
      ['SENT', 2],
      ['SENT', 2],
    ]);
    expect(acceptedTimes(emails)).toEqual([1, 1]);
  });

  it('while Postmark’s search is down too, the emails wait (SENDING) and are settled once it answers', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 2);
    kit.postmark.failNext(1, 503, 'send');
    await deliverQueuedEmails(kit.worker);
    kit.postmark.failNext(1, 503, 'search');
    kit.clock.advance(2 * MINUTE);
    await deliverQueuedEmails(kit.worker);
    const waiting = await emailsOf(org);
    expect(waiting.map((email) => email.state)).toEqual(['SENDING', 'SENDING']);
    expect(waiting[0]!.lastError).toMatch(/^postmark search: HTTP 503/);
    kit.clock.advance(2 * MINUTE);
    await deliverQueuedEmails(kit.worker);
    expect((await emailsOf(org)).map((email) => email.state)).toEqual(['SENT', 'SENT']);
    expect(acceptedTimes(emails)).toEqual([1, 1]);
  });
});

describe('refusals', () => {
  it('a whole batch refused (429): queued again after a back-off, then sent once; the queue pauses meanwhile', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 2);
    kit.postmark.failNext(1, 429, 'send');
    const report = await deliverQueuedEmails(kit.worker);
    expect(report.retrying).toBe(2);
    const waiting = await emailsOf(org);
    expect(waiting.map((email) => [email.state, email.nextAttemptAt?.getTime()])).toEqual(
      emails.map(() => ['QUEUED', kit.clock.now().getTime() + retryBackoffMs(1)]),
    );
    expect(waiting[0]!.lastError).toMatch(/^postmark: HTTP 429: Rate limit exceeded/);
    // The run asked for another one after the back-off, by the database's clock.
    const [later] = await kit.prisma.$queryRaw<{ due_in: number }[]>`
      SELECT extract(epoch FROM run_at - now())::float AS due_in FROM graphile_worker.jobs WHERE key = 'deliver-emails-later'`;
    expect(later!.due_in).toBeGreaterThan(20);

    await deliverQueuedEmails(kit.worker);
    expect(acceptedTimes(emails)).toEqual([0, 0]);
    kit.clock.advance(retryBackoffMs(1));
    await deliverQueuedEmails(kit.worker);
    expect((await emailsOf(org)).map((email) => [email.state, email.attempts])).toEqual([
      ['SENT', 2],
      ['SENT', 2],
    ]);
    expect(acceptedTimes(emails)).toEqual([1, 1]);
  });

  it('a batch refused in part: each row on its own (bounced, retried with back-off, sent), none sent twice', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 4);
    const [inactive, refused] = emails;
    kit.postmark.inactiveRecipients.add(inactive!.to.toLowerCase());
    kit.postmark.recipientErrors.set(refused!.to.toLowerCase(), { ErrorCode: 405, Message: 'Not allowed to send: the account ran out of credits.' });
    await deliverQueuedEmails(kit.worker);
    let rows = await emailsOf(org);
    expect(rows.map((email) => email.state)).toEqual(['BOUNCED', 'QUEUED', 'SENT', 'SENT']);
    expect(rows[1]!.lastError).toBe('405: Not allowed to send: the account ran out of credits.');
    expect(rows[1]!.nextAttemptAt!.getTime()).toBe(kit.clock.now().getTime() + retryBackoffMs(1));

    kit.postmark.recipientErrors.clear();
    kit.clock.advance(retryBackoffMs(1));
    await deliverQueuedEmails(kit.worker);
    rows = await emailsOf(org);
    expect(rows.map((email) => [email.state, email.attempts])).toEqual([
      ['BOUNCED', 1],
      ['SENT', 2],
      ['SENT', 1],
      ['SENT', 1],
    ]);
    expect(acceptedTimes(emails)).toEqual([0, 1, 1, 1]);
    const invitations = await kit.prisma.invitation.findMany({ where: { id: { in: emails.map((email) => email.invitationId!) } } });
    expect(new Map(invitations.map((invitation) => [invitation.id, invitation.deliveryState])).get(inactive!.invitationId!)).toBe('BOUNCED');
  });

  it(`gives up after ${MAX_SEND_ATTEMPTS} attempts (about three days of back-off): FAILED, with the last error`, async () => {
    const org = await kit.createOrganization();
    const [email] = await queuedInvitationEmails(org, 1);
    await kit.prisma.email.update({ where: { id: email!.id }, data: { attempts: MAX_SEND_ATTEMPTS - 1 } });
    kit.postmark.recipientErrors.set(email!.to.toLowerCase(), { ErrorCode: 405, Message: 'Not allowed to send.' });
    await deliverQueuedEmails(kit.worker);
    kit.postmark.recipientErrors.clear();
    const failed = await kit.prisma.email.findUniqueOrThrow({ where: { id: email!.id } });
    expect([failed.state, failed.attempts, failed.lastError]).toEqual(['FAILED', MAX_SEND_ATTEMPTS, '405: Not allowed to send.']);
    const total = Array.from({ length: MAX_SEND_ATTEMPTS - 1 }, (_, index) => retryBackoffMs(index + 1)).reduce((sum, ms) => sum + ms, 0);
    expect(total / 3_600_000).toBeGreaterThan(72);
    expect(total / 3_600_000).toBeLessThan(96);
  });
});

describe('several workers on one database', () => {
  it('four delivery runs at once, each with its own connections, send 600 emails exactly once', async () => {
    const org = await kit.createOrganization();
    const emails = await queuedInvitationEmails(org, 600);
    const clients = Array.from({ length: 4 }, () => createPrisma(kit.worker.connectionString, { maxConnections: 2 }));
    try {
      const reports = await Promise.all(clients.map((prisma) => deliverQueuedEmails({ ...kit.worker, prisma, transport: postmarkTransport() }, 50)));
      expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBeGreaterThanOrEqual(600);
      expect(reports.filter((report) => report.sent > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all(clients.map((prisma) => prisma.$disconnect()));
    }
    expect(new Set((await emailsOf(org)).map((email) => email.state))).toEqual(new Set(['SENT']));
    expect(acceptedTimes(emails).every((times) => times === 1)).toBe(true);
  });
});

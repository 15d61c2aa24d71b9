import { describe, expect, it } from 'vitest';
import { globalId, type TestOrganization, useTestKit } from '../test/kit.ts';
import { expectTypename } from '../test/operations.ts';
import { queueDueReminders } from './invitation-reminders.ts';
import { RESEND_COOLDOWN_MS } from './invitation-rules.ts';

// Reminders before expiry: the scheduled job (graphile-worker), the controllable
// clock, the fake Postmark. Default: 72-hour invitations, a reminder 24 hours
// before expiry, so at 48 hours.

const kit = useTestKit();
const HOUR = 3_600_000;

const PASSWORD = 'a long and fine password';

/** Runs the reminder job as the worker's cron does, then every job it leads to (the delivery). */
async function runReminderJob() {
  await kit.prisma.$executeRaw`SELECT graphile_worker.add_job('queue-invitation-reminders', '{}'::json)`;
  await kit.runJobs();
}

async function person(org: TestOrganization) {
  const [id] = await org.insertProfiles(1);
  const profile = await kit.prisma.profile.findUniqueOrThrow({ where: { id: id! } });
  return { id: id!, globalId: globalId('Profile', id!), email: profile.email };
}

/** Invites a profile (database id) as the organization's API key. */
async function invite(org: TestOrganization, profileId: string, sendEmail = true) {
  const response = await org.api.profileInvite(profileId, { sendEmail });
  expect(response.__typename).toBe('ProfileInvitePayload');
  return expectTypename(response, 'ProfileInvitePayload');
}

const reminders = (address: string) => kit.emailsTo(address).filter((message) => message.Tag === 'reminder');

describe('reminders before expiry', () => {
  it('sends one reminder, with the same link, at the set time before expiry, and shows it in the history', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const someone = await person(org);
    const invited = await invite(org, someone.id);
    const remindAt = new Date(kit.clock.now().getTime() + 48 * HOUR + 60_000).toISOString();
    await kit.runJobs();
    const [invitationEmail] = kit.emailsTo(someone.email);
    expect(invitationEmail!.Tag).toBe('invitation');

    kit.clock.advance(48 * HOUR - 60_000); // one minute early
    await runReminderJob();
    expect(reminders(someone.email)).toHaveLength(0);

    kit.clock.advance(2 * 60_000); // one minute late
    await runReminderJob();
    const [reminder, ...more] = reminders(someone.email);
    expect(more).toHaveLength(0);
    expect(reminder!.Subject).toBe(`Reminder: your invitation from ${org.name} expires in 23 hours`);
    expect(reminder!.TextBody).toContain('This is the only reminder you will get.');
    expect(kit.tokenOf(reminder!)).toBe(kit.tokenOf(invitationEmail!));
    expect(reminder!.Metadata).toMatchObject({ emailId: expect.any(String) });

    // Later runs, even past expiry, send nothing more.
    for (const hours of [1, 10, 30]) {
      kit.clock.advance(hours * HOUR);
      await runReminderJob();
    }
    expect(reminders(someone.email)).toHaveLength(1);

    const history = (await org.api.profileInvitationHistory(someone.globalId))!.invitations.edges.map((edge) => edge.node);
    expect(history).toEqual([
      {
        id: invited.invitation.id,
        state: 'EXPIRED',
        deliveryState: 'SENT', // the invitation email's own state: the reminder does not overwrite it
        sentBy: { type: 'API_KEY' },
        reminder: { queuedAt: remindAt, sentAt: remindAt, deliveryState: 'SENT' },
      },
    ]);
    // The link works: the person accepts with the reminder's token while it is open (here it expired, so: expired).
    const accepted = await kit.anonymous.invitationAccept(kit.tokenOf(reminder!), PASSWORD);
    expect(accepted.__typename).toBe('InvitationExpired');
  });

  it('never reminds a VALIDATED person, a revoked or superseded invitation, one handed over by link, or when the organization turned reminders off', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const [validated, revoked, superseded, byLink, reminded] = [await person(org), await person(org), await person(org), await person(org), await person(org)];
    for (const someone of [validated, revoked, superseded, reminded]) await invite(org, someone.id);
    const handedOver = await invite(org, byLink.id, false);
    await kit.runJobs();

    const token = kit.tokenOf(kit.emailsTo(validated.email)[0]!);
    const accepted = await kit.anonymous.invitationAccept(token, PASSWORD);
    expect(accepted.__typename).toBe('InvitationAcceptPayload');
    const latest = await kit.prisma.profile.findUniqueOrThrow({ where: { id: revoked.id } });
    const revoke = await org.api.invitationRevoke(globalId('Invitation', latest.latestInvitationId!));
    expect(revoke.__typename).toBe('InvitationPayload');
    // Re-invited 30 hours in: the first invitation is superseded; the new one's reminder comes 48 hours after it.
    kit.clock.advance(30 * HOUR);
    await invite(org, superseded.id);
    await kit.runJobs();

    kit.clock.advance(18 * HOUR + 60_000); // 48 h after the first invitations
    await runReminderJob();
    expect(reminders(reminded.email)).toHaveLength(1);
    for (const someone of [validated, revoked, superseded, byLink]) expect(reminders(someone.email)).toHaveLength(0);
    expect(handedOver.link).toMatch(/#token=/);

    kit.clock.advance(30 * HOUR); // the re-invitation's reminder time
    await runReminderJob();
    expect(reminders(superseded.email)).toHaveLength(1);

    // Reminders off: a new organization's invitations get none.
    const quiet = await kit.createOrganization({ plan: 'BUSINESS' });
    const off = await quiet.api.organizationInvitationSettingsUpdate({ reminderHoursBeforeExpiry: null });
    expect(expectTypename(off, 'OrganizationPayload').organization.reminderHoursBeforeExpiry).toBeNull();
    const unreminded = await person(quiet);
    await invite(quiet, unreminded.id);
    kit.clock.advance(71 * HOUR);
    await runReminderJob();
    expect(reminders(unreminded.email)).toHaveLength(0);
  });

  it('does not send a queued reminder once the person accepted (the communication gate)', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const someone = await person(org);
    await invite(org, someone.id);
    await kit.runJobs();
    kit.clock.advance(48 * HOUR + 60_000);
    expect(await queueDueReminders(kit.worker)).toBe(1); // queued, not yet delivered
    const accepted = await kit.anonymous.invitationAccept(kit.tokenOf(kit.emailsTo(someone.email)[0]!), PASSWORD);
    expect(accepted.__typename).toBe('InvitationAcceptPayload');
    await kit.runJobs();
    expect(reminders(someone.email)).toHaveLength(0);
    const reminder = await kit.prisma.email.findFirstOrThrow({ where: { profileId: someone.id, kind: 'REMINDER' } });
    expect(reminder.state).toBe('CANCELLED');
    const invitation = await kit.prisma.invitation.findFirstOrThrow({ where: { profileId: someone.id } });
    expect(invitation.deliveryState).toBe('SENT');
  });

  it('follows the setting: a reminder 6 hours before expiry, none when the invitation is shorter than that', async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS' });
    const set = await org.api.organizationInvitationSettingsUpdate({ reminderHoursBeforeExpiry: 6 });
    expect(set.__typename).toBe('OrganizationPayload');
    const someone = await person(org);
    await invite(org, someone.id);
    kit.clock.advance(65 * HOUR);
    await runReminderJob();
    expect(reminders(someone.email)).toHaveLength(0);
    kit.clock.advance(HOUR + 60_000);
    await runReminderJob();
    expect(reminders(someone.email).map((message) => message.Subject)).toEqual([`Reminder: your invitation from ${org.name} expires in 5 hours`]);

    await kit.prisma.organization.update({ where: { id: org.id }, data: { invitationValidityHours: 4 } });
    const short = await person(org);
    await invite(org, short.id);
    for (let hour = 0; hour < 5; hour++) {
      kit.clock.advance(HOUR);
      await runReminderJob();
    }
    expect(reminders(short.email)).toHaveLength(0);

    const invalid = await org.api.organizationInvitationSettingsUpdate({ reminderHoursBeforeExpiry: 0 });
    expect(invalid).toEqual({ __typename: 'InvalidInput', path: ['input', 'reminderHoursBeforeExpiry'] });
  });

  it('queues each reminder once when several workers run the job at the same time', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE' });
    const ids = await org.insertManyProfiles(1_200);
    const invited = await org.api.profilesInvite({ profileIds: ids });
    expect(invited.__typename).toBe('ProfilesInvitePayload');
    await kit.runJobs();
    await kit.prisma.invitation.updateMany({ where: { organizationId: org.id }, data: { deliveryState: 'SENT' } });
    kit.clock.advance(48 * HOUR + RESEND_COOLDOWN_MS);
    const counts = await Promise.all([queueDueReminders(kit.worker), queueDueReminders(kit.worker), queueDueReminders(kit.worker)]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1_200);
    expect(await kit.prisma.email.count({ where: { organizationId: org.id, kind: 'REMINDER' } })).toBe(1_200);
    expect(await queueDueReminders(kit.worker)).toBe(0);
  }, 120_000);
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '../database/prisma.ts';
import { globalId, kitTest, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';
import { BulkInvitationProgressFollowDocument, type BulkInvitationProgressFollowSubscription } from '../test/generated/graphql.ts';
import { documentText, expectTypename } from '../test/operations.ts';
import { CHUNK_SIZE, runBulkInvitation } from './bulk-invitation-service.ts';
import { RESEND_COOLDOWN_MS } from '../invitations/invitation-rules.ts';

const kit = useTestKit();
/** A test with its own clock, mailbox and organization (server/test/kit.ts). */
const fixtureTest = kitTest(kit);

describe('bulk invitations', () => {
  fixtureTest('previews a selection by reason without changing anything, and inviting it does what the preview said', async ({ org, clock, mailbox }) => {
    const hour = 3_600_000;
    const fresh = await org.insertProfiles(3);
    const pendingOld = await org.insertProfiles(2, { with: () => ({ status: 'PENDING', invitationExpiresAt: new Date(clock.now().getTime() - hour) }) });
    const validated = await org.insertProfiles(1, { with: () => ({ status: 'VALIDATED' }) });
    const [justInvited] = await org.insertProfiles(1);
    expect((await org.api.profileInvite(justInvited!)).__typename).toBe('ProfileInvitePayload');
    const elsewhere = await kit.createOrganization();
    const [foreign] = await elsewhere.insertProfiles(1);
    const ids = [...fresh, ...pendingOld, ...validated, justInvited!, foreign!, randomUUID()];
    const invitationsBefore = await kit.prisma.invitation.count();

    const preview = await org.api.invitationPreview({ profileIds: ids });
    expect(preview).toEqual({
      __typename: 'InvitationPreview',
      total: 9,
      inviteCount: 3,
      reinviteCount: 2,
      skippedCount: 4,
      skipped: expect.arrayContaining([
        { __typename: 'SkippedCount', reason: 'ALREADY_VALIDATED', count: 1 },
        { __typename: 'SkippedCount', reason: 'RESEND_TOO_SOON', count: 1 },
        { __typename: 'SkippedCount', reason: 'NOT_FOUND', count: 2 },
      ]),
    });
    expect(await kit.prisma.invitation.count()).toBe(invitationsBefore);

    const result = expectTypename(await org.api.profilesInvite({ profileIds: ids }), 'ProfilesInvitePayload');
    expect(result.bulkInvitation).toMatchObject({ state: 'COMPLETED', total: 9, done: 9, invitedCount: 3, reinvitedCount: 2, failedCount: 0 });
    expect(result.bulkInvitation.skipped).toEqual(expect.arrayContaining(preview.skipped));
    // Another organization's profile was not touched.
    expect(await kit.prisma.profile.findUniqueOrThrow({ where: { id: foreign! } })).toMatchObject({ status: 'NOT_INVITED', latestInvitationId: null });
    await kit.runJobs();
    // This test's emails only (the mailbox fixture): the one invited alone, then 3 invited and 2 re-invited.
    expect(mailbox.messages().filter((message) => message.Tag === 'invitation')).toHaveLength(6);
  });

  it('invites 10,000 profiles selected by filter in the background, followed over SSE, each emailed once; a retry with the same key invites nobody twice', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'ADMIN' });
    await org.insertManyProfiles(10_000);
    // Criteria whose keys jsonb stores in another order: the retry below must still be recognised as the same request.
    const input = {
      filter: { parkingLotIds: [org.lots[0]!.globalId], noAccess: true, statuses: ['NOT_INVITED' as const] },
      idempotencyKey: 'hr-sync-2026-11-26',
    };

    const preview = await org.api.invitationPreview({ filter: input.filter });
    expect(preview).toMatchObject({ total: 10_000, inviteCount: 10_000, reinviteCount: 0, skippedCount: 0 });

    const started = expectTypename(await org.api.profilesInviteBulk(input), 'ProfilesInvitePayload').bulkInvitation;
    expect(started).toMatchObject({ state: 'QUEUED', total: 10_000, done: 0 });

    const events = followOverSse(org.apiKey, started.id);
    await kit.runJobs();
    const progress = await events;
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((event) => event.done)).toEqual([...progress.map((event) => event.done)].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ state: 'COMPLETED', total: 10_000, done: 10_000, invitedCount: 10_000, reinvitedCount: 0, skipped: [] });

    // The same request again (a client retry): the same bulk invitation, nobody invited twice.
    kit.clock.advance(RESEND_COOLDOWN_MS);
    const retried = expectTypename(await org.api.profilesInviteBulk(input), 'ProfilesInvitePayload').bulkInvitation;
    expect(retried.id).toBe(started.id);
    await kit.runJobs();
    expect(await kit.prisma.invitation.count({ where: { organizationId: org.id } })).toBe(10_000);
    const mine = kit.postmark.messages.filter((message) => message.To.endsWith(org.adminEmail.split('@')[1]!));
    expect(mine).toHaveLength(10_000);
    expect(new Set(mine.map((message) => message.To)).size).toBe(10_000);
    expect(mine.every((message) => message.TextBody!.includes(`${TEST_PUBLIC_URL}/accept?lang=en#token=`))).toBe(true);

    const reused = await org.api.profilesInviteBulk({ ...input, filter: { statuses: ['PENDING'] } });
    expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReused', code: 'IDEMPOTENCY_KEY_REUSED' });
  }, 90_000); // 10,000 profiles and their emails: slower than the default 30 s on a loaded 2-core machine.

  it('resumes a bulk invitation after a crash between chunks without inviting anyone twice', async () => {
    const org = await kit.createOrganization({ role: 'OWNER' });
    const total = 2 * CHUNK_SIZE + 500;
    await org.insertManyProfiles(total);
    const started = expectTypename(await org.api.profilesInviteBulk({ filter: {} }), 'ProfilesInvitePayload').bulkInvitation;
    const bulkId = Buffer.from(started.id, 'base64').toString().split(':')[1]!;

    // The process dies while the third chunk's transaction runs: two chunks are committed, the third is not.
    await expect(runBulkInvitation({ ...kit.worker, prisma: crashingOnTransaction(kit.prisma, 3) }, bulkId)).rejects.toThrow('simulated crash');
    const midway = await org.api.bulkInvitationProgress(started.id);
    expect(midway).toMatchObject({ state: 'RUNNING', done: 2 * CHUNK_SIZE, invitedCount: 2 * CHUNK_SIZE });
    expect(await kit.prisma.invitation.count({ where: { organizationId: org.id } })).toBe(2 * CHUNK_SIZE);

    // The queued job runs it again and carries on after the last committed chunk.
    await kit.runJobs();
    const finished = await kit.prisma.bulkInvitation.findUniqueOrThrow({ where: { id: bulkId } });
    expect(finished).toMatchObject({ state: 'COMPLETED', done: total, invited: total, reinvited: 0 });
    const perProfile = await kit.prisma.invitation.groupBy({ by: ['profileId'], where: { organizationId: org.id }, _count: true });
    expect(perProfile).toHaveLength(total);
    expect(perProfile.every((row) => row._count === 1)).toBe(true);
    expect(await kit.prisma.email.count({ where: { organizationId: org.id, state: 'SENT' } })).toBe(total);
  }, 90_000); // 5,500 profiles in three chunks: over 30 s when the machine is loaded.

  it('marks a bulk invitation FAILED, with the reason, once its job runs out of retries', async () => {
    const org = await kit.createOrganization();
    // A selection the runner cannot read (written directly; the API never stores one).
    const bulk = await kit.prisma.bulkInvitation.create({ data: { organizationId: org.id, selection: { filter: { statuses: ['NO_SUCH_STATUS'] } } } });
    await kit.prisma
      .$executeRaw`SELECT graphile_worker.add_job('run-bulk-invitation', json_build_object('bulkInvitationId', ${bulk.id}::text), max_attempts := 1)`;
    await kit.runJobs();
    const read = await org.api.bulkInvitationProgress(globalId('BulkInvitation', bulk.id));
    expect(read!.state).toBe('FAILED');
    // The database's complaint goes to the log, not to the client.
    expect(read!.failureReason).toBe('Stopped by an unexpected error (details in the server log).');
  });

  it("refuses a selection over the plan's bulk size, a selection that is both or neither, and keeps MANAGERs to single invitations", async () => {
    const org = await kit.createOrganization({ plan: 'BUSINESS', role: 'ADMIN' });
    // More ids than the plan's largest bulk invitation: the mutation's typed SelectionTooLarge (the preview, a query, answers LIST_TOO_LONG)…
    const tooMany = Array.from({ length: 5_001 }, () => globalId('Profile', randomUUID()));
    expect(await org.api.profilesInviteBulk({ profileIds: tooMany })).toMatchObject({
      __typename: 'SelectionTooLarge',
      size: 5_001,
      max: 5_000,
    });
    // …and so is a filter that selects more.
    await org.insertManyProfiles(5_001);
    expect(await org.api.profilesInviteBulk({ filter: {} })).toMatchObject({
      __typename: 'SelectionTooLarge',
      size: 5_001,
      max: 5_000,
    });
    expect(await org.api.profilesInviteBulk({})).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT' });
    expect((await org.api.profilesInviteBulk({ filter: {}, profileIds: [] })).__typename).toBe('InvalidInput');
    const manager = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'MANAGER' });
    expect(await manager.api.profilesInviteBulk({ filter: {} })).toMatchObject({
      __typename: 'Forbidden',
      code: 'FORBIDDEN',
    });
    expect(await kit.prisma.bulkInvitation.count({ where: { organizationId: { in: [org.id, manager.id] } } })).toBe(0);
  });
});

/** Subscribes to a bulk invitation's progress over SSE (GraphQL over SSE, as a browser would) and collects the events until the stream ends. */
async function followOverSse(apiKey: string, id: string): Promise<BulkInvitationProgressFollowSubscription['bulkInvitationProgress'][]> {
  const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: documentText(BulkInvitationProgressFollowDocument), variables: { id } }),
  });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.includes('bulkInvitationProgress'))
    .map((line) => JSON.parse(line.slice('data: '.length)).data.bulkInvitationProgress);
}

/** A Prisma client whose n-th interactive transaction dies mid-way, like a crashed process: that transaction rolls back. */
function crashingOnTransaction(prisma: PrismaClient, n: number): PrismaClient {
  let calls = 0;
  return new Proxy(prisma, {
    get(target, property, receiver) {
      if (property !== '$transaction') return Reflect.get(target, property, receiver);
      return (callback: (tx: unknown) => Promise<unknown>, options?: object) =>
        target.$transaction(async (tx) => {
          const result = await callback(tx);
          if (++calls >= n) throw new Error('simulated crash');
          return result;
        }, options);
    },
  });
}

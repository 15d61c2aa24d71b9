import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import { createClient, ParkpassError } from '@parkpass/sdk';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakePostmark, startFakePostmark } from '../../server/test/fake-postmark.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { type RunningServer, startServer } from './server-process.ts';
import { createClient as createDatabaseClient } from '../../server/database/connections.ts';

// An outside app's view: the real server (`server/app/main.ts`) in its own
// process, its worker sending to a fake Postmark, and only the built SDK
// (`@parkpass/sdk`, i.e. sdk/dist) to talk to it. Fixtures the API has no
// operation for (a STARTER organization, an expired invitation) are written
// in the database directly, and said so where it happens.

const root = fileURLToPath(new URL('../..', import.meta.url));
let server: RunningServer;
let postmark: FakePostmark;
let database: pg.Client;
const PASSWORD = 'a long and fine password';

beforeAll(async () => {
  postmark = await startFakePostmark();
  server = await startServer({ postgresServerUrl: inject('postgresServerUrl'), postmark, webhookPassword: 'sdk-e2e-webhook-password' });
  database = createDatabaseClient('test', server.databaseUrl);
  await database.connect();
});

afterAll(async () => {
  await database?.end();
  await server?.stop();
  await postmark?.close();
});

/** Waits until the fake Postmark holds `count` emails to the address (the server's worker sends them in the background). */
async function emailsTo(address: string, count: number) {
  for (let waited = 0; waited < 15_000; waited += 50) {
    const found = postmark.messages.filter((message) => message.To === address);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Expected ${count} emails to ${address}; Postmark received ${postmark.messages.filter((m) => m.To === address).length}.\n${server.output()}`);
}

const tokenOf = (body: string) => /#token=([A-Za-z0-9_-]+)/.exec(body)![1]!;

describe('the SDK against the real server', () => {
  it('creates profiles, searches with each filter, previews, bulk-invites by filter and follows it, and the person accepts', async () => {
    const parkpass = createClient({ url: `${server.url}/graphql`, apiKey: server.demo.apiKey });
    const viewer = await parkpass.viewer();
    expect(viewer).toMatchObject({ actorKind: 'API_KEY', role: 'ADMIN', plan: 'ENTERPRISE' });

    const { parkingLots, tags } = await parkpass.lotsAndTags();
    const lot = parkingLots[0]!;
    const tag = tags.find((candidate) => candidate.name === 'Visitor')!;

    const people = [
      { firstName: 'Zoé', lastName: 'Quincampoix', email: 'zoe.quincampoix@sdk.example' },
      { firstName: 'Yann', lastName: 'Quincampoix', email: 'yann.quincampoix@sdk.example' },
    ];
    const created = [];
    for (const person of people) {
      const result = await parkpass.profiles.create({ ...person, parkingLotIds: [lot.id], tagIds: [tag.id], paymentMethods: ['PAYROLL_DEDUCTION'] });
      expect(result.profile.status).toBe('NOT_INVITED');
      expect(result.replayed).toBe(false);
      created.push(result.profile);
    }
    const synced = await parkpass.profiles.upsert([
      { externalId: 'sdk-hr-1', firstName: 'Xavier', lastName: 'Quincampoix', email: 'xavier.quincampoix@sdk.example' },
    ]);
    expect(synced).toMatchObject({ __typename: 'ProfilesUpsertPayload', createdCount: 1 });

    // Each filter, through the SDK.
    const count = async (filter: Parameters<typeof parkpass.profiles.search>[0]) => (await parkpass.profiles.search(filter)).totalCount;
    expect(await count({ filter: { search: 'quincampoix zoe' } })).toBe(1);
    expect(await count({ filter: { search: 'quincampoix', parkingLotIds: [lot.id] } })).toBe(2);
    expect(await count({ filter: { search: 'quincampoix', noAccess: true } })).toBe(1);
    expect(await count({ filter: { search: 'quincampoix', statuses: ['NOT_INVITED'] } })).toBe(3);
    expect(await count({ filter: { search: 'quincampoix', tagIds: [tag.id] } })).toBe(2);
    expect(await count({ filter: { search: 'quincampoix', paymentMethods: ['PAYROLL_DEDUCTION'] } })).toBe(2);
    expect(await count({ filter: { search: 'quincampoix', invitationExpired: true } })).toBe(0);
    const everyone = [];
    for await (const profile of parkpass.profiles.all({ filter: { statuses: ['NOT_INVITED'] }, pageSize: 7 })) everyone.push(profile.id);
    expect(new Set(everyone).size).toBe(await count({ filter: { statuses: ['NOT_INVITED'] } }));
    // A page and its bounded count side by side: the rows never wait for the count.
    const quincampoix = { search: 'quincampoix' };
    const [page, counted] = await Promise.all([parkpass.profiles.page({ filter: quincampoix, first: 2 }), parkpass.profiles.count(quincampoix, { limit: 2 })]);
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect('totalCount' in page).toBe(false);
    expect(counted).toMatchObject({ count: 2, precision: 'AT_LEAST' });
    expect(await parkpass.profiles.count(quincampoix)).toMatchObject({ count: await count({ filter: quincampoix }), precision: 'EXACT' });

    const selection = { filter: { search: 'quincampoix', tagIds: [tag.id] } };
    expect(await parkpass.invitations.preview(selection)).toEqual({
      __typename: 'InvitationPreview',
      total: 2,
      inviteCount: 2,
      reinviteCount: 0,
      skippedCount: 0,
      skipped: [],
    });
    const started = await parkpass.invitations.inviteMany(selection, { idempotencyKey: 'sdk-e2e-1' });
    const seen: string[] = [];
    const finished = await parkpass.invitations.waitFor(started.bulkInvitation.id, (bulk) => seen.push(bulk.state), { intervalMs: 100 });
    expect(finished).toMatchObject({ state: 'COMPLETED', total: 2, done: 2, invitedCount: 2 });
    expect(seen.at(-1)).toBe('COMPLETED');

    const [invitation] = await emailsTo('zoe.quincampoix@sdk.example', 1);
    expect(invitation!.TextBody).toContain(`${server.url}/accept?lang=en#token=`);
    const token = tokenOf(invitation!.TextBody!);
    expect(await parkpass.invitations.byToken(token)).toMatchObject({ firstName: 'Zoé', organizationName: viewer.organization.name, state: 'OPEN' });

    // The invited person's side: no credentials at all.
    const anonymous = createClient({ url: `${server.url}/graphql`, anonymous: true });
    expect(await anonymous.invitations.accept(token, PASSWORD)).toMatchObject({ __typename: 'InvitationAcceptPayload', firstName: 'Zoé' });
    expect((await parkpass.profiles.get(created[0]!.id)).status).toBe('VALIDATED');
    const [, appEmail] = await emailsTo('zoe.quincampoix@sdk.example', 2);
    expect(appEmail!.Subject).toBe('Your Parkpass account is ready: download the app');

    // The error paths: each thrown as a ParkpassError with its code and the server's request id.
    await expect(anonymous.invitations.accept(token, PASSWORD)).rejects.toMatchObject({
      code: 'INVITATION_ALREADY_USED',
      operation: 'invitations.accept',
      requestId: expect.any(String),
    });
    await expect(parkpass.invitations.inviteOne(created[0]!.id)).rejects.toMatchObject({ code: 'PROFILE_ALREADY_VALIDATED' });

    const linkOnly = await parkpass.invitations.inviteOne(synced.results[0]!.profileId!, { sendEmail: false });
    // Fixture: the invitation's validity ran out (the server's clock cannot be moved from outside).
    await database.query(
      "UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE token_hash IS NOT NULL AND id = (SELECT latest_invitation_id FROM profile WHERE external_id = 'sdk-hr-1')",
    );
    await expect(anonymous.invitations.accept(tokenOf(linkOnly.link!), PASSWORD)).rejects.toMatchObject({
      code: 'INVITATION_EXPIRED',
      details: { expiredAt: expect.any(String) },
    });
  });

  it('manages lots and tags, counts the Status column, reads the invitation history and the bulk invitations, and pages every connection', async () => {
    const parkpass = createClient({ url: `${server.url}/graphql`, apiKey: server.demo.apiKey });
    const lot = await parkpass.parkingLots.create('SDK lot', { idempotencyKey: 'sdk-lot-1' });
    expect(lot.parkingLot).toMatchObject({ name: 'SDK lot', profileCount: 0 });
    // The same key again: the same lot, not a second one nor an error, and it says so.
    expect(await parkpass.parkingLots.create('SDK lot', { idempotencyKey: 'sdk-lot-1' })).toEqual({ ...lot, replayed: true });
    await expect(parkpass.parkingLots.create('sdk LOT')).rejects.toMatchObject({ code: 'NAME_ALREADY_USED', path: ['input', 'name'] });
    expect(await parkpass.parkingLots.rename(lot.parkingLot.id, 'SDK lot B')).toMatchObject({ parkingLot: { name: 'SDK lot B' } });
    const tag = await parkpass.tags.create('SDK tag');

    // Fixture: 520 more tags, written directly (beyond one page of 500).
    const {
      rows: [organization],
    } = await database.query<{ organization_id: string }>('SELECT organization_id FROM tag WHERE name = $1', ['SDK tag']);
    await database.query("INSERT INTO tag (id, organization_id, name) SELECT gen_random_uuid(), $1, 'bulk tag ' || i FROM generate_series(1, 520) AS i", [
      organization!.organization_id,
    ]);
    const { parkingLots, tags } = await parkpass.lotsAndTags();
    expect(tags.length).toBe((await parkpass.tags.list({ first: 1 })).totalCount);
    expect(tags.length).toBeGreaterThan(520);
    expect(parkingLots.map((each) => each.name)).toContain('SDK lot B');

    const person = await parkpass.profiles.create({
      firstName: 'Hist',
      lastName: 'Ory',
      email: 'hist.ory@sdk.example',
      parkingLotIds: [lot.parkingLot.id],
      tagIds: [tag.tag.id],
    });
    const counts = await parkpass.profiles.counts({ parkingLotIds: [lot.parkingLot.id] });
    expect(counts).toEqual({
      __typename: 'ProfileCounts',
      total: 1,
      notInvited: 1,
      pending: 0,
      validated: 0,
      pendingWithExpiredInvitation: 0,
      emailUndeliverable: 0,
    });
    expect(
      (await parkpass.profiles.search({ filter: { tagIds: [tag.tag.id], tagsMatch: 'ALL' }, orderBy: { field: 'INVITED_AT', direction: 'DESC' } })).totalCount,
    ).toBe(1);

    const invited = await parkpass.invitations.inviteOne(person.profile.id);
    expect(invited.__typename).toBe('ProfileInvitePayload');
    const history = [];
    for await (const invitation of parkpass.profiles.allInvitations(person.profile.id)) history.push(invitation);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ state: 'OPEN', sentBy: { type: 'API_KEY' } });

    const validated = (await parkpass.profiles.search({ filter: { statuses: ['VALIDATED'] }, first: 1 })).edges[0]!.node;
    const bulk = await parkpass.invitations.inviteMany({ profileIds: [validated.id] });
    const listed = [];
    for await (const each of parkpass.invitations.allBulk({ pageSize: 1 })) listed.push(each);
    expect(listed[0]).toMatchObject({ id: bulk.bulkInvitation.id, selectionSummary: '1 profile chosen one by one', startedBy: { type: 'API_KEY' } });
    const skipped = [];
    for await (const each of parkpass.invitations.allSkipped(bulk.bulkInvitation.id)) skipped.push(each);
    expect(skipped).toEqual([
      expect.objectContaining({ reason: 'ALREADY_VALIDATED', profile: expect.objectContaining({ id: validated.id, status: 'VALIDATED' }) }),
    ]);

    expect(await parkpass.tags.delete(tag.tag.id)).toMatchObject({ __typename: 'TagDeletePayload', profileCount: 1 });
    expect(await parkpass.parkingLots.delete(lot.parkingLot.id)).toMatchObject({ __typename: 'ParkingLotDeletePayload', profileCount: 1 });
    // API keys are listed by a signed-in admin (an API key never manages keys).
    const login = await createClient({ url: `${server.url}/graphql`, anonymous: true }).admin.login(server.demo.adminEmail, server.demo.adminPassword);
    const admin = createClient({ url: `${server.url}/graphql`, token: login.token });
    // Two more keys, made by the admin, so paging one key at a time has pages to walk whatever ran before.
    for (const name of ['pager 1', 'pager 2']) expect((await admin.apiKeys.create({ name, role: 'VIEWER' })).__typename).toBe('ApiKeyCreatePayload');
    const keys = [];
    for await (const key of admin.apiKeys.all({ pageSize: 1 })) keys.push(key.id);
    expect(keys.length).toBe((await admin.apiKeys.list()).totalCount);
    expect(keys.length).toBeGreaterThan(1);

    // The audit trail of what this test did, newest first.
    const trail: string[] = [];
    for await (const event of admin.audit.all({ filter: { profileId: person.profile.id }, pageSize: 1 })) trail.push(event.kind);
    expect(trail).toEqual(['PROFILE_INVITED', 'PROFILE_CREATED']);
  });

  it('reports a plan without invitations, a role that may not invite, and bad credentials, each with its code', async () => {
    const parkpass = createClient({ url: `${server.url}/graphql`, apiKey: server.demo.apiKey });

    // Keys are made by a signed-in admin: an API key may not make keys.
    await expect(parkpass.apiKeys.create({ name: 'key-made', role: 'VIEWER' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      requiredRoles: ['OWNER', 'ADMIN'],
      details: { actorKind: 'API_KEY', allowedActorKinds: ['ADMIN'] },
    });
    const session = await createClient({ url: `${server.url}/graphql`, anonymous: true }).admin.login(server.demo.adminEmail, server.demo.adminPassword);
    const signedIn = createClient({ url: `${server.url}/graphql`, token: session.token });
    const viewerKey = await signedIn.apiKeys.create({ name: 'read only', role: 'VIEWER' });
    const readOnly = createClient({ url: `${server.url}/graphql`, apiKey: viewerKey.secret });
    const someone = (await readOnly.profiles.search({ first: 1 })).edges[0]!.node;
    // The same VIEWER refusal, from a mutation and from a query: one error, the same typed details.
    const fromMutation = await readOnly.invitations.inviteOne(someone.id).catch((error: unknown) => error);
    const fromQuery = await readOnly.apiKeys.list().catch((error: unknown) => error);
    for (const refused of [fromMutation, fromQuery]) {
      expect(refused).toBeInstanceOf(ParkpassError);
      expect(refused).toMatchObject({ code: 'FORBIDDEN', requiredPlan: null, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect((refused as ParkpassError).requiredRoles!.length).toBeGreaterThan(0);
    }

    // Fixture: an organization on the STARTER plan with an owner (organizations are not created through the API).
    const { rows } = await database.query<{ id: string }>(
      "INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Small Co', 'STARTER', now()) RETURNING id",
    );
    await database.query(
      "INSERT INTO admin (id, organization_id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'owner@small.example', 'Small Owner', 'OWNER', $2, now())",
      [rows[0]!.id, await hash(PASSWORD)],
    );
    const login = await createClient({ url: `${server.url}/graphql`, anonymous: true }).admin.login('owner@small.example', PASSWORD);
    const starter = createClient({ url: `${server.url}/graphql`, token: login.token });
    const created = await starter.profiles.create({ firstName: 'Only', lastName: 'Profile', email: 'only@small.example' });
    await expect(starter.invitations.inviteOne(created.profile.id)).rejects.toMatchObject({
      code: 'FEATURE_NOT_IN_PLAN',
      requiredPlan: 'BUSINESS',
      requiredRoles: null,
      message: 'invitations.inviteOne: The STARTER plan does not include INVITATIONS; the BUSINESS plan does.',
    });

    const wrongKey = createClient({ url: `${server.url}/graphql`, apiKey: 'ppk_not-a-real-key' });
    await expect(wrongKey.viewer()).rejects.toMatchObject({
      name: 'ParkpassError',
      code: 'UNAUTHENTICATED',
      operation: 'viewer',
      message: 'viewer: Invalid API key.',
    });
  });

  it('retries as the table says, through a fault-injecting proxy: 5xx and masked errors for idempotent calls, never 4xx, 429 after Retry-After, with jitter, a deadline and AbortSignal', async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const url = `${proxy.url}/graphql`;
      const parkpass = createClient({ url, apiKey: server.demo.apiKey, retryDelayMs: 100, retries: 5 });

      // A read: HTTP 503, a 500 carrying a masked error, a 200 carrying a masked error, a reset connection: retried, then answered.
      proxy.script('status503', 'masked500', 'masked200', 'reset');
      expect((await parkpass.viewer()).plan).toBe('ENTERPRISE');
      expect(proxy.arrivals()).toHaveLength(5);
      // Full jitter: each wait is at most 100 ms × 2^n (+ slack).
      const gaps = proxy.gaps();
      for (const [n, gap] of gaps.entries()) expect(gap).toBeLessThan(100 * 2 ** n + 150);
      // A fixed back-off would wait at least 100 × 2^n every time; random waits fall short of that.
      expect(gaps.some((gap, n) => gap < 100 * 2 ** n)).toBe(true);

      // A create carries an idempotency key: retried, and creates one profile.
      proxy.script('status503', 'masked500');
      const once = await parkpass.profiles.create({ firstName: 'Once', lastName: 'Retried', email: 'once.retried@sdk.example' });
      expect(proxy.arrivals()).toHaveLength(3);
      expect((await parkpass.profiles.search({ filter: { search: 'once.retried' } })).totalCount).toBe(1);

      // An update is retried too: the server answers the call's retry as its first attempt.
      proxy.script('masked500');
      expect((await parkpass.profiles.update(once.profile.id, { phone: '+33 1 00 00 00 00' })).profile.phone).toBe('+33 1 00 00 00 00');
      expect(proxy.arrivals()).toHaveLength(2);

      // Accepting an invitation is not retried (it cannot be answered twice): a 5xx is thrown at once, with the server's answer.
      proxy.script('masked500');
      await expect(parkpass.invitations.accept('no-such-token', 'a long and fine password')).rejects.toMatchObject({
        code: 'SERVER_ERROR',
        operation: 'invitations.accept',
        status: 500,
      });
      expect(proxy.arrivals()).toHaveLength(1);

      // 4xx are never retried, even for reads: a mistyped URL (404), refused credentials (401).
      proxy.script('notFound404');
      await expect(parkpass.viewer()).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 404 });
      expect(proxy.arrivals()).toHaveLength(1);
      const wrongKey = createClient({ url, apiKey: 'ppk_not-a-real-key', retryDelayMs: 10 });
      proxy.script();
      await expect(wrongKey.viewer()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(proxy.arrivals()).toHaveLength(1);

      // 429 with Retry-After: 1 — waited for, then retried, even for an update (the server refused it before doing anything).
      proxy.script('rateLimited');
      const updated = await parkpass.profiles.update(once.profile.id, { phone: '+33 1 00 00 00 01' });
      expect(updated.profile.phone).toBe('+33 1 00 00 00 01');
      expect(proxy.gaps()[0]).toBeGreaterThanOrEqual(990);
      // A Retry-After beyond the deadline is thrown at once, with retryAfterSeconds.
      proxy.script('rateLimited');
      const hurried = createClient({ url, apiKey: server.demo.apiKey, deadlineMs: 500 });
      await expect(hurried.viewer()).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });

      // A hanging attempt times out (TIMEOUT) and is retried; hanging for ever ends at the overall deadline.
      proxy.script('hang');
      const patient = createClient({ url, apiKey: server.demo.apiKey, timeoutMs: 300, retryDelayMs: 10 });
      expect((await patient.viewer()).plan).toBe('ENTERPRISE');
      expect(proxy.arrivals()).toHaveLength(2);
      proxy.script('hang', 'hang', 'hang', 'hang', 'hang', 'hang');
      const bounded = createClient({ url, apiKey: server.demo.apiKey, timeoutMs: 300, deadlineMs: 700, retryDelayMs: 10, retries: 10 });
      const began = Date.now();
      await expect(bounded.viewer()).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
      expect(Date.now() - began).toBeLessThan(1_500);

      // AbortSignal: during an attempt, and during follow/waitFor's wait between polls.
      proxy.script('hang');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(parkpass.viewer({ signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
      proxy.script('runningBulk', 'runningBulk');
      const waiting = new AbortController();
      setTimeout(() => waiting.abort(), 200);
      const started = Date.now();
      await expect(
        parkpass.invitations.waitFor('QnVsa0ludml0YXRpb246MDAwMDAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw', undefined, {
          intervalMs: 10_000,
          signal: waiting.signal,
        }),
      ).rejects.toMatchObject({ code: 'ABORTED' });
      expect(Date.now() - started).toBeLessThan(2_000);

      // The request id: the server keeps a well-formed one the caller sends, and sends it back.
      const echoed = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'hr-sync-run-42' },
        body: '{"query":"{ __typename }"}',
      });
      expect(echoed.headers.get('x-request-id')).toBe('hr-sync-run-42');
      const replaced = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'bad id\\n' },
        body: '{"query":"{ __typename }"}',
      });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('ships types that catch mistakes: results are typed, a misspelled field does not compile', () => {
    const output = (() => {
      try {
        return execFileSync('npx', ['tsc', '-p', 'sdk/test/consumer/tsconfig.json'], { cwd: root, encoding: 'utf8' });
      } catch (error) {
        return (error as { stdout: string }).stdout;
      }
    })();
    expect(output).toBe('');
  }, 120_000);

  it('runs the README\'s "sync from your HR system" example as written, twice, from the packed tarball in an ESM project; the CommonJS entry in a CJS project; and compiles every README example in both, strictly', async () => {
    const readme = await readFile(path.join(root, 'sdk/README.md'), 'utf8');
    const example = /```ts example\n([\s\S]*?)```/.exec(readme)![1]!;
    const work = await mkdtemp(path.join(tmpdir(), 'parkpass-consumers-'));
    const tarball = path.join(
      work,
      execFileSync('npm', ['pack', '--workspace', 'sdk', '--pack-destination', work, '--silent'], { cwd: root, encoding: 'utf8' }).trim(),
    );
    // The admin UI's own documents (admin/src/graphql) are not part of the SDK: none ships in the tarball.
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
    const shipped = spawnSync(
      'grep',
      ['-rlE', 'AdminShell|AdminProfilesPage|AdminProfilePage|AdminProfileCounts|StatusBadge_profile|admin-ui\\.graphql', path.join(unpacked, 'package/dist')],
      {
        encoding: 'utf8',
      },
    );
    // grep exits 1 when nothing matches.
    expect(shipped.status, `admin UI documents in the SDK tarball: ${shipped.stdout}`).toBe(1);
    const install = (project: string) =>
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball], { cwd: project, stdio: 'pipe' });
    const env = { ...process.env, PARKPASS_URL: `${server.url}/graphql`, PARKPASS_API_KEY: server.demo.apiKey, SYNC_RUN_ID: 'e2e-run-1' };

    const esm = path.join(work, 'esm');
    await mkdir(esm);
    await writeFile(path.join(esm, 'package.json'), JSON.stringify({ name: 'esm-consumer', private: true, type: 'module' }));
    install(esm);
    await writeFile(path.join(esm, 'sync.ts'), example);
    const run = () =>
      execFileSync(process.execPath, ['--import', path.join(root, 'node_modules/tsx/dist/esm/index.mjs'), 'sync.ts'], { cwd: esm, encoding: 'utf8', env });
    const first = run();
    expect(first).toMatch(/^Synced: 3 created, 0 updated, 0 unchanged, 1 failed$/m);
    expect(first).toMatch(/^Row 3 \(hr-1001\): DUPLICATE_IN_BATCH, same externalId as row 0$/m);
    expect(first).toMatch(/^Invited 3 \(new bulk invitation\)$/m);
    const second = run();
    expect(second).toMatch(/^Synced: 0 created, 0 updated, 3 unchanged, 1 failed$/m);
    expect(second).toMatch(/^Invited 3 \(replayed: this run's invitation was already made\)$/m);
    expect(await emailsTo('ada.lovelace@hr.example', 1)).toHaveLength(1);

    const cjs = path.join(work, 'cjs');
    await mkdir(cjs);
    await writeFile(path.join(cjs, 'package.json'), JSON.stringify({ name: 'cjs-consumer', private: true, type: 'commonjs' }));
    install(cjs);
    await writeFile(
      path.join(cjs, 'check.js'),
      "const { createClient, Role, ParkpassError } = require('@parkpass/sdk');\n" +
        'createClient({ url: process.env.PARKPASS_URL, apiKey: process.env.PARKPASS_API_KEY }).viewer()\n' +
        '  .then((viewer) => console.log(`CJS: ${viewer.role} ${Role.ADMIN} ${typeof ParkpassError}`))\n' +
        '  .catch((error) => { console.error(error); process.exit(1); });\n',
    );
    expect(execFileSync(process.execPath, ['check.js'], { cwd: cjs, encoding: 'utf8', env })).toBe('CJS: ADMIN ADMIN function\n');
    // Every TypeScript example of the README compiles against the packed types, in an ESM and in a CommonJS project:
    // strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck off, no DOM lib, no @types/node.
    const examples = [...readme.matchAll(/```ts( example)?\n([\s\S]*?)```/g)].map((match) => match[2]!);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    // The app's own environment (process, console), which the SDK's types do not bring.
    const environment =
      'declare const process: { env: Record<string, string | undefined> };\ndeclare const console: { log(...values: unknown[]): void; warn(...values: unknown[]): void };\n';
    const strictCheck = async (project: string, moduleKind: 'NodeNext' | 'Node16', files: string[]) => {
      await writeFile(path.join(project, 'environment.d.ts'), environment);
      await writeFile(
        path.join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: moduleKind,
            moduleResolution: moduleKind,
            target: 'ES2022',
            lib: ['ES2023'],
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            skipLibCheck: false,
            noEmit: true,
            types: [],
          },
          files: ['environment.d.ts', ...files],
        }),
      );
      const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
      return (() => {
        try {
          return execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' });
        } catch (error) {
          return (error as { stdout: string }).stdout;
        }
      })();
    };
    const esmFiles = await Promise.all(
      examples.map(async (code, index) => {
        await writeFile(path.join(esm, `example-${index}.ts`), code);
        return `example-${index}.ts`;
      }),
    );
    expect(await strictCheck(esm, 'NodeNext', esmFiles)).toBe('');
    // In CommonJS there is no top-level await: an example that awaits runs in a function.
    const cjsFiles = await Promise.all(
      examples.map(async (code, index) => {
        const lines = code.split('\n');
        const imports = lines.filter((line) => line.startsWith('import '));
        const rest = lines.filter((line) => !line.startsWith('import '));
        const body = /\bawait\b/.test(code) ? `export async function main() {\n${rest.join('\n')}\n}\n` : rest.join('\n');
        await writeFile(path.join(cjs, `example-${index}.ts`), `${imports.join('\n')}\n${body}`);
        return `example-${index}.ts`;
      }),
    );
    expect(await strictCheck(cjs, 'Node16', cjsFiles)).toBe('');
    // Nothing of graphql itself comes with the SDK.
    await expect(readFile(path.join(cjs, 'node_modules/graphql/package.json'))).rejects.toThrow();
  }, 300_000);
});

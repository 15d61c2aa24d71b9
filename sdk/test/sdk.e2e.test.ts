import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import { createClient, ParkpassError } from '@parkpass/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakePostmark, startFakePostmark } from '../../server/test/fake-postmark.ts';
import { type RunningServer, startServer } from './server-process.ts';

// An outside app's view: the real server (`server/main.ts`) in its own
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
  database = new pg.Client({ connectionString: server.databaseUrl });
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
      if (result.__typename !== 'ProfilePayload') throw new Error(result.message);
      expect(result.profile.status).toBe('NOT_INVITED');
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

    const selection = { filter: { search: 'quincampoix', tagIds: [tag.id] } };
    expect(await parkpass.invitations.preview(selection)).toEqual({ total: 2, inviteCount: 2, reinviteCount: 0, skippedCount: 0, skipped: [] });
    const started = await parkpass.invitations.inviteMany(selection, { idempotencyKey: 'sdk-e2e-1' });
    if (started.__typename !== 'ProfilesInvitePayload') throw new Error(started.message);
    const seen: string[] = [];
    const finished = await parkpass.invitations.waitFor(started.bulkInvitation.id, (bulk) => seen.push(bulk.state), { intervalMs: 100 });
    expect(finished).toMatchObject({ state: 'COMPLETED', total: 2, done: 2, invitedCount: 2 });
    expect(seen.at(-1)).toBe('COMPLETED');

    const [invitation] = await emailsTo('zoe.quincampoix@sdk.example', 1);
    expect(invitation!.TextBody).toContain(`${server.url}/accept#token=`);
    const token = tokenOf(invitation!.TextBody!);
    expect(await parkpass.invitations.byToken(token)).toMatchObject({ firstName: 'Zoé', organizationName: viewer.organization.name, state: 'OPEN' });

    // The invited person's side: no credentials at all.
    const anonymous = createClient({ url: `${server.url}/graphql` });
    expect(await anonymous.invitations.accept(token, PASSWORD)).toMatchObject({ __typename: 'InvitationAcceptPayload', firstName: 'Zoé' });
    expect((await parkpass.profiles.get(created[0]!.id))!.status).toBe('VALIDATED');
    const [, appEmail] = await emailsTo('zoe.quincampoix@sdk.example', 2);
    expect(appEmail!.Subject).toBe('Your Parkpass account is ready: download the app');

    // The error paths, each a typed result to switch on.
    expect(await anonymous.invitations.accept(token, PASSWORD)).toMatchObject({ __typename: 'InvitationAlreadyUsed', code: 'INVITATION_ALREADY_USED' });
    expect(await parkpass.invitations.inviteOne(created[0]!.id)).toMatchObject({ __typename: 'ProfileAlreadyValidated' });

    const linkOnly = await parkpass.invitations.inviteOne(synced.__typename === 'ProfilesUpsertPayload' ? synced.results[0]!.profileId! : '', {
      sendEmail: false,
    });
    if (linkOnly.__typename !== 'ProfileInvitePayload') throw new Error(linkOnly.message);
    // Fixture: the invitation's validity ran out (the server's clock cannot be moved from outside).
    await database.query(
      "UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE token_hash IS NOT NULL AND id = (SELECT latest_invitation_id FROM profile WHERE external_id = 'sdk-hr-1')",
    );
    expect(await anonymous.invitations.accept(tokenOf(linkOnly.link!), PASSWORD)).toMatchObject({
      __typename: 'InvitationExpired',
      code: 'INVITATION_EXPIRED',
    });
  });

  it('manages lots and tags, counts the Status column, reads the invitation history and the bulk invitations, and pages every connection', async () => {
    const parkpass = createClient({ url: `${server.url}/graphql`, apiKey: server.demo.apiKey });
    const lot = await parkpass.parkingLots.create('SDK lot', { idempotencyKey: 'sdk-lot-1' });
    if (lot.__typename !== 'ParkingLotPayload') throw new Error(lot.message);
    expect(lot.parkingLot).toMatchObject({ name: 'SDK lot', profileCount: 0 });
    // The same key again: the same lot, not a second one nor an error.
    expect(await parkpass.parkingLots.create('SDK lot', { idempotencyKey: 'sdk-lot-1' })).toEqual(lot);
    expect(await parkpass.parkingLots.create('sdk LOT')).toMatchObject({ __typename: 'NameAlreadyUsed', code: 'NAME_ALREADY_USED' });
    expect(await parkpass.parkingLots.rename(lot.parkingLot.id, 'SDK lot B')).toMatchObject({ parkingLot: { name: 'SDK lot B' } });
    const tag = await parkpass.tags.create('SDK tag');
    if (tag.__typename !== 'TagPayload') throw new Error(tag.message);

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
    if (person.__typename !== 'ProfilePayload') throw new Error(person.message);
    const counts = await parkpass.profiles.counts({ parkingLotIds: [lot.parkingLot.id] });
    expect(counts).toEqual({ total: 1, notInvited: 1, pending: 0, validated: 0, pendingWithExpiredInvitation: 0, emailUndeliverable: 0 });
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
    if (bulk.__typename !== 'ProfilesInvitePayload') throw new Error(bulk.message);
    const listed = [];
    for await (const each of parkpass.invitations.allBulk({ pageSize: 1 })) listed.push(each);
    expect(listed[0]).toMatchObject({ id: bulk.bulkInvitation.id, selectionSummary: '1 profile chosen one by one', startedBy: { type: 'API_KEY' } });
    const skipped = [];
    for await (const each of parkpass.invitations.allSkipped(bulk.bulkInvitation.id)) skipped.push(each);
    expect(skipped).toEqual([{ reason: 'ALREADY_VALIDATED', profile: expect.objectContaining({ id: validated.id, status: 'VALIDATED' }) }]);

    expect(await parkpass.tags.delete(tag.tag.id)).toMatchObject({ __typename: 'TagDeletePayload', profileCount: 1 });
    expect(await parkpass.parkingLots.delete(lot.parkingLot.id)).toMatchObject({ __typename: 'ParkingLotDeletePayload', profileCount: 1 });
    // API keys are listed by a signed-in admin (an API key never manages keys).
    const login = await createClient({ url: `${server.url}/graphql` }).admin.login(server.demo.adminEmail, server.demo.adminPassword);
    if (login.__typename !== 'AdminLoginPayload') throw new Error(login.message);
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
    expect(await parkpass.apiKeys.create({ name: 'key-made', role: 'VIEWER' })).toMatchObject({
      __typename: 'Forbidden',
      actorKind: 'API_KEY',
      allowedActorKinds: ['ADMIN'],
    });
    const session = await createClient({ url: `${server.url}/graphql` }).admin.login(server.demo.adminEmail, server.demo.adminPassword);
    if (session.__typename !== 'AdminLoginPayload') throw new Error(session.message);
    const signedIn = createClient({ url: `${server.url}/graphql`, token: session.token });
    const viewerKey = await signedIn.apiKeys.create({ name: 'read only', role: 'VIEWER' });
    if (viewerKey.__typename !== 'ApiKeyCreatePayload') throw new Error(viewerKey.message);
    const readOnly = createClient({ url: `${server.url}/graphql`, apiKey: viewerKey.secret });
    const someone = (await readOnly.profiles.search({ first: 1 })).edges[0]!.node;
    expect(await readOnly.invitations.inviteOne(someone.id)).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
    const refused = await readOnly.apiKeys.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ParkpassError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', operation: 'apiKeys.list', details: { requiredRoles: ['OWNER', 'ADMIN'] } });

    // Fixture: an organization on the STARTER plan with an owner (organizations are not created through the API).
    const { rows } = await database.query<{ id: string }>(
      "INSERT INTO organization (id, name, plan, updated_at) VALUES (gen_random_uuid(), 'Small Co', 'STARTER', now()) RETURNING id",
    );
    await database.query(
      "INSERT INTO admin (id, organization_id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'owner@small.example', 'Small Owner', 'OWNER', $2, now())",
      [rows[0]!.id, await hash(PASSWORD)],
    );
    const login = await createClient({ url: `${server.url}/graphql` }).admin.login('owner@small.example', PASSWORD);
    if (login.__typename !== 'AdminLoginPayload') throw new Error(login.message);
    const starter = createClient({ url: `${server.url}/graphql`, token: login.token });
    const created = await starter.profiles.create({ firstName: 'Only', lastName: 'Profile', email: 'only@small.example' });
    if (created.__typename !== 'ProfilePayload') throw new Error(created.message);
    expect(await starter.invitations.inviteOne(created.profile.id)).toEqual({
      __typename: 'FeatureNotInPlan',
      code: 'FEATURE_NOT_IN_PLAN',
      message: 'The STARTER plan does not include INVITATIONS; the BUSINESS plan does.',
    });

    const wrongKey = createClient({ url: `${server.url}/graphql`, apiKey: 'ppk_not-a-real-key' });
    await expect(wrongKey.viewer()).rejects.toMatchObject({
      name: 'ParkpassError',
      code: 'UNAUTHENTICATED',
      operation: 'viewer',
      message: 'viewer: Invalid API key.',
    });
  });

  it('names the operation on network errors and retries idempotent reads', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls <= 2) return new Response('upstream down', { status: 503 });
      return fetch(input, init);
    };
    const parkpass = createClient({ url: `${server.url}/graphql`, apiKey: server.demo.apiKey, fetch: flaky, retryDelayMs: 10 });
    expect((await parkpass.viewer()).plan).toBe('ENTERPRISE');
    expect(calls).toBe(3);

    // A create carries an idempotency key, so it is retried, and creates one profile.
    calls = 0;
    const created = await parkpass.profiles.create({ firstName: 'Once', lastName: 'Retried', email: 'once.retried@sdk.example' });
    expect(created.__typename).toBe('ProfilePayload');
    expect(calls).toBe(3);
    expect((await parkpass.profiles.search({ filter: { search: 'once.retried' } })).totalCount).toBe(1);

    // An update is not retried: it never happens twice.
    calls = 0;
    const id = created.__typename === 'ProfilePayload' ? created.profile.id : '';
    await expect(parkpass.profiles.update(id, { phone: '+33 1 00 00 00 00' })).rejects.toMatchObject({ code: 'SERVER_ERROR', operation: 'profiles.update' });
    expect(calls).toBe(1);

    const unreachable = createClient({ url: 'http://127.0.0.1:9/graphql', retries: 1, retryDelayMs: 10 });
    await expect(unreachable.invitations.byToken('x')).rejects.toMatchObject({ code: 'NETWORK_ERROR', operation: 'invitations.byToken' });
  });

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

  it("runs the SDK README's example as written, from the packed tarball installed in an empty project", async () => {
    const readme = await readFile(path.join(root, 'sdk/README.md'), 'utf8');
    const example = /```ts example\n([\s\S]*?)```/.exec(readme)![1]!;
    const project = await mkdtemp(path.join(tmpdir(), 'parkpass-consumer-'));
    const tarball = execFileSync('npm', ['pack', '--workspace', 'sdk', '--pack-destination', project, '--silent'], { cwd: root, encoding: 'utf8' }).trim();
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', path.join(project, tarball)], { cwd: project, stdio: 'pipe' });
    await writeFile(path.join(project, 'example.ts'), example);
    const output = execFileSync(process.execPath, ['--import', path.join(root, 'node_modules/tsx/dist/esm/index.mjs'), 'example.ts'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, PARKPASS_URL: `${server.url}/graphql`, PARKPASS_API_KEY: server.demo.apiKey },
    });
    expect(output).toMatch(/^Synced: 1 created, 0 updated, 0 failed$/m);
    expect(output).toMatch(/^Bulk invitation COMPLETED: \d+ invited, \d+ re-invited, \d+ skipped$/m);
  }, 120_000);
});

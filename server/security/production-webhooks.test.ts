import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestKit } from '../test/kit.ts';
import { productionApp } from '../test/production.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.ts';
import { refusedAddressReason } from '../webhooks/webhook-address-guard.ts';
import { DEFAULT_WEBHOOK_DELIVERY, deliverDueWebhooks } from '../webhooks/webhook-delivery.ts';
import { postWebhook, type WebhookRequestLimits } from '../webhooks/webhook-sender.ts';
import { freePort } from '../database/free-port.ts';

// SSRF: in production a webhook endpoint may not point at the server's own
// network. Refused when saved (the URL as given, a local name, or what the
// name resolves to) and again at every delivery on the address the socket
// would connect to, so a name that later resolves inward is caught too.

// Names only this test resolves: what an internal DNS would answer for a machine of the server's network.
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  const internal: Record<string, string> = { 'vm.hooks.test': '127.0.0.1', 'db.hooks.test': '10.1.2.3', 'v6.hooks.test': 'fd00::7' };
  const lookup = (async (host: string, options: unknown) =>
    internal[host]
      ? [{ address: internal[host], family: internal[host].includes(':') ? 6 : 4 }]
      : actual.lookup(host, options as never)) as typeof actual.lookup;
  return { ...actual, lookup, default: { ...actual, lookup } };
});

const kit = useTestKit();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

const CREATE = `mutation ($url: String!) { webhookEndpointCreate(input: { url: $url, eventTypes: [PROFILE_INVITED] }) {
  __typename ... on Error { code message } ... on InputError { path } } }`;

describe('webhooks in production mode', () => {
  it('refuses endpoints on loopback, private, link-local and other non-public addresses', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const app = productionApp(kit);
    const create = async (url: string) => {
      const response = await app.fetch('http://parkpass.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
        body: JSON.stringify({ query: CREATE, variables: { url } }),
      });
      return ((await response.json()) as { data: { webhookEndpointCreate: { __typename: string; code?: string; message?: string; path?: string[] } } }).data
        .webhookEndpointCreate;
    };
    for (const url of [
      receiver.url, // http://127.0.0.1:<port>/…
      'https://127.0.0.1/hooks',
      'https://10.0.0.8/hooks',
      'https://172.16.5.4/hooks',
      'https://192.168.1.20/hooks',
      'http://169.254.169.254/latest/meta-data/', // the cloud metadata service
      'https://[::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://[fd00::5]/hooks',
      'https://[::ffff:10.0.0.1]/hooks',
      'https://0.0.0.0/hooks',
      'https://100.64.0.1/hooks',
      'https://localhost/hooks',
      'https://api.localhost/hooks',
      'https://2130706433/hooks', // 127.0.0.1 written as one number
      'http://0x7f.1/hooks', // …in hexadecimal, two parts
      'http://0177.0.0.1/hooks', // …in octal
      'http://localhost.:4690/hooks', // a trailing dot: still localhost
      'https://hooks.example.com./hooks', // a trailing dot on any name
      'http://[::127.0.0.1]:4690/hooks', // IPv4-compatible IPv6 (::7f00:1)
      'https://[::ffff:127.0.0.1]/hooks', // IPv4-mapped IPv6
      'https://[::]/hooks',
      'https://[fe80::1234:5678]/hooks',
      'https://[fec0::1]/hooks', // site-local
      'http://0.0.0.0:4690/hooks',
    ]) {
      const result = await create(url);
      expect(result, url).toMatchObject({ __typename: 'WebhookUrlRefused', code: 'WEBHOOK_URL_REFUSED', path: ['input', 'url'] });
      expect(result.message, url).toMatch(/public addresses/);
    }
    expect(await kit.prisma.webhookEndpoint.count({ where: { organizationId: org.id } })).toBe(0);
    // A public address is accepted (nothing is sent until an event happens).
    expect((await create('https://93.184.215.14/parkpass')).__typename).toBe('WebhookEndpointSecretPayload');
    expect((await create('https://[2606:4700:4700::1111]/parkpass')).__typename).toBe('WebhookEndpointSecretPayload');
  });

  it('refuses with one coarse message that never tells what the address is or what the name resolved to', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const app = productionApp(kit);
    const messages = new Set<string>();
    for (const url of [
      'https://vm.hooks.test/hooks',
      'https://db.hooks.test/hooks',
      'https://v6.hooks.test/hooks',
      'https://10.0.0.8/hooks',
      'https://[fd00::5]/hooks',
      'https://api.localhost/hooks',
      'https://hooks.example.com./hooks',
    ]) {
      const response = await app.fetch('http://parkpass.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
        body: JSON.stringify({ query: CREATE, variables: { url } }),
      });
      const result = ((await response.json()) as any).data.webhookEndpointCreate;
      expect(result, url).toMatchObject({ __typename: 'WebhookUrlRefused', code: 'WEBHOOK_URL_REFUSED', path: ['input', 'url'] });
      messages.add(result.message);
    }
    expect([...messages]).toEqual(['This address is not allowed: webhooks only go to public addresses.']);
  });

  it('saves local addresses, trailing dots included, where the setting allows private addresses', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const app = productionApp(kit, { env: { PARKPASS_WEBHOOK_PRIVATE_ADDRESSES: 'true' } });
    for (const url of ['http://localhost.:4690/hooks', 'http://[::127.0.0.1]:4690/hooks']) {
      const response = await app.fetch('http://parkpass.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
        body: JSON.stringify({ query: CREATE, variables: { url } }),
      });
      expect(((await response.json()) as any).data.webhookEndpointCreate.__typename, url).toBe('WebhookEndpointSecretPayload');
    }
  });

  it('records coarse attempt errors, never an address, a port or a system message', async () => {
    const send = (url: string, options: Partial<WebhookRequestLimits> = {}) =>
      postWebhook(url, {}, '{}', { timeoutMs: 2_000, maxResponseBytes: 1024, allowPrivateAddresses: true, ...options });
    const closedPort = await freePort();
    const own = await startWebhookReceiver();
    own.mode = 'fail';
    const failing = await send(own.url);
    own.mode = 'hang';
    const hanging = await send(own.url, { timeoutMs: 100 });
    const tls = await send(own.url.replace('http:', 'https:')); // TLS to a plain HTTP server
    await own.close();
    const attempts = [
      await send(`http://127.0.0.1:${closedPort}/hooks`),
      failing,
      hanging,
      tls,
      await send(`http://127.0.0.1:${closedPort}/hooks`, { allowPrivateAddresses: false }),
      await send(`http://localhost:${closedPort}/hooks`, { allowPrivateAddresses: false }),
      await send('http://no-such-name.invalid/hooks'),
    ];
    expect(attempts.map(({ outcome, error }) => [outcome, error])).toEqual([
      ['NETWORK_ERROR', 'connection refused'],
      ['HTTP_ERROR', 'HTTP 500'],
      ['TIMEOUT', 'timeout'],
      ['NETWORK_ERROR', 'TLS error'],
      ['ADDRESS_REFUSED', 'address not allowed'],
      ['ADDRESS_REFUSED', 'address not allowed'],
      ['NETWORK_ERROR', 'name not resolved'],
    ]);
  });

  it('checks the address again at delivery: an endpoint whose name resolves inward gets nothing, and the attempt says why', async () => {
    const org = await kit.createOrganization({ plan: 'ENTERPRISE', role: 'OWNER' });
    const port = new URL(receiver.url).port;
    // Saved when it pointed elsewhere (or by a server that allowed it): now "localhost" and a literal loopback address.
    for (const url of [`http://localhost:${port}/hooks`, `http://127.0.0.1:${port}/hooks`]) {
      await kit.prisma.webhookEndpoint.create({ data: { organizationId: org.id, url, eventTypes: ['profile.invited'] } });
    }
    const [id] = await org.insertProfiles(1);
    const invite = await org.api.profileInvite(id!);
    expect(invite.__typename).toBe('ProfileInvitePayload');
    await deliverDueWebhooks({ ...kit.worker, webhooks: { ...DEFAULT_WEBHOOK_DELIVERY, allowPrivateAddresses: false } });
    expect(receiver.requests).toEqual([]);
    const attempts = await kit.prisma.webhookAttempt.findMany({ where: { delivery: { organizationId: org.id } } });
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ outcome: 'ADDRESS_REFUSED', responseStatus: null });
      expect(attempt.error).toBe('address not allowed');
    }
    // The same deliveries, outside production, reach the local receiver.
    kit.clock.advance(60_000);
    await deliverDueWebhooks(kit.worker as Parameters<typeof deliverDueWebhooks>[0]);
    expect(receiver.requests.map((request) => request.answered)).toEqual([200, 200]);
  });

  it('classifies addresses with ipaddr.js: only public unicast passes', () => {
    for (const address of ['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111']) expect(refusedAddressReason(address), address).toBeNull();
    for (const address of [
      '127.0.0.2',
      '10.1.1.1',
      '192.168.0.1',
      '169.254.1.1',
      '::1',
      'fe80::2',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::7f00:1',
      '::a00:1',
      'fec0::1',
      '100::1',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
    ]) {
      expect(refusedAddressReason(address), address).not.toBeNull();
    }
  });
});

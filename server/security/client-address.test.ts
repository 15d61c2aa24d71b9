import { describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { productionConfig } from '../test/production.ts';
import { clientAddressFinder, parseTrustedProxies, TRUST_NO_PROXY } from './client-address.ts';

// How the caller's address is found: the rightmost X-Forwarded-For entry that
// is not one of our proxies (TRUST_PROXY: a hop count or the proxies'
// addresses), IPv6 callers keyed by their /64. The leftmost entry, written by
// the caller, used to be taken as is.

describe('TRUST_PROXY', () => {
  it('reads a hop count, or addresses and CIDR ranges (IPv4 and IPv6), or nothing', () => {
    expect(parseTrustedProxies('')).toEqual(TRUST_NO_PROXY);
    expect(parseTrustedProxies('false')).toEqual({ hops: 0 });
    expect(parseTrustedProxies('0')).toEqual({ hops: 0 });
    expect(parseTrustedProxies('2')).toEqual({ hops: 2 });
    expect(parseTrustedProxies(' 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1')).toEqual({ ranges: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1'] });
    expect(parseTrustedProxies('loopback')).toEqual({ ranges: ['127.0.0.1/8', '::1/128'] });
  });

  it('refuses what is neither', () => {
    for (const value of [
      'yes',
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0',
      '10.0.0.0/8, proxy.internal',
      '127.1',
      '10.0.0.0/x',
      '10.0.0.0/8/9',
      '10.0.0.0/',
      '-1',
    ]) {
      expect(() => parseTrustedProxies(value), value).toThrow(/neither an IP address nor a CIDR range|longer than its address/);
    }
  });

  it('is read by the configuration: unset trusts nothing, a bad value is a configuration error', () => {
    expect(loadConfig({}).trustProxy).toEqual({ hops: 0 });
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toEqual({ ranges: ['10.0.0.0/8'] });
    expect(() => loadConfig({ TRUST_PROXY: 'on' })).toThrow(/Invalid configuration: TRUST_PROXY: "on" is neither an IP address nor a CIDR range/);
  });

  it('"true": refused in production, one hop in development (and the server says so)', () => {
    expect(() => productionConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: "true" is refused in production/);
    expect(productionConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
    const development = loadConfig({ TRUST_PROXY: 'true' });
    expect(development.trustProxy).toEqual({ hops: 1 });
    expect(development.notices).toEqual([expect.stringContaining('TRUST_PROXY=true: read as 1 proxy hop')]);
    expect(loadConfig({ TRUST_PROXY: '1' }).notices).toEqual([]);
  });
});

describe('the caller’s address', () => {
  it('trusting nothing: the socket’s peer, whatever X-Forwarded-For says', () => {
    const find = clientAddressFinder(TRUST_NO_PROXY);
    expect(find('192.0.2.1', '203.0.113.9')).toBe('192.0.2.1');
    expect(find(undefined, '203.0.113.9')).toBe('unknown');
  });

  it('one hop: the entry our proxy appended, not the ones the caller wrote', () => {
    const find = clientAddressFinder({ hops: 1 });
    expect(find('10.0.0.2', '203.0.113.9')).toBe('203.0.113.9');
    expect(find('10.0.0.2', '198.51.100.1, 198.51.100.2, 203.0.113.9')).toBe('203.0.113.9');
    // Without the header, the peer itself.
    expect(find('10.0.0.2', null)).toBe('10.0.0.2');
  });

  it('two hops: the entry before the second proxy’s; with too few entries, the leftmost present', () => {
    const find = clientAddressFinder({ hops: 2 });
    expect(find('10.0.0.2', '198.51.100.1, 203.0.113.9, 10.0.0.1')).toBe('203.0.113.9');
    expect(find('10.0.0.2', '10.0.0.1')).toBe('10.0.0.1');
  });

  it('a list of proxies: the rightmost entry not within it', () => {
    const find = clientAddressFinder(parseTrustedProxies('10.0.0.0/8, 2001:db8:ffff::/48'));
    expect(find('10.0.0.2', '198.51.100.1, 203.0.113.9, 2001:db8:ffff::5, 10.9.9.9')).toBe('203.0.113.9');
    // A peer that is not one of our proxies is the caller, whatever it forwards.
    expect(find('192.0.2.50', '203.0.113.9')).toBe('192.0.2.50');
    // Every hop a proxy: the leftmost.
    expect(find('10.0.0.2', '10.0.0.3, 10.0.0.4')).toBe('10.0.0.3');
  });

  it('counts entries by position: what our proxy wrote at the caller’s place is the key, even when it is not a bare address', () => {
    const find = clientAddressFinder({ hops: 1 });
    // Ports, brackets and zones as proxies write them.
    expect(find('10.0.0.2', '198.51.100.1, 203.0.113.6:443')).toBe('203.0.113.6');
    expect(find('10.0.0.2', '198.51.100.1, [2001:db8:9:9::1]')).toBe('2001:db8:9:9::/64');
    expect(find('10.0.0.2', '198.51.100.1, [2001:db8:9:9::1]:8443')).toBe('2001:db8:9:9::/64');
    expect(find('10.0.0.2', '198.51.100.1, fe80::1%eth0')).toBe('fe80::/64');
    // Not an address at all: that entry, as written, not the caller's entry to its left.
    for (const forged of ['198.51.100.1', '198.51.100.2', '10.0.0.7']) {
      expect(find('10.0.0.2', `${forged}, unknown`)).toBe('unparsed:unknown');
      expect(find('10.0.0.2', `${forged}, 203.000.113.008`)).toBe('unparsed:203.000.113.008');
    }
    // Junk left of the caller's place is never read.
    expect(find('10.0.0.2', 'junk, 203.0.113.9')).toBe('203.0.113.9');
    // Two hops: the second proxy's entry is passed by position whatever it holds.
    expect(clientAddressFinder({ hops: 2 })('10.0.0.2', '203.0.113.9, unknown')).toBe('203.0.113.9');
  });

  it('a list of proxies: an entry that is not an address is not a proxy, so it is the caller', () => {
    const find = clientAddressFinder(parseTrustedProxies('10.0.0.0/8'));
    expect(find('10.0.0.2', '198.51.100.1, not-an-ip, 10.9.9.9')).toBe('unparsed:not-an-ip');
    expect(find('10.0.0.2', '198.51.100.1, 10.9.9.9:8080')).toBe('198.51.100.1');
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4 address, as a peer, an entry and a trusted range', () => {
    expect(clientAddressFinder(TRUST_NO_PROXY)('::ffff:192.0.2.1', null)).toBe('192.0.2.1');
    expect(clientAddressFinder({ hops: 1 })('::ffff:10.0.0.2', '::ffff:203.0.113.9')).toBe('203.0.113.9');
    const find = clientAddressFinder(parseTrustedProxies('127.0.0.1, ::ffff:10.0.0.0/104'));
    expect(find('::ffff:127.0.0.1', '203.0.113.9, 10.1.1.1')).toBe('203.0.113.9');
  });

  it('keys an IPv6 caller by its /64', () => {
    const find = clientAddressFinder(TRUST_NO_PROXY);
    expect(find('2001:db8:1:2::1', null)).toBe('2001:db8:1:2::/64');
    expect(find('2001:0db8:0001:0002:ffff:ffff:ffff:ffff', null)).toBe('2001:db8:1:2::/64');
    expect(find('2001:db8:1:3::1', null)).toBe('2001:db8:1:3::/64');
    expect(find('fe80::1%eth0', null)).toBe('fe80::/64');
  });
});

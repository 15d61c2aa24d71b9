import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

// Who is calling, as the per-address limits count it (rate limits, sign-in
// failures, the addresses an admin signs in from). The socket's peer, unless
// TRUST_PROXY says which hops are our own proxies: then the rightmost
// X-Forwarded-For entry that is not one of them. Each proxy appends the
// address it received the request from, so everything left of our first
// proxy's entry is written by the caller and worth nothing. Express' `trust
// proxy` reads a hop count or an address list the same way.
//
// An IPv6 caller gets a whole /64 from one provider (often a home line):
// every address in it is one caller, keyed "2001:db8:1:2::/64".

/** Which hops are our own proxies: the nearest `hops` (0: none, the socket's peer is the caller), or those within `ranges`. */
export type TrustedProxies = { hops: number } | { ranges: string[] };

export const TRUST_NO_PROXY: TrustedProxies = { hops: 0 };

/** Names Express accepts for common ranges. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Reads TRUST_PROXY's value: a hop count, or addresses and CIDR ranges separated by commas (or Express' names loopback, linklocal, uniquelocal). Throws on anything else. */
export function parseTrustedProxies(value: string): TrustedProxies {
  const text = value.trim();
  if (text === '' || text === 'false') return TRUST_NO_PROXY;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (!Number.isSafeInteger(hops)) throw new Error(`"${text}" is not a hop count`);
    return { hops };
  }
  const ranges = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .flatMap((entry) => NAMED_RANGES[entry.toLowerCase()] ?? [entry]);
  for (const range of ranges) compileRange(range);
  return { ranges };
}

/** An address or CIDR range as [network, prefix length]; an IPv4-mapped IPv6 range is its IPv4 range. */
function compileRange(range: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const [address, prefix, ...rest] = range.split('/');
  if (!address || !isIP(address) || rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
    throw new Error(`"${range}" is neither an IP address nor a CIDR range`);
  }
  const parsed = ipaddr.parse(address);
  const bits = prefix === undefined ? (parsed.kind() === 'ipv4' ? 32 : 128) : Number(prefix);
  if (bits > (parsed.kind() === 'ipv4' ? 32 : 128)) throw new Error(`"${range}" has a prefix longer than its address`);
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() && bits >= 96) return [parsed.toIPv4Address(), bits - 96];
  return [parsed, bits];
}

/**
 * An address as proxies write it: bare, `[v6]`, with a port (`1.2.3.4:443`,
 * `[v6]:443`), with an IPv6 zone (`fe80::1%eth0`); IPv4-mapped IPv6 as its
 * IPv4. Null for anything else.
 */
function parseAddress(text: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let address = text?.trim() ?? '';
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%[\w.-]+$/, '');
  if (!address || !isIP(address)) return null;
  return ipaddr.process(address);
}

/** The most of an entry that is not an address kept as its key (a proxy that writes "unknown" or a name). */
const MAX_UNPARSED_KEY_LENGTH = 64;

/**
 * Finds the caller of a request: the key the per-address limits count it
 * under. IPv4 as is ("192.0.2.1"), IPv6 as its /64 ("2001:db8:1:2::/64"),
 * "unknown" when there is no address at all (no socket, as under yoga.fetch,
 * and no trusted hop). `peer`: the socket's remote address; `forwardedFor`:
 * the X-Forwarded-For header (several headers joined by commas).
 *
 * Entries count by position, never skipped: the entry at the caller's place
 * was written by our nearest proxy, so even when it is not an address (a port
 * we cannot read, "unknown"), it is the caller's key as written, and nothing
 * the caller wrote to its left is ever read.
 */
export function clientAddressFinder(trust: TrustedProxies): (peer: string | undefined, forwardedFor: string | null) => string {
  const hops = 'hops' in trust ? trust.hops : 0;
  const ranges = 'ranges' in trust ? trust.ranges.map(compileRange) : [];
  const inRanges = (address: ipaddr.IPv4 | ipaddr.IPv6) => ranges.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
  return (peer, forwardedFor) => {
    // Nearest first: the socket's peer, then X-Forwarded-For right to left.
    const forwarded = forwardedFor?.trim() ? forwardedFor.split(',').reverse() : [];
    const hopsSeen = [peer ?? '', ...forwarded].map((entry) => entry.trim());
    let index = 0;
    for (; index < hopsSeen.length - 1; index++) {
      const address = parseAddress(hopsSeen[index]);
      const proxy = index < hops || (address !== null && inRanges(address));
      if (!proxy) break;
    }
    // The first hop that is not one of our proxies; every hop a proxy: the leftmost entry present.
    return callerKey(hopsSeen[index]!, index === 0 ? null : hopsSeen[index]!);
  };
}

function callerKey(entry: string, written: string | null): string {
  const address = parseAddress(entry);
  if (address || written === null || written === '') return addressKey(address);
  return `unparsed:${written.toLowerCase().slice(0, MAX_UNPARSED_KEY_LENGTH)}`;
}

function addressKey(address: ipaddr.IPv4 | ipaddr.IPv6 | null): string {
  if (!address) return 'unknown';
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

/** What the start-up output says about where callers' addresses come from. */
export function describeTrustedProxies(trust: TrustedProxies): string {
  if ('ranges' in trust) return `the nearest X-Forwarded-For entry not from ${trust.ranges.join(', ')}`;
  if (trust.hops === 0) return 'the connection (no proxy trusted)';
  return `X-Forwarded-For, behind ${trust.hops} prox${trust.hops === 1 ? 'y' : 'ies'}`;
}

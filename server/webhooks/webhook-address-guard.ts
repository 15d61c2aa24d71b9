import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

// SSRF: in production an endpoint may only reach public unicast addresses.
// ipaddr.js classifies an address (loopback, private, linkLocal, uniqueLocal,
// carrierGradeNat, reserved, multicast, 6to4/teredo/rfc6052 wrappers of IPv4,
// IPv4-mapped IPv6 unwrapped first…); anything but "unicast" is refused. The
// URL is checked when it is saved, and the addresses the connection actually
// uses are checked again at every delivery (a DNS name may change, or answer
// differently: DNS rebinding), in the socket's own lookup, so the address
// checked is the address connected to.

/** IPv6's global unicast block; outside it (IPv4-compatible ::a.b.c.d, site-local…) nothing public is reached. */
const GLOBAL_UNICAST_IPV6 = ipaddr.parseCIDR('2000::/3');

/** Why a connection to this IP address is refused, or null when it may be made. */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range !== 'unicast') return `${address} is a ${range} address`;
  // ipaddr.js calls "unicast" whatever it has no name for, e.g. ::127.0.0.1 (IPv4-compatible, long deprecated).
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_IPV6)) return `${address} is not a global unicast address`;
  return null;
}

export class RefusedAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
}

/** Hostnames that never name a public machine, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|localdomain|internal|local)$/i;

/**
 * What a caller is told when the address is refused, whatever the reason: the
 * reason (which address a name resolved to, which range it is in) would let
 * an admin look up the server's internal names through it.
 */
export const ADDRESS_NOT_ALLOWED = 'This address is not allowed: webhooks only go to public addresses.';

/**
 * The URL rules for an endpoint, at creation and update: http(s), no
 * credentials in it, and (unless private addresses are allowed) neither a
 * local name nor an address, given or resolved, outside public unicast. A name
 * that does not resolve yet is accepted; delivery checks it again.
 */
export async function webhookUrlProblem(raw: string, allowPrivateAddresses: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL: give an absolute http:// or https:// address.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Only http:// and https:// URLs can receive webhooks.';
  if (url.username || url.password) return 'The URL may not carry a user name or password; authenticate the request by its signature.';
  if (url.hash) return 'The URL may not have a #fragment.';
  if (allowPrivateAddresses) return null;
  return (await addressRefused(url)) ? ADDRESS_NOT_ALLOWED : null;
}

/** Whether the URL's host is, names or resolves to an address outside public unicast. */
async function addressRefused(url: URL): Promise<boolean> {
  // The URL parser has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // "localhost." is localhost: a trailing dot would slip past the local names; no public endpoint needs one.
  if (host.endsWith('.')) return true;
  if (isIP(host)) return refusedAddressReason(host) !== null;
  if (LOCAL_NAMES.test(host)) return true;
  const resolved = await dnsLookupAsync(host, { all: true }).catch(() => []);
  return resolved.some(({ address }) => refusedAddressReason(address) !== null);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that resolves as usual and fails when any
 * address is refused, so the socket never connects to one.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason) return callback(new RefusedAddressError(`${hostname} resolves to ${reason}`), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

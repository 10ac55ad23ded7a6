// Where a webhook may go: never to an internal address (loopback, private, link-local, metadata) unless a development host is named; checked after DNS, and the POST connects only to the checked address.

import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Address ranges a webhook is never sent to by default (issue #15): anything that is not the
 * public internet. The URL parser already turned decimal, hex and short IPv4 forms
 * (`http://2130706433/`, `http://0x7f.1/`) into dotted quads, so only canonical forms reach this.
 */
const INTERNAL_V4 = new BlockList();
/** Separate: node's BlockList matches every IPv4 address against an IPv6 `::ffff:0:0/96` rule. */
const INTERNAL_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  INTERNAL_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // unspecified and loopback
  ['::ffff:0:0', 96], // IPv4-mapped: an IPv4 address in disguise
  ['64:ff9b::', 96], // NAT64, likewise
  ['100::', 64],
  ['2001::', 32], // Teredo
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  INTERNAL_V6.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address (v4 or v6, without brackets) is internal. Anything that is not an IP counts as internal. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? INTERNAL_V4.check(address, 'ipv4') : INTERNAL_V6.check(address, 'ipv6');
}

/** The URL's host without IPv6 brackets or a trailing dot, lower case. */
const bareHost = (url: URL): string =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

/** Whether the URL names a development host the operator allowed (`host` for any port, or `host:port`). */
export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return false;
  const host = bareHost(url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowedHosts.some((entry) => {
    const allowed = entry
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    return allowed === host || allowed === `${host}:${port}` || allowed === `[${host}]:${port}`;
  });
}

const REFUSED = 'This URL points to an internal address (loopback, private or link-local network); webhooks go to public addresses only.';

/**
 * The check when an endpoint is saved: a literal internal address or a `localhost` name is refused
 * (unless allowed). Names are resolved at each delivery, where the check is repeated.
 * @returns the message to show, or null when the URL may be saved
 */
export function internalUrlProblem(url: URL, allowedHosts: readonly string[]): string | null {
  if (isAllowedHost(url, allowedHosts)) return null;
  const host = bareHost(url);
  if (isIP(host) !== 0) return isInternalAddress(host) ? REFUSED : null;
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return REFUSED;
  return null;
}

/** A delivery refused because its destination is internal (the attempt records the message). */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
}

export interface Destination {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and checks every address it resolves to (a name that resolves to one
 * public and one internal address is refused: the connection could take either).
 * @throws DestinationRefusedError
 */
export async function resolveDestination(
  url: URL,
  allowedHosts: readonly string[],
  resolve: (host: string) => Promise<{ address: string; family: number }[]> = (host) => lookup(host, { all: true, verbatim: true }),
): Promise<Destination> {
  const allowed = isAllowedHost(url, allowedHosts);
  const problem = internalUrlProblem(url, allowedHosts);
  if (problem) throw new DestinationRefusedError(problem);
  const host = bareHost(url);
  const literal = isIP(host);
  const addresses = literal !== 0 ? [{ address: host, family: literal }] : await resolve(host);
  if (addresses.length === 0) throw new DestinationRefusedError('The host does not resolve.');
  if (!allowed && addresses.some((a) => isInternalAddress(a.address))) throw new DestinationRefusedError(REFUSED);
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * POSTs to `url`, connecting only to `destination` (the checked address: no second DNS answer
 * can send it elsewhere), with TLS still verified against the URL's host name. Redirects are
 * answers, never followed; the response body is discarded.
 * @returns the response status
 */
export function postToDestination(
  url: URL,
  destination: Destination,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<number> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [destination]);
    else callback(null, destination.address, destination.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(url, { method: 'POST', headers: init.headers, lookup: pinned, signal: init.signal }, (res: IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      res.resume(); // read and drop: nothing of the answer is kept
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

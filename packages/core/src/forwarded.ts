// What the forwarding headers say about the client (address, host, protocol), read from the right end.

/**
 * The entries of a comma-separated forwarding header, left to right. Several headers of one name
 * arrive joined by ", ", which is the same chain.
 */
function chain(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The entry `position` places from the right end (0: the last one); null when the chain is shorter. */
function fromRight(entries: readonly string[], position: number): string | null {
  return entries[entries.length - 1 - position] ?? null;
}

function hopsOf(trustedProxyHops: number): number {
  return Number.isInteger(trustedProxyHops) && trustedProxyHops > 0 ? trustedProxyHops : 0;
}

/**
 * The client address of a request, counted from the right end of X-Forwarded-For (issue #15). The
 * last entry is the address this server saw on its socket: Gatehouse's HTTP entry points append it
 * (`gatehouse serve`, and in Next.js the hook `startGatehouse()` installs), so with no trusted proxy
 * (`trustedProxyHops` 0, the default) that is the answer and nothing a client writes in the header
 * has a say. Behind N trusted proxies, each appending the address it saw, the client is N entries
 * further left. Entries left of that are the client's own words and are never read. Null when the
 * chain is shorter than that (a trusted proxy that did not append). The per-IP rate limits, audit
 * rows and session lists all use this one rule.
 */
export function clientAddress(headers: Pick<Headers, 'get'>, trustedProxyHops = 0): string | null {
  const entry = fromRight(chain(headers.get('x-forwarded-for')), hopsOf(trustedProxyHops));
  return entry ? entry.slice(0, 64) : null;
}

/**
 * The host and protocol the browser addressed, by the same rule as {@link clientAddress}: the Host
 * header ends the X-Forwarded-Host chain (it is what this server was sent), and the protocol this
 * server saw ends the X-Forwarded-Proto chain (appended by Gatehouse's entry points like the peer
 * address; where nobody appended one, `ownProtocol`). With no trusted proxy a client-written
 * X-Forwarded-Host or -Proto is never read. A protocol other than http or https is not believed.
 */
export function forwardedHostAndProtocol(
  headers: Pick<Headers, 'get'>,
  trustedProxyHops: number,
  ownProtocol: 'http' | 'https',
): { host: string | null; protocol: 'http' | 'https' } {
  const hops = hopsOf(trustedProxyHops);
  const host = headers.get('host')?.trim() || null;
  const hosts = [...chain(headers.get('x-forwarded-host')), ...(host ? [host] : [])];
  const protocols = chain(headers.get('x-forwarded-proto'));
  if (protocols.length === 0) protocols.push(ownProtocol);
  const protocol = fromRight(protocols, hops)?.toLowerCase();
  return {
    // A trusted proxy that did not send X-Forwarded-Host forwarded the browser's Host as is.
    host: fromRight(hosts, hops) ?? host,
    protocol: protocol === 'https' || protocol === 'http' ? protocol : ownProtocol,
  };
}

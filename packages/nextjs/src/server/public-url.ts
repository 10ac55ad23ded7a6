// The request's URL as the browser addressed it, for same-origin checks and the `azp` claim.

import { forwardedHostAndProtocol } from '@gatehouse/core';

/**
 * Under `next start`, Next.js builds `request.url` (and `nextUrl`'s host) from its own listen
 * address (`http://localhost:3000/...`), not from the address the browser used. This rebuilds it
 * from the host and protocol the browser addressed, read from the right end of X-Forwarded-Host /
 * X-Forwarded-Proto counting `trustedProxyHops` (issue #15): with no trusted proxy, the Host header
 * and this server's own protocol, whatever the client wrote in forwarding headers. A cross-site
 * page cannot choose these headers without a CORS preflight, so a same-origin check against this
 * URL stays a check; never use it to grant anything.
 */
export function publicUrl(request: Pick<Request, 'url' | 'headers'>, trustedProxyHops = 0): URL {
  const url = new URL(request.url);
  const { host, protocol } = forwardedHostAndProtocol(request.headers, trustedProxyHops, url.protocol === 'https:' ? 'https' : 'http');
  if (!host) return url;
  try {
    return new URL(`${url.pathname}${url.search}`, `${protocol}://${host}`);
  } catch {
    return url; // an unusable Host header: keep Next's URL (a same-origin check then fails closed)
  }
}

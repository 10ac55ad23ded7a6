// Cross-site writes that ride on the session cookies: refused before any page, action or handler runs.

import { crossSiteWrite } from '@gatehouse/core';
import { publicUrl } from './public-url.js';

/**
 * True for a state-changing request that carries Gatehouse cookies and comes from another site, or
 * says nothing of where it comes from (the core check, scoped to cookie-carrying writes, against
 * the origin the browser used, read from the right end of the forwarding headers).
 * Requests without our cookies (webhooks, Bearer clients) are not affected. The allowed origins
 * are an instance setting that changes at run time: read (live) only when an Origin needs them;
 * the request's own origin too is worked out only then.
 */
export async function isCrossSiteCookieWrite(
  request: Pick<Request, 'method' | 'url' | 'headers'>,
  allowedOrigins: () => Promise<readonly string[]>,
  trustedProxyHops = 0,
): Promise<boolean> {
  // Rebuilt only when an Origin is compared with it: reads and cookie-less writes never need it.
  let own: string | undefined;
  const ownOrigin = () => (own ??= publicUrl(request, trustedProxyHops).origin);
  const verdict = crossSiteWrite(request, { ownOrigin, allowedOrigins: [], scope: 'cookie-writes' });
  if (verdict !== 'foreign-origin') return verdict !== null;
  return crossSiteWrite(request, { ownOrigin, allowedOrigins: await allowedOrigins(), scope: 'cookie-writes' }) !== null;
}

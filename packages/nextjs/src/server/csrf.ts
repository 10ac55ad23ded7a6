// Cross-site writes that ride on the session cookies: refused before any page, action or handler runs.

import { crossSiteWrite } from '@gatehouse/core';
import { publicUrl } from './public-url.js';

/**
 * True for a state-changing request that carries Gatehouse cookies and comes from another site
 * (the core check, scoped to cookie-carrying writes, against the origin the browser used).
 * Requests without our cookies (webhooks, Bearer clients) are not affected. The allowed origins
 * are an instance setting that changes at run time: read (live) only when an Origin needs them.
 */
export async function isCrossSiteCookieWrite(
  request: Pick<Request, 'method' | 'url' | 'headers'>,
  allowedOrigins: () => Promise<readonly string[]>,
): Promise<boolean> {
  const ownOrigin = publicUrl(request).origin;
  const verdict = crossSiteWrite(request, { ownOrigin, allowedOrigins: [], scope: 'cookie-writes' });
  if (verdict !== 'foreign-origin') return verdict !== null;
  return crossSiteWrite(request, { ownOrigin, allowedOrigins: await allowedOrigins(), scope: 'cookie-writes' }) !== null;
}

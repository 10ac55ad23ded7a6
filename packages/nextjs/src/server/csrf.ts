// Cross-site writes that ride on the session cookies: refused before any page, action or handler runs.

import { CLIENT_COOKIE, SESSION_COOKIE, parseCookieHeader } from '@gatehouse/core';
import { publicUrl } from './public-url.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True for a state-changing request (not GET/HEAD/OPTIONS) that carries Gatehouse cookies and comes
 * from another site: `Sec-Fetch-Site: cross-site`, or an Origin that is neither the origin the
 * request was sent to nor an allowed one. SameSite=Lax keeps most browsers from sending the cookies
 * on such requests; this covers sibling subdomains (same site, other origin) and older browsers.
 * Requests without our cookies (webhooks, Bearer clients) are not affected.
 */
export function isCrossSiteCookieWrite(request: Pick<Request, 'method' | 'url' | 'headers'>, allowedOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const cookies = parseCookieHeader(request.headers.get('cookie'));
  if (!cookies.has(SESSION_COOKIE) && !cookies.has(CLIENT_COOKIE)) return false;
  if (request.headers.get('sec-fetch-site') === 'cross-site') return true;
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  return origin !== publicUrl(request).origin && !allowedOrigins.includes(origin);
}

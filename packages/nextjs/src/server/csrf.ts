// Cross-site writes that ride on the session cookies: refused before any page, action or handler runs.

import { CLIENT_COOKIE, SESSION_COOKIE, parseCookieHeader } from '@gatehouse/core';
import { publicUrl } from './public-url.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True for a state-changing request (not GET/HEAD/OPTIONS) that carries Gatehouse cookies and does
 * not show that it comes from this origin: `Sec-Fetch-Site: cross-site`, an Origin that is neither
 * the origin the request was sent to nor an allowed one, or neither header at all (issue #15: every
 * browser sends one of them on a write, so a cookie write with neither is not a page of this app).
 * SameSite=Lax keeps most browsers from sending the cookies on cross-site writes; this covers
 * sibling subdomains (same site, other origin) and older browsers. Requests without our cookies
 * (webhooks, Bearer clients) and requests with an `Authorization` header (a cross-site page cannot
 * add one without a CORS preflight) are not affected.
 */
export function isCrossSiteCookieWrite(
  request: Pick<Request, 'method' | 'url' | 'headers'>,
  allowedOrigins: readonly string[],
  trustedProxyHops?: number,
): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const cookies = parseCookieHeader(request.headers.get('cookie'));
  if (!cookies.has(SESSION_COOKIE) && !cookies.has(CLIENT_COOKIE)) return false;
  if (request.headers.has('authorization')) return false;
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site') return true;
  const origin = request.headers.get('origin');
  if (origin === null) return site === null;
  return origin !== publicUrl(request, trustedProxyHops).origin && !allowedOrigins.includes(origin);
}

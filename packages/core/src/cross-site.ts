// The one cross-site write check: the auth API, the Node proxy and the edge middleware all ask it.

import { CLIENT_COOKIE, SESSION_COOKIE, parseCookieHeader } from './cookies.js';

/** Methods that never change state. The auth API answers OPTIONS itself (never CORS), so it checks it like a write. */
const SAFE_METHODS = {
  'every-write': new Set(['GET', 'HEAD']),
  'cookie-writes': new Set(['GET', 'HEAD', 'OPTIONS']),
} as const satisfies Record<string, ReadonlySet<string>>;

export interface CrossSitePolicy {
  /** The origin the request was sent to, as the browser saw it (a function: read only when an Origin is compared). */
  ownOrigin: string | (() => string);
  /** Other origins whose writes are allowed (read live by the caller: an instance setting). */
  allowedOrigins: readonly string[];
  /**
   * `every-write`: every state-changing request is checked (the auth API). `cookie-writes`: only
   * those carrying Gatehouse cookies (the app's routes, where webhooks and Bearer clients must pass).
   */
  scope: 'every-write' | 'cookie-writes';
}

/**
 * Why a write was refused: the browser said `cross-site`, an Origin that is neither ours nor
 * allowed, or (`no-origin`) a write that carries Gatehouse cookies with neither header.
 */
export type CrossSiteVerdict = 'cross-site' | 'foreign-origin' | 'no-origin' | null;

/**
 * Whether a request is a state-changing request (see {@link SAFE_METHODS}) from another site:
 * `Sec-Fetch-Site: cross-site`, or an Origin that is neither `ownOrigin` nor an allowed one. A
 * write that carries Gatehouse cookies with neither Origin nor Sec-Fetch-Site is refused too
 * (issue #15: every browser sends one of them on a write, so it is not a page of this app),
 * unless it sends `Authorization` (a cross-site page cannot add one without a CORS preflight).
 * Without our cookies (servers, the CLI, webhooks) no Origin is needed. SameSite=Lax keeps most
 * browsers from sending the cookies on cross-site requests; this covers sibling subdomains (same
 * site, other origin) and older browsers.
 */
export function crossSiteWrite(request: Pick<Request, 'method' | 'headers'>, policy: CrossSitePolicy): CrossSiteVerdict {
  if (SAFE_METHODS[policy.scope].has(request.method.toUpperCase())) return null;
  const cookies = parseCookieHeader(request.headers.get('cookie'));
  const withCookies = cookies.has(SESSION_COOKIE) || cookies.has(CLIENT_COOKIE);
  if (policy.scope === 'cookie-writes' && !withCookies) return null;
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site') return 'cross-site';
  const origin = request.headers.get('origin');
  if (origin === null) return site === null && withCookies && !request.headers.has('authorization') ? 'no-origin' : null;
  const ownOrigin = typeof policy.ownOrigin === 'function' ? policy.ownOrigin() : policy.ownOrigin;
  if (origin === ownOrigin || policy.allowedOrigins.includes(origin)) return null;
  return 'foreign-origin';
}

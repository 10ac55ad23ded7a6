// The one cross-site write check: the auth API, the Node proxy and the edge middleware all ask it.

import { CLIENT_COOKIE, SESSION_COOKIE, parseCookieHeader } from './cookies.js';

/** Methods that never change state. The auth API answers OPTIONS itself (never CORS), so it checks it like a write. */
const SAFE_METHODS = {
  'every-write': new Set(['GET', 'HEAD']),
  'cookie-writes': new Set(['GET', 'HEAD', 'OPTIONS']),
} as const satisfies Record<string, ReadonlySet<string>>;

export interface CrossSitePolicy {
  /** The origin the request was sent to, as the browser saw it. */
  ownOrigin: string;
  /** Other origins whose writes are allowed (read live by the caller: an instance setting). */
  allowedOrigins: readonly string[];
  /**
   * `every-write`: every state-changing request is checked (the auth API). `cookie-writes`: only
   * those carrying Gatehouse cookies (the app's routes, where webhooks and Bearer clients must pass).
   */
  scope: 'every-write' | 'cookie-writes';
}

/** Why a write was refused: the browser said `cross-site`, or an Origin that is neither ours nor allowed. */
export type CrossSiteVerdict = 'cross-site' | 'foreign-origin' | null;

/**
 * Whether a request is a state-changing request (see {@link SAFE_METHODS}) from another site:
 * `Sec-Fetch-Site: cross-site`, or an Origin that is neither `ownOrigin` nor an allowed one. A
 * request without Origin (not a browser's cross-origin write) passes. SameSite=Lax keeps most
 * browsers from sending the cookies on such requests; this covers sibling subdomains (same site,
 * other origin) and older browsers.
 */
export function crossSiteWrite(request: Pick<Request, 'method' | 'headers'>, policy: CrossSitePolicy): CrossSiteVerdict {
  if (SAFE_METHODS[policy.scope].has(request.method.toUpperCase())) return null;
  if (policy.scope === 'cookie-writes') {
    const cookies = parseCookieHeader(request.headers.get('cookie'));
    if (!cookies.has(SESSION_COOKIE) && !cookies.has(CLIENT_COOKIE)) return null;
  }
  if (request.headers.get('sec-fetch-site') === 'cross-site') return 'cross-site';
  const origin = request.headers.get('origin');
  if (origin === null || origin === policy.ownOrigin || policy.allowedOrigins.includes(origin)) return null;
  return 'foreign-origin';
}

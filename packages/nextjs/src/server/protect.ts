// auth.protect() and the redirect helpers: one decision procedure, and the outcome for each kind of request.

import type { AcceptsToken, AuthObject, CheckAuthorizationParams, HasFunction } from '@gatehouse/core';

/** What to check (and, merged in as Clerk allows, the options: `token`, redirect URLs). */
export type ProtectParams = (CheckAuthorizationParams & ProtectOptions) | ((has: HasFunction) => boolean);

export interface ProtectOptions {
  /** Redirect here instead of to sign-in when signed out (pages only). */
  unauthenticatedUrl?: string;
  /** Redirect here instead of the 404 page when signed in but not allowed (pages only). */
  unauthorizedUrl?: string;
  /** The token types the route takes (default `session_token`): `api_key`, `m2m_token`, a list, or `any`. */
  token?: AcceptsToken;
}

export type RequestKind = 'page' | 'server-action' | 'api';

/**
 * What kind of request this is, from headers the browser and Next.js set. The answer only picks
 * the shape of a refusal (redirect or status code); it never grants anything.
 */
export function requestKind(headers: Headers): RequestKind {
  if (headers.has('next-action')) return 'server-action';
  const dest = headers.get('sec-fetch-dest');
  if (dest === 'document' || dest === 'iframe') return 'page';
  if (headers.get('rsc') === '1' || headers.has('next-router-state-tree')) return 'page';
  if (!dest || dest === 'empty') {
    const accept = headers.get('accept') ?? '';
    if (dest !== 'empty' && accept.includes('text/html')) return 'page';
  }
  return 'api';
}

/** The outcome of a protect() check. */
export type ProtectOutcome =
  { kind: 'allowed' } | { kind: 'unauthenticated'; redirectTo?: string } | { kind: 'unauthorized'; redirectTo?: string };

function splitArgs(params?: ProtectParams | (CheckAuthorizationParams & ProtectOptions), options?: ProtectOptions) {
  if (typeof params === 'function') return { check: params, opts: options ?? {} };
  const merged = { ...(params ?? {}), ...(options ?? {}) } as CheckAuthorizationParams & ProtectOptions;
  const { role, permission, feature, plan, reverification } = merged;
  const authz: CheckAuthorizationParams = {};
  if (role !== undefined) authz.role = role;
  if (permission !== undefined) authz.permission = permission;
  if (feature !== undefined) authz.feature = feature;
  if (plan !== undefined) authz.plan = plan;
  if (reverification !== undefined) authz.reverification = reverification;
  return { check: Object.keys(authz).length ? authz : null, opts: merged as ProtectOptions };
}

/** The authorization check of protect()'s arguments (role, permission, …, or a function); null for none. */
export function authorizationOf(
  params?: ProtectParams | (CheckAuthorizationParams & ProtectOptions),
): CheckAuthorizationParams | ((has: HasFunction) => boolean) | null {
  return splitArgs(params).check;
}

/** The decision procedure of auth.protect(); the callers turn the outcome into a response. */
export function decideProtect(
  auth: AuthObject,
  params?: ProtectParams | (CheckAuthorizationParams & ProtectOptions),
  options?: ProtectOptions,
): ProtectOutcome {
  const { check, opts } = splitArgs(params, options);
  const token = opts.token;
  const acceptsSession =
    token === undefined || token === 'any' || token === 'session_token' || (Array.isArray(token) && token.includes('session_token'));
  const unauthenticated = (): ProtectOutcome =>
    opts.unauthenticatedUrl ? { kind: 'unauthenticated', redirectTo: opts.unauthenticatedUrl } : { kind: 'unauthenticated' };
  const unauthorized = (): ProtectOutcome =>
    opts.unauthorizedUrl ? { kind: 'unauthorized', redirectTo: opts.unauthorizedUrl } : { kind: 'unauthorized' };
  if (!acceptsSession) return unauthorized();
  if (!auth.isAuthenticated || auth.sessionStatus === 'pending') return unauthenticated();
  if (check === null) return { kind: 'allowed' };
  const allowed = typeof check === 'function' ? check(auth.has) === true : auth.has(check);
  return allowed ? { kind: 'allowed' } : unauthorized();
}

/** The longest `redirect_url` put into a sign-in redirect: what the sign-in page honours (and the handshake carries). */
export const MAX_REDIRECT_URL_LENGTH = 2048;

/**
 * `signInUrl?redirect_url=<path>`: the return address is always a same-origin path. One longer
 * than {@link MAX_REDIRECT_URL_LENGTH} loses its query (then the path too), so a long link never
 * ends on a 431 page (issue #15).
 */
export function signInRedirect(signIn: string, requestUrl: URL, returnBackUrl?: string | null): string {
  const target = new URL(signIn, requestUrl);
  if (returnBackUrl !== null) {
    const back = returnBackUrl === undefined ? requestUrl : new URL(returnBackUrl, requestUrl);
    const full = `${back.pathname}${back.search}`;
    const kept = full.length <= MAX_REDIRECT_URL_LENGTH ? full : back.pathname.length <= MAX_REDIRECT_URL_LENGTH ? back.pathname : null;
    if (back.origin === requestUrl.origin && kept !== null) target.searchParams.set('redirect_url', kept);
  }
  return target.origin === requestUrl.origin ? `${target.pathname}${target.search}` : target.href;
}
